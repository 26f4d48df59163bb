"""river on Dask: statistics fitted over partitioned data, and exact rolling statistics.

Install with ``pip install 'river[dask]'``. The functions are lazy (they return Dask objects;
nothing runs until you call ``.compute()`` or ``dask.compute``):

- `fit(statistics, data)`: one ``update_many`` per partition, then a tree reduction of the
  partial statistics with ``+`` (``split_every`` of them per node). Returns a ``Delayed`` list of
  fitted statistics. ``data`` is a Dask Series (a DataFrame column), a Bag of numbers or a 1-D
  Dask array. A ``Mean``, ``Var`` or ``SEM`` of a partition of `MOMENTS_AT` values or more is
  computed from numpy's sums instead (two vectorized passes, ten times faster than West's
  update per value, and as exact or more): the same statistic up to rounding.
- `fit_by(frame, by, column, statistics)`: the same per key of ``frame.groupby(by)[column]``,
  a ``Delayed`` dict ``{key: [fitted statistics]}``, through `aggregation(statistics)`, a
  ``dd.Aggregation`` usable among Dask's own.
- `rolling(series, statistic)`: a rolling statistic (``RollingQuantile``, ``RollingIQR``, the
  rolling extrema, ``utils.Rolling``) over a Dask Series; each partition is computed after the
  ``window_size - 1`` values that precede it (through ``map_overlap`` when the partition
  lengths allow it), so the result is the one-process ``accumulate``.

Statistics travel to and between the worker processes by their own pickling. Only statistics
that merge with ``+`` can be fitted in parts: `fit` and `fit_by` try ``+`` on two fresh copies
of each statistic (``s.clone() + s.clone()``) before anything is scheduled and raise the
statistic's own ``TypeError`` when it does not merge. The test asks the class itself, so a class
that gains ``+`` is accepted without a change here.

A value a statistic refuses (NaN, ...) fails the whole computation with a ``ValueError`` naming
the partition (its number, its index range, or the key) and the statistic; no partial result is
returned.
"""

from __future__ import annotations

import functools
import operator
import typing

import numpy as np

from river import stats

try:
    import dask.array as da
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from dask.base import tokenize
    from dask.delayed import Delayed, delayed
except ImportError as exc:  # pragma: no cover - exercised by tests/test_dask.py in a subprocess
    raise ImportError("river.dask needs Dask: pip install 'river[dask]'") from exc

__all__ = ["aggregation", "check_mergeable", "fit", "fit_by", "known_lengths", "rolling"]


def check_mergeable(statistics: typing.Iterable[typing.Any]) -> list[typing.Any]:
    """Return the statistics as a list if each merges with ``+``; raise ``TypeError`` otherwise.

    Two fresh copies of each statistic are added: cheap, and it keeps working as more classes
    gain ``+``.

    >>> from river import dask as rd, stats
    >>> rd.check_mergeable([stats.Mean(), stats.KLLQuantile(0.5)])
    [Mean: 0., KLLQuantile: None]
    >>> rd.check_mergeable([stats.EWMean(0.5)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: EWMean cannot be fitted in parts: ...
    """
    statistics = list(statistics)
    for stat in statistics:
        try:
            stat.clone() + stat.clone()
        except TypeError as exc:
            raise TypeError(f"{type(stat).__name__} cannot be fitted in parts: {exc}") from exc
    return statistics


def _values(part: typing.Any) -> np.ndarray:
    """A partition (pandas Series, numpy chunk or Bag list) as a 1-D float64 array."""
    if isinstance(part, pd.Series):
        part = part.to_numpy()
    # An array unpickled from a worker's message can sit at any byte offset: the batch methods
    # copy such an array themselves, so it is passed on as it is.
    values = np.asarray(part, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"expected one-dimensional data, got shape {values.shape}")
    return values


# A partition at least this long has its Mean, Var or SEM computed by `_moments`: below it,
# numpy's call overheads (about 20 us) cost more than `update_many` (5 to 20 ns per value).
MOMENTS_AT = 4096


