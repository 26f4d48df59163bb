//! Statistics over a window of time (`core::time_window`): Python times to core times, once.
//!
//! A float `t` goes straight through. Dates, datetimes and numpy `datetime64` become exact
//! integer nanoseconds since the epoch (naive datetimes against a naive epoch, aware ones in
//! UTC), so a window's edge `t - period` is computed exactly as Python would. The limited API
//! (abi3) has no access to datetime internals, so those conversions go through a few Python
//! calls; they are measured separately in the benchmarks.

use std::sync::Mutex;

use numpy::{PyArray1, PyArrayDescrMethods, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    IntoPyDict, PyBool, PyByteArray, PyBytes, PyComplex, PyFloat, PyInt, PyString, PyType,
};

use super::convert::{param, to_floats, type_name};
use crate::core::time_window::{
    civil_ns, Calendar, ExtremumKind, Period, QuantileKind, Time, TimeRollingAbsMax,
    TimeRollingIQR, TimeRollingMax, TimeRollingMin, TimeRollingPeakToPeak, TimeRollingQuantile,
};

/// Python objects the conversions need, imported once.
struct Clock {
    datetime: Py<PyType>,
    date: Py<PyType>,
    timedelta: Py<PyType>,
    datetime64: Py<PyType>,
    timedelta64: Py<PyType>,
    epoch_date: Py<PyAny>,
    one_us: Py<PyAny>,
}

static CLOCK: PyOnceLock<Clock> = PyOnceLock::new();

fn clock(py: Python<'_>) -> PyResult<&Clock> {
    CLOCK.get_or_try_init(py, || {
        let dt = py.import("datetime")?;
        let np = py.import("numpy")?;
        let datetime = dt.getattr("datetime")?;
        let ty = |obj: Bound<'_, PyAny>| -> PyResult<Py<PyType>> {
            Ok(obj.cast_into::<PyType>()?.unbind())
        };
        Ok(Clock {
            epoch_date: dt.getattr("date")?.call1((1970, 1, 1))?.unbind(),
            one_us: dt
                .getattr("timedelta")?
                .call((), Some(&[("microseconds", 1)].into_py_dict(py)?))?
                .unbind(),
            datetime: ty(datetime)?,
            date: ty(dt.getattr("date")?)?,
            timedelta: ty(dt.getattr("timedelta")?)?,
            datetime64: ty(np.getattr("datetime64")?)?,
            timedelta64: ty(np.getattr("timedelta64")?)?,
        })
    })
}

const NS_PER_US: i64 = 1_000;
const NS_PER_DAY: i64 = 86_400_000_000_000;

fn out_of_range(name: &str) -> PyErr {
    PyValueError::new_err(format!(
        "{name} is outside the range of nanosecond times (years 1677 to 2262)"
    ))
}

/// Microseconds of a `timedelta` (exact: `delta // timedelta(microseconds=1)`) in ns.
fn timedelta_ns(delta: &Bound<'_, PyAny>, c: &Clock, name: &str) -> PyResult<i64> {
    let us: i64 = delta
        .floor_div(c.one_us.bind(delta.py()))?
        .extract()
        .map_err(|_| out_of_range(name))?;
    us.checked_mul(NS_PER_US).ok_or_else(|| out_of_range(name))
}

/// A datetime as exact nanoseconds since the epoch, in UTC when it is aware. Read from its
/// fields (a few attribute reads, the cheapest exact route under the limited API), then
/// shifted by `utcoffset()` when it has a time zone.
fn datetime_ns(t: &Bound<'_, PyAny>, c: &Clock, name: &str) -> PyResult<Time> {
    let py = t.py();
    let field =
        |attr: &Bound<'_, pyo3::types::PyString>| -> PyResult<i64> { t.getattr(attr)?.extract() };
    let ns = civil_ns(
        field(intern!(py, "year"))?,
        field(intern!(py, "month"))?,
        field(intern!(py, "day"))?,
        field(intern!(py, "hour"))?,
        field(intern!(py, "minute"))?,
        field(intern!(py, "second"))?,
        field(intern!(py, "microsecond"))?,
    )
    .ok_or_else(|| out_of_range(name))?;
    if t.getattr(intern!(py, "tzinfo"))?.is_none() {
        return Ok(Time::Nanos(ns, Calendar::NaiveDatetime));
    }
    let offset = t.call_method0(intern!(py, "utcoffset"))?;
    if offset.is_none() {
        return Ok(Time::Nanos(ns, Calendar::NaiveDatetime));
    }
    let ns = ns
        .checked_sub(timedelta_ns(&offset, c, name)?)
        .ok_or_else(|| out_of_range(name))?;
    Ok(Time::Nanos(ns, Calendar::AwareDatetime))
}

