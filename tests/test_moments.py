"""Mean, Var, SEM, Cov, PearsonCorr, EWVar and EWCov against numpy/scipy on every prefix."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.signal
import scipy.stats
from catalogue import (
    CANCELLATION_ABS,
    CANCELLATION_REL,
    ORACLE_ABS,
    ORACLE_REL,
    REVERT_REL,
    close,
    random_stream,
    snapshot,
)

from river import stats


def near(got, want):
    """Equal to an oracle on the same values."""
    return close(got, want, ORACLE_REL, ORACLE_ABS)


def near_after_undo(got, want, abs=ORACLE_ABS):  # noqa: A002
    """Equal to the value before an update was reverted (or a merge unmerged)."""
    return close(got, want, REVERT_REL, abs)


def weights(rng, n):
    return rng.uniform(0.1, 3.0, n)


# --------------------------------------------------------------------------------------
# Values against independent oracles


@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_mean_matches_numpy_on_every_prefix(rng, kind):
    xs = random_stream(rng, 200, kind)
    mean = stats.Mean()
    for i, x in enumerate(xs):
        mean.update(x)
        assert mean.n == i + 1
        assert near(mean.get(), np.mean(xs[: i + 1]))


def test_weighted_mean_matches_numpy_average(rng):
    xs, ws = random_stream(rng, 200), weights(rng, 200)
    mean = stats.Mean()
    for i, (x, w) in enumerate(zip(xs, ws, strict=True)):
        mean.update(x, w)
        assert near(mean.get(), np.average(xs[: i + 1], weights=ws[: i + 1]))
        assert near(mean.n, ws[: i + 1].sum())


@pytest.mark.parametrize("ddof", [0, 1, 2, 3])
@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_var_matches_numpy_on_every_prefix(rng, ddof, kind):
    xs = random_stream(rng, 200, kind)
    var = stats.Var(ddof=ddof)
    for i, x in enumerate(xs):
        var.update(x)
        n = i + 1
        if n > ddof:
            assert near(var.get(), np.var(xs[:n], ddof=ddof))
        else:
            assert var.get() == 0.0


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_weighted_var_matches_numpy_average(rng, ddof):
    xs, ws = random_stream(rng, 200), weights(rng, 200)
    var = stats.Var(ddof=ddof)
    for i, (x, w) in enumerate(zip(xs, ws, strict=True)):
        var.update(x, w=w)
        x_, w_ = xs[: i + 1], ws[: i + 1]
        if w_.sum() > ddof:
            m = np.average(x_, weights=w_)
            want = np.average((x_ - m) ** 2, weights=w_) * w_.sum() / (w_.sum() - ddof)
            assert near(var.get(), want)
        else:
            assert var.get() == 0.0


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_sem_matches_scipy_and_is_none_when_empty(rng, ddof):
    xs = random_stream(rng, 150)
    sem = stats.SEM(ddof=ddof)
    assert sem.get() is None
    assert repr(sem) == "SEM: None"
    for i, x in enumerate(xs):
        sem.update(x)
        n = i + 1
        if n > ddof and n >= 2:
            assert near(sem.get(), scipy.stats.sem(xs[:n], ddof=ddof))
        elif n <= ddof:
            assert sem.get() == 0.0
    for x in xs[::-1]:
        sem.revert(x)
    assert sem.n == 0 and sem.get() is None


@pytest.mark.parametrize("ddof", [0, 1, 2, 3])
@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_cov_matches_numpy_on_every_prefix(rng, ddof, kind):
    xs, ys = random_stream(rng, 200, kind), random_stream(rng, 200, kind)
    cov = stats.Cov(ddof=ddof)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        cov.update(x, y)
        n = i + 1
        if n > ddof:
            assert near(cov.get(), np.cov(xs[:n], ys[:n], ddof=ddof)[0, 1])
        else:
            assert cov.get() == 0.0


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_weighted_cov_matches_numpy_frequency_weights(rng, ddof):
    xs, ys = random_stream(rng, 150), random_stream(rng, 150)
    fw = rng.integers(1, 5, 150)
    cov = stats.Cov(ddof=ddof)
    for i, (x, y, w) in enumerate(zip(xs, ys, fw, strict=True)):
        cov.update(x, y, w=float(w))
        n = i + 1
        if fw[:n].sum() > ddof:
            assert near(cov.get(), np.cov(xs[:n], ys[:n], fweights=fw[:n], ddof=ddof)[0, 1])


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_pearson_matches_scipy_on_every_prefix(rng, ddof):
    xs = random_stream(rng, 200)
    ys = 0.3 * xs + random_stream(rng, 200)
    corr = stats.PearsonCorr(ddof=ddof)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        corr.update(x, y)
        n = i + 1
        if n > max(ddof, 1):
            assert near(corr.get(), scipy.stats.pearsonr(xs[:n], ys[:n]).statistic)
        else:
            assert corr.get() == 0.0


def test_pearson_is_zero_while_a_variable_is_constant():
    corr = stats.PearsonCorr()
    for y in [1.0, 2.0, 5.0]:
        corr.update(3.0, y)
        assert corr.get() == 0.0
    assert repr(corr) == "PearsonCorr: 0."


def ew_oracle(xs, fading_factor):
    """The seeded exponentially weighted mean as a linear filter (scipy), independent of ours."""
    xs = np.asarray(xs, dtype=np.float64)
    a = fading_factor
    out, _ = scipy.signal.lfilter([a], [1.0, -(1.0 - a)], xs, zi=[(1.0 - a) * xs[0]])
    return out


def test_ewvar_golden_values():
    ewv = stats.EWVar(0.5)
    want = [0, 1, 2.75, 1.4375, 1.984375, 3.43359375, 1.7958984375, 2.198974609375, 3.56536865234375]
    got = ewv.accumulate([1, 3, 5, 4, 6, 8, 7, 9, 11])
    assert got.tolist() == want


@pytest.mark.parametrize("fading_factor", [0.05, 0.3, 0.5, 0.9, 1.0])
def test_ewvar_and_ewcov_match_a_linear_filter(rng, fading_factor):
    xs = random_stream(rng, 300)
    ys = random_stream(rng, 300)
    want_var = ew_oracle(xs**2, fading_factor) - ew_oracle(xs, fading_factor) ** 2
    want_cov = ew_oracle(xs * ys, fading_factor) - ew_oracle(xs, fading_factor) * ew_oracle(ys, fading_factor)
    ewv, ewc = stats.EWVar(fading_factor), stats.EWCov(fading_factor)
    for x, y, wv, wc in zip(xs, ys, want_var, want_cov, strict=True):
        ewv.update(x)
        ewc.update(x, y)
        # E[x²] - E[x]² cancels: compare at the scale of E[x²].
        assert close(ewv.get(), wv, CANCELLATION_REL, CANCELLATION_ABS)
        assert close(ewc.get(), wc, CANCELLATION_REL, CANCELLATION_ABS)


def test_ew_a_mean_of_exactly_zero_does_not_reseed():
    ewv = stats.EWVar(0.5)
    ewv.update_many([0.0, 5.0])
    assert ewv.get() == 6.25  # means 2.5 and 12.5
    ewc = stats.EWCov(0.5)
    ewc.update(0.0, 0.0)
    ewc.update(5.0, 1.0)
    assert ewc.get() == 1.25


# --------------------------------------------------------------------------------------
# Revert


def test_revert_restores_the_previous_value(rng):
    xs, ys = random_stream(rng, 100), random_stream(rng, 100)
    for make in (stats.Mean, stats.Var, stats.SEM):
        stat = make()
        for x in xs[:50]:
            stat.update(x)
        for x in xs[50:]:
            before = stat.get()
            stat.update(x, w=1.7)
            stat.revert(x, w=1.7)
            assert near_after_undo(stat.get(), before)
            stat.update(x)
    for make in (stats.Cov, stats.PearsonCorr):
        stat = make()
        for x, y in zip(xs, ys, strict=True):
            stat.update(x, y)
            before = stat.get()
            stat.update(y, x)
            stat.revert(y, x)
            assert near_after_undo(stat.get(), before)


def test_rolling_window_through_revert_matches_numpy(rng):
    xs, ys = random_stream(rng, 300), random_stream(rng, 300)
    w = 20
    var, cov, corr = stats.Var(), stats.Cov(), stats.PearsonCorr()
    for i in range(len(xs)):
        if i >= w:
            var.revert(xs[i - w])
            cov.revert(xs[i - w], ys[i - w])
            corr.revert(xs[i - w], ys[i - w])
        var.update(xs[i])
        cov.update(xs[i], ys[i])
        corr.update(xs[i], ys[i])
        lo = max(0, i + 1 - w)
        if i >= 1:
            x_, y_ = xs[lo : i + 1], ys[lo : i + 1]
            assert near_after_undo(var.get(), np.var(x_, ddof=1))
            assert near_after_undo(cov.get(), np.cov(x_, y_)[0, 1], abs=REVERT_REL)
            assert near_after_undo(corr.get(), scipy.stats.pearsonr(x_, y_).statistic, abs=REVERT_REL)


def test_revert_to_empty_and_below():
    for stat, args in ((stats.Mean(), (4.0,)), (stats.Var(), (4.0,)), (stats.Cov(), (4.0, 1.0))):
        stat.update(*args, w=2.0)
        before = snapshot(stat)
        with pytest.raises(ValueError, match="below 0"):
            stat.revert(*args, w=3.0)
        assert snapshot(stat) == before
        stat.revert(*args, w=2.0)
        assert stat.n == 0.0 and stat.get() == 0.0
        assert stat.__getstate__() == type(stat)().__getstate__()


# --------------------------------------------------------------------------------------
# Merging (Chan et al.)


def _fed(cls, xs, ys=None, **params):
    stat = cls(**params)
    if ys is None:
        stat.update_many(xs)
    else:
        stat.update_many(xs, ys)
    return stat


@pytest.mark.parametrize(
    "cls, params", [(stats.Mean, {}), (stats.Var, {"ddof": 1}), (stats.SEM, {"ddof": 0})]
)
def test_univariate_merge_and_unmerge(rng, cls, params):
    xs = random_stream(rng, 120)
    a, b = _fed(cls, xs[:50], **params), _fed(cls, xs[50:], **params)
    a_state, b_state = a.__getstate__(), b.__getstate__()
    total = a + b
    assert type(total) is cls
    assert (a.__getstate__(), b.__getstate__()) == (a_state, b_state)
    both = _fed(cls, xs, **params)
    assert near(total.get(), both.get()) and total.n == both.n
    back = total - b
    assert type(back) is cls
    assert near_after_undo(back.get(), a.get()) and back.n == a.n
    a += b
    assert near(a.get(), both.get())
    a -= b
    assert near(a.get(), back.get())
    # Merging with itself must not deadlock: it doubles every weight, as if every value had
    # come twice.
    a += a
    twice = np.tile(xs[:50], 2)
    want = {
        stats.Mean: np.mean(twice),
        stats.Var: np.var(twice, ddof=1),
        stats.SEM: scipy.stats.sem(twice, ddof=0),
    }
    assert a.n == 100 and near_after_undo(a.get(), want[cls])


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_var_merge_matches_numpy(rng, ddof):
    xs = random_stream(rng, 60)
    total = _fed(stats.Var, xs[:1], ddof=ddof) + _fed(stats.Var, xs[1:], ddof=ddof)
    assert near(total.get(), np.var(xs, ddof=ddof))
    assert near(total.mean.get(), np.mean(xs))


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_cov_merge_and_unmerge(rng, ddof):
    xs, ys = random_stream(rng, 100), random_stream(rng, 100)
    a, b = _fed(stats.Cov, xs[:30], ys[:30], ddof=ddof), _fed(stats.Cov, xs[30:], ys[30:], ddof=ddof)
    before = (a.__getstate__(), b.__getstate__())
    total = a + b
    assert type(total) is stats.Cov and (a.__getstate__(), b.__getstate__()) == before
    assert near(total.get(), np.cov(xs, ys, ddof=ddof)[0, 1])
    assert near_after_undo((total - b).get(), np.cov(xs[:30], ys[:30], ddof=ddof)[0, 1])
    a += b
    assert near(a.get(), total.get())
    a -= b
    assert near_after_undo(a.get(), np.cov(xs[:30], ys[:30], ddof=ddof)[0, 1])
    p = _fed(stats.PearsonCorr, xs[:30], ys[:30]) + _fed(stats.PearsonCorr, xs[30:], ys[30:])
    assert type(p) is stats.PearsonCorr
    assert near(p.get(), scipy.stats.pearsonr(xs, ys).statistic)


def test_merging_empty_statistics_gives_empty_ones():
    for cls in (stats.Mean, stats.Var, stats.Cov):
        total = cls() + cls()
        assert total.n == 0 and total.get() == 0.0
        assert (cls() - cls()).get() == 0.0
    assert (stats.SEM() + stats.SEM()).get() is None


def test_merge_refuses_other_types():
    with pytest.raises(TypeError):
        stats.Mean() + stats.Var()
    with pytest.raises(TypeError):
        stats.Cov() + 1.0
    var = stats.Var()
    # A SEM is a Var in River, and River merged them; their values differ, so here only
    # statistics of the same class merge.
    with pytest.raises(TypeError, match="'Var' and 'SEM'"):
        var += stats.SEM()


def test_var_mean_attribute_is_a_mean_of_the_same_values(rng):
    xs = random_stream(rng, 40)
    var = _fed(stats.Var, xs)
    mean = var.mean
    assert isinstance(mean, stats.Mean)
    assert mean.n == 40 and near(mean.get(), np.mean(xs))
    assert repr(mean).startswith("Mean: ")
    mean.update(1e6)  # a snapshot: the variance is not affected
    assert var.mean.n == 40


def test_from_state_class_methods(rng):
    xs, ys = random_stream(rng, 30), random_stream(rng, 30)
    m = stats.Mean._from_state(30, float(np.mean(xs)))
    assert type(m) is stats.Mean and m.n == 30
    v = stats.Var._from_state(30, float(np.mean(xs)), float(np.var(xs, ddof=2)), ddof=2)
    assert type(v) is stats.Var and v.ddof == 2
    v.update(xs[0])
    assert near(v.get(), np.var(np.append(xs, xs[0]), ddof=2))
    c = stats.Cov._from_state(30, float(np.mean(xs)), float(np.mean(ys)), float(np.cov(xs, ys)[0, 1]))
    c.update(1.0, 2.0)
    assert near(c.get(), np.cov(np.append(xs, 1.0), np.append(ys, 2.0))[0, 1])
    s = stats.SEM._from_state(30, 0.0, 4.0)
    assert type(s) is stats.SEM and near(s.get(), math.sqrt(4.0 / 30))


# --------------------------------------------------------------------------------------
# Batch, pickling, bad input

BIVARIATES = [
    pytest.param(stats.Cov, {"ddof": 2}, id="Cov"),
    pytest.param(stats.PearsonCorr, {"ddof": 1}, id="PearsonCorr"),
    pytest.param(stats.EWCov, {"fading_factor": 0.3}, id="EWCov"),
]


@pytest.mark.parametrize("cls, params", BIVARIATES)
def test_bivariate_batch_equals_the_loop(rng, cls, params):
    xs, ys = random_stream(rng, 200), random_stream(rng, 200)
    loop = cls(**params)
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        loop.update(x, y)
    many = cls(**params)
    many.update_many(xs, ys.tolist())
    assert many.__getstate__() == loop.__getstate__()
    before = snapshot(many)
    with pytest.raises(ValueError, match="same length"):
        many.update_many(xs, ys[:-1])
    with pytest.raises(ValueError, match="element 2 of the input is NaN"):
        many.update_many([1.0, 2.0, 3.0], [1.0, 2.0, math.nan])
    with pytest.raises(TypeError, match="Y"):
        many.update_many([1.0, 2.0], [1.0, "a"])
    with pytest.raises(TypeError, match="X"):
        many.update_many(3.0, [1.0])
    assert snapshot(many) == before


def test_states_do_not_cross_classes():
    with pytest.raises(ValueError, match="another statistic"):
        stats.Mean().__setstate__(stats.Var().__getstate__())
    with pytest.raises(ValueError, match="standard error"):
        stats.Var().__setstate__(stats.SEM().__getstate__())
    with pytest.raises(ValueError, match="another statistic"):
        stats.Cov().__setstate__(stats.PearsonCorr().__getstate__())


BAD_VALUES = [
    (math.nan, ValueError, "NaN"),
    (None, TypeError, "real number"),
    ("1.0", TypeError, "real number"),
    (1 + 2j, TypeError, "real number"),
]


# The univariate ones are checked with every Rust-backed statistic in test_bad_input.py; the
# bivariate ones must also say which argument is wrong.
@pytest.mark.parametrize("value, error, message", BAD_VALUES)
def test_bad_values_are_refused_without_change(value, error, message):
    for cls in (stats.Cov, stats.PearsonCorr, stats.EWCov):
        stat = cls()
        stat.update(1.0, 2.0)
        before = snapshot(stat)
        with pytest.raises(error, match=f"x .*{message}"):
            stat.update(value, 1.0)
        with pytest.raises(error, match=f"y .*{message}"):
            stat.update(1.0, value)
        assert snapshot(stat) == before


def test_bad_weights_are_refused_without_change():
    for stat, args in ((stats.Mean(), (1.0,)), (stats.Var(), (1.0,)), (stats.Cov(), (1.0, 2.0))):
        stat.update(*args)
        before = snapshot(stat)
        for w, error in ((math.nan, ValueError), (math.inf, ValueError), ("2", TypeError), (None, TypeError)):
            with pytest.raises(error, match="w"):
                stat.update(*args, w=w)
            with pytest.raises(error, match="w"):
                stat.revert(*args, w=w)
        with pytest.raises(ValueError, match="below 0"):
            stat.update(*args, w=-5.0)
        assert snapshot(stat) == before


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: stats.Var(ddof=-1), ValueError, "ddof"),
        (lambda: stats.Var(ddof=1.0), TypeError, "ddof must be an int"),
        (lambda: stats.SEM(ddof=True), TypeError, "ddof must be an int"),
        (lambda: stats.Cov(ddof="1"), TypeError, "ddof"),
        (lambda: stats.PearsonCorr(ddof=2**40), ValueError, "ddof"),
        (lambda: stats.EWVar(1.5), ValueError, "fading_factor"),
        (lambda: stats.EWCov(-0.1), ValueError, "fading_factor"),
        (lambda: stats.EWCov(math.nan), ValueError, "fading_factor"),
    ],
)
def test_invalid_constructor_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_numpy_integer_ddof_is_accepted():
    assert stats.Var(ddof=np.int64(2)).ddof == 2


# --------------------------------------------------------------------------------------
# River's API: names, reprs, None (values read from River 0.26.1)


def test_names_and_reprs_when_empty():
    assert [repr(c()) for c in (stats.Mean, stats.Var, stats.SEM, stats.Cov, stats.PearsonCorr)] == [
        "Mean: 0.",
        "Var: 0.",
        "SEM: None",
        "Cov: 0.",
        "PearsonCorr: 0.",
    ]
    assert repr(stats.EWVar()) == "EWVar: 0." and repr(stats.EWCov()) == "EWCov: 0."
    assert (stats.Mean().name, stats.Var().name, stats.SEM().name) == ("mean", "var", "sem")
    assert stats.EWVar(0.3).name == "ewv_0.3" and stats.EWCov().name == "ewcov_0.5"
    assert not hasattr(stats.Cov(), "name") and not hasattr(stats.PearsonCorr(), "name")
    assert isinstance(stats.SEM(), stats.Var)
    assert issubclass(stats.Cov, stats.base.Bivariate) and issubclass(stats.EWVar, stats.base.Univariate)