def _moments(template: typing.Any, values: np.ndarray) -> typing.Any:
    """The Mean, Var or SEM (exactly these classes) of ``values``, from numpy's sums, or None.

    Two passes, each a vectorized pairwise sum: the mean, then the squared deviations from it
    with the corrected two-pass formula ``sum(d**2) - sum(d)**2 / n`` (Chan, Golub and
    LeVeque, 1983). About 1.5 ns per value against 15 to 20 ns for ``update_many``, whose
    update per value (West's) is a chain of dependent divisions, and as close to the exact
    value or closer: the statistic is the same up to rounding, and it merges with ``+`` like
    any other. None (then ``update_many`` runs) for other classes, short or empty partitions,
    and when a sum is not finite (a NaN, which ``update_many`` reports, or an infinity).
    """
    kind = type(template)
    if kind not in (stats.Mean, stats.Var, stats.SEM) or values.size < MOMENTS_AT:
        return None
    n = values.size
    mean = float(values.sum()) / n
    if not np.isfinite(mean):
        return None
    if kind is stats.Mean:
        return stats.Mean._from_state(float(n), mean)
    ddof = template.ddof
    deviations = values - mean
    drift = float(deviations.sum())
    np.square(deviations, out=deviations)
    m2 = float(deviations.sum()) - drift * drift / n
    if not (np.isfinite(m2) and n > ddof):
        return None
    return kind._from_state(float(n), mean, max(m2, 0.0) / (n - ddof), ddof=ddof)


def _fit_values(values: np.ndarray, templates: list[typing.Any], where: str) -> list[typing.Any]:
    fitted = []
    for template in templates:
        moments = _moments(template, values)
        if moments is not None:
            fitted.append(moments)
            continue
        stat = template.clone()
        try:
            stat.update_many(values)
        except ValueError as exc:
            raise ValueError(f"{where}: {type(stat).__name__} refused the data: {exc}") from None
        fitted.append(stat)
    return fitted


def _fit_partition(part: typing.Any, templates: list[typing.Any], index: int, n: int) -> list[typing.Any]:
    return _fit_values(_values(part), templates, f"partition {index} of {n}")


def _merge(*partials: list[typing.Any]) -> list[typing.Any]:
    return [functools.reduce(operator.add, column) for column in zip(*partials, strict=True)]


def _fit_groups(grouped: typing.Any, templates: list[typing.Any]) -> pd.Series:
    """``dd.Aggregation``'s chunk: one partition's groups, each fitted with fresh statistics."""

    def fit_one(values: pd.Series, where: str = "") -> tuple:
        return tuple(_fit_values(values.to_numpy(dtype=np.float64), templates, where))

    try:
        return grouped.agg(fit_one)
    except ValueError:
        # pandas does not tell a group's key to the function: find the group again, to name it.
        for key, values in grouped:
            fit_one(values, f"key {key!r}")
        raise


def _merge_groups(grouped: typing.Any) -> pd.Series:
    """``dd.Aggregation``'s agg: the partial statistics of each key, added."""
    return grouped.agg(lambda partials: tuple(_merge(*partials)))


def aggregation(statistics: typing.Iterable[typing.Any]) -> dd.Aggregation:
    """A ``dd.Aggregation`` fitting mergeable statistics per group: a tuple of them per key.

    For ``frame.groupby(...)[column].agg(...)`` among other aggregations. Each partition's
    groups are fitted with clones of the statistics (``chunk``; a group of `MOMENTS_AT`
    values or more as in `fit`), and the partial statistics of a key are added in Dask's
    tree reduction (``agg``), with ``+``.

    >>> import pandas as pd, dask.dataframe as dd
    >>> from river import dask as rd, stats
    >>> df = dd.from_pandas(pd.DataFrame({"k": list("abab"), "x": [1.0, 2.0, 3.0, 4.0]}), npartitions=2)
    >>> fitted = df.groupby("k")["x"].agg(rd.aggregation([stats.Mean(), stats.Max()]))
    >>> fitted.compute(scheduler="sync").sort_index().tolist()
    [(Mean: 2., Max: 3.), (Mean: 3., Max: 4.)]
    """
    templates = check_mergeable(statistics)
    return dd.Aggregation(
        "river-" + tokenize(templates), functools.partial(_fit_groups, templates=templates), _merge_groups
    )


def _as_dict(fitted: pd.Series) -> dict:
    return {key: list(stats) for key, stats in fitted.items()}


def _partitions(data: typing.Any) -> list[Delayed]:
    if isinstance(data, dd.DataFrame):
        raise TypeError("pass one column of the DataFrame (frame['x']), or use fit_by for groups")
    if isinstance(data, (dd.Series, db.Bag)):
        return list(data.to_delayed())
    if isinstance(data, da.Array):
        if data.ndim != 1:
            raise ValueError(f"expected a one-dimensional Dask array, got {data.ndim} dimensions")
        return list(data.to_delayed().ravel())
    raise TypeError(f"expected a Dask Series, Bag or 1-D array, got {type(data).__name__}")


