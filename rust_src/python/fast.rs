//! The fast path of `update` and `get` from a Python loop.
//!
//! `river.stats.Max` subclasses `RsMax`, and CPython specializes a call to a C method only
//! when `type(self)` is exactly the class the method was defined on: on `Max` objects every
//! `stat.update(x)` took the generic path (a subtype check, a bound-method call, PyO3's
//! keyword-argument parser), about a third of the call's cost. So each `Rs*` class's
//! `__init_subclass__` defines `update` and `get` again on the subclass itself, as method
//! descriptors of that subclass whose C functions call the very same Rust methods: the
//! interpreter then calls them directly.
//!
//! The fast `update` takes only the common call, positional arguments; a call with keywords or
//! a number of arguments it does not handle goes to the class's own PyO3 method, so every
//! error and message stays PyO3's. A subclass that defines `update` or `get` in Python keeps
//! its own: a method is defined again only where the class would otherwise inherit ours.

use std::ffi::CStr;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::pyclass::boolean_struct::True;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::PyClass;

/// The module our classes live in (`module = ...` of every `#[pyclass]`).
const MODULE: &str = "river.stats._rust_stats";

/// A method definition CPython keeps a pointer to for the life of the process.
pub struct MethodDef(ffi::PyMethodDef);

// SAFETY: the definition is never written after it is built; CPython only reads it.
unsafe impl Sync for MethodDef {}

impl MethodDef {
    /// A `METH_FASTCALL | METH_KEYWORDS` method (`doc` starts with its text signature).
    pub const fn fastcall(
        name: &'static CStr,
        doc: &'static CStr,
        meth: ffi::PyCFunctionFastWithKeywords,
    ) -> Self {
        Self(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer {
                PyCFunctionFastWithKeywords: meth,
            },
            ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
            ml_doc: doc.as_ptr(),
        })
    }

    /// A `METH_NOARGS` method.
    pub const fn noargs(name: &'static CStr, doc: &'static CStr, meth: ffi::PyCFunction) -> Self {
        Self(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer { PyCFunction: meth },
            ml_flags: ffi::METH_NOARGS,
            ml_doc: doc.as_ptr(),
        })
    }

    fn name(&self) -> &'static str {
        // SAFETY: built from a `&'static CStr` in the constructors above.
        let name = unsafe { CStr::from_ptr(self.0.ml_name) };
        name.to_str().unwrap_or("")
    }
}

