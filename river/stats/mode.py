from __future__ import annotations

import collections
import copy
import sys
import typing

import numpy as np

from river.stats import _hashable, base
from river.stats._rust_stats import RsMode, RsRollingMode

__all__ = ["Mode", "RollingMode"]


class _HashableMixin:
    """`repr`, `update_many` and `accumulate` for statistics whose value may be any hashable."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: {_hashable.format_value(self.get(), ',.6f')}"  # type: ignore[attr-defined]

    def update_many(self, xs: typing.Iterable) -> None:
        """Update with every value of `xs`, in order; all are checked to be hashable first."""
        _hashable.update_many(self, xs)

    def accumulate(self, xs: typing.Iterable) -> np.ndarray:
        """Update with every value of `xs` and return the mode after each one.

        The array is float64 when every mode is a real number (a None, before anything was
        counted, becomes NaN); otherwise (strings, tuples, booleans...) it is an object array
        holding the modes themselves.
        """
        return _hashable.values_array(self._accumulate_list(_hashable.batch_list(xs)))  # type: ignore[attr-defined]


class Mode(_HashableMixin, RsMode, base.Univariate):
    """Running mode.

    The mode is simply the most common value. An approximate mode can be computed by setting the
    number of first unique values to count. When several values are equally common, the mode is
    the one that was seen first. Values can be of any hashable type, hashed and compared by
    Python; the counts are kept in Rust and each update costs O(1).

    Parameters
    ----------
    k
        Only the first `k` unique values will be included. If `k` equals -1, the exact mode is
        computed.

    Attributes
    ----------
    counts : dict
        How many times each counted value was seen.

    Examples
    --------

    >>> from river import stats

    >>> X = ['sunny', 'cloudy', 'cloudy', 'rainy', 'rainy', 'rainy']
    >>> mode = stats.Mode(k=2)
    >>> for x in X:
    ...     mode.update(x)
    ...     print(mode.get())
    sunny
    sunny
    cloudy
    cloudy
    cloudy
    cloudy

    >>> mode = stats.Mode(k=-1)
    >>> for x in X:
    ...     mode.update(x)
    ...     print(mode.get())
    sunny
    sunny
    cloudy
    cloudy
    cloudy
    rainy
    >>> mode
    Mode: rainy

    `accumulate` gives an object array for values that are not numbers:

    >>> stats.Mode().accumulate(['a', 'b', 'b']).tolist()
    ['a', 'a', 'b']
    >>> stats.Mode().accumulate([3, 1, 1]).dtype
    dtype('float64')

    References
    ----------
    [^1]: [Mode (statistics)](https://en.wikipedia.org/wiki/Mode_(statistics))

    """

    _no_unmerge = (
        "ties go to the value seen first, and which of the remaining values were seen first "
        "cannot be recovered once another stream's values are taken out"
    )

    def __init__(self, k: int = 25) -> None:
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"k must be an int, got {type(k).__name__}")
        if not -(2**63) <= k < 2**63:
            raise ValueError(f"k is too large, got {k}")
        self._reset(k)

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"k": -1}

    @property
    def name(self) -> str:
        return "mode"

    @property
    def counts(self) -> dict[typing.Hashable, int]:
        """How many times each counted value was seen, in the order of first sight (a copy)."""
        return dict(self._items())

    def __add__(self, other: typing.Any) -> Mode:
        self._check_merge(other, "+")
        merged = copy.copy(self)
        merged._merge(other)
        return merged

    def __iadd__(self, other: typing.Any) -> Mode:
        self._check_merge(other, "+=")
        self._merge(other)
        return self

    def _check_merge(self, other: typing.Any, op: str) -> None:
        _hashable.check_merge(self, other, op)
        if self.k != other.k:
            raise _hashable.param_differs("k", self.k, other.k)
        if self.k != -1:
            raise TypeError(
                "Mode with a finite k cannot be merged: it counts only the first k distinct "
                "values, and which of the other stream's values would have been among the first "
                "k of both streams is unknown; use k=-1 for an exact mode that merges"
            )

    def __getstate__(self) -> dict[str, typing.Any]:
        return {"k": self.k, "counts": self.counts}

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        # Also the states of the pure-Python versions, which held `counts` (in the order of
        # first sight) beside attributes rebuilt here. NaN keys come back from a pickle as new
        # objects (pickle does not keep the identity of floats): counted as the one NaN again.
        with _hashable.loading():
            k = state["k"]
            if isinstance(k, bool) or not isinstance(k, int):
                raise TypeError("k is not an int")
            keys, counts = _hashable.checked_counts(state["counts"])
            self._load(k, keys, counts)


class RollingMode(_HashableMixin, RsRollingMode, base.RollingUnivariate):
    """Running mode over a window.

    The mode is the most common value of the last `window_size` values. When several values are
    equally common, the mode is the one that entered the window's counts first (a value that
    left the window entirely and came back counts as new), as in River.

    Each update costs O(log d) for d distinct values in the window: the counts are kept in
    Rust, ordered by (count, time of entry), and values are hashed and compared by Python.

    Parameters
    ----------
    window_size
        Size of the rolling window, at least 1.

    Attributes
    ----------
    counts : dict
        How many times each value of the window occurs in it.

    Examples
    --------

    >>> from river import stats

    >>> X = ['sunny', 'sunny', 'sunny', 'rainy', 'rainy', 'rainy', 'rainy']
    >>> rolling_mode = stats.RollingMode(window_size=2)
    >>> for x in X:
    ...     rolling_mode.update(x)
    ...     print(rolling_mode.get())
    sunny
    sunny
    sunny
    sunny
    rainy
    rainy
    rainy

    >>> rolling_mode = stats.RollingMode(window_size=5)
    >>> for x in X:
    ...     rolling_mode.update(x)
    ...     print(rolling_mode.get())
    sunny
    sunny
    sunny
    sunny
    sunny
    rainy
    rainy
    >>> rolling_mode.name
    'rollingmode_5'

    References
    ----------
    [^1]: [Mode (statistics)](https://en.wikipedia.org/wiki/Mode_(statistics))

    """

    def __init__(self, window_size: int) -> None:
        if isinstance(window_size, bool) or not isinstance(window_size, int):
            raise TypeError(f"window_size must be an int, got {type(window_size).__name__}")
        if window_size < 1:
            raise ValueError(f"window_size must be at least 1, got {window_size}")
        if window_size > sys.maxsize:
            raise ValueError(f"window_size is too large, got {window_size}")
        self._reset(window_size)

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {"window_size": 3}
        yield {"window_size": 10}

    @property
    def counts(self) -> dict[typing.Hashable, int]:
        """How many times each value of the window occurs in it, in the order the values
        entered the counts (a copy)."""
        return dict(self._items())

    @property
    def window(self) -> collections.deque:
        """The values of the window, oldest first (a copy)."""
        return collections.deque(self._window(), maxlen=self.window_size)

    def __getstate__(self) -> dict[str, typing.Any]:
        return {"window": self.window, "counts": self.counts}

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        # Also the states of the pure-Python version, which held the same `window` and
        # `counts` (in the order the values entered them) beside attributes rebuilt here.
        with _hashable.loading():
            window = state["window"]
            size = window.maxlen
            if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= sys.maxsize:
                raise ValueError("the window has no valid maxlen")
            entered, _ = _hashable.checked_counts(state["counts"])
            self._load(size, list(dict.fromkeys(map(_hashable.nan_key, entered))), list(window))
