"""clone(include_attributes=True) keeps a fitted statistic's state, including what lives in Rust."""

from __future__ import annotations

import inspect
import pickle

import pytest

from river import stats

XS = [0.3, -1.2, 2.5, 0.7, 4.1, -0.5, 1.9, 3.3, 0.0, -2.2]
HASHABLE = (stats.Mode, stats.RollingMode, stats.Entropy, stats.ChiSquared)


def feed(stat, xs):
    for t, x in enumerate(xs):
        if not isinstance(stat, (stats.base.Univariate, stats.base.Bivariate)):
            stat.update(x, t=t)  # a time window: update(x, t=...)
        elif isinstance(stat, stats.ChiSquared):
            stat.update(round(x), round(2 * x))
        elif isinstance(stat, stats.base.Bivariate):
            stat.update(x, x * x)
        else:
            stat.update(round(x) if isinstance(stat, HASHABLE) else x)


CASES = [
    pytest.param(cls, params, id=f"{name}-{i}")
    for name in stats.__all__
    if inspect.isclass(cls := getattr(stats, name)) and not inspect.isabstract(cls) and name != "Link"
    for i, params in enumerate(cls._unit_test_params())
]


@pytest.mark.parametrize(("cls", "params"), CASES)
def test_clone_with_attributes_keeps_the_fitted_state(cls, params):
    stat = cls(**params)
    feed(stat, XS[:6])
    copy = stat.clone(include_attributes=True)
    assert pickle.dumps(copy) == pickle.dumps(stat)
    assert repr(copy.get()) == repr(stat.get())
    before = pickle.dumps(stat)
    feed(copy, XS[6:])
    assert pickle.dumps(stat) == before
    feed(stat, XS[6:])
    assert pickle.dumps(copy) == pickle.dumps(stat)


def test_new_parameters_apply_to_the_fitted_data_or_are_refused():
    var = stats.Var()
    feed(var, XS)
    population = stats.Var(ddof=0)
    feed(population, XS)
    assert var.clone({"ddof": 0}, include_attributes=True).get() == population.get()
    rq = stats.RollingQuantile(q=0.5, window_size=4)
    feed(rq, XS)
    with pytest.raises(ValueError, match="RollingQuantile .* new window_size: use clone"):
        rq.clone({"window_size": 5}, include_attributes=True)
    link = stats.Mean() | stats.EWMean(0.5)
    feed(link, XS)
    assert link.clone(include_attributes=True).left.get() == link.left.get()
