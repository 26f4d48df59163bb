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

    Statistics fed different streams merge with `+` (Pébay's pairwise formulas), and `-` takes
    a merged stream back out. The inverse is exact algebra but not always well conditioned: the
    moments left over carry the rounding of the whole stream's, so the skewness after a `-` is
    off by up to about n * 2e-13 * κ^1.5 relative, where n counts the values of the whole and κ
    is how many times the whole's sum of squared deviations exceeds that of what is left
    (about 1e-11 for two similar streams of a few dozen values; 1e-16 * n * κ^1.5 is typical).
    What is left with a spread within rounding of zero is given the value of a constant stream.

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

    >>> first, second = stats.Skew(), stats.Skew()
    >>> first.update_many(X[:6]); second.update_many(X[6:])
    >>> both = first + second
    >>> abs(both.get() - skew.get()) < 1e-12
    True
    >>> bool(abs((both - second).get() - stats.Skew().accumulate(X[:6])[-1]) < 1e-12)
    True

    References
    ----------
    [^1]: [Wikipedia article on algorithms for calculating variance](https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Higher-order_statistics)
    [^2]: [scipy.stats.skew](https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.skew.html)

    """

    def __init__(self, bias: bool = False) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {}
        yield {"bias": True}
