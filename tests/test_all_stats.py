"""One test per name in river.stats.__all__: construction, repr before any update, name,
pickle/deepcopy/clone round trips mid-stream, and update_many/accumulate against the loop."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from river import stats

# name: (constructor kwargs, repr before any update, name or None for bivariates, input kind)
CATALOGUE: dict[str, tuple[dict, str, str | None, str]] = {
    "AbsMax": ({}, "AbsMax: 0.", "absmax", "num"),
    "AutoCorr": ({"lag": 2}, "AutoCorr: 0.", "autocorr_2", "num"),
    "BayesianMean": ({"prior": 0.5, "prior_weight": 10.0}, "BayesianMean: 0.5", "bayes_mean", "num"),
    "Count": ({}, "Count: 0.", "count", "num"),
    "Cov": ({}, "Cov: 0.", None, "biv_num"),
    "ChiSquared": ({}, "ChiSquared: 0.", "chi_squared", "biv_hash"),
    "Entropy": ({}, "Entropy: 0.", "entropy", "hash"),
    "EWCov": ({"fading_factor": 0.5}, "EWCov: 0.", "ewcov_0.5", "biv_num"),
    "EWMean": ({"fading_factor": 0.5}, "EWMean: 0.", "ewm_0.5", "num"),
    "EWVar": ({"fading_factor": 0.5}, "EWVar: 0.", "ewv_0.5", "num"),
    "IQR": ({}, "IQR: None", "IQR_0.25_0.75", "num"),
    "KolmogorovSmirnov": ({}, "KolmogorovSmirnov: 0.", None, "biv_num"),
    "Kurtosis": ({}, "Kurtosis: -3.", "kurtosis", "num"),
    "MAD": ({}, "MAD: None", "mad", "num"),
    "Max": ({}, "Max: -inf", "max", "num"),
    "Mean": ({}, "Mean: 0.", "mean", "num"),
    "Min": ({}, "Min: inf", "min", "num"),
    "Mode": ({}, "Mode: None", "mode", "hash"),
    "PeakToPeak": ({}, "PeakToPeak: 0.", "ptp", "num"),
    "PearsonCorr": ({}, "PearsonCorr: 0.", None, "biv_num"),
    "Quantile": ({}, "Quantile: None", "quantile", "num"),
    "RollingAbsMax": ({"window_size": 7}, "RollingAbsMax: None", "rollingabsmax_7", "num"),
    "RollingIQR": ({"window_size": 7}, "RollingIQR: None", "rollingiqr_7", "num"),
    "RollingMax": ({"window_size": 7}, "RollingMax: None", "rollingmax_7", "num"),
    "RollingMin": ({"window_size": 7}, "RollingMin: None", "rollingmin_7", "num"),
    "RollingMode": ({"window_size": 7}, "RollingMode: None", "rollingmode_7", "hash"),
    "RollingPeakToPeak": ({"window_size": 7}, "RollingPeakToPeak: None", "rollingpeaktopeak_7", "num"),
    "RollingQuantile": ({"q": 0.5, "window_size": 7}, "RollingQuantile: None", "rollingquantile_7", "num"),
    "SEM": ({}, "SEM: None", "sem", "num"),
    "Shift": ({"amount": 1}, "Shift: None", "shift_1", "num"),
    "Skew": ({}, "Skew: 0.", "skew", "num"),
    "Sum": ({}, "Sum: 0.", "sum", "num"),
    "Var": ({}, "Var: 0.", "var", "num"),
}

# Ours, beyond River's 35 names: statistics over a window of time. They take `update(x, t=...)`,
# so they are not Univariates; tests/test_time_rolling.py covers them, the pickle fixtures too.
# name: (constructor kwargs, repr before any update, name)
TIMED: dict[str, tuple[dict, str, str]] = {
    "TimeRollingAbsMax": ({"period": 5}, "TimeRollingAbsMax: None", "timerollingabsmax_5"),
    "TimeRollingIQR": ({"period": 5}, "TimeRollingIQR: None", "timerollingiqr_5"),
    "TimeRollingMax": ({"period": 5}, "TimeRollingMax: None", "timerollingmax_5"),
    "TimeRollingMin": ({"period": 5}, "TimeRollingMin: None", "timerollingmin_5"),
    "TimeRollingPeakToPeak": ({"period": 5}, "TimeRollingPeakToPeak: None", "timerollingpeaktopeak_5"),
    "TimeRollingQuantile": ({"q": 0.5, "period": 5}, "TimeRollingQuantile: None", "timerollingquantile_5"),
}

NAMES = sorted(name for name in stats.__all__ if name not in ("base", "Link") and name not in TIMED)


def feed(kind: str, n: int, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    if kind == "num":
        return rng.normal(0, 3, n).round(3).tolist()
    if kind == "hash":
        return [f"v{k}" for k in rng.integers(0, 5, n)]
    if kind == "biv_num":
        return list(zip(rng.normal(0, 3, n).tolist(), rng.normal(1, 2, n).tolist(), strict=True))
    if kind == "biv_hash":
        return list(zip(rng.integers(0, 3, n).tolist(), rng.integers(0, 4, n).tolist(), strict=True))
    raise ValueError(kind)


def push(stat, kind: str, item) -> None:
    if kind.startswith("biv"):
        stat.update(*item)
    else:
        stat.update(item)


def value(stat):
    v = stat.get()
    return ("nan",) if isinstance(v, float) and v != v else v


def test_every_public_name_is_catalogued():
    assert set(NAMES) == set(CATALOGUE), set(NAMES) ^ set(CATALOGUE)
    # River 0.26.1's stats.__all__ has 35 entries: the 33 above, Link and the base module;
    # ours adds the time-window statistics listed in TIMED.
    assert set(stats.__all__) == set(CATALOGUE) | {"Link", "base"} | set(TIMED)
    assert len(stats.__all__) == 35 + len(TIMED)


@pytest.mark.parametrize("name", NAMES)
def test_construct_repr_name(name):
    kwargs, empty_repr, expected_name, kind = CATALOGUE[name]
    stat = getattr(stats, name)(**kwargs)
    assert repr(stat) == empty_repr and str(stat) == empty_repr
    if expected_name is not None:
        assert stat.name == expected_name
    assert isinstance(stat, stats.base.Bivariate if kind.startswith("biv") else stats.base.Univariate)
    assert stat._get_params() == kwargs or set(kwargs) <= set(stat._get_params())


@pytest.mark.parametrize("name", NAMES)
def test_pickle_deepcopy_clone_mid_stream(name):
    kwargs, empty_repr, _, kind = CATALOGUE[name]
    cls = getattr(stats, name)
    data = feed(kind, 120)
    stat = cls(**kwargs)
    for item in data[:60]:
        push(stat, kind, item)
    copies = [pickle.loads(pickle.dumps(stat)), copy.deepcopy(stat)]
    assert all(type(c) is cls for c in copies)
    fresh = stat.clone()
    assert type(fresh) is cls and repr(fresh) == empty_repr
    for item in data[60:]:
        push(stat, kind, item)
        for c in copies:
            push(c, kind, item)
            assert value(c) == value(stat)


# Bivariates take update_many(X, Y); their families test it.
UNIVARIATE_NAMES = [name for name in NAMES if not CATALOGUE[name][3].startswith("biv")]


@pytest.mark.parametrize("name", UNIVARIATE_NAMES)
def test_update_many_and_accumulate_equal_the_loop(name):
    kwargs, _, _, kind = CATALOGUE[name]
    cls = getattr(stats, name)
    data = feed(kind, 200, seed=1)
    looped, values = cls(**kwargs), []
    for x in data:
        looped.update(x)
        v = looped.get()
        values.append(np.nan if v is None else v)
    many = cls(**kwargs)
    many.update_many(data)
    assert value(many) == value(looped)
    acc = cls(**kwargs).accumulate(data)
    assert isinstance(acc, np.ndarray) and len(acc) == len(data)
    if acc.dtype == object:
        assert acc.tolist() == values
    else:
        np.testing.assert_array_equal(acc, np.asarray(values, dtype=float))


def public_classes():
    from river import base, utils

    out = [getattr(stats, n) for n in stats.__all__ if n != "base"]
    out += [getattr(utils, n) for n in utils.__all__] + [base.Base]
    out += [getattr(stats.base, n) for n in stats.base.__all__]
    return [pytest.param(cls, id=cls.__qualname__) for cls in out]


@pytest.mark.parametrize("cls", public_classes())
def test_every_public_class_documents_parameters_examples_and_references(cls):
    doc = cls.__doc__ or ""
    assert ">>>" in doc, "no runnable example"
    assert "References" in doc, "no References section"
    init = cls.__init__
    takes_params = init is not object.__init__ and len(__import__("inspect").signature(init).parameters) > 1
    if takes_params:
        assert "Parameters" in doc, "no Parameters section"
