from __future__ import annotations

import collections
import copy
import math
import typing

import numpy as np

from river.stats import _hashable, base
from river.stats._rust_stats import RsChiSquared

__all__ = ["ChiSquared"]


def chi2_sf(x: float, dof: int) -> float:
    """P(X > x) for a chi-squared variable with `dof` (a positive int) degrees of freedom.

    For integer degrees of freedom the regularized upper incomplete gamma function Q(dof/2, x/2)
    is a finite sum of positive terms (plus erfc for odd dof), each computed from its logarithm
    so that nothing underflows before it should. O(dof) per call; no scipy needed at run time.
    """
    if x <= 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    s = x / 2
    log_s = math.log(s)
    if dof % 2 == 0:
        terms = [math.exp(-s + i * log_s - math.lgamma(i + 1)) for i in range(dof // 2)]
    else:
        terms = [math.erfc(math.sqrt(s))]
        terms += [math.exp(-s + (i - 0.5) * log_s - math.lgamma(i + 0.5)) for i in range(1, (dof + 1) // 2)]
    return min(1.0, math.fsum(terms))


class ChiSquared(RsChiSquared, base.Bivariate):
    """Streaming Chi-squared statistic of independence between two categorical variables.

    Keeps the contingency table of `x` and `y` (any hashables) and gives Pearson's
    Chi-squared statistic, without continuity correction: the value, `p_value` and
    `degrees_of_freedom` equal those of `scipy.stats.chi2_contingency(table, correction=False)`
    over the rows and columns seen (0.0, 1.0 and 0 when a variable has a single category).
    The table is kept in Rust, keyed by the values with their Python hash and equality;
    `update` and `revert` are O(1); the value is computed from the table in O(rows * columns)
    when it is read and kept until the table changes. `revert` of a pair that is not in the
    table raises ValueError and changes nothing.

    Examples
    --------

    >>> from river import stats

    >>> chi2 = stats.ChiSquared()
    >>> for x, y in [("A", 0), ("A", 0), ("B", 1), ("B", 1)]:
    ...     chi2.update(x, y)
    >>> round(chi2.get(), 3)
    4.0
    >>> chi2.degrees_of_freedom, round(chi2.p_value, 6)
    (1, 0.0455)

    A rolling version can be obtained by wrapping with `utils.Rolling`:

    >>> from river import utils
    >>> chi2 = utils.Rolling(stats.ChiSquared, window_size=4)
    >>> for x, y in [("A", 0), ("A", 0), ("B", 1), ("B", 1), ("C", 0)]:
    ...     chi2.update(x, y)
    >>> round(chi2.get(), 3)
    4.0

    References
    ----------
    [^1]: [Pearson's chi-squared test](https://en.wikipedia.org/wiki/Pearson%27s_chi-squared_test)
    [^2]: [scipy.stats.chi2_contingency](https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.chi2_contingency.html)

    """

    def __init__(self) -> None:
        pass  # the empty table is built by the Rust class

    @property
    def name(self) -> str:
        return "chi_squared"

    @property
    def counts(self) -> collections.defaultdict[typing.Hashable, collections.Counter[typing.Hashable]]:
        """The contingency table: x -> Counter of y (a copy)."""
        out: collections.defaultdict = collections.defaultdict(collections.Counter)
        for x, row in self._tables()[2]:
            out[x] = collections.Counter(dict(row))
        return out

    @property
    def x_totals(self) -> collections.Counter[typing.Hashable]:
        """How many pairs have each x (a copy)."""
        return collections.Counter(dict(self._tables()[0]))

    @property
    def y_totals(self) -> collections.Counter[typing.Hashable]:
        """How many pairs have each y (a copy)."""
        return collections.Counter(dict(self._tables()[1]))

    def __add__(self, other: typing.Any) -> ChiSquared:
        _hashable.check_merge(self, other, "+")
        merged = copy.copy(self)
        merged._merge(other)
        return merged

    def __iadd__(self, other: typing.Any) -> ChiSquared:
        _hashable.check_merge(self, other, "+=")
        self._merge(other)
        return self

    def __sub__(self, other: typing.Any) -> ChiSquared:
        # Taking a stream out leaves the remaining keys in the order of the merged stream: the
        # same table, a value that may differ in the last bits (the order of its sum).
        _hashable.check_merge(self, other, "-")
        merged = copy.copy(self)
        merged._unmerge(other)
        return merged

    def __isub__(self, other: typing.Any) -> ChiSquared:
        _hashable.check_merge(self, other, "-=")
        self._unmerge(other)
        return self

    def __getstate__(self) -> dict[str, typing.Any]:
        # One read of the tables, and n from them: another thread may update between two reads.
        x_totals, y_totals, rows = self._tables()
        return {
            "counts": {x: dict(row) for x, row in rows},
            "x_totals": dict(x_totals),
            "y_totals": dict(y_totals),
            "n": sum(count for _, count in x_totals),
        }

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        # Also the states of the pure-Python version (the same tables, as a defaultdict of
        # Counters, and a cached value, recomputed here). NaN keys come back from a pickle as
        # new objects, a different one in each table: put back under the one NaN key.
        with _hashable.loading():
            merged = _hashable.nan_keys_merged
            rows_in: dict[typing.Any, collections.Counter[typing.Any]] = {
                x: collections.Counter(row) for x, row in dict(state["counts"]).items()
            }
            counts = merged(rows_in)
            rows = [(x, list(merged(dict(row)).items())) for x, row in counts.items()]
            for _, row in rows:
                _hashable.checked_counts(dict(row))
            x_totals = merged(dict(state["x_totals"]))
            y_totals = merged(dict(state["y_totals"]))
            loaded = RsChiSquared()
            loaded._load(rows, list(y_totals))
            xs, ys, _ = loaded._tables()
            if (dict(xs), dict(ys), loaded.n) != (x_totals, y_totals, state["n"]):
                raise ValueError("invalid pickled state: the totals do not match the table")
            self._adopt(loaded)

    @property
    def degrees_of_freedom(self) -> int:
        """Return the degrees of freedom of the contingency table."""
        r, c = len(self.x_totals), len(self.y_totals)
        if r <= 1 or c <= 1:
            return 0
        return (r - 1) * (c - 1)

    @property
    def p_value(self) -> float:
        """Return the p-value associated with the Chi-squared statistic."""
        dof = self.degrees_of_freedom
        if dof <= 0:
            return 1.0
        return chi2_sf(self.get(), dof)

    def update_many(self, xs: typing.Iterable, ys: typing.Iterable) -> None:
        """Update with every pair of `xs` and `ys`, in order; both are checked first."""
        if _hashable.is_native_array(xs) and _hashable.is_native_array(ys):
            self._update_arrays(xs, ys)
        else:
            self._update_lists(*_hashable.paired_lists(xs, ys))

    def accumulate(self, xs: typing.Iterable, ys: typing.Iterable) -> np.ndarray:
        """Update with every pair and return the statistic after each one (float64)."""
        return np.asarray(self._accumulate_lists(*_hashable.paired_lists(xs, ys)), dtype=np.float64)

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
