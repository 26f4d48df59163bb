//! Rust classes of the sketches family: P² quantile estimates and the Kolmogorov-Smirnov
//! distance between two samples.

use std::sync::Mutex;

use pyo3::prelude::*;

use crate::core::quantile::{Quantile, IQR, MAD};

/// Running quantile, P² algorithm (Rust core of `river.stats.Quantile`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsQuantile {
    inner: Mutex<Quantile>,
}

univariate_class!(RsQuantile, Quantile, {
    #[new]
    #[pyo3(signature = (q = 0.5))]
    fn new(q: f64) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(Quantile::new(q)?),
        })
    }

    #[getter]
    fn q(&self) -> f64 {
        self.lock().q()
    }

    fn __getnewargs__(&self) -> (f64,) {
        (self.lock().q(),)
    }
});

/// Median absolute deviation (Rust core of `river.stats.MAD`). It extends `RsQuantile` so
/// that `MAD` can subclass `Quantile` as in River; its own core does all the work (the
/// base's estimator is never fed).
#[pyclass(frozen, subclass, extends = RsQuantile, module = "river.stats._rust_stats")]
pub struct RsMAD {
    inner: Mutex<MAD>,
}

univariate_class!(RsMAD, MAD, {
    #[new]
    fn new() -> PyResult<PyClassInitializer<Self>> {
        Ok(
            PyClassInitializer::from(RsQuantile::new(0.5)?).add_subclass(Self {
                inner: Mutex::new(MAD::new()),
            }),
        )
    }

    /// The running median the absolute deviations are measured from.
    #[getter]
    fn median_value(&self) -> Option<f64> {
        self.lock().median()
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyTuple> {
        pyo3::types::PyTuple::empty(py)
    }
});

/// Interquartile range from two P² estimators (Rust core of `river.stats.IQR`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsIQR {
    inner: Mutex<IQR>,
}

univariate_class!(RsIQR, IQR, {
    #[new]
    #[pyo3(signature = (q_inf = 0.25, q_sup = 0.75))]
    fn new(q_inf: f64, q_sup: f64) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(IQR::new(q_inf, q_sup)?),
        })
    }

    #[getter]
    fn q_inf(&self) -> f64 {
        self.lock().q_inf()
    }

    #[getter]
    fn q_sup(&self) -> f64 {
        self.lock().q_sup()
    }

    fn __getnewargs__(&self) -> (f64, f64) {
        let inner = self.lock();
        (inner.q_inf(), inner.q_sup())
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsQuantile>()?;
    m.add_class::<RsMAD>()?;
    m.add_class::<RsIQR>()?;
    Ok(())
}
