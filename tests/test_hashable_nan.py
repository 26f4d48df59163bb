"""NaN as a value of the statistics of hashables (Mode, RollingMode, Entropy, ChiSquared).

A NaN is unequal to itself and hashes by identity, so a dict keyed by the objects themselves
would count `float("nan")` twice as two values and `math.nan` twice as one, and a pickle (which
does not keep the identity of floats) would give each internal structure its own NaN. Here all
NaNs (float, negative, NumPy floating scalars, Decimal) are one value, counted under `math.nan`.

The oracles count by hand, with `collections.Counter` over the stream in which every NaN is
replaced by one marker object; ChiSquared is checked against scipy.stats.chi2_contingency.
"""

from __future__ import annotations

import collections
import copy
import math
import pickle
from decimal import Decimal

import numpy as np
import pytest
import scipy.stats

from river import stats, utils
from river.stats import _hashable

MARK = object()  # what every NaN becomes in the oracles


def canon(v):
    return MARK if isinstance(v, (float, np.floating, Decimal)) and v != v else v


# Each call gives a new object (copy.copy would give back the same float).
NAN_MAKERS = [
    lambda: float("nan"),
    lambda: -float("nan"),
    lambda: np.float64("nan"),
    lambda: np.float32("nan"),
    lambda: np.float16("nan"),
    lambda: Decimal("NaN"),
    lambda: Decimal("-NaN"),
    lambda: np.array([np.nan]).tolist()[0],
]


def nan_objects():
    """NaNs that are all distinct objects (and of several types), but one value."""
    return [math.nan, -math.nan, *(make() for make in NAN_MAKERS)]


def stream(n=300, seed=0):
    """Small ints, strings and NaNs of every kind (`math.nan` included), each other NaN a new object."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        r = rng.integers(0, 10)
        if r < 4:
            out.append(NAN_MAKERS[rng.integers(0, len(NAN_MAKERS))]() if r else math.nan)
        elif r < 7:
            out.append(int(rng.integers(0, 4)))
        else:
            out.append("abc"[rng.integers(0, 3)])
    return out


def keys_as_oracle(d):
    """The keys of a statistic's table with its NaN key as MARK, and a check there is one."""
    nan_keys = [k for k in d if _hashable.is_nan(k)]
    assert len(nan_keys) <= 1, nan_keys
    assert all(k is math.nan for k in nan_keys)
    return {canon(k): v for k, v in d.items()}


def same(a, b):
    return canon(a) is canon(b) or a == b


def mode_oracle(xs, k=-1):
    counts, first = collections.Counter(), []
    for x in map(canon, xs):
        if x in counts or k == -1 or len(counts) < k:
            if x not in counts:
                first.append(x)
            counts[x] += 1
    if not counts:
        return counts, None
    top = max(counts.values())
    return counts, next(v for v in first if counts[v] == top)


def rolling_mode_oracle(xs, w):
    """Mode of each window; ties to the value that entered the window's counts first."""
    window, entered, out = collections.deque(), {}, []
    for t, x in enumerate(map(canon, xs)):
        if len(window) == w:
            old = window.popleft()
            if old not in window:
                del entered[old]
        if x not in entered:
            entered[x] = t
        window.append(x)
        counts = collections.Counter(window)
        top = max(counts.values())
        out.append(min((v for v in counts if counts[v] == top), key=entered.__getitem__))
    return collections.Counter(window), out


def chi2_oracle(pairs):
    table = collections.Counter((canon(x), canon(y)) for x, y in pairs)
    rows = list(dict.fromkeys(x for x, _ in table))
    cols = list(dict.fromkeys(y for _, y in table))
    if len(rows) < 2 or len(cols) < 2:
        return table, 0.0
    observed = np.array([[table[r, c] for c in cols] for r in rows])
    return table, scipy.stats.chi2_contingency(observed, correction=False)[0]


def test_the_nan_objects_are_distinct_and_unequal():
    nans = nan_objects()
    assert len({id(v) for v in nans}) == len(nans)
    assert all(v != v for v in nans)


@pytest.mark.parametrize("k", [-1, 3])
def test_mode_counts_all_nans_as_one_value(k):
    xs = stream()
    mode = stats.Mode(k=k)
    for i, x in enumerate(xs):
        mode.update(x)
        counts, want = mode_oracle(xs[: i + 1], k)
        assert same(mode.get(), want)
    assert keys_as_oracle(mode.counts) == counts


def test_mode_of_nans_only():
    mode = stats.Mode()
    for x in nan_objects():
        mode.update(x)
    assert mode.counts == {math.nan: len(nan_objects())}  # equal by identity of the one key
    assert mode.get() is math.nan


