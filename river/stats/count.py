from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsCount

__all__ = ["Count"]


class Count(RsCount, base.Univariate):
    """A simple counter of updates.

    `update(x=None)` counts one call whatever `x` is (numbers, None, strings...), and `get()`
    returns an int. `update_many(xs)` counts the items of any iterable.

    Attributes
    ----------
    n : int
        The current number of observations.

    Examples
    --------

    >>> from river import stats

    >>> count = stats.Count()
    >>> count.get()
    0
    >>> for x in [1.5, None, "a"]:
    ...     count.update(x)
    >>> count.update()
    >>> count.get(), count.n
    (4, 4)
    >>> count
    Count: 4.

    References
    ----------
    [^1]: [River's Count](https://riverml.xyz/latest/api/stats/Count/)

    """

    def __init__(self) -> None:
        pass
