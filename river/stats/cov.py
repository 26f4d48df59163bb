from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsCov

__all__ = ["Cov"]


class Cov(RsCov, base.Bivariate):
    """Running covariance, optionally weighted.

    The value is the sum of co-deviations divided by `n - ddof`, where `n` is the sum of
    weights, and 0.0 until `n > ddof`; it equals `numpy.cov(x, y, ddof=ddof)[0, 1]` for every
    `ddof`. `revert(x, y, w)` undoes an update, so the class works with `utils.Rolling`.
    Covariances merge with `+` and unmerge with `-` (Chan et al.).

    Parameters
    ----------
    ddof
        Delta Degrees of Freedom.

    Examples
    --------

    >>> from river import stats

    >>> x = [-2.1, -1, 4.3]
    >>> y = [3, 1.1, 0.12]

    >>> cov = stats.Cov()
    >>> for xi, yi in zip(x, y):
    ...     cov.update(xi, yi)
    ...     print(cov.get())
    0.0
    -1.045
    -4.286

    >>> cov.revert(4.3, 0.12)
    >>> cov.get()
    -1.045

    The same, as two merged halves:

    >>> a, b = stats.Cov(), stats.Cov()
    >>> a.update_many(x[:1], y[:1])
    >>> b.update_many(x[1:], y[1:])
    >>> (a + b).get()
    -4.286

    References
    ----------
    [^1]: [Wikipedia article on algorithms for calculating variance](https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Covariance)
    [^2]: Schubert, E. and Gertz, M., 2018, July. Numerically stable parallel computation of
    (co-)variance. In Proceedings of the 30th International Conference on Scientific and
    Statistical Database Management (pp. 1-12).

    """

    def __init__(self, ddof: int = 1) -> None:
        pass

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"ddof": 0}
