"""Benchmark workloads, run in a fresh process by `run.py` under one interpreter at a time:
ours (the checkout's .venv) or the peers' (River 0.26.1, pandas, bottleneck, polars), since
both packages are called `river`. Prints one JSON object on stdout.

    python workloads.py <workload> '<json args>'
"""

from __future__ import annotations

import functools
import gc
import importlib.metadata
import json
import os
import pickle
import sys
import time
import warnings

import numpy as np

# Constructor arguments per class; the same calls work on River 0.26.1 and on ours.
PARAMS: dict[str, dict] = {
    "AbsMax": {},
    "AutoCorr": {"lag": 1},
    "BayesianMean": {"prior": 0.5, "prior_weight": 10},
    "Count": {},
    "Cov": {},
    "ChiSquared": {},
    "Entropy": {},
    "EWCov": {},
    "EWMean": {},
    "EWVar": {},
    "IQR": {},
    "KLLQuantile": {},
    "KolmogorovSmirnov": {},
    "Kurtosis": {},
    "MAD": {},
    "Max": {},
    "Mean": {},
    "Min": {},
    "Mode": {},
    "PeakToPeak": {},
    "PearsonCorr": {},
    "Quantile": {},
    "RollingAbsMax": {"window_size": 1000},
    "RollingIQR": {"window_size": 1000},
    "RollingMax": {"window_size": 1000},
    "RollingMin": {"window_size": 1000},
    "RollingMode": {"window_size": 1000},
    "RollingPeakToPeak": {"window_size": 1000},
    "RollingQuantile": {"q": 0.5, "window_size": 1000},
    "SEM": {},
    "Shift": {},
    "Skew": {},
    "Sum": {},
    "Var": {},
}
BIVARIATE = {"Cov", "ChiSquared", "EWCov", "KolmogorovSmirnov", "PearsonCorr"}
HASHABLE = {"ChiSquared", "Entropy", "Mode", "RollingMode"}


def stream(n: int, seed: int = 42) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 1.0, n)


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


# Updates per timed loop in `per_class`: fewer where River's update is slow (its
# KolmogorovSmirnov costs grow with the data seen).
PER_CLASS_N = {"KolmogorovSmirnov": 3_000}


def per_class(names: list[str], n: int, mode: str) -> dict:
    """ns per element of a Python loop of `stat.update(x)` (mode "update") or of
    `stat.update(x)` then `stat.get()` (mode "update+get"), for each class name present, a
    fresh statistic each time, the garbage collector off while timed. One round: run.py
    calls it in our process and in River's in turn and keeps the per-round ratios."""
    from river import stats

    out = {}
    for name in names:
        cls = getattr(stats, name, None)
        if cls is None:
            continue
        size = min(n, PER_CLASS_N.get(name, n))
        xs, ys = _per_class_data(name, size)
        stat = cls(**PARAMS.get(name, {}))
        loop = _LOOPS[(name in BIVARIATE, mode)]
        try:
            gc.collect()
            gc.disable()
            t0 = time.perf_counter()
            loop(stat, xs, ys)
            seconds = time.perf_counter() - t0
        except BaseException as err:  # River panics are BaseException
            out[name] = {"error": f"{type(err).__name__}: {err}"}
            continue
        finally:
            gc.enable()
        out[name] = {"ns": seconds / size * 1e9}
    return out


_DATA: dict = {}


def _per_class_data(name: str, n: int) -> tuple[list, list]:
    kind = "hashable" if name in HASHABLE else "real"
    if (kind, n) not in _DATA:
        if kind == "hashable":
            rng = np.random.default_rng(3)
            _DATA[kind, n] = (rng.integers(0, 20, n).tolist(), rng.integers(0, 20, n).tolist())
        else:
            _DATA[kind, n] = (stream(n).tolist(), stream(n, seed=7).tolist())
    return _DATA[kind, n]


def _update(stat, xs, ys):
    for x in xs:
        stat.update(x)


def _update_get(stat, xs, ys):
    for x in xs:
        stat.update(x)
        stat.get()


