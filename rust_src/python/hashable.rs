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
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFrozenSet, PyList, PyTuple};

use crate::core::hashable::{
    ChiSquared, Entropy, Mode, NotInTable, RollingMode, SlotsHasher, Tally,
};

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
        let (a, b) = (self.obj.as_ptr(), other.obj.as_ptr());
        // SAFETY: both pointers are live objects (owned by the keys); attached, as above.
        if let Some(equal) = unsafe { str_eq(a, b) } {
            return equal;
        }
        // SAFETY: as above.
        let r = unsafe { ffi::PyObject_RichCompareBool(a, b, ffi::Py_EQ) };
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

/// Whether two exact strs are equal, compared without the generic `==` machinery (which
/// costs several times more); None unless both are exact strs.
///
/// # Safety
///
/// Live objects, while attached.
#[inline]
unsafe fn str_eq(a: *mut ffi::PyObject, b: *mut ffi::PyObject) -> Option<bool> {
    // SAFETY: the caller's contract; comparing two strs never fails.
    unsafe {
        (ffi::PyUnicode_CheckExact(a) != 0 && ffi::PyUnicode_CheckExact(b) != 0)
            .then(|| ffi::PyUnicode_Compare(a, b) == 0)
    }
}

/// Whether `p` is an exact str, int, bool or float that is not a NaN: a value whose hash and
/// `==` are the builtins' (no Python code runs, nothing raises) and which is its own key.
///
/// # Safety
///
/// A live object, while attached.
#[inline]
unsafe fn is_plain(p: *mut ffi::PyObject) -> bool {
    // SAFETY: the caller's contract.
    unsafe {
        ffi::PyUnicode_CheckExact(p) != 0
            || ffi::PyLong_CheckExact(p) != 0
            || ffi::PyBool_Check(p) != 0
            || (ffi::PyFloat_CheckExact(p) != 0 && !ffi::PyFloat_AsDouble(p).is_nan())
    }
}

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

type Tl = Tally<PyKey, PyHashBuilder>;
type IntMap<V> = HashMap<u64, V, BuildHasherDefault<SlotsHasher>>;

/// Where a batch found one of its values in a tally: `slot`, as long as the slot's stamp is
/// still `stamp` (the same key is counted there). Only kept when the counted key is plain
/// (`is_plain`), so that trusting it skips no Python code the lookup would have run.
#[derive(Clone, Copy)]
struct Hint {
    slot: u32,
    stamp: u64,
}

impl Hint {
    fn of(tally: &Tl, slot: u32) -> Option<Self> {
        let key = tally.key(slot)?;
        // SAFETY: the key is a live object; attached.
        unsafe { is_plain(key.obj.as_ptr()) }.then(|| Self {
            slot,
            stamp: tally.stamp(slot),
        })
    }

    fn valid(self, tally: &Tl) -> Option<u32> {
        (tally.stamp(self.slot) == self.stamp).then_some(self.slot)
    }
}

/// Looks `key` up in `tally`; the error of a Python `==`, if one raised.
fn find(tally: &Tl, key: &PyKey) -> PyResult<Option<u32>> {
    let found = tally.find(key);
    eq_error()?;
    Ok(found)
}

/// The values of a numeric array, read as numbers: one Python object per distinct value,
/// made when the value is first met, and where it was last found in the tally, so that a
/// value met again costs a lookup by its bits, not a new object hashed and compared by
/// Python. All NaNs are the one NaN key, as everywhere.
struct ArrayKeys<'py> {
    py: Python<'py>,
    seen: IntMap<(PyKey, Option<Hint>)>,
}

