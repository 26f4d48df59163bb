"""Pickle and deepcopy round trips mid-stream over the whole catalogue, corrupt states of the
Rust-backed classes, and the fuzzer's corpus replayed through Python."""

from __future__ import annotations

import copy
import pathlib
import pickle

import numpy as np
import pytest
from catalogue import BY_NAME, TIMED, cases, entries, exact, fed, feed, push, snapshot, state

from river.stats import _rust_stats

PROTOCOLS = [2, 4, pickle.HIGHEST_PROTOCOL]


@pytest.mark.parametrize("entry, params", cases())
# 0 (empty), 2 and 5 (P² still keeps the values), 6 (P² markers just built), 60 (steady state).
@pytest.mark.parametrize("cut", [0, 2, 5, 6, 60])
def test_copies_mid_stream_are_independent_and_continue_identically(entry, params, cut):
    items = feed(entry.kind, cut + 60, seed=cut)
    stat = fed(entry, items[:cut], params)
    copies = [pickle.loads(pickle.dumps(stat, protocol=p)) for p in PROTOCOLS] + [copy.deepcopy(stat)]
    for c in copies:
        assert type(c) is entry.cls
        assert c._get_params() == stat._get_params()
        assert exact(c.get()) == exact(stat.get())
        assert state(c) == state(stat)
    at_cut = [snapshot(c) for c in copies]
    values = []
    for item in items[cut:]:
        push(stat, entry, item)
        values.append(exact(stat.get()))
    assert [snapshot(c) for c in copies] == at_cut  # the copies did not follow the original
    for c in copies:
        got = []
        for item in items[cut:]:
            push(c, entry, item)
            got.append(exact(c.get()))
        assert got == values
        assert state(c) == state(stat)


EXTREME_STREAMS = [
    [1.7e308, -1.7e308, 1.0, 1.7e308, -5.0],
    [float("inf"), -float("inf"), 2.0, 3.0],
    [1e-320, -1e-320, 0.0, -0.0, 5e-324],
]


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in entries(kind="num")])
@pytest.mark.parametrize("stream", EXTREME_STREAMS, ids=["overflow", "infinities", "subnormals"])
def test_a_state_reached_from_extreme_values_pickles_and_loads(entry, stream):
    stat = entry.make()
    for x in stream:
        try:
            stat.update(x)
        except ValueError:
            pass  # refusing a value is allowed; a state that was reached must still pickle
    loaded = pickle.loads(pickle.dumps(stat))
    assert repr(loaded) == repr(stat)
    assert exact(loaded.get()) == exact(stat.get())


# --- corrupt states (Rust-backed classes) ------------------------------------------------------


@pytest.mark.parametrize("entry, params", cases(rust=True))
def test_corrupt_states_raise_value_error_and_change_nothing(rng, entry, params):
    stat = fed(entry, feed(entry.kind, 40, seed=5), params)
    good = stat.__getstate__()
    before = snapshot(stat)
    must_fail = [b"", b"\x00", good[:1], good[:-1], good + b"\x00", 42, "text", None]
    # a format version from the future, and the state of another class
    must_fail += [bytes([good[0], 99]) + good[2:], bytes([(good[0] + 1) % 256]) + good[1:]]
    # bytes that do not start with this class's tag and version: refused whatever follows
    noise = [b"\xff" * len(good)]
    noise += [bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in (2, 10, 100, len(good))]
    must_fail += [b for b in noise if b[:2] != good[:2]]
    for bad in must_fail:
        with pytest.raises(ValueError, match="invalid pickled state"):
            stat.__setstate__(bad)
        assert snapshot(stat) == before
    # A flipped byte may land on a value and still be a valid state (another mean, say). Then it
    # is a state like any other: it pickles to bytes that load back to the same bytes, and it
    # answers and takes updates. Otherwise it is refused and nothing changed.
    for i in range(len(good)):
        flipped = bytearray(good)
        flipped[i] ^= 0xFF
        try:
            stat.__setstate__(bytes(flipped))
        except ValueError:
            assert snapshot(stat) == before
            continue
        assert_a_loaded_state_behaves(stat, entry)
        stat.__setstate__(good)
        assert snapshot(stat) == before


def assert_a_loaded_state_behaves(stat, entry):
    dumped = stat.__getstate__()
    again = copy.copy(stat)
    again.__setstate__(dumped)
    assert again.__getstate__() == dumped
    stat.get()
    repr(stat)
    for item in feed(entry.kind, 3, seed=8):
        push(again, entry, item)
        again.get()


@pytest.mark.parametrize("cls, args", [("RollingQuantile", (0.3, 300_001)), ("RollingIQR", (300_001,))])
def test_a_large_window_round_trips_and_slides_on_identically(cls, args):
    """Windows large enough for the loader's huge-page buffers (over 2 MiB) and its heapify
    by subtrees (over 2^14 entries per heap), with ties: the loaded copy answers and slides
    exactly as the original, and a flipped split bit is refused."""
    from river import stats

    rng = np.random.default_rng(11)
    stat = getattr(stats, cls)(*args)
    stat.update_many(rng.integers(-5000, 5000, 400_000).astype(np.float64))
    data = pickle.dumps(stat)
    back = pickle.loads(data)
    assert back.get() == stat.get()
    assert pickle.dumps(back) == data
    for x in rng.normal(0.0, 3000.0, 2000):
        stat.update(x)
        back.update(x)
        assert back.get() == stat.get()
    state = bytearray(stat.__getstate__())
    state[-7] ^= 0x10  # a bit of the (last) tracker's split: one value in the wrong heap
    with pytest.raises(ValueError, match="invalid pickled state"):
        back.__setstate__(bytes(state))
    assert back.get() == stat.get()


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


# --- the fuzzer's corpus ----------------------------------------------------------------------

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "fuzz" / "corpus" / "state_decoder"


def test_fuzz_corpus_replays_through_python():
    """`fuzz/seed_corpus.py` seeds the corpus with valid states of every Rust-backed class and
    the fuzzer keeps inputs that reach new code, so the corpus guarantees that every class has
    inputs that load. Every input either loads into the class its tag names and behaves, or is
    refused with ValueError and leaves the statistic as it was."""
    inputs = sorted(CORPUS.iterdir())
    assert inputs, f"no corpus in {CORPUS}"
    rust_backed = entries(rust=True) + TIMED
    by_tag: dict[int, list] = {}
    for entry in rust_backed:
        tag = entry.make().__getstate__()[0]
        by_tag.setdefault(tag, []).append(entry)
    loaded = {entry.name: 0 for entry in rust_backed}
    for path in inputs:
        data = path.read_bytes()
        for entry in by_tag.get(data[0] if data else -1, []):
            stat = entry.make()
            before = snapshot(stat)
            try:
                stat.__setstate__(data)
            except ValueError:
                assert snapshot(stat) == before, path.name
                continue
            loaded[entry.name] += 1
            assert_a_loaded_state_behaves(stat, entry)
    # A time window's state loads only into a statistic of the same period (it holds the
    # period the Python object keeps too), and the seeds use several: for them the corpus
    # guarantees only refusal without change; tests/test_time_rolling.py loads their states.
    unloaded = sorted(name for name, n in loaded.items() if not n and not BY_NAME[name].timed)
    assert not unloaded, unloaded
    assert set(loaded) == {e.name for e in BY_NAME.values() if e.rust}
