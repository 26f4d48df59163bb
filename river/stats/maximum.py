from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsAbsMax, RsMax, RsRollingAbsMax, RsRollingMax

__all__ = ["AbsMax", "Max", "RollingAbsMax", "RollingMax"]


class Max(RsMax, base.Univariate):
    """Running max.

    The value is -inf until the first update.

    Attributes
    ----------
    max : float
        The current max.

    Examples
    --------

    >>> from river import stats

    >>> X = [1, -4, 3, -2, 5, -6]
    >>> maximum = stats.Max()
    >>> maximum
    Max: -inf
    >>> for x in X:
    ...     maximum.update(x)
    ...     print(maximum.get())
    1.0
    1.0
    3.0
    3.0
    5.0
    5.0

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
    def max(self) -> float:
        return self.get()


class AbsMax(RsAbsMax, base.Univariate):
    """Running absolute max.

    The value is 0.0 until the first update.

    Attributes
    ----------
    abs_max : float
        The current absolute max.

    Examples
    --------

    >>> from river import stats

    >>> X = [1, -4, 3, -2, 5, -6]
    >>> abs_max = stats.AbsMax()
    >>> for x in X:
    ...     abs_max.update(x)
    ...     print(abs_max.get())
    1.0
    4.0
    4.0
    4.0
    5.0
    6.0

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
    def abs_max(self) -> float:
        return self.get()


class RollingMax(RsRollingMax, base.RollingUnivariate):
    """Running max over a window.

    A monotonic deque keeps the values of the window that can still become the max, so
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
    >>> rolling_max = stats.RollingMax(window_size=2)
    >>> for x in X:
    ...     rolling_max.update(x)
    ...     print(rolling_max.get())
    1.0
    1.0
    3.0
    3.0
    2.0
    2.0

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


class RollingAbsMax(RsRollingAbsMax, base.RollingUnivariate):
    """Running absolute max over a window.

    A monotonic deque of absolute values: amortised O(1) per update. The value is None until
    the first update.

    Parameters
    ----------
    window_size
        Size of the rolling window, at least 1.

    Examples
    --------

    >>> from river import stats

    >>> X = [1, -4, 3, -2, 2, 1]
    >>> rolling_absmax = stats.RollingAbsMax(window_size=2)
    >>> for x in X:
    ...     rolling_absmax.update(x)
    ...     print(rolling_absmax.get())
    1.0
    4.0
    4.0
    3.0
    2.0
    2.0

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
