//! Rolling order statistics over a window.

use std::sync::Mutex;

use pyo3::prelude::*;

use super::convert::{param, to_int};
use crate::core::rolling_quantile::{RollingIQR, RollingQuantile};

/// Exact rolling quantile (Rust core of `river.stats.RollingQuantile`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsRollingQuantile {
    inner: Mutex<RollingQuantile>,
}

rs_class!(RsRollingQuantile(RollingQuantile): univariate {
    #[new]
    #[pyo3(signature = (q, window_size))]
    fn new(#[pyo3(from_py_with = param::q)] q: f64, window_size: &Bound<'_, PyAny>) -> PyResult<Self> {
        let window_size = to_int(window_size, "window_size")?;
        Ok(Self {
            inner: Mutex::new(RollingQuantile::new(q, window_size)?),
        })
    }

    #[getter]
    fn q(&self) -> f64 {
        self.lock().q()
    }

    #[getter]
    fn window_size(&self) -> usize {
        self.lock().window_size()
    }

    fn __len__(&self) -> usize {
        self.lock().len()
    }

    fn __getnewargs__(&self) -> (f64, usize) {
        let inner = self.lock();
        (inner.q(), inner.window_size())
    }
});

/// Exact rolling interquartile range (Rust core of `river.stats.RollingIQR`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsRollingIQR {
    inner: Mutex<RollingIQR>,
}

rs_class!(RsRollingIQR(RollingIQR): univariate {
    #[new]
    #[pyo3(signature = (window_size, q_inf = 0.25, q_sup = 0.75))]
    fn new(
        window_size: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = param::q_inf)] q_inf: f64,
        #[pyo3(from_py_with = param::q_sup)] q_sup: f64,
    ) -> PyResult<Self> {
        let window_size = to_int(window_size, "window_size")?;
        Ok(Self {
            inner: Mutex::new(RollingIQR::new(window_size, q_inf, q_sup)?),
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

    #[getter]
    fn window_size(&self) -> usize {
        self.lock().window_size()
    }

    fn __getnewargs__(&self) -> (usize, f64, f64) {
        let inner = self.lock();
        (inner.window_size(), inner.q_inf(), inner.q_sup())
    }
});
