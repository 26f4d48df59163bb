"""KLLQuantile: accuracy against exact ranks (numpy), merges, seeded randomness, pickling, bad
input, and the Apache DataSketches format checked both ways against the `datasketches` package."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from river import stats

datasketches = pytest.importorskip("datasketches")

BOUND = datasketches.kll_doubles_sketch.get_normalized_rank_error(200, False)  # 1.33%
PERCENTILES = np.arange(1, 100) / 100


def worst_rank_error(sketch, data: np.ndarray) -> float:
    """The largest distance between q and the true rank interval of `sketch.quantile(q)`,
    over the 99 percentiles; true ranks from the sorted data."""
    data = np.sort(data)
    worst = 0.0
    for q in PERCENTILES:
        v = sketch.quantile(q)
        lo = np.searchsorted(data, v, side="left") / len(data)
        hi = np.searchsorted(data, v, side="right") / len(data)
        worst = max(worst, lo - q, q - hi, 0.0)
    return worst


def streams(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    mixed = x * 10.0 ** rng.integers(-300, 300, n)
    mixed[rng.integers(0, n, n // 50)] = np.inf
    mixed[rng.integers(0, n, n // 50)] = -np.inf
    return {
        "shuffled": x,
        "sorted": np.sort(x),
        "reversed": np.sort(x)[::-1].copy(),
        "duplicated": rng.integers(0, 10, n).astype(float),
        "mixed_magnitude_inf": mixed,
    }


def tree_merge(sketches: list) -> stats.KLLQuantile:
    while len(sketches) > 1:
        sketches = [
            sketches[i] + sketches[i + 1] if i + 1 < len(sketches) else sketches[i]
            for i in range(0, len(sketches), 2)
        ]
    return sketches[0]


@pytest.mark.parametrize("name", list(streams(10)))
def test_rank_error_within_bound_one_stream_and_after_tree_merge(name):
    data = streams(320_000)[name]
    one = stats.KLLQuantile()
    one.update_many(data)
    assert one.n == len(data)
    assert worst_rank_error(one, data) < BOUND
    shards = []
    for i, part in enumerate(np.array_split(data, 64)):
        s = stats.KLLQuantile(seed=i)
        s.update_many(part)
        shards.append(s)
    merged = tree_merge(shards)
    assert merged.n == len(data)
    assert worst_rank_error(merged, data) < BOUND


def test_error_comparable_to_datasketches():
    # Their coin flips are not seeded: compare means over several sketches, with a margin.
    data = streams(100_000, seed=3)["shuffled"]
    ours, theirs = [], []
    for seed in range(8):
        s = stats.KLLQuantile(seed=seed)
        s.update_many(data)
        ours.append(worst_rank_error(s, data))
        t = datasketches.kll_doubles_sketch(200)
        t.update(data)

        class Theirs:
            quantile = staticmethod(t.get_quantile)

        theirs.append(worst_rank_error(Theirs, data))
    assert max(ours) < BOUND
    assert np.mean(ours) < 1.5 * np.mean(theirs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False, width=64), min_size=1, max_size=200), st.floats(0, 1))
def test_exact_while_at_most_k_values(xs, q):
    s = stats.KLLQuantile()
    s.update_many(xs)
    data = np.sort(np.asarray(xs, dtype=float) + 0.0)
    n = len(data)
    # Exclusive (the default, River's Quantile's and DataSketches' rule): index floor(q n);
    # inclusive: index ceil(q n) - 1.
    assert s.quantile(q) == data[min(math.floor(q * n), n - 1)]
    assert s.quantile(q, inclusive=True) == data[max(math.ceil(q * n) - 1, 0)]
    assert s.quantile(0) == data[0] and s.quantile(1) == data[-1]
    for v in xs[:5]:
        assert s.rank(v) == np.count_nonzero(data < v) / n
        assert s.rank(v, inclusive=True) == np.count_nonzero(data <= v) / n
    np.testing.assert_array_equal(s.cdf(xs[:5]), [s.rank(v) for v in xs[:5]])
    np.testing.assert_array_equal(s.cdf(xs[:5], inclusive=True), [s.rank(v, inclusive=True) for v in xs[:5]])


def test_empty():
    s = stats.KLLQuantile()
    assert s.get() is None and s.quantile(0.3) is None and s.rank(1.0) is None
    assert np.isnan(s.cdf([1.0, 2.0])).all()
    assert repr(s) == "KLLQuantile: None" and s.n == 0


def test_update_many_accumulate_and_loop_agree_beyond_compactions():
    data = streams(5_000, seed=5)["shuffled"]
    looped = stats.KLLQuantile(q=0.3, k=16, seed=4)
    for x in data:
        looped.update(x)
    many = stats.KLLQuantile(q=0.3, k=16, seed=4)
    many.update_many(data[:1234])
    many.update_many(data[1234:].tolist())
    assert pickle.dumps(many) == pickle.dumps(looped)
    acc = stats.KLLQuantile(q=0.3, k=16, seed=4).accumulate(data)
    assert acc[-1] == looped.get()


@pytest.mark.parametrize("name", list(streams(10)))
def test_sampled_long_stream_within_bound_and_loop_equals_batch(name):
    # With k=32, level 0 is sampled from 2 * 2^16 values on (groups of up to 8 at 600,000).
    k, data = 32, streams(600_000, seed=13)[name]
    many = stats.KLLQuantile(k=k, seed=2)
    many.update_many(data)
    assert many.n == len(data)
    bound = datasketches.kll_doubles_sketch.get_normalized_rank_error(k, False)
    assert worst_rank_error(many, data) < bound
    looped = stats.KLLQuantile(k=k, seed=2)
    for x in data[:200_000].tolist():
        looped.update(x)
    looped.update_many(data[200_000:])
    assert pickle.dumps(many) == pickle.dumps(looped)
    theirs = datasketches.kll_doubles_sketch.deserialize(many.to_datasketches())
    assert theirs.n == len(data)
    assert [theirs.get_quantile(q) for q in PERCENTILES] == [many.quantile(q) for q in PERCENTILES]


def test_same_seed_same_sketch_and_pickle_continues_exactly():
    data = streams(50_000, seed=6)["shuffled"]
    a, b, c = stats.KLLQuantile(seed=9), stats.KLLQuantile(seed=9), stats.KLLQuantile(seed=10)
    for s in (a, b, c):
        s.update_many(data[:30_000])
    assert pickle.dumps(a) == pickle.dumps(b) != pickle.dumps(c)
    restored = pickle.loads(pickle.dumps(a))
    copied = copy.deepcopy(a)
    assert type(restored) is stats.KLLQuantile
    for s in (a, restored, copied):
        s.update_many(data[30_000:])
    assert pickle.dumps(a) == pickle.dumps(restored) == pickle.dumps(copied)
    assert [a.quantile(q) for q in PERCENTILES] == [restored.quantile(q) for q in PERCENTILES]


def test_merge_operators():
    data = streams(100_000, seed=7)["shuffled"]
    a, b = stats.KLLQuantile(seed=1), stats.KLLQuantile(seed=2)
    a.update_many(data[:99_990])
    b.update_many(data[99_990:])
    before = pickle.dumps(a), pickle.dumps(b)
    for total in (a + b, b + a):
        assert type(total) is stats.KLLQuantile and total.n == len(data)
        assert worst_rank_error(total, data) < BOUND
    assert (pickle.dumps(a), pickle.dumps(b)) == before
    a += b
    assert a.n == len(data) and worst_rank_error(a, data) < BOUND
    a += a
    assert a.n == 2 * len(data)
    empty = stats.KLLQuantile()
    assert pickle.dumps(b + empty) == pickle.dumps(b)


@pytest.mark.parametrize("other", [stats.KLLQuantile(k=100), stats.KLLQuantile(q=0.9)])
def test_merge_refuses_other_parameters_unchanged(other):
    a = stats.KLLQuantile()
    a.update_many(np.arange(1000.0))
    other.update(1.0)
    before = pickle.dumps(a)
    with pytest.raises(ValueError, match="differs"):
        a + other
    with pytest.raises(ValueError, match="differs"):
        a += other
    assert pickle.dumps(a) == before
    with pytest.raises(TypeError):
        a + stats.Quantile()


def test_bad_input_leaves_state_unchanged():
    s = stats.KLLQuantile()
    s.update_many(np.arange(500.0))
    before = pickle.dumps(s)
    with pytest.raises(ValueError, match="NaN"):
        s.update(float("nan"))
    with pytest.raises(ValueError, match="element 3 of the input is NaN"):
        s.update_many([1.0, 2.0, 3.0, float("nan")])
    with pytest.raises(TypeError, match="real number"):
        s.update("1")
    with pytest.raises(ValueError, match="q must be between 0 and 1"):
        s.quantile(1.5)
    with pytest.raises(ValueError, match="points"):
        s.cdf([1.0, float("nan")])
    with pytest.raises(ValueError, match="x must not be NaN"):
        s.rank(float("nan"))
    assert pickle.dumps(s) == before


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"q": 1.5}, ValueError, "q must be between 0 and 1"),
        ({"q": float("nan")}, ValueError, "q must not be NaN"),
        ({"k": 7}, ValueError, "k must be an int between 8 and 65535"),
        ({"k": 65536}, ValueError, "k must be an int between 8 and 65535"),
        ({"k": 20.0}, TypeError, "k must be an int"),
        ({"seed": -1}, ValueError, "seed must be an int between 0"),
        ({"seed": "a"}, TypeError, "seed must be an int"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        stats.KLLQuantile(**kwargs)


def test_params_and_clone():
    s = stats.KLLQuantile(q=0.9, k=50, seed=3)
    assert (s.q, s.k, s.seed) == (0.9, 50, 3)
    assert s._get_params() == {"q": 0.9, "k": 50, "seed": 3}
    s.update_many(np.arange(10_000.0))
    fitted = s.clone({"q": 0.1}, include_attributes=True)
    assert fitted.q == 0.1 and fitted.n == 10_000
    with pytest.raises(ValueError, match="new k"):
        s.clone({"k": 60}, include_attributes=True)


# --- the DataSketches format, against the `datasketches` package ------------------------------


def ds_sketch(values, k=200):
    s = datasketches.kll_doubles_sketch(k)
    for v in values:
        s.update(float(v))
    return s


@pytest.mark.parametrize("n", [0, 1, 2, 5, 200, 201, 1000, 123_457])
@pytest.mark.parametrize("k", [8, 200])
def test_ours_loads_in_datasketches(n, k):
    data = streams(max(n, 1), seed=n)["shuffled"][:n]
    ours = stats.KLLQuantile(k=k)
    ours.update_many(data)
    blob = ours.to_datasketches()
    theirs = datasketches.kll_doubles_sketch.deserialize(blob)
    assert theirs.k == k and theirs.n == n and theirs.is_empty() == (n == 0)
    if n:
        assert theirs.get_min_value() == data.min() and theirs.get_max_value() == data.max()
        assert [theirs.get_quantile(q) for q in PERCENTILES] == [ours.quantile(q) for q in PERCENTILES]
        assert [theirs.get_rank(v) for v in data[:50]] == [ours.rank(v) for v in data[:50]]
        assert [theirs.get_quantile(q, True) for q in PERCENTILES] == [
            ours.quantile(q, inclusive=True) for q in PERCENTILES
        ]
        assert [theirs.get_rank(v, True) for v in data[:50]] == [
            ours.rank(v, inclusive=True) for v in data[:50]
        ]
    # Their own serialization of what they read (before a query sorts their level 0) is ours,
    # byte for byte.
    assert datasketches.kll_doubles_sketch.deserialize(blob).serialize() == blob


@pytest.mark.parametrize("n", [0, 1, 2, 5, 200, 201, 1000, 123_457])
@pytest.mark.parametrize("k", [8, 200])
def test_datasketches_loads_here(n, k):
    data = streams(max(n, 1), seed=n + 1)["sorted"][:n]
    theirs = datasketches.kll_doubles_sketch(k)
    if n:
        theirs.update(data)
    ours = stats.KLLQuantile.from_datasketches(theirs.serialize(), q=0.25)
    assert type(ours) is stats.KLLQuantile and (ours.q, ours.k, ours.n) == (0.25, k, n)
    if n:
        assert [ours.quantile(q) for q in PERCENTILES] == [theirs.get_quantile(q) for q in PERCENTILES]
        assert ours.get() == theirs.get_quantile(0.25)
    # Written back, DataSketches reads the same sketch.
    again = datasketches.kll_doubles_sketch.deserialize(ours.to_datasketches())
    assert again.n == n and again.num_retained == theirs.num_retained
    if n:
        assert [again.get_quantile(q) for q in PERCENTILES] == [theirs.get_quantile(q) for q in PERCENTILES]
    ours.update_many(data)  # a loaded sketch keeps working
    assert ours.n == 2 * n


def test_merging_with_datasketches_both_ways():
    data = streams(200_000, seed=11)["shuffled"]
    ours = stats.KLLQuantile()
    ours.update_many(data[:120_000])
    theirs = datasketches.kll_doubles_sketch(200)
    theirs.update(data[120_000:])
    here = ours + stats.KLLQuantile.from_datasketches(theirs.serialize())
    there = datasketches.kll_doubles_sketch.deserialize(theirs.serialize())
    there.merge(datasketches.kll_doubles_sketch.deserialize(ours.to_datasketches()))

    class There:
        quantile = staticmethod(there.get_quantile)

    assert here.n == there.n == len(data)
    assert worst_rank_error(here, data) < BOUND
    assert worst_rank_error(There, data) < BOUND


def test_from_datasketches_refuses_hostile_bytes():
    s = stats.KLLQuantile(k=8)
    s.update_many(np.arange(100.0))
    good = s.to_datasketches()
    for cut in range(len(good)):
        with pytest.raises(ValueError, match="DataSketches"):
            stats.KLLQuantile.from_datasketches(good[:cut])
    rng = np.random.default_rng(0)
    for _ in range(2000):
        bad = bytearray(good)
        for i in rng.integers(0, len(bad), 3):
            bad[i] = rng.integers(0, 256)
        try:
            loaded = stats.KLLQuantile.from_datasketches(bytes(bad))
        except ValueError:
            continue
        # Whatever loads is a consistent sketch that DataSketches reads too.
        assert datasketches.kll_doubles_sketch.deserialize(loaded.to_datasketches()).n == loaded.n
    # A header claiming 255 levels and a huge n, with no items behind it.
    huge = bytes([5, 1, 15, 0, 200, 0, 8, 0]) + (2**63).to_bytes(8, "little") + bytes([200, 0, 255, 0])
    with pytest.raises(ValueError, match="levels"):
        stats.KLLQuantile.from_datasketches(huge + bytes(4 * 255 + 16))
    with pytest.raises(ValueError, match="family"):
        stats.KLLQuantile.from_datasketches(bytes([2, 1, 3, 1, 200, 0, 8, 0]))
    with pytest.raises(TypeError, match="data must be bytes"):
        stats.KLLQuantile.from_datasketches("02010f01c8000800")
    # A merge of sketches of different k keeps the smaller one as min k: not supported.
    small, big = ds_sketch(range(1000), k=100), ds_sketch(range(1000), k=200)
    big.merge(small)
    with pytest.raises(ValueError, match="min k"):
        stats.KLLQuantile.from_datasketches(big.serialize())


def test_pickle_no_larger_than_datasketches():
    data = streams(1_000_000, seed=12)["shuffled"]
    ours = stats.KLLQuantile()
    ours.update_many(data)
    theirs = datasketches.kll_doubles_sketch(200)
    theirs.update(data)
    assert len(pickle.dumps(ours)) <= len(theirs.serialize())
