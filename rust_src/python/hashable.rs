//! The statistics over hashable values (Mode, RollingMode, Entropy, ChiSquared): the core's
//! generic structures with keys that are Python objects, hashed and compared by Python.
//!
//! A `PyKey` holds the object and its `hash()`, computed once when the value comes in; the
//! core's hash map compares keys with Python's `==` (identity first, as a dict does). The
//! state is not the bytes of `core::state`: the keys are Python objects, so these classes
//! pickle as a dict of Python values (see the Python classes), built and loaded here.
//!
//! Unlike the numeric classes they are not `frozen` behind a Mutex: an `==` written in
//! Python may let another thread run in the middle of an update, and that thread must then
//! get a clear error (PyO3's borrow check) rather than wait on a lock held by a thread that
//! waits for the GIL. Keys of the builtin types never run Python code, so threads sharing a
//! statistic over them never see it busy.

use std::cell::RefCell;
use std::hash::{BuildHasher, Hash, Hasher};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFrozenSet, PyList, PyTuple};

use crate::core::hashable::{ChiSquared, Entropy, Mode, NotInTable, RollingMode, Tally};

thread_local! {
    /// The first error a Python `==` raised during the current operation.
    static EQ_ERROR: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

fn no_eq_error() -> bool {
    EQ_ERROR.with(|e| e.borrow().is_none())
}

/// The error a Python `==` raised during the operation, if any.
fn eq_error() -> PyResult<()> {
    match EQ_ERROR.with(|e| e.borrow_mut().take()) {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

/// A Python object with its hash, compared with Python's `==`.
pub struct PyKey {
    obj: Py<PyAny>,
    hash: isize,
}

impl PyKey {
    fn bind<'py>(&self, py: Python<'py>) -> &Bound<'py, PyAny> {
        self.obj.bind(py)
    }
}

impl Clone for PyKey {
    fn clone(&self) -> Self {
        // SAFETY: keys live in the statistics, which are only touched while attached (no
        // method of these classes detaches from the interpreter).
        let py = unsafe { Python::assume_attached() };
        Self {
            obj: self.obj.clone_ref(py),
            hash: self.hash,
        }
    }
}

impl Hash for PyKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_isize(self.hash);
    }
}

impl PartialEq for PyKey {
    fn eq(&self, other: &Self) -> bool {
        if self.obj.as_ptr() == other.obj.as_ptr() {
            return true;
        }
        if self.hash != other.hash {
            return false;
        }
        // SAFETY: both pointers are live objects (owned by the keys); attached, as above.
        let r = unsafe {
            ffi::PyObject_RichCompareBool(self.obj.as_ptr(), other.obj.as_ptr(), ffi::Py_EQ)
        };
        if r < 0 {
            let py = unsafe { Python::assume_attached() };
            let err = PyErr::fetch(py);
            EQ_ERROR.with(|e| {
                e.borrow_mut().get_or_insert(err);
            });
            return false;
        }
        r == 1
    }
}

impl Eq for PyKey {}

/// The hasher of the keys: Python's hash, mixed so that small ints spread over the table.
#[derive(Clone, Copy, Default)]
pub struct PyHash(u64);

