"""update_many of the statistics over hashable values equals a loop of update, exactly (the
same counts, the same key objects' types, the same order), whatever the batch path: numeric
arrays read natively, lists of plain values looked up where their hash was last found,
RollingMode's order rebuilt once after a long batch."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from river import stats


class Weird:
    """Hashes as 1 (like 1, 1.0 and True) but equals only itself."""

    def __hash__(self) -> int:
        return 1

    def __eq__(self, other: object) -> bool:
        return self is other


WEIRD = Weird()

# Plain values that share hashes (-1 and -2, 1 and 1.0 and True, 0.0 and -0.0), strs of the
# same length, non-ASCII strs, a lone surrogate, NaNs and values that are not plain.
POOL = [
    -1,
    -2,
    1,
    1.0,
    True,
    0,
    0.0,
    -0.0,
    False,
    2**61 - 1,
    2**61,
    2.5,
    math.nan,
    float("nan"),
    "ab",
    "ba",
    "ab" + "",
    "é",
    "日本",
    "\ud800",
    "",
    (1, 2),
    (1.0, 2),
    WEIRD,
    None,
    2**64,
]


def stream(rng, n):
    out = [POOL[i] for i in rng.integers(0, len(POOL), n)]
    # new str objects equal to pooled ones, as a list built from data holds
    return [("".join(list(x)) if isinstance(x, str) and rng.random() < 0.5 else x) for x in out]


MAKERS = {
    "Mode": lambda: stats.Mode(k=-1),
    "Mode(k=3)": lambda: stats.Mode(k=3),
    "RollingMode(1)": lambda: stats.RollingMode(window_size=1),
    "RollingMode(3)": lambda: stats.RollingMode(window_size=3),
    "RollingMode(40)": lambda: stats.RollingMode(window_size=40),
    "Entropy": lambda: stats.Entropy(),
    "Entropy(0.9)": lambda: stats.Entropy(fading_factor=0.9),
}


def same(a, b):
    assert pickle.dumps(a) == pickle.dumps(b)
    va, vb = a.get(), b.get()
    assert type(va) is type(vb)
    assert va == vb or (va != va and vb != vb)


@pytest.mark.parametrize("name", MAKERS)
@pytest.mark.parametrize("sizes", [[400], [1, 2, 5, 60, 3, 200], [7] * 30])
def test_lists_in_batches_equal_the_loop(name, sizes):
    rng = np.random.default_rng(len(sizes))
    looped, many = MAKERS[name](), MAKERS[name]()
    for size in sizes:
        xs = stream(rng, size)
        for x in xs:
            looped.update(x)
        many.update_many(xs)
        same(many, looped)


@pytest.mark.parametrize("name", MAKERS)
@pytest.mark.parametrize("dtype", [np.float64, np.int64])
def test_arrays_in_batches_equal_the_loop(name, dtype):
    rng = np.random.default_rng(7)
    looped, many = MAKERS[name](), MAKERS[name]()
    looped.update(1)  # a key of another type, which the array's equal values must find
    many.update(1)
    for size in [1, 3, 500, 2, 50, 1000]:
        if dtype is np.float64:
            xs = rng.choice([0.0, -0.0, 1.0, 2.0, 2.5, np.nan, 1e300, -7.0], size)
        else:
            xs = rng.choice([-1, -2, 0, 1, 2**62, -(2**63)], size).astype(np.int64)
        for x in xs.tolist():
            looped.update(x)
        many.update_many(xs)
        same(many, looped)


@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.int64, np.float64)])
def test_chi_squared_arrays_and_lists_equal_the_loop(dtypes):
    rng = np.random.default_rng(3)
    looped, from_arrays, from_lists = stats.ChiSquared(), stats.ChiSquared(), stats.ChiSquared()
    for size in [1, 40, 300]:
        xs = rng.integers(-2, 4, size).astype(dtypes[0])
        ys = rng.choice([0.0, -0.0, 1.0, np.nan], size).astype(dtypes[1])
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            looped.update(x, y)
        from_arrays.update_many(xs, ys)
        from_lists.update_many(xs.tolist(), ys.tolist())
        for many in (from_arrays, from_lists):
            assert pickle.dumps(many) == pickle.dumps(looped)
            assert many.get() == looped.get()
    pairs = stream(rng, 300), stream(rng, 300)
    for x, y in zip(*pairs, strict=True):
        looped.update(x, y)
    from_lists.update_many(*pairs)
    assert pickle.dumps(from_lists) == pickle.dumps(looped)


def test_chi_squared_arrays_of_different_lengths_are_refused():
    chi2 = stats.ChiSquared()
    with pytest.raises(ValueError, match="different lengths"):
        chi2.update_many(np.zeros(3), np.zeros(2))
    assert chi2.n == 0


@pytest.mark.parametrize("name", MAKERS)
def test_an_unhashable_value_late_in_a_list_counts_nothing(name):
    stat = MAKERS[name]()
    stat.update_many(["a", 1, 2.0])
    before = pickle.dumps(stat)
    with pytest.raises(TypeError, match="element 3 of the input is not hashable"):
        stat.update_many(["b", 3, 4.0, [1]])
    assert pickle.dumps(stat) == before
    chi2 = stats.ChiSquared()
    with pytest.raises(TypeError, match="element 1 of the second input is not hashable"):
        chi2.update_many(["a", "b"], [1, {}])
    assert chi2.n == 0


def test_an_eq_that_raises_stops_the_batch_before_its_value():
    class Angry:
        def __hash__(self) -> int:
            return 5

        def __eq__(self, other: object) -> bool:
            if other is self:
                return True
            raise RuntimeError("no comparing")

    mode, angry = stats.Mode(k=-1), Angry()
    mode.update_many([angry, 5.5])
    with pytest.raises(RuntimeError, match="no comparing"):
        mode.update_many(["x", 5])  # 5 hashes as the Angry one: its __eq__ is asked
    assert mode.counts == {angry: 1, 5.5: 1, "x": 1}


def test_a_rolling_mode_batch_longer_than_its_counts_keeps_the_order_of_ties():
    looped, many = stats.RollingMode(window_size=4), stats.RollingMode(window_size=4)
    xs = ["a", "b", "b", "a", "c", "c", "a", "b"]
    for x in xs:
        looped.update(x)
    many.update_many(xs[:2])
    many.update_many(xs[2:])
    assert many.get() == looped.get() and many.counts == looped.counts
    assert list(many.counts) == list(looped.counts)
