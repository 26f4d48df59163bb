"""EWMean and PeakToPeak: golden values from River's documentation and brute-force oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from catalogue import random_stream

from river import stats

GOLDEN_X = [1, 3, 5, 4, 6, 8, 7, 9, 11]


def test_ewmean_golden_values():
    want = [1, 2, 3.5, 3.75, 4.875, 6.4375, 6.71875, 7.859375, 9.4296875]
    ewm = stats.EWMean(0.5)
    got = []
    for x in GOLDEN_X:
        ewm.update(x)
        got.append(ewm.get())
    assert got == want


@pytest.mark.parametrize("fading_factor", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_ewmean_against_loop_oracle(rng, fading_factor):
    xs = random_stream(rng, 500)
    ewm = stats.EWMean(fading_factor)
    mean = None
    for x in xs:
        ewm.update(x)
        mean = x if mean is None else fading_factor * x + (1 - fading_factor) * mean
        assert ewm.get() == mean


def test_ewmean_does_not_reseed_when_mean_reaches_zero():
    ewm = stats.EWMean(0.5)
    for x in [1.0, -1.0, 4.0]:
        ewm.update(x)
    assert ewm.get() == 2.0  # 1 -> 0 -> 2, not re-seeded with 4


def test_ewmean_api():
    ewm = stats.EWMean(fading_factor=0.3)
    assert ewm.name == "ewm_0.3"
    assert repr(ewm) == "EWMean: 0."
    assert ewm.get() == 0.0
    assert stats.EWMean().fading_factor == 0.5


def test_peak_to_peak_golden_and_oracle(rng):
    ptp = stats.PeakToPeak()
    assert ptp.get() == 0.0 and repr(ptp) == "PeakToPeak: 0." and ptp.name == "ptp"
    xs = random_stream(rng, 1000)
    for i, x in enumerate(xs):
        ptp.update(x)
        assert ptp.get() == np.ptp(xs[: i + 1])


def test_peak_to_peak_with_infinities():
    ptp = stats.PeakToPeak()
    ptp.update(-math.inf)
    assert math.isnan(ptp.get())  # -inf - -inf, as numpy.ptp([-inf])
    ptp.update(1.0)
    assert ptp.get() == math.inf
