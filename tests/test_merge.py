"""Merges over the catalogue: `a + b` against one statistic fed both streams (the oracle),
exactly or within MERGE_REL as each entry declares; operands unchanged; `+=`, and `-`/`-=`
where declared; ValueError, nothing changed, for different parameters; TypeError, saying why,
for every class (or parameter set) that does not merge and for operands of another class."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from catalogue import (
    CLOSE,
    ENTRIES,
    ENTROPY_MERGE_REL,
    EXACT,
    MERGE_REL,
    SKETCH,
    cases,
    close,
    entries,
    exact,
    fed,
    feed,
    ids,
    push,
    state,
    unmerge_tolerance,
)

from river import stats

MERGING = [e for e in ENTRIES if e.merges in (EXACT, CLOSE)]


def streams(entry, seed=0):
    """Two streams of different lengths, and a few items to feed after the merge."""
    items = feed(entry.kind, 61, seed=seed)
    return items[:23], items[23:53], items[53:]


def same_value(entry, got, want):
    if entry.merges == EXACT:
        return exact(got) == exact(want)
    rel = ENTROPY_MERGE_REL if entry.name == "Entropy" else MERGE_REL
    return close(got, want, rel, 1e-12)


def frozen(stat):
    """What must not change: the value and the state, as a comparable snapshot."""
    value = exact(stat.get())
    s = state(stat)
    return value, s if isinstance(s, bytes) else pickle.dumps(s)


@pytest.mark.parametrize("entry", ids(MERGING))
def test_sum_of_two_equals_one_statistic_fed_both(entry):
    params = entry.merge_params
    left, right, later = streams(entry)
    a, b = fed(entry, left, params), fed(entry, right, params)
    both = fed(entry, left + right, params)
    before_a, before_b = frozen(a), frozen(b)
    total = a + b
    assert type(total) is type(a)
    assert frozen(a) == before_a and frozen(b) == before_b  # operands unchanged
    assert same_value(entry, total.get(), both.get()), (total.get(), both.get())
    if entry.merges == EXACT:
        assert state(total) == state(both)
    for item in later:  # and it goes on as the statistic of both streams
        push(total, entry, item)
        push(both, entry, item)
        assert same_value(entry, total.get(), both.get()), (total.get(), both.get())
    in_place = copy.deepcopy(a)
    alias = in_place
    in_place += b
    assert in_place is alias
    assert same_value(entry, in_place.get(), fed(entry, left + right, params).get())
    assert frozen(b) == before_b


@pytest.mark.parametrize("entry", ids(MERGING))
def test_merging_with_an_empty_statistic_changes_nothing(entry):
    params = entry.merge_params
    left, _, _ = streams(entry, seed=1)
    a = fed(entry, left, params)
    for total in (a + entry.make(params), entry.make(params) + a):
        assert same_value(entry, total.get(), a.get())
    assert (entry.make(params) + entry.make(params)).get() == entry.make(params).get()


@pytest.mark.parametrize("entry", ids(MERGING))
def test_a_statistic_merges_with_itself(entry):
    params = entry.merge_params
    left, _, _ = streams(entry, seed=2)
    a = fed(entry, left, params)
    twice = fed(entry, left + left, params)
    a += a
    assert same_value(entry, a.get(), twice.get()), (a.get(), twice.get())


@pytest.mark.parametrize("entry", ids(entries(unmerges=True)))
def test_difference_takes_a_merged_stream_back_out(entry):
    params = entry.merge_params
    left, right, later = streams(entry, seed=3)
    a, b = fed(entry, left, params), fed(entry, right, params)
    both = fed(entry, left + right, params)
    before_both, before_b = frozen(both), frozen(b)
    rest = both - b
    assert frozen(both) == before_both and frozen(b) == before_b
    if entry.name == "ChiSquared":  # the same table; its sum may run in another order
        assert rest.counts == a.counts and rest.x_totals == a.x_totals and rest.n == a.n
        assert close(rest.get(), a.get(), MERGE_REL, 1e-12)
    elif entry.merges == EXACT:
        assert exact(rest.get()) == exact(a.get())
    elif (rel := unmerge_tolerance(entry.name, left + right, left)) is not None:
        # Skew, Kurtosis: two streams of similar spread, so well within 1e-9 (about 1e-10).
        assert rel < 1e-9
        assert close(rest.get(), a.get(), rel, 0.0), (rest.get(), a.get(), rel)
    else:
        assert close(rest.get(), a.get(), 1e-9, 1e-9), (rest.get(), a.get())
    both -= b
    assert close(both.get(), a.get(), 1e-9, 1e-9)
    for item in later:
        push(rest, entry, item)
        push(a, entry, item)
    assert close(rest.get(), a.get(), 1e-9, 1e-9)


@pytest.mark.parametrize("entry", ids(entries(unmerges=True, merges=EXACT)))
def test_taking_out_what_is_not_there_is_refused(entry):
    params = entry.merge_params
    left, right, _ = streams(entry, seed=4)
    a, b = fed(entry, left, params), fed(entry, left + right, params)
    before = frozen(a)
    with pytest.raises(ValueError, match="cannot take"):
        a - b
    with pytest.raises(ValueError, match="cannot take"):
        a -= b
    assert frozen(a) == before


@pytest.mark.parametrize("entry", ids([e for e in ENTRIES if e.other_params is not None]))
def test_different_parameters_are_a_value_error_and_change_nothing(entry):
    params = entry.merge_params
    left, right, _ = streams(entry, seed=5)
    a = fed(entry, left, params)
    b = fed(entry, right, {**params, **entry.other_params})
    before_a, before_b = frozen(a), frozen(b)
    name = next(iter(entry.other_params))
    for op in ("a + b", "b + a"):
        with pytest.raises(ValueError, match=f"{name} differs"):
            eval(op)
    with pytest.raises(ValueError, match=f"{name} differs"):
        a += b
    if entry.unmerges:
        with pytest.raises(ValueError, match=f"{name} differs"):
            a -= b
    assert frozen(a) == before_a and frozen(b) == before_b


REFUSING = [case for case in cases() if not case.values[0].merges_with(case.values[1])]


@pytest.mark.parametrize(("entry", "params"), REFUSING)
def test_statistics_that_do_not_merge_say_why(entry, params):
    a, b = entry.make(params), entry.make(params)
    before = frozen(a)
    with pytest.raises(TypeError, match=f"{entry.name} .*cannot be merged") as info:
        a + b
    reason = str(info.value).split(":", 1)[1]
    assert len(reason) > 30  # a reason, not only a refusal
    with pytest.raises(TypeError):
        a += b
    with pytest.raises(TypeError):
        a - b
    assert frozen(a) == before


@pytest.mark.parametrize("entry", ids([e for e in ENTRIES if e.merges is not None and not e.unmerges]))
def test_merges_without_an_inverse_refuse_minus(entry):
    a = entry.make(entry.merge_params)
    with pytest.raises(TypeError, match=f"{entry.name} has no -: .{{20}}"):
        a - a
    with pytest.raises(TypeError, match=f"{entry.name} has no -"):
        a -= a


@pytest.mark.parametrize("entry", ids([e for e in ENTRIES if e.merges is not None]))
def test_another_class_is_a_type_error(entry):
    a = entry.make(entry.merge_params)
    before = frozen(a)
    other = stats.Count() if entry.name != "Count" else stats.Sum()
    for op in ("a + other", "a + 1", "a + None"):
        with pytest.raises(TypeError, match="only statistics of the same class merge"):
            eval(op)
    with pytest.raises(TypeError, match="only statistics of the same class merge"):
        a += other
    assert frozen(a) == before


def test_var_and_sem_share_a_core_but_do_not_merge():
    v, s = stats.Var(), stats.SEM()
    with pytest.raises(TypeError, match="'Var' and 'SEM'"):
        v + s
    with pytest.raises(TypeError, match="'SEM' and 'Var'"):
        s += v


def test_sum_of_integers_is_exact():
    rng = np.random.default_rng(0)
    xs = rng.integers(-(2**40), 2**40, 400).astype(float).tolist()
    a, b, both = stats.Sum(), stats.Sum(), stats.Sum()
    a.update_many(xs[:150])
    b.update_many(xs[150:])
    both.update_many(xs)
    assert (a + b).get() == both.get() == math.fsum(xs)
    assert (both - b).get() == a.get()


def test_moments_against_scipy_after_a_merge():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    xs = np.concatenate([rng.normal(3, 2, 500), rng.exponential(5, 300)])
    for bias in (False, True):
        sk_a, sk_b, ku_a, ku_b = (
            cls(bias=bias) for cls in (stats.Skew, stats.Skew, stats.Kurtosis, stats.Kurtosis)
        )
        for s in (sk_a, ku_a):
            s.update_many(xs[:500])
        for s in (sk_b, ku_b):
            s.update_many(xs[500:])
        assert math.isclose((sk_a + sk_b).get(), scipy_stats.skew(xs, bias=bias), rel_tol=1e-10)
        assert math.isclose((ku_a + ku_b).get(), scipy_stats.kurtosis(xs, bias=bias), rel_tol=1e-10)


def test_kolmogorov_smirnov_after_a_merge_against_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(2)
    xs, ys = rng.normal(0, 1, 300), rng.normal(0.2, 1, 300)
    a, b = stats.KolmogorovSmirnov(), stats.KolmogorovSmirnov()
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        (a if i < 100 else b).update(x, y)
    assert math.isclose((a + b).get(), scipy_stats.ks_2samp(xs, ys).statistic, rel_tol=1e-12)


def test_mode_ties_go_to_the_value_seen_first_in_both_streams():
    a, b = stats.Mode(k=-1), stats.Mode(k=-1)
    a.update_many(["x", "y", float("nan")])
    b.update_many([float("nan"), "y", "z", "x"])
    both = stats.Mode(k=-1)
    both.update_many(["x", "y", float("nan"), float("nan"), "y", "z", "x"])
    merged = a + b
    assert list(merged.counts.items()) == list(both.counts.items())  # NaN is one value, order kept
    assert merged.get() == both.get() == "x"
    restored = pickle.loads(pickle.dumps(b))
    assert (a + restored).counts == both.counts


def test_chi_squared_after_merges_equals_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    xs, ys = rng.integers(0, 3, 400), (rng.integers(0, 4, 400) + rng.integers(0, 2, 400))
    parts = [stats.ChiSquared() for _ in range(4)]
    for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True)):
        parts[i % 4].update(x, y)
    total = parts[0] + parts[1] + parts[2] + parts[3]
    table = np.zeros((3, ys.max() + 1))
    np.add.at(table, (xs, ys), 1)
    table = table[:, table.sum(axis=0) > 0]
    want = scipy_stats.chi2_contingency(table, correction=False)
    assert math.isclose(total.get(), want.statistic, rel_tol=1e-12)
    assert math.isclose(total.p_value, want.pvalue, rel_tol=1e-9)


@pytest.mark.parametrize("entry", ids(entries(merges=SKETCH)))
def test_sketches_merge_and_leave_operands_unchanged(entry):
    left, right, _ = streams(entry, seed=6)
    a, b = fed(entry, left), fed(entry, right)
    before_a, before_b = frozen(a), frozen(b)
    total = a + b
    assert frozen(a) == before_a and frozen(b) == before_b
    assert type(total) is type(a)
