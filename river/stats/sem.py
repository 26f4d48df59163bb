from __future__ import annotations

from river.stats._rust_stats import RsSEM
from river.stats.var import Var

__all__ = ["SEM"]


class SEM(RsSEM, Var):
    """Running standard error of the mean, `sqrt(var / n)`.

    `var` is the running variance of `stats.Var` with the same `ddof` and `n` the sum of
    weights. The value is None until the first update. A SEM has everything a `Var` has:
    weights, `revert`, `+ - += -=`, `n` and `mean`.

    Parameters
    ----------
    ddof
        Delta Degrees of Freedom. The divisor used in calculations is `n - ddof`, where `n`
        represents the sum of weights (the number of values when every weight is 1).

    Examples
    --------

    >>> from river import stats

    >>> sem = stats.SEM()
    >>> sem.get() is None
    True
    >>> for x in [2, 4, 3, 6, 9, 11]:
    ...     sem.update(x)
    ...     print(sem.get())
    0.0
    1.0
    0.577350
    0.853912
    1.240967
    1.447219

    References
    ----------
    [^1]: [Wikipedia article on the standard error](https://en.wikipedia.org/wiki/Standard_error)
    [^2]: [Wikipedia article on algorithms for calculating variance](https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance)

    """

    def __init__(self, ddof: int = 1) -> None:
        pass
