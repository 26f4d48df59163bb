"""`clone` over the whole catalogue, and over the `river.utils` rolling wrappers.

- `clone()` gives a fresh statistic with the same parameters: equal to a new instance.
- `clone(include_attributes=True)` keeps the fitted state: same pickle, same value, the same
  values after the same further updates, and the two are independent.
- `clone(new_params, include_attributes=True)`: a parameter that only affects reading
  (ddof, bias, prior, statistic) or only future updates (fading_factor) gives the new
  parameters over the fitted data; on a Rust-backed class, a parameter that shapes the state
  (window_size, q, q_inf, q_sup, lag) cannot be changed under fitted data and raises ValueError
  naming it. The Python-only classes follow River's rule: a new instance from the new
  parameters, then every attribute that is not a parameter deep-copied from the original.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import inspect
import pickle

import numpy as np
import pytest
import scipy.stats
from catalogue import (
    BY_NAME,
    CANCELLATION_ABS,
    CANCELLATION_REL,
    ORACLE_ABS,
    ORACLE_REL,
    cases,
    close,
    entries,
    exact,
    fed,
    feed,
    push,
    snapshot,
)

from river import utils

# --- clone() -----------------------------------------------------------------------------------


@pytest.mark.parametrize("entry, params", cases())
def test_clone_is_fresh_with_the_same_params(entry, params):
    stat = fed(entry, feed(entry.kind, 40, seed=1), params)
    before = snapshot(stat)
    clone = stat.clone()
    fresh = entry.make(params)
    assert type(clone) is entry.cls
    assert clone._get_params() == stat._get_params()
    assert exact(clone.get()) == exact(fresh.get())
    assert repr(clone) == repr(fresh)
    assert pickle.dumps(clone) == pickle.dumps(fresh)
    assert snapshot(stat) == before


# --- clone(include_attributes=True) ------------------------------------------------------------


@pytest.mark.parametrize("entry, params", cases())
@pytest.mark.parametrize("n", [1, 40])
def test_clone_with_attributes_keeps_the_fitted_state(entry, params, n):
    items = feed(entry.kind, n + 30, seed=2)
    stat = fed(entry, items[:n], params)
    before = snapshot(stat)
    clone = stat.clone(include_attributes=True)
    assert snapshot(stat) == before
    assert type(clone) is entry.cls
    assert clone._get_params() == stat._get_params()
    assert pickle.dumps(clone) == pickle.dumps(stat)
    assert exact(clone.get()) == exact(stat.get())
    # Independent: updating the clone leaves the original as it was...
    values = []
    for item in items[n:]:
        push(clone, entry, item)
        values.append(exact(clone.get()))
    assert snapshot(stat) == before
    # ...and the original, given the same updates, gives the same values.
    for item, want in zip(items[n:], values, strict=True):
        push(stat, entry, item)
        assert exact(stat.get()) == want


def test_var_clone_with_attributes_example():
    var = BY_NAME["Var"].make()
    for x in [1.0, 2.0, 4.0]:
        var.update(x)
    assert close(var.clone(include_attributes=True).get(), np.var([1, 2, 4], ddof=1), ORACLE_REL)


# --- clone(new_params, include_attributes=True) ------------------------------------------------


def pearson(items):
    xs, ys = np.transpose(items)
    return scipy.stats.pearsonr(xs, ys).statistic


def kolmogorov_smirnov(items, statistic):
    """The largest gap between the two ECDFs ("ks"), or the sum of the largest gaps each way
    ("kuiper"), by brute force over the pooled values."""
    xs, ys = (np.sort(v) for v in np.transpose(items))
    pooled = np.concatenate([xs, ys])
    d = np.searchsorted(xs, pooled, side="right") / len(xs) - np.searchsorted(ys, pooled, side="right") / len(
        ys
    )
    return np.abs(d).max() if statistic == "ks" else max(d.max(), 0) - min(d.min(), 0)


# Parameters that only change how the fitted data is read: (class, old params, new params, the
# value over the fitted data with the new params, from an independent oracle).
def exclusive_quantile(q):
    """DataSketches' exclusive rule on an exact (not yet compacted) sketch: the item at floor(q n)."""
    return lambda v: float(np.sort(v)[min(int(q * len(v)), len(v) - 1)])


