"""The benchmark suite: `make bench`.

Runs our statistics (the checkout's .venv) and the peers (River 0.26.1, pandas, bottleneck,
polars, installed by this script into benchmarks/.venv-peers) in the same run, each workload
in a fresh process, and writes benchmarks/RESULTS.md and benchmarks/rolling_quantile.png.

    python benchmarks/run.py [--quick] [--full]

--quick shrinks every size (a smoke run); --full also runs River's RollingQuantile at
window 10^6 over 2,000,000 updates (minutes) and the Dask benchmark at the issue's sizes (10^8
values, a rolling median over 10^7); --kll runs only the KLL sketch against Apache DataSketches,
--dask only river.dask against Dask's own on a 2-worker LocalCluster and --time-only only the
time windows, each rewriting only its section of RESULTS.md. --rolling-batch only times
RollingQuantile.accumulate over 2,000,000 values at windows 10^2 to 10^6 against bottleneck
and polars (interleaved rounds in one process) and prints the ratios.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OURS = Path(sys.executable)
PEERS_DIR = HERE / ".venv-peers"
PEERS = PEERS_DIR / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

TARGET_NS = {"EWMean": 45, "PeakToPeak": 45, "Mean": 45, "Var": 45, "Quantile": 45}


def ensure_peers() -> None:
    stamp = PEERS_DIR / ".stamp"
    reqs = (HERE / "requirements-peers.txt").read_text()
    if stamp.exists() and stamp.read_text() == reqs:
        return
    print("installing the peers into", PEERS_DIR, file=sys.stderr)
    venv.create(PEERS_DIR, with_pip=True, clear=True)
    subprocess.run(
        [str(PEERS), "-m", "pip", "install", "--quiet", "-r", str(HERE / "requirements-peers.txt")],
        check=True,
    )
    stamp.write_text(reqs)


def run(python: Path, workload: str, **args) -> dict:
    env = dict(os.environ)
    # Keep the checkout off the peers' path: both packages are called `river`.
    cwd = ROOT if python == OURS else HERE
    proc = subprocess.run(
        [str(python), str(HERE / "workloads.py"), workload, json.dumps(args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        return {
            "error": proc.stderr.strip().splitlines()[-1]
            if proc.stderr.strip()
            else f"exit {proc.returncode}"
        }
    return json.loads(proc.stdout)


class Worker:
    """A long-lived `workloads.py serve` process under one interpreter, answering one request
    at a time: ours and River's are timed in turn (A, B, A, B, ...) under the same load
    without a process start for each figure."""

    def __init__(self, python: Path, peer_path: str | None = None) -> None:
        # Keep the checkout off the peers' path: both packages are called `river`.
        self.proc = subprocess.Popen(
            [str(python), str(HERE / "workloads.py"), "serve", json.dumps({"peer_path": peer_path})],
            cwd=ROOT if python == OURS else HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, workload: str, **args) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"workload": workload, "args": args}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        return json.loads(line) if line else {"error": f"worker exited ({self.proc.poll()})"}

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def peers_site_packages() -> str:
    out = subprocess.run(
        [str(PEERS), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def ratio_stats(ours: list[float], theirs: list[float]) -> dict | None:
    """The per-round ratios theirs / ours (above 1: ours is faster): median, min and max,
    with the median times of each side."""
    ratios = sorted(t / o for o, t in zip(ours, theirs, strict=True) if o and t)
    if not ratios:
        return None
    return {
        "ratio": statistics.median(ratios),
        "min": ratios[0],
        "max": ratios[-1],
        "ours": statistics.median(ours),
        "theirs": statistics.median(theirs),
        "rounds": len(ratios),
    }


def fmt_ratio(r: dict | None) -> str:
    if r and "ratio" not in r:
        return "not in River"
    return "n/a" if not r else f"{r['ratio']:.2f}x ({r['min']:.2f}-{r['max']:.2f})"


def per_class(ours: Worker, river: Worker, names: list[str], n: int, rounds: int) -> dict:
    """`update` and `update`+`get` per element for every class, ours and River's in turn, one
    class and mode at a time; the side that goes first alternates from round to round."""
    times: dict = {mode: {name: {"ours": [], "river": []} for name in names} for mode in MODES}
    errors: dict = {}
    for r in range(rounds):
        print(f"  round {r + 1}/{rounds}", file=sys.stderr)
        for name in names:
            for mode in MODES:
                sides = [("ours", ours), ("river", river)]
                for side, worker in sides if r % 2 == 0 else sides[::-1]:
                    res = worker("per_class", names=[name], n=n, mode=mode).get(name, {})
                    if "ns" in res:
                        times[mode][name][side].append(res["ns"])
                    elif res or side == "ours":  # River has no class of that name: no error
                        errors[f"{side} {name} {mode}"] = res.get("error", "missing")
    out: dict = {"errors": errors, "rounds": rounds, "n": n}
    for mode in MODES:
        out[mode] = {}
        for name in names:
            t = times[mode][name]
            if t["ours"] and not t["river"]:  # ours only (not in River 0.26.1)
                out[mode][name] = {"ours": statistics.median(t["ours"]), "theirs": None}
                continue
            same = len(t["ours"]) == len(t["river"])
            out[mode][name] = ratio_stats(t["ours"], t["river"]) if same else None
    return out


MODES = ("update", "update+get")
PEER_LIBS = ("bottleneck", "polars", "pandas")


def rolling_batch_rounds(
    ours: Worker, window: int, n: int, q: float, rounds: int, libs: list[str] | None = None
) -> dict:
    """Ours (`accumulate`) and each peer over the same array in our process, interleaved,
    `rounds` times: per peer, the per-round ratios peer / ours."""
    # bottleneck has only the median; pandas, 25 times slower than the others, only there too.
    if libs is None:
        libs = list(PEER_LIBS) if q == 0.5 else ["polars"]
    ours("rolling_batch_round", window=min(window, 100), n=1_000, q=q, libs=libs)  # warm-up
    runs: dict = {}
    for _ in range(rounds):
        res = ours("rolling_batch_round", window=window, n=n, q=q, libs=libs)
        for lib, r in res.items():
            if isinstance(r, dict) and "seconds" in r:
                runs.setdefault(lib, []).append(r["seconds"])
    out: dict = {"window": window, "n": n, "q": q}
    mine = runs.get("ours", [])
    out["ours"] = median_entry(mine, n)
    for lib in PEER_LIBS:
        theirs = runs.get(lib, [])
        if mine and len(theirs) == len(mine):
            out[lib] = ratio_stats(mine, theirs)
            out[lib]["ns"] = out[lib]["theirs"] / n * 1e9
    return out


def median_entry(seconds: list[float], n: int) -> dict:
    if not seconds:
        return {}
    m = statistics.median(seconds)
    return {"seconds": m, "ns": m / n * 1e9}


def loop_rounds(ours: Worker, river: Worker | None, rounds: int, **args) -> dict:
    """A `rolling_loop` workload in our worker and River's in turn, `rounds` times."""
    mine, theirs = [], []
    for r in range(rounds):
        sides = [(mine, ours), (theirs, river)] if r % 2 == 0 else [(theirs, river), (mine, ours)]
        for acc, worker in sides:
            if worker is not None:
                res = worker("rolling_loop", **args)
                if "seconds" in res:
                    acc.append(res["seconds"])
    n = args["n"]
    out: dict = {"ours": median_entry(mine, n)}
    if theirs and len(theirs) == len(mine):
        out["river"] = ratio_stats(mine, theirs)
        out["river"]["ns"] = out["river"]["theirs"] / n * 1e9
    return out