def _tree(leaves: list[Delayed], combine: typing.Callable, split_every: int) -> Delayed:
    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, got {split_every}")
    level = leaves
    while len(level) > 1:
        level = [delayed(combine)(*level[i : i + split_every]) for i in range(0, len(level), split_every)]
    return level[0]


def fit(statistics: typing.Iterable[typing.Any], data: typing.Any, split_every: int = 8) -> Delayed:
    """Fit mergeable statistics over a Dask Series, Bag or 1-D array: a ``Delayed`` list.

    Each statistic is cloned (its parameters, not its state) once per partition, fed the
    partition with ``update_many``, and the partial statistics are added in a tree of
    ``split_every`` per node. The given statistics are left unchanged. A ``Mean``, ``Var`` or
    ``SEM`` of a partition of `MOMENTS_AT` values or more is computed with numpy's pairwise
    sums (the mean, then the corrected two-pass sum of squared deviations) rather than one
    update per value: the same statistic up to rounding, about 1.5 ns per value instead of
    15 to 20; a NaN or an infinity takes ``update_many``'s path, and its result or error.

    >>> import dask, dask.array as da
    >>> from river import dask as rd, stats
    >>> x = da.arange(1000, chunks=100).astype(float)
    >>> mean, var = rd.fit([stats.Mean(), stats.Var()], x).compute(scheduler="sync")
    >>> mean.get(), round(var.get(), 6)
    (499.5, 83416.666667)
    """
    templates = check_mergeable(statistics)
    parts = _partitions(data)
    n = len(parts)
    leaves = [delayed(_fit_partition)(part, templates, i, n) for i, part in enumerate(parts)]
    if not leaves:
        leaves = [delayed(_fit_partition)(np.empty(0), templates, 0, 0)]
    return _tree(leaves, _merge, split_every)


def fit_by(
    frame: dd.DataFrame, by: str, column: str, statistics: typing.Iterable[typing.Any], split_every: int = 8
) -> Delayed:
    """Fit mergeable statistics per key of ``frame.groupby(by)[column]``: a ``Delayed`` dict.

    Through `aggregation`, a ``dd.Aggregation`` (``split_every`` partial results per node of
    the tree); every key is kept, NaN included. The result, one entry per key, is held in one
    process, as with any ``dd.Aggregation``.

    >>> import pandas as pd, dask.dataframe as dd
    >>> from river import dask as rd, stats
    >>> df = dd.from_pandas(pd.DataFrame({"k": list("abab"), "x": [1.0, 2.0, 3.0, 4.0]}), npartitions=2)
    >>> fitted = rd.fit_by(df, "k", "x", [stats.Mean()]).compute(scheduler="sync")
    >>> {key: stat.get() for key, (stat,) in sorted(fitted.items())}
    {'a': 2.0, 'b': 3.0}
    """
    agg = aggregation(statistics)
    grouped = frame.groupby(by, sort=False, observed=True, dropna=False)[column]
    return delayed(_as_dict)(grouped.agg(agg, split_every=split_every))


def _tail(previous: np.ndarray, part: pd.Series, size: int) -> np.ndarray:
    """The last ``size`` values of everything up to and including ``part``."""
    if size == 0:
        return previous
    return np.concatenate([previous, _values(part)[-size:]])[-size:]


def _refused(stat: typing.Any, where: str, exc: ValueError) -> ValueError:
    return ValueError(f"{where}: {type(stat).__name__} refused the data: {exc}")


def _roll(before: np.ndarray, part: pd.Series, template: typing.Any, index: int, n: int) -> pd.Series:
    stat = template.clone()
    try:
        stat.update_many(_values(before))
        out = stat.accumulate(_values(part))
    except ValueError as exc:
        raise _refused(stat, f"partition {index} of {n}", exc) from None
    return pd.Series(out, index=part.index, name=part.name)


def _roll_overlapped(combined: pd.Series, template: typing.Any) -> pd.Series:
    """``map_overlap``'s function: ``combined`` is the partition after the ``window_size - 1``
    values before it (none for the first partition), and Dask drops the rows of those values
    from what is returned, so one ``accumulate`` over all of it is right either way."""
    stat = template.clone()
    try:
        out = stat.accumulate(_values(combined))
    except ValueError as exc:
        where = "the partition at index " + (
            f"{combined.index[0]!r} to {combined.index[-1]!r} (with the values before it)"
            if len(combined)
            else "(empty)"
        )
        raise _refused(stat, where, exc) from None
    return pd.Series(out, index=combined.index, name=combined.name)


