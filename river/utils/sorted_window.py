from __future__ import annotations

import bisect
import collections
import typing

__all__ = ["SortedWindow"]


class SortedWindow(collections.UserList):
    """Sorted running window data structure.

    A list of the last `size` values appended, kept sorted. Each `append` finds the oldest value
    and the new one by binary search, then moves the elements in between (a C `memmove`): O(log
    size) comparisons plus O(size) bytes moved. NaN is refused, as it cannot be kept sorted.

    Parameters
    ----------
    size
        Size of the window, at least 1.

    Examples
    --------

    >>> from river import utils

    >>> window = utils.SortedWindow(size=3)

    >>> for i in reversed(range(9)):
    ...     window.append(i)
    ...     print(window)
    [8]
    [7, 8]
    [6, 7, 8]
    [5, 6, 7]
    [4, 5, 6]
    [3, 4, 5]
    [2, 3, 4]
    [1, 2, 3]
    [0, 1, 2]
    >>> window.size, window[0], len(window)
    (3, 0, 3)

    References
    ----------
    [^1]: [Left sorted inserts in Python](https://stackoverflow.com/questions/8024571/insert-an-item-into-sorted-list-in-python)

    """

    def __init__(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"size must be an int, got {type(size).__name__}")
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        super().__init__()
        self.unsorted_window: collections.deque[typing.Any] = collections.deque(maxlen=size)

    @property
    def size(self) -> int:
        return typing.cast(int, self.unsorted_window.maxlen)

    def append(self, item: typing.Any) -> None:
        if item != item:
            raise ValueError("cannot append NaN to a SortedWindow: it cannot be kept sorted")
        data = self.data
        i = bisect.bisect_left(data, item)  # fails on an incomparable item, before any change
        if len(data) >= self.size:
            j = bisect.bisect_left(data, self.unsorted_window[0])
            del data[j]
            if j < i:
                i -= 1
        data.insert(i, item)
        self.unsorted_window.append(item)

    def extend(self, other: typing.Iterable) -> None:
        for item in other:
            self.append(item)
