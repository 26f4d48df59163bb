from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsRollingPeakToPeak

__all__ = ["RollingPeakToPeak"]


class RollingPeakToPeak(RsRollingPeakToPeak, base.RollingUnivariate):
    """Running peak to peak (max - min) over a window.

    Two monotonic deques (one for the max, one for the min): amortised O(1) per update. The
    value is None until the first update.

    Parameters
    ----------
    window_size
        Size of the rolling window, at least 1.

    Examples
    --------

    >>> from river import stats

    >>> X = [1, -4, 3, -2, 2, 1]
    >>> ptp = stats.RollingPeakToPeak(window_size=2)
    >>> for x in X:
    ...     ptp.update(x)
    ...     print(ptp.get())
    0.0
    5.0
    7.0
    5.0
    4.0
    1.0

    References
    ----------
    [^1]: [Range (statistics)](https://en.wikipedia.org/wiki/Range_(statistics))

    """

    def __init__(self, window_size: int) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {"window_size": 3}
        yield {"window_size": 1}
