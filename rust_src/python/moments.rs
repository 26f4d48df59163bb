//! Rust classes of the moments family: RsMean, RsVar (also the core of SEM), RsCov,
//! RsPearsonCorr, RsEWVar and RsEWCov.
//!
//! Mean and Var take a weight in `update`/`revert`, so they cannot use `univariate_class!`
//! (its `update` has no weight); `weighted_class!` below follows its code and adds `revert`,
//! `n`, `_from_state` and the merges `+ - += -=`. A merge result is built through the
//! object's own Python type, so `Var() + Var()` is a `river.stats.Var` and `SEM() + SEM()` a
//! `river.stats.SEM`. The operand is copied before the receiver is locked: `a += a` must not
//! take the same lock twice.

use std::sync::Mutex;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyType};

use super::convert::{to_f64, to_floats, Weight};
use crate::core::ew_moments::{EWCov, EWVar};
use crate::core::moments::{check_pairs, Cov, Mean, PearsonCorr, Var, Weighted};
use crate::core::{check_value, check_values};

/// `ddof`: a Python int (numpy ints too, bools and floats refused) between 0 and 2**32 - 1.
fn to_ddof(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    let is_int = obj.is_instance_of::<PyInt>() || obj.hasattr("__index__").unwrap_or(false);
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() || !is_int {
        let name = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        return Err(PyTypeError::new_err(format!(
            "ddof must be an int, got {name}"
        )));
    }
    let value = obj.call_method0("__index__")?;
    value.extract::<u32>().map_err(|_| {
        PyValueError::new_err(format!(
            "ddof must be an integer between 0 and {}, got {value}",
            u32::MAX
        ))
    })
}

/// A number argument other than `x`, with errors naming it.
fn to_named_f64(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    to_f64(obj).map_err(|err| {
        let msg = err.value(obj.py()).to_string();
        let msg = match msg.strip_prefix("x ") {
            Some(rest) => format!("{name} {rest}"),
            None => msg,
        };
        if err.is_instance_of::<PyTypeError>(obj.py()) {
            PyTypeError::new_err(msg)
        } else {
            PyValueError::new_err(msg)
        }
    })
}

/// `x` (or `y`): a real number, not NaN.
fn to_value(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    let x = to_named_f64(obj, name)?;
    if x.is_nan() {
        return Err(PyValueError::new_err(format!("{name} must not be NaN")));
    }
    Ok(check_value(x)?)
}

/// A batch argument (`X` or `Y`) with errors naming it.
fn batch<'py>(xs: &Bound<'py, PyAny>, name: &str) -> PyResult<super::convert::Floats<'py>> {
    to_floats(xs).map_err(|err| {
        let msg = format!("{name}: {}", err.value(xs.py()));
        if err.is_instance_of::<PyTypeError>(xs.py()) {
            PyTypeError::new_err(msg)
        } else {
            PyValueError::new_err(msg)
        }
    })
}

macro_rules! locked {
    ($rs:ident, $core:ty) => {
        impl $rs {
            #[inline]
            fn lock(&self) -> std::sync::MutexGuard<'_, $core> {
                // A poisoned lock would mean a panic inside the core (a bug); the value it
                // guards is still a valid state.
                self.inner
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            }

            /// A copy of the core, the lock released at once.
            fn snapshot(&self) -> $core {
                self.lock().clone()
            }

            /// A new object of `slf`'s Python type holding `core`.
            fn rebuilt<'py>(slf: &Bound<'py, Self>, core: $core) -> PyResult<Bound<'py, PyAny>> {
                let args = slf.call_method0("__getnewargs__")?;
                let built = slf
                    .get_type()
                    .call1(args.cast_into::<pyo3::types::PyTuple>()?)?;
                *built.cast::<Self>()?.get().lock() = core;
                Ok(built)
            }
        }
    };
}

/// One `#[pymethods]` block holding the arithmetic and pickling shared by every class here,
/// then the class's own methods (`extra`).
macro_rules! with_common_methods {
    ($rs:ident, $core:ty, { $($extra:tt)* }) => {
        #[pymethods]
        impl $rs {
            /// A new statistic of both streams; both operands are left unchanged.
            fn __add__<'py>(
                slf: &Bound<'py, Self>,
                other: &Bound<'py, Self>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let b = other.get().snapshot();
                let mut a = slf.get().snapshot();
                a.merge(&b);
                Self::rebuilt(slf, a)
            }

            /// A new statistic of this stream with `other`'s stream taken out.
            fn __sub__<'py>(
                slf: &Bound<'py, Self>,
                other: &Bound<'py, Self>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let b = other.get().snapshot();
                let mut a = slf.get().snapshot();
                a.unmerge(&b);
                Self::rebuilt(slf, a)
            }

            fn __iadd__(&self, other: &Bound<'_, Self>) {
                let b = other.get().snapshot();
                self.lock().merge(&b);
            }

            fn __isub__(&self, other: &Bound<'_, Self>) {
                let b = other.get().snapshot();
                self.lock().unmerge(&b);
            }

            fn __getstate__<'py>(
                &self,
                py: Python<'py>,
            ) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
                let bytes = crate::core::state::dump(&*self.lock())?;
                Ok(pyo3::types::PyBytes::new(py, &bytes))
            }

            fn __sizeof__(&self) -> usize {
                std::mem::size_of::<Self>()
            }

            $($extra)*
        }
    };
}

