from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsIQR

__all__ = ["IQR"]


class IQR(RsIQR, base.Univariate):
    """Running interquartile range, estimated with two P² quantiles.

    The value is the `q_sup` quantile minus the `q_inf` quantile, each estimated as `Quantile`
    does. `get()` is None until the first value.

    Parameters
    ----------
    q_inf
        Desired inferior quantile, must be between 0 and 1. Defaults to `0.25`.
    q_sup
        Desired superior quantile, must be between 0 and 1 and larger than `q_inf`. Defaults
        to `0.75`.

    Examples
    --------

    >>> from river import stats

    >>> iqr = stats.IQR(q_inf=0.25, q_sup=0.75)

    >>> for i in range(0, 1001):
    ...     iqr.update(i)
    ...     if i % 100 == 0:
    ...         print(iqr.get())
    0.0
    50.0
    100.0
    150.0
    200.0
    250.0
    300.0
    350.0
    400.0
    450.0
    500.0

    >>> iqr.name
    'IQR_0.25_0.75'

    References
    ----------
    [^1]: [Jain, R. and Chlamtac, I., 1985. The P² algorithm for dynamic calculation of quantiles and histograms without storing observations. Communications of the ACM, 28(10), pp.1076-1085.](https://www.cse.wustl.edu/~jain/papers/ftp/psqr.pdf)
    [^2]: [Interquartile range on Wikipedia](https://en.wikipedia.org/wiki/Interquartile_range)

    """

    _no_merge = (
        "its P² markers summarise one stream and cannot be combined with another's; use "
        "stats.KLLQuantile, which merges with + and +=, and its quantile(q_sup) - quantile(q_inf)"
    )

    def __init__(self, q_inf: float = 0.25, q_sup: float = 0.75) -> None:
        pass

    @property
    def name(self) -> str:
        return f"{self.__class__.__name__}_{self.q_inf}_{self.q_sup}"

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"q_inf": 0.1, "q_sup": 0.9}
