"""Pickle, deepcopy and clone round trips mid-stream, and corrupt states."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from conftest import random_stream, rust_bivariates, rust_univariates

from river import stats
from river.stats import _rust_stats

CASES = rust_univariates()
ALL_CASES = rust_univariates() + rust_bivariates()


def feeder(cls, rng, n):
    """A function feeding the i-th value (or pair) of a random stream to a statistic."""
    xs, ys = random_stream(rng, n), random_stream(rng, n)
    if issubclass(cls, stats.base.Bivariate):
        return lambda stat, i: stat.update(xs[i], ys[i])
    return lambda stat, i: stat.update(xs[i])


def same(a, b):
    return a == b or (a is not None and b is not None and math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("cls, params", ALL_CASES)
@pytest.mark.parametrize("protocol", [2, 4, pickle.HIGHEST_PROTOCOL])
def test_pickle_mid_stream_keeps_giving_identical_values(rng, cls, params, protocol):
    feed = feeder(cls, rng, 200)
    stat = cls(**params)
    for i in range(80):
        feed(stat, i)
    loaded = pickle.loads(pickle.dumps(stat, protocol=protocol))
    assert type(loaded) is cls
    assert loaded._get_params() == stat._get_params()
    assert loaded.__getstate__() == stat.__getstate__()
    for i in range(80, 200):
        feed(stat, i)
        feed(loaded, i)
        assert same(loaded.get(), stat.get())


@pytest.mark.parametrize("cls, params", ALL_CASES)
def test_deepcopy_is_independent(rng, cls, params):
    feed = feeder(cls, rng, 100)
    stat = cls(**params)
    for i in range(50):
        feed(stat, i)
    twin = copy.deepcopy(stat)
    at_50 = stat.__getstate__()
    for i in range(50, 100):
        feed(stat, i)
    assert twin.__getstate__() == at_50  # the copy did not follow the original
    for i in range(50, 100):
        feed(twin, i)
    assert same(twin.get(), stat.get())


@pytest.mark.parametrize("cls, params", ALL_CASES)
def test_clone_is_fresh_with_same_params(rng, cls, params):
    feed = feeder(cls, rng, 40)
    stat = cls(**params)
    for i in range(40):
        feed(stat, i)
    fresh = stat.clone()
    assert type(fresh) is cls and fresh._get_params() == stat._get_params()
    assert repr(fresh) == repr(cls(**params))


@pytest.mark.parametrize("cls, params", ALL_CASES)
def test_corrupt_states_raise_value_error_and_change_nothing(rng, cls, params):
    feed = feeder(cls, rng, 40)
    stat = cls(**params)
    for i in range(40):
        feed(stat, i)
    good = stat.__getstate__()
    before = (good, stat.get())
    must_fail = [b"", b"\x00", good[:1], good[:-1], good + b"\x00", 42, "text", None]
    # a format version from the future, and the state of another class
    must_fail += [bytes([good[0], 99]) + good[2:], bytes([(good[0] + 1) % 256]) + good[1:]]
    for state in must_fail:
        with pytest.raises(ValueError, match="invalid pickled state"):
            stat.__setstate__(state)
        assert (stat.__getstate__(), stat.get()) == before
    maybe_valid = [b"\xff" * len(good)]
    maybe_valid += [bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in (2, 10, 100, len(good))]
    for i in range(len(good)):
        flipped = bytearray(good)
        flipped[i] ^= 0xFF
        maybe_valid.append(bytes(flipped))
    for state in maybe_valid:
        try:
            stat.__setstate__(state)
        except ValueError:
            assert (stat.__getstate__(), stat.get()) == before
        else:
            # A flip can land on a value and still be a valid state (e.g. another mean);
            # that is a legitimate state, so restore and go on.
            stat.__setstate__(good)


def test_state_of_one_class_does_not_load_into_another():
    q = _rust_stats.RsRollingQuantile(0.5, 3)
    iqr = _rust_stats.RsRollingIQR(3)
    with pytest.raises(ValueError, match="another statistic"):
        iqr.__setstate__(q.__getstate__())


def test_inflated_length_prefix_does_not_allocate():
    q = _rust_stats.RsRollingQuantile(0.5, 1000)
    q.update_many(np.arange(10.0))
    state = bytearray(q.__getstate__())
    # header (2) + q (8) + window_size (8) + head (8), then the length of the values
    state[26:34] = (2**61).to_bytes(8, "little")
    with pytest.raises(ValueError, match="invalid pickled state"):
        q.__setstate__(bytes(state))


def test_state_starts_with_a_format_version():
    for rs in (_rust_stats.RsEWMean(), _rust_stats.RsPeakToPeak(), _rust_stats.RsRollingIQR(3)):
        state = rs.__getstate__()
        assert state[1] == 1  # [tag, version, payload...]
        future = bytes([state[0], 99]) + state[2:]
        with pytest.raises(ValueError, match="format version 99"):
            rs.__setstate__(future)


EXTREME_STREAMS = [
    [1.7e308, -1.7e308, 1.0, 1.7e308, -5.0],
    [float("inf"), -float("inf"), 2.0, 3.0],
    [1e-320, -1e-320, 0.0, -0.0, 5e-324],
]


def numeric_catalogue():
    from test_all_stats import CATALOGUE

    return [pytest.param(name, entry[0], id=name) for name, entry in CATALOGUE.items() if entry[3] == "num"]


@pytest.mark.parametrize("name, kwargs", numeric_catalogue())
@pytest.mark.parametrize("stream", EXTREME_STREAMS, ids=["overflow", "infinities", "subnormals"])
def test_a_state_reached_from_extreme_values_pickles_and_loads(name, kwargs, stream):
    from river import stats

    stat = getattr(stats, name)(**kwargs)
    for x in stream:
        try:
            stat.update(x)
        except ValueError:
            pass  # refusing a value is allowed; a state that was reached must still pickle
    loaded = pickle.loads(pickle.dumps(stat))
    assert repr(loaded) == repr(stat)
