"""Pickle, deepcopy and clone round trips mid-stream, and corrupt states."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from conftest import random_stream, rust_univariates

from river.stats import _rust_stats

CASES = rust_univariates()


@pytest.mark.parametrize("cls, params", CASES)
@pytest.mark.parametrize("protocol", [2, 4, pickle.HIGHEST_PROTOCOL])
def test_pickle_mid_stream_keeps_giving_identical_values(rng, cls, params, protocol):
    xs = random_stream(rng, 200)
    stat = cls(**params)
    stat.update_many(xs[:80])
    loaded = pickle.loads(pickle.dumps(stat, protocol=protocol))
    assert type(loaded) is cls
    assert loaded._get_params() == stat._get_params()
    for x in xs[80:]:
        stat.update(x)
        loaded.update(x)
        assert loaded.get() == stat.get()


@pytest.mark.parametrize("cls, params", CASES)
def test_deepcopy_is_independent(rng, cls, params):
    xs = random_stream(rng, 100)
    stat = cls(**params)
    stat.update_many(xs[:50])
    twin = copy.deepcopy(stat)
    before = stat.get()
    twin.update_many(xs[50:])
    assert stat.get() == before
    stat.update_many(xs[50:])
    assert twin.get() == stat.get()


@pytest.mark.parametrize("cls, params", CASES)
def test_clone_is_fresh_with_same_params(rng, cls, params):
    stat = cls(**params)
    stat.update_many(random_stream(rng, 40))
    fresh = stat.clone()
    assert type(fresh) is cls and fresh._get_params() == stat._get_params()
    assert repr(fresh) == repr(cls(**params))


@pytest.mark.parametrize("cls, params", CASES)
def test_corrupt_states_raise_value_error_and_change_nothing(rng, cls, params):
    stat = cls(**params)
    stat.update_many(random_stream(rng, 40))
    good = stat.__getstate__()
    before = (good, stat.get())
    bad_states = [b"", b"\x00", good[:1], good[:-1], good + b"\x00", b"\xff" * len(good), 42, "text", None]
    bad_states += [bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in (2, 10, 100, len(good))]
    for i in range(len(good)):
        flipped = bytearray(good)
        flipped[i] ^= 0xFF
        bad_states.append(bytes(flipped))
    for state in bad_states:
        try:
            stat.__setstate__(state)
        except ValueError:
            assert (stat.__getstate__(), stat.get()) == before
        else:
            # A flip can land on a value and still be a valid state (e.g. another mean);
            # that is a legitimate state, so restore and go on.
            assert isinstance(state, bytes)
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
