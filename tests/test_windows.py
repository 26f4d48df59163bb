"""Mode, RollingMode, Entropy, ChiSquared and river.utils against brute-force oracles."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import json
import math
import pathlib
import pickle
import random

import numpy as np
import pytest
import scipy.stats

from river import stats, utils
from river.stats.chi_squared import chi2_sf

HASHABLE_STATS = [stats.Mode, stats.RollingMode, stats.Entropy]

# Values computed by River 0.26.1: tests/fixtures/river_goldens.py regenerates them.
GOLDENS = json.loads((pathlib.Path(__file__).parent / "fixtures" / "river_0_26_1_goldens.json").read_text())


def params_of(cls):
    return list(cls._unit_test_params())


def hashable_stream(rng: random.Random, n: int, alphabet: int = 5) -> list:
    pool = ["a", "b", 3, 4.5, (1, 2), None, True, "zz"][: max(alphabet, 1)]
    return [rng.choice(pool) for _ in range(n)]


# --- oracles ---------------------------------------------------------------------------


def mode_oracle(xs, k):
    """Most common of the first k distinct values; ties go to the one seen first."""
    first_seen: list = []
    for x in xs:
        if x not in first_seen and (k == -1 or len(first_seen) < k):
            first_seen.append(x)
    if not first_seen:
        return None
    counts = [sum(1 for x in xs if x == v) for v in first_seen]
    return first_seen[counts.index(max(counts))]


def rolling_mode_oracle(xs, w):
    """Mode of the window after every step. Ties go to the value whose presence in the window
    started earliest, where a value evicted and appended in the same step starts again."""
    out, entry = [], {}
    for s, x in enumerate(xs):
        before = xs[max(0, s - w) : s]  # window after step s - 1
        evicted = before[1:] if len(before) == w else before
        if x not in evicted:
            entry[x] = s
        window = xs[max(0, s - w + 1) : s + 1]
        counts = {v: window.count(v) for v in window}
        top = max(counts.values())
        out.append(min((v for v in counts if counts[v] == top), key=lambda v: entry[v]))
    return out


def entropy_oracle(xs):
    return scipy.stats.entropy(list(collections.Counter(xs).values()))


class Sum:
    """A small revertable statistic, to test the rolling wrappers without other families."""

    def __init__(self, start=0):
        self.start = start
        self.total = start

    def update(self, x, scale=1):
        if not isinstance(x, (int, float)):
            raise TypeError("x must be a number")
        self.total += x * scale

    def revert(self, x, scale=1):
        self.total -= x * scale

    def get(self):
        return self.total

    def clone(self):
        return Sum(self.start)


class NoRevert:
    def update(self, x):
        pass


# --- Mode and RollingMode ---------------------------------------------------------------


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 3, 25])
def test_mode_equals_oracle_on_every_prefix(k):
    rng = random.Random(k)
    xs = hashable_stream(rng, 120, alphabet=6)
    mode = stats.Mode(k=k)
    for i, x in enumerate(xs):
        mode.update(x)
        assert mode.get() == mode_oracle(xs[: i + 1], k)


@pytest.mark.parametrize("w", [1, 2, 3, 5, 8, 40])
def test_rolling_mode_equals_oracle_on_every_prefix(w):
    rng = random.Random(w)
    for alphabet in (2, 4, 8):
        xs = [rng.randrange(alphabet) for _ in range(300)]
        rm = stats.RollingMode(w)
        got = []
        for x in xs:
            rm.update(x)
            got.append(rm.get())
        assert got == rolling_mode_oracle(xs, w)


def test_rolling_mode_golden_ties():
    rolling = GOLDENS["rolling_mode_3"]
    assert stats.RollingMode(3).accumulate(rolling["stream"]).tolist() == rolling["values"]
    mode = GOLDENS["mode"]
    assert stats.Mode().accumulate(mode["stream"]).tolist() == mode["values"]


def test_rolling_mode_long_stream_keeps_its_size():
    rm = stats.RollingMode(4)
    size = None
    for i in range(20_000):
        rm.update("a" if i % 2 else i)  # "a" stays the mode while distinct values churn
        if i >= 3:
            assert rm.get() == "a"
        if i == 100:
            size = rm.__sizeof__()
    # Values that left the window leave no trace: the counts and the memory stay bounded.
    assert len(rm.counts) <= 4 and rm.__sizeof__() <= size


def test_mode_names_and_reprs():
    assert repr(stats.Mode()) == "Mode: None" and stats.Mode().name == "mode"
    rm = stats.RollingMode(7)
    assert repr(rm) == "RollingMode: None" and rm.name == "rollingmode_7" and rm.window_size == 7
    rm.update("x")
    assert repr(rm) == "RollingMode: x"
    rm.update(2.5)
    assert repr(stats.Mode().accumulate([2.5]) and rm) == "RollingMode: x"
    m = stats.Mode()
    m.update(1234.5)
    assert repr(m) == "Mode: 1,234.5"


# --- Entropy ----------------------------------------------------------------------------


def test_entropy_equals_scipy_on_every_prefix():
    rng = random.Random(7)
    xs = [rng.randrange(6) for _ in range(400)]
    ent = stats.Entropy(eps=1e-13)
    for i, x in enumerate(xs):
        ent.update(x)
        want = entropy_oracle(xs[: i + 1])
        assert ent.get() == pytest.approx(want, rel=1e-10, abs=1e-12)


def test_entropy_default_eps_is_close_to_scipy():
    rng = random.Random(8)
    xs = [rng.randrange(10) for _ in range(2000)]
    ent = stats.Entropy()
    ent.update_many(xs)
    assert ent.get() == pytest.approx(entropy_oracle(xs), rel=1e-8)


def test_entropy_fading_golden_values():
    golden = GOLDENS["entropy"]
    assert sorted(golden["values"]) == ["0.5", "0.9"]
    for ff, want in golden["values"].items():
        got = stats.Entropy(float(ff)).accumulate(golden["stream"])
        np.testing.assert_allclose(got[golden["at"]], want, rtol=1e-12)


def test_entropy_parameters():
    for bad in (0, -0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match="fading_factor"):
            stats.Entropy(fading_factor=bad)
    for bad in (0, -1e-8, math.inf, math.nan):
        with pytest.raises(ValueError, match="eps"):
            stats.Entropy(eps=bad)
    with pytest.raises(TypeError, match="fading_factor"):
        stats.Entropy(fading_factor="1")
    e = stats.Entropy()
    assert (repr(e), e.name) == ("Entropy: 0.", "entropy")


# --- ChiSquared -------------------------------------------------------------------------


def contingency(pairs):
    xs = sorted({x for x, _ in pairs}, key=repr)
    ys = sorted({y for _, y in pairs}, key=repr)
    table = np.zeros((len(xs), len(ys)))
    for x, y in pairs:
        table[xs.index(x), ys.index(y)] += 1
    return table


def check_chi2(chi2, pairs):
    table = contingency(pairs)
    if table.shape[0] < 2 or table.shape[1] < 2:
        assert (chi2.get(), chi2.p_value, chi2.degrees_of_freedom) == (0.0, 1.0, 0)
        return
    want = scipy.stats.chi2_contingency(table, correction=False)
    assert chi2.degrees_of_freedom == want.dof
    assert chi2.get() == pytest.approx(want.statistic, rel=1e-10, abs=1e-12)
    assert chi2.p_value == pytest.approx(want.pvalue, rel=1e-9, abs=1e-15)


def test_chi_squared_equals_scipy_on_every_prefix():
    rng = random.Random(11)
    pairs = [(rng.choice("abcd"), rng.randrange(3)) for _ in range(150)]
    chi2 = stats.ChiSquared()
    for i, (x, y) in enumerate(pairs):
        chi2.update(x, y)
        check_chi2(chi2, pairs[: i + 1])


def test_chi_squared_dependent_data_and_sliding_window():
    rng = random.Random(12)
    pairs = []
    for _ in range(300):
        x = rng.randrange(4)
        pairs.append((x, x % 2 if rng.random() < 0.8 else rng.randrange(3)))
    rolled = utils.Rolling(stats.ChiSquared, window_size=40)
    for i, (x, y) in enumerate(pairs):
        rolled.update(x, y)
        check_chi2(rolled, pairs[max(0, i - 39) : i + 1])


def test_chi_squared_revert_restores_previous_value():
    chi2 = stats.ChiSquared()
    rng = random.Random(13)
    pairs = [(rng.randrange(3), rng.randrange(3)) for _ in range(50)]
    values = []
    for x, y in pairs:
        values.append(chi2.get())
        chi2.update(x, y)
    for (x, y), want in zip(reversed(pairs), reversed(values), strict=True):
        chi2.revert(x, y)
        assert chi2.get() == pytest.approx(want, rel=1e-12, abs=1e-12)
    assert chi2.n == 0 and not chi2.counts and not chi2.x_totals and not chi2.y_totals


def test_chi_squared_refuses_reverting_an_absent_pair():
    chi2 = stats.ChiSquared()
    chi2.update("a", 1)
    before = pickle.dumps(chi2)
    for x, y in [("a", 2), ("b", 1)]:
        with pytest.raises(ValueError, match="not in the table"):
            chi2.revert(x, y)
    with pytest.raises(TypeError, match="y must be hashable"):
        chi2.update("a", [1])
    with pytest.raises(TypeError, match="x must be hashable"):
        chi2.update({}, 1)
    assert pickle.dumps(chi2) == before


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 7, 10, 25, 101, 400])
def test_chi2_survival_function_equals_scipy(dof):
    for x in [0.0, 1e-9, 0.01, 0.5, 1.0, dof / 2, dof, 2 * dof, 5 * dof + 20, 200.0, 1500.0]:
        want = scipy.stats.chi2.sf(x, dof)
        assert chi2_sf(x, dof) == pytest.approx(want, rel=1e-10, abs=1e-300)
    assert chi2_sf(math.inf, dof) == 0.0


def test_chi_squared_batch_and_names():
    rng = random.Random(14)
    xs = [rng.choice("ab") for _ in range(60)]
    ys = [rng.choice("xyz") for _ in range(60)]
    loop = stats.ChiSquared()
    want = []
    for x, y in zip(xs, ys, strict=True):
        loop.update(x, y)
        want.append(loop.get())
    got = stats.ChiSquared().accumulate(xs, ys)
    assert got.dtype == np.float64 and got.tolist() == want
    many = stats.ChiSquared()
    many.update_many(xs, ys)
    assert many.get() == loop.get()
    with pytest.raises(ValueError, match="different lengths"):
        many.update_many(xs, ys[:-1])
    assert many.get() == loop.get()
    fresh = stats.ChiSquared()
    assert (repr(fresh), fresh.name) == ("ChiSquared: 0.", "chi_squared")


# --- shared behaviour of the hashable statistics ------------------------------------------


def all_cases():
    cases = [(cls, p) for cls in HASHABLE_STATS for p in params_of(cls)]
    return [pytest.param(cls, p, id=f"{cls.__name__}-{p}") for cls, p in cases]


@pytest.mark.parametrize("cls, params", all_cases())
def test_batch_equals_loop_and_bad_input_changes_nothing(cls, params):
    rng = random.Random(22)
    xs = hashable_stream(rng, 150, alphabet=6)
    loop = cls(**params)
    want = []
    for x in xs:
        loop.update(x)
        want.append(loop.get())
    got = cls(**params).accumulate(xs)
    assert isinstance(got, np.ndarray)
    assert [None if isinstance(v, float) and math.isnan(v) else v for v in got.tolist()] == want
    many = cls(**params)
    many.update_many(iter(xs))
    # States may differ in lazily pruned bookkeeping, so compare what they give from here on.
    for x in xs[:40]:
        many.update(x)
        loop.update(x)
        assert many.get() == loop.get()
    before = pickle.dumps(many)
    with pytest.raises(TypeError, match="hashable"):
        many.update([1, 2])
    with pytest.raises(TypeError, match="element 2 of the input is not hashable"):
        many.update_many(["a", "b", {}, "c"])
    with pytest.raises(TypeError, match="iterable"):
        many.update_many("abc")
    with pytest.raises(TypeError, match="iterable"):
        many.update_many(3)
    assert pickle.dumps(many) == before


@pytest.mark.parametrize("cls, params", all_cases())
def test_object_array_with_an_unhashable_value_changes_nothing(cls, params):
    stat = cls(**params)
    stat.update_many(["a", "b", "a"])
    before = pickle.dumps(stat)
    batch = np.empty(3, dtype=object)
    batch[0], batch[1], batch[2] = "c", [1], "d"
    for method in (stat.update_many, stat.accumulate):
        with pytest.raises(TypeError, match="element 1 of the input is not hashable"):
            method(batch)
    assert pickle.dumps(stat) == before


def test_accumulate_dtypes():
    assert stats.Mode().accumulate(np.array([3.0, 1.0, 1.0])).dtype == np.float64
    assert stats.Mode().accumulate(["a", "b"]).dtype == object
    assert stats.RollingMode(2).accumulate([]).shape == (0,)
    assert stats.Entropy().accumulate(["a", "b"]).dtype == np.float64


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: stats.Mode(k=2.0), TypeError, "k must be an int"),
        (lambda: stats.RollingMode(0), ValueError, "window_size"),
        (lambda: stats.RollingMode(-3), ValueError, "window_size"),
        (lambda: stats.RollingMode(2.0), TypeError, "window_size must be an int"),
        (lambda: stats.RollingMode(None), TypeError, "window_size"),
        (lambda: stats.RollingMode(10**30), ValueError, "window_size is too large"),
        (lambda: utils.Rolling(Sum, window_size=0), ValueError, "window_size"),
        (lambda: utils.Rolling(Sum, window_size="3"), TypeError, "window_size"),
        (lambda: utils.Rolling(NoRevert, window_size=3), ValueError, "protocol"),
        (lambda: utils.TimeRolling(NoRevert, period=dt.timedelta(1)), ValueError, "protocol"),
        (lambda: utils.SortedWindow(0), ValueError, "size"),
        (lambda: utils.SortedWindow(1.5), TypeError, "size"),
    ],
)
def test_invalid_constructor_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


# --- Rolling ----------------------------------------------------------------------------


@pytest.mark.parametrize("w", [1, 2, 5, 17])
def test_rolling_sum_equals_sum_over_window(w):
    rng = random.Random(w)
    xs = [rng.randint(-50, 50) for _ in range(200)]
    scales = [rng.randint(1, 3) for _ in range(200)]
    rolled = utils.Rolling(Sum, window_size=w, start=7)
    for i, (x, s) in enumerate(zip(xs, scales, strict=True)):
        rolled.update(x, scale=s)
        lo = max(0, i - w + 1)
        assert rolled.get() == 7 + sum(a * b for a, b in zip(xs[lo : i + 1], scales[lo : i + 1], strict=True))
    assert rolled.window_size == w and rolled.total == rolled.get() and rolled.start == 7
    assert repr(rolled) == repr(rolled.obj)


def test_rolling_bad_input_keeps_window_and_value():
    rolled = utils.Rolling(Sum, window_size=3)
    rolled.update_many([1, 2, 3])
    before = (list(rolled.window), rolled.get())
    with pytest.raises(TypeError, match="number"):
        rolled.update("x")
    assert (list(rolled.window), rolled.get()) == before
    rolled.update(10)
    assert rolled.get() == 15


def test_rolling_instance_is_deprecated_and_kwargs_with_instance_refused():
    with pytest.warns(DeprecationWarning, match="deprecated"):
        rolled = utils.Rolling(Sum(start=1), window_size=2)
    rolled.update_many([5, 6, 7])
    assert rolled.get() == 14
    with pytest.raises(TypeError, match="kwargs"):
        utils.Rolling(Sum(), window_size=2, start=3)
    with pytest.raises(TypeError, match="kwargs"):
        utils.TimeRolling(Sum(), period=dt.timedelta(1), start=3)
    with pytest.warns(DeprecationWarning):
        utils.TimeRolling(Sum(), period=dt.timedelta(1))
    fresh = rolled.clone()
    assert type(fresh) is utils.Rolling and fresh.get() == 1 and fresh.window_size == 2


def test_rolling_pickle_deepcopy_clone_mid_stream():
    rolled = utils.Rolling(Sum, window_size=4, start=2)
    rolled.update_many(range(10))
    for twin in (pickle.loads(pickle.dumps(rolled)), copy.deepcopy(rolled)):
        assert type(twin) is utils.Rolling and twin.window_size == 4
        other = copy.deepcopy(rolled)
        for x in range(10, 20):
            twin.update(x)
            other.update(x)
            assert twin.get() == other.get() == 2 + sum(range(x - 3, x + 1))
    fresh = rolled.clone()
    assert type(fresh) is utils.Rolling and fresh.get() == 2 and len(fresh.window) == 0
    assert fresh._get_params() == {"cls": Sum, "window_size": 4, "start": 2}
    assert rolled.get() == 2 + sum(range(6, 10))
    wider = rolled.clone({"window_size": 6, "start": 5})
    assert wider.window_size == 6 and wider.get() == 5
    hourly = utils.TimeRolling(Sum, period=dt.timedelta(1)).clone({"period": dt.timedelta(hours=1)})
    assert hourly.period == dt.timedelta(hours=1) and hourly.get() == 0


def test_rolling_wraps_hashable_statistics():
    rolled = utils.Rolling(stats.ChiSquared, window_size=3)
    assert rolled.name == "chi_squared" and repr(rolled) == "ChiSquared: 0."
    loaded = pickle.loads(pickle.dumps(rolled))
    assert loaded.name == "chi_squared"


# --- TimeRolling ------------------------------------------------------------------------


def time_rolling_oracle(events, period):
    """River's rule: when an event moves the latest time forward, every event kept so far at
    or before latest - period is dropped; an event that does not move it is only added."""
    kept, latest, out = [], None, []
    for x, t in events:
        kept.append((x, t))
        if latest is None or t > latest:
            latest = t
            kept = [(a, b) for a, b in kept if b > t - period]
        out.append(sum(a for a, _ in kept))
    return out


@pytest.mark.parametrize("seconds", [0, 1, 5, 30])
@pytest.mark.parametrize("shuffled", [False, True])
def test_time_rolling_equals_oracle(seconds, shuffled):
    rng = random.Random(seconds + shuffled)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    times = sorted(start + dt.timedelta(seconds=rng.randint(0, 100)) for _ in range(150))
    if shuffled:
        times = [t + dt.timedelta(seconds=rng.randint(-8, 8)) for t in times]
    events = [(rng.randint(-9, 9), t) for t in times]
    period = dt.timedelta(seconds=seconds)
    rolled = utils.TimeRolling(Sum, period=period)
    got = []
    for x, t in events:
        rolled.update(x, t=t)
        got.append(rolled.get())
    assert got == time_rolling_oracle(events, period)


def test_time_rolling_in_order_keeps_the_period():
    period = dt.timedelta(days=3)
    start = dt.datetime(2019, 1, 1)
    rolled = utils.TimeRolling(Sum, period=period)
    for day in range(10):
        rolled.update(day, t=start + dt.timedelta(days=day))
        assert rolled.get() == sum(d for d in range(day + 1) if d > day - 3)


def test_time_rolling_bad_time_changes_nothing_and_pickles():
    rolled = utils.TimeRolling(Sum, period=dt.timedelta(hours=1))
    t0 = dt.datetime(2020, 1, 1)
    rolled.update(5, t=t0)
    before = pickle.dumps(rolled)
    with pytest.raises(TypeError):
        rolled.update(1, t=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))  # naive vs aware
    with pytest.raises(TypeError):
        rolled.update(1, t="2020-01-01")
    with pytest.raises(TypeError, match="number"):
        rolled.update("x", t=t0)
    assert pickle.dumps(rolled) == before
    twin = copy.deepcopy(pickle.loads(before))
    for i in range(1, 5):
        t = t0 + dt.timedelta(minutes=25 * i)
        twin.update(i, t=t)
        rolled.update(i, t=t)
        assert twin.get() == rolled.get()
    assert rolled.get() == 2 + 3 + 4
    fresh = rolled.clone()
    assert type(fresh) is utils.TimeRolling and fresh.get() == 0 and fresh.period == rolled.period


# --- SortedWindow -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_sorted_window_equals_sorted_tail(size):
    rng = random.Random(size)
    xs = [rng.randint(-5, 5) for _ in range(100)]
    window = utils.SortedWindow(size)
    for i, x in enumerate(xs):
        window.append(x)
        assert window == sorted(xs[max(0, i - size + 1) : i + 1])
    assert window.size == size and len(window) == size
    twin = pickle.loads(pickle.dumps(window))
    other = copy.deepcopy(window)
    for x in range(20):
        twin.append(x)
        other.append(x)
        window.append(x)
        assert twin == other == window


def test_sorted_window_refuses_nan_and_incomparable_values():
    window = utils.SortedWindow(3)
    window.extend([3.0, 1.0, 2.0])
    for bad, error in ((math.nan, ValueError), ("x", TypeError)):
        with pytest.raises(error):
            window.append(bad)
        assert window == [1.0, 2.0, 3.0] and list(window.unsorted_window) == [3.0, 1.0, 2.0]
