from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsRollingQuantile

__all__ = ["RollingQuantile"]


class RollingQuantile(RsRollingQuantile, base.RollingUnivariate):
    """Exact running quantile over a window.

    The value equals `numpy.quantile(window, q, method="linear")` over the last
    `min(n, window_size)` values, bit for bit, including while the window fills. Each update
    costs O(log window_size): the window is split in two heaps at the quantile's rank.

    Parameters
    ----------
    q
        Determines which quantile to compute, must be comprised between 0 and 1.
    window_size
        Size of the window, at least 1.

    Examples
    --------

    >>> from river import stats

    >>> rolling_quantile = stats.RollingQuantile(q=.5, window_size=101)

    >>> for i in range(1001):
    ...     rolling_quantile.update(i)
    ...     if i % 100 == 0:
    ...         print(rolling_quantile.get())
    0.0
    50.0
    150.0
    250.0
    350.0
    450.0
    550.0
    650.0
    750.0
    850.0
    950.0

    References
    ----------
    [^1]: [numpy.quantile](https://numpy.org/doc/stable/reference/generated/numpy.quantile.html)
    [^2]: [Hyndman, R.J. and Fan, Y., 1996. Sample quantiles in statistical packages. The American Statistician, 50(4), pp.361-365.](https://www.jstor.org/stable/2684934)

    """

    _no_merge = (
        "a rolling statistic holds the last window_size values of one stream, and two "
        "streams have no order between them to say which values are the last; for "
        "quantiles of whole streams, stats.KLLQuantile merges with + and +="
    )

    def __init__(self, q: float, window_size: int) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {"q": 0.5, "window_size": 10}
        yield {"q": 0.0, "window_size": 1}
        yield {"q": 0.9, "window_size": 3}