@pytest.mark.parametrize("window_size", [1, 3, 10])
def test_rolling_mode_counts_all_nans_as_one_value(window_size):
    xs = stream()
    rolling = stats.RollingMode(window_size)
    got = []
    for x in xs:
        rolling.update(x)
        got.append(canon(rolling.get()))
    counts, want = rolling_mode_oracle(xs, window_size)
    assert got == want
    assert keys_as_oracle(rolling.counts) == counts
    assert all(v is math.nan for v in rolling.window if _hashable.is_nan(v))


@pytest.mark.parametrize("fading_factor", [1, 0.9])
def test_entropy_counts_all_nans_as_one_value(fading_factor):
    xs = stream()
    entropy = stats.Entropy(fading_factor=fading_factor)
    # The same stream with every NaN replaced by one string that appears nowhere else.
    relabelled = stats.Entropy(fading_factor=fading_factor)
    for x in xs:
        entropy.update(x)
        relabelled.update("NaN" if canon(x) is MARK else x)
        assert entropy.get() == relabelled.get()
    counts = collections.Counter(map(canon, xs))
    assert keys_as_oracle(entropy.counter) == counts
    if fading_factor == 1:
        assert entropy.get() == pytest.approx(scipy.stats.entropy(list(counts.values())), rel=1e-6)


def test_chi_squared_counts_all_nans_as_one_value():
    xs, ys = stream(seed=1), stream(seed=2)
    chi2 = stats.ChiSquared()
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        chi2.update(x, y)
        if i % 25 == 24:
            _, want = chi2_oracle(list(zip(xs[: i + 1], ys[: i + 1], strict=True)))
            assert chi2.get() == pytest.approx(want, rel=1e-9)
    table, _ = chi2_oracle(zip(xs, ys, strict=True))
    got = {(canon(x), canon(y)): c for x, row in chi2.counts.items() for y, c in row.items()}
    assert got == dict(table)
    assert keys_as_oracle(chi2.x_totals) == collections.Counter(map(canon, xs))
    assert keys_as_oracle(chi2.y_totals) == collections.Counter(map(canon, ys))
    for row in chi2.counts.values():
        keys_as_oracle(row)
    keys_as_oracle(chi2.counts)


def test_chi_squared_revert_finds_the_nan_whatever_its_object():
    chi2 = stats.ChiSquared()
    chi2.update(float("nan"), "a")
    chi2.update(1, float("nan"))
    chi2.update(2, "b")
    chi2.revert(np.float32("nan"), "a")
    chi2.revert(1, Decimal("NaN"))
    assert dict(chi2.counts) == {2: {"b": 1}}
    assert chi2.x_totals == {2: 1} and chi2.y_totals == {"b": 1} and chi2.n == 1
    with pytest.raises(ValueError, match="not in the table"):
        chi2.revert(float("nan"), "a")


STATS = {
    "Mode": lambda: stats.Mode(k=-1),
    "Mode-k": lambda: stats.Mode(k=4),
    "RollingMode": lambda: stats.RollingMode(5),
    "Entropy": lambda: stats.Entropy(),
    "Entropy-fading": lambda: stats.Entropy(fading_factor=0.9),
    "ChiSquared": stats.ChiSquared,
    "Rolling-ChiSquared": lambda: utils.Rolling(stats.ChiSquared, window_size=7),
}


def pairs(xs):
    return list(zip(xs, reversed(xs), strict=True))


def feed_values(stat, xs):
    bivariate = isinstance(stat, (stats.ChiSquared, utils.Rolling))
    out = []
    for item in pairs(xs) if bivariate else xs:
        stat.update(*item) if bivariate else stat.update(item)
        out.append(canon(stat.get()))
    return out


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
@pytest.mark.parametrize("name", STATS)
def test_a_copy_after_nans_continues_exactly_as_the_original(name, how):
    stat = STATS[name]()
    feed_values(stat, stream(60, seed=3))
    twin = pickle.loads(pickle.dumps(stat)) if how == "pickle" else copy.deepcopy(stat)
    more = stream(60, seed=4)  # NaNs included, new objects each
    assert feed_values(twin, more) == feed_values(stat, more)
    assert pickle.dumps(twin) == pickle.dumps(stat)


@pytest.mark.parametrize("name", ["Mode", "RollingMode", "Entropy"])
@pytest.mark.parametrize("container", ["list", "float64", "object"])
def test_batches_count_all_nans_as_one_value(name, container):
    xs = stream(120, seed=5)
    if container == "float64":
        xs = [float(x) if isinstance(x, (int, float, np.floating, Decimal)) else float(len(x)) for x in xs]
        batch = np.asarray(xs, dtype=np.float64)  # its NaNs become new objects in tolist()
    elif container == "object":
        batch = np.empty(len(xs), dtype=object)
        batch[:] = xs
    else:
        batch = list(xs)
    looped = STATS[name]()
    want = feed_values(looped, xs)
    plain = STATS[name]()  # a loop of updates without get, which may tidy internals lazily
    for x in xs:
        plain.update(x)
    many = STATS[name]()
    many.update_many(batch)
    assert pickle.dumps(many) == pickle.dumps(plain)
    acc = STATS[name]().accumulate(batch)
    assert [canon(v) for v in acc.tolist()] == want
    table = looped.counter if name == "Entropy" else looped.counts
    window = xs[-5:] if name == "RollingMode" else xs
    assert keys_as_oracle(table) == collections.Counter(map(canon, window))


