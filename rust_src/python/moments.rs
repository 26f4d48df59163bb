//! Rust classes of the moments family: RsMean, RsVar, RsSEM (a variance read as a standard
//! error), RsCov,
//! RsPearsonCorr, RsEWVar and RsEWCov.
//!
//! Mean and Var are `weighted` and Cov/PearsonCorr take a weight too; all four `merge`
//! (`rs_class!`). A merge result is built through the object's own Python type, so
//! `Var() + Var()` is a `river.stats.Var` and `SEM() + SEM()` a `river.stats.SEM`.

use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyType;

use super::convert::{param, to_index, to_value, Weight};
use crate::core::ew_moments::{EWCov, EWVar};
use crate::core::moments::{Cov, Mean, PearsonCorr, Var};

/// `ddof`: a Python int (numpy ints too, bools and floats refused) between 0 and 2**32 - 1.
fn to_ddof(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    let value = to_index(obj, "ddof")?;
    value.extract::<u32>().map_err(|_| {
        PyValueError::new_err(format!(
            "ddof must be an integer between 0 and {}, got {value}",
            u32::MAX
        ))
    })
}

/// update(x, y, w), revert(x, y, w), get, n, update_many(X, Y) and merges for a co-moment
/// core (Cov and PearsonCorr share everything but their value).
macro_rules! comoment_class {
    ($rs:ident, $core:ty, { $($extra:tt)* }) => {
        rs_class!($rs($core): merge, unmerge, pairs {
            #[new]
            #[pyo3(signature = (ddof = None), text_signature = "(ddof=1)")]
            fn new(ddof: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
                let ddof = ddof.map_or(Ok(1), to_ddof)?;
                Ok(Self {
                    inner: Mutex::new(<$core>::new(ddof)),
                })
            }

            #[getter]
            fn ddof(&self) -> u32 {
                self.lock().ddof()
            }

            /// The sum of the weights (the count when every weight is 1).
            #[getter]
            fn n(&self) -> f64 {
                self.lock().n()
            }

            fn get(&self) -> f64 {
                self.lock().get()
            }

            /// Update with the pair (x, y) of weight `w`.
            #[pyo3(signature = (x, y, w = Weight(1.0)), text_signature = "($self, x, y, w=1.0)")]
            fn update(&self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>, w: Weight) -> PyResult<()> {
                let (x, y) = (to_value(x, "x")?, to_value(y, "y")?);
                self.lock().update(x, y, w.0)?;
                Ok(())
            }

            /// Undo an update with the pair (x, y) of weight `w`.
            #[pyo3(signature = (x, y, w = Weight(1.0)), text_signature = "($self, x, y, w=1.0)")]
            fn revert(&self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>, w: Weight) -> PyResult<()> {
                let (x, y) = (to_value(x, "x")?, to_value(y, "y")?);
                self.lock().revert(x, y, w.0)?;
                Ok(())
            }

            fn __getnewargs__(&self) -> (u32,) {
                (self.lock().ddof(),)
            }

            $($extra)*
        });
    };
}

// ---------------------------------------------------------------------------------------------

/// Weighted running mean (Rust core of `river.stats.Mean`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsMean {
    inner: Mutex<Mean>,
}

rs_class!(RsMean(Mean): weighted, merge, unmerge, no_args {
    #[new]
    fn new() -> Self {
        Self {
            inner: Mutex::new(Mean::new()),
        }
    }

    /// A mean of weight `n` and value `mean` (River's `Mean._from_state`).
    #[classmethod]
    fn _from_state<'py>(
        cls: &Bound<'py, PyType>,
        n: f64,
        mean: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        Self::build(cls, Mean::from_parts(n, mean)?)
    }
});

impl RsMean {
    /// An object of `cls` (RsMean or a Python subclass) holding `core`.
    fn build<'py>(cls: &Bound<'py, PyType>, core: Mean) -> PyResult<Bound<'py, PyAny>> {
        let built = cls.call0()?;
        *built.cast::<Self>()?.get().lock() = core;
        Ok(built)
    }
}

/// Weighted running variance (Rust core of `river.stats.Var` and `river.stats.SEM`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsVar {
    inner: Mutex<Var>,
}

impl RsVar {
    /// A variance (`ddof` defaulting to 1), read as a standard error when `standard_error`.
    fn with(ddof: Option<&Bound<'_, PyAny>>, standard_error: bool) -> PyResult<Self> {
        let ddof = ddof.map_or(Ok(1), to_ddof)?;
        Ok(Self {
            inner: Mutex::new(Var::new(ddof, standard_error)),
        })
    }
}

/// Standard error of the mean, `sqrt(var / n)` and None while empty (Rust core of
/// `river.stats.SEM`). It adds nothing to `RsVar` but its constructor, which reads the
/// variance as a standard error, so that `SEM` subclasses `Var` as in River and has
/// River's signature.
#[pyclass(frozen, subclass, extends = RsVar, module = "river.stats._rust_stats")]
pub struct RsSEM {}

