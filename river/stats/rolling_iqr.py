from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsRollingIQR

__all__ = ["RollingIQR"]


class RollingIQR(RsRollingIQR, base.RollingUnivariate):
    """Exact rolling interquartile range.

    The value is `numpy.quantile(window, q_sup) - numpy.quantile(window, q_inf)` (linear
    method) over the last `min(n, window_size)` values. One window serves both quantiles.

    Parameters
    ----------
    window_size
        Size of the window, at least 1.
    q_inf
        Desired inferior quantile, must be between 0 and 1. Defaults to `0.25`.
    q_sup
        Desired superior quantile, must be between 0 and 1 and larger than `q_inf`.
        Defaults to `0.75`.

    Examples
    --------

    >>> from river import stats
    >>> rolling_iqr = stats.RollingIQR(
    ...     q_inf=0.25,
    ...     q_sup=0.75,
    ...     window_size=101
    ... )

    >>> for i in range(0, 1001):
    ...     rolling_iqr.update(i)
    ...     if i % 100 == 0:
    ...         print(rolling_iqr.get())
    0.0
    50.0
    50.0
    50.0
    50.0
    50.0
    50.0
    50.0
    50.0
    50.0
    50.0

    References
    ----------
    [^1]: [Interquartile range](https://en.wikipedia.org/wiki/Interquartile_range)

    """

    _no_merge = (
        "a rolling statistic holds the last window_size values of one stream, and two "
        "streams have no order between them to say which values are the last; for "
        "quantiles of whole streams, stats.KLLQuantile merges with + and +="
    )

    def __init__(self, window_size: int, q_inf: float = 0.25, q_sup: float = 0.75) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {"window_size": 10}
        yield {"window_size": 2, "q_inf": 0.1, "q_sup": 0.9}
