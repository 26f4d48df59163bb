from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsVar
from river.stats.mean import Mean

__all__ = ["Var"]


class Var(RsVar, base.Univariate):
    """Running variance, optionally weighted, with West's (1979) update.

    The value is the sum of squared deviations divided by `n - ddof`, where `n` is the sum of
    weights, and 0.0 until `n > ddof`. It equals `numpy.var(values, ddof=ddof)` and, with
    weights, `numpy.average((values - mean)**2, weights=w) * sum(w) / (sum(w) - ddof)`.
    Variances merge with `+` and unmerge with `-` (Chan et al.).

    Parameters
    ----------
    ddof
        Delta Degrees of Freedom. The divisor used in calculations is `n - ddof`, where `n`
        represents the sum of weights (the number of values when every weight is 1).

    Attributes
    ----------
    mean : stats.Mean
        The running mean of the same values (a snapshot: updating it leaves the variance as
        it is).

    Examples
    --------

    >>> from river import stats

    >>> var = stats.Var()
    >>> for x in [2, 4, 3, 6, 9, 11]:
    ...     var.update(x)
    ...     print(var.get())
    0.0
    2.0
    1.0
    2.916666
    7.7
    12.56666

    >>> var.n, var.mean.get()
    (6.0, 5.833333)

    Two variances merge into the variance of both streams:

    >>> a, b = stats.Var(), stats.Var()
    >>> a.update_many([2, 4, 3])
    >>> b.update_many([6, 9, 11])
    >>> (a + b).get()
    12.56666
    >>> ((a + b) - b).get()
    1.0

    References
    ----------
    [^1]: [Wikipedia article on algorithms for calculating variance](https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance)
    [^2]: [Chan, T.F., Golub, G.H. and LeVeque, R.J., 1983. Algorithms for computing the sample variance: Analysis and recommendations. The American Statistician, 37(3), pp.242-247.](https://amstat.tandfonline.com/doi/abs/10.1080/00031305.1983.10483115)
    [^3]: [West, D. H. D. (1979). Updating mean and variance estimates: An improved method. Communications of the ACM, 22(9), 532-535.](https://dl.acm.org/doi/10.1145/359146.359153)

    """

    def __init__(self, ddof: int = 1) -> None:
        # The state lives in Rust and was built (and checked) by RsVar.__new__.
        pass

    @property
    def mean(self) -> Mean:  # type: ignore[override]
        return self._mean_as(Mean)

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"ddof": 0}