READING = [
    # q is read at get(); a new seed draws the coin flips of later compactions (30 and 50
    # values stay below k=200, so both sketches are exact).
    ("KLLQuantile", {"q": 0.5}, {"q": 0.9}, exclusive_quantile(0.9)),
    ("KLLQuantile", {"seed": 1}, {"seed": 2}, exclusive_quantile(0.5)),
    ("Var", {"ddof": 1}, {"ddof": 0}, lambda v: np.var(v, ddof=0)),
    ("Var", {"ddof": 0}, {"ddof": 2}, lambda v: np.var(v, ddof=2)),
    ("SEM", {"ddof": 1}, {"ddof": 0}, lambda v: scipy.stats.sem(v, ddof=0)),
    ("Cov", {"ddof": 1}, {"ddof": 0}, lambda v: np.cov(np.transpose(v), ddof=0)[0, 1]),
    ("PearsonCorr", {"ddof": 1}, {"ddof": 0}, pearson),
    ("Skew", {"bias": False}, {"bias": True}, lambda v: scipy.stats.skew(v, bias=True)),
    ("Kurtosis", {"bias": True}, {"bias": False}, lambda v: scipy.stats.kurtosis(v, bias=False)),
    (
        "BayesianMean",
        {"prior": 0.5, "prior_weight": 10.0},
        {"prior": -2.0, "prior_weight": 3.0},
        lambda v: (np.sum(v) + -2.0 * 3.0) / (len(v) + 3.0),
    ),
    (
        "KolmogorovSmirnov",
        {"statistic": "ks"},
        {"statistic": "kuiper"},
        lambda v: kolmogorov_smirnov(v, "kuiper"),
    ),
    (
        "KolmogorovSmirnov",
        {"statistic": "kuiper"},
        {"statistic": "ks"},
        lambda v: kolmogorov_smirnov(v, "ks"),
    ),
]


@pytest.mark.parametrize(
    "name, params, new, oracle", [pytest.param(*row, id=f"{row[0]}-{row[2]}") for row in READING]
)
def test_clone_with_a_new_reading_param_reads_the_fitted_data(name, params, new, oracle):
    entry = BY_NAME[name]
    items = feed(entry.kind, 50, seed=3)
    stat = fed(entry, items[:30], params)
    before = snapshot(stat)
    clone = stat.clone(new, include_attributes=True)
    assert snapshot(stat) == before
    assert type(clone) is entry.cls and clone._get_params() == {**stat._get_params(), **new}
    assert close(clone.get(), oracle(items[:30]), ORACLE_REL, ORACLE_ABS), (clone.get(), oracle(items[:30]))
    # The same, to rounding, as a statistic built with the new parameters and fed everything.
    built = fed(entry, items[:30], {**params, **new})
    for item in items[30:]:
        push(clone, entry, item)
        push(built, entry, item)
        assert close(clone.get(), built.get(), ORACLE_REL, ORACLE_ABS)
    assert snapshot(stat) == before


def test_var_clone_with_a_new_ddof_example():
    var = BY_NAME["Var"].make({"ddof": 1})
    for x in [1.0, 2.0, 4.0]:
        var.update(x)
    clone = var.clone({"ddof": 0}, include_attributes=True)
    assert clone.ddof == 0 and close(clone.get(), np.var([1, 2, 4], ddof=0), ORACLE_REL)
    assert close(var.get(), np.var([1, 2, 4], ddof=1), ORACLE_REL)


def exponentially_weighted(items, fading_factors, bivariate):
    """EWMean, EWVar and EWCov by their definition, with the fading factor of each step:
    exponentially weighted means of x, x², y and xy, each seeded by its first value."""
    means = None
    out = []
    for (x, y), a in zip(items if bivariate else [(x, 0.0) for x in items], fading_factors, strict=True):
        now = np.array([x, x * x, y, x * y])
        means = now if means is None else a * now + (1 - a) * means
        mx, mxx, my, mxy = means
        out.append({"EWMean": mx, "EWVar": mxx - mx * mx, "EWCov": mxy - mx * my})
    return out


@pytest.mark.parametrize("name", ["EWMean", "EWVar", "EWCov"])
def test_clone_with_a_new_fading_factor_fades_the_fitted_data_from_then_on(name):
    entry = BY_NAME[name]
    items = feed(entry.kind, 40, seed=4)
    old, new = {"fading_factor": 0.5}, {"fading_factor": 0.1}
    stat = fed(entry, items[:25], old)
    before = snapshot(stat)
    clone = stat.clone(new, include_attributes=True)
    assert snapshot(stat) == before
    assert type(clone) is entry.cls and clone._get_params() == new
    want = exponentially_weighted(items, [0.5] * 25 + [0.1] * 15, entry.bivariate)
    assert close(clone.get(), want[24][name], CANCELLATION_REL, CANCELLATION_ABS)
    for i in range(25, 40):
        push(clone, entry, items[i])
        assert close(clone.get(), want[i][name], CANCELLATION_REL, CANCELLATION_ABS), i
    assert snapshot(stat) == before


# Parameters that shape the state of a Rust-backed class: a window, the rank(s) a quantile
# sketch tracks, a lag. Changing them under fitted data is refused.
SHAPING = [
    ("KLLQuantile", {"k": 100}),
    ("AutoCorr", {"lag": 5}),
    ("Quantile", {"q": 0.9}),
    ("IQR", {"q_inf": 0.1}),
    ("IQR", {"q_sup": 0.9}),
    ("RollingQuantile", {"q": 0.9}),
    ("RollingQuantile", {"window_size": 3}),
    ("RollingIQR", {"window_size": 3}),
    ("RollingIQR", {"q_inf": 0.1}),
    ("RollingIQR", {"q_sup": 0.9}),
    ("RollingMax", {"window_size": 3}),
    ("RollingMin", {"window_size": 3}),
    ("RollingAbsMax", {"window_size": 3}),
    ("RollingPeakToPeak", {"window_size": 3}),
]