impl Hasher for PyHash {
    fn finish(&self) -> u64 {
        let x = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^ (x >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_isize(&mut self, i: isize) {
        self.0 = i as u64;
    }
}

#[derive(Clone, Copy, Default)]
pub struct PyHashBuilder;

impl BuildHasher for PyHashBuilder {
    type Hasher = PyHash;
    fn build_hasher(&self) -> PyHash {
        PyHash(0)
    }
}

/// `river.stats._hashable.NAN` (the one NaN every NaN is counted as) and `NAN_TYPES`.
fn nan_helpers(py: Python<'_>) -> PyResult<&(Py<PyAny>, Py<PyFrozenSet>)> {
    static HELPERS: PyOnceLock<(Py<PyAny>, Py<PyFrozenSet>)> = PyOnceLock::new();
    HELPERS.get_or_try_init(py, || {
        let module = py.import("river.stats._hashable")?;
        let nan = module.getattr("NAN")?.unbind();
        let types = module
            .getattr("NAN_TYPES")?
            .cast_into::<PyFrozenSet>()?
            .unbind();
        Ok((nan, types))
    })
}

/// `x`, or the one NaN when `x` is a NaN of a type that has them.
fn canonical<'py>(x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = x.py();
    let p = x.as_ptr();
    // SAFETY: type checks and a float read on a live object.
    unsafe {
        if ffi::PyLong_CheckExact(p) != 0 || ffi::PyUnicode_CheckExact(p) != 0 {
            return Ok(x.clone());
        }
        if ffi::PyFloat_CheckExact(p) != 0 {
            if ffi::PyFloat_AsDouble(p).is_nan() {
                return Ok(nan_helpers(py)?.0.bind(py).clone());
            }
            return Ok(x.clone());
        }
    }
    let (nan, types) = nan_helpers(py)?;
    if types.bind(py).contains(x.get_type())? && x.ne(x)? {
        return Ok(nan.bind(py).clone());
    }
    Ok(x.clone())
}

/// Python's hash of `x`; TypeError naming `what` when it is not hashable.
fn hash_of(x: &Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<isize> {
    // SAFETY: hashing a live object while attached.
    let hash = unsafe { ffi::PyObject_Hash(x.as_ptr()) };
    if hash == -1 {
        if let Some(err) = PyErr::take(x.py()) {
            if err.is_instance_of::<PyTypeError>(x.py()) {
                return Err(PyTypeError::new_err(what()));
            }
            return Err(err);
        }
    }
    Ok(hash)
}

/// The key `x` is counted under; TypeError naming `what` when it is not hashable. Hashed
/// before anything else is asked of it, as a dict does (a signaling NaN refuses its hash).
fn key_of(x: &Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<PyKey> {
    let mut hash = hash_of(x, what)?;
    let key = canonical(x)?;
    if !key.is(x) {
        hash = hash_of(&key, what)?;
    }
    Ok(PyKey {
        obj: key.unbind(),
        hash,
    })
}

fn one_key(x: &Bound<'_, PyAny>, name: &str) -> PyResult<PyKey> {
    key_of(x, &|| {
        format!("{name} must be hashable, got {}", type_name(x))
    })
}

fn type_name(x: &Bound<'_, PyAny>) -> String {
    x.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// Every key of a batch (a list), checked before anything is counted.
fn batch_keys(items: &Bound<'_, PyList>, what: &str) -> PyResult<Vec<PyKey>> {
    let mut keys = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        keys.push(key_of(&x, &|| {
            format!(
                "element {i} of the {what} is not hashable ({})",
                type_name(&x)
            )
        })?);
    }
    Ok(keys)
}

/// The keys of a float64 array's values, one Python float per distinct value: an array
/// repeats its values, and a key found by identity costs far less than a new float object
/// hashed and compared by value. All NaNs are the one NaN key, as everywhere.
fn float_keys(xs: &numpy::PyReadonlyArray1<'_, f64>) -> PyResult<Vec<PyKey>> {
    let py = xs.py();
    let mut seen: std::collections::HashMap<u64, PyKey> = std::collections::HashMap::new();
    let view = xs.as_array();
    let mut keys = Vec::with_capacity(view.len());
    for &v in view.iter() {
        let bits = if v.is_nan() {
            f64::NAN.to_bits()
        } else {
            v.to_bits()
        };
        let key = match seen.get(&bits) {
            Some(key) => key.clone(),
            None => {
                let key = one_key(&pyo3::types::PyFloat::new(py, v).into_any(), "x")?;
                seen.insert(bits, key.clone());
                key
            }
        };
        keys.push(key);
    }
    Ok(keys)
}

fn items_list<'py>(
    py: Python<'py>,
    tally: &Tally<PyKey, PyHashBuilder>,
) -> PyResult<Bound<'py, PyList>> {
    let items: Vec<(Py<PyAny>, u64)> = tally
        .items()
        .into_iter()
        .map(|(k, c)| (k.obj.clone_ref(py), c))
        .collect();
    PyList::new(py, items)
}

fn keys_of(py: Python<'_>, xs: &Bound<'_, PyList>) -> PyResult<Vec<PyKey>> {
    let _ = py;
    batch_keys(xs, "state")
}

fn counts_of(counts: &Bound<'_, PyList>) -> PyResult<Vec<u64>> {
    counts.iter().map(|c| c.extract::<u64>()).collect()
}

type M = Mode<PyKey, PyHashBuilder>;
type RM = RollingMode<PyKey, PyHashBuilder>;
type E = Entropy<PyKey, PyHashBuilder>;
type C = ChiSquared<PyKey, PyHashBuilder>;

fn none_or(py: Python<'_>, key: Option<&PyKey>) -> Py<PyAny> {
    key.map_or_else(|| py.None(), |k| k.obj.clone_ref(py))
}

/// What the three univariate classes share: count one key, read the value.
trait Counts {
    type Value;
    fn count(&mut self, key: &PyKey);
    fn value(&self, py: Python<'_>) -> Self::Value;
}

impl Counts for M {
    type Value = Py<PyAny>;
    fn count(&mut self, key: &PyKey) {
        self.update_checked(key, no_eq_error);
    }
    fn value(&self, py: Python<'_>) -> Py<PyAny> {
        none_or(py, self.get())
    }
}

impl Counts for RM {
    type Value = Py<PyAny>;
    fn count(&mut self, key: &PyKey) {
        self.update_checked(key, no_eq_error);
    }
    fn value(&self, py: Python<'_>) -> Py<PyAny> {
        none_or(py, self.get())
    }
}

impl Counts for E {
    type Value = f64;
    fn count(&mut self, key: &PyKey) {
        self.update_checked(key, no_eq_error);
    }
    fn value(&self, _py: Python<'_>) -> f64 {
        self.get()
    }
}

/// Counts `x`; TypeError when it is not hashable, the error of a Python `==` if one raised.
fn count_one(core: &mut impl Counts, x: &Bound<'_, PyAny>) -> PyResult<()> {
    core.count(&one_key(x, "x")?);
    eq_error()
}

/// Counts every key, in order, stopping at the first `==` that raises.
fn count_all(core: &mut impl Counts, keys: Vec<PyKey>) -> PyResult<()> {
    for key in keys {
        core.count(&key);
        eq_error()?;
    }
    Ok(())
}

/// Counts every key and reads the value after each one.
fn accumulate<C: Counts>(
    core: &mut C,
    py: Python<'_>,
    keys: Vec<PyKey>,
) -> PyResult<Vec<C::Value>> {
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        core.count(&key);
        eq_error()?;
        out.push(core.value(py));
    }
    Ok(out)
}

/// Running mode of hashable values (Rust core of `river.stats.Mode`).
#[pyclass(subclass, module = "river.stats._rust_stats.hashable")]
pub struct RsMode {
    inner: M,
}

#[pymethods]
impl RsMode {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        Self { inner: M::new(25) }
    }

