//! The plumbing every `Rs*` class shares, univariate or bivariate, written once.
//!
//! A class declares what it is and adds its own methods (constructor, getters,
//! `__getnewargs__`); `rs_class!` writes the rest:
//!
//! ```text
//! rs_class!(RsVar(Var): weighted, merge { #[new] fn new(...) ... });
//! ```
//!
//! Every class gets `lock()`, pickling (`__getstate__`/`__setstate__`, versioned by
//! `core::state`), `_adopt` (clone with the fitted state, `core::Adopt`) and `__sizeof__`.
//! Features add:
//!
//! - `univariate`: `update(x)`, `get`, `update_many(xs)` and `accumulate(xs)` over a
//!   `core::Univariate`;
//! - `weighted`: the same with `update(x, w)`, `revert(x, w)` and `n` over a
//!   `core::moments::Weighted`, batches named `X` as in River;
//! - `merge`: `+` and `+=` over `core::moments::Merge` (the merge logic is the core's);
//! - `unmerge`: `-` and `-=` over `core::moments::Unmerge`, where the merge has an exact
//!   inverse;
//! - `pairs`: `update_many(X, Y)` over a core with `update_many(&[f64], &[f64])`;
//! - `no_args`: the empty `__getnewargs__` of a class without parameters.
//!
//! Why one macro that gathers every method into one `#[pymethods]` block, rather than one
//! small macro per feature, each writing its own block: PyO3 accepts several blocks per
//! class only with its `multiple-pymethods` feature, which registers the blocks through the
//! `inventory` crate (constructors that run when the library is loaded, linker sections that
//! not every platform supports), a dependency and a load-time mechanism the wheels would
//! carry for no gain at run time. The macro instead walks its feature list and appends each
//! feature's methods (`@with` rules), so a call site reads as a plain declaration.
//!
//! Classes are `frozen` and keep their core behind a `Mutex`: a batch call releases the GIL
//! while it works, and other threads then wait for it instead of failing a borrow check.
//! The guard is always dropped before the GIL is taken back, so the two locks cannot deadlock.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use super::convert::Floats;

/// Batches shorter than this keep the GIL: releasing it costs more than it frees.
pub const DETACH_AT: usize = 1 << 15;

/// Runs `work` over the values of `batches`, without the GIL when that is sound and pays.
///
/// A numpy array is borrowed without copying, and once the GIL is released another thread
/// may write to it: a data race, and a way around the NaN check. So a batch that borrows
/// numpy memory keeps the GIL, unless the statistic's updates are slow
/// (`copy_to_detach`, from `core::Univariate::SLOW_UPDATES`): then the batch is copied first,
/// with the GIL still held, and the copy is read without it. Copying costs a few ns per
/// value, as much as a fast statistic's whole update. Values collected from other inputs
/// are already ours and always run without the GIL. `work` checks the slices it is given,
/// so what is checked is what is applied.
pub fn run_batch<T: Send, const N: usize>(
    py: Python<'_>,
    batches: [&Floats<'_>; N],
    copy_to_detach: bool,
    work: impl FnOnce([&[f64]; N]) -> T + Send,
) -> T {
    let len = batches
        .iter()
        .map(|b| b.as_slice().len())
        .max()
        .unwrap_or(0);
    let borrowed = batches.iter().any(|b| b.is_borrowed());
    if len < DETACH_AT || (borrowed && !copy_to_detach) {
        return work(batches.map(Floats::as_slice));
    }
    let owned = batches.map(Floats::to_owned_values);
    py.detach(|| work(owned.each_ref().map(|values| &**values)))
}

/// A new, empty object of `slf`'s Python type (a subclass, when `slf` is one), built from
/// `slf.__getnewargs__()` like `copy` and `pickle` do.
pub fn new_like<'py, T: pyo3::PyClass>(slf: &Bound<'py, T>) -> PyResult<Bound<'py, T>> {
    let slf = slf.as_any();
    let args = slf.call_method0("__getnewargs__")?.cast_into::<PyTuple>()?;
    Ok(slf.get_type().call1(args)?.cast_into::<T>()?)
}

