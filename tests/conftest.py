"""Shared fixtures: random streams and a catalogue of the statistics under test."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)


def random_stream(rng: np.random.Generator, n: int, kind: str = "normal") -> np.ndarray:
    """Streams with and without ties, so that equal values are exercised too."""
    if kind == "normal":
        return rng.normal(0.0, 10.0, n)
    if kind == "ties":
        return rng.integers(-5, 6, n).astype(np.float64)
    raise ValueError(kind)


# Rust-backed univariate statistics and constructor arguments to test them with.
def rust_univariates():
    from river import stats

    return [
        pytest.param(stats.EWMean, {"fading_factor": 0.3}, id="EWMean"),
        pytest.param(stats.PeakToPeak, {}, id="PeakToPeak"),
        pytest.param(stats.RollingQuantile, {"q": 0.7, "window_size": 25}, id="RollingQuantile"),
        pytest.param(stats.RollingIQR, {"window_size": 25, "q_inf": 0.1, "q_sup": 0.6}, id="RollingIQR"),
    ]