    /// Start afresh with this `k` (called by `__init__`).
    fn _reset(&mut self, k: i64) {
        self.inner = M::new(k);
    }

    #[getter]
    fn k(&self) -> i64 {
        self.inner.k()
    }

    /// Update with one hashable value.
    fn update(&mut self, x: &Bound<'_, PyAny>) -> PyResult<()> {
        count_one(&mut self.inner, x)
    }

    /// The mode, None before anything was counted.
    fn get(&self, py: Python<'_>) -> Py<PyAny> {
        none_or(py, self.inner.get())
    }

    fn _update_floats(&mut self, xs: numpy::PyReadonlyArray1<'_, f64>) -> PyResult<()> {
        count_all(&mut self.inner, float_keys(&xs)?)
    }

    fn _update_list(&mut self, items: &Bound<'_, PyList>) -> PyResult<()> {
        count_all(&mut self.inner, batch_keys(items, "input")?)
    }

    fn _accumulate_list(
        &mut self,
        py: Python<'_>,
        items: &Bound<'_, PyList>,
    ) -> PyResult<Vec<Py<PyAny>>> {
        accumulate(&mut self.inner, py, batch_keys(items, "input")?)
    }

    /// [(value, count)] in the order the values were first seen.
    fn _items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        items_list(py, self.inner.tally())
    }

    fn _load(
        &mut self,
        py: Python<'_>,
        k: i64,
        keys: &Bound<'_, PyList>,
        counts: &Bound<'_, PyList>,
    ) -> PyResult<()> {
        let keys = keys_of(py, keys)?;
        let counts = counts_of(counts)?;
        let loaded = M::from_counts(k, keys.into_iter().zip(counts));
        eq_error()?;
        self.inner = loaded;
        Ok(())
    }

    fn _merge(slf: &Bound<'_, Self>, other: &Bound<'_, Self>) -> PyResult<()> {
        let other = other.try_borrow()?.inner.clone();
        let this = &mut *slf.try_borrow_mut()?;
        this.inner.merge(&other);
        eq_error()
    }

    fn _adopt(slf: &Bound<'_, Self>, fitted: &Bound<'_, Self>) -> PyResult<()> {
        let k = slf.try_borrow()?.inner.k();
        let fitted = fitted.try_borrow()?.inner.with_k(k);
        let this = &mut *slf.try_borrow_mut()?;
        this.inner = fitted;
        Ok(())
    }

    fn __sizeof__(&self) -> usize {
        std::mem::size_of::<Self>() + self.inner.tally().heap_bytes()
    }
}