@pytest.mark.parametrize("name, new", [pytest.param(n, p, id=f"{n}-{p}") for n, p in SHAPING])
def test_clone_with_attributes_refuses_a_new_param_that_shapes_the_state(name, new):
    entry = BY_NAME[name]
    stat = fed(entry, feed(entry.kind, 20, seed=5))
    before = snapshot(stat)
    (param,) = new
    with pytest.raises(ValueError, match=param):
        stat.clone(new, include_attributes=True)
    assert snapshot(stat) == before
    # Without the fitted data, any parameter may change.
    fresh = stat.clone(new)
    assert fresh._get_params() == {**stat._get_params(), **new}
    assert exact(fresh.get()) == exact(entry.make({**entry.params, **new}).get())


def test_every_param_of_a_rust_backed_class_is_covered():
    """Each constructor parameter of a Rust-backed class is in READING, the fading factors or
    SHAPING, so a new parameter cannot go untested by the clone suite."""
    covered = {(n, p) for n, _, new, _ in READING for p in new} | {(n, p) for n, new in SHAPING for p in new}
    covered |= {(n, "fading_factor") for n in ("EWMean", "EWVar", "EWCov")}
    declared = {(e.name, p) for e in entries(rust=True) for p in inspect.signature(e.cls).parameters}
    assert declared == covered, (declared - covered, covered - declared)


# The Python-only classes (River's own rule): (class, new params).
PYTHON_ONLY = [
    ("Mode", {"k": 3}),
    ("Entropy", {"fading_factor": 0.5}),
    ("Entropy", {"eps": 1e-6}),
    ("Shift", {"fill_value": 9.0}),
]


@pytest.mark.parametrize("name, new", [pytest.param(n, p, id=f"{n}-{p}") for n, p in PYTHON_ONLY])
def test_python_only_clone_with_new_params_copies_every_other_attribute(name, new):
    entry = BY_NAME[name]
    assert not entry.rust
    stat = fed(entry, feed(entry.kind, 30, seed=6))
    before = snapshot(stat)
    clone = stat.clone(new, include_attributes=True)
    assert snapshot(stat) == before
    params = stat._get_params()
    assert clone._get_params() == {**params, **new}
    want = vars(entry.make({**params, **new}))
    want.update({k: v for k, v in vars(stat).items() if k not in params})
    assert vars(clone) == want
    assert exact(clone.get()) == exact(stat.get())
    for k, v in vars(clone).items():
        if k not in params and isinstance(v, (list, dict, set, collections.deque)):
            assert v is not vars(stat)[k], k  # deep-copied, not shared


def test_python_only_classes_are_those_of_the_catalogue():
    assert {n for n, _ in PYTHON_ONLY} | {"RollingMode", "ChiSquared"} == {
        e.name for e in entries(rust=False)
    }


# --- the rolling wrappers -------------------------------------------------------------------------

START = dt.datetime(2024, 1, 1)


def rolling(entry, params):
    return utils.Rolling(entry.cls, window_size=3, **params)


def time_rolling(entry, params):
    return utils.TimeRolling(entry.cls, period=dt.timedelta(seconds=3), **params)


def push_wrapped(wrapper, entry, i, item):
    if isinstance(wrapper, utils.TimeRolling):
        push(wrapper, entry, item, t=START + dt.timedelta(seconds=i))
    else:
        push(wrapper, entry, item)


@pytest.mark.parametrize("wrap", [rolling, time_rolling], ids=["Rolling", "TimeRolling"])
@pytest.mark.parametrize("entry, params", cases(reverts=lambda r: r is not None))
def test_rolling_wrappers_clone_fresh(wrap, entry, params):
    wrapper = wrap(entry, params)
    for i, item in enumerate(feed(entry.kind, 10, seed=7)):
        push_wrapped(wrapper, entry, i, item)
    before = (copy.deepcopy(wrapper._get_params()), pickle.dumps(wrapper))
    clone = wrapper.clone()
    fresh = wrap(entry, params)
    assert type(clone) is type(wrapper)
    assert clone._get_params() == wrapper._get_params()
    assert exact(clone.get()) == exact(fresh.get())
    assert pickle.dumps(clone) == pickle.dumps(fresh)
    assert (wrapper._get_params(), pickle.dumps(wrapper)) == before
    # The clone works on its own and the original is not affected.
    for i, item in enumerate(feed(entry.kind, 5, seed=8)):
        push_wrapped(clone, entry, i, item)
        push_wrapped(fresh, entry, i, item)
        assert exact(clone.get()) == exact(fresh.get())
    assert pickle.dumps(wrapper) == before[1]
