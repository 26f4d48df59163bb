"""Properties over every statistic of `river.stats.__all__`, with hypothesis-generated streams.

Every test runs a fixed set of examples (`derandomize=True`, no example database), so a run is
reproducible and a failure is seen by everyone. The classes come from
`test_all_stats.CATALOGUE` (constructor arguments and input kind); a class lacking a capability
(`revert`, `__add__`/`__sub__`, a weight) is not parametrized for the tests of that capability.

- pickling at any point changes nothing afterwards (every class; the spec asks it of the
  numeric univariate ones, the others are covered too);
- `update_many` and `accumulate` equal the per-element loop (every univariate class);
- `update(x)` then `revert(x)` restores the previous value: exactly for counting statistics
  (`EXACT_REVERT`), to 1e-9 relative otherwise;
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
from hypothesis import given, settings
from hypothesis import strategies as st
from test_all_stats import CATALOGUE, NAMES

from river import stats

NAMES = [name for name in NAMES if name in CATALOGUE]

# Counting statistics: revert undoes update exactly.
EXACT_REVERT = {"ChiSquared", "KolmogorovSmirnov", "Count"}

FAST = settings(derandomize=True, database=None, deadline=None, max_examples=25)
THOROUGH = settings(derandomize=True, database=None, deadline=None, max_examples=120)


def kind_of(name):
    return CATALOGUE[name][3]


def make(name):
    return getattr(stats, name)(**CATALOGUE[name][0])


def is_bivariate(name):
    return kind_of(name).startswith("biv")


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
    kind = kind_of(name)
    if kind == "num":
        return values
    if kind == "hash":
        return hashable
    if kind == "biv_num":
        return st.tuples(values, values)
    return st.tuples(hashable, hashable)


def streams(name, values=any_float, min_size=0, max_size=40):
    return st.lists(item_strategy(name, values), min_size=min_size, max_size=max_size)


def push(stat, name, item, **kw):
    if is_bivariate(name):
        stat.update(*item, **kw)
    else:
        stat.update(item, **kw)


def key(v):
    """Exact equality, NaN equal to NaN, -0.0 distinct from 0.0."""
    if isinstance(v, float):
        return ("float", repr(float(v)))
    return (type(v).__name__, v)


def state(stat):
    """The state: the pickled bytes of a Rust-backed statistic, the attributes of a Python one
    (whose pickle also depends on which equal objects are identical, e.g. interned strings)."""
    getstate = getattr(stat, "__getstate__", None)
    s = getstate() if getstate is not None else None
    return s if isinstance(s, bytes) else vars(stat)


def close(a, b, scale):
    """1e-9 relative, with an absolute floor at the round-off level of the data's scale."""
    if a is None or b is None:
        return a is b
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * scale)


def scale_of(items):
    flat = [abs(v) for item in items for v in (item if isinstance(item, tuple) else (item,))]
    m = max(flat, default=1.0)
    return max(1.0, m) ** 2


# --- pickling -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(data=st.data())
def test_pickling_at_any_point_changes_nothing_afterwards(name, data):
    items = data.draw(streams(name), label="stream")
    cut = data.draw(st.integers(0, len(items)), label="cut")
    stat = make(name)
    for item in items[:cut]:
        push(stat, name, item)
    protocol = data.draw(st.sampled_from([2, 4, pickle.HIGHEST_PROTOCOL]), label="protocol")
    loaded = pickle.loads(pickle.dumps(stat, protocol=protocol))
    assert type(loaded) is type(stat)
    assert key(loaded.get()) == key(stat.get())
    for item in items[cut:]:
        push(stat, name, item)
        push(loaded, name, item)
        assert key(loaded.get()) == key(stat.get())
    assert state(loaded) == state(stat)


# --- batches --------------------------------------------------------------------------------

UNIVARIATE = [name for name in NAMES if not is_bivariate(name)]


def as_batch(name, items, container):
    if container == "ndarray" and kind_of(name) == "num":
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
    many, loop = make(name), make(name)
    for item in head:
        push(many, name, item)
        push(loop, name, item)
    many.update_many(as_batch(name, items, container))
    for item in items:
        push(loop, name, item)
    assert state(many) == state(loop)
    assert key(many.get()) == key(loop.get())


