"""Shared fixtures. The catalogue of the statistics and the shared helpers are in catalogue.py."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)
