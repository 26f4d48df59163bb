"""Properties over every statistic of `river.stats.__all__`, with hypothesis-generated streams.

Every test runs a fixed set of examples (`derandomize=True`, no example database), so a run is
reproducible and a failure is seen by everyone. The classes come from catalogue.py
(constructor arguments, input kind, revert, merge, weight); a class lacking a capability is not
parametrized for the tests of that capability.

- pickling at any point changes nothing afterwards (every class; the spec asks it of the
  numeric univariate ones, the others are covered too);
- `update_many` and `accumulate` equal the per-element loop (every univariate class);
- `update(x)` then `revert(x)` restores the previous value: exactly for counting statistics
  (`reverts == "exact"`), to REVERT_REL otherwise;
- `a + b` equals one statistic fed both streams, `(a + b) - b` recovers `a`, and `a + b` leaves
  both operands unchanged (classes with `__add__` and `__sub__`);
- RollingQuantile and RollingIQR equal numpy.quantile over the window, bit for bit, on streams
  with ties and infinities.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from catalogue import (
    BY_NAME,
    EXACT,
    NAMES,
    REVERT_REL,
    REVERTIBLE,
    close,
    entries,
    exact,
    pull,
    push,
    state,
    unmerge_tolerance,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from river import stats

FAST = settings(derandomize=True, database=None, deadline=None, max_examples=25)
THOROUGH = settings(derandomize=True, database=None, deadline=None, max_examples=120)


# Any finite or infinite float, and small integers so that ties are common.
any_float = st.one_of(
    st.integers(-4, 4).map(float),
    st.floats(allow_nan=False, allow_infinity=True),
    st.floats(-1e3, 1e3, allow_nan=False),
)
# Values where floating errors stay of the order of the machine epsilon times the data's scale:
# quarter steps in [-100, 100] (ties included) and unrounded floats of the same range.
moderate_float = st.one_of(
    st.integers(-400, 400).map(lambda i: i / 4),
    st.floats(-100, 100, allow_nan=False),
)
hashable = st.sampled_from(["a", "b", "c", 1, 2.5, None, (1, 2), True])


def item_strategy(name, values):
    kind = BY_NAME[name].kind
    if kind == "num":
        return values
    if kind == "hash":
        return hashable
    if kind == "biv_num":
        return st.tuples(values, values)
    return st.tuples(hashable, hashable)


def streams(name, values=any_float, min_size=0, max_size=40):
    return st.lists(item_strategy(name, values), min_size=min_size, max_size=max_size)


def scale_of(items):
    """The round-off level of the data: 1e-12 times the largest square (an absolute floor for
    `close`, where a value cancels to near 0)."""
    flat = [
        abs(v)
        for item in items
        for v in (item if isinstance(item, tuple) else (item,))
        if isinstance(v, (int, float))  # hashable streams have none: the floor is 1e-12
    ]
    m = max(flat, default=1.0)
    return 1e-12 * max(1.0, m) ** 2


# --- pickling -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(data=st.data())
def test_pickling_at_any_point_changes_nothing_afterwards(name, data):
    items = data.draw(streams(name), label="stream")
    cut = data.draw(st.integers(0, len(items)), label="cut")
    stat = BY_NAME[name].make()
    for item in items[:cut]:
        push(stat, BY_NAME[name], item)
    protocol = data.draw(st.sampled_from([2, 4, pickle.HIGHEST_PROTOCOL]), label="protocol")
    loaded = pickle.loads(pickle.dumps(stat, protocol=protocol))
    assert type(loaded) is type(stat)
    assert exact(loaded.get()) == exact(stat.get())
    for item in items[cut:]:
        push(stat, BY_NAME[name], item)
        push(loaded, BY_NAME[name], item)
        assert exact(loaded.get()) == exact(stat.get())
    assert state(loaded) == state(stat)


# --- batches --------------------------------------------------------------------------------

UNIVARIATE = [name for name in NAMES if not BY_NAME[name].bivariate]


def as_batch(name, items, container):
    if container == "ndarray" and BY_NAME[name].kind == "num":
        return np.asarray(items, dtype=np.float64)
    if container == "iterator":
        return iter(items)
    return list(items)


@pytest.mark.parametrize("name", UNIVARIATE)
@FAST
@given(data=st.data())
def test_update_many_equals_the_loop(name, data):
    head = data.draw(streams(name), label="head")
    items = data.draw(streams(name), label="batch")
    container = data.draw(st.sampled_from(["list", "ndarray", "iterator"]), label="container")
    many, loop = BY_NAME[name].make(), BY_NAME[name].make()
    for item in head:
        push(many, BY_NAME[name], item)
        push(loop, BY_NAME[name], item)
    many.update_many(as_batch(name, items, container))
    for item in items:
        push(loop, BY_NAME[name], item)
    assert state(many) == state(loop)
    assert exact(many.get()) == exact(loop.get())


@pytest.mark.parametrize("name", UNIVARIATE)
@FAST
@given(data=st.data())
def test_accumulate_equals_the_loop(name, data):
    head = data.draw(streams(name), label="head")
    items = data.draw(streams(name), label="batch")
    container = data.draw(st.sampled_from(["list", "ndarray", "iterator"]), label="container")
    acc, loop = BY_NAME[name].make(), BY_NAME[name].make()
    for item in head:
        push(acc, BY_NAME[name], item)
        push(loop, BY_NAME[name], item)
    got = acc.accumulate(as_batch(name, items, container))
    want = []
    for item in items:
        push(loop, BY_NAME[name], item)
        want.append(loop.get())
    assert isinstance(got, np.ndarray) and got.shape == (len(items),)
    if got.dtype == object:  # values that are not all numbers are given as they are
        assert [exact(v) for v in got.tolist()] == [exact(v) for v in want]
    else:  # None is given as NaN
        assert got.dtype == np.float64
        assert [exact(float(v)) for v in got.tolist()] == [
            exact(math.nan if v is None else float(v)) for v in want
        ]
    assert state(acc) == state(loop)


# --- revert ---------------------------------------------------------------------------------


REVERTIBLE_NAMES = [e.name for e in REVERTIBLE]


@pytest.mark.parametrize("name", REVERTIBLE_NAMES)
@FAST
@given(data=st.data())
def test_update_then_revert_restores_the_previous_value(name, data):
    items = data.draw(streams(name, moderate_float, min_size=0, max_size=30), label="stream")
    stat = BY_NAME[name].make()
    for item in items:
        push(stat, BY_NAME[name], item)
    weighted = BY_NAME[name].weighted
    for _ in range(3):
        x = data.draw(item_strategy(name, moderate_float), label="x")
        kw = {"w": data.draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]), label="w")} if weighted else {}
        before = stat.get()
        push(stat, BY_NAME[name], x, **kw)
        pull(stat, BY_NAME[name], x, **kw)
        after = stat.get()
        if BY_NAME[name].reverts == "exact":
            assert exact(after) == exact(before)
        else:
            assert close(after, before, REVERT_REL, scale_of([*items, x])), (before, after)


# --- merges ---------------------------------------------------------------------------------

MERGEABLE = [e.name for e in entries(unmerges=True)]


@pytest.mark.parametrize("name", MERGEABLE)
@FAST
@given(data=st.data())
def test_merge_and_unmerge(name, data):
    left = data.draw(streams(name, moderate_float), label="a")
    right = data.draw(streams(name, moderate_float), label="b")
    params = BY_NAME[name].merge_params
    a, b, both = (BY_NAME[name].make(params) for _ in range(3))
    for item in left:
        push(a, BY_NAME[name], item)
        push(both, BY_NAME[name], item)
    for item in right:
        push(b, BY_NAME[name], item)
        push(both, BY_NAME[name], item)
    a_state, b_state = pickle.dumps(a), pickle.dumps(b)
    scale = scale_of([*left, *right])
    total = a + b
    assert pickle.dumps(a) == a_state and pickle.dumps(b) == b_state
    assert type(total) is type(a)
    assert close(total.get(), both.get(), REVERT_REL, scale), (total.get(), both.get())
    recovered = total - b
    assert pickle.dumps(b) == b_state
    # Ratios of moments (Skew, Kurtosis) are held to their conditioned bound, relative to
    # 1 + |value| (they are scale-free), and exactly for what is left constant.
    rel = unmerge_tolerance(name, [*left, *right], left)
    rel, floor = (REVERT_REL, scale) if rel is None else (rel, rel)
    assert close(recovered.get(), a.get(), rel, floor), (recovered.get(), a.get())
    in_place = copy.deepcopy(a)
    in_place += b
    assert close(in_place.get(), total.get(), REVERT_REL, scale)
    in_place -= b
    assert close(in_place.get(), a.get(), rel, floor)
    assert pickle.dumps(b) == b_state


EXACT_MERGES = [e.name for e in entries(merges=EXACT)]


@pytest.mark.parametrize("name", EXACT_MERGES)
@FAST
@given(data=st.data())
def test_exact_merges_equal_one_statistic_fed_both_streams(name, data):
    """Counts, extrema and tables: `a + b` holds the very state of one statistic fed both
    streams, infinities, ties and repeated hashables included."""
    entry = BY_NAME[name]
    left = data.draw(streams(name, any_float), label="a")
    right = data.draw(streams(name, any_float), label="b")
    params = entry.merge_params
    a, b, both = (entry.make(params) for _ in range(3))
    for item in left:
        push(a, entry, item)
        push(both, entry, item)
    for item in right:
        push(b, entry, item)
        push(both, entry, item)
    total = a + b
    assert exact(total.get()) == exact(both.get())
    assert state(total) == state(both)


# --- rolling quantiles against numpy ---------------------------------------------------------

edge_float = st.one_of(
    st.sampled_from([math.inf, -math.inf, 0.0, -0.0, 1.0, 2.0, 1e308, -1e308, 5e-324]),
    st.integers(-3, 3).map(float),
    st.floats(allow_nan=False, allow_infinity=True),
)
quantile_level = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.floats(0.0, 1.0))


def bits(v):
    """Exact float equality: NaN positions equal, 0.0 and -0.0 equal (numpy's own comparison)."""
    return "nan" if math.isnan(v) else v


@THOROUGH
@given(
    xs=st.lists(edge_float, min_size=1, max_size=40),
    q=quantile_level,
    window=st.integers(1, 12),
)
def test_rolling_quantile_equals_numpy(xs, q, window):
    rq = stats.RollingQuantile(q=q, window_size=window)
    for i, x in enumerate(xs):
        rq.update(x)
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf inside numpy's lerp
            want = float(np.quantile(np.array(xs[max(0, i + 1 - window) : i + 1]), q, method="linear"))
        assert bits(rq.get()) == bits(want), (i, rq.get(), want)


@THOROUGH
@given(
    xs=st.lists(edge_float, min_size=1, max_size=40),
    qs=st.tuples(quantile_level, quantile_level).filter(lambda p: p[0] < p[1]),
    window=st.integers(1, 12),
)
def test_rolling_iqr_equals_numpy(xs, qs, window):
    q_inf, q_sup = qs
    iqr = stats.RollingIQR(window_size=window, q_inf=q_inf, q_sup=q_sup)
    for i, x in enumerate(xs):
        iqr.update(x)
        w = np.array(xs[max(0, i + 1 - window) : i + 1])
        with np.errstate(invalid="ignore", over="ignore"):
            want = float(np.quantile(w, q_sup, method="linear") - np.quantile(w, q_inf, method="linear"))
        assert bits(iqr.get()) == bits(want), (i, iqr.get(), want)
