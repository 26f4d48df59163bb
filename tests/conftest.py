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


def _rust_classes(base_name: str):
    """Every public statistic built on a Rust class, with each of its `_unit_test_params`."""
    from river import stats

    base = getattr(stats.base, base_name)
    out = []
    for name in sorted(stats.__all__):
        cls = getattr(stats, name)
        rust = isinstance(cls, type) and any(b.__module__ == "river.stats._rust_stats" for b in cls.__mro__)
        # Count takes any value (even NaN or None) and counts items: it has its own tests.
        if rust and issubclass(cls, base) and cls is not stats.Count:
            for i, params in enumerate(cls._unit_test_params()):
                out.append(pytest.param(cls, params, id=f"{name}-{i}"))
    return out


def rust_univariates():
    """Rust-backed numeric univariate statistics and constructor arguments to test them with."""
    return _rust_classes("Univariate")


def rust_bivariates():
    """Rust-backed bivariate statistics (Cov, PearsonCorr, EWCov, KolmogorovSmirnov)."""
    return _rust_classes("Bivariate")
