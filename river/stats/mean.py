from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsMean

__all__ = ["Mean"]


class Mean(RsMean, base.Univariate):
    """Running mean, optionally weighted.

    `update(x, w)` adds `x` with weight `w`; `revert(x, w)` takes it out again. Two means
    merge with `+` (and `+=`) into the mean of both streams, and `-` (and `-=`) takes a
    merged stream back out, following Chan et al.; `a + b` leaves `a` and `b` unchanged.

    Attributes
    ----------
    n : float
        The current sum of weights: the number of values seen when every weight is 1.

    Examples
    --------

    >>> from river import stats

    >>> mean = stats.Mean()
    >>> for x in [-4, -2, 0, 2, 4, 6]:
    ...     mean.update(x)
    ...     print(mean.get())
    -4.0
    -3.0
    -2.0
    -1.0
    0.0
    1.0

    Weights count as repetitions, and a revert undoes an update:

    >>> mean = stats.Mean()
    >>> mean.update(1, w=3)
    >>> mean.update(5)
    >>> mean.get(), mean.n
    (2.0, 4.0)
    >>> mean.revert(5)
    >>> mean.get()
    1.0

    Means of separate streams merge into the mean of both:

    >>> a, b = stats.Mean(), stats.Mean()
    >>> a.update_many([1, 2, 3])
    >>> b.update_many([10, 20])
    >>> (a + b).get()
    7.2
    >>> ((a + b) - b).get()
    2.0

    References
    ----------
    [^1]: [West, D. H. D. (1979). Updating mean and variance estimates: An improved method. Communications of the ACM, 22(9), 532-535.](https://dl.acm.org/doi/10.1145/359146.359153)
    [^2]: [Finch, T., 2009. Incremental calculation of weighted mean and variance. University of Cambridge, 4(11-5), pp.41-42.](https://fanf2.user.srcf.net/hermes/doc/antiforgery/stats.pdf)
    [^3]: [Chan, T.F., Golub, G.H. and LeVeque, R.J., 1983. Algorithms for computing the sample variance: Analysis and recommendations. The American Statistician, 37(3), pp.242-247.](https://amstat.tandfonline.com/doi/abs/10.1080/00031305.1983.10483115)

    """

    def __init__(self) -> None:
        # The state lives in Rust and was built by RsMean.__new__.
        pass

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
