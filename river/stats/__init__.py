"""Running statistics, updated one value at a time, computed in Rust.

The classes keep the API of River's `stats` module; the `Rs*` classes of
`river.stats._rust_stats` are the Rust cores they are built on.
"""

from __future__ import annotations

from . import base
from .base import Link
from .ewmean import EWMean
from .ptp import PeakToPeak
from .rolling_iqr import RollingIQR
from .rolling_quantile import RollingQuantile

__all__ = [
    "base",
    "EWMean",
    "Link",
    "PeakToPeak",
    "RollingIQR",
    "RollingQuantile",
]

# family: moments
from .cov import Cov  # noqa: E402
from .ewcov import EWCov  # noqa: E402
from .ewvar import EWVar  # noqa: E402
from .mean import Mean  # noqa: E402
from .pearson import PearsonCorr  # noqa: E402
from .sem import SEM  # noqa: E402
from .var import Var  # noqa: E402

__all__ += ["Cov", "EWCov", "EWVar", "Mean", "PearsonCorr", "SEM", "Var"]

# family: shape

# family: extrema

# family: sketches

# family: windows and hashables