#[pymethods]
impl RsSEM {
    #[new]
    #[pyo3(signature = (ddof = None), text_signature = "(ddof=1)")]
    fn new(ddof: Option<&Bound<'_, PyAny>>) -> PyResult<PyClassInitializer<Self>> {
        Ok(PyClassInitializer::from(RsVar::with(ddof, true)?).add_subclass(Self {}))
    }
}

rs_class!(RsVar(Var): weighted, merge, unmerge {
    #[new]
    #[pyo3(signature = (ddof = None), text_signature = "(ddof=1)")]
    fn new(ddof: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Self::with(ddof, false)
    }

    #[getter]
    fn ddof(&self) -> u32 {
        self.lock().ddof()
    }

    /// The running mean of the same values, as a snapshot.
    #[getter]
    fn mean(&self) -> RsMean {
        RsMean {
            inner: Mutex::new(self.lock().mean()),
        }
    }

    /// The running mean as an object of `cls`, a subclass of RsMean (`Var.mean`).
    fn _mean_as<'py>(&self, cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
        let mean = self.lock().mean();
        RsMean::build(cls, mean)
    }

    /// River's `Var._from_state(n, m, var, ddof=)`.
    #[classmethod]
    #[pyo3(signature = (n, m, var, *, ddof = None))]
    fn _from_state<'py>(
        cls: &Bound<'py, PyType>,
        n: f64,
        m: f64,
        var: f64,
        ddof: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ddof = ddof.map_or(Ok(1), to_ddof)?;
        let built = cls.call1((ddof,))?;
        let target = built.cast::<Self>()?;
        let standard_error = target.get().lock().standard_error();
        *target.get().lock() = Var::from_parts(ddof, standard_error, n, m, var)?;
        Ok(built)
    }

    fn __getnewargs__(&self) -> (u32,) {
        (self.lock().ddof(),)
    }
});

/// Weighted sample covariance (Rust core of `river.stats.Cov`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsCov {
    inner: Mutex<Cov>,
}

comoment_class!(RsCov, Cov, {
    /// River's `Cov._from_state(n, mean_x, mean_y, cov, ddof=)`.
    #[classmethod]
    #[pyo3(signature = (n, mean_x, mean_y, cov, *, ddof = None))]
    fn _from_state<'py>(
        cls: &Bound<'py, PyType>,
        n: f64,
        mean_x: f64,
        mean_y: f64,
        cov: f64,
        ddof: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ddof = ddof.map_or(Ok(1), to_ddof)?;
        let core = Cov::from_parts(ddof, n, mean_x, mean_y, cov)?;
        let built = cls.call1((ddof,))?;
        *built.cast::<Self>()?.get().lock() = core;
        Ok(built)
    }
});

/// Pearson's correlation coefficient (Rust core of `river.stats.PearsonCorr`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsPearsonCorr {
    inner: Mutex<PearsonCorr>,
}

comoment_class!(RsPearsonCorr, PearsonCorr, {});

/// Exponentially weighted variance (Rust core of `river.stats.EWVar`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsEWVar {
    inner: Mutex<EWVar>,
}

rs_class!(RsEWVar(EWVar): univariate {
    #[new]
    #[pyo3(signature = (fading_factor = 0.5))]
    fn new(#[pyo3(from_py_with = param::fading_factor)] fading_factor: f64) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(EWVar::new(fading_factor)?),
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

/// Exponentially weighted covariance (Rust core of `river.stats.EWCov`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsEWCov {
    inner: Mutex<EWCov>,
}

rs_class!(RsEWCov(EWCov): pairs {
    #[new]
    #[pyo3(signature = (fading_factor = 0.5))]
    fn new(#[pyo3(from_py_with = param::fading_factor)] fading_factor: f64) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(EWCov::new(fading_factor)?),
        })
    }

    #[getter]
    fn fading_factor(&self) -> f64 {
        self.lock().fading_factor()
    }

    /// Update with the pair (x, y).
    fn update(&self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<()> {
        let (x, y) = (to_value(x, "x")?, to_value(y, "y")?);
        self.lock().update(x, y);
        Ok(())
    }

    fn get(&self) -> f64 {
        self.lock().get()
    }

    fn __getnewargs__(&self) -> (f64,) {
        (self.lock().fading_factor(),)
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsMean>()?;
    m.add_class::<RsVar>()?;
    m.add_class::<RsSEM>()?;
    m.add_class::<RsCov>()?;
    m.add_class::<RsPearsonCorr>()?;
    m.add_class::<RsEWVar>()?;
    m.add_class::<RsEWCov>()?;
    Ok(())
}
