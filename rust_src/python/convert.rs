//! Python objects to Rust values, with precise errors and no panics.

use numpy::{PyArray1, PyArrayDescrMethods, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyComplex, PyFloat, PyInt, PyString};

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A real number as `f64`: floats, ints, bools, numpy scalars and anything with `__float__`.
/// Strings, bytes and complex numbers are refused with TypeError, ints too large for a float
/// with ValueError (Python itself raises OverflowError there); errors give the value `name`.
#[inline]
fn to_real(obj: &Bound<'_, PyAny>, name: Name<'_>) -> PyResult<f64> {
    match obj.cast_exact::<PyFloat>() {
        Ok(f) => Ok(f.value()),
        Err(_) => to_f64_slow(obj, name),
    }
}

/// A weight argument (`w`): converted like `x`, so that e.g. `10**400` gives ValueError
/// rather than the OverflowError PyO3's own float conversion lets through.
#[derive(Clone, Copy)]
pub struct Weight(pub f64);

impl<'a, 'py> FromPyObject<'a, 'py> for Weight {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        to_real(&obj, Name::Arg("w")).map(Weight)
    }
}

/// The name an error gives a value: an argument (`x`) or an element of a batch, itself
/// maybe named (`X: element 3 of the input`).
#[derive(Clone, Copy)]
enum Name<'a> {
    Arg(&'a str),
    Element(Prefix<'a>, usize),
}

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Name::Arg(name) => f.write_str(name),
            Name::Element(prefix, i) => write!(f, "{prefix}element {i} of the input"),
        }
    }
}

/// `X: ` before every message about a batch argument named `X` (bivariate batches); nothing
/// for the single batch of a univariate statistic.
#[derive(Clone, Copy)]
struct Prefix<'a>(Option<&'a str>);

impl std::fmt::Display for Prefix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(name) => write!(f, "{name}: "),
            None => Ok(()),
        }
    }
}

#[cold]
fn to_f64_slow(obj: &Bound<'_, PyAny>, name: Name<'_>) -> PyResult<f64> {
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
        || obj.is_instance_of::<PyComplex>()
        || obj.is_none()
    {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a real number, got {}",
            type_name(obj)
        )));
    }
    obj.extract::<f64>().map_err(|err| {
        if err.is_instance_of::<PyOverflowError>(obj.py()) {
            PyValueError::new_err(format!("{name} is too large to convert to a float: {err}"))
        } else {
            PyTypeError::new_err(format!(
                "{name} must be a real number, got {}",
                type_name(obj)
            ))
        }
    })
}

/// A value argument (`x`, `y`): a real number as for `to_real`, NaN refused, errors naming it.
#[inline]
pub fn to_value(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    let x = to_real(obj, Name::Arg(name))?;
    if x.is_nan() {
        return Err(PyValueError::new_err(format!("{name} must not be NaN")));
    }
    Ok(x)
}

/// Constructor parameters converted so that the message names the parameter on every Python:
/// PyO3 names an argument that failed to convert only in an exception note, which Python 3.10
/// does not have. Used as `#[pyo3(from_py_with = param::q)] q: f64`. NaN passes: each core's
/// range check refuses it by name.
pub mod param {
    use pyo3::exceptions::PyTypeError;
    use pyo3::prelude::*;

    macro_rules! reals {
        ($($name:ident),* $(,)?) => {
            $(
                #[doc = concat!("`", stringify!($name), "`: a real number, as for `x`.")]
                pub fn $name(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
                    super::to_real(obj, super::Name::Arg(stringify!($name)))
                }
            )*
        };
    }

    reals!(q, q_inf, q_sup, fading_factor, prior, prior_weight);

    /// `bias`: a bool (numpy's too), as PyO3 takes it, with the name in the message.
    pub fn bias(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
        obj.extract::<bool>().map_err(|_| {
            PyTypeError::new_err(format!(
                "bias must be a bool, got {}",
                super::type_name(obj)
            ))
        })
    }
}

/// An integer argument as Python's `operator.index` gives it: ints and numpy integers;
/// bools and floats are refused with TypeError naming the argument.
pub fn to_index<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let is_int = obj.is_instance_of::<PyInt>() || obj.hasattr("__index__").unwrap_or(false);
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() || !is_int {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, got {}",
            type_name(obj)
        )));
    }
    obj.call_method0("__index__")
}

/// An integer argument that fits an i64 (ValueError naming it otherwise).
pub fn to_int(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    to_index(obj, name)?
        .extract::<i64>()
        .map_err(|_| PyValueError::new_err(format!("{name} is too large")))
}

/// A batch of floats: borrowed from a contiguous float64 numpy array without copying, or
/// collected from any other array or iterable.
pub enum Floats<'py> {
    Borrowed(numpy::PyReadonlyArray1<'py, f64>),
    Owned(Vec<f64>),
}

impl Floats<'_> {
    pub fn as_slice(&self) -> &[f64] {
        match self {
            Floats::Borrowed(a) => a.as_slice().unwrap_or(&[]),
            Floats::Owned(v) => v,
        }
    }

    /// Whether the values are a numpy array's own memory.
    pub fn is_borrowed(&self) -> bool {
        matches!(self, Floats::Borrowed(_))
    }

    /// Values no other thread can write: a borrowed array is copied (call it with the GIL
    /// held), collected values are lent as they are.
    pub fn to_owned_values(&self) -> std::borrow::Cow<'_, [f64]> {
        match self {
            Floats::Borrowed(_) => std::borrow::Cow::Owned(self.as_slice().to_vec()),
            Floats::Owned(v) => std::borrow::Cow::Borrowed(v),
        }
    }
}

