"""Stream numbers through running statistics: `python -m river.stats --help`.

Reads one number per line (or a named column of a CSV file) from a file, from standard
input (`-`), or by default from a built-in sample stream; feeds each value to every
statistic given with `--stat`; prints their values every `--every` rows and at the end.
`--save` pickles the fitted statistics, `--resume` continues from such a pickle. Loading a
pickle can run arbitrary code: resume only from files you trust (your own `--save` output).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import math
import os
import pickle
import random
import sys
import time
import typing

from river import stats

DEFAULT_STATS = [
    "EWMean(fading_factor=0.1)",
    "PeakToPeak()",
    "RollingQuantile(q=0.99, window_size=1000)",
    "RollingIQR(window_size=1000)",
]


def sample_stream(n: int = 5000, seed: int = 42) -> typing.Iterator[float]:
    """The built-in sample: a synthetic sensor reading, a slow daily cycle plus noise and
    rare spikes, generated deterministically so every run prints the same numbers."""
    rng = random.Random(seed)
    level = 20.0
    for i in range(n):
        level += rng.gauss(0, 0.05)
        value = level + 5 * math.sin(2 * math.pi * i / 1440) + rng.gauss(0, 0.5)
        if rng.random() < 0.002:
            value += rng.choice([-1, 1]) * rng.uniform(10, 20)
        yield round(value, 3)


def parse_stat(spec: str) -> stats.base.Univariate:
    """Builds a statistic from text such as "RollingQuantile(q=0.99, window_size=1000)",
    allowing only the classes of river.stats and literal arguments."""
    try:
        node = ast.parse(spec.strip(), mode="eval").body
    except SyntaxError as err:
        raise ValueError(f"cannot parse statistic {spec!r}: {err.msg}") from None
    if isinstance(node, ast.Name):
        node = ast.Call(func=node, args=[], keywords=[])
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise ValueError(f"expected a statistic such as 'EWMean(0.5)', got {spec!r}")
    name = node.func.id
    cls = getattr(stats, name, None)
    if name not in stats.__all__ or not isinstance(cls, type) or not issubclass(cls, stats.base.Univariate):
        raise ValueError(f"unknown univariate statistic {name!r}")
    try:
        args = [ast.literal_eval(a) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
    except ValueError:
        raise ValueError(f"arguments of {spec!r} must be literals") from None
    return cls(*args, **kwargs)


def read_values(
    handle: typing.Iterable[str], column: str | None
) -> typing.Iterator[tuple[int, float | None]]:
    """Yields (line number, value or None for a blank/unparsable field)."""
    if column is None:
        for lineno, line in enumerate(handle, 1):
            yield lineno, _to_float(line)
        return
    reader = csv.DictReader(handle)
    if reader.fieldnames is None or column not in reader.fieldnames:
        raise ValueError(f"column {column!r} not found; columns are {reader.fieldnames}")
    for lineno, row in enumerate(reader, 2):
        yield lineno, _to_float(row.get(column) or "")


def _to_float(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def format_header(fitted: list[stats.base.Univariate]) -> str:
    return f"{'row':>10}  " + "  ".join(f"{stat.name:>{_width(stat)}}" for stat in fitted)


def _width(stat: stats.base.Univariate) -> int:
    return max(12, len(stat.name))


def format_row(row: int, fitted: list[stats.base.Univariate]) -> str:
    cells = []
    for stat in fitted:
        value = stat.get()
        text = "None" if value is None else f"{value:.6g}"
        cells.append(f"{text:>{_width(stat)}}")
    return f"{row:>10}  " + "  ".join(cells)


class CountingLines:
    """Iterates the lines of a text file, counting the characters read (for progress)."""

    def __init__(self, handle: typing.TextIO) -> None:
        self.handle = handle
        self.done = 0

    def __iter__(self) -> typing.Iterator[str]:
        for line in self.handle:
            self.done += len(line)
            yield line


class Progress:
    """Progress on stderr for a file of known size, at most twice a second."""

    def __init__(self, handle: typing.IO | None, lines: CountingLines | None, enabled: bool) -> None:
        self.lines = lines
        self.enabled = enabled and handle is not None and lines is not None
        self.last = 0.0
        self.size = 0
        try:
            if self.enabled and handle is not None:
                self.size = os.fstat(handle.fileno()).st_size
        except (OSError, io.UnsupportedOperation, AttributeError):
            self.enabled = False

    def tick(self, rows: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.5:
            return
        self.last = now
        done = self.lines.done if self.lines is not None else 0
        pct = min(100.0, 100.0 * done / self.size) if self.size else 100.0
        print(f"\r{rows:,} rows, {pct:5.1f}%", end="\n" if force else "", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m river.stats",
        description="Stream numbers through running statistics computed in Rust.",
    )
    parser.add_argument(
        "input",
        nargs="?",
        help="a file of numbers (one per line) or a CSV; '-' for stdin; default: the built-in sample stream",
    )
    parser.add_argument(
        "-s",
        "--stat",
        action="append",
        dest="stats",
        metavar="STAT",
        help=f"a statistic, e.g. 'RollingQuantile(q=0.99, window_size=1000)' (repeatable); "
        f"default: {', '.join(DEFAULT_STATS)}",
    )
    parser.add_argument("-c", "--column", help="read this column of a CSV file with a header")
    parser.add_argument("-n", "--every", type=int, default=1000, help="print every N rows (default 1000)")
    parser.add_argument("--save", metavar="PICKLE", help="pickle the fitted statistics here at the end")
    parser.add_argument(
        "--resume",
        metavar="PICKLE",
        help="continue from statistics saved with --save; the file is unpickled, which can run "
        "arbitrary code, so it must be one you trust",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.every < 1:
        parser.error("--every must be at least 1")

    try:
        rows = 0
        if args.resume:
            with open(args.resume, "rb") as f:
                saved = pickle.load(f)
            if not isinstance(saved, dict) or "stats" not in saved:
                raise ValueError(f"{args.resume} is not a file written by --save")
            fitted = saved["stats"]
            rows = int(saved.get("rows", 0))
            if args.stats:
                print("note: --resume given, ignoring --stat", file=sys.stderr)
        else:
            fitted = [parse_stat(s) for s in (args.stats or DEFAULT_STATS)]
    except (OSError, ValueError, TypeError, pickle.UnpicklingError, EOFError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    handle: typing.TextIO | None = None
    if args.input is None:
        values: typing.Iterator[tuple[int, float | None]] = enumerate(sample_stream(), 1)
        progress = Progress(None, None, enabled=False)
    else:
        try:
            handle = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8", newline="")
        except OSError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        lines = CountingLines(handle)
        values = read_values(lines, args.column)
        progress = Progress(handle, lines, enabled=args.input != "-" and not args.no_progress)

    skipped = 0
    print(format_header(fitted))
    try:
        for _, x in values:
            if x is None:
                skipped += 1
                continue
            for stat in fitted:
                stat.update(x)
            rows += 1
            if rows % args.every == 0:
                print(format_row(rows, fitted))
            progress.tick(rows)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        if handle is not None and handle is not sys.stdin:
            handle.close()
    progress.tick(rows, force=True)
    if rows % args.every:
        print(format_row(rows, fitted))
    print("final:")
    for stat in fitted:
        print(f"  {stat.name:<28} {stat!r}")
    if skipped:
        print(f"skipped {skipped} blank or non-numeric rows", file=sys.stderr)
    if args.save:
        with open(args.save, "wb") as f:
            pickle.dump({"stats": fitted, "rows": rows}, f)
        print(f"saved {len(fitted)} statistics after {rows} rows to {args.save}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
