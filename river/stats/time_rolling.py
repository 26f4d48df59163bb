"""Statistics over a window of time: exact quantiles, the IQR and extrema, computed in Rust.

Which events are in the window follows River's `utils.TimeRolling`: when an event's `t` is
later than every time seen before, it becomes the latest time and every event at or before
`t - period` leaves the window. An event whose `t` is not later than the latest time (a tie
or a late event) is added without removing anything, however old it is, and leaves at the
next update that moves the latest time forward. Events with equal times leave together.

`t` may be a number (then `period` is a number in the same unit), or a `datetime.datetime`
(naive or aware, not mixed), a `datetime.date` or a numpy `datetime64` (then `period` is a
`datetime.timedelta` or a numpy `timedelta64`). Dates and datetimes are converted exactly to
integer nanoseconds, so they must lie between the years 1677 and 2262.

These statistics take `update(x, t=...)`, so they are `stats.base.Statistic`s but not
`stats.base.Univariate`s, like River's `utils.TimeRolling`.
"""

from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import (
    RsTimeRollingAbsMax,
    RsTimeRollingIQR,
    RsTimeRollingMax,
    RsTimeRollingMin,
    RsTimeRollingPeakToPeak,
    RsTimeRollingQuantile,
)

__all__ = [
    "TimeRollingAbsMax",
    "TimeRollingIQR",
    "TimeRollingMax",
    "TimeRollingMin",
    "TimeRollingPeakToPeak",
    "TimeRollingQuantile",
]


class _TimeRolling(base.Statistic):
    """What the time-window statistics share: their `name`, and why they do not merge."""

    period: typing.Any  # a getter of the Rust class
    _no_merge = (
        "a time window holds the last period of one stream, taken in the order its events "
        "arrived (which decides where a late event goes), an order two merged streams do not "
        "have; for quantiles of whole streams, stats.KLLQuantile merges with + and +="
    )

    @property
    def name(self) -> str:
        return f"{self.__class__.__name__.lower()}_{self.period}"

    @classmethod
    def _unit_test_params(cls):
        yield {"period": 3}
        yield {"period": 0.5}


class TimeRollingQuantile(RsTimeRollingQuantile, _TimeRolling):
    """Exact quantile over a window of time.

    The value equals `numpy.quantile(values, q, method="linear")` over the values in the
    window, bit for bit (None when the window is empty). Each event costs O(log n), where n is
    the number of values in the window: the values are split in two indexed heaps at the
    quantile's rank, and an event leaving the window is deleted from the middle of its heap.
    Memory is proportional to n. Which events are in the window follows River's
    `utils.TimeRolling` (see the module's documentation): an event leaves once a later event
    arrives at least `period` after it.

    Parameters
    ----------
    q
        Which quantile to compute, between 0 and 1.
    period
        The length of the window: a `datetime.timedelta` (or numpy `timedelta64`) when the
        times are datetimes, dates or `datetime64`, a positive number when they are numbers.

    Examples
    --------

    The median latency of the last 5 minutes:

    >>> import datetime as dt
    >>> from river import stats

    >>> median = stats.TimeRollingQuantile(q=0.5, period=dt.timedelta(minutes=5))
    >>> start = dt.datetime(2024, 1, 1, 12, 0)
    >>> for minute, latency in enumerate([120, 80, 95, 300, 110, 90, 85, 100]):
    ...     median.update(latency, t=start + dt.timedelta(minutes=minute))
    ...     print(minute, median.get())
    0 120.0
    1 100.0
    2 95.0
    3 107.5
    4 110.0
    5 95.0
    6 95.0
    7 100.0

    Times may also be numbers, in the unit of `period`:

    >>> q75 = stats.TimeRollingQuantile(q=0.75, period=10)
    >>> for t, x in [(0, 1.0), (4, 3.0), (9, 2.0), (10, 8.0), (12, 5.0)]:
    ...     q75.update(x, t=t)
    >>> q75.get(), len(q75)
    (5.75, 4)

    References
    ----------
    [^1]: [numpy.quantile](https://numpy.org/doc/stable/reference/generated/numpy.quantile.html)
    [^2]: [Hyndman, R.J. and Fan, Y., 1996. Sample quantiles in statistical packages. The American Statistician, 50(4), pp.361-365.](https://www.jstor.org/stable/2684934)
    [^3]: [River's TimeRolling](https://riverml.xyz/latest/api/utils/TimeRolling/)

    """

    def __init__(self, q: float, period) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {"q": 0.5, "period": 3}
        yield {"q": 0.0, "period": 1}
        yield {"q": 0.9, "period": 0.5}


