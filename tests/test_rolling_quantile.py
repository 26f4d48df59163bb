"""RollingQuantile and RollingIQR against numpy.quantile(window, q, method="linear")."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from catalogue import random_stream

from river import stats

QS = [0.0, 0.25, 0.5, 0.75, 1.0]
WINDOWS = [1, 2, 3, 10, 1000]


def windows(xs: np.ndarray, w: int):
    for i in range(len(xs)):
        yield xs[max(0, i - w + 1) : i + 1]


@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("window_size", WINDOWS)
@pytest.mark.parametrize("q", QS)
def test_rolling_quantile_equals_numpy_bit_for_bit(rng, q, window_size, kind):
    xs = random_stream(rng, 2 * window_size + 300, kind)
    rq = stats.RollingQuantile(q=q, window_size=window_size)
    assert rq.get() is None
    for x, window in zip(xs, windows(xs, window_size), strict=True):
        rq.update(float(x))
        assert rq.get() == np.quantile(window, q, method="linear")


@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("window_size", WINDOWS)
@pytest.mark.parametrize("q_inf, q_sup", [(0.25, 0.75), (0.0, 1.0), (0.1, 0.5), (0.5, 0.75)])
def test_rolling_iqr_equals_numpy(rng, q_inf, q_sup, window_size, kind):
    xs = random_stream(rng, 2 * window_size + 300, kind)
    iqr = stats.RollingIQR(window_size=window_size, q_inf=q_inf, q_sup=q_sup)
    assert iqr.get() is None
    for x, window in zip(xs, windows(xs, window_size), strict=True):
        iqr.update(float(x))
        want = np.quantile(window, q_sup, method="linear") - np.quantile(window, q_inf, method="linear")
        assert iqr.get() == want


@pytest.mark.parametrize("q", [0.01, 0.3, 0.99])
def test_accumulate_equals_numpy_on_every_prefix(rng, q):
    xs = random_stream(rng, 3000)
    got = stats.RollingQuantile(q=q, window_size=257).accumulate(xs)
    want = [np.quantile(w, q) for w in windows(xs, 257)]
    np.testing.assert_array_equal(got, want)


def test_infinities_follow_numpy():
    xs = [1.0, float("inf"), -float("inf"), 2.0, float("inf"), 3.0]
    for q in QS:
        rq = stats.RollingQuantile(q=q, window_size=3)
        for x, window in zip(xs, windows(np.array(xs), 3), strict=True):
            rq.update(x)
            np.testing.assert_array_equal(rq.get(), np.quantile(window, q))


def test_api_and_names():
    rq = stats.RollingQuantile(q=0.9, window_size=50)
    assert (rq.q, rq.window_size, rq.name) == (0.9, 50, "rollingquantile_50")
    assert repr(rq) == "RollingQuantile: None"
    rq.update(3)
    assert repr(rq) == "RollingQuantile: 3."
    iqr = stats.RollingIQR(window_size=7)
    assert (iqr.q_inf, iqr.q_sup, iqr.window_size, iqr.name) == (0.25, 0.75, 7, "rollingiqr_7")
    assert repr(iqr) == "RollingIQR: None"
    assert isinstance(rq, stats.base.RollingUnivariate)


def make_rolling(cls: str, window_size: int, q: float = 0.3):
    if cls == "RollingQuantile":
        return stats.RollingQuantile(q=q, window_size=window_size)
    return stats.RollingIQR(window_size=window_size, q_inf=min(q, 1 - q), q_sup=0.75)


def outputs(stat, xs) -> list:
    out = []
    for x in xs:
        stat.update(float(x))
        out.append(stat.get())
    return out


@pytest.mark.parametrize("cls", ["RollingQuantile", "RollingIQR"])
@pytest.mark.parametrize("kind", ["normal", "ties", "zeros"])
@pytest.mark.parametrize("before", [0, 1000, 5000, 11000])
@pytest.mark.parametrize("q", [0.3, 0.01])
def test_accumulate_by_sorted_blocks_leaves_what_the_loop_does(rng, cls, kind, before, q):
    """From a window of 4096, quantiles at least 0.2 from the extremes and a batch of a
    quarter of the window, `accumulate` slides over sorted blocks and rebuilds the heaps from
    the final window (q = 0.01 stays on the heaps). Between equal values the heaps may then
    hold other slots than a loop of `update` would (so the pickled split may differ); what is
    observable is the same: every value returned, `get`, the length, and every value after
    more updates, another batch or a pickle round trip."""
    w = 4100
    if kind == "zeros":  # both signed zeros: the batch runs through the heaps
        xs = rng.choice([-0.0, 0.0, 1.0, -1.0], 16000)
    else:
        xs = random_stream(rng, 16000, kind)
    head, batch, tail = xs[:before], xs[before:15000], xs[15000:]
    looped, batched = make_rolling(cls, w, q), make_rolling(cls, w, q)
    outputs(looped, head)
    outputs(batched, head)
    want = outputs(looped, batch)
    got = batched.accumulate(batch)
    assert [np.float64(v).tobytes() for v in got] == [np.float64(v).tobytes() for v in want]
    assert batched.get() == looped.get()
    if cls == "RollingQuantile":
        assert len(batched) == len(looped)
    copies = [pickle.loads(pickle.dumps(s)) for s in (looped, batched)]
    more = outputs(looped, tail[:200])
    assert outputs(batched, tail[:200]) == more
    for c in copies:
        assert outputs(c, tail[:200]) == more
    np.testing.assert_array_equal(batched.accumulate(tail[200:]), looped.accumulate(tail[200:]))