/// Running mode over a window of hashable values (Rust core of `river.stats.RollingMode`).
#[pyclass(subclass, module = "river.stats._rust_stats.hashable")]
pub struct RsRollingMode {
    inner: RM,
}

#[pymethods]
impl RsRollingMode {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        Self { inner: RM::new(1) }
    }

    fn _reset(&mut self, window_size: usize) {
        self.inner = RM::new(window_size);
    }

    #[getter]
    fn window_size(&self) -> usize {
        self.inner.window_size()
    }

    /// Update with one hashable value.
    fn update(&mut self, x: &Bound<'_, PyAny>) -> PyResult<()> {
        count_one(&mut self.inner, x)
    }

    /// The mode of the window, None while it is empty.
    fn get(&self, py: Python<'_>) -> Py<PyAny> {
        none_or(py, self.inner.get())
    }

    fn _update_floats(&mut self, xs: numpy::PyReadonlyArray1<'_, f64>) -> PyResult<()> {
        count_all(&mut self.inner, float_keys(&xs)?)
    }

    fn _update_list(&mut self, items: &Bound<'_, PyList>) -> PyResult<()> {
        count_all(&mut self.inner, batch_keys(items, "input")?)
    }

    fn _accumulate_list(
        &mut self,
        py: Python<'_>,
        items: &Bound<'_, PyList>,
    ) -> PyResult<Vec<Py<PyAny>>> {
        accumulate(&mut self.inner, py, batch_keys(items, "input")?)
    }

    /// [(value, count)] in the order the values entered the counts.
    fn _items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        items_list(py, self.inner.tally())
    }

    /// The window's values, oldest first.
    fn _window(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.inner.window().map(|k| k.obj.clone_ref(py)).collect()
    }

    fn _load(
        &mut self,
        py: Python<'_>,
        window_size: usize,
        entered: &Bound<'_, PyList>,
        window: &Bound<'_, PyList>,
    ) -> PyResult<()> {
        let entered = keys_of(py, entered)?;
        let window = keys_of(py, window)?;
        let loaded = RM::from_parts(window_size, entered, window);
        eq_error()?;
        self.inner = loaded.ok_or_else(|| {
            PyValueError::new_err("invalid pickled state: the counts do not match the window")
        })?;
        Ok(())
    }

    fn _adopt(slf: &Bound<'_, Self>, fitted: &Bound<'_, Self>) -> PyResult<()> {
        let fitted = fitted.try_borrow()?.inner.clone();
        let this = &mut *slf.try_borrow_mut()?;
        if fitted.window_size() != this.inner.window_size() {
            return Err(PyValueError::new_err(format!(
                "window_size shapes the fitted state: a clone cannot change it ({} to {})",
                fitted.window_size(),
                this.inner.window_size()
            )));
        }
        this.inner = fitted;
        Ok(())
    }

    fn __sizeof__(&self) -> usize {
        std::mem::size_of::<Self>() + self.inner.heap_bytes()
    }
}

/// Running entropy of hashable values (Rust core of `river.stats.Entropy`).
#[pyclass(subclass, module = "river.stats._rust_stats.hashable")]
pub struct RsEntropy {
    inner: E,
}

