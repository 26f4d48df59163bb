//! The plumbing every `Rs*` class shares, written once.
//!
//! - `pickled_class!` gives a class its `lock()`, pickling (`__getstate__`/`__setstate__`,
//!   versioned by `core::state`) and `__sizeof__`, then the class's own methods (`extra`).
//! - `univariate_class!` adds `get`, `update_many` and `accumulate` over a `core::Univariate`,
//!   and `update(x)` unless the class brings its own (`batch_arg = X` form, for weighted
//!   statistics whose batch argument River calls `X`).
//! - `with_merge_methods!` adds `+ - += -=` (Chan et al.) to either of the above.
//!
//! Classes are `frozen` and keep their core behind a `Mutex`: a batch call releases the GIL
//! while it works, and other threads then wait for it instead of failing a borrow check.
//! The guard is always dropped before the GIL is taken back, so the two locks cannot deadlock.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Batches shorter than this keep the GIL: releasing it costs more than it frees.
pub const DETACH_AT: usize = 1 << 15;

/// Runs `work` over a batch of `len` values, without the GIL when the batch is long.
pub fn run_batch<T: Send>(py: Python<'_>, len: usize, work: impl FnOnce() -> T + Send) -> T {
    if len >= DETACH_AT {
        py.detach(work)
    } else {
        work()
    }
}

/// A new, empty object of `slf`'s Python type (a subclass, when `slf` is one), built from
/// `slf.__getnewargs__()` like `copy` and `pickle` do.
pub fn new_like<'py, T: pyo3::PyClass>(slf: &Bound<'py, T>) -> PyResult<Bound<'py, T>> {
    let slf = slf.as_any();
    let args = slf.call_method0("__getnewargs__")?.cast_into::<PyTuple>()?;
    Ok(slf.get_type().call1(args)?.cast_into::<T>()?)
}

macro_rules! pickled_class {
    ($rs:ident, $core:ty, { $($extra:tt)* }) => {
        impl $rs {
            #[inline]
            fn lock(&self) -> std::sync::MutexGuard<'_, $core> {
                // A poisoned lock would mean a panic inside the core, which is a bug; the
                // state it guards is still a valid value, so go on with it.
                self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
            }
        }

        #[pyo3::pymethods]
        impl $rs {
            fn __getstate__<'py>(&self, py: pyo3::Python<'py>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyBytes>> {
                let bytes = $crate::core::state::dump(&*self.lock())?;
                Ok(pyo3::types::PyBytes::new(py, &bytes))
            }

            fn __setstate__(&self, state: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<()> {
                let loaded: $core = $crate::core::state::load($crate::python::convert::state_bytes(state)?)?;
                let mut current = self.lock();
                $crate::core::state::Persist::check_replaces(&loaded, &current)?;
                *current = loaded;
                Ok(())
            }

            /// Take `fitted`'s data under this object's parameters (what `clone(new_params,
            /// include_attributes=True)` needs); ValueError, nothing changed, where a parameter
            /// that shapes the data differs.
            fn _adopt(&self, fitted: &pyo3::Bound<'_, Self>) -> pyo3::PyResult<()> {
                let fitted = fitted.get().lock().clone();
                $crate::core::Adopt::adopt(&mut *self.lock(), &fitted)?;
                Ok(())
            }

            fn __sizeof__(&self) -> usize {
                std::mem::size_of::<Self>() + $crate::core::state::Persist::heap_bytes(&*self.lock())
            }

            $($extra)*
        }
    };
}

macro_rules! univariate_class {
    ($rs:ident, $core:ty, { $($extra:tt)* }) => {
        univariate_class!($rs, $core, batch_arg = xs, {
            /// Update with one value (a real number, not NaN).
            fn update(&self, x: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<()> {
                let x = $crate::python::convert::to_value(x, "x")?;
                $crate::core::Univariate::update(&mut *self.lock(), x);
                Ok(())
            }

            $($extra)*
        });
    };
    ($rs:ident, $core:ty, batch_arg = $xs:ident, { $($extra:tt)* }) => {
        pickled_class!($rs, $core, {
            /// The current value, None when there is none yet.
            fn get(&self) -> Option<f64> {
                $crate::core::Univariate::get(&*self.lock())
            }

            /// Update with every value of an iterable or 1-D array, all or nothing.
            #[allow(non_snake_case)]
            fn update_many(&self, py: pyo3::Python<'_>, $xs: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<()> {
                let xs = $crate::python::convert::to_floats($xs, None)?;
                let xs = xs.as_slice();
                let work = || $crate::core::Univariate::try_update_many(&mut *self.lock(), xs);
                Ok($crate::python::univariate::run_batch(py, xs.len(), work)?)
            }

            /// Update with every value and return the statistic's value after each one.
            #[allow(non_snake_case)]
            fn accumulate<'py>(
                &self,
                py: pyo3::Python<'py>,
                $xs: &pyo3::Bound<'py, pyo3::PyAny>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, numpy::PyArray1<f64>>> {
                let xs = $crate::python::convert::to_floats($xs, None)?;
                let xs = xs.as_slice();
                $crate::core::check_values(xs)?;
                let work = || $crate::core::Univariate::accumulate(&mut *self.lock(), xs);
                let out = $crate::python::univariate::run_batch(py, xs.len(), work);
                Ok(numpy::PyArray1::from_vec(py, out))
            }

            $($extra)*
        });
    };
}

/// `+ - += -=` for a class whose core implements `core::moments::Merge`, added to the methods
/// of `$then!($args ... { extra })`. `a + b` and `a - b` build a new object of `a`'s Python
/// type and leave both operands unchanged; the operand is copied before anything is locked,
/// so `a += a` cannot deadlock.
macro_rules! with_merge_methods {
    ($then:ident!($($args:tt)*) { $($extra:tt)* }) => {
        $then!($($args)* {
            fn __add__<'py>(
                slf: &pyo3::Bound<'py, Self>,
                other: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                let b = other.get().lock().clone();
                let mut a = slf.get().lock().clone();
                $crate::core::moments::Merge::merge(&mut a, &b);
                let built = $crate::python::univariate::new_like(slf)?;
                *built.get().lock() = a;
                Ok(built.into_any())
            }

            fn __sub__<'py>(
                slf: &pyo3::Bound<'py, Self>,
                other: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                let b = other.get().lock().clone();
                let mut a = slf.get().lock().clone();
                $crate::core::moments::Merge::unmerge(&mut a, &b);
                let built = $crate::python::univariate::new_like(slf)?;
                *built.get().lock() = a;
                Ok(built.into_any())
            }

            fn __iadd__(&self, other: &pyo3::Bound<'_, Self>) {
                let b = other.get().lock().clone();
                $crate::core::moments::Merge::merge(&mut *self.lock(), &b);
            }

            fn __isub__(&self, other: &pyo3::Bound<'_, Self>) {
                let b = other.get().lock().clone();
                $crate::core::moments::Merge::unmerge(&mut *self.lock(), &b);
            }

            $($extra)*
        });
    };
}