/// The first class of this extension module in `cls`'s method resolution order (classes
/// whose state holds Python objects say so with a submodule, `river.stats._rust_stats.objects`).
fn nearest_native<'py>(cls: &Bound<'py, PyType>) -> PyResult<Option<Bound<'py, PyAny>>> {
    for t in cls.getattr("__mro__")?.cast_into::<PyTuple>()?.iter() {
        let module = t.getattr("__module__")?;
        let Ok(module) = module.extract::<&str>() else {
            continue;
        };
        if module
            .strip_prefix(MODULE)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// Whether `obj` is a method descriptor, a C method of a class.
fn is_method_descriptor(obj: &Bound<'_, PyAny>) -> bool {
    let descr_type = std::ptr::addr_of_mut!(ffi::PyMethodDescr_Type);
    obj.get_type().as_ptr() == descr_type.cast()
}

/// Defines `defs` (methods of `T`) on `cls`, a Python subclass of `T`, as `cls`'s own method
/// descriptors; see the module's documentation. Called by `T.__init_subclass__`.
pub fn install<T: PyClass>(cls: &Bound<'_, PyType>, defs: &'static [MethodDef]) -> PyResult<()> {
    let py = cls.py();
    let native = T::type_object(py);
    // Only for classes whose nearest class of ours is `T` itself: `MAD` subclasses `RsMAD`
    // and, through `Quantile`, `RsQuantile`, whose methods must not replace `RsMAD`'s.
    let is_ours = nearest_native(cls)?.is_some_and(|n| n.is(&native));
    if !is_ours || !cls.is_subclass(&native)? {
        return Ok(());
    }
    let mro = cls.getattr("__mro__")?.cast_into::<PyTuple>()?;
    for def in defs {
        let name = def.name();
        // What `cls` would inherit: the first definition along its MRO.
        let mut inherited = None;
        for t in mro.iter() {
            let found = t.getattr("__dict__")?.call_method1("get", (name,))?;
            if !found.is_none() {
                inherited = Some(found);
                break;
            }
        }
        let Some(inherited) = inherited else { continue };
        // A method written in Python (or anything else) overrides ours: keep it.
        if !is_method_descriptor(&inherited) {
            continue;
        }
        let owner = inherited.getattr("__objclass__")?.cast_into::<PyType>()?;
        if !nearest_native(&owner)?.is_some_and(|n| n.is(&native)) {
            continue;
        }
        // SAFETY: `def` lives as long as the process and CPython only reads it. The
        // descriptor checks that `self` is an instance of `cls`, a subclass of `T`, before it
        // calls the function, which is what the functions in `defs` rely on.
        let descr = unsafe {
            let def_ptr = std::ptr::from_ref(&def.0).cast_mut();
            Bound::from_owned_ptr_or_err(py, ffi::PyDescr_NewMethod(cls.as_ptr().cast(), def_ptr))
        }?;
        cls.setattr(name, descr)?;
    }
    Ok(())
}

/// Runs `call` on the `T` behind `slf`.
///
/// # Safety
///
/// `slf` must be a live object whose type is `T` or a subclass of it (a method descriptor of
/// such a class guarantees it).
#[inline]
pub unsafe fn with<T, R>(py: Python<'_>, slf: *mut ffi::PyObject, call: impl FnOnce(&T) -> R) -> R
where
    T: PyClass<Frozen = True> + Sync,
{
    // SAFETY: the caller's contract.
    let slf = unsafe { Bound::ref_from_ptr(py, &slf).cast_unchecked::<T>() };
    call(slf.get())
}

/// The body of a fast `METH_FASTCALL | METH_KEYWORDS` method: `call` gets the value behind
/// `slf` and the positional arguments when there are no keywords, and says whether it handled
/// them; otherwise (or when it did not) the call goes to `T`'s own method `name`.
///
/// # Safety
///
/// As for `with`; `args`, `nargs` and `kwnames` as CPython passes them to a
/// `METH_FASTCALL | METH_KEYWORDS` function.
#[inline]
pub unsafe fn positional<T>(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    name: &str,
    call: impl FnOnce(&T, &[*mut ffi::PyObject]) -> PyResult<bool>,
) -> PyResult<*mut ffi::PyObject>
where
    T: PyClass<Frozen = True> + Sync,
{
    // SAFETY: CPython passes `nargs` positional arguments at `args` (then the keywords').
    let positional = unsafe { std::slice::from_raw_parts(args, nargs.max(0).unsigned_abs()) };
    // SAFETY: the caller's contract.
    if kwnames.is_null() && unsafe { with(py, slf, |this| call(this, positional)) }? {
        return Ok(py.None().into_ptr());
    }
    // SAFETY: as above.
    unsafe { delegate::<T>(py, name, slf, positional, args, kwnames) }
}

/// Calls `T`'s own method `name` with the arguments of a `METH_FASTCALL | METH_KEYWORDS` call.
///
/// # Safety
///
/// As for `positional`.
#[cold]
unsafe fn delegate<T: PyClass>(
    py: Python<'_>,
    name: &str,
    slf: *mut ffi::PyObject,
    positional: &[*mut ffi::PyObject],
    args: *const *mut ffi::PyObject,
    kwnames: *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject> {
    // SAFETY: the caller's contract: live objects, borrowed for this call.
    let object = |ptr: &*mut ffi::PyObject| unsafe { Bound::ref_from_ptr(py, ptr) }.clone();
    let method = T::type_object(py).getattr(name)?;
    let call_args: Vec<_> = std::iter::once(&slf)
        .chain(positional)
        .map(object)
        .collect();
    let call_args = PyTuple::new(py, call_args)?;
    let kwargs = if kwnames.is_null() {
        None
    } else {
        let names = object(&kwnames).cast_into::<PyTuple>()?;
        // SAFETY: the keywords' values follow the positional arguments, one per name.
        let values = unsafe { std::slice::from_raw_parts(args.add(positional.len()), names.len()) };
        let kwargs = PyDict::new(py);
        for (key, value) in names.iter().zip(values) {
            kwargs.set_item(key, object(value))?;
        }
        Some(kwargs)
    };
    Ok(method.call(call_args, kwargs.as_ref())?.into_ptr())
}

/// A borrowed argument as a Python object.
///
/// # Safety
///
/// `ptr` must be a live object for the duration of the borrow.
#[inline]
pub unsafe fn arg<'a, 'py>(py: Python<'py>, ptr: &'a *mut ffi::PyObject) -> &'a Bound<'py, PyAny> {
    // SAFETY: the caller's contract.
    unsafe { Bound::ref_from_ptr(py, ptr) }
}

/// Chains `__init_subclass__` to the next class in `cls`'s MRO after `T`.
pub fn init_subclass_next<T: PyClass>(
    cls: &Bound<'_, PyType>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    let native = T::type_object(cls.py());
    pyo3::types::PySuper::new(&native, cls)?.call_method("__init_subclass__", (), kwargs)?;
    Ok(())
}
