//! Rust classes of the shape family: Skew, Kurtosis, Sum, Count, AutoCorr, BayesianMean.

use std::sync::Mutex;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::convert::{param, to_int, to_value};
use crate::core::autocorr::AutoCorr;
use crate::core::counting::{BayesianMean, Count, Sum};
use crate::core::shape::{Kurtosis, Skew};

/// Running skewness (Rust core of `river.stats.Skew`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsSkew {
    inner: Mutex<Skew>,
}

rs_class!(RsSkew(Skew): univariate, merge, unmerge {
    #[new]
    #[pyo3(signature = (bias = false))]
    fn new(#[pyo3(from_py_with = param::bias)] bias: bool) -> Self {
        Self {
            inner: Mutex::new(Skew::new(bias)),
        }
    }

    #[getter]
    fn bias(&self) -> bool {
        self.lock().bias()
    }

    fn __getnewargs__(&self) -> (bool,) {
        (self.lock().bias(),)
    }
});

/// Running excess kurtosis (Rust core of `river.stats.Kurtosis`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsKurtosis {
    inner: Mutex<Kurtosis>,
}

rs_class!(RsKurtosis(Kurtosis): univariate, merge, unmerge {
    #[new]
    #[pyo3(signature = (bias = false))]
    fn new(#[pyo3(from_py_with = param::bias)] bias: bool) -> Self {
        Self {
            inner: Mutex::new(Kurtosis::new(bias)),
        }
    }

    #[getter]
    fn bias(&self) -> bool {
        self.lock().bias()
    }

    fn __getnewargs__(&self) -> (bool,) {
        (self.lock().bias(),)
    }
});

/// Running sum (Rust core of `river.stats.Sum`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsSum {
    inner: Mutex<Sum>,
}

rs_class!(RsSum(Sum): univariate, merge, unmerge, no_args {
    #[new]
    fn new() -> Self {
        Self {
            inner: Mutex::new(Sum::new()),
        }
    }

    /// Take one value (a real number, not NaN) back out of the sum.
    fn revert(&self, x: &Bound<'_, PyAny>) -> PyResult<()> {
        let x = to_value(x, "x")?;
        self.lock().revert(x);
        Ok(())
    }
});

/// Autocorrelation at a lag (Rust core of `river.stats.AutoCorr`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsAutoCorr {
    inner: Mutex<AutoCorr>,
}

rs_class!(RsAutoCorr(AutoCorr): univariate {
    #[new]
    #[pyo3(signature = (lag))]
    fn new(lag: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(AutoCorr::new(to_int(lag, "lag")?)?),
        })
    }

    #[getter]
    fn lag(&self) -> usize {
        self.lock().lag()
    }

    fn __getnewargs__(&self) -> (usize,) {
        (self.lock().lag(),)
    }
});

/// Mean pulled towards a prior (Rust core of `river.stats.BayesianMean`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsBayesianMean {
    inner: Mutex<BayesianMean>,
}

rs_class!(RsBayesianMean(BayesianMean): univariate, merge, unmerge {
    #[new]
    #[pyo3(signature = (prior, prior_weight))]
    fn new(
        #[pyo3(from_py_with = param::prior)] prior: f64,
        #[pyo3(from_py_with = param::prior_weight)] prior_weight: f64,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(BayesianMean::new(prior, prior_weight)?),
        })
    }

    #[getter]
    fn prior(&self) -> f64 {
        self.lock().prior()
    }

    #[getter]
    fn prior_weight(&self) -> f64 {
        self.lock().prior_weight()
    }

    /// Take one value back out; ValueError (nothing changed) if no value is left.
    fn revert(&self, x: &Bound<'_, PyAny>) -> PyResult<()> {
        let x = to_value(x, "x")?;
        self.lock().revert(x)?;
        Ok(())
    }

    fn __getnewargs__(&self) -> (f64, f64) {
        let inner = self.lock();
        (inner.prior(), inner.prior_weight())
    }
});

/// Counter of updates, whatever their argument (Rust core of `river.stats.Count`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsCount {
    inner: Mutex<Count>,
}

impl RsCount {
    /// How many items `xs` yields; every item counts, whatever it is.
    fn items(xs: &Bound<'_, PyAny>) -> PyResult<u64> {
        if let Ok(n) = xs.len() {
            if xs.is_instance_of::<pyo3::types::PyString>() || xs.is_instance_of::<PyBytes>() {
                return Err(PyTypeError::new_err(
                    "expected an iterable of values, got a string",
                ));
            }
            // Sized containers (lists, tuples, arrays) are counted without iterating.
            if xs.is_instance_of::<pyo3::types::PyList>()
                || xs.is_instance_of::<pyo3::types::PyTuple>()
                || xs.cast::<numpy::PyUntypedArray>().is_ok()
            {
                return Ok(u64::try_from(n).unwrap_or(u64::MAX));
            }
        }
        let iter = xs
            .try_iter()
            .map_err(|_| PyTypeError::new_err("expected an iterable of values"))?;
        let mut n: u64 = 0;
        for item in iter {
            item?;
            n = n.saturating_add(1);
        }
        Ok(n)
    }
}

fast_methods!(
    RsCount,
    c"update($self, x=None)\n--\n\nCount one call; `x` is ignored and may be anything.",
    c"get($self)\n--\n\nThe number of updates so far, an int.",
    |this, py, args| match args {
        [] => {
            this.update(None);
            Ok(true)
        }
        [x] => {
            // SAFETY: an argument CPython passed, alive for the call.
            this.update(Some(unsafe { super::fast::arg(py, x) }));
            Ok(true)
        }
        _ => Ok(false),
    }
);

rs_class!(RsCount(Count): merge, unmerge, no_args {
    /// Defines the fast `update` and `get` on a Python subclass (see `fast`).
    #[classmethod]
    #[pyo3(signature = (**kwargs))]
    fn __init_subclass__(
        cls: &Bound<'_, pyo3::types::PyType>,
        kwargs: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<()> {
        super::fast::install::<Self>(cls, Self::fast_methods())?;
        super::fast::init_subclass_next::<Self>(cls, kwargs)
    }

    #[new]
    fn new() -> Self {
        Self {
            inner: Mutex::new(Count::new()),
        }
    }

    /// Count one call; `x` is ignored and may be anything.
    #[pyo3(signature = (x = None))]
    fn update(&self, x: Option<&Bound<'_, PyAny>>) {
        let _ = x;
        self.lock().tick();
    }

    /// The number of updates so far, an int.
    fn get(&self) -> u64 {
        self.lock().n()
    }

    /// The number of updates so far (River's attribute).
    #[getter]
    fn n(&self) -> u64 {
        self.lock().n()
    }

    /// Count every item of an iterable.
    fn update_many(&self, xs: &Bound<'_, PyAny>) -> PyResult<()> {
        let k = Self::items(xs)?;
        self.lock().add(k);
        Ok(())
    }

    /// Count every item and return the count after each one.
    fn accumulate<'py>(
        &self,
        py: Python<'py>,
        xs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
        let k = Self::items(xs)?;
        let out = self.lock().accumulate_calls(k)?;
        Ok(numpy::PyArray1::from_vec(py, out))
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsSkew>()?;
    m.add_class::<RsKurtosis>()?;
    m.add_class::<RsSum>()?;
    m.add_class::<RsCount>()?;
    m.add_class::<RsAutoCorr>()?;
    m.add_class::<RsBayesianMean>()?;
    Ok(())
}
