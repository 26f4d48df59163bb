from __future__ import annotations

from river.stats import base
from river.stats._rust_stats import RsBayesianMean

__all__ = ["BayesianMean"]


class BayesianMean(RsBayesianMean, base.Univariate):
    """Estimates a mean using outside information.

    The value is `(mean * n + prior * prior_weight) / (n + prior_weight)`: the prior counts as
    `prior_weight` observations of value `prior`. Before any update it is the prior.

    Parameters
    ----------
    prior
        The prior mean, a finite number.
    prior_weight
        How many observations the prior is worth, a finite number >= 0.

    Examples
    --------

    >>> from river import stats

    >>> bayes_mean = stats.BayesianMean(prior=0.5, prior_weight=2)
    >>> bayes_mean
    BayesianMean: 0.5
    >>> for x in [1, 1, 0, 1]:
    ...     bayes_mean.update(x)
    ...     print(round(bayes_mean.get(), 6))
    0.666667
    0.75
    0.6
    0.666667

    >>> bayes_mean.revert(1)
    >>> bayes_mean.get()
    0.6

    References
    ----------
    [^1]: [Additive smoothing](https://en.wikipedia.org/wiki/Additive_smoothing)
    [^2]: [Bayesian average](https://en.wikipedia.org/wiki/Bayesian_average)
    [^3]: [Practical example of Bayes estimators](https://en.wikipedia.org/wiki/Bayes_estimator#Practical_example_of_Bayes_estimators)

    """

    def __init__(self, prior: float, prior_weight: float) -> None:
        pass

    @property
    def name(self) -> str:
        return "bayes_mean"

    @classmethod
    def _unit_test_params(cls):
        yield {"prior": 0.5, "prior_weight": 2.0}
        yield {"prior": -3.0, "prior_weight": 0.0}
