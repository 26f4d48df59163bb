from __future__ import annotations

import collections
import copy
import heapq
import sys
import typing

import numpy as np

from river.stats import _hashable, base

__all__ = ["Mode", "RollingMode"]

_NAN, _NAN_TYPES = _hashable.NAN, _hashable.NAN_TYPES


class _HashableMixin:
    """`repr`, `update_many` and `accumulate` for statistics whose value may be any hashable."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: {_hashable.format_value(self.get(), ',.6f')}"  # type: ignore[attr-defined]

    def update_many(self, xs: typing.Iterable) -> None:
        """Update with every value of `xs`, in order; all are checked to be hashable first."""
        update = self.update  # type: ignore[attr-defined]
        for x in _hashable.hashable_batch(xs):
            update(x)

    def accumulate(self, xs: typing.Iterable) -> np.ndarray:
        """Update with every value of `xs` and return the mode after each one.

        The array is float64 when every mode is a real number (a None, before anything was
        counted, becomes NaN); otherwise (strings, tuples, booleans...) it is an object array
        holding the modes themselves.
        """
        update, get = self.update, self.get  # type: ignore[attr-defined]
        out = []
        for x in _hashable.hashable_batch(xs):
            update(x)
            out.append(get())
        return _hashable.values_array(out)


class Mode(_HashableMixin, base.Univariate):
    """Running mode.

    The mode is simply the most common value. An approximate mode can be computed by setting the
    number of first unique values to count. When several values are equally common, the mode is
    the one that was seen first. Values can be of any hashable type; each update costs O(1).

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
        self.k = k
        self.counts: dict[typing.Hashable, int] = {}
        # Ties go to the value seen first: `_rank` numbers the values in the order they were
        # first seen and `_keys` holds them (the first of equal values, e.g. 1 for 1.0), so the
        # mode is kept up to date in O(1) per update.
        self._rank: dict[typing.Hashable, int] = {}
        self._keys: list[typing.Hashable] = []
        self._mode = -1
        self._top = 0

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"k": -1}

    @property
    def name(self) -> str:
        return "mode"

    def update(self, x: typing.Hashable) -> None:
        counts = self.counts
        c = counts.get(x)  # raises TypeError for an unhashable value, before any change
        if c is None and type(x) in _NAN_TYPES and x != x:
            x = _NAN  # all NaNs are one value
            c = counts.get(x)
        if c is None:
            if self.k != -1 and len(counts) >= self.k:
                return
            c = 1
            self._rank[x] = len(self._keys)
            self._keys.append(x)
        else:
            c += 1
        counts[x] = c
        if c > self._top:
            self._top = c
            self._mode = self._rank[x]
        elif c == self._top:
            self._mode = min(self._mode, self._rank[x])

    def get(self) -> typing.Hashable:
        return self._keys[self._mode] if self._top else None

    def __add__(self, other: typing.Any) -> Mode:
        self._check_merge(other, "+")
        merged = copy.deepcopy(self)
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

    def _merge(self, other: Mode) -> None:
        """Become the mode of both streams: the counts add up, and the values the other saw
        first come after this one's in the order of first sight, as one statistic fed this
        stream, then the other, would hold."""
        counts, rank, keys = self.counts, self._rank, self._keys
        theirs = [(x, other.counts[x]) for x in other._keys]  # a copy: `other` may be `self`
        for x, c in theirs:
            mine = counts.get(x)
            if mine is None:
                rank[x] = len(keys)
                keys.append(x)
                counts[x] = c
            else:
                counts[x] = mine + c
        self._top = max(counts.values(), default=0)
        self._mode = min((rank[x] for x, c in counts.items() if c == self._top), default=-1)

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        self.__dict__.update(state)
        # A pickle does not keep the identity of floats: the NaN keys come back as new, distinct
        # objects, put back under the one NaN key.
        counts = _hashable.nan_keys_merged(self.counts)
        if counts is self.counts:
            return
        merged = len(counts) < len(self.counts)
        self.counts = counts
        self._rank = _hashable.nan_keys_merged(self._rank, min)
        self._keys = [_hashable.NAN if _hashable.is_nan(k) else k for k in self._keys]
        if merged:  # a state kept before all NaNs were one value: the mode may have changed
            self._top = max(counts.values())
            self._mode = min(self._rank[k] for k, c in counts.items() if c == self._top)


_ABSENT = object()


