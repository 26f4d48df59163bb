from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsEWVar

__all__ = ["EWVar"]


class EWVar(RsEWVar, base.Univariate):
    """Exponentially weighted variance.

    The value is `E[x²] - E[x]²`, both expectations exponentially weighted means with the
    same `fading_factor` (see `stats.EWMean`). The first value seeds both means; a mean that
    happens to reach exactly 0 is not re-seeded.

    Parameters
    ----------
    fading_factor
        The closer `fading_factor` is to 1 the more the statistic will adapt to recent values.
        Must lie in [0, 1].

    Examples
    --------

    >>> from river import stats

    >>> X = [1, 3, 5, 4, 6, 8, 7, 9, 11]
    >>> ewv = stats.EWVar(fading_factor=0.5)
    >>> for x in X:
    ...     ewv.update(x)
    ...     print(ewv.get())
    0.0
    1.0
    2.75
    1.4375
    1.984375
    3.43359375
    1.7958984375
    2.198974609375
    3.56536865234375

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
        return f"ewv_{self.fading_factor}"

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"fading_factor": 0.1}
