from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsMin, RsRollingMin

__all__ = ["Min", "RollingMin"]


class Min(RsMin, base.Univariate):
    """Running min.

    The value is inf until the first update.

    Attributes
    ----------
    min : float
        The current min.

    Examples
    --------

    >>> from river import stats

    >>> X = [1, -4, 3, -2, 5, -6]
    >>> minimum = stats.Min()
    >>> minimum
    Min: inf
    >>> for x in X:
    ...     minimum.update(x)
    ...     print(minimum.get())
    1.0
    -4.0
    -4.0
    -4.0
    -4.0
    -6.0

    References
    ----------
    [^1]: [Sample maximum and minimum](https://en.wikipedia.org/wiki/Sample_maximum_and_minimum)

    """

    _no_unmerge = (
        "an extremum cannot be taken back out: the values the other stream's extremum hid are not kept"
    )

    def __init__(self) -> None:
        pass

    @property
    def min(self) -> float:
        return self.get()


class RollingMin(RsRollingMin, base.RollingUnivariate):
    """Running min over a window.

    A monotonic deque keeps the values of the window that can still become the min, so
    each update costs amortised O(1) whatever the window size. The value is None until the
    first update.

    Parameters
    ----------
    window_size
        Size of the rolling window, at least 1.

    Examples
    --------

    >>> from river import stats

    >>> X = [1, -4, 3, -2, 2, 1]
    >>> rolling_min = stats.RollingMin(window_size=2)
    >>> for x in X:
    ...     rolling_min.update(x)
    ...     print(rolling_min.get())
    1.0
    -4.0
    -4.0
    -2.0
    -2.0
    1.0

    References
    ----------
    [^1]: [Sliding window minimum, the ascending minima algorithm](https://web.archive.org/web/20120805114719/http://home.tiac.net/~cri/2001/slidingmin.html)

    """

    def __init__(self, window_size: int) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {"window_size": 3}
        yield {"window_size": 1}
