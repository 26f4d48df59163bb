from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsSum

__all__ = ["Sum"]


class Sum(RsSum, base.Univariate):
    """Running sum, which can be reverted (so it works inside `utils.Rolling`).

    Attributes
    ----------
    sum : float
        The running sum.

    Examples
    --------

    >>> from river import stats

    >>> X = [-5, -3, -1, 1, 3, 5]
    >>> total = stats.Sum()
    >>> for x in X:
    ...     total.update(x)
    ...     print(total.get())
    -5.0
    -8.0
    -9.0
    -8.0
    -5.0
    0.0

    >>> total.revert(5)
    >>> total
    Sum: -5.

    References
    ----------
    [^1]: [Summation](https://en.wikipedia.org/wiki/Summation)

    """

    def __init__(self) -> None:
        pass

    @property
    def sum(self) -> float:
        return self.get()