/// A numpy datetime64/timedelta64 scalar as integer nanoseconds (NaT refused).
fn numpy_ns(obj: &Bound<'_, PyAny>, unit: &str, name: &str) -> PyResult<i64> {
    let ns: i64 = obj
        .call_method1("astype", (unit,))?
        .call_method1("astype", ("int64",))?
        .extract()?;
    if ns == i64::MIN {
        return Err(PyValueError::new_err(format!("{name} must not be NaT")));
    }
    Ok(ns)
}

fn not_a_time(obj: &Bound<'_, PyAny>, name: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{name} must be a number, a datetime, a date or a numpy datetime64, got {}",
        type_name(obj)
    ))
}

/// A Python time as a core time: floats first (the fast path), then the calendars.
#[inline]
fn to_time(t: &Bound<'_, PyAny>) -> PyResult<Time> {
    match t.cast_exact::<PyFloat>() {
        Ok(f) => Ok(Time::Seconds(f.value())),
        Err(_) => to_time_slow(t, "t"),
    }
}

#[cold]
fn to_time_slow(t: &Bound<'_, PyAny>, name: &str) -> PyResult<Time> {
    let py = t.py();
    if t.is_none()
        || t.is_instance_of::<PyBool>()
        || t.is_instance_of::<PyString>()
        || t.is_instance_of::<PyBytes>()
        || t.is_instance_of::<PyByteArray>()
        || t.is_instance_of::<PyComplex>()
    {
        return Err(not_a_time(t, name));
    }
    if t.is_instance_of::<PyFloat>() || t.is_instance_of::<PyInt>() {
        let s: f64 = t.extract().map_err(|_| {
            PyValueError::new_err(format!("{name} is too large to convert to a float"))
        })?;
        return Ok(Time::Seconds(s));
    }
    let c = clock(py)?;
    if t.is_instance(c.datetime.bind(py))? {
        return datetime_ns(t, c, name);
    }
    if t.is_instance(c.date.bind(py))? {
        let days: i64 = t.sub(c.epoch_date.bind(py))?.getattr("days")?.extract()?;
        let ns = days
            .checked_mul(NS_PER_DAY)
            .ok_or_else(|| out_of_range(name))?;
        return Ok(Time::Nanos(ns, Calendar::Date));
    }
    if t.is_instance(c.datetime64.bind(py))? {
        return Ok(Time::Nanos(
            numpy_ns(t, "datetime64[ns]", name)?,
            Calendar::Datetime64,
        ));
    }
    if t.hasattr("__index__")? || t.hasattr("__float__")? {
        let s: f64 = t.extract().map_err(|_| not_a_time(t, name))?;
        return Ok(Time::Seconds(s));
    }
    Err(not_a_time(t, name))
}

/// A period: a number (times are numbers) or a `timedelta`/`timedelta64` (times are dates,
/// datetimes or datetime64).
fn to_period(p: &Bound<'_, PyAny>) -> PyResult<Period> {
    let py = p.py();
    let refused = || {
        PyTypeError::new_err(format!(
            "period must be a datetime.timedelta, a numpy timedelta64 or a number, got {}",
            type_name(p)
        ))
    };
    if p.is_none() || p.is_instance_of::<PyBool>() || p.is_instance_of::<PyString>() {
        return Err(refused());
    }
    let c = clock(py)?;
    if p.is_instance(c.timedelta.bind(py))? {
        return Ok(Period::Nanos(timedelta_ns(p, c, "period")?));
    }
    if p.is_instance(c.timedelta64.bind(py))? {
        return Ok(Period::Nanos(numpy_ns(p, "timedelta64[ns]", "period")?));
    }
    if p.is_instance_of::<PyFloat>()
        || p.is_instance_of::<PyInt>()
        || p.hasattr("__index__")?
        || p.hasattr("__float__")?
    {
        return Ok(Period::Seconds(p.extract().map_err(|_| refused())?));
    }
    Err(refused())
}