/// `other` as a `T` when it is an object of exactly `slf`'s Python type; otherwise a
/// TypeError naming both types (a Var and an SEM share a Rust class but do not merge).
pub fn same_class<'py, T: pyo3::PyClass>(
    slf: &Bound<'py, T>,
    other: &Bound<'py, PyAny>,
    op: &str,
) -> PyResult<Bound<'py, T>> {
    let (mine, theirs) = (slf.as_any().get_type(), other.get_type());
    if mine.is(&theirs) {
        return Ok(other.cast::<T>()?.clone());
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "unsupported operand types for {op}: '{}' and '{}': only statistics of the same \
         class merge",
        mine.name()?,
        theirs.name()?
    )))
}

/// `fast_methods()` of a class: its fast `update` (`$call` gets the value and the positional
/// arguments and says whether it handled them) and `get` for `fast::install`.
macro_rules! fast_methods {
    ($rs:ident, $update_doc:literal, $get_doc:literal, |$this:ident, $py:ident, $args:ident| $call:expr) => {
        impl $rs {
            fn fast_methods() -> &'static [$crate::python::fast::MethodDef] {
                use pyo3::ffi::{PyObject, Py_ssize_t};
                use $crate::python::fast;

                unsafe fn update(
                    py: pyo3::Python<'_>,
                    slf: *mut PyObject,
                    args: *const *mut PyObject,
                    nargs: Py_ssize_t,
                    kwnames: *mut PyObject,
                ) -> pyo3::PyResult<*mut PyObject> {
                    let $py = py;
                    let call =
                        |$this: &$rs, $args: &[*mut PyObject]| -> pyo3::PyResult<bool> { $call };
                    // SAFETY: called by CPython as a method of a subclass of `$rs`.
                    unsafe {
                        fast::positional::<$rs>(py, slf, args, nargs, kwnames, "update", call)
                    }
                }

                unsafe fn get(
                    py: pyo3::Python<'_>,
                    slf: *mut PyObject,
                ) -> pyo3::PyResult<*mut PyObject> {
                    // SAFETY: called by CPython as a method of a subclass of `$rs`.
                    let value = unsafe { fast::with(py, slf, |this: &$rs| this.get()) };
                    Ok(pyo3::IntoPyObjectExt::into_bound_py_any(value, py)?.into_ptr())
                }

                static METHODS: [fast::MethodDef; 2] = [
                    fast::MethodDef::fastcall(
                        c"update",
                        $update_doc,
                        pyo3::impl_::trampoline::get_trampoline_function!(
                            fastcall_cfunction_with_keywords,
                            update
                        ),
                    ),
                    fast::MethodDef::noargs(
                        c"get",
                        $get_doc,
                        pyo3::impl_::trampoline::get_trampoline_function!(noargs, get),
                    ),
                ];
                &METHODS
            }
        }
    };
}

