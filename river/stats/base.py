"""Base classes of the statistics: `Statistic`, `Univariate`, `Bivariate`, `RollingUnivariate`
and `Link`, with River's behaviour, plus the batch API (`update_many`, `accumulate`)."""

from __future__ import annotations

import abc
import typing

import numpy as np

from river import base

__all__ = ["Bivariate", "Link", "RollingUnivariate", "Statistic", "Univariate"]


class Statistic(abc.ABC, base.Base):
    """A statistic.

    `repr` shows the current value with six decimals, trailing zeros stripped, and `a > b`
    compares the values of two statistics.

    Examples
    --------

    >>> from river import stats
    >>> m = stats.EWMean()
    >>> m.update(1234567.891)
    >>> m
    EWMean: 1,234,567.891
    >>> m > stats.EWMean()
    True

    References
    ----------
    [^1]: [River's statistics](https://riverml.xyz/latest/api/overview/#stats)

    """

    _fmt = ",.6f"

    #: Why `a + b` has no meaning for this class (and what to use instead, if anything). A
    #: class that merges defines `__add__` (and `__sub__` where the merge has an exact
    #: inverse), which comes first in its MRO; every other statistic says why here.
    _no_merge: typing.ClassVar[str] = "this statistic does not define a merge"
    #: Why `a - b` has no meaning for a class that merges but has no exact inverse.
    _no_unmerge: typing.ClassVar[str] = "its merge has no exact inverse"

    def __add__(self, other: typing.Any) -> typing.Any:
        raise TypeError(f"{type(self).__name__} cannot be merged with +: {self._no_merge}")

    def __sub__(self, other: typing.Any) -> typing.Any:
        if type(self).__add__ is Statistic.__add__:
            raise TypeError(f"{type(self).__name__} cannot be merged with -: {self._no_merge}")
        raise TypeError(f"{type(self).__name__} has no -: {self._no_unmerge}")

    @abc.abstractmethod
    def get(self):
        """Return the current value of the statistic."""

    def __repr__(self) -> str:
        try:
            value = self.get()
        except NotImplementedError:
            value = None
        fmt_value = None if value is None else f"{value:{self._fmt}}".rstrip("0")
        return f"{self.__class__.__name__}: {fmt_value}"

    def __str__(self) -> str:
        return repr(self)

    def __gt__(self, other: Statistic) -> bool:
        return self.get() > other.get()  # type: ignore[operator]


class Univariate(Statistic):
    """A univariate statistic measures a property of a variable.

    Beyond River's API, every univariate statistic has `update_many(xs)`, which updates with
    each value of an iterable in turn, and `accumulate(xs)`, which does the same and returns
    a numpy array of the value after each update. Rust-backed statistics run both in Rust.

    Examples
    --------

    >>> from river import stats
    >>> ptp = stats.PeakToPeak()
    >>> ptp.accumulate([1, -4, 3, -2, 2, 4]).tolist()
    [0.0, 5.0, 7.0, 7.0, 7.0, 8.0]

    References
    ----------
    [^1]: [River's Univariate](https://riverml.xyz/latest/api/stats/base/Univariate/)

    """

    @abc.abstractmethod
    def update(self, x) -> None:
        """Update the called instance."""

    @property
    def name(self) -> str:
        return self.__class__.__name__.lower()

    def __or__(self, other: Univariate) -> Link:
        return Link(left=self, right=other)

    def update_many(self, xs: typing.Iterable[typing.Any]) -> None:
        """Update with every value of `xs`, in order."""
        for x in xs:
            self.update(x)

    def accumulate(self, xs: typing.Iterable[typing.Any]) -> np.ndarray:
        """Update with every value of `xs` and return the value after each one.

        A float64 array when every value is a number (a None is given as NaN), otherwise an
        object array of the values themselves (a statistic whose values are strings, say).
        """
        from river.stats import _hashable

        out = []
        for x in xs:
            self.update(x)
            out.append(self.get())
        return _hashable.values_array(out)


class Link(Univariate):
    """A link joins two univariate statistics as a sequence.

    The output of `left`'s `get` is fed to `right`'s `update`, unless it is None. Links are
    usually built with the `|` operator.

    Parameters
    ----------
    left
        The statistic updated first.
    right
        The statistic fed with the values of `left`.

    Examples
    --------

    >>> from river import stats
    >>> stat = stats.PeakToPeak() | stats.EWMean(0.5)
    >>> for x in [1, 4, 2, 8]:
    ...     stat.update(x)
    >>> stat.get()
    4.625
    >>> stat.name
    'ewm_0.5_of_ptp'

    References
    ----------
    [^1]: [River's Link](https://riverml.xyz/latest/api/stats/Link/)

    """

    _no_merge = (
        "the right statistic sees the left one's values in the order they came, which two "
        "merged streams do not have"
    )

    def __init__(self, left: Univariate, right: Univariate) -> None:
        self.left = left
        self.right = right

    def update(self, x) -> None:
        self.left.update(x)
        y = self.left.get()
        if y is not None:
            self.right.update(y)

    def get(self):
        return self.right.get()

    @property
    def name(self) -> str:
        return f"{self.right.name}_of_{self.left.name}"

    def __repr__(self) -> str:
        return repr(self.right)


class RollingUnivariate(Univariate):
    """A rolling univariate statistic measures a property of a variable over a window.

    Examples
    --------

    >>> from river import stats
    >>> stats.RollingQuantile(q=0.5, window_size=10).name
    'rollingquantile_10'

    References
    ----------
    [^1]: [River's RollingUnivariate](https://riverml.xyz/latest/api/stats/base/RollingUnivariate/)

    """

    _no_merge = (
        "a rolling statistic holds the last window_size values of one stream, and two streams "
        "have no order between them to say which values are the last"
    )

    @property
    @abc.abstractmethod
    def window_size(self) -> int:
        """The size of the rolling window."""

    @property
    def name(self) -> str:
        return f"{super().name}_{self.window_size}"


class Bivariate(Statistic):
    """A bivariate statistic measures a relationship between two variables.

    Examples
    --------

    >>> from river import stats
    >>> issubclass(stats.base.Bivariate, stats.base.Statistic)
    True

    References
    ----------
    [^1]: [River's Bivariate](https://riverml.xyz/latest/api/stats/base/Bivariate/)

    """

    @abc.abstractmethod
    def update(self, x, y) -> None:
        """Update the called instance."""