/// A batch of times: numeric or datetime64 arrays in one pass, anything else element by
/// element. Errors name the element.
fn to_times(ts: &Bound<'_, PyAny>) -> PyResult<Vec<Time>> {
    if let Ok(arr) = ts.cast::<PyUntypedArray>() {
        let kind = arr.dtype().kind();
        if arr.ndim() == 1 && kind == b'M' {
            let ns = arr
                .call_method1("astype", ("datetime64[ns]",))?
                .call_method1("view", ("int64",))?;
            let ns = ns.cast::<PyArray1<i64>>()?.try_readonly()?;
            let ns = ns.as_array();
            if let Some(i) = ns.iter().position(|&v| v == i64::MIN) {
                return Err(PyValueError::new_err(format!(
                    "element {i} of ts must not be NaT"
                )));
            }
            return Ok(ns
                .iter()
                .map(|&v| Time::Nanos(v, Calendar::Datetime64))
                .collect());
        }
        if kind != b'O' {
            let floats = to_floats(ts, Some("ts"))?;
            return Ok(floats
                .as_slice()
                .iter()
                .map(|&s| Time::Seconds(s))
                .collect());
        }
    }
    if ts.is_instance_of::<PyString>() || ts.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "ts must be an iterable of times, got str",
        ));
    }
    let iter = ts.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "ts must be an iterable of times, got {}",
            type_name(ts)
        ))
    })?;
    let mut out = Vec::with_capacity(ts.len().unwrap_or(0).min(1 << 20));
    for (i, t) in iter.enumerate() {
        let t = t?;
        let time = match t.cast_exact::<PyFloat>() {
            Ok(f) => Time::Seconds(f.value()),
            Err(_) => to_time_slow(&t, &format!("element {i} of ts"))?,
        };
        out.push(time);
    }
    Ok(out)
}

/// The methods every time-window class shares, plus the class's own.
macro_rules! time_class {
    ($rs:ident($core:ty) { $($own:tt)* }) => {
        rs_class!($rs($core): {
            /// Update with `x` at time `t`.
            fn update(&self, x: &Bound<'_, PyAny>, t: &Bound<'_, PyAny>) -> PyResult<()> {
                let x = super::convert::to_value(x, "x")?;
                let t = to_time(t)?;
                Ok(self.lock().update(x, t)?)
            }

            /// The current value, None when the window is empty.
            fn get(&self) -> Option<f64> {
                self.lock().get()
            }

            /// Update with every `(xs[i], ts[i])` in order, all or nothing.
            fn update_many(
                &self,
                py: Python<'_>,
                xs: &Bound<'_, PyAny>,
                ts: &Bound<'_, PyAny>,
            ) -> PyResult<()> {
                let xs = to_floats(xs, Some("xs"))?;
                let ts = to_times(ts)?;
                // Time windows update in O(log n): a borrowed array is copied and the GIL freed.
                let work = |[xs]: [&[f64]; 1]| self.lock().update_many(xs, &ts);
                Ok(super::class::run_batch(py, [&xs], true, work)?)
            }

            /// Update with every `(xs[i], ts[i])` and return the value after each one.
            fn accumulate<'py>(
                &self,
                py: Python<'py>,
                xs: &Bound<'py, PyAny>,
                ts: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyArray1<f64>>> {
                let xs = to_floats(xs, Some("xs"))?;
                let ts = to_times(ts)?;
                let work = |[xs]: [&[f64]; 1]| self.lock().accumulate(xs, &ts);
                let out = super::class::run_batch(py, [&xs], true, work)?;
                Ok(PyArray1::from_vec(py, out))
            }

            #[getter]
            fn period<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
                self.period.bind(py).clone()
            }

            $($own)*
        });
    };
}

