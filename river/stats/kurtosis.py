from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsKurtosis

__all__ = ["Kurtosis"]


class Kurtosis(RsKurtosis, base.Univariate):
    """Running kurtosis (Fisher's definition: 0.0 for a normal distribution).

    The fourth and second central moments are kept with Welford-style updates. The value is
    -3.0 until there are two distinct values; with `bias=False` it is corrected for
    statistical bias once n > 3, as `scipy.stats.kurtosis(x, bias=False)`.

    Statistics fed different streams merge with `+` (Pébay's pairwise formulas), and `-` takes
    a merged stream back out. The inverse is exact algebra but not always well conditioned: the
    moments left over carry the rounding of the whole stream's, so the kurtosis after a `-` is
    off by up to about n * 2e-13 * κ^2 relative, where n counts the values of the whole and κ
    is how many times the whole's sum of squared deviations exceeds that of what is left
    (about 1e-11 for two similar streams of a few dozen values; 1e-16 * n * κ^2 is typical).
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

    >>> kurtosis = stats.Kurtosis(bias=False)
    >>> for x in X:
    ...     kurtosis.update(x)
    ...     print(round(kurtosis.get(), 10))
    -3.0
    -2.0
    -1.5
    1.4130027921
    0.1536797659
    0.4614263325
    -1.6206477892
    -1.3540178492
    -1.2310268787
    -0.9490372374

    >>> round(float(stats.Kurtosis(bias=True).accumulate(X)[-1]), 10)
    -1.0822836899

    >>> first, second = stats.Kurtosis(), stats.Kurtosis()
    >>> first.update_many(X[:6]); second.update_many(X[6:])
    >>> both = first + second
    >>> abs(both.get() - kurtosis.get()) < 1e-12
    True
    >>> bool(abs((both - second).get() - stats.Kurtosis().accumulate(X[:6])[-1]) < 1e-12)
    True

    References
    ----------
    [^1]: [Wikipedia article on algorithms for calculating variance](https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Higher-order_statistics)
    [^2]: [scipy.stats.kurtosis](https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.kurtosis.html)

    """

    def __init__(self, bias: bool = False) -> None:
        pass

    @classmethod
    def _unit_test_params(cls):
        yield {}
        yield {"bias": True}
