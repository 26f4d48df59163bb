from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsQuantile

__all__ = ["Quantile"]


class Quantile(RsQuantile, base.Univariate):
    """Running quantile, estimated with the P² algorithm.

    The P² ("piecewise-parabolic") algorithm keeps five markers whose heights move towards the
    minimum, the `q/2`, `q` and `(1 + q)/2` quantiles and the maximum, so memory and time per
    update are constant. While fewer than six values have been seen the value is the order
    statistic at index `min(n - 1, floor(n * q))` of the sorted values. `get()` is None until
    the first value. NaN is refused with ValueError.

    Parameters
    ----------
    q
        Determines which quantile to compute, must be strictly between 0 and 1.

    Examples
    --------

    >>> from river import stats
    >>> import numpy as np

    >>> np.random.seed(42 * 1337)
    >>> s = np.random.normal(0, 1, 500)

    >>> median = stats.Quantile(0.5)
    >>> for x in s:
    ...    median.update(x)
    >>> print(f'The estimated value of the 50th (median) quantile is {median.get():.4f}')
    The estimated value of the 50th (median) quantile is -0.0275

    >>> print(f'The real value of the 50th (median) quantile is {np.median(s):.4f}')
    The real value of the 50th (median) quantile is -0.0135

    >>> percentile_17 = stats.Quantile(0.17)
    >>> percentile_17.update_many(s)
    >>> print(f'The estimated value of the 17th quantile is {percentile_17.get():.4f}')
    The estimated value of the 17th quantile is -0.8652

    >>> print(f'The real value of the 17th quantile is {np.percentile(s, 17):.4f}')
    The real value of the 17th quantile is -0.9072

    The first five values are kept exactly:

    >>> q99 = stats.Quantile(0.99)
    >>> q99
    Quantile: None
    >>> print(', '.join(f'{v:.6f}'.rstrip('0').rstrip('.') for v in q99.accumulate([5, 0, 0, 0, 0, 0, 0, 0])))
    5, 5, 5, 5, 5, 0, 0.277778, 0.827546

    References
    ----------
    [^1]: [Jain, R. and Chlamtac, I., 1985. The P² algorithm for dynamic calculation of quantiles and histograms without storing observations. Communications of the ACM, 28(10), pp.1076-1085.](https://www.cse.wustl.edu/~jain/papers/ftp/psqr.pdf)
    [^2]: [LiveStats](https://github.com/cxxr/LiveStats)
    [^3]: [P² quantile estimator: estimating the median without storing values](https://aakinshin.net/posts/p2-quantile-estimator/)

    """

    _no_merge = (
        "the five P² markers summarise one stream and cannot be combined with another's; "
        "use stats.KLLQuantile, a quantile sketch that merges with + and +="
    )

    def __init__(self, q: float = 0.5) -> None:
        # The state lives in Rust and was built (and checked) by RsQuantile.__new__.
        pass

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"q": 0.17}