def _update2(stat, xs, ys):
    for x, y in zip(xs, ys, strict=True):
        stat.update(x, y)


def _update2_get(stat, xs, ys):
    for x, y in zip(xs, ys, strict=True):
        stat.update(x, y)
        stat.get()


_LOOPS = {
    (False, "update"): _update,
    (False, "update+get"): _update_get,
    (True, "update"): _update2,
    (True, "update+get"): _update2_get,
}


def rolling_batch_round(window: int, n: int, q: float = 0.5, libs: tuple = ()) -> dict:
    """One round of the rolling-quantile batch in this process: ours (`accumulate`) and the
    peers in `libs` (bottleneck, polars, pandas), one after another over the same array;
    run.py repeats the rounds and keeps the per-round ratios. Our process reaches the peers
    through `peer_path` (see `serve`)."""
    return {lib: rolling_batch(lib, window, n, q=q, repeat=1) for lib in ("ours", *libs)}


def serve(peer_path: str | None = None) -> None:
    """A worker: reads one JSON request a line (`{"workload": ..., "args": {...}}`), answers
    with one JSON line, until stdin closes. run.py keeps one worker per interpreter and
    alternates requests between them, so that ours and River's are timed in turn under the
    same load without paying a process start for each. `peer_path`: the peers' site-packages,
    put after ours on the path so that bottleneck and polars import in our process (our
    `river` and the numpy and pandas of our environment come first)."""
    if peer_path:
        # Ours first: the peers' site-packages hold River's `river` too, and an editable
        # install of ours is found only after every entry of the path.
        import river.stats  # noqa: F401

        sys.path.append(peer_path)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = globals()[request["workload"]](**request.get("args", {}))
        except Exception as err:  # reported to run.py, which marks the figure as failed
            reply = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def batch(names: list[str], n: int = 10_000_000, repeat: int = 3) -> dict:
    """ns per element of update_many over a float64 array (ours only)."""
    from river import stats

    xs = stream(n)
    out = {}
    for name in names:
        cls = getattr(stats, name)
        if not hasattr(cls, "update_many"):
            continue
        params = PARAMS.get(name, {})
        seconds = best_of(repeat, lambda cls=cls, params=params: cls(**params).update_many(xs))
        out[name] = {"ns": seconds / n * 1e9}
    return out


def rolling_loop(cls_name: str, window: int, n: int, q: float = 0.5, fill: bool = True) -> dict:
    """Seconds for n updates with get() after each, from a Python loop, after the window
    has been filled (the fill is not timed)."""
    from river import stats

    cls = getattr(stats, cls_name)
    stat = cls(q=q, window_size=window) if cls_name == "RollingQuantile" else cls(window_size=window)
    warm = stream(window, seed=1).tolist()
    fill_t0 = time.perf_counter()
    if fill:
        if hasattr(stat, "update_many"):
            stat.update_many(warm)
        else:
            for x in warm:
                stat.update(x)
    fill_s = time.perf_counter() - fill_t0
    xs = stream(n).tolist()

    def loop():
        update, get = stat.update, stat.get
        for x in xs:
            update(x)
            get()

    t0 = time.perf_counter()
    loop()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "ns": seconds / n * 1e9, "fill_seconds": fill_s}


def rolling_batch(lib: str, window: int, n: int, q: float = 0.5, repeat: int = 3) -> dict:
    """Seconds to compute the rolling quantile after every element of an n-array."""
    xs = stream(n)
    if lib == "ours":
        from river import stats

        fn = lambda: stats.RollingQuantile(q=q, window_size=window).accumulate(xs)  # noqa: E731
    elif lib == "ours_iqr":
        from river import stats

        fn = lambda: stats.RollingIQR(window_size=window).accumulate(xs)  # noqa: E731
    elif lib == "pandas":
        import pandas as pd

        s = pd.Series(xs)
        fn = lambda: s.rolling(window, min_periods=1).quantile(q, interpolation="linear").to_numpy()  # noqa: E731
    elif lib == "bottleneck":
        import bottleneck as bn

        fn = lambda: bn.move_median(xs, window, min_count=1)  # noqa: E731
    elif lib == "polars":
        import polars as pl

        s = pl.Series(xs)
        fn = lambda: s.rolling_quantile(  # noqa: E731
            q, window_size=window, min_samples=1, interpolation="linear"
        ).to_numpy()
    else:
        raise ValueError(lib)
    seconds = best_of(repeat, fn)
    return {"seconds": seconds, "ns": seconds / n * 1e9}