#[pymethods]
impl RsEntropy {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        Self {
            inner: E::new(1.0, 1e-8),
        }
    }

    fn _reset(&mut self, fading_factor: f64, eps: f64) {
        self.inner = E::new(fading_factor, eps);
    }

    #[getter]
    fn fading_factor(&self) -> f64 {
        self.inner.fading_factor()
    }

    #[getter]
    fn eps(&self) -> f64 {
        self.inner.eps()
    }

    /// The entropy.
    #[getter]
    fn entropy(&self) -> f64 {
        self.inner.get()
    }

    /// How many values were counted.
    #[getter]
    fn n(&self) -> u64 {
        self.inner.n()
    }

    /// Update with one hashable value.
    fn update(&mut self, x: &Bound<'_, PyAny>) -> PyResult<()> {
        count_one(&mut self.inner, x)
    }

    /// The entropy.
    fn get(&self) -> f64 {
        self.inner.get()
    }

    fn _update_floats(&mut self, xs: numpy::PyReadonlyArray1<'_, f64>) -> PyResult<()> {
        count_all(&mut self.inner, float_keys(&xs)?)
    }

    fn _update_list(&mut self, items: &Bound<'_, PyList>) -> PyResult<()> {
        count_all(&mut self.inner, batch_keys(items, "input")?)
    }

    fn _accumulate_list(
        &mut self,
        py: Python<'_>,
        items: &Bound<'_, PyList>,
    ) -> PyResult<Vec<f64>> {
        accumulate(&mut self.inner, py, batch_keys(items, "input")?)
    }

    fn _items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        items_list(py, self.inner.tally())
    }

    #[allow(clippy::too_many_arguments)]
    fn _load(
        &mut self,
        py: Python<'_>,
        fading_factor: f64,
        eps: f64,
        entropy: f64,
        n: u64,
        keys: &Bound<'_, PyList>,
        counts: &Bound<'_, PyList>,
    ) -> PyResult<()> {
        let keys = keys_of(py, keys)?;
        let counts = counts_of(counts)?;
        let loaded = E::from_parts(fading_factor, eps, entropy, n, keys.into_iter().zip(counts));
        eq_error()?;
        self.inner = loaded;
        Ok(())
    }

    fn _merge(slf: &Bound<'_, Self>, other: &Bound<'_, Self>) -> PyResult<()> {
        let other = other.try_borrow()?.inner.clone();
        let this = &mut *slf.try_borrow_mut()?;
        this.inner.merge(&other);
        eq_error()
    }

    fn _adopt(slf: &Bound<'_, Self>, fitted: &Bound<'_, Self>) -> PyResult<()> {
        let (fading_factor, eps) = {
            let this = slf.try_borrow()?;
            (this.inner.fading_factor(), this.inner.eps())
        };
        let fitted = fitted.try_borrow()?.inner.with_params(fading_factor, eps);
        let this = &mut *slf.try_borrow_mut()?;
        this.inner = fitted;
        Ok(())
    }

    fn __sizeof__(&self) -> usize {
        std::mem::size_of::<Self>() + self.inner.tally().heap_bytes()
    }
}

/// Chi-squared statistic of two categorical variables (Rust core of `river.stats.ChiSquared`).
#[pyclass(subclass, module = "river.stats._rust_stats.hashable")]
pub struct RsChiSquared {
    inner: C,
}

