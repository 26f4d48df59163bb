"""update_many and accumulate equal the per-element loop, for every univariate statistic of the
catalogue and every kind of input."""

from __future__ import annotations

import numpy as np
import pytest
from catalogue import cases, exact, feed, random_stream

# Rust-backed univariates over numbers: their batches convert arrays without a Python loop.
CASES = cases(rust=True, bivariate=False, takes="number")


@pytest.mark.parametrize("entry, params", cases(bivariate=False))
def test_update_many_and_accumulate_equal_the_loop_for_every_univariate(entry, params):
    data = feed(entry.kind, 200, seed=1)
    looped, values = entry.make(params), []
    for x in data:
        looped.update(x)
        v = looped.get()
        values.append(np.nan if v is None else v)
    many = entry.make(params)
    many.update_many(data)
    assert exact(many.get()) == exact(looped.get())
    acc = entry.make(params).accumulate(data)
    assert isinstance(acc, np.ndarray) and len(acc) == len(data)
    if acc.dtype == object:
        assert acc.tolist() == values
    else:
        np.testing.assert_array_equal(acc, np.asarray(values, dtype=float))


def loop_values(entry, params, xs):
    stat = entry.make(params)
    out = []
    for x in xs:
        stat.update(x)
        out.append(stat.get())
    return stat, out


@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("entry, params", CASES)
def test_accumulate_and_update_many_equal_the_loop(rng, entry, params, kind):
    xs = random_stream(rng, 300, kind)
    stat, want = loop_values(entry, params, xs.tolist())
    for make in (lambda: xs, lambda: xs.tolist(), lambda: iter(xs.tolist()), lambda: tuple(xs)):
        acc = entry.make(params)
        got = acc.accumulate(make())
        assert isinstance(got, np.ndarray) and got.dtype == np.float64
        np.testing.assert_array_equal(got, want)
        many = entry.make(params)
        many.update_many(make())
        assert many.get() == stat.get()
        assert many.__getstate__() == stat.__getstate__()


@pytest.mark.parametrize("entry, params", CASES)
def test_other_arrays(rng, entry, params):
    xs = random_stream(rng, 200)
    stat, want = loop_values(entry, params, xs[::2].tolist())
    strided = entry.make(params)
    np.testing.assert_array_equal(strided.accumulate(xs[::2]), want)  # not contiguous: copied
    ints = rng.integers(-100, 100, 50)
    a, b = entry.make(params), entry.make(params)
    a.update_many(ints)
    b.update_many(ints.astype(np.float64))
    assert a.get() == b.get()
    f32 = xs.astype(np.float32)
    a, b = entry.make(params), entry.make(params)
    a.update_many(f32)
    b.update_many(f32.astype(np.float64).tolist())
    assert a.get() == b.get()


def misaligned(values: np.ndarray) -> np.ndarray:
    """A float64 array at an odd address, as one unpickled into a byte buffer can be."""
    raw = bytearray(8 * len(values) + 1)
    out = np.frombuffer(raw, dtype=np.float64, count=len(values), offset=1)
    out[:] = values
    assert not out.flags.aligned
    return out


@pytest.mark.parametrize("entry, params", CASES)
@pytest.mark.parametrize("n", [200, 1 << 15])  # below and above the size that releases the GIL
def test_misaligned_arrays_are_read_not_skipped(rng, entry, params, n):
    xs = random_stream(rng, n)
    stat, want = loop_values(entry, params, xs.tolist())
    many = entry.make(params)
    many.update_many(misaligned(xs))
    assert exact(many.get()) == exact(stat.get())
    acc = entry.make(params).accumulate(misaligned(xs))
    np.testing.assert_array_equal(acc, np.asarray(want, dtype=float))


@pytest.mark.parametrize("entry, params", CASES)
def test_empty_batches_are_no_ops(entry, params):
    stat = entry.make(params)
    stat.update(1.0)
    before = stat.__getstate__()
    stat.update_many([])
    stat.update_many(np.array([]))
    assert stat.accumulate([]).shape == (0,)
    assert stat.__getstate__() == before


@pytest.mark.parametrize("entry, params", CASES)
def test_large_batch_releases_the_gil_and_stays_equal(rng, entry, params):
    xs = random_stream(rng, 100_000)  # above the size where the GIL is released
    a, b = entry.make(params), entry.make(params)
    a.update_many(xs)
    b.update_many(xs[:50_000])
    b.update_many(xs[50_000:].tolist())
    assert a.__getstate__() == b.__getstate__()


@pytest.mark.parametrize("entry, params", CASES)
def test_object_arrays_are_converted_element_by_element(entry, params):
    stat = entry.make(params)
    stat.update_many(np.empty(0, dtype=object))  # empty: a no-op like any empty batch
    assert stat.__getstate__() == entry.make(params).__getstate__()
    values = np.array([1.5, 2, np.float32(0.25), -4.0], dtype=object)
    want = entry.make(params)
    want.update_many([1.5, 2.0, 0.25, -4.0])
    stat.update_many(values)
    assert stat.__getstate__() == want.__getstate__()
    before = stat.__getstate__()
    with pytest.raises(TypeError, match="element 1 of the input"):
        stat.update_many(np.array([1.0, None, 2.0], dtype=object))
    with pytest.raises(ValueError, match="element 2 of the input is NaN"):
        stat.accumulate(np.array([1.0, 2.0, float("nan")], dtype=object))
    assert stat.__getstate__() == before