def time_loop(window: int, n: int, repeat: int = 5) -> dict:
    """Per element from a Python loop, `update(x, t=...)` then `get()`, over a time window
    holding `window` values (one event per second, period `window` seconds), after the window
    has been filled (not timed); against the count-window RollingQuantile headline
    (`update(x)` then `get()` at the same window), interleaved in this process, median of
    `repeat`. Float times, then datetime times (the conversion's cost is the difference)."""
    import datetime as dt
    import statistics

    from river import stats

    warm = stream(window, seed=1)
    xs = stream(n).tolist()
    float_ts = [float(window + i) for i in range(n)]
    start = dt.datetime(2024, 1, 1)
    date_ts = [start + dt.timedelta(seconds=window + i) for i in range(n)]
    warm_ts = np.arange(window, dtype=np.float64)
    warm_dates = np.datetime64("2024-01-01T00:00:00", "ns") + np.arange(window).astype("timedelta64[s]")

    def headline():
        stat = stats.RollingQuantile(q=0.5, window_size=window)
        stat.update_many(warm)
        update, get = stat.update, stat.get
        t0 = time.perf_counter()
        for x in xs:
            update(x)
            get()
        return time.perf_counter() - t0

    def timed(ts, period, warm_times):
        stat = stats.TimeRollingQuantile(q=0.5, period=period)
        stat.update_many(warm, warm_times)
        update, get = stat.update, stat.get
        t0 = time.perf_counter()
        for x, t in zip(xs, ts, strict=True):
            update(x, t=t)
            get()
        seconds = time.perf_counter() - t0
        assert len(stat) == window, (len(stat), window)
        return seconds

    runs: dict[str, list[float]] = {"headline": [], "float": [], "datetime": []}
    for _ in range(repeat):
        gc.collect()
        runs["headline"].append(headline())
        gc.collect()
        runs["float"].append(timed(float_ts, float(window), warm_ts))
        gc.collect()
        runs["datetime"].append(timed(date_ts, dt.timedelta(seconds=window), warm_dates))
    out = {k: {"seconds": statistics.median(v), "all": v} for k, v in runs.items()}
    for k in out:
        out[k]["ns"] = out[k]["seconds"] / n * 1e9
    return out


def time_batch(lib: str, window: int, n: int, q: float = 0.5) -> dict:
    """Seconds for the quantile after every event of n events one second apart, over a time
    window of `window` seconds (so `window` values): ours `accumulate(xs, ts)` on datetime64,
    pandas `Series.rolling("<w>s").quantile` on a DatetimeIndex, polars `rolling_quantile_by`.
    One run per process: run.py interleaves the libraries and takes the median."""
    xs = stream(n)
    ts = np.datetime64("2024-01-01T00:00:00", "ns") + np.arange(n).astype("timedelta64[s]")
    if lib == "ours":
        import datetime as dt

        from river import stats

        period = dt.timedelta(seconds=window)
        fn = lambda: stats.TimeRollingQuantile(q=q, period=period).accumulate(xs, ts)  # noqa: E731
    elif lib == "pandas":
        import pandas as pd

        s = pd.Series(xs, index=pd.DatetimeIndex(ts))
        fn = lambda: s.rolling(f"{window}s").quantile(q, interpolation="linear").to_numpy()  # noqa: E731
    elif lib == "polars":
        import polars as pl

        x, by = pl.Series(xs), pl.Series(ts)
        fn = lambda: x.rolling_quantile_by(  # noqa: E731
            by, window_size=f"{window}s", quantile=q, interpolation="linear"
        ).to_numpy()
    else:
        raise ValueError(lib)
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    # The last values, which run.py checks against numpy.quantile.
    tail = np.asarray(out[-100:], dtype=np.float64)
    return {"seconds": seconds, "ns": seconds / n * 1e9, "tail": tail.tolist()}


