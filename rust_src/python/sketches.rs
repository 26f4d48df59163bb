//! Rust classes of the sketches family: P² quantile estimates and the Kolmogorov-Smirnov
//! distance between two samples.

use std::sync::Mutex;

use pyo3::prelude::*;

use super::convert::{param, to_value};
use crate::core::ks::KolmogorovSmirnov;
use crate::core::quantile::{Quantile, IQR, MAD};

/// Running quantile, P² algorithm (Rust core of `river.stats.Quantile`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsQuantile {
    inner: Mutex<Quantile>,
}

rs_class!(RsQuantile(Quantile): univariate {
    #[new]
    #[pyo3(signature = (q = 0.5))]
    fn new(#[pyo3(from_py_with = param::q)] q: f64) -> PyResult<Self> {
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

rs_class!(RsMAD(MAD): univariate, no_args {
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
});

/// Interquartile range from two P² estimators (Rust core of `river.stats.IQR`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsIQR {
    inner: Mutex<IQR>,
}

rs_class!(RsIQR(IQR): univariate {
    #[new]
    #[pyo3(signature = (q_inf = 0.25, q_sup = 0.75))]
    fn new(
        #[pyo3(from_py_with = param::q_inf)] q_inf: f64,
        #[pyo3(from_py_with = param::q_sup)] q_sup: f64,
    ) -> PyResult<Self> {
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

/// Kolmogorov-Smirnov or Kuiper distance between two samples (Rust core of
/// `river.stats.KolmogorovSmirnov`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsKolmogorovSmirnov {
    inner: Mutex<KolmogorovSmirnov>,
}

fn statistic_name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    obj.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err("statistic must be a str, \"ks\" or \"kuiper\"")
    })
}

rs_class!(RsKolmogorovSmirnov(KolmogorovSmirnov): merge, unmerge {
    #[new]
    #[pyo3(signature = (statistic = String::from("ks")), text_signature = "(statistic='ks')")]
    fn new(#[pyo3(from_py_with = statistic_name)] statistic: String) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(KolmogorovSmirnov::new(&statistic)?),
        })
    }

    /// Add `x` to the first sample and `y` to the second.
    fn update(&self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<()> {
        let (x, y) = (to_value(x, "x")?, to_value(y, "y")?);
        self.lock().update(x, y);
        Ok(())
    }

    /// Remove `x` from the first sample and `y` from the second (both must be there).
    fn revert(&self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<()> {
        let (x, y) = (to_value(x, "x")?, to_value(y, "y")?);
        Ok(self.lock().revert(x, y)?)
    }

    /// The distance between the two empirical distribution functions (0.0 when empty).
    fn get(&self) -> f64 {
        self.lock().get()
    }

    #[getter]
    fn statistic(&self) -> &'static str {
        self.lock().distance().name()
    }

    /// Number of pairs seen (each sample holds this many values).
    #[getter]
    fn n_samples(&self) -> u64 {
        self.lock().n_samples()
    }

    fn __getnewargs__(&self) -> (&'static str,) {
        (self.lock().distance().name(),)
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsKolmogorovSmirnov>()?;
    m.add_class::<RsQuantile>()?;
    m.add_class::<RsMAD>()?;
    m.add_class::<RsIQR>()?;
    Ok(())
}
