//! Statistics whose state is a few numbers.

use std::sync::Mutex;

use pyo3::prelude::*;

use crate::core::ewmean::EWMean;
use crate::core::ptp::PeakToPeak;

/// Exponentially weighted mean (Rust core of `river.stats.EWMean`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsEWMean {
    inner: Mutex<EWMean>,
}

univariate_class!(RsEWMean, EWMean, {
    #[new]
    #[pyo3(signature = (fading_factor = 0.5))]
    fn new(fading_factor: f64) -> PyResult<Self> {
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

univariate_class!(RsPeakToPeak, PeakToPeak, {
    #[new]
    fn new() -> Self {
        Self {
            inner: Mutex::new(PeakToPeak::new()),
        }
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyTuple> {
        pyo3::types::PyTuple::empty(py)
    }
});
