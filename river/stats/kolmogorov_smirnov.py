from __future__ import annotations

import math
import typing

from river.stats import base
from river.stats._rust_stats import RsKolmogorovSmirnov

__all__ = ["KolmogorovSmirnov"]


class KolmogorovSmirnov(RsKolmogorovSmirnov, base.Bivariate):
    r"""Incremental Kolmogorov-Smirnov statistic between two samples.

    `update(x, y)` adds `x` to the first sample and `y` to the second, and `revert(x, y)`
    removes them, so both samples always hold `n_samples` values and the statistic can follow
    two sliding windows (see `river.utils.Rolling`). With $F_x$ and $F_y$ the empirical
    distribution functions of the two samples, `get()` returns

    $$D = \sup_v |F_x(v) - F_y(v)|$$

    for `statistic="ks"`, the value of `scipy.stats.ks_2samp(xs, ys).statistic`, and Kuiper's

    $$V = \sup_v (F_x(v) - F_y(v)) + \sup_v (F_y(v) - F_x(v))$$

    for `statistic="kuiper"`; 0.0 while the samples are empty. The distinct values sit in a
    treap (a randomized search tree, Aragon and Seidel) that keeps the largest and smallest
    running difference of the two counts, so updates and reverts cost O(log n) and `get()`
    O(1).

    Values shared by the two samples are counted where both distribution functions have
    jumped, as `scipy.stats.ks_2samp` does (River 0.26.1 also reads the difference between
    the two jumps, which gives 1.0 for two identical samples). Reverting a value that is not
    in its sample raises ValueError and changes nothing.

    Parameters
    ----------
    statistic
        The distance to compute, "ks" (Kolmogorov-Smirnov) or "kuiper".

    Examples
    --------

    >>> from river import stats

    >>> stream_a = [1, 1, 2, 2, 3, 3, 4, 4]
    >>> stream_b = [1, 1, 1, 1, 2, 2, 2, 2]

    >>> incremental_ks = stats.KolmogorovSmirnov(statistic="ks")
    >>> for a, b in zip(stream_a, stream_b):
    ...     incremental_ks.update(a, b)

    >>> incremental_ks
    KolmogorovSmirnov: 0.5

    >>> incremental_ks.n_samples
    8

    Over sliding windows of 3 pairs, reverting the oldest pair:

    >>> window_ks = stats.KolmogorovSmirnov(statistic="kuiper")
    >>> pairs = list(zip(stream_a, stream_b))
    >>> for i, (a, b) in enumerate(pairs):
    ...     if i >= 3:
    ...         window_ks.revert(*pairs[i - 3])
    ...     window_ks.update(a, b)
    >>> window_ks.get()  # [3, 4, 4] against [2, 2, 2]
    1.0

    References
    ----------
    [^1]: dos Reis, D.M. et al. (2016) 'Fast unsupervised online drift detection using incremental Kolmogorov-Smirnov test', Proceedings of the 22nd ACM SIGKDD International Conference on Knowledge Discovery and Data Mining. doi:10.1145/2939672.2939836.
    [^2]: C. R. Aragon and R. G. Seidel. Randomized search trees. In FOCS, pages 540–545. IEEE, 1989.
    [^3]: Kuiper, N. H. (1960). "Tests concerning random points on a circle". Proceedings of the Koninklijke Nederlandse Akademie van Wetenschappen, Series A. 63: 38–47.
    [^4]: [scipy.stats.ks_2samp](https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.ks_2samp.html)

    """

    def __init__(self, statistic: str = "ks") -> None:
        pass

    @staticmethod
    def _ca(p_value: float) -> float:
        return math.sqrt(-0.5 * math.log(p_value))

    def _test_ks_threshold(self, ca: float) -> bool:
        """Whether the two samples differ at the level whose coefficient is `ca` (True rejects
        the hypothesis that they follow the same distribution)."""
        return self.get() > ca * math.sqrt(2 * self.n_samples / self.n_samples**2)

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"statistic": "kuiper"}
