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

# family: shape

# family: extrema

# family: sketches
from .iqr import IQR  # noqa: E402
from .kolmogorov_smirnov import KolmogorovSmirnov  # noqa: E402
from .mad import MAD  # noqa: E402
from .quantile import Quantile  # noqa: E402

__all__ += ["IQR", "KolmogorovSmirnov", "MAD", "Quantile"]

# family: windows and hashables