/// A batch argument as floats. `name` is the argument's name where a statistic takes more
/// than one batch (`X`, `Y`): every message about it then starts with `X: `.
pub fn to_floats<'py>(xs: &Bound<'py, PyAny>, name: Option<&str>) -> PyResult<Floats<'py>> {
    let prefix = Prefix(name);
    if let Ok(arr) = xs.cast::<PyUntypedArray>() {
        if arr.ndim() != 1 {
            return Err(PyValueError::new_err(format!(
                "{prefix}expected a 1-D array, got a {}-D array of shape {:?}",
                arr.ndim(),
                arr.shape()
            )));
        }
        let kind = arr.dtype().kind();
        // An object array holds Python objects: converted one by one like any iterable below,
        // so an empty one is a no-op and a bad element is reported by its index.
        if kind == b'O' {
            return collect_floats(xs, prefix);
        }
        if let Ok(f) = arr.cast::<PyArray1<f64>>() {
            let ro = f
                .try_readonly()
                .map_err(|e| PyValueError::new_err(format!("{prefix}{e}")))?;
            // Borrowed only where Rust may read it as a slice: contiguous and aligned. An array
            // can be neither (strided, or unpickled into a byte buffer at an odd address): numpy
            // copies it into fresh memory, which is both.
            if ro.as_slice().is_ok() {
                return Ok(Floats::Borrowed(ro));
            }
            drop(ro);
            return copied(&f.call_method0("copy")?, prefix);
        }
        if !matches!(kind, b'b' | b'i' | b'u' | b'f') {
            return Err(PyTypeError::new_err(format!(
                "{prefix}expected an array of real numbers, got dtype {}",
                arr.dtype().str().map(|s| s.to_string()).unwrap_or_default()
            )));
        }
        return copied(&arr.call_method1("astype", ("float64",))?, prefix);
    }
    collect_floats(xs, prefix)
}

/// The values of a float64 array numpy has just made (contiguous and aligned), as our own.
fn copied(array: &Bound<'_, PyAny>, prefix: Prefix<'_>) -> PyResult<Floats<'static>> {
    let f = array.cast::<PyArray1<f64>>()?;
    let ro = f
        .try_readonly()
        .map_err(|e| PyValueError::new_err(format!("{prefix}{e}")))?;
    let values = ro
        .as_slice()
        .map_err(|e| PyValueError::new_err(format!("{prefix}{e}")))?;
    Ok(Floats::Owned(values.to_vec()))
}

/// Any iterable of numbers, converted element by element.
fn collect_floats<'py>(xs: &Bound<'py, PyAny>, prefix: Prefix<'_>) -> PyResult<Floats<'py>> {
    let refused = || {
        PyTypeError::new_err(format!(
            "{prefix}expected an iterable of numbers, got {}",
            type_name(xs)
        ))
    };
    if xs.is_instance_of::<PyString>()
        || xs.is_instance_of::<PyBytes>()
        || xs.is_instance_of::<PyByteArray>()
    {
        return Err(refused());
    }
    let iter = xs.try_iter().map_err(|_| refused())?;
    // `len()` is only a hint: a user's `__len__` may claim 10**18 items, and reserving that
    // much aborts the process. Reserve at most a million up front and grow past it.
    let mut out = Vec::with_capacity(xs.len().unwrap_or(0).min(1 << 20));
    for (i, item) in iter.enumerate() {
        let item = item?;
        out.push(to_real(&item, Name::Element(prefix, i))?);
    }
    Ok(Floats::Owned(out))
}

/// A new `bytes` of `len` bytes, zeroed, then filled by `fill` (a state being pickled).
/// `PyBytes::new_with` minus one thing: the buffer is advised huge pages before the zeroing
/// first touches it, so the ~2000 page faults of a state of 8 MB become ~4.
pub fn new_state_bytes<'py>(
    py: Python<'py>,
    len: usize,
    fill: impl FnOnce(&mut [u8]) -> PyResult<()>,
) -> PyResult<Bound<'py, PyBytes>> {
    let size = pyo3::ffi::Py_ssize_t::try_from(len)
        .map_err(|_| PyValueError::new_err("state too large to pickle"))?;
    // SAFETY: with a null pointer, PyBytes_FromStringAndSize returns a new reference to a
    // bytes object with room for `size` bytes (or null with an exception set, which
    // `from_owned_ptr_or_err` turns into the error).
    let bytes = unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            pyo3::ffi::PyBytes_FromStringAndSize(std::ptr::null(), size),
        )?
    };
    // SAFETY: `bytes` is a bytes object; its buffer holds `len` bytes.
    let buf = unsafe { pyo3::ffi::PyBytes_AsString(bytes.as_ptr()) }.cast::<u8>();
    if buf.is_null() {
        return Err(PyErr::fetch(py));
    }
    crate::core::state::advise_huge_pages_at(buf, len);
    // SAFETY: `buf` points to `len` writable bytes that nothing else references yet (the
    // object was just made); they are zeroed before the slice is formed, so it is initialised.
    let slice = unsafe {
        std::ptr::write_bytes(buf, 0, len);
        std::slice::from_raw_parts_mut(buf, len)
    };
    fill(slice)?;
    // SAFETY: PyBytes_FromStringAndSize made a bytes object.
    Ok(unsafe { bytes.cast_into_unchecked::<PyBytes>() })
}

/// Bytes of a pickled state.
pub fn state_bytes<'a>(state: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    state.cast::<PyBytes>().map(|b| b.as_bytes()).map_err(|_| {
        PyValueError::new_err(format!(
            "invalid pickled state: expected bytes, got {}",
            type_name(state)
        ))
    })
}
