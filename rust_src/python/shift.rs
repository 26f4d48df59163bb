//! `Shift` over Python objects: the core's `Ring` holding the last `amount + 1` values, any
//! objects at all (numbers, None, strings, dicts), which only move through it.
//!
//! Like the numeric classes the class is `frozen` with its state behind a Mutex, which is what
//! the fast `update`/`get` of `fast` need. No Python code runs while the lock is held: a value
//! goes in and out by reference count only, and the value a push evicts (whose release may run
//! a `__del__` that touches this very statistic) is dropped after the lock is released.
//!
//! The state is Python objects, so it pickles as a dict built by the Python class (the same
//! dict as the earlier pure-Python `Shift`'s attributes), not as `core::state` bytes; the
//! module name says so (`river.stats._rust_stats.objects`). The class takes part in Python's
//! garbage collection: a shifted value may refer back to the statistic.

use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use crate::core::ring::Ring;

struct State {
    ring: Ring<Py<PyAny>>,
    fill_value: Py<PyAny>,
}

impl State {
    /// `amount + 1` slots; ValueError when that does not fit.
    fn new(amount: usize, values: Vec<Py<PyAny>>, fill_value: Py<PyAny>) -> PyResult<Self> {
        let capacity = amount
            .checked_add(1)
            .ok_or_else(|| PyValueError::new_err(format!("amount is too large, got {amount}")))?;
        let n = values.len();
        let ring = Ring::from_values(capacity, values).ok_or_else(|| {
            PyValueError::new_err(format!(
                "invalid pickled state: the buffer holds {n} values, more than amount + 1 \
                 = {capacity}"
            ))
        })?;
        Ok(Self { ring, fill_value })
    }
}

/// Shifts a stream by `amount` values (Rust core of `river.stats.Shift`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats.objects")]
pub struct RsShift {
    inner: Mutex<State>,
}

impl RsShift {
    #[inline]
    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing that can panic runs under the lock; the state stays valid regardless.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces the state; the old one (its Python objects) is dropped after the lock is
    /// released.
    fn replace(&self, state: State) {
        let old = std::mem::replace(&mut *self.lock(), state);
        drop(old);
    }
}

fast_methods!(
    RsShift,
    c"update($self, x)\n--\n\nShift in `x`, any object.",
    c"get($self)\n--\n\nThe value `amount` updates ago, `fill_value` before there is one.",
    |this, py, args| match args {
        [x] => {
            // SAFETY: an argument CPython passed, alive for the call.
            this.update(unsafe { crate::python::fast::arg(py, x) });
            Ok(true)
        }
        _ => Ok(false),
    }
);

#[pymethods]
impl RsShift {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(
        py: Python<'_>,
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(State::new(1, Vec::new(), py.None())?),
        })
    }

    /// Defines the fast `update` and `get` on a Python subclass (see `fast`).
    #[classmethod]
    #[pyo3(signature = (**kwargs))]
    fn __init_subclass__(
        cls: &Bound<'_, PyType>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        crate::python::fast::install::<Self>(cls, Self::fast_methods())?;
        crate::python::fast::init_subclass_next::<Self>(cls, kwargs)
    }

    /// Start afresh (called by `__init__`); also loads a pickled state: `values` oldest first.
    fn _load(&self, amount: usize, fill_value: Py<PyAny>, values: Vec<Py<PyAny>>) -> PyResult<()> {
        self.replace(State::new(amount, values, fill_value)?);
        Ok(())
    }

    #[getter]
    fn amount(&self) -> usize {
        self.lock().ring.capacity() - 1
    }

    #[getter]
    fn fill_value(&self, py: Python<'_>) -> Py<PyAny> {
        self.lock().fill_value.clone_ref(py)
    }

    #[setter]
    fn set_fill_value(&self, value: Py<PyAny>) {
        let old = std::mem::replace(&mut self.lock().fill_value, value);
        drop(old);
    }

    /// Shift in `x`, any object.
    #[inline]
    fn update(&self, x: &Bound<'_, PyAny>) {
        let evicted = self.lock().ring.push(x.clone().unbind());
        drop(evicted);
    }

    /// The value `amount` updates ago, `fill_value` before there is one.
    #[inline]
    fn get(&self) -> Py<PyAny> {
        // SAFETY: only ever called from Python (PyO3's method or the fast one), so attached.
        // Not `Python::attach`: its thread-local bookkeeping is a third of the call's cost.
        let py = unsafe { Python::assume_attached() };
        let state = self.lock();
        state
            .ring
            .oldest_when_full()
            .unwrap_or(&state.fill_value)
            .clone_ref(py)
    }

    /// The values kept (the last `amount + 1` at most), oldest first.
    fn _values(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.lock().ring.iter().map(|v| v.clone_ref(py)).collect()
    }

    fn __sizeof__(&self) -> usize {
        std::mem::size_of::<Self>() + self.lock().ring.heap_bytes()
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        // The lock is never held while Python code runs (see the module's documentation), so
        // it is free whenever the collector runs; should it not be, visit nothing.
        let Ok(state) = self.inner.try_lock() else {
            return Ok(());
        };
        for value in state.ring.iter() {
            visit.call(value)?;
        }
        visit.call(&state.fill_value)
    }

    fn __clear__(&self) {
        Python::attach(|py| {
            let mut state = self.lock();
            let values = state.ring.take_all();
            let fill_value = std::mem::replace(&mut state.fill_value, py.None());
            drop(state);
            drop((values, fill_value));
        });
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsShift>()
}