/// Exact quantile over a window of time (Rust core of `river.stats.TimeRollingQuantile`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsTimeRollingQuantile {
    inner: Mutex<TimeRollingQuantile>,
    period: Py<PyAny>,
}

time_class!(RsTimeRollingQuantile(TimeRollingQuantile) {
    #[new]
    #[pyo3(signature = (q, period))]
    fn new(
        #[pyo3(from_py_with = param::q)] q: f64,
        period: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let kind = QuantileKind::<false>::new(q)?;
        Ok(Self {
            inner: Mutex::new(TimeRollingQuantile::new(kind, to_period(period)?)?),
            period: period.clone().unbind(),
        })
    }

    #[getter]
    fn q(&self) -> f64 {
        self.lock().kind().qs().first().copied().unwrap_or(f64::NAN)
    }

    fn __len__(&self) -> usize {
        self.lock().len()
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> (f64, Bound<'py, PyAny>) {
        (self.q(), self.period.bind(py).clone())
    }
});

/// Exact interquartile range over a window of time (Rust core of `river.stats.TimeRollingIQR`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsTimeRollingIQR {
    inner: Mutex<TimeRollingIQR>,
    period: Py<PyAny>,
}

time_class!(RsTimeRollingIQR(TimeRollingIQR) {
    #[new]
    #[pyo3(signature = (period, q_inf = 0.25, q_sup = 0.75))]
    fn new(
        period: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = param::q_inf)] q_inf: f64,
        #[pyo3(from_py_with = param::q_sup)] q_sup: f64,
    ) -> PyResult<Self> {
        let kind = QuantileKind::<true>::new(q_inf, q_sup)?;
        Ok(Self {
            inner: Mutex::new(TimeRollingIQR::new(kind, to_period(period)?)?),
            period: period.clone().unbind(),
        })
    }

    #[getter]
    fn q_inf(&self) -> f64 {
        self.lock().kind().qs().first().copied().unwrap_or(f64::NAN)
    }

    #[getter]
    fn q_sup(&self) -> f64 {
        self.lock().kind().qs().get(1).copied().unwrap_or(f64::NAN)
    }

    fn __len__(&self) -> usize {
        self.lock().len()
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> (Bound<'py, PyAny>, f64, f64) {
        (self.period.bind(py).clone(), self.q_inf(), self.q_sup())
    }
});

macro_rules! time_extremum {
    ($($rs:ident($core:ty) $doc:literal),* $(,)?) => {
        $(
            #[doc = $doc]
            #[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
            pub struct $rs {
                inner: Mutex<$core>,
                period: Py<PyAny>,
            }

            time_class!($rs($core) {
                #[new]
                #[pyo3(signature = (period))]
                fn new(period: &Bound<'_, PyAny>) -> PyResult<Self> {
                    Ok(Self {
                        inner: Mutex::new(<$core>::new(ExtremumKind, to_period(period)?)?),
                        period: period.clone().unbind(),
                    })
                }

                fn __getnewargs__<'py>(&self, py: Python<'py>) -> (Bound<'py, PyAny>,) {
                    (self.period.bind(py).clone(),)
                }
            });
        )*
    };
}

time_extremum!(
    RsTimeRollingMax(TimeRollingMax) "Max over a window of time (Rust core of `river.stats.TimeRollingMax`).",
    RsTimeRollingMin(TimeRollingMin) "Min over a window of time (Rust core of `river.stats.TimeRollingMin`).",
    RsTimeRollingAbsMax(TimeRollingAbsMax) "Largest absolute value over a window of time (Rust core of `river.stats.TimeRollingAbsMax`).",
    RsTimeRollingPeakToPeak(TimeRollingPeakToPeak) "Max minus min over a window of time (Rust core of `river.stats.TimeRollingPeakToPeak`).",
);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsTimeRollingQuantile>()?;
    m.add_class::<RsTimeRollingIQR>()?;
    m.add_class::<RsTimeRollingMax>()?;
    m.add_class::<RsTimeRollingMin>()?;
    m.add_class::<RsTimeRollingAbsMax>()?;
    m.add_class::<RsTimeRollingPeakToPeak>()?;
    Ok(())
}