/// update(x, w), revert(x, w), get, n, update_many(X), accumulate(X) for a weighted
/// univariate core, plus the class's own methods (`extra`).
macro_rules! weighted_univariate {
    ($rs:ident, $core:ty, { $($extra:tt)* }) => {
        locked!($rs, $core);

        with_common_methods!($rs, $core, {
            /// Update with `x` of weight `w`.
            #[pyo3(signature = (x, w = Weight(1.0)), text_signature = "($self, x, w=1.0)")]
            fn update(&self, x: &Bound<'_, PyAny>, w: Weight) -> PyResult<()> {
                let w = w.0;
                let x = to_value(x, "x")?;
                self.lock().update_weighted(x, w)?;
                Ok(())
            }

            /// Undo an update with `x` of weight `w`.
            #[pyo3(signature = (x, w = Weight(1.0)), text_signature = "($self, x, w=1.0)")]
            fn revert(&self, x: &Bound<'_, PyAny>, w: Weight) -> PyResult<()> {
                let w = w.0;
                let x = to_value(x, "x")?;
                let w = crate::core::moments::check_weight(w)?;
                self.lock().update_weighted(x, -w)?;
                Ok(())
            }

            fn get(&self) -> Option<f64> {
                crate::core::Univariate::get(&*self.lock())
            }

            /// The sum of the weights (the count when every weight is 1).
            #[getter]
            fn n(&self) -> f64 {
                self.lock().n()
            }

            /// Update with every value of an iterable or 1-D array (weight 1), all or nothing.
            #[allow(non_snake_case)]
            fn update_many(&self, py: Python<'_>, X: &Bound<'_, PyAny>) -> PyResult<()> {
                let xs = to_floats(X)?;
                let xs = xs.as_slice();
                check_values(xs)?;
                let work = || crate::core::Univariate::update_many(&mut *self.lock(), xs);
                if xs.len() >= super::univariate::DETACH_AT {
                    py.detach(work);
                } else {
                    work();
                }
                Ok(())
            }

            /// Update with every value and return the statistic's value after each one.
            #[allow(non_snake_case)]
            fn accumulate<'py>(
                &self,
                py: Python<'py>,
                X: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
                let xs = to_floats(X)?;
                let xs = xs.as_slice();
                check_values(xs)?;
                let work = || crate::core::Univariate::accumulate(&mut *self.lock(), xs);
                let out = if xs.len() >= super::univariate::DETACH_AT {
                    py.detach(work)
                } else {
                    work()
                };
                Ok(numpy::PyArray1::from_vec(py, out))
            }

            $($extra)*
        });
    };
}

