from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsEWCov

__all__ = ["EWCov"]


class EWCov(RsEWCov, base.Bivariate):
    """Exponentially weighted covariance.

    The value is `E[xy] - E[x]E[y]`, each expectation an exponentially weighted mean with the
    same `fading_factor` (see `stats.EWMean`), all seeded by the first pair.

    Parameters
    ----------
    fading_factor
        The closer `fading_factor` is to 1 the more the statistic will adapt to recent values.
        Must lie in [0, 1].

    Examples
    --------

    >>> from river import stats

    >>> x = [1, 3, 5, 4]
    >>> y = [2, 4, 3, 6]

    >>> ewcov = stats.EWCov(fading_factor=0.5)
    >>> for xi, yi in zip(x, y):
    ...     ewcov.update(xi, yi)
    ...     print(ewcov.get())
    0.0
    1.0
    0.5
    0.625

    >>> ewcov.name
    'ewcov_0.5'

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
        pass

    @property
    def name(self) -> str:
        return f"ewcov_{self.fading_factor}"

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"fading_factor": 0.1}
