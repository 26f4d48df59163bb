//! What every univariate `Rs*` class has in common, written once: `update`, `get`,
//! `update_many`, `accumulate`, pickling (`__getstate__`/`__setstate__`, versioned by
//! `core::state`) and `__sizeof__`. Each class adds its constructor, getters and
//! `__getnewargs__` in the `extra` block.
//!
//! Classes are `frozen` and keep their core behind a `Mutex`: a batch call releases the GIL
//! while it works, and other threads then wait for it instead of failing a borrow check.
//! The guard is always dropped before the GIL is taken back, so the two locks cannot deadlock.

/// Batches shorter than this keep the GIL: releasing it costs more than it frees.
pub const DETACH_AT: usize = 1 << 15;

macro_rules! univariate_class {
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
            /// Update with one value (a real number, not NaN).
            fn update(&self, x: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<()> {
                let x = $crate::core::check_value($crate::python::convert::to_f64(x)?)?;
                $crate::core::Univariate::update(&mut *self.lock(), x);
                Ok(())
            }

            /// The current value, None when there is none yet.
            fn get(&self) -> Option<f64> {
                $crate::core::Univariate::get(&*self.lock())
            }

            /// Update with every value of an iterable or 1-D array, all or nothing.
            fn update_many(&self, py: pyo3::Python<'_>, xs: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<()> {
                let xs = $crate::python::convert::to_floats(xs)?;
                let xs = xs.as_slice();
                let work = || $crate::core::Univariate::try_update_many(&mut *self.lock(), xs);
                let done = if xs.len() >= $crate::python::univariate::DETACH_AT { py.detach(work) } else { work() };
                Ok(done?)
            }

            /// Update with every value and return the statistic's value after each one.
            fn accumulate<'py>(
                &self,
                py: pyo3::Python<'py>,
                xs: &pyo3::Bound<'py, pyo3::PyAny>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, numpy::PyArray1<f64>>> {
                let xs = $crate::python::convert::to_floats(xs)?;
                let xs = xs.as_slice();
                $crate::core::check_values(xs)?;
                let work = || $crate::core::Univariate::accumulate(&mut *self.lock(), xs);
                let out = if xs.len() >= $crate::python::univariate::DETACH_AT { py.detach(work) } else { work() };
                Ok(numpy::PyArray1::from_vec(py, out))
            }

            fn __getstate__<'py>(&self, py: pyo3::Python<'py>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyBytes>> {
                let bytes = $crate::core::state::dump(&*self.lock())?;
                Ok(pyo3::types::PyBytes::new(py, &bytes))
            }

            fn __setstate__(&self, state: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<()> {
                let loaded: $core = $crate::core::state::load($crate::python::convert::state_bytes(state)?)?;
                *self.lock() = loaded;
                Ok(())
            }

            fn __sizeof__(&self) -> usize {
                std::mem::size_of::<Self>() + $crate::core::Univariate::heap_bytes(&*self.lock())
            }

            $($extra)*
        }
    };
}