/// The element types of the arrays read natively.
trait ArrayValue: numpy::Element + Copy {
    /// Equal bits, equal values (all NaNs the same bits).
    fn bits(self) -> u64;
    fn object(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

impl ArrayValue for f64 {
    fn bits(self) -> u64 {
        if self.is_nan() {
            f64::NAN.to_bits()
        } else {
            self.to_bits()
        }
    }
    fn object(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(pyo3::types::PyFloat::new(py, self).into_any())
    }
}

impl ArrayValue for i64 {
    fn bits(self) -> u64 {
        self as u64
    }
    fn object(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(self.into_pyobject(py)?.into_any())
    }
}

impl<'py> ArrayKeys<'py> {
    fn new(py: Python<'py>) -> Self {
        Self {
            py,
            seen: IntMap::default(),
        }
    }

    /// The key of `v` and where it is counted in `tally`.
    fn find<T: ArrayValue>(&mut self, tally: &Tl, v: T) -> PyResult<(PyKey, Option<u32>)> {
        let entry = match self.seen.entry(v.bits()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert((one_key(&v.object(self.py)?, "x")?, None)),
        };
        if let Some(slot) = entry.1.and_then(|h| h.valid(tally)) {
            return Ok((entry.0.clone(), Some(slot)));
        }
        let found = find(tally, &entry.0)?;
        entry.1 = found.and_then(|at| Hint::of(tally, at));
        Ok((entry.0.clone(), found))
    }
}

/// The values of a list: each plain value (`is_plain`) is looked up first where the last
/// value of its hash (or of one sharing its place in a small table) was found, and compared
/// there without the generic `==`; other values are looked up as by `update`.
struct ListKeys {
    seen: Vec<Option<Seen>>,
    shift: u32,
}

/// Where a plain value of hash `hash` was found, and, when the value counted there is an
/// ASCII str, its characters (owned by the tally's key, alive while the hint is valid).
#[derive(Clone, Copy)]
struct Seen {
    hash: isize,
    hint: Hint,
    ascii: Option<(*const u8, usize)>,
}

/// The characters of `p`, when it is an exact str of ASCII characters only.
///
/// # Safety
///
/// A live object, while attached. For a str of other characters, CPython keeps its UTF-8 form
/// (the size of its text) with it from then on: called on a counted key, once per batch.
unsafe fn ascii_chars(p: *mut ffi::PyObject) -> Option<(*const u8, usize)> {
    // SAFETY: the caller's contract.
    unsafe {
        if ffi::PyUnicode_CheckExact(p) == 0 {
            return None;
        }
        let mut size: ffi::Py_ssize_t = 0;
        let chars = ffi::PyUnicode_AsUTF8AndSize(p, &mut size);
        if chars.is_null() {
            ffi::PyErr_Clear(); // lone surrogates have no UTF-8 form
            return None;
        }
        // As many bytes as characters: all ASCII.
        (ffi::PyUnicode_GetLength(p) == size).then_some((chars.cast(), size.unsigned_abs()))
    }
}

/// Whether `p`, a plain value, is the ASCII str `chars`. A str of as many characters is
/// read as UTF-8, which for an ASCII str is its own storage (nothing made); one of other
/// characters gets here only when its hash and length are those of `chars`.
///
/// # Safety
///
/// A live object and characters alive, while attached.
#[inline]
unsafe fn is_ascii_str(p: *mut ffi::PyObject, (chars, len): (*const u8, usize)) -> bool {
    // SAFETY: the caller's contract.
    unsafe {
        if ffi::PyUnicode_CheckExact(p) == 0 || ffi::PyUnicode_GetLength(p).unsigned_abs() != len {
            return false;
        }
        let mut size: ffi::Py_ssize_t = 0;
        let mine = ffi::PyUnicode_AsUTF8AndSize(p, &mut size);
        if mine.is_null() {
            ffi::PyErr_Clear();
            return false;
        }
        size.unsigned_abs() == len
            && std::slice::from_raw_parts(mine.cast::<u8>(), len)
                == std::slice::from_raw_parts(chars, len)
    }
}

impl ListKeys {
    /// For a batch of `len` values: a table of about `len` places, from 16 to 4096.
    fn new(len: usize) -> Self {
        let size = len.clamp(16, 4096).next_power_of_two();
        Self {
            seen: vec![None; size],
            shift: 64 - size.trailing_zeros(),
        }
    }

    fn place(&self, hash: isize) -> usize {
        ((hash as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The key of `x` and where it is counted in `tally`.
    fn find(&mut self, tally: &Tl, x: &Bound<'_, PyAny>) -> PyResult<(PyKey, Option<u32>)> {
        let p = x.as_ptr();
        // SAFETY: a live object; attached.
        if !unsafe { is_plain(p) } {
            let key = one_key(x, "x")?;
            let found = find(tally, &key)?;
            return Ok((key, found));
        }
        // SAFETY: as above; the hash of a plain value never fails.
        let hash = unsafe { ffi::PyObject_Hash(p) };
        let key = PyKey {
            obj: x.clone().unbind(),
            hash,
        };
        let place = self.place(hash);
        if let Some(Some(seen)) = self.seen.get(place) {
            if let Some(slot) = (seen.hash == hash)
                .then(|| seen.hint.valid(tally))
                .flatten()
            {
                // SAFETY: live objects (the counted key is the tally's, its characters too,
                // while the hint is valid), both plain: comparing them runs no Python code.
                let equal = match seen.ascii {
                    Some(chars) => unsafe { is_ascii_str(p, chars) },
                    None => tally.key(slot).is_some_and(|counted| {
                        let q = counted.obj.as_ptr();
                        p == q || unsafe { plain_eq(p, q) }
                    }),
                };
                if equal {
                    return Ok((key, Some(slot)));
                }
            }
        }
        let found = find(tally, &key)?;
        if let (Some(hint), Some(entry)) = (
            found.and_then(|at| Hint::of(tally, at)),
            self.seen.get_mut(place),
        ) {
            let counted = tally.key(hint.slot).map(|k| k.obj.as_ptr());
            *entry = Some(Seen {
                hash,
                hint,
                // SAFETY: a live object (the tally's key); attached.
                ascii: counted.and_then(|q| unsafe { ascii_chars(q) }),
            });
        }
        Ok((key, found))
    }
}

/// Whether two plain values (`is_plain`) are equal.
///
/// # Safety
///
/// Live objects, while attached.
unsafe fn plain_eq(a: *mut ffi::PyObject, b: *mut ffi::PyObject) -> bool {
    // SAFETY: the caller's contract.
    if let Some(equal) = unsafe { str_eq(a, b) } {
        return equal;
    }
    // SAFETY: as above.
    match unsafe { ffi::PyObject_RichCompareBool(a, b, ffi::Py_EQ) } {
        1 => true,
        0 => false,
        _ => {
            // Not for numbers and strs; should it happen, the lookup decides.
            // SAFETY: attached.
            drop(PyErr::take(unsafe { Python::assume_attached() }));
            false
        }
    }
}

/// TypeError naming the first element of `items` that is not hashable (so that a batch
/// counts nothing unless all its values can be counted).
fn check_hashable(items: &Bound<'_, PyList>, what: &str) -> PyResult<()> {
    // The length is read again after a value that is not plain: its `__hash__` may be written
    // in Python and change the list.
    let (mut i, mut len) = (0, items.len());
    while i < len {
        // SAFETY: `i` is within the list (nothing runs Python code between the length and
        // here); the item is borrowed from the list and only looked at.
        let plain = unsafe {
            let p = ffi::PyList_GetItem(items.as_ptr(), i as ffi::Py_ssize_t);
            !p.is_null() && is_plain(p)
        };
        i += 1;
        if plain {
            continue;
        }
        let i = i - 1;
        let x = items.get_item(i)?;
        key_of(&x, &|| {
            format!(
                "element {i} of the {what} is not hashable ({})",
                type_name(&x)
            )
        })?;
        len = items.len();
    }
    Ok(())
}

/// Item `i` of `items`, None past its end.
#[inline]
fn list_item<'py>(items: &Bound<'py, PyList>, i: usize) -> Option<Bound<'py, PyAny>> {
    if i >= items.len() {
        return None;
    }
    // SAFETY: `i` is within the list; the borrowed item becomes an owned reference at once.
    unsafe {
        let p = ffi::PyList_GetItem(items.as_ptr(), i as ffi::Py_ssize_t);
        (!p.is_null()).then(|| Bound::from_borrowed_ptr(items.py(), p))
    }
}

/// A 1-D float64 or int64 array, read natively; None for another array.
enum NumArray<'py> {
    F64(numpy::PyReadonlyArray1<'py, f64>),
    I64(numpy::PyReadonlyArray1<'py, i64>),
}

impl<'py> NumArray<'py> {
    fn of(xs: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(a) = xs.extract::<numpy::PyReadonlyArray1<'py, f64>>() {
            return Ok(Self::F64(a));
        }
        xs.extract::<numpy::PyReadonlyArray1<'py, i64>>()
            .map(Self::I64)
            .map_err(|_| PyTypeError::new_err("expected a 1-D float64 or int64 array"))
    }

    fn py(&self) -> Python<'py> {
        match self {
            Self::F64(a) => a.py(),
            Self::I64(a) => a.py(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::F64(a) => a.as_array().len(),
            Self::I64(a) => a.as_array().len(),
        }
    }

    /// The key of element `i` and where it is counted in `tally` (None past the end).
    fn find(
        &self,
        keys: &mut ArrayKeys<'py>,
        tally: &Tl,
        i: usize,
    ) -> PyResult<Option<(PyKey, Option<u32>)>> {
        match self {
            Self::F64(a) => a.get(i).map(|&v| keys.find(tally, v)).transpose(),
            Self::I64(a) => a.get(i).map(|&v| keys.find(tally, v)).transpose(),
        }
    }
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
    fn tally(&self) -> &Tl;
    /// Counts `key`, found at `found` in the tally.
    fn count_found(&mut self, found: Option<u32>, key: &PyKey);

    /// Counts the keys `next` gives (from the tally as it is) until it gives None or fails.
    fn count_batch(
        &mut self,
        len: usize,
        mut next: impl FnMut(&Tl) -> PyResult<Option<(PyKey, Option<u32>)>>,
    ) -> PyResult<()> {
        let _ = len;
        while let Some((key, found)) = next(self.tally())? {
            self.count_found(found, &key);
        }
        Ok(())
    }
}

impl Counts for M {
    type Value = Py<PyAny>;
    fn count(&mut self, key: &PyKey) {
        self.update_checked(key, no_eq_error);
    }
    fn value(&self, py: Python<'_>) -> Py<PyAny> {
        none_or(py, self.get())
    }
    fn tally(&self) -> &Tl {
        M::tally(self)
    }
    fn count_found(&mut self, found: Option<u32>, key: &PyKey) {
        self.update_found(found, key);
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
    fn tally(&self) -> &Tl {
        RM::tally(self)
    }
    fn count_found(&mut self, found: Option<u32>, key: &PyKey) {
        self.update_found(found, key);
    }
    fn count_batch(
        &mut self,
        len: usize,
        mut next: impl FnMut(&Tl) -> PyResult<Option<(PyKey, Option<u32>)>>,
    ) -> PyResult<()> {
        self.update_batch(len, |tally| {
            Ok(next(tally)?.map(|(key, found)| (found, key)))
        })
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
    fn tally(&self) -> &Tl {
        E::tally(self)
    }
    fn count_found(&mut self, found: Option<u32>, key: &PyKey) {
        self.update_found(found, key);
    }
}

/// Counts `x`; TypeError when it is not hashable, the error of a Python `==` if one raised.
fn count_one(core: &mut impl Counts, x: &Bound<'_, PyAny>) -> PyResult<()> {
    core.count(&one_key(x, "x")?);
    eq_error()
}

/// Counts every value of a 1-D float64 or int64 array, in order.
fn count_array(core: &mut impl Counts, xs: &Bound<'_, PyAny>) -> PyResult<()> {
    let xs = NumArray::of(xs)?;
    let mut keys = ArrayKeys::new(xs.py());
    let mut i = 0;
    core.count_batch(xs.len(), |tally| {
        let out = xs.find(&mut keys, tally, i);
        i += 1;
        out
    })
}

/// Counts every value of a list, in order, all checked to be hashable first; stops at the
/// first `==` that raises.
fn count_list(core: &mut impl Counts, items: &Bound<'_, PyList>) -> PyResult<()> {
    check_hashable(items, "input")?;
    let mut keys = ListKeys::new(items.len());
    let mut i = 0;
    core.count_batch(items.len(), |tally| {
        // By index, as the list stands: an `==` written in Python may have changed it.
        let Some(x) = list_item(items, i) else {
            return Ok(None);
        };
        i += 1;
        keys.find(tally, &x).map(Some)
    })
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

    fn _update_array(&mut self, xs: &Bound<'_, PyAny>) -> PyResult<()> {
        count_array(&mut self.inner, xs)
    }

    fn _update_list(&mut self, items: &Bound<'_, PyList>) -> PyResult<()> {
        count_list(&mut self.inner, items)
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

    fn _update_array(&mut self, xs: &Bound<'_, PyAny>) -> PyResult<()> {
        count_array(&mut self.inner, xs)
    }

    fn _update_list(&mut self, items: &Bound<'_, PyList>) -> PyResult<()> {
        count_list(&mut self.inner, items)
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

    fn _update_array(&mut self, xs: &Bound<'_, PyAny>) -> PyResult<()> {
        count_array(&mut self.inner, xs)
    }

    fn _update_list(&mut self, items: &Bound<'_, PyList>) -> PyResult<()> {
        count_list(&mut self.inner, items)
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
        check_hashable(xs, "first input")?;
        check_hashable(ys, "second input")?;
        let (mut kx, mut ky) = (ListKeys::new(xs.len()), ListKeys::new(ys.len()));
        // By index, as the lists stand: an `==` written in Python may have changed them.
        for i in 0.. {
            let (Some(x), Some(y)) = (list_item(xs, i), list_item(ys, i)) else {
                break;
            };
            let (x, fx) = kx.find(self.inner.x_totals(), &x)?;
            let (y, fy) = ky.find(self.inner.y_totals(), &y)?;
            self.inner.update_found(fx, fy, &x, &y);
        }
        Ok(())
    }

    /// The pairs of two 1-D float64 or int64 arrays of the same length.
    fn _update_arrays(&mut self, xs: &Bound<'_, PyAny>, ys: &Bound<'_, PyAny>) -> PyResult<()> {
        let (xs, ys) = (NumArray::of(xs)?, NumArray::of(ys)?);
        if xs.len() != ys.len() {
            return Err(PyValueError::new_err(format!(
                "the inputs have different lengths ({} and {})",
                xs.len(),
                ys.len()
            )));
        }
        let py = xs.py();
        let (mut kx, mut ky) = (ArrayKeys::new(py), ArrayKeys::new(py));
        for i in 0..xs.len() {
            let (Some((x, fx)), Some((y, fy))) = (
                xs.find(&mut kx, self.inner.x_totals(), i)?,
                ys.find(&mut ky, self.inner.y_totals(), i)?,
            ) else {
                break;
            };
            self.inner.update_found(fx, fy, &x, &y);
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
    // numpy's first read of an array in a process runs Python code (an import), where another
    // thread may take its turn: done here, at import, it never happens inside an array batch,
    // which reads its array while the statistic is borrowed (threads sharing one would find
    // it busy).
    let probe = numpy::PyArray1::<f64>::zeros(m.py(), 1, false);
    drop(
        probe
            .as_any()
            .extract::<numpy::PyReadonlyArray1<'_, f64>>()?,
    );
    m.add_class::<RsMode>()?;
    m.add_class::<RsRollingMode>()?;
    m.add_class::<RsEntropy>()?;
    m.add_class::<RsChiSquared>()?;
    Ok(())
}