def known_lengths(series: dd.Series) -> tuple[int, ...] | None:
    """The partition lengths Dask knows without computing anything, or None.

    Dask knows them for a collection read from pandas (``dd.from_pandas``), from Parquet with
    row-group statistics, and for element-wise expressions of those; not after ``persist()``
    or a filter. Asked through Dask's ``Lengths`` expression, which is not public API: if a
    Dask version changes it, the lengths are unknown and `rolling` takes its other path.

    >>> import pandas as pd, dask.dataframe as dd
    >>> from river import dask as rd
    >>> rd.known_lengths(dd.from_pandas(pd.Series(range(10)), npartitions=3, sort=False))
    (4, 3, 3)
    """
    try:
        from dask.dataframe.dask_expr._expr import Lengths, Literal

        expr = Lengths(series.expr).simplify()
    except Exception:  # noqa: BLE001 - any change in a private API means "unknown"
        return None
    if isinstance(expr, Literal) and isinstance(expr.value, tuple):
        return tuple(int(v) for v in expr.value)
    return None


def rolling(
    series: dd.Series, statistic: typing.Any, lengths: typing.Sequence[int] | None = None
) -> dd.Series:
    """A rolling statistic over a Dask Series, equal to ``statistic.clone().accumulate`` of it all.

    Partition ``i`` is computed by a fresh copy of ``statistic`` fed first the
    ``window_size - 1`` values before the partition, then the partition. Two ways, the same
    result (``==``):

    - ``Series.map_overlap(before=window_size - 1, after=0)`` when the partition lengths are
      known (``lengths``, or `known_lengths`: a Series read from pandas or Parquet) and each
      partition but the last holds at least ``window_size - 1`` values: every partition is
      computed at once from its own data and the tail of the one before.
    - Otherwise, the values before each partition are carried from partition to partition (a
      chain of small tasks, each holding at most one window), so any partition length works,
      empty partitions and partitions shorter than the window included. Dask's
      ``map_overlap`` raises ``NotImplementedError`` when a partition is shorter than
      ``before``, and after ``persist()`` Dask no longer knows the lengths to tell. The chain
      costs little: its tasks copy at most a window each, and partition ``i``'s statistic
      runs as soon as its tail arrives (measured in benchmarks/RESULTS.md).

    ``lengths`` gives the partition lengths where Dask does not know them, after ``persist()``
    for example (``series.map_partitions(len).compute()``); wrong lengths make Dask's
    ``map_overlap`` fail at compute time when a partition is shorter than the window.

    >>> import pandas as pd, dask.dataframe as dd
    >>> from river import dask as rd, stats
    >>> s = dd.from_pandas(pd.Series([5.0, 1.0, 4.0, 2.0, 3.0]), npartitions=3)
    >>> rd.rolling(s, stats.RollingQuantile(0.5, window_size=3)).compute(scheduler="sync").tolist()
    [5.0, 3.0, 4.0, 2.0, 3.0]
    """
    if not isinstance(series, dd.Series):
        raise TypeError(f"expected a Dask Series, got {type(series).__name__}")
    window = getattr(statistic, "window_size", None)
    if not isinstance(window, int) or window < 1:
        raise TypeError(f"expected a statistic over a window of window_size values, got {statistic!r}")
    meta = pd.Series(np.empty(0, dtype=np.float64), index=series._meta.index, name=series.name)
    if lengths is None:
        lengths = known_lengths(series)
    elif len(lengths) != series.npartitions:
        raise ValueError(f"expected {series.npartitions} partition lengths, got {len(lengths)}")
    if lengths is not None and all(length >= window - 1 for length in lengths[:-1]):
        return series.map_overlap(
            _roll_overlapped,
            window - 1,
            0,
            template=statistic,
            meta=meta,
            enforce_metadata=False,
            transform_divisions=False,
        )
    parts = list(series.to_delayed())
    n = len(parts)
    before: typing.Any = np.empty(0)
    outputs = []
    for i, part in enumerate(parts):
        outputs.append(delayed(_roll)(before, part, statistic, i, n))
        before = delayed(_tail)(before, part, window - 1)
    return dd.from_delayed(outputs, meta=meta, divisions=series.divisions, verify_meta=False)
