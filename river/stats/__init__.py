"""Running statistics, updated one value at a time, computed in Rust.

The classes keep the API of River's `stats` module; the `Rs*` classes of
`river.stats._rust_stats` are the Rust cores they are built on.
"""

from __future__ import annotations

from . import base
from .auto_corr import AutoCorr
from .base import Link
from .bayesian_mean import BayesianMean
from .chi_squared import ChiSquared
from .count import Count
from .cov import Cov
from .entropy import Entropy
from .ewcov import EWCov
from .ewmean import EWMean
from .ewvar import EWVar
from .iqr import IQR
from .kll_quantile import KLLQuantile
from .kolmogorov_smirnov import KolmogorovSmirnov
from .kurtosis import Kurtosis
from .mad import MAD
from .maximum import AbsMax, Max, RollingAbsMax, RollingMax
from .mean import Mean
from .minimum import Min, RollingMin
from .mode import Mode, RollingMode
from .pearson import PearsonCorr
from .ptp import PeakToPeak
from .quantile import Quantile
from .rolling_iqr import RollingIQR
from .rolling_ptp import RollingPeakToPeak
from .rolling_quantile import RollingQuantile
from .sem import SEM
from .shift import Shift
from .skew import Skew
from .summing import Sum
from .time_rolling import (
    TimeRollingAbsMax,
    TimeRollingIQR,
    TimeRollingMax,
    TimeRollingMin,
    TimeRollingPeakToPeak,
    TimeRollingQuantile,
)
from .var import Var

__all__ = [
    "base",
    "AbsMax",
    "AutoCorr",
    "BayesianMean",
    "ChiSquared",
    "Count",
    "Cov",
    "EWCov",
    "EWMean",
    "EWVar",
    "Entropy",
    "IQR",
    "KLLQuantile",
    "KolmogorovSmirnov",
    "Kurtosis",
    "Link",
    "MAD",
    "Max",
    "Mean",
    "Min",
    "Mode",
    "PeakToPeak",
    "PearsonCorr",
    "Quantile",
    "RollingAbsMax",
    "RollingIQR",
    "RollingMax",
    "RollingMin",
    "RollingMode",
    "RollingPeakToPeak",
    "RollingQuantile",
    "SEM",
    "Shift",
    "Skew",
    "Sum",
    "Var",
    # Ours, beyond River's 35 names: statistics over a window of time (`update(x, t=...)`).
    "TimeRollingAbsMax",
    "TimeRollingIQR",
    "TimeRollingMax",
    "TimeRollingMin",
    "TimeRollingPeakToPeak",
    "TimeRollingQuantile",
]