def rolling_batch_only(rounds: int, scale: int) -> int:
    """`accumulate` of RollingQuantile against bottleneck (median) and polars (every q) at
    each window from 10^2 to 10^6, over 2,000,000 values: the median per-round ratio (peer
    time / ours, above 1: ours is faster) and its range, printed as a table."""
    ours = Worker(OURS, peer_path=peers_site_packages())
    n = 2_000_000 // scale
    out: dict = {}
    lines = ["| window | q | ours ms | bottleneck / ours | polars / ours |", "|---|---|---|---|---|"]
    for w in [max(1, 10**k // scale) for k in range(2, 7)]:
        for q in (0.5, 0.01, 0.25, 0.99):
            libs = ["bottleneck", "polars"] if q == 0.5 else ["polars"]
            res = rolling_batch_rounds(ours, w, n, q, rounds, libs)
            out[f"{w} {q}"] = res
            ms = res["ours"]["seconds"] * 1e3 if res["ours"] else None
            lines.append(
                f"| {w:,} | {q} | {fmt(ms)} | {fmt_ratio(res.get('bottleneck')) if q == 0.5 else ''} | "
                f"{fmt_ratio(res.get('polars'))} |"
            )
            print(lines[-1], file=sys.stderr)
    ours.close()
    (HERE / "results_rolling_batch.json").write_text(json.dumps(out, indent=1))
    print("\n".join(lines))
    return 0


def fmt(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{x:,.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--kll", action="store_true", help="only the KLL sketch against DataSketches")
    parser.add_argument("--time-only", action="store_true")
    parser.add_argument(
        "--per-class", action="store_true", help="only update and update+get of every class against River"
    )
    parser.add_argument("--dask", action="store_true", help="only river.dask against Dask on a LocalCluster")
    parser.add_argument(
        "--pickle", action="store_true", help="only the pickle of a full RollingQuantile(10^6), as JSON"
    )
    parser.add_argument(
        "--rolling-batch", action="store_true", help="only RollingQuantile.accumulate against the peers"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --rolling-batch")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    if args.pickle:
        print(json.dumps(run(OURS, "pickle_size", window=10**6 // scale), indent=1))
        return 0
    if args.kll:
        return kll_only(scale)
    if args.dask:
        return section_only(DASK_HEADING, dask_section(run_dask(scale, args.full)))
    ensure_peers()
    if args.rolling_batch:
        return rolling_batch_only(args.rounds, scale)
    if args.time_only:
        t = time_windows(scale)
        (HERE / "results_time_windows.json").write_text(json.dumps(t, indent=1))
        plot_time_windows(t)
        return section_only(TIME_MARK, time_markdown(t, args).splitlines())

    from river import stats  # ours

    # The time windows take update(x, t=...): they have their own section.
    names = sorted(n for n in stats.__all__ if n not in ("base", "Link") and not n.startswith("TimeRolling"))
    if args.per_class:
        rounds = 3 if args.quick else 5
        ours, river = Worker(OURS), Worker(PEERS)
        started = time.perf_counter()
        pc = per_class(ours, river, names, n=30_000 // scale, rounds=rounds)
        pc["seconds"] = time.perf_counter() - started
        ours.close()
        river.close()
        (HERE / "results_per_class.json").write_text(json.dumps(pc, indent=1))
        return section_only(PER_CLASS_HEADING, per_class_section(pc, names))
    report: dict = {"when": datetime.datetime.now().isoformat(timespec="seconds")}
    report["versions_ours"] = run(OURS, "versions")
    report["versions_peers"] = run(PEERS, "versions")

    rounds = 3 if args.quick else (9 if args.full else 5)
    report["rounds"] = rounds
    ours = Worker(OURS, peer_path=peers_site_packages())
    river = Worker(PEERS)
    started = time.perf_counter()
    print(f"per-element update and update+get, every class, {rounds} rounds ...", file=sys.stderr)
    report["per_class"] = per_class(ours, river, names, n=30_000 // scale, rounds=rounds)
    report["per_class"]["seconds"] = time.perf_counter() - started

    print("update_many over 10M float64 ...", file=sys.stderr)
    batch_names = [n for n in ("EWMean", "Mean", "Var", "PeakToPeak") if n in names]
    report["batch"] = run(OURS, "batch", names=batch_names, n=10_000_000 // scale)

    big_w, big_n = 1_000_000 // scale, 2_000_000 // scale
    print("rolling quantile at window 10^6 ...", file=sys.stderr)
    report["t1_loop"] = loop_rounds(ours, None, 3, cls_name="RollingQuantile", window=big_w, n=big_n)["ours"]
    report["t3_iqr_loop"] = loop_rounds(ours, None, 3, cls_name="RollingIQR", window=big_w, n=big_n)["ours"]
    report["t2_batch"] = {
        str(q): rolling_batch_rounds(ours, big_w, big_n, q, rounds) for q in (0.5, 0.01, 0.99)
    }
    report["t2_iqr_accumulate"] = run(OURS, "rolling_batch", lib="ours_iqr", window=big_w, n=big_n)
    if args.full:
        print("River at window 10^6 (minutes) ...", file=sys.stderr)
        report["t1_river"] = run(PEERS, "rolling_loop", cls_name="RollingQuantile", window=big_w, n=big_n)

    print("scaling with the window ...", file=sys.stderr)
    windows = [10**k for k in range(2, 7)]
    n_scale = 200_000 // scale
    river_max = 10**6 if args.full else 10**5
    curve: dict = {"loop": {}, "batch": {}}
    for w in windows:
        w_eff = max(1, w // scale)
        curve["loop"][w] = loop_rounds(
            ours,
            river if w <= river_max else None,
            3,
            cls_name="RollingQuantile",
            window=w_eff,
            n=n_scale,
        )
        curve["batch"][w] = rolling_batch_rounds(ours, w_eff, w_eff + n_scale, 0.5, rounds)
    report["curve"] = curve
    ours.close()
    river.close()
    report["pickle"] = run(OURS, "pickle_size", window=big_w)
    report["kll"] = run_kll(scale)
    report["time_windows"] = time_windows(scale)
    report["dask"] = run_dask(scale, args.full)

    (HERE / "results.json").write_text(json.dumps(report, indent=1))
    write_markdown(report, names, args)
    plot(report)
    plot_time_windows(report["time_windows"])
    print((HERE / "RESULTS.md").read_text())
    return 0


KLL_HEADING = "## KLL quantile sketch against Apache DataSketches"


def run_kll(scale: int) -> dict:
    # Both sketches in one process (the package's .venv has `datasketches` as a test
    # dependency), so that the runs can alternate: ours, theirs, ours, ...
    print("KLL sketch against DataSketches on 10^7 values ...", file=sys.stderr)
    return run(OURS, "kll", n=10_000_000 // scale, n_loop=2_000_000 // scale, shards=64, repeat=5)


def kll_section(r: dict) -> list[str]:
    if "error" in r:
        return [KLL_HEADING, "", f"failed: {r['error']}", ""]
    t, sz = r["ns"], r["sizes"]
    bound = r["bound"]
    lines = [
        KLL_HEADING,
        "",
        f"`stats.KLLQuantile()` (k=200) against `datasketches.kll_doubles_sketch(200)` "
        f"(datasketches {r['datasketches']}), both in one process, runs alternating, median of "
        f"{r['repeat']}, on {r['when']} (1-minute load average {r['load_average']:.1f} on 2 cores: "
        f"other jobs shared the machine). Command: `.venv/bin/python benchmarks/run.py --kll` "
        f"(or `make bench`).",
        "",
        "| measure | ours | DataSketches | ratio | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    batch_ratio = t["theirs_batch"] / t["ours_batch"]
    loop_ratio = t["theirs_loop"] / t["ours_loop"]
    lines.append(
        f"| `update_many(array)` / `update(array)`, {r['n']:,} values (ns per value) | "
        f"{t['ours_batch']:.1f} | {t['theirs_batch']:.1f} | {batch_ratio:.2f}x | >= 4x | "
        f"{'yes' if batch_ratio >= 4 else 'no'} |"
    )
    lines.append(
        f"| Python loop of `update`, {r['n_loop']:,} values (ns per value) | "
        f"{t['ours_loop']:.1f} | {t['theirs_loop']:.1f} | {loop_ratio:.2f}x | >= 3x | "
        f"{'yes' if loop_ratio >= 3 else 'no'} |"
    )
    if "floor_loop" in t:
        floor_ratio = t["theirs_loop"] / t["floor_loop"]
        lines.append(
            f"| the binding's per-call floor: Python loop of `EWMean().update` (ns per value) | "
            f"{t['floor_loop']:.1f} | {t['theirs_loop']:.1f} | {floor_ratio:.2f}x | (bounds the loop) | "
            f"{'yes' if floor_ratio >= 3 else 'no'} |"
        )
    size_ok = sz["ours_pickle"] <= sz["theirs_serialized"]
    lines.append(
        f"| size after {r['n']:,} values: our pickle / their `serialize()` (bytes) | "
        f"{sz['ours_pickle']:,} | {sz['theirs_serialized']:,} | "
        f"{sz['theirs_serialized'] / sz['ours_pickle']:.2f}x | no larger | {'yes' if size_ok else 'no'} |"
    )
    lines += [
        "",
        f"Worst rank error over the 99 percentiles (bound {bound:.2%}, DataSketches' documented "
        f"normalized rank error at k=200, 99% confidence); merged: a pairwise tree merge of "
        f"{r['shards']} shards, one sketch per shard.",
        "",
        "| input | ours, one stream | DataSketches, one stream | ours, merged | DataSketches, merged "
        "| within bound |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, e in r["errors"].items():
        ok = max(e["ours_one"], e["ours_merged"]) <= bound
        lines.append(
            f"| {name} | {e['ours_one']:.3%} | {e['theirs_one']:.3%} | {e['ours_merged']:.3%} | "
            f"{e['theirs_merged']:.3%} | {'yes' if ok else 'no'} |"
        )
    return lines + [""]


def kll_only(scale: int) -> int:
    """Runs the KLL benchmark and replaces (or appends) its section of RESULTS.md."""
    return section_only(KLL_HEADING, kll_section(run_kll(scale)))


DASK_HEADING = "## river.dask against Dask's own on a 2-worker LocalCluster"


def run_dask(scale: int, full: bool) -> dict:
    # Default sizes keep `make bench` within its budget; --full runs the (10^8 values
    # in 64 partitions, a rolling median over 10^7).
    n, rolling_n = (10**8, 10**7) if full else (10**7 // scale, 2 * 10**6 // scale)
    print(f"river.dask against Dask on a LocalCluster, {n:,} values ...", file=sys.stderr)
    return run(
        OURS, "dask_cluster", n=n, partitions=64, rolling_n=rolling_n, window=10_000 // scale, repeat=3
    )


def dask_section(r: dict) -> list[str]:
    if "error" in r:
        return [DASK_HEADING, "", f"failed: {r['error']}", ""]
    lines = [
        DASK_HEADING,
        "",
        f"Dask {r['dask']}, `distributed.LocalCluster(n_workers=2, threads_per_worker=1)` (worker "
        f"processes), data persisted on the workers before timing. After a warm-up, ours and "
        f"Dask's are timed in turn in each of {r['repeat']} rounds, so that load from other jobs "
        f"falls on both alike: best time of each, and the median over the rounds of Dask's time "
        f"over ours. 1-minute load average {r['load_average']:.1f} at the start and "
        f"{r.get('load_average_end', float('nan')):.1f} at the end, on 2 cores (other jobs shared "
        f"the machine). Command: `.venv/bin/python benchmarks/run.py --dask` (or `make bench`; "
        f"`ARGS=--full` for 10^8 values and a rolling median over 10^7).",
        "",
        f"Reduce: {r['n']:,} normal values in {r['partitions']} partitions. Ours: `river.dask.fit(["
        f"Mean(), Var(), KLLQuantile(0.5)], s)` (per partition, the KLL sketch by `update_many` and "
        f"the Mean and Var from numpy's sums); Dask's: `s.mean()`, `s.var()`, `s.quantile(0.5)` "
        f"(default method) in one `dask.compute`; both: all six in one `dask.compute`. Median rank "
        f"error against the exact ranks (KLL bound at k=200: 1.33%, 99% confidence).",
        "",
        "| order | ours (s) | Dask's (s) | Dask's / ours (median of rounds) | both in one compute (s) | "
        "ours: median rank error | Dask's: median rank error | ours: Mean / Var relative error | "
        "Dask's: mean / var relative error |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for order, e in r["reduce"].items():
        lines.append(
            f"| {order} | {e['ours_s']:.2f} | {e['dask_s']:.2f} | {e['ratio']:.2f} | {e['both_s']:.2f} | "
            f"{e['ours_median_rank_error']:.3%} | {e['dask_median_rank_error']:.3%} | "
            f"{e['ours_mean_rel']:.1e} / {e['ours_var_rel']:.1e} | "
            f"{e['dask_mean_rel']:.1e} / {e['dask_var_rel']:.1e} |"
        )
    ro = r["rolling"]
    ratio = ro["ratio"]
    lines += [
        "",
        f"Rolling median, window {r['window']:,}, over {r['rolling_n']:,} values in 16 partitions "
        f"(persisted): `river.dask.rolling(s, RollingQuantile(0.5, {r['window']}), lengths=...)` "
        f"(through `map_overlap`) and without `lengths` (Dask does not know them after `persist()`: "
        f"the tail-carrying chain), against Dask's `s.rolling({r['window']}).quantile(0.5)`. "
        f"One process's `accumulate` over the same values: {ro['one_process_s']:.2f} s.",
        "",
        "| ours, map_overlap (s) | ours, chain (s) | Dask's (s) | Dask's / map_overlap "
        "(median of rounds) | target | "
        "ours == one process's `accumulate` (both paths) | equal (==) to Dask's, full windows | "
        "largest difference to Dask's |",
        "|---:|---:|---:|---:|---|---|---:|---:|",
        f"| {ro['ours_s']:.2f} | {ro['chain_s']:.2f} | {ro['dask_s']:.2f} | {ratio:.1f}x | "
        f">= 10x: {'met' if ratio >= 10 else 'not met'} | "
        f"{'yes' if ro['ours_equals_one_process'] and ro['chain_equals_one_process'] else 'NO'} | "
        f"{ro['equal_to_dask_fraction']:.2%} | {ro['max_abs_diff_to_dask']:.1e} |",
        "",
        "",  # a blank line before the next section when this one replaces its old text
    ]
    return lines


def section_only(heading: str, lines: list[str]) -> int:
    """Replaces (or appends) one section of RESULTS.md."""
    section = "\n".join(lines)
    path = HERE / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if heading in text:
        before, _, rest = text.partition(heading)
        after = rest.find("\n## ")
        text = before + section + (rest[after + 1 :] if after >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    print(section)
    return 0


def ns(entry: dict | None) -> float | None:
    return None if not entry or "ns" not in entry else entry["ns"]


PER_CLASS_HEADING = "## Per element from a Python loop: `update` and `update` + `get` (ns)"


def per_class_section(pc: dict, names: list[str]) -> list[str]:
    lines = [
        PER_CLASS_HEADING,
        "",
        f"`stat.update(x)` (`stat.update(x, y)` for the bivariate) over {pc['n']:,} values "
        f"(KolmogorovSmirnov: at most 3,000), a fresh statistic each time, garbage collector off "
        f"while timed; {pc['rounds']} rounds in {pc.get('seconds', 0):.0f} s on "
        f"{datetime.datetime.now().isoformat(timespec='minutes')} (`make bench`, or "
        "`python benchmarks/run.py --per-class` for this section alone), 1-minute load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end (other jobs shared the "
        "machine). Ratio: River / ours, median of the rounds (min-max); above 1: ours is faster.",
        "",
        "| statistic | update: ours | River | River / ours | update+get: ours | River | River / ours |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    behind = []
    for name in names:
        cells = []
        for mode in MODES:
            e = pc[mode].get(name)
            cells += [fmt(e and e["ours"]), fmt(e and e["theirs"]), fmt_ratio(e)]
            if e and e.get("ratio", 1) < 1:
                behind.append(f"{name} ({mode}: {e['ratio']:.2f}x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Slower than River (median ratio below 1): " + (", ".join(behind) if behind else "none") + ".",
    ]
    if pc["errors"]:
        lines += ["", "Failed: " + "; ".join(f"{k}: {v}" for k, v in pc["errors"].items())]
    return lines + [""]


def write_markdown(r: dict, names: list[str], args) -> None:
    ours_v, peers_v = r["versions_ours"], r["versions_peers"]
    pc = r["per_class"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {r['when']}{' (--quick: sizes divided by 10)' if args.quick else ''}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {ours_v.get('python')}.",
        f"Ours: river {ours_v.get('river')} (this checkout, release build). "
        f"Peers: River {peers_v.get('river')}, pandas {peers_v.get('pandas')}, "
        f"bottleneck {peers_v.get('bottleneck')}, polars {peers_v.get('polars')}, "
        f"numpy {peers_v.get('numpy')}.",
        "",
        "How it is measured (the machine is shared and noisy, so no figure is compared with one "
        "taken at another moment): one long-lived worker process per interpreter, ours and "
        "River 0.26.1's (both packages are called `river`, so they cannot share a process). Each "
        "figure is taken in ours and River's in turn (A, B, A, B, ...; the side that goes first "
        "alternates between rounds), one class and mode at a time, and the table gives the median "
        "over the rounds of the per-round ratio River / ours (above 1: ours is faster) with its "
        "range (min-max over the rounds), next to the median times. bottleneck, polars and pandas "
        "run in our worker process (their site-packages after ours on its path), interleaved with "
        "ours over the same array, round by round. Figures without a ratio are single runs.",
        "",
    ]
    lines += per_class_section(pc, names)
    lines += ["## Targets", "", "| # | target | measured | goal | met |", "|---|---|---:|---:|---|"]

    def row(num, what, value, goal, unit, smaller=True):
        met = "n/a" if value is None else ("yes" if (value <= goal if smaller else value >= goal) else "NO")
        lines.append(f"| {num} | {what} | {fmt(value, 3)} {unit} | {goal} {unit} | {met} |")

    t1 = r["t1_loop"].get("seconds")
    row(1, "RollingQuantile(0.5, 10^6), 2M update+get, Python loop", t1, 0.6, "s")
    for q, res in r["t2_batch"].items():
        row(2, f"same through accumulate, q={q}", res["ours"].get("seconds"), 0.26, "s")
    row(3, "RollingIQR(10^6), 2M update+get, Python loop", r["t3_iqr_loop"].get("seconds"), 0.8, "s")
    for name in TARGET_NS:
        e = pc["update"].get(name)
        row(4, f"{name}.update per element", e and e["ours"], 45, "ns")
    for name, res in r["batch"].items():
        row(5, f"{name}.update_many, 10M float64", ns(res), 3, "ns")
    c = r["curve"]["loop"]
    ratio = (ns(c[10**6]["ours"]) or 0) / (ns(c[10**3]["ours"]) or 1) if 10**6 in c and 10**3 in c else None
    row(6, "RollingQuantile cost at w=10^6 / cost at w=10^3", ratio, 3, "x")
    pk = r["pickle"]
    row(7, "pickle of a full RollingQuantile(10^6): bytes per element", pk.get("bytes_per_element"), 9, "B")
    dl = (pk.get("dumps_ms") or 0) + (pk.get("loads_ms") or 0) if "dumps_ms" in pk else None
    row(7, "pickle: dumps + loads", dl, 20, "ms")
    cpu = [pk.get(f"{k}_cpu_median_ms") for k in ("dumps", "loads")]
    if None not in cpu:
        row(7, "pickle: dumps + loads, CPU time (median)", sum(cpu), 20, "ms")
    for q, res in r["t2_batch"].items():
        if q == "0.5" and res.get("bottleneck"):
            met = "yes" if res["bottleneck"]["ratio"] >= 1 else "NO"
            lines.append(
                f"| 8 | accumulate q=0.5 against bottleneck move_median, w=10^6 (bottleneck / ours) "
                f"| {fmt_ratio(res['bottleneck'])} | >= 1x | {met} |"
            )
        if res.get("polars"):
            met = "yes" if res["polars"]["ratio"] >= 2 else "NO"
            lines.append(
                f"| 8 | accumulate q={q} against polars rolling_quantile, w=10^6 (polars / ours) "
                f"| {fmt_ratio(res['polars'])} | >= 2x | {met} |"
            )

    lines += [
        "",
        "## Rolling quantile, window 10^6, 2,000,000 values",
        "",
        "Batch figures: median seconds over the rounds; ratio: peer / ours per round, median "
        "(min-max); above 1: ours is faster.",
        "",
        "| what | seconds | peer / ours |",
        "|---|---:|---:|",
        f"| ours, Python loop, update+get (median of 3) | {fmt(t1, 3)} | |",
        f"| ours, RollingIQR, Python loop (median of 3) | {fmt(r['t3_iqr_loop'].get('seconds'), 3)} | |",
    ]
    what = {
        "bottleneck": "bottleneck move_median",
        "polars": "polars rolling_quantile",
        "pandas": "pandas rolling().quantile",
    }
    for q, res in r["t2_batch"].items():
        lines.append(f"| ours, accumulate, q={q} | {fmt(res['ours'].get('seconds'), 3)} | |")
        for lib in PEER_LIBS:
            if res.get(lib):
                lines.append(f"| {what[lib]}, q={q} | {fmt(res[lib]['theirs'], 3)} | {fmt_ratio(res[lib])} |")
    iqr_batch = fmt(r["t2_iqr_accumulate"].get("seconds"), 3)
    lines.append(f"| ours, RollingIQR accumulate (one run) | {iqr_batch} | |")
    if "t1_river" in r:
        lines.append(f"| River 0.26.1, Python loop (one run) | {fmt(r['t1_river'].get('seconds'), 3)} | |")
    else:
        lines.append("| River 0.26.1, Python loop | not run (`--full`) | |")

    lines += [
        "",
        "## Rolling median cost per element against the window (ns)",
        "",
        f"Python loop of update+get over {200_000 // (10 if args.quick else 1):,} values after the "
        "window is filled, ours and River's in turn (3 rounds); batch: the median after every "
        f"element of window + that many values, ours and the peers in one process ({r['rounds']} "
        "rounds). Ratios: the other / ours, median (min-max).",
        "",
        "| window | ours loop | River loop | River / ours | ours accumulate | bottleneck | "
        "bottleneck / ours | polars | polars / ours | pandas | pandas / ours |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w in sorted(int(k) for k in r["curve"]["loop"]):
        lp, bt = r["curve"]["loop"][w], r["curve"]["batch"][w]
        cells = [fmt(ns(lp["ours"])), fmt(ns(lp.get("river"))), fmt_ratio(lp.get("river"))]
        cells.append(fmt(ns(bt["ours"])))
        for lib in PEER_LIBS:
            cells += [fmt(ns(bt.get(lib))), fmt_ratio(bt.get(lib))]
        lines.append(f"| {w:,} | " + " | ".join(cells) + " |")
    lines += ["", "![rolling quantile cost](rolling_quantile.png)", ""]
    if "kll" in r:
        lines += kll_section(r["kll"])
    if "dask" in r:
        lines += dask_section(r["dask"])
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n" + time_markdown(r["time_windows"], args))


TIME_MARK = "## Time windows"
TIME_REPEAT = 5


def plot_time_windows(t: dict) -> None:
    """benchmarks/time_windows.png: batch cost per event against the window, ours and peers."""
    batch = t.get("batch", {})
    labels = {
        "ours": "ours, TimeRollingQuantile.accumulate",
        "pandas": 'pandas rolling("<w>s").quantile',
        "polars": "polars rolling_quantile_by",
    }
    lines = {
        label: sorted((int(w), b[key]["ns"]) for w, b in batch.items() if key in b)
        for key, label in labels.items()
    }
    log_log_plot(
        lines,
        ("values in the time window", "ns per event"),
        "Exact median over a window of time: cost per event (batch)",
        HERE / "time_windows.png",
    )


def time_windows(scale: int) -> dict:
    """TimeRollingQuantile per element (against the RollingQuantile headline, in the same
    process, interleaved) and in batch (against pandas and polars, interleaved run by run)."""
    import statistics

    print("time windows: per element at window 10^6 ...", file=sys.stderr)
    out: dict = {
        "loop": run(OURS, "time_loop", window=1_000_000 // scale, n=2_000_000 // scale, repeat=TIME_REPEAT)
    }
    print("time windows: batch against pandas and polars ...", file=sys.stderr)
    batch: dict = {}
    for k in range(2, 7):
        w = max(1, 10**k // scale)
        n = max(2 * w, 1_000_000 // scale)
        runs: dict = {"ours": [], "pandas": [], "polars": []}
        tails: dict = {}
        for _ in range(TIME_REPEAT if w < 10**6 else 3):
            for lib in runs:
                res = run(OURS if lib == "ours" else PEERS, "time_batch", lib=lib, window=w, n=n)
                if "seconds" in res:
                    runs[lib].append(res["seconds"])
                    tails[lib] = res["tail"]
        batch[10**k] = {
            "n": n,
            **{
                lib: {"seconds": statistics.median(v), "ns": statistics.median(v) / n * 1e9}
                for lib, v in runs.items()
                if v
            },
            "equal_to": [lib for lib in runs if lib in tails and tails[lib] == numpy_tail(w, n)],
        }
    out["batch"] = batch
    return out


def numpy_tail(window: int, n: int, last: int = 100) -> list[float]:
    """`numpy.quantile(window, 0.5)` for the last events of the batch workload: the oracle."""
    import numpy as np

    sys.path.insert(0, str(HERE))
    from workloads import stream

    xs = stream(n)
    return [float(np.quantile(xs[max(0, i - window + 1) : i + 1], 0.5)) for i in range(n - last, n)]


def time_markdown(t: dict, args) -> str:
    loop = t.get("loop", {})
    head = loop.get("headline", {}).get("seconds")
    fl = loop.get("float", {}).get("seconds")
    dt_ = loop.get("datetime", {}).get("seconds")
    n = 2_000_000 // (10 if args.quick else 1)
    ratio = f"{fl / head:.2f}x" if fl and head else "n/a"
    conv = f"{(dt_ - fl) / n * 1e9:,.0f} ns" if dt_ and fl else "n/a"
    when = datetime.datetime.now().isoformat(timespec="seconds")
    cell = {k: f"{fmt(loop.get(k, {}).get('seconds'), 3)} | {fmt(ns(loop.get(k)))}" for k in loop}
    lines = [
        TIME_MARK,
        "",
        f"`make bench` (or `python benchmarks/run.py --time-only`), {when}. "
        f"Median of {TIME_REPEAT} runs, ours and the peers interleaved.",
        "",
        "### Per element from a Python loop: 10^6 values in the window, 2,000,000 events, get() after each",
        "",
        "| what | seconds | ns per event |",
        "|---|---:|---:|",
        f"| RollingQuantile(0.5, window_size=10^6), `update(x)`, the headline | {cell.get('headline')} |",
        f"| TimeRollingQuantile(0.5, period=10^6), float times, `update(x, t=t)` | {cell.get('float')} |",
        f"| TimeRollingQuantile(0.5, period=timedelta), datetime times | {cell.get('datetime')} |",
        "",
        f"Float times against the headline: {ratio} (target: within 1.5x). "
        f"Converting a `datetime` costs {conv} per event on top.",
        "",
        "### Batch: the quantile after every event, events one second apart, a window of w seconds",
        "",
        "Ours: `TimeRollingQuantile(0.5, period=timedelta(seconds=w)).accumulate(xs, ts)`, "
        "`ts` datetime64[ns]; "
        'pandas: `Series(xs, index=DatetimeIndex(ts)).rolling("<w>s").quantile(0.5)`; '
        'polars: `Series(xs).rolling_quantile_by(ts, window_size="<w>s", quantile=0.5, '
        'interpolation="linear")`.',
        "",
        "| window | events | ours (ns/event) | pandas | polars | best peer / ours | bit-equal to numpy |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for w, b in sorted(t.get("batch", {}).items(), key=lambda kv: int(kv[0])):
        o = ns(b.get("ours"))
        peers = [ns(b.get(lib)) for lib in ("pandas", "polars") if ns(b.get(lib))]
        best = min(peers) if peers else None
        r = f"{best / o:.2f}x" if best and o else "n/a"
        pandas, polars = fmt(ns(b.get("pandas"))), fmt(ns(b.get("polars")))
        same = ", ".join(b.get("equal_to", [])) or "none"
        lines.append(f"| {int(w):,} | {b['n']:,} | {fmt(o)} | {pandas} | {polars} | {r} | {same} |")
    lines += ["", "![time window cost](time_windows.png)", ""]
    return "\n".join(lines)


def plot(r: dict) -> None:
    curve = r["curve"]
    series = {
        "ours, update+get from Python": (curve["loop"], "ours"),
        "ours, accumulate (batch)": (curve["batch"], "ours"),
        "River 0.26.1, update+get from Python": (curve["loop"], "river"),
        "pandas rolling().quantile (batch)": (curve["batch"], "pandas"),
        "bottleneck move_median (batch)": (curve["batch"], "bottleneck"),
        "polars rolling_quantile (batch)": (curve["batch"], "polars"),
    }
    lines = {
        label: sorted((int(w), v[key]["ns"]) for w, v in table.items() if v.get(key) and "ns" in v[key])
        for label, (table, key) in series.items()
    }
    log_log_plot(
        lines,
        ("window size", "ns per element"),
        "Exact rolling median: cost per element",
        HERE / "rolling_quantile.png",
    )


def log_log_plot(lines: dict[str, list], axes: tuple[str, str], title: str, png: Path) -> None:
    """One log-log figure of (x, y) points per label, drawn by the peers' matplotlib (ours does
    not install it); labels without points are left out."""
    script = f"""
import json, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
lines = json.loads({json.dumps(json.dumps(lines))})
fig, ax = plt.subplots(figsize=(7, 4.5))
for label, pts in lines.items():
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
ax.set_xscale("log"); ax.set_yscale("log")
ax.set_xlabel({json.dumps(axes[0])}); ax.set_ylabel({json.dumps(axes[1])})
ax.set_title({json.dumps(title)})
ax.grid(True, which="both", alpha=0.3); ax.legend(fontsize=8)
fig.tight_layout(); fig.savefig({json.dumps(str(png))}, dpi=110)
"""
    subprocess.run([str(PEERS), "-c", script], check=True, cwd=HERE)


if __name__ == "__main__":
    sys.exit(main())