def pickle_size(window: int, repeat: int = 9) -> dict:
    from river import stats

    rq = stats.RollingQuantile(q=0.5, window_size=window)
    rq.update_many(stream(window))
    data = pickle.dumps(rq)

    def timed(fn) -> tuple[float, float]:
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        return time.perf_counter() - t0, time.process_time() - c0

    # Alternated, so that both see the same machine; best and median of the rounds, in wall
    # time and in CPU time (which a loaded machine inflates less).
    dumps, loads = [], []
    for _ in range(repeat):
        dumps.append(timed(lambda: pickle.dumps(rq)))
        loads.append(timed(lambda: pickle.loads(data)))
    back = pickle.loads(data)
    assert back.get() == rq.get()
    out = {"bytes": len(data), "bytes_per_element": len(data) / window}
    for name, rounds in (("dumps", dumps), ("loads", loads)):
        wall, cpu = np.array(rounds).T * 1e3
        out[f"{name}_ms"] = float(wall.min())
        out[f"{name}_median_ms"] = float(np.median(wall))
        out[f"{name}_cpu_median_ms"] = float(np.median(cpu))
    return out


def _kll_streams(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(42)
    x = rng.normal(size=n)
    mixed = x * 10.0 ** rng.integers(-300, 300, n)
    mixed[rng.integers(0, n, n // 50)] = np.inf
    mixed[rng.integers(0, n, n // 50)] = -np.inf
    return {
        "shuffled": x,
        "sorted": np.sort(x),
        "reverse-sorted": np.sort(x)[::-1].copy(),
        "heavily duplicated": rng.integers(0, 10, n).astype(float),
        "mixed magnitude, +-inf": mixed,
    }


def _worst_rank_error(quantile, sorted_data: np.ndarray) -> float:
    """Largest distance between q and the true rank interval of quantile(q), 99 percentiles."""
    n, worst = len(sorted_data), 0.0
    for q in np.arange(1, 100) / 100:
        v = quantile(q)
        lo = np.searchsorted(sorted_data, v, side="left") / n
        hi = np.searchsorted(sorted_data, v, side="right") / n
        worst = max(worst, lo - q, q - hi, 0.0)
    return worst


def kll(n: int = 10_000_000, n_loop: int = 2_000_000, shards: int = 64, repeat: int = 5) -> dict:
    """KLLQuantile against datasketches.kll_doubles_sketch(200), both in this process, runs
    interleaved (ours, theirs, ours, ...), median of `repeat`: update_many against their array
    update, a Python loop of update, serialized sizes, and the worst rank error over the 99
    percentiles on five kinds of input, on one stream and after a tree merge of `shards`."""
    import datasketches

    from river import stats

    def ours_batch(xs):
        s = stats.KLLQuantile()
        s.update_many(xs)
        return s

    def theirs_batch(xs):
        s = datasketches.kll_doubles_sketch(200)
        s.update(xs)
        return s

    def ours_loop(xs):
        s = stats.KLLQuantile()
        update = s.update
        for x in xs:
            update(x)

    def theirs_loop(xs):
        s = datasketches.kll_doubles_sketch(200)
        update = s.update
        for x in xs:
            update(x)

    def floor_loop(xs):
        # The binding's per-call floor: a statistic whose update is a few arithmetic steps.
        s = stats.EWMean()
        update = s.update
        for x in xs:
            update(x)

    def timed(fn, *args) -> float:
        gc.collect()
        t0 = time.perf_counter()
        fn(*args)
        return time.perf_counter() - t0

    data = _kll_streams(n)
    xs = data["shuffled"]
    loop_xs = xs[:n_loop].tolist()
    times: dict[str, list[float]] = {
        "ours_batch": [],
        "theirs_batch": [],
        "ours_loop": [],
        "theirs_loop": [],
        "floor_loop": [],
    }
    for _ in range(repeat):
        times["ours_batch"].append(timed(ours_batch, xs))
        times["theirs_batch"].append(timed(theirs_batch, xs))
        times["ours_loop"].append(timed(ours_loop, loop_xs))
        times["theirs_loop"].append(timed(theirs_loop, loop_xs))
        times["floor_loop"].append(timed(floor_loop, loop_xs))
    ns = {key: float(np.median(v)) / (n if "batch" in key else n_loop) * 1e9 for key, v in times.items()}
    ours, theirs = ours_batch(xs), theirs_batch(xs)
    sizes = {
        "ours_pickle": len(pickle.dumps(ours)),
        "ours_datasketches_bytes": len(ours.to_datasketches()),
        "theirs_serialized": len(theirs.serialize()),
    }
    errors = {}
    for name, values in data.items():
        sorted_values = np.sort(values)
        one_ours, one_theirs = ours_batch(values), theirs_batch(values)
        parts = np.array_split(values, shards)
        ours_shards = []
        for i, part in enumerate(parts):
            s = stats.KLLQuantile(seed=i)
            s.update_many(part)
            ours_shards.append(s)
        # The same pairwise tree merge for both.
        while len(ours_shards) > 1:
            ours_shards = [
                ours_shards[i] + ours_shards[i + 1] if i + 1 < len(ours_shards) else ours_shards[i]
                for i in range(0, len(ours_shards), 2)
            ]
        theirs_level = [theirs_batch(part) for part in parts]
        while len(theirs_level) > 1:
            nxt = []
            for i in range(0, len(theirs_level), 2):
                a = theirs_level[i]
                if i + 1 < len(theirs_level):
                    a.merge(theirs_level[i + 1])
                nxt.append(a)
            theirs_level = nxt
        errors[name] = {
            "ours_one": _worst_rank_error(one_ours.quantile, sorted_values),
            "theirs_one": _worst_rank_error(one_theirs.get_quantile, sorted_values),
            "ours_merged": _worst_rank_error(ours_shards[0].quantile, sorted_values),
            "theirs_merged": _worst_rank_error(theirs_level[0].get_quantile, sorted_values),
        }
    return {
        "n": n,
        "n_loop": n_loop,
        "shards": shards,
        "repeat": repeat,
        "ns": ns,
        "sizes": sizes,
        "errors": errors,
        "bound": datasketches.kll_doubles_sketch.get_normalized_rank_error(200, False),
        "datasketches": importlib.metadata.version("datasketches"),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def dask_cluster(n: int, partitions: int, rolling_n: int, window: int, repeat: int = 3) -> dict:
    """river.dask against Dask's own on a 2-worker LocalCluster (processes, 1 thread each).

    The reduce: Mean, Var and the KLL median through `river.dask.fit`, and Dask's `mean()`,
    `var()` and `quantile(0.5)`, over `n` normal values in `partitions` partitions, shuffled and
    sorted; data persisted on the workers before timing. Ours alone, Dask's alone and both in
    one `dask.compute`, timed in turn in each of `repeat` rounds after a warm-up, so that a
    burst of load from other jobs falls on every side alike: best time of each and the median
    of the per-round ratios Dask's / ours. Rank errors against the exact ranks of the data.
    The rolling median over `rolling_n` values: `river.dask.rolling` (both paths) against
    Dask's `Series.rolling(window).quantile(0.5)`, in turn likewise, and ours against one
    process's `accumulate`.
    """
    import logging

    import dask
    import dask.dataframe as dd
    import distributed
    import pandas as pd

    from river import dask as rd
    from river import stats

    logging.getLogger("distributed").setLevel(logging.ERROR)
    # dask.compute of our Delayed with Dask's expressions in one call warns that it materializes
    # the expressions: that is the point of computing them together.
    warnings.filterwarnings("ignore", message="Computing mixed collections")
    out: dict = {"n": n, "partitions": partitions, "rolling_n": rolling_n, "window": window, "repeat": repeat}
    out["load_average"] = os.getloadavg()[0]
    out["dask"] = dask.__version__
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster),
    ):
        fresh = iter(range(10**9))

        def in_turn(**fns) -> tuple[dict, dict, list[dict]]:
            """Each of `fns` once to warm up, then all of them in turn in each of `repeat`
            rounds: best times, last results and the times of each round. A function gets a
            fresh view of the data each call (a renamed Series: new task keys), so no call
            reuses results the cluster still holds."""
            results = {key: fn(f"x{next(fresh)}") for key, fn in fns.items()}  # workers import
            rounds = []
            for _ in range(repeat):
                times = {}
                for key, fn in fns.items():
                    name = f"x{next(fresh)}"
                    t = time.perf_counter()
                    results[key] = fn(name)
                    times[key] = time.perf_counter() - t
                rounds.append(times)
            best = {key: min(r[key] for r in rounds) for key in fns}
            return best, results, rounds

        def median_ratio(rounds: list[dict], theirs: str, ours: str) -> float:
            return float(np.median([r[theirs] / r[ours] for r in rounds]))

        def rank_error(sorted_data: np.ndarray, v: float, q: float = 0.5) -> float:
            lo = np.searchsorted(sorted_data, v, side="left") / len(sorted_data)
            hi = np.searchsorted(sorted_data, v, side="right") / len(sorted_data)
            return max(lo - q, q - hi, 0.0)

        data = np.random.default_rng(42).normal(size=n)
        sorted_data = np.sort(data)
        out["reduce"] = {}
        statistics = [stats.Mean(), stats.Var(), stats.KLLQuantile(0.5)]
        for order, values in (("shuffled", data), ("sorted", sorted_data)):
            s = dd.from_pandas(pd.Series(values, name="x"), npartitions=partitions, sort=False).persist()
            distributed.wait(s)
            best, results, rounds = in_turn(
                ours=lambda name, s=s: rd.fit(statistics, s.rename(name)).compute(),
                dask=lambda name, s=s: dask.compute(
                    *(lambda r: (r.mean(), r.var(), r.quantile(0.5)))(s.rename(name))
                ),
                both=lambda name, s=s: dask.compute(
                    *(lambda r: (rd.fit(statistics, r), r.mean(), r.var(), r.quantile(0.5)))(s.rename(name))
                ),
            )
            mean, var, median = results["ours"]  # type: ignore[misc]
            d_mean, d_var, d_median = results["dask"]  # type: ignore[misc]
            exact_mean, exact_var = float(np.mean(values)), float(np.var(values, ddof=1))
            out["reduce"][order] = {
                "ours_s": best["ours"],
                "dask_s": best["dask"],
                "both_s": best["both"],
                "ratio": median_ratio(rounds, "dask", "ours"),
                "rounds": rounds,
                "ours_mean_rel": abs(mean.get() - exact_mean) / abs(exact_mean),
                "dask_mean_rel": abs(float(d_mean) - exact_mean) / abs(exact_mean),
                "ours_var_rel": abs(var.get() - exact_var) / exact_var,
                "dask_var_rel": abs(float(d_var) - exact_var) / exact_var,
                "ours_median_rank_error": rank_error(sorted_data, median.get()),
                "dask_median_rank_error": rank_error(sorted_data, float(d_median)),
            }
            del s
        x = np.random.default_rng(7).normal(size=rolling_n)
        s = dd.from_pandas(pd.Series(x, name="x"), npartitions=16, sort=False).persist()
        distributed.wait(s)
        # Persisted, Dask no longer knows the lengths: rolling() takes the chain; told them
        # (counted once, as a user would), it takes map_overlap.
        lengths = s.map_partitions(len).compute().tolist()
        best, results, rounds = in_turn(
            chain=lambda name: rd.rolling(
                s.rename(name), stats.RollingQuantile(0.5, window_size=window)
            ).compute(),
            ours=lambda name: rd.rolling(
                s.rename(name), stats.RollingQuantile(0.5, window_size=window), lengths=lengths
            ).compute(),
            dask=lambda name: s.rename(name).rolling(window).quantile(0.5).compute(),
        )
        chained, ours, theirs = results["chain"], results["ours"], results["dask"]
        t = time.perf_counter()
        one = stats.RollingQuantile(0.5, window_size=window).accumulate(x)
        t_one = time.perf_counter() - t
        ours_v, theirs_v = ours.to_numpy(), theirs.to_numpy()
        full = slice(window - 1, None)  # Dask's rolling gives NaN until the window is full
        out["rolling"] = {
            "ours_s": best["ours"],
            "chain_s": best["chain"],
            "dask_s": best["dask"],
            "ratio": median_ratio(rounds, "dask", "ours"),
            "rounds": rounds,
            "one_process_s": t_one,
            "chain_equals_one_process": bool((chained.to_numpy() == one).all()),
            "ours_equals_one_process": bool((ours_v == one).all()),
            "equal_to_dask_fraction": float(np.mean(ours_v[full] == theirs_v[full])),
            "max_abs_diff_to_dask": float(np.max(np.abs(ours_v[full] - theirs_v[full]))),
        }
    out["load_average_end"] = os.getloadavg()[0]
    return out


def versions() -> dict:
    import importlib.metadata
    import platform

    import river

    out = {
        "python": platform.python_version(),
        "river": getattr(river, "__version__", "?"),
        "numpy": np.__version__,
    }
    for mod in ("pandas", "bottleneck", "polars", "datasketches"):
        try:  # the installed distribution's version (datasketches has no __version__)
            out[mod] = importlib.metadata.version(mod)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def _hashable_feed(stat, xs: list, ys: list | None, with_get: bool = False) -> None:
    """A Python loop of `update` (of pairs when `ys` is given), with `get()` after each one
    when `with_get`."""
    update, get = stat.update, stat.get
    if ys is not None and with_get:
        for x, y in zip(xs, ys, strict=True):
            update(x, y)
            get()
    elif ys is not None:
        for x, y in zip(xs, ys, strict=True):
            update(x, y)
    elif with_get:
        for x in xs:
            update(x)
            get()
    else:
        for x in xs:
            update(x)


def hashable_loop(names: list[str], n: int = 300_000, repeat: int = 3, with_get: bool = False) -> dict:
    """ns per `update` (and `get` after it, with `with_get`) from a Python loop, for the
    statistics over hashable values: 20 distinct ints, as `per_update` feeds them."""
    from river import stats

    ints = np.random.default_rng(3).integers(0, 20, n).tolist()
    other = np.random.default_rng(5).integers(0, 20, n).tolist()
    out = {}
    for name in names:
        stat = getattr(stats, name)(**PARAMS.get(name, {}))
        ys = other if name in BIVARIATE else None
        seconds = best_of(repeat, functools.partial(_hashable_feed, stat, ints, ys, with_get))
        out[name] = {"ns": seconds / n * 1e9}
    return out


def hashable_batch(names: list[str], n: int = 300_000, repeat: int = 3) -> dict:
    """Ours only: ns per value of `update_many` against a Python loop of `update`, on a numpy
    array of numbers (20 distinct floats) and on a list of strings (20 distinct). The loop
    over the array runs over its values as a list of Python floats, made beforehand."""
    from river import stats

    rng = np.random.default_rng(3)
    inputs = {
        "array": rng.integers(0, 20, n).astype(np.float64),
        "strings": [f"v{k}" for k in rng.integers(0, 20, n)],
    }
    out = {}
    for name in names:
        make = functools.partial(getattr(stats, name), **PARAMS.get(name, {}))
        pairs = name in BIVARIATE
        for kind, xs in inputs.items():

            def many(make=make, xs=xs, pairs=pairs):
                stat = make()
                stat.update_many(*((xs, xs) if pairs else (xs,)))

            items = xs.tolist() if isinstance(xs, np.ndarray) else xs  # Python floats, not numpy scalars

            def loop(make=make, items=items, pairs=pairs):
                _hashable_feed(make(), items, items if pairs else None)

            batch, looped = best_of(repeat, many), best_of(repeat, loop)
            out[f"{name}/{kind}"] = {
                "many_ns": batch / n * 1e9,
                "loop_ns": looped / n * 1e9,
                "speedup": looped / batch,
            }
    return out


if __name__ == "__main__":
    workload, args = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    result = globals()[workload](**args)
    if result is not None:
        print(json.dumps(result))
