from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsPeakToPeak

__all__ = ["PeakToPeak"]


class PeakToPeak(RsPeakToPeak, base.Univariate):
    """Running peak to peak (max - min).

    The value is 0.0 until the first update.

    Examples
    --------

    >>> from river import stats

    >>> X = [1, -4, 3, -2, 2, 4]
    >>> ptp = stats.PeakToPeak()
    >>> for x in X:
    ...     ptp.update(x)
    ...     print(ptp.get())
    0.0
    5.0
    7.0
    7.0
    7.0
    8.0

    References
    ----------
    [^1]: [Range (statistics)](https://en.wikipedia.org/wiki/Range_(statistics))

    """

    _no_unmerge = (
        "an extremum cannot be taken back out: the values the other stream's extremum hid are not kept"
    )

    def __init__(self) -> None:
        pass

    @property
    def name(self) -> str:
        return "ptp"
