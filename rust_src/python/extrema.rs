//! Rust classes of the extrema family: Max, Min, AbsMax and their rolling versions.

use std::sync::Mutex;

use pyo3::prelude::*;

use super::convert::to_int;
use crate::core::extrema::{AbsMax, Max, Min};
use crate::core::rolling_extrema::{RollingAbsMax, RollingMax, RollingMin, RollingPeakToPeak};

macro_rules! running_extremum {
    ($rs:ident, $core:ty, $doc:literal) => {
        #[doc = $doc]
        #[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
        pub struct $rs {
            inner: Mutex<$core>,
        }

        rs_class!($rs($core): univariate, merge, no_args {
            #[new]
            fn new() -> Self {
                Self {
                    inner: Mutex::new(<$core>::new()),
                }
            }
        });
    };
}

running_extremum!(RsMax, Max, "Running max (Rust core of `river.stats.Max`).");
running_extremum!(RsMin, Min, "Running min (Rust core of `river.stats.Min`).");
running_extremum!(
    RsAbsMax,
    AbsMax,
    "Running absolute max (Rust core of `river.stats.AbsMax`)."
);

macro_rules! rolling_extremum {
    ($rs:ident, $core:ty, $doc:literal) => {
        #[doc = $doc]
        #[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
        pub struct $rs {
            inner: Mutex<$core>,
        }

        rs_class!($rs($core): univariate {
            #[new]
            #[pyo3(signature = (window_size))]
            fn new(window_size: &Bound<'_, PyAny>) -> PyResult<Self> {
                let window_size = to_int(window_size, "window_size")?;
                Ok(Self {
                    inner: Mutex::new(<$core>::new(window_size)?),
                })
            }

            #[getter]
            fn window_size(&self) -> usize {
                self.lock().window_size()
            }

            fn __getnewargs__(&self) -> (usize,) {
                (self.lock().window_size(),)
            }
        });
    };
}

rolling_extremum!(
    RsRollingMax,
    RollingMax,
    "Max over a sliding window (Rust core of `river.stats.RollingMax`)."
);
rolling_extremum!(
    RsRollingMin,
    RollingMin,
    "Min over a sliding window (Rust core of `river.stats.RollingMin`)."
);
rolling_extremum!(
    RsRollingAbsMax,
    RollingAbsMax,
    "Absolute max over a sliding window (Rust core of `river.stats.RollingAbsMax`)."
);
rolling_extremum!(
    RsRollingPeakToPeak,
    RollingPeakToPeak,
    "Max - min over a sliding window (Rust core of `river.stats.RollingPeakToPeak`)."
);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsMax>()?;
    m.add_class::<RsMin>()?;
    m.add_class::<RsAbsMax>()?;
    m.add_class::<RsRollingMax>()?;
    m.add_class::<RsRollingMin>()?;
    m.add_class::<RsRollingAbsMax>()?;
    m.add_class::<RsRollingPeakToPeak>()?;
    Ok(())
}
