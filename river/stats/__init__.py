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
from .auto_corr import AutoCorr  # noqa: E402
from .bayesian_mean import BayesianMean  # noqa: E402
from .count import Count  # noqa: E402
from .kurtosis import Kurtosis  # noqa: E402
from .shift import Shift  # noqa: E402
from .skew import Skew  # noqa: E402
from .summing import Sum  # noqa: E402

__all__ += ["AutoCorr", "BayesianMean", "Count", "Kurtosis", "Shift", "Skew", "Sum"]

# family: extrema
from .maximum import AbsMax, Max, RollingAbsMax, RollingMax  # noqa: E402
from .minimum import Min, RollingMin  # noqa: E402
from .rolling_ptp import RollingPeakToPeak  # noqa: E402

__all__ += ["AbsMax", "Max", "Min", "RollingAbsMax", "RollingMax", "RollingMin", "RollingPeakToPeak"]

# family: sketches
from .iqr import IQR  # noqa: E402
from .kolmogorov_smirnov import KolmogorovSmirnov  # noqa: E402
from .mad import MAD  # noqa: E402
from .quantile import Quantile  # noqa: E402

__all__ += ["IQR", "KolmogorovSmirnov", "MAD", "Quantile"]

# family: windows and hashables
from .chi_squared import ChiSquared  # noqa: E402
from .entropy import Entropy  # noqa: E402
from .mode import Mode, RollingMode  # noqa: E402

__all__ += ["ChiSquared", "Entropy", "Mode", "RollingMode"]
