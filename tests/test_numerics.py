"""Numerical quality on long streams of mixed magnitude, against exactly rounded references
(`math.fsum`), not against another floating-point accumulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from river import stats

N = 10_000_000


@pytest.fixture(scope="module")
def mixed() -> np.ndarray:
    """10^7 values whose magnitudes span 1e-3 to 1e6, in random order, around a large offset
    (the case where naive sums of squares lose everything)."""
    rng = np.random.default_rng(12)
    magnitudes = 10.0 ** rng.uniform(-3, 6, N)
    return 1e6 + magnitudes * rng.choice([-1.0, 1.0], N)


def exact_mean_var(xs: np.ndarray, ddof: int) -> tuple[float, float]:
    mean = math.fsum(xs) / len(xs)
    # Two-pass with exactly rounded sums: the residuals are exact to within one rounding each.
    residuals = xs - mean
    correction = math.fsum(residuals) / len(xs)
    residuals = residuals - correction
    return mean + correction, math.fsum(residuals * residuals) / (len(xs) - ddof)


def test_mean_and_var_of_ten_million_mixed_values(mixed):
    want_mean, want_var = exact_mean_var(mixed, ddof=1)
    mean, var = stats.Mean(), stats.Var(ddof=1)
    mean.update_many(mixed)
    var.update_many(mixed)
    assert mean.get() == pytest.approx(want_mean, rel=1e-12, abs=0)
    assert var.get() == pytest.approx(want_var, rel=1e-12, abs=0)
    assert var.mean.get() == pytest.approx(want_mean, rel=1e-12, abs=0)


def test_merged_halves_match_the_whole(mixed):
    half = len(mixed) // 2
    a, b = stats.Var(), stats.Var()
    a.update_many(mixed[:half])
    b.update_many(mixed[half:])
    _, want_var = exact_mean_var(mixed, ddof=1)
    assert (a + b).get() == pytest.approx(want_var, rel=1e-12, abs=0)
