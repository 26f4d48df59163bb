from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsAutoCorr

__all__ = ["AutoCorr"]


class AutoCorr(RsAutoCorr, base.Univariate):
    """Measures the serial correlation.

    This is the Pearson correlation (ddof=1) between each value and the value seen `lag`
    steps before it. The first pair is formed once `lag + 1` values have been seen; the value
    is 0.0 until then, and while either series has no spread.

    Parameters
    ----------
    lag
        The number of steps between the two values of a pair, at least 1.

    Examples
    --------

    The following examples are taken from the [pandas documentation](https://pandas.pydata.org/pandas-docs/stable/reference/api/pandas.Series.autocorr.html).

    >>> from river import stats

    >>> auto_corr = stats.AutoCorr(lag=1)
    >>> for x in [0.25, 0.5, 0.2, -0.05]:
    ...     auto_corr.update(x)
    ...     print(round(auto_corr.get(), 6))
    0.0
    0.0
    -1.0
    0.103553

    >>> auto_corr = stats.AutoCorr(lag=2)
    >>> for x in [0.25, 0.5, 0.2, -0.05]:
    ...     auto_corr.update(x)
    ...     print(round(auto_corr.get(), 6))
    0.0
    0.0
    0.0
    -1.0

    >>> auto_corr = stats.AutoCorr(lag=1)
    >>> auto_corr.accumulate([1, 0, 0, 0]).tolist()
    [0.0, 0.0, 0.0, 0.0]
    >>> auto_corr.name
    'autocorr_1'

    References
    ----------
    [^1]: [Autocorrelation](https://en.wikipedia.org/wiki/Autocorrelation)
    [^2]: [pandas.Series.autocorr](https://pandas.pydata.org/docs/reference/api/pandas.Series.autocorr.html)

    """

    _no_merge = (
        "it pairs each value with the one `lag` updates before it, and the pairs that "
        "would straddle two streams are unknown"
    )

    def __init__(self, lag: int) -> None:
        pass

    @property
    def name(self) -> str:
        return f"autocorr_{self.lag}"

    @classmethod
    def _unit_test_params(cls):
        yield {"lag": 1}
        yield {"lag": 3}