class TimeRollingIQR(RsTimeRollingIQR, _TimeRolling):
    """Exact interquartile range over a window of time.

    The value is `numpy.quantile(values, q_sup) - numpy.quantile(values, q_inf)` (linear
    method, bit for bit) over the values in the window, None when it is empty. O(log n) per
    event, memory proportional to n. The window follows River's `utils.TimeRolling` (see
    `TimeRollingQuantile`). Like River's `RollingIQR(window_size, q_inf, q_sup)`, the window
    comes first.

    Parameters
    ----------
    period
        The length of the window: a `datetime.timedelta` (or numpy `timedelta64`), or a
        positive number when the times are numbers.
    q_inf
        Desired inferior quantile, between 0 and 1.
    q_sup
        Desired superior quantile, between 0 and 1, larger than `q_inf`.

    Examples
    --------

    >>> from river import stats

    >>> iqr = stats.TimeRollingIQR(period=3, q_inf=0.25, q_sup=0.75)
    >>> for t, x in enumerate([1, 5, 2, 8, 3, 9]):
    ...     iqr.update(x, t=t)
    ...     print(iqr.get())
    0.0
    2.0
    2.0
    3.0
    3.0
    3.0

    References
    ----------
    [^1]: [Interquartile range](https://en.wikipedia.org/wiki/Interquartile_range)
    [^2]: [River's TimeRolling](https://riverml.xyz/latest/api/utils/TimeRolling/)

    """

    def __init__(self, period, q_inf: float = 0.25, q_sup: float = 0.75) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {"period": 3}
        yield {"period": 0.5, "q_inf": 0.1, "q_sup": 0.9}


class TimeRollingMax(RsTimeRollingMax, _TimeRolling):
    """Max over a window of time.

    A monotonic deque of the events that can still become the max: amortised O(1) per event
    when events arrive in time order (a late event is placed by binary search). None when the
    window is empty. The window follows River's `utils.TimeRolling` (see
    `TimeRollingQuantile`).

    Parameters
    ----------
    period
        The length of the window: a `datetime.timedelta` (or numpy `timedelta64`), or a
        positive number when the times are numbers.

    Examples
    --------

    >>> from river import stats

    >>> rmax = stats.TimeRollingMax(period=2)
    >>> for t, x in enumerate([1, 4, 2, 1, 3]):
    ...     rmax.update(x, t=t)
    ...     print(rmax.get())
    1.0
    4.0
    4.0
    2.0
    3.0

    References
    ----------
    [^1]: [River's TimeRolling](https://riverml.xyz/latest/api/utils/TimeRolling/)

    """

    def __init__(self, period) -> None:
        pass


class TimeRollingMin(RsTimeRollingMin, _TimeRolling):
    """Min over a window of time.

    A monotonic deque, amortised O(1) per in-order event; None when the window is empty. The
    window follows River's `utils.TimeRolling` (see `TimeRollingQuantile`).

    Parameters
    ----------
    period
        The length of the window: a `datetime.timedelta` (or numpy `timedelta64`), or a
        positive number when the times are numbers.

    Examples
    --------

    >>> from river import stats

    >>> rmin = stats.TimeRollingMin(period=2)
    >>> for t, x in enumerate([3, 1, 2, 4, 0]):
    ...     rmin.update(x, t=t)
    ...     print(rmin.get())
    3.0
    1.0
    1.0
    2.0
    0.0

    References
    ----------
    [^1]: [River's TimeRolling](https://riverml.xyz/latest/api/utils/TimeRolling/)

    """

    def __init__(self, period) -> None:
        pass


class TimeRollingAbsMax(RsTimeRollingAbsMax, _TimeRolling):
    """Largest absolute value over a window of time.

    A monotonic deque, amortised O(1) per in-order event; None when the window is empty. The
    window follows River's `utils.TimeRolling` (see `TimeRollingQuantile`).

    Parameters
    ----------
    period
        The length of the window: a `datetime.timedelta` (or numpy `timedelta64`), or a
        positive number when the times are numbers.

    Examples
    --------

    >>> from river import stats

    >>> rabs = stats.TimeRollingAbsMax(period=2)
    >>> for t, x in enumerate([1, -4, 2, 1, -3]):
    ...     rabs.update(x, t=t)
    ...     print(rabs.get())
    1.0
    4.0
    4.0
    2.0
    3.0

    References
    ----------
    [^1]: [River's TimeRolling](https://riverml.xyz/latest/api/utils/TimeRolling/)

    """

    def __init__(self, period) -> None:
        pass


class TimeRollingPeakToPeak(RsTimeRollingPeakToPeak, _TimeRolling):
    """Peak to peak (max minus min) over a window of time.

    Two monotonic deques, amortised O(1) per in-order event; None when the window is empty.
    The window follows River's `utils.TimeRolling` (see `TimeRollingQuantile`).

    Parameters
    ----------
    period
        The length of the window: a `datetime.timedelta` (or numpy `timedelta64`), or a
        positive number when the times are numbers.

    Examples
    --------

    >>> from river import stats

    >>> ptp = stats.TimeRollingPeakToPeak(period=2)
    >>> for t, x in enumerate([1, -4, 3, -2, 2]):
    ...     ptp.update(x, t=t)
    ...     print(ptp.get())
    0.0
    5.0
    7.0
    5.0
    4.0

    References
    ----------
    [^1]: [Range (statistics)](https://en.wikipedia.org/wiki/Range_(statistics))
    [^2]: [River's TimeRolling](https://riverml.xyz/latest/api/utils/TimeRolling/)

    """

    def __init__(self, period) -> None:
        pass