/// update(x, y, w), revert(x, y, w), get, n, update_many(X, Y) for a co-moment core.
macro_rules! comoment_class {
    ($rs:ident, $core:ty, { $($extra:tt)* }) => {
        locked!($rs, $core);

        impl $core {
            fn merge(&mut self, other: &Self) {
                let mut m = *self.moments();
                m.merge(other.moments());
                self.set_moments(m);
            }

            fn unmerge(&mut self, other: &Self) {
                let mut m = *self.moments();
                m.unmerge(other.moments());
                self.set_moments(m);
            }
        }

        with_common_methods!($rs, $core, {
            #[new]
            #[pyo3(signature = (ddof = None))]
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
                self.lock().moments().n()
            }

            fn get(&self) -> f64 {
                self.lock().get()
            }

            /// Update with the pair (x, y) of weight `w`.
            #[pyo3(signature = (x, y, w = Weight(1.0)), text_signature = "($self, x, y, w=1.0)")]
            fn update(&self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>, w: Weight) -> PyResult<()> {
                let w = w.0;
                let (x, y) = (to_value(x, "x")?, to_value(y, "y")?);
                self.lock().update(x, y, w)?;
                Ok(())
            }

            /// Undo an update with the pair (x, y) of weight `w`.
            #[pyo3(signature = (x, y, w = Weight(1.0)), text_signature = "($self, x, y, w=1.0)")]
            fn revert(&self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>, w: Weight) -> PyResult<()> {
                let w = w.0;
                let (x, y) = (to_value(x, "x")?, to_value(y, "y")?);
                let w = crate::core::moments::check_weight(w)?;
                self.lock().update(x, y, -w)?;
                Ok(())
            }

            /// Update with the pairs (X[i], Y[i]), all or nothing.
            #[allow(non_snake_case)]
            fn update_many(
                &self,
                py: Python<'_>,
                X: &Bound<'_, PyAny>,
                Y: &Bound<'_, PyAny>,
            ) -> PyResult<()> {
                let (xs, ys) = (batch(X, "X")?, batch(Y, "Y")?);
                let (xs, ys) = (xs.as_slice(), ys.as_slice());
                check_pairs(xs, ys)?;
                let work = || self.lock().update_many(xs, ys);
                if xs.len() >= super::univariate::DETACH_AT {
                    py.detach(work);
                } else {
                    work();
                }
                Ok(())
            }

            fn __setstate__(&self, state: &Bound<'_, PyAny>) -> PyResult<()> {
                let loaded: $core =
                    crate::core::state::load(super::convert::state_bytes(state)?)?;
                *self.lock() = loaded;
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

weighted_univariate!(RsMean, Mean, {
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
        let core = Mean::from_parts(n, mean)?;
        let built = cls.call0()?;
        *built.cast::<Self>()?.get().lock() = core;
        Ok(built)
    }

    fn __setstate__(&self, state: &Bound<'_, PyAny>) -> PyResult<()> {
        let loaded: Mean = crate::core::state::load(super::convert::state_bytes(state)?)?;
        *self.lock() = loaded;
        Ok(())
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyTuple> {
        pyo3::types::PyTuple::empty(py)
    }
});

/// Weighted running variance (Rust core of `river.stats.Var` and `river.stats.SEM`).
///
/// With `standard_error=True` the value is the standard error of the mean,
/// `sqrt(var / n)`, and None while empty.
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsVar {
    inner: Mutex<Var>,
}

weighted_univariate!(RsVar, Var, {
    #[new]
    #[pyo3(signature = (ddof = None, *, standard_error = false))]
    fn new(ddof: Option<&Bound<'_, PyAny>>, standard_error: bool) -> PyResult<Self> {
        let ddof = ddof.map_or(Ok(1), to_ddof)?;
        Ok(Self {
            inner: Mutex::new(Var::new(ddof, standard_error)),
        })
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

    fn __setstate__(&self, state: &Bound<'_, PyAny>) -> PyResult<()> {
        let loaded: Var = crate::core::state::load(super::convert::state_bytes(state)?)?;
        let mut inner = self.lock();
        if loaded.standard_error() != inner.standard_error() {
            return Err(PyValueError::new_err(
                "invalid pickled state: a standard error's state cannot load into a \
                 variance, nor the reverse",
            ));
        }
        *inner = loaded;
        Ok(())
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

univariate_class!(RsEWVar, EWVar, {
    #[new]
    #[pyo3(signature = (fading_factor = 0.5))]
    fn new(fading_factor: f64) -> PyResult<Self> {
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

impl RsEWCov {
    #[inline]
    fn lock(&self) -> std::sync::MutexGuard<'_, EWCov> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[pymethods]
impl RsEWCov {
    #[new]
    #[pyo3(signature = (fading_factor = 0.5))]
    fn new(fading_factor: f64) -> PyResult<Self> {
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

    /// Update with the pairs (X[i], Y[i]), all or nothing.
    #[allow(non_snake_case)]
    fn update_many(
        &self,
        py: Python<'_>,
        X: &Bound<'_, PyAny>,
        Y: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let (xs, ys) = (batch(X, "X")?, batch(Y, "Y")?);
        let (xs, ys) = (xs.as_slice(), ys.as_slice());
        check_pairs(xs, ys)?;
        let work = || self.lock().update_many(xs, ys);
        if xs.len() >= super::univariate::DETACH_AT {
            py.detach(work);
        } else {
            work();
        }
        Ok(())
    }

    fn __getstate__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        let bytes = crate::core::state::dump(&*self.lock())?;
        Ok(pyo3::types::PyBytes::new(py, &bytes))
    }

    fn __setstate__(&self, state: &Bound<'_, PyAny>) -> PyResult<()> {
        let loaded: EWCov = crate::core::state::load(super::convert::state_bytes(state)?)?;
        *self.lock() = loaded;
        Ok(())
    }

    fn __sizeof__(&self) -> usize {
        std::mem::size_of::<Self>()
    }

    fn __getnewargs__(&self) -> (f64,) {
        (self.lock().fading_factor(),)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsMean>()?;
    m.add_class::<RsVar>()?;
    m.add_class::<RsCov>()?;
    m.add_class::<RsPearsonCorr>()?;
    m.add_class::<RsEWVar>()?;
    m.add_class::<RsEWCov>()?;
    Ok(())
}