@pytest.mark.parametrize("container", ["list", "float64", "object"])
def test_chi_squared_batches_count_all_nans_as_one_value(container):
    xs, ys = [float(v) for v in range(4)] * 20, [math.nan, 1.0, float("nan"), 2.0, np.nan] * 16
    if container == "float64":
        bx, by = np.asarray(xs), np.asarray(ys)
    elif container == "object":
        bx, by = np.empty(len(xs), dtype=object), np.empty(len(ys), dtype=object)
        bx[:], by[:] = xs, ys
    else:
        bx, by = list(xs), list(ys)
    many = stats.ChiSquared()
    many.update_many(bx, by)
    table, want = chi2_oracle(zip(xs, ys, strict=True))
    assert many.get() == pytest.approx(want, rel=1e-9)
    assert len(many.y_totals) == 3
    acc = stats.ChiSquared().accumulate(bx, by)
    looped = stats.ChiSquared()
    assert acc.tolist() == [(looped.update(x, y), looped.get())[1] for x, y in zip(xs, ys, strict=True)]


# --- states kept before all NaNs were one value -------------------------------------------------


def identity_state(name, xs):
    """The state an earlier version kept, when NaNs were counted by identity: a dict holds
    each distinct NaN object as a key of its own."""

    def tally(values):
        out: dict = {}
        for v in values:
            out[v] = out.get(v, 0) + 1
        return out

    if name == "Mode":
        return {"k": -1, "counts": tally(xs)}
    if name == "RollingMode":
        return {"window": collections.deque(xs[-5:], maxlen=5), "counts": tally(xs[-5:])}
    if name == "Entropy":
        h, n, counter, eps = 0.0, 0, {}, 1e-8
        for x in xs:  # River's update formula
            cx = counter.get(x, 0)
            h = (n + eps) / (n + 1) * (h - math.log((n + eps) / (n + 1)))
            h -= (cx + 1) / (n + 1) * math.log((cx + 1) / (n + 1))
            h += (cx + eps) / (n + 1) * math.log((cx + eps) / (n + 1))
            n, counter[x] = n + 1, cx + 1
        return {"fading_factor": 1, "eps": eps, "entropy": h, "n": n, "counter": collections.Counter(counter)}
    ps = pairs(xs)
    table: dict = {}
    for x, y in ps:
        row = table.setdefault(x, {})
        row[y] = row.get(y, 0) + 1
    return {
        "counts": table,
        "x_totals": tally([x for x, _ in ps]),
        "y_totals": tally([y for _, y in ps]),
        "n": len(ps),
        "_value": None,
    }


@pytest.mark.parametrize("name", ["Mode", "RollingMode", "Entropy", "ChiSquared"])
def test_a_pickle_with_several_nan_keys_loads_with_one(name):
    xs = [float("nan"), "a", float("nan"), float("nan"), "a", 1]  # three NaN keys
    state = identity_state(name, xs)
    table = (
        state["x_totals"]
        if name == "ChiSquared"
        else state["counter"]
        if name == "Entropy"
        else state["counts"]
    )
    assert sum(map(_hashable.is_nan, table)) == (2 if name == "RollingMode" else 3)  # 5 kept
    loaded = STATS[name]()
    loaded.__setstate__(state)  # what pickle does with a state of that version
    window = xs[-5:] if name == "RollingMode" else xs
    if name == "ChiSquared":
        table, want = chi2_oracle(pairs(xs))
        got = {(canon(x), canon(y)): c for x, row in loaded.counts.items() for y, c in row.items()}
        assert got == dict(table)
        assert keys_as_oracle(loaded.x_totals) == collections.Counter(map(canon, xs))
        assert loaded.get() == pytest.approx(want, rel=1e-9)
    else:
        table = loaded.counter if name == "Entropy" else loaded.counts
        assert keys_as_oracle(table) == collections.Counter(map(canon, window))
    if name == "Mode":
        assert loaded.get() is math.nan  # three NaNs now outnumber the two "a"
    # Once what was kept has left the window, a RollingMode is exactly a fresh one.
    if name == "RollingMode":
        more = [f"new-{i}" for i in range(5)] + stream(40, seed=6)
        fresh = STATS[name]()
        feed_values(fresh, xs)
        assert feed_values(loaded, more)[5:] == feed_values(fresh, more)[5:]
    else:
        more = stream(40, seed=6)
        again = pickle.loads(pickle.dumps(loaded))
        assert feed_values(loaded, more) == feed_values(again, more)
