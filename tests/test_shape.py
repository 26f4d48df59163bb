"""Skew, Kurtosis, Sum, Count, AutoCorr, BayesianMean and Shift against independent oracles
(scipy, numpy, brute force over the prefix). Pickling, clone, bad input, batches and the
parameter sets are checked over the whole catalogue by the generic suites."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
import scipy.stats
from catalogue import ORACLE_ABS, ORACLE_REL, random_stream

from river import stats

# Skewness and kurtosis are scale-free; near 0 a relative bound means nothing, so values
# within ORACLE_ABS of the oracle in absolute terms also pass.
RTOL, ATOL = ORACLE_REL, ORACLE_ABS


def prefix_values(stat, xs):
    out = []
    for x in xs:
        stat.update(x)
        out.append(stat.get())
    return out


# --- Skew and Kurtosis ---------------------------------------------------------------------


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_skew_and_kurtosis_match_scipy_on_every_prefix(rng, bias, kind):
    xs = random_stream(rng, 300, kind)
    skew = prefix_values(stats.Skew(bias=bias), xs)
    kurt = prefix_values(stats.Kurtosis(bias=bias), xs)
    for i in range(1, len(xs)):
        window = xs[: i + 1]
        if np.ptp(window) == 0:
            continue  # scipy answers NaN for a constant prefix, see below
        np.testing.assert_allclose(skew[i], scipy.stats.skew(window, bias=bias), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(kurt[i], scipy.stats.kurtosis(window, bias=bias), rtol=RTOL, atol=ATOL)


def test_skew_kurtosis_before_updates_and_constant_streams():
    assert stats.Skew().get() == 0.0 and repr(stats.Skew()) == "Skew: 0."
    assert stats.Kurtosis().get() == -3.0 and repr(stats.Kurtosis()) == "Kurtosis: -3."
    assert stats.Skew().name == "skew" and stats.Kurtosis().name == "kurtosis"
    k = stats.Kurtosis()
    k.update(4.0)
    assert k.get() == -3.0  # n <= 1
    # A constant stream: River answers 0 for the skewness and a zero kurtosis (corrected for
    # bias when n > 3) where scipy answers NaN.
    assert stats.Skew().accumulate([2.0] * 5).tolist() == [0.0] * 5
    assert stats.Kurtosis(bias=True).accumulate([2.0] * 5).tolist() == [-3.0] * 5
    n = np.arange(1, 7.0)
    unbiased_zero = np.where(n > 3, -3 * (n - 1) ** 2 / np.maximum((n - 2) * (n - 3), 1), -3.0)
    np.testing.assert_allclose(stats.Kurtosis().accumulate([2.0] * 6), unbiased_zero, rtol=1e-15)


def test_skew_kurtosis_ill_conditioned_stream_against_exact_moments(rng):
    # A large offset with a small spread: compare with moments computed exactly in rationals.
    from fractions import Fraction

    xs = 1e6 + rng.normal(0, 1, 60)
    skew = prefix_values(stats.Skew(bias=True), xs)
    kurt = prefix_values(stats.Kurtosis(bias=True), xs)
    fr = [Fraction(float(x)) for x in xs]
    for i in (9, 29, 59):
        window = fr[: i + 1]
        mean = sum(window) / len(window)
        m2, m3, m4 = (sum((x - mean) ** p for x in window) / len(window) for p in (2, 3, 4))
        assert skew[i] == pytest.approx(float(m3) / float(m2) ** 1.5, rel=1e-8)
        assert kurt[i] == pytest.approx(float(m4 / (m2 * m2)) - 3, rel=1e-8)


# --- Sum and Count -------------------------------------------------------------------------


def test_sum_matches_exact_sums_and_reverts(rng):
    xs = random_stream(rng, 500)
    s = stats.Sum()
    assert s.get() == 0.0 and repr(s) == "Sum: 0." and s.name == "sum"
    values = prefix_values(s, xs)
    for i, v in enumerate(values):
        assert v == pytest.approx(math.fsum(xs[: i + 1]), rel=1e-10, abs=1e-9)
    for i in range(len(xs) - 1, 0, -1):
        s.revert(xs[i])
        assert s.get() == pytest.approx(values[i - 1], rel=1e-10, abs=1e-9)
        assert s.sum == s.get()


def test_sum_in_a_rolling_window_golden():
    s = stats.Sum()
    xs = [1, -4, 3, -2, 2, 1]
    got = []
    for i, x in enumerate(xs):
        s.update(x)
        if i >= 2:
            s.revert(xs[i - 2])
        got.append(s.get())
    assert got == [1.0, -3.0, -1.0, 1.0, 0.0, 3.0]


def test_count_counts_calls_of_any_argument():
    c = stats.Count()
    assert c.get() == 0 and isinstance(c.get(), int) and repr(c) == "Count: 0." and c.name == "count"
    for x in [1.0, None, "text", object(), math.nan, [1, 2]]:
        c.update(x)
    c.update()
    assert c.get() == 7 and c.n == 7 and isinstance(c.get(), int)
    c.update_many(np.arange(5.0))
    c.update_many(x for x in "abc")
    c.update_many([None, None])
    assert c.get() == 17
    assert c.accumulate(["a", None, 3]).tolist() == [18.0, 19.0, 20.0]
    with pytest.raises(TypeError, match="iterable"):
        c.update_many(3)
    with pytest.raises(TypeError, match="string"):
        c.update_many("abc")
    assert c.get() == 20
    loaded = pickle.loads(pickle.dumps(c))
    assert type(loaded) is stats.Count and loaded.get() == 20
    assert c.clone().get() == 0


# --- AutoCorr ------------------------------------------------------------------------------


@pytest.mark.parametrize("lag", [1, 2, 5])
@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_autocorr_matches_pearson_on_every_prefix(rng, lag, kind):
    xs = random_stream(rng, 200, kind)
    values = prefix_values(stats.AutoCorr(lag=lag), xs)
    for i, got in enumerate(values):
        now, before = xs[lag : i + 1], xs[: i + 1 - lag]
        if len(now) < 2 or np.ptp(now) == 0 or np.ptp(before) == 0:
            assert got == 0.0  # not defined yet: River answers 0
        else:
            want = np.corrcoef(now, before)[0, 1]
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_autocorr_api_and_bad_lag():
    a = stats.AutoCorr(lag=3)
    assert a.name == "autocorr_3" and repr(a) == "AutoCorr: 0." and a.get() == 0.0
    assert a._get_params() == {"lag": 3} and a.clone().lag == 3
    assert stats.AutoCorr(np.int64(2)).lag == 2
    for bad, error in [
        (0, ValueError),
        (-1, ValueError),
        (1.5, TypeError),
        (True, TypeError),
        (None, TypeError),
        ("2", TypeError),
    ]:
        with pytest.raises(error, match="lag"):
            stats.AutoCorr(lag=bad)


# --- BayesianMean ---------------------------------------------------------------------------


@pytest.mark.parametrize("prior, weight", [(0.5, 2.0), (-3.0, 0.0), (10.0, 7.5)])
def test_bayesian_mean_against_formula_and_revert(rng, prior, weight):
    xs = random_stream(rng, 200)
    b = stats.BayesianMean(prior=prior, prior_weight=weight)
    if weight:
        assert b.get() == prior
    values = prefix_values(b, xs)
    for i, got in enumerate(values):
        n = i + 1
        want = (np.mean(xs[:n]) * n + prior * weight) / (n + weight)
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-12)
    for i in range(len(xs) - 1, 0, -1):
        b.revert(xs[i])
        np.testing.assert_allclose(b.get(), values[i - 1], rtol=1e-9, atol=1e-9)
    b.revert(xs[0])
    assert b.get() == prior if weight else math.isnan(b.get())


def test_bayesian_mean_api_and_refusals():
    b = stats.BayesianMean(prior=0.5, prior_weight=2)
    assert b.name == "bayes_mean" and repr(b) == "BayesianMean: 0.5"
    assert b._get_params() == {"prior": 0.5, "prior_weight": 2.0}
    before = b.__getstate__()
    with pytest.raises(ValueError, match="no values left"):
        b.revert(1.0)
    with pytest.raises(ValueError, match="NaN"):
        b.revert(math.nan)
    assert b.__getstate__() == before
    for kwargs, error in [
        ({"prior": 0.5, "prior_weight": -1.0}, ValueError),
        ({"prior": math.nan, "prior_weight": 1.0}, ValueError),
        ({"prior": 0.5, "prior_weight": math.inf}, ValueError),
        ({"prior": "a", "prior_weight": 1.0}, TypeError),
    ]:
        with pytest.raises(error, match="prior"):
            stats.BayesianMean(**kwargs)


# --- Shift ---------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, 1, 3])
def test_shift_returns_the_value_amount_steps_back(rng, amount):
    xs = random_stream(rng, 50).tolist() + ["a", None, (1, 2)]
    s = stats.Shift(amount=amount, fill_value="fill")
    for i, x in enumerate(xs):
        s.update(x)
        assert s.get() == (xs[i - amount] if i >= amount else "fill")
    assert s.name == f"shift_{amount}"


def test_shift_api_pickle_and_refusals():
    s = stats.Shift()
    assert repr(s) == "Shift: None" and s.get() is None and s.name == "shift_1"
    assert s._get_params() == {"amount": 1, "fill_value": None}
    s.update_many([1.0, 2.0, 3.0])
    for twin in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert twin.get() == 2.0
        twin.update(4.0)
        assert twin.get() == 3.0 and s.get() == 2.0
    assert s.clone({"amount": 2}).get() is None
    link = stats.Shift(1) | stats.Sum()
    for x in range(5):
        link.update(x)
    assert link.get() == 6.0 and link.name == "sum_of_shift_1"
    for bad, error in [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("1", TypeError)]:
        with pytest.raises(error, match="amount"):
            stats.Shift(amount=bad)
