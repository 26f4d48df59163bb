"""Max, Min, AbsMax and the rolling extrema against brute force over the prefix/window.

Pickling, corrupt states, bad input and batches are checked with every Rust-backed statistic
in test_pickling.py, test_bad_input.py and test_batch.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from catalogue import random_stream

from river import stats


@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_running_extrema_against_prefix(rng, kind):
    xs = random_stream(rng, 400, kind)
    mx, mn, ab = stats.Max(), stats.Min(), stats.AbsMax()
    for i, x in enumerate(xs):
        for s in (mx, mn, ab):
            s.update(x)
        prefix = xs[: i + 1]
        assert mx.get() == prefix.max() and mx.max == mx.get()
        assert mn.get() == prefix.min() and mn.min == mn.get()
        assert ab.get() == np.abs(prefix).max() and ab.abs_max == ab.get()


def test_running_extrema_start_values_and_infinities():
    assert (stats.Max().get(), repr(stats.Max()), stats.Max().name) == (-math.inf, "Max: -inf", "max")
    assert (stats.Min().get(), repr(stats.Min()), stats.Min().name) == (math.inf, "Min: inf", "min")
    assert (stats.AbsMax().get(), repr(stats.AbsMax()), stats.AbsMax().name) == (0.0, "AbsMax: 0.", "absmax")
    mx = stats.Max()
    mx.update(-math.inf)
    assert mx.get() == -math.inf  # not float's smallest finite value
    mn = stats.Min()
    mn.update(math.inf)
    assert mn.get() == math.inf
    ab = stats.AbsMax()
    ab.update(-math.inf)
    assert ab.get() == math.inf


ROLLING = [
    (stats.RollingMax, np.max),
    (stats.RollingMin, np.min),
    (stats.RollingAbsMax, lambda w: np.abs(w).max()),
    (stats.RollingPeakToPeak, np.ptp),
]


@pytest.mark.parametrize("cls, oracle", ROLLING, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("window_size", [1, 2, 5, 64, 1000])
@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_rolling_extrema_against_window(rng, cls, oracle, window_size, kind):
    xs = random_stream(rng, 500, kind)
    stat = cls(window_size=window_size)
    assert stat.get() is None and repr(stat) == f"{cls.__name__}: None"
    for i, x in enumerate(xs):
        stat.update(x)
        assert stat.get() == oracle(xs[max(0, i + 1 - window_size) : i + 1])


def test_rolling_extrema_monotone_inputs_and_infinities():
    # Increasing and decreasing runs are the worst cases for the deques' sizes.
    up, down = np.arange(100.0), np.arange(100.0)[::-1]
    for xs in (up, down, np.r_[up, down, up]):
        for cls, oracle in ROLLING:
            stat = cls(10)
            got = stat.accumulate(xs)
            want = [oracle(xs[max(0, i - 9) : i + 1]) for i in range(len(xs))]
            np.testing.assert_array_equal(got, want)
    ptp = stats.RollingPeakToPeak(2)
    ptp.update(math.inf)
    assert math.isnan(ptp.get())  # inf - inf, as numpy.ptp([inf])
    ptp.update(1.0)
    assert ptp.get() == math.inf
    ptp.update(2.0)
    assert ptp.get() == 1.0


def test_rolling_names_and_params():
    for cls, name in [
        (stats.RollingMax, "rollingmax_7"),
        (stats.RollingMin, "rollingmin_7"),
        (stats.RollingAbsMax, "rollingabsmax_7"),
        (stats.RollingPeakToPeak, "rollingpeaktopeak_7"),
    ]:
        stat = cls(window_size=7)
        assert stat.name == name and stat.window_size == 7
        assert stat._get_params() == {"window_size": 7}
        assert stat.clone({"window_size": 3}).window_size == 3
        assert isinstance(stat, stats.base.RollingUnivariate)


@pytest.mark.parametrize("cls", [c for c, _ in ROLLING])
@pytest.mark.parametrize(
    "window_size, error",
    [
        (0, ValueError),
        (-3, ValueError),
        (2**40, ValueError),
        (2.0, TypeError),
        (True, TypeError),
        (None, TypeError),
    ],
)
def test_rolling_bad_window_size(cls, window_size, error):
    with pytest.raises(error, match="window_size"):
        cls(window_size=window_size)


def test_rolling_memory_stays_bounded_by_the_window(rng):
    stat = stats.RollingPeakToPeak(window_size=16)
    stat.update_many(np.arange(10_000.0))  # increasing: the min deque keeps everything it may
    # What this bounds: the Rust state of a window of 16 (the values, and two monotonic deques of
    # at most 16 entries each, with capacities at most doubled by growth) is a few hundred bytes,
    # while deques that failed to drop expired entries would hold all 10,000 values (80,000
    # bytes and more). It counts bytes, not time, so the bound holds on any machine: only the
    # 64-bit sizes of the entries and a Vec's capacity rounding enter it, both far below 4096.
    assert stat.__sizeof__() < 4096
