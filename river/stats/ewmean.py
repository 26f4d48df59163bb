from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsEWMean

__all__ = ["EWMean"]


class EWMean(RsEWMean, base.Univariate):
    """Exponentially weighted mean.

    The first value seeds the mean; every later value `x` moves it to
    `fading_factor * x + (1 - fading_factor) * mean`. A mean that happens to reach exactly 0
    is not re-seeded.

    Parameters
    ----------
    fading_factor
        The closer `fading_factor` is to 1 the more the statistic will adapt to recent values.
        Must lie in [0, 1].

    Examples
    --------

    >>> from river import stats

    >>> X = [1, 3, 5, 4, 6, 8, 7, 9, 11]
    >>> ewm = stats.EWMean(fading_factor=0.5)
    >>> for x in X:
    ...     ewm.update(x)
    ...     print(ewm.get())
    1.0
    2.0
    3.5
    3.75
    4.875
    6.4375
    6.71875
    7.859375
    9.4296875

    The same, over a whole array at once:

    >>> stats.EWMean(0.5).accumulate(X)[-3:].tolist()
    [6.71875, 7.859375, 9.4296875]

    References
    ----------
    [^1]: [Finch, T., 2009. Incremental calculation of weighted mean and variance. University of Cambridge, 4(11-5), pp.41-42.](https://fanf2.user.srcf.net/hermes/doc/antiforgery/stats.pdf)
    [^2]: [Exponential Moving Average on Streaming Data](https://dev.to/nestedsoftware/exponential-moving-average-on-streaming-data-4hhl)

    """

    _no_merge = (
        "exponential weights depend on the order of the values (the newest weigh most), "
        "and two streams have no order between them"
    )

    def __init__(self, fading_factor: float = 0.5) -> None:
        # The state lives in Rust and was built (and checked) by RsEWMean.__new__.
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {"fading_factor": 0.5}
        yield {"fading_factor": 0.1}

    @property
    def name(self) -> str:
        return f"ewm_{self.fading_factor}"
