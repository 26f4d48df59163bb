from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsPearsonCorr

__all__ = ["PearsonCorr"]


class PearsonCorr(RsPearsonCorr, base.Bivariate):
    """Running Pearson correlation coefficient.

    The value equals `scipy.stats.pearsonr(x, y)` and is 0.0 while either variable has a
    variance of 0 (or `n <= ddof`). `revert(x, y)` undoes an update, so the class works with
    `utils.Rolling`.

    Parameters
    ----------
    ddof
        Delta Degrees of Freedom. It cancels out of the coefficient; it only decides how many
        values are needed before the value stops being 0.

    Examples
    --------

    >>> from river import stats

    >>> x = [0, 0, 0, 1, 1, 1, 1]
    >>> y = [0, 1, 2, 3, 4, 5, 6]

    >>> pearson = stats.PearsonCorr()
    >>> for xi, yi in zip(x, y):
    ...     pearson.update(xi, yi)
    ...     print(pearson.get())
    0.0
    0.0
    0.0
    0.774596
    0.866025
    0.878310
    0.866025

    References
    ----------
    [^1]: [Wikipedia article on the Pearson correlation coefficient](https://en.wikipedia.org/wiki/Pearson_correlation_coefficient)

    """

    def __init__(self, ddof: int = 1) -> None:
        pass

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