#[pymethods]
impl RsChiSquared {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        Self {
            inner: C::default(),
        }
    }

    /// How many pairs are counted.
    #[getter]
    fn n(&self) -> u64 {
        self.inner.n()
    }

    /// Update with the pair (x, y) of hashable values.
    fn update(&mut self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<()> {
        let (x, y) = (one_key(x, "x")?, one_key(y, "y")?);
        self.inner.update_checked(&x, &y, no_eq_error);
        eq_error()
    }

    /// Take one (x, y) out; ValueError, nothing changed, when it is not in the table.
    fn revert(&mut self, x: &Bound<'_, PyAny>, y: &Bound<'_, PyAny>) -> PyResult<()> {
        let (kx, ky) = (one_key(x, "x")?, one_key(y, "y")?);
        let done = self.inner.revert_checked(&kx, &ky, no_eq_error);
        eq_error()?;
        match done {
            Ok(_) => Ok(()),
            Err(NotInTable) => Err(PyValueError::new_err(format!(
                "cannot revert ({}, {}): that pair is not in the table",
                kx.bind(x.py()).repr()?,
                ky.bind(x.py()).repr()?
            ))),
        }
    }

    /// Pearson's Chi-squared statistic.
    fn get(&mut self) -> f64 {
        self.inner.get()
    }

    fn _update_lists(&mut self, xs: &Bound<'_, PyList>, ys: &Bound<'_, PyList>) -> PyResult<()> {
        let (xs, ys) = (
            batch_keys(xs, "first input")?,
            batch_keys(ys, "second input")?,
        );
        for (x, y) in xs.iter().zip(&ys) {
            self.inner.update_checked(x, y, no_eq_error);
            eq_error()?;
        }
        Ok(())
    }

    fn _accumulate_lists(
        &mut self,
        xs: &Bound<'_, PyList>,
        ys: &Bound<'_, PyList>,
    ) -> PyResult<Vec<f64>> {
        let (xs, ys) = (
            batch_keys(xs, "first input")?,
            batch_keys(ys, "second input")?,
        );
        let mut out = Vec::with_capacity(xs.len());
        for (x, y) in xs.iter().zip(&ys) {
            self.inner.update_checked(x, y, no_eq_error);
            eq_error()?;
            out.push(self.inner.get());
        }
        Ok(out)
    }

    /// (x totals, y totals, rows): [(key, count)] each, rows as [(x, [(y, count)])].
    #[allow(clippy::type_complexity)]
    fn _tables(
        &self,
        py: Python<'_>,
    ) -> (
        Vec<(Py<PyAny>, u64)>,
        Vec<(Py<PyAny>, u64)>,
        Vec<(Py<PyAny>, Vec<(Py<PyAny>, u64)>)>,
    ) {
        let items = |t: &Tally<PyKey, PyHashBuilder>| -> Vec<(Py<PyAny>, u64)> {
            t.items()
                .into_iter()
                .map(|(k, c)| (k.obj.clone_ref(py), c))
                .collect()
        };
        let (xs, ys) = (self.inner.x_totals(), self.inner.y_totals());
        let rows = self
            .inner
            .rows()
            .into_iter()
            .map(|(x, row)| {
                let row = row
                    .into_iter()
                    .map(|(y, c)| (none_or(py, ys.key(y)), c))
                    .collect();
                (none_or(py, xs.key(x)), row)
            })
            .collect();
        (items(xs), items(ys), rows)
    }

    /// The value, if it was computed since the table last changed.
    fn _cached(&self) -> Option<f64> {
        self.inner.cached()
    }

    fn _load(
        &mut self,
        py: Python<'_>,
        rows: &Bound<'_, PyList>,
        y_order: &Bound<'_, PyList>,
    ) -> PyResult<()> {
        let mut loaded_rows = Vec::with_capacity(rows.len());
        for row in rows.iter() {
            let (x, cells): (Bound<'_, PyAny>, Bound<'_, PyList>) = row.extract()?;
            let x = one_key(&x, "x")?;
            let mut out = Vec::with_capacity(cells.len());
            for cell in cells.iter() {
                let (y, c): (Bound<'_, PyAny>, u64) = cell.extract()?;
                out.push((one_key(&y, "y")?, c));
            }
            loaded_rows.push((x, out));
        }
        let y_order = keys_of(py, y_order)?;
        let loaded = C::from_parts(loaded_rows, y_order);
        eq_error()?;
        self.inner = loaded.ok_or_else(|| {
            PyValueError::new_err("invalid pickled state: the table and its totals do not agree")
        })?;
        Ok(())
    }

    fn _merge(slf: &Bound<'_, Self>, other: &Bound<'_, Self>) -> PyResult<()> {
        let other = other.try_borrow()?.inner.clone();
        let this = &mut *slf.try_borrow_mut()?;
        this.inner.merge(&other);
        eq_error()
    }

    fn _unmerge(slf: &Bound<'_, Self>, other: &Bound<'_, Self>) -> PyResult<()> {
        let py = other.py();
        let other = other.try_borrow()?.inner.clone();
        let this = &mut *slf.try_borrow_mut()?;
        let contained = this.inner.contains(&other);
        eq_error()?;
        if let Err((x, y, c, mine)) = contained {
            return Err(PyValueError::new_err(format!(
                "cannot take ({}, {}) out {c} times: the table holds it {mine} times",
                x.bind(py).repr()?,
                y.bind(py).repr()?
            )));
        }
        this.inner.unmerge(&other);
        eq_error()
    }

    fn _adopt(slf: &Bound<'_, Self>, fitted: &Bound<'_, Self>) -> PyResult<()> {
        let fitted = fitted.try_borrow()?.inner.clone();
        slf.try_borrow_mut()?.inner = fitted;
        Ok(())
    }

    fn __sizeof__(&self) -> usize {
        std::mem::size_of::<Self>() + self.inner.heap_bytes()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsMode>()?;
    m.add_class::<RsRollingMode>()?;
    m.add_class::<RsEntropy>()?;
    m.add_class::<RsChiSquared>()?;
    Ok(())
}
