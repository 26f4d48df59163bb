"""update_many and accumulate equal the per-element loop, for every kind of input."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_stream, rust_univariates

CASES = rust_univariates()


def loop_values(cls, params, xs):
    stat = cls(**params)
    out = []
    for x in xs:
        stat.update(x)
        out.append(stat.get())
    return stat, out


@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("cls, params", CASES)
def test_accumulate_and_update_many_equal_the_loop(rng, cls, params, kind):
    xs = random_stream(rng, 300, kind)
    stat, want = loop_values(cls, params, xs.tolist())
    for make in (lambda: xs, lambda: xs.tolist(), lambda: iter(xs.tolist()), lambda: tuple(xs)):
        acc = cls(**params)
        got = acc.accumulate(make())
        assert isinstance(got, np.ndarray) and got.dtype == np.float64
        np.testing.assert_array_equal(got, want)
        many = cls(**params)
        many.update_many(make())
        assert many.get() == stat.get()
        assert many.__getstate__() == stat.__getstate__()


@pytest.mark.parametrize("cls, params", CASES)
def test_other_arrays(rng, cls, params):
    xs = random_stream(rng, 200)
    stat, want = loop_values(cls, params, xs[::2].tolist())
    strided = cls(**params)
    np.testing.assert_array_equal(strided.accumulate(xs[::2]), want)  # not contiguous: copied
    ints = rng.integers(-100, 100, 50)
    a, b = cls(**params), cls(**params)
    a.update_many(ints)
    b.update_many(ints.astype(np.float64))
    assert a.get() == b.get()
    f32 = xs.astype(np.float32)
    a, b = cls(**params), cls(**params)
    a.update_many(f32)
    b.update_many(f32.astype(np.float64).tolist())
    assert a.get() == b.get()


@pytest.mark.parametrize("cls, params", CASES)
def test_empty_batches_are_no_ops(cls, params):
    stat = cls(**params)
    stat.update(1.0)
    before = stat.__getstate__()
    stat.update_many([])
    stat.update_many(np.array([]))
    assert stat.accumulate([]).shape == (0,)
    assert stat.__getstate__() == before


@pytest.mark.parametrize("cls, params", CASES)
def test_large_batch_releases_the_gil_and_stays_equal(rng, cls, params):
    xs = random_stream(rng, 100_000)  # above the size where the GIL is released
    a, b = cls(**params), cls(**params)
    a.update_many(xs)
    b.update_many(xs[:50_000])
    b.update_many(xs[50_000:].tolist())
    assert a.__getstate__() == b.__getstate__()


@pytest.mark.parametrize("cls, params", CASES)
def test_object_arrays_are_converted_element_by_element(cls, params):
    stat = cls(**params)
    stat.update_many(np.empty(0, dtype=object))  # empty: a no-op like any empty batch
    assert stat.__getstate__() == cls(**params).__getstate__()
    values = np.array([1.5, 2, np.float32(0.25), -4.0], dtype=object)
    want = cls(**params)
    want.update_many([1.5, 2.0, 0.25, -4.0])
    stat.update_many(values)
    assert stat.__getstate__() == want.__getstate__()
    before = stat.__getstate__()
    with pytest.raises(TypeError, match="element 1 of the input"):
        stat.update_many(np.array([1.0, None, 2.0], dtype=object))
    with pytest.raises(ValueError, match="element 2 of the input is NaN"):
        stat.accumulate(np.array([1.0, 2.0, float("nan")], dtype=object))
    assert stat.__getstate__() == before
