from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsSkew

__all__ = ["Skew"]


class Skew(RsSkew, base.Univariate):
    """Running skewness (Fisher-Pearson coefficient).

    The third and second central moments are kept with Welford-style updates. With
    `bias=False` the value for n > 2 is corrected for statistical bias, as
    `scipy.stats.skew(x, bias=False)`. It is 0.0 until the stream has some spread (scipy
    answers NaN for a constant stream).

    Parameters
    ----------
    bias
        If `False`, then the calculations are corrected for statistical bias.

    Examples
    --------

    >>> from river import stats
    >>> import numpy as np

    >>> np.random.seed(42)
    >>> X = np.random.normal(loc=0, scale=1, size=10)

    >>> skew = stats.Skew(bias=False)
    >>> for x in X:
    ...     skew.update(x)
    ...     print(round(skew.get(), 10))
    0.0
    0.0
    -1.4802398133
    0.5127437187
    0.7803466511
    1.0561156289
    0.5057840774
    0.34784024
    0.4536710661
    0.4123070197

    >>> round(float(stats.Skew(bias=True).accumulate(X)[-1]), 10)
    0.3476878074

    References
    ----------
    [^1]: [Wikipedia article on algorithms for calculating variance](https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Higher-order_statistics)
    [^2]: [scipy.stats.skew](https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.skew.html)

    """

    _no_unmerge = (
        "moments recovered by subtraction keep the rounding of the larger stream, and the "
        "ratio of moments can turn it into any value when what is left is nearly constant"
    )

    def __init__(self, bias: bool = False) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {}
        yield {"bias": True}