class RollingMode(_HashableMixin, base.RollingUnivariate):
    """Running mode over a window.

    The mode is the most common value of the last `window_size` values. When several values are
    equally common, the mode is the one that entered the window's counts first (a value that
    left the window entirely and came back counts as new), as in River.

    Each update costs O(log window_size), amortized: the values are grouped by count, and each
    group keeps a heap of the times its values entered the counts, so the mode is the oldest
    value of the largest group. Stale heap entries are dropped lazily and a heap is rebuilt when
    more than half of it is stale.

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
        self.window: collections.deque[typing.Hashable] = collections.deque(maxlen=window_size)
        self.counts: dict[typing.Hashable, int] = {}
        self._stamp: dict[typing.Hashable, int] = {}  # when each value entered `counts`
        self._by_stamp: dict[int, typing.Hashable] = {}
        self._heaps: dict[int, list[int]] = {}  # count -> heap of stamps (some stale)
        self._live: dict[int, int] = {}  # count -> how many values have that count
        self._top = 0
        self._clock = 0

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {"window_size": 3}
        yield {"window_size": 10}

    @property
    def window_size(self) -> int:
        return typing.cast(int, self.window.maxlen)

    def _push(self, count: int, stamp: int) -> None:
        heap = self._heaps.get(count)
        if heap is None:
            self._heaps[count] = [stamp]
            return
        heapq.heappush(heap, stamp)
        if len(heap) > 2 * self._live[count] + 16:
            heap[:] = sorted({s for s in heap if self._holds(count, s)})

    def _holds(self, count: int, stamp: int) -> bool:
        key = self._by_stamp.get(stamp, _ABSENT)
        return key is not _ABSENT and self.counts[key] == count

    def _leave(self, count: int) -> None:
        left = self._live[count] - 1
        if left:
            self._live[count] = left
        else:
            del self._live[count]
            del self._heaps[count]  # every entry left in it is stale
            if count == self._top:
                self._top = count - 1

    def update(self, x: typing.Hashable) -> None:
        counts = self.counts
        c = counts.get(x, 0)  # raises TypeError for an unhashable value, before any change
        if not c and type(x) in _NAN_TYPES and x != x:
            x = _NAN  # all NaNs are one value
            c = counts.get(x, 0)
        window = self.window
        if len(window) == window.maxlen:
            old = window[0]
            o = counts[old]
            self._leave(o)
            if o == 1:
                del counts[old]
                del self._by_stamp[self._stamp.pop(old)]
            else:
                counts[old] = o - 1
                self._live[o - 1] = self._live.get(o - 1, 0) + 1
                self._push(o - 1, self._stamp[old])
            c = counts.get(x, 0)  # `old` may have been `x`
        if c == 0:
            stamp = self._clock
            self._clock += 1
            counts[x] = 1
            self._stamp[x] = stamp
            self._by_stamp[stamp] = x
        else:
            self._leave(c)
            counts[x] = c + 1
            stamp = self._stamp[x]
        self._live[c + 1] = self._live.get(c + 1, 0) + 1
        self._push(c + 1, stamp)
        if c + 1 > self._top:
            self._top = c + 1
        window.append(x)

    def get(self) -> typing.Hashable:
        if not self._top:
            return None
        heap = self._heaps[self._top]
        while not self._holds(self._top, heap[0]):
            heapq.heappop(heap)
        return self._by_stamp[heap[0]]

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        self.__dict__.update(state)
        # A pickle does not keep the identity of floats: the NaN values come back as new,
        # distinct objects, put back as the one NaN key in the window and the counts.
        counts = _hashable.nan_keys_merged(self.counts)
        if counts is self.counts:
            return
        nan_key = _hashable.nan_key
        self.window = collections.deque((nan_key(v) for v in self.window), maxlen=self.window.maxlen)
        merged = len(counts) < len(self.counts)
        self.counts = counts
        self._stamp = _hashable.nan_keys_merged(self._stamp, min)
        if not merged:
            self._by_stamp = {s: nan_key(v) for s, v in self._by_stamp.items()}
            return
        # A state kept before all NaNs were one value: the groups by count are rebuilt.
        self._by_stamp = {s: v for v, s in self._stamp.items()}
        self._live = dict(collections.Counter(counts.values()))
        self._heaps = {}
        for v, c in counts.items():
            self._heaps.setdefault(c, []).append(self._stamp[v])
        for heap in self._heaps.values():
            heap.sort()
        self._top = max(counts.values())
