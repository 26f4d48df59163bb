from __future__ import annotations

import collections
import math
import typing

import numpy as np

from river.stats import _hashable, base

__all__ = ["ChiSquared"]

_NAN, _NAN_TYPES = _hashable.NAN, _hashable.NAN_TYPES


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


class ChiSquared(base.Bivariate):
    """Streaming Chi-squared statistic of independence between two categorical variables.

    Keeps the contingency table of `x` and `y` (any hashables) and gives Pearson's
    Chi-squared statistic, without continuity correction: the value, `p_value` and
    `degrees_of_freedom` equal those of `scipy.stats.chi2_contingency(table, correction=False)`
    over the rows and columns seen (0.0, 1.0 and 0 when a variable has a single category).
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
        self.counts: collections.defaultdict[typing.Hashable, collections.Counter[typing.Hashable]] = (
            collections.defaultdict(collections.Counter)
        )
        self.x_totals: collections.Counter[typing.Hashable] = collections.Counter()
        self.y_totals: collections.Counter[typing.Hashable] = collections.Counter()
        self.n = 0
        self._value: float | None = 0.0

    @property
    def name(self) -> str:
        return "chi_squared"

    def update(self, x: typing.Hashable, y: typing.Hashable) -> None:
        x_totals, y_totals = self.x_totals, self.y_totals
        try:
            if x not in x_totals and type(x) in _NAN_TYPES and x != x:
                x = _NAN  # all NaNs are one value
            if y not in y_totals and type(y) in _NAN_TYPES and y != y:
                y = _NAN
        except TypeError:
            _hashable.check_hashable(x, "x")  # the message names the argument
            _hashable.check_hashable(y, "y")
            raise
        self.counts[x][y] += 1
        x_totals[x] += 1
        y_totals[y] += 1
        self.n += 1
        self._value = None

    def revert(self, x: typing.Hashable, y: typing.Hashable) -> None:
        _hashable.check_hashable(x, "x")
        _hashable.check_hashable(y, "y")
        x, y = _hashable.nan_key(x), _hashable.nan_key(y)
        row = self.counts.get(x)
        if row is None or row.get(y, 0) <= 0:
            raise ValueError(f"cannot revert ({x!r}, {y!r}): that pair is not in the table")
        if row[y] == 1:
            del row[y]
            if not row:
                del self.counts[x]
        else:
            row[y] -= 1
        for totals, key in ((self.x_totals, x), (self.y_totals, y)):
            if totals[key] == 1:
                del totals[key]
            else:
                totals[key] -= 1
        self.n -= 1
        self._value = None

    def __add__(self, other: typing.Any) -> ChiSquared:
        _hashable.check_merge(self, other, "+")
        merged = ChiSquared()
        merged._add_table(self, 1)
        merged._add_table(other, 1)
        return merged

    def __iadd__(self, other: typing.Any) -> ChiSquared:
        _hashable.check_merge(self, other, "+=")
        self._add_table(other, 1)
        return self

    def __sub__(self, other: typing.Any) -> ChiSquared:
        _hashable.check_merge(self, other, "-")
        self._check_contains(other)
        merged = ChiSquared()
        merged._add_table(self, 1)
        merged._add_table(other, -1)
        return merged

    def __isub__(self, other: typing.Any) -> ChiSquared:
        _hashable.check_merge(self, other, "-=")
        self._check_contains(other)
        self._add_table(other, -1)
        return self

    def _check_contains(self, other: ChiSquared) -> None:
        for x, row in other.counts.items():
            mine: typing.Mapping[typing.Hashable, int] = self.counts.get(x, {})
            for y, c in row.items():
                if mine.get(y, 0) < c:
                    raise ValueError(
                        f"cannot take ({x!r}, {y!r}) out {c} times: the table holds it {mine.get(y, 0)} times"
                    )

    def _add_table(self, other: ChiSquared, sign: int) -> None:
        """Add (sign 1) or take out (sign -1, checked beforehand) `other`'s table. New keys come
        in `other`'s order of first sight, as one statistic fed both streams would hold, so the
        value, summed in that order, is the same to the last bit. Taking a stream out leaves the
        remaining keys in the order of the merged stream: the same table, a value that may
        differ in the last bits (the order of its sum)."""
        rows = [(x, list(row.items())) for x, row in other.counts.items()]  # `other` may be `self`
        x_totals, y_totals = list(other.x_totals.items()), list(other.y_totals.items())
        for x, row in rows:
            mine = self.counts[x]
            for y, c in row:
                mine[y] += sign * c
                if not mine[y]:
                    del mine[y]
            if not mine:
                del self.counts[x]
        for totals, items in ((self.x_totals, x_totals), (self.y_totals, y_totals)):
            for key, c in items:
                totals[key] += sign * c
                if not totals[key]:
                    del totals[key]
        self.n += sign * other.n
        self._value = None

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        self.__dict__.update(state)
        # A pickle does not keep the identity of floats: NaN keys come back as new objects, a
        # different one in each of the three tables, which would no longer agree.
        merged = _hashable.nan_keys_merged
        sizes = self._sizes()
        self.counts = merged(self.counts)
        for x, row in self.counts.items():
            self.counts[x] = merged(row)
        self.x_totals = merged(self.x_totals)
        self.y_totals = merged(self.y_totals)
        if self._sizes() != sizes:  # a state kept before all NaNs were one value
            self._value = None

    def _sizes(self) -> tuple[int, ...]:
        return (len(self.x_totals), len(self.y_totals), *(len(row) for row in self.counts.values()))

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

    def get(self) -> float:
        if self._value is None:
            n = self.n
            y_totals = self.y_totals
            total = 0.0
            for x, row in self.counts.items():
                rx = self.x_totals[x]
                for y, cy in y_totals.items():
                    expected = rx * cy / n
                    total += (row.get(y, 0) - expected) ** 2 / expected
            self._value = total
        return self._value

    def update_many(self, xs: typing.Iterable, ys: typing.Iterable) -> None:
        """Update with every pair of `xs` and `ys`, in order; both are checked first."""
        left, right = _hashable.paired_batches(xs, ys)
        for x, y in zip(left, right, strict=True):
            self.update(x, y)

    def accumulate(self, xs: typing.Iterable, ys: typing.Iterable) -> np.ndarray:
        """Update with every pair and return the statistic after each one (float64)."""
        left, right = _hashable.paired_batches(xs, ys)
        out = np.empty(len(left), dtype=np.float64)
        for i, (x, y) in enumerate(zip(left, right, strict=True)):
            self.update(x, y)
            out[i] = self.get()
        return out

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
