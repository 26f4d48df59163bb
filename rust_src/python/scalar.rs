//! Statistics whose state is a few numbers.

use std::sync::Mutex;

use pyo3::prelude::*;

use super::convert::param;

use crate::core::ewmean::EWMean;
use crate::core::ptp::PeakToPeak;

/// Exponentially weighted mean (Rust core of `river.stats.EWMean`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsEWMean {
    inner: Mutex<EWMean>,
}

rs_class!(RsEWMean(EWMean): univariate {
    #[new]
    #[pyo3(signature = (fading_factor = 0.5))]
    fn new(#[pyo3(from_py_with = param::fading_factor)] fading_factor: f64) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(EWMean::new(fading_factor)?),
        })
    }

    #[getter]
    fn fading_factor(&self) -> f64 {
        self.lock().fading_factor()
    }

    fn __getnewargs__(&self) -> (f64,) {
        (self.lock().fading_factor(),)
    }
});

/// Running peak to peak, max - min (Rust core of `river.stats.PeakToPeak`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsPeakToPeak {
    inner: Mutex<PeakToPeak>,
}

rs_class!(RsPeakToPeak(PeakToPeak): univariate, merge, no_args {
    #[new]
    fn new() -> Self {
        Self {
            inner: Mutex::new(PeakToPeak::new()),
        }
    }
});