macro_rules! rs_class {
    ($rs:ident($core:ty): $($feature:ident),* { $($own:tt)* }) => {
        rs_class!(@with $rs, $core, [$($feature)*], [$($own)*]);
    };

    (@with $rs:ident, $core:ty, [univariate $($rest:tt)*], [$($methods:tt)*]) => {
        rs_class!(@with $rs, $core, [(batch xs [] c"update($self, x)\n--\n\nUpdate with one value (a real number, not NaN).") $($rest)*], [$($methods)*
            /// Update with one value (a real number, not NaN).
            fn update(&self, x: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<()> {
                let x = $crate::python::convert::to_value(x, "x")?;
                $crate::core::Univariate::update(&mut *self.lock(), x);
                Ok(())
            }
        ]);
    };

    (@with $rs:ident, $core:ty, [weighted $($rest:tt)*], [$($methods:tt)*]) => {
        rs_class!(@with $rs, $core, [(batch X [, $crate::python::convert::Weight(1.0)] c"update($self, x, w=1.0)\n--\n\nUpdate with `x` of weight `w`.") $($rest)*], [$($methods)*
            /// Update with `x` of weight `w`.
            #[pyo3(
                signature = (x, w = $crate::python::convert::Weight(1.0)),
                text_signature = "($self, x, w=1.0)"
            )]
            fn update(
                &self,
                x: &pyo3::Bound<'_, pyo3::PyAny>,
                w: $crate::python::convert::Weight,
            ) -> pyo3::PyResult<()> {
                let x = $crate::python::convert::to_value(x, "x")?;
                $crate::core::moments::Weighted::update_weighted(&mut *self.lock(), x, w.0)?;
                Ok(())
            }

            /// Undo an update with `x` of weight `w`.
            #[pyo3(
                signature = (x, w = $crate::python::convert::Weight(1.0)),
                text_signature = "($self, x, w=1.0)"
            )]
            fn revert(
                &self,
                x: &pyo3::Bound<'_, pyo3::PyAny>,
                w: $crate::python::convert::Weight,
            ) -> pyo3::PyResult<()> {
                let x = $crate::python::convert::to_value(x, "x")?;
                $crate::core::moments::Weighted::revert_weighted(&mut *self.lock(), x, w.0)?;
                Ok(())
            }

            /// The sum of the weights (the count when every weight is 1).
            #[getter]
            fn n(&self) -> f64 {
                $crate::core::moments::Weighted::n(&*self.lock())
            }
        ]);
    };

    // `update(x)` / `get()` of a univariate statistic, their fast path (`fast`) and batches.
    // `[$($w)*]` completes a one-argument call of `update` (the default weight).
    (@with $rs:ident, $core:ty, [(batch $xs:ident [$($w:tt)*] $update_doc:literal) $($rest:tt)*], [$($methods:tt)*]) => {
        fast_methods!($rs, $update_doc, c"get($self)\n--\n\nThe current value, None when there is none yet.",
            |this, py, args| match args {
                // SAFETY: an argument CPython passed, alive for the call.
                [x] => this.update(unsafe { $crate::python::fast::arg(py, x) } $($w)*).map(|()| true),
                _ => Ok(false),
            }
        );

        rs_class!(@with $rs, $core, [$($rest)*], [$($methods)*
            /// Defines the fast `update` and `get` on a Python subclass (see `fast`).
            #[classmethod]
            #[pyo3(signature = (**kwargs))]
            fn __init_subclass__(
                cls: &pyo3::Bound<'_, pyo3::types::PyType>,
                kwargs: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<()> {
                $crate::python::fast::install::<Self>(cls, Self::fast_methods())?;
                $crate::python::fast::init_subclass_next::<Self>(cls, kwargs)
            }

            /// The current value, None when there is none yet.
            fn get(&self) -> Option<f64> {
                $crate::core::Univariate::get(&*self.lock())
            }

            /// Update with every value of an iterable or 1-D array, all or nothing.
            #[allow(non_snake_case)]
            fn update_many(
                &self,
                py: pyo3::Python<'_>,
                $xs: &pyo3::Bound<'_, pyo3::PyAny>,
            ) -> pyo3::PyResult<()> {
                let xs = $crate::python::convert::to_floats($xs, None)?;
                let work = |[xs]: [&[f64]; 1]| {
                    $crate::core::Univariate::try_update_many(&mut *self.lock(), xs)
                };
                let slow = <$core as $crate::core::Univariate>::SLOW_UPDATES;
                Ok($crate::python::class::run_batch(py, [&xs], slow, work)?)
            }

            /// Update with every value and return the statistic's value after each one.
            #[allow(non_snake_case)]
            fn accumulate<'py>(
                &self,
                py: pyo3::Python<'py>,
                $xs: &pyo3::Bound<'py, pyo3::PyAny>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, numpy::PyArray1<f64>>> {
                let xs = $crate::python::convert::to_floats($xs, None)?;
                let work = |[xs]: [&[f64]; 1]| {
                    $crate::core::check_values(xs)?;
                    Ok::<_, $crate::error::StatsError>(
                        $crate::core::Univariate::accumulate(&mut *self.lock(), xs),
                    )
                };
                let slow = <$core as $crate::core::Univariate>::SLOW_UPDATES;
                let out = $crate::python::class::run_batch(py, [&xs], slow, work)?;
                Ok(numpy::PyArray1::from_vec(py, out))
            }
        ]);
    };

    // `a + b` builds a new object of `a`'s Python type and leaves both operands unchanged;
    // the operand is copied before anything is locked, so `a += a` cannot deadlock. The
    // core checks the parameters before it changes anything, so a refusal changes nothing.
    (@with $rs:ident, $core:ty, [merge $($rest:tt)*], [$($methods:tt)*]) => {
        rs_class!(@with $rs, $core, [$($rest)*], [$($methods)*
            fn __add__<'py>(
                slf: &pyo3::Bound<'py, Self>,
                other: &pyo3::Bound<'py, pyo3::PyAny>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                let b = $crate::python::class::same_class(slf, other, "+")?.get().lock().clone();
                let mut a = slf.get().lock().clone();
                $crate::core::moments::Merge::merge(&mut a, &b)?;
                let built = $crate::python::class::new_like(slf)?;
                *built.get().lock() = a;
                Ok(built.into_any())
            }

            fn __iadd__(
                slf: &pyo3::Bound<'_, Self>,
                other: &pyo3::Bound<'_, pyo3::PyAny>,
            ) -> pyo3::PyResult<()> {
                let b = $crate::python::class::same_class(slf, other, "+=")?.get().lock().clone();
                $crate::core::moments::Merge::merge(&mut *slf.get().lock(), &b)?;
                Ok(())
            }
        ]);
    };

    // `a - b` and `a -= b`, for cores whose merge has an exact inverse (`core::moments::Unmerge`).
    (@with $rs:ident, $core:ty, [unmerge $($rest:tt)*], [$($methods:tt)*]) => {
        rs_class!(@with $rs, $core, [$($rest)*], [$($methods)*
            fn __sub__<'py>(
                slf: &pyo3::Bound<'py, Self>,
                other: &pyo3::Bound<'py, pyo3::PyAny>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                let b = $crate::python::class::same_class(slf, other, "-")?.get().lock().clone();
                let mut a = slf.get().lock().clone();
                $crate::core::moments::Unmerge::unmerge(&mut a, &b)?;
                let built = $crate::python::class::new_like(slf)?;
                *built.get().lock() = a;
                Ok(built.into_any())
            }

            fn __isub__(
                slf: &pyo3::Bound<'_, Self>,
                other: &pyo3::Bound<'_, pyo3::PyAny>,
            ) -> pyo3::PyResult<()> {
                let b = $crate::python::class::same_class(slf, other, "-=")?.get().lock().clone();
                $crate::core::moments::Unmerge::unmerge(&mut *slf.get().lock(), &b)?;
                Ok(())
            }
        ]);
    };

    (@with $rs:ident, $core:ty, [pairs $($rest:tt)*], [$($methods:tt)*]) => {
        rs_class!(@with $rs, $core, [$($rest)*], [$($methods)*
            /// Update with the pairs (X[i], Y[i]), all or nothing.
            #[allow(non_snake_case)]
            fn update_many(
                &self,
                py: pyo3::Python<'_>,
                X: &pyo3::Bound<'_, pyo3::PyAny>,
                Y: &pyo3::Bound<'_, pyo3::PyAny>,
            ) -> pyo3::PyResult<()> {
                let xs = $crate::python::convert::to_floats(X, Some("X"))?;
                let ys = $crate::python::convert::to_floats(Y, Some("Y"))?;
                let work = |[xs, ys]: [&[f64]; 2]| {
                    $crate::core::moments::check_pairs(xs, ys)?;
                    self.lock().update_many(xs, ys);
                    Ok::<_, $crate::error::StatsError>(())
                };
                // Co-moment updates are a few multiplications: not worth copying.
                Ok($crate::python::class::run_batch(py, [&xs, &ys], false, work)?)
            }
        ]);
    };

    (@with $rs:ident, $core:ty, [no_args $($rest:tt)*], [$($methods:tt)*]) => {
        rs_class!(@with $rs, $core, [$($rest)*], [$($methods)*
            fn __getnewargs__<'py>(&self, py: pyo3::Python<'py>) -> pyo3::Bound<'py, pyo3::types::PyTuple> {
                pyo3::types::PyTuple::empty(py)
            }
        ]);
    };

    (@with $rs:ident, $core:ty, [], [$($methods:tt)*]) => {
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
                let stat = self.lock();
                let state = $crate::core::state::prepare(&*stat)?;
                $crate::python::convert::new_state_bytes(py, state.len(), |buf| Ok(state.write_to(buf)?))
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

            $($methods)*
        }
    };
}