@pytest.mark.parametrize("name", UNIVARIATE)
@FAST
@given(data=st.data())
def test_accumulate_equals_the_loop(name, data):
    head = data.draw(streams(name), label="head")
    items = data.draw(streams(name), label="batch")
    container = data.draw(st.sampled_from(["list", "ndarray", "iterator"]), label="container")
    acc, loop = make(name), make(name)
    for item in head:
        push(acc, name, item)
        push(loop, name, item)
    got = acc.accumulate(as_batch(name, items, container))
    want = []
    for item in items:
        push(loop, name, item)
        want.append(loop.get())
    assert isinstance(got, np.ndarray) and got.shape == (len(items),)
    if got.dtype == object:  # values that are not all numbers are given as they are
        assert [key(v) for v in got.tolist()] == [key(v) for v in want]
    else:  # None is given as NaN
        assert got.dtype == np.float64
        assert [key(float(v)) for v in got.tolist()] == [
            key(math.nan if v is None else float(v)) for v in want
        ]
    assert state(acc) == state(loop)


# --- revert ---------------------------------------------------------------------------------


def takes_weight(name):
    if kind_of(name).endswith("hash"):
        return False
    stat = make(name)
    try:
        push(stat, name, (1.0, 2.0) if is_bivariate(name) else 1.0, w=1.0)
    except TypeError:
        return False
    return True


REVERTIBLE = [name for name in NAMES if callable(getattr(getattr(stats, name), "revert", None))]


def revert(stat, name, item, **kw):
    if is_bivariate(name):
        stat.revert(*item, **kw)
    else:
        stat.revert(item, **kw)


@pytest.mark.parametrize("name", REVERTIBLE)
@FAST
@given(data=st.data())
def test_update_then_revert_restores_the_previous_value(name, data):
    items = data.draw(streams(name, moderate_float, min_size=0, max_size=30), label="stream")
    stat = make(name)
    for item in items:
        push(stat, name, item)
    weighted = takes_weight(name)
    for _ in range(3):
        x = data.draw(item_strategy(name, moderate_float), label="x")
        kw = {"w": data.draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]), label="w")} if weighted else {}
        before = stat.get()
        push(stat, name, x, **kw)
        revert(stat, name, x, **kw)
        after = stat.get()
        if name in EXACT_REVERT:
            assert key(after) == key(before)
        else:
            assert close(after, before, scale_of([*items, x])), (before, after)


# --- merges ---------------------------------------------------------------------------------

MERGEABLE = [
    name
    for name in NAMES
    if all(callable(getattr(getattr(stats, name), op, None)) for op in ("__add__", "__sub__"))
]


@pytest.mark.parametrize("name", MERGEABLE)
@FAST
@given(data=st.data())
def test_merge_and_unmerge(name, data):
    left = data.draw(streams(name, moderate_float), label="a")
    right = data.draw(streams(name, moderate_float), label="b")
    a, b, both = make(name), make(name), make(name)
    for item in left:
        push(a, name, item)
        push(both, name, item)
    for item in right:
        push(b, name, item)
        push(both, name, item)
    a_state, b_state = pickle.dumps(a), pickle.dumps(b)
    scale = scale_of([*left, *right])
    total = a + b
    assert pickle.dumps(a) == a_state and pickle.dumps(b) == b_state
    assert type(total) is type(a)
    assert close(total.get(), both.get(), scale), (total.get(), both.get())
    recovered = total - b
    assert pickle.dumps(b) == b_state
    assert close(recovered.get(), a.get(), scale), (recovered.get(), a.get())
    in_place = copy.deepcopy(a)
    in_place += b
    assert close(in_place.get(), total.get(), scale)
    in_place -= b
    assert close(in_place.get(), a.get(), scale)
    assert pickle.dumps(b) == b_state


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


@pytest.mark.skipif("RollingQuantile" not in NAMES, reason="RollingQuantile not in river.stats")
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


@pytest.mark.skipif("RollingIQR" not in NAMES, reason="RollingIQR not in river.stats")
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
