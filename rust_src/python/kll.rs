//! Rust class of the KLL quantile sketch (`river.stats.KLLQuantile`): conversion and
//! delegation to `core::kll` and `core::datasketches`.

use std::sync::Mutex;

use numpy::PyArray1;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyType};

use super::convert::{to_floats, to_index, to_int, to_value, type_name};
use crate::core::kll::{check_rank, KLLQuantile};
use crate::core::{check_values, datasketches};

fn seed_arg(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    to_index(obj, "seed")?
        .extract::<u64>()
        .map_err(|_| PyValueError::new_err("seed must be an int between 0 and 2**64 - 1"))
}

fn k_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    to_int(obj, "k")
}

fn rank_arg(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<f64> {
    let q = to_value(obj, name)?;
    Ok(check_rank(name, q)?)
}

fn q_arg(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    rank_arg(obj, "q")
}

/// KLL quantile sketch (Rust core of `river.stats.KLLQuantile`).
#[pyclass(frozen, subclass, module = "river.stats._rust_stats")]
pub struct RsKLLQuantile {
    inner: Mutex<KLLQuantile>,
}

rs_class!(RsKLLQuantile(KLLQuantile): univariate, merge {
    #[new]
    #[pyo3(signature = (q = 0.5, k = 200, seed = 0), text_signature = "(q=0.5, k=200, seed=0)")]
    fn new(
        #[pyo3(from_py_with = q_arg)] q: f64,
        #[pyo3(from_py_with = k_arg)] k: i64,
        #[pyo3(from_py_with = seed_arg)] seed: u64,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: Mutex::new(KLLQuantile::new(q, k, seed)?),
        })
    }

    #[getter]
    fn q(&self) -> f64 {
        self.lock().q()
    }

    #[getter]
    fn k(&self) -> u16 {
        self.lock().k()
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.lock().seed()
    }

    /// Number of values seen.
    #[getter]
    fn n(&self) -> u64 {
        self.lock().sketch().n()
    }

    /// The value at normalized rank `q` in [0, 1], None while empty.
    #[pyo3(signature = (q, inclusive = false))]
    fn quantile(&self, q: &Bound<'_, PyAny>, inclusive: bool) -> PyResult<Option<f64>> {
        let q = rank_arg(q, "q")?;
        Ok(self.lock().sketch().quantile(q, inclusive))
    }

    /// The fraction of the values seen that are `< x` (`<= x` if inclusive), None while empty.
    #[pyo3(signature = (x, inclusive = false))]
    fn rank(&self, x: &Bound<'_, PyAny>, inclusive: bool) -> PyResult<Option<f64>> {
        let x = to_value(x, "x")?;
        Ok(self.lock().sketch().rank(x, inclusive))
    }

    /// `rank` of every point, as an array (NaN while empty).
    #[pyo3(signature = (points, inclusive = false))]
    fn cdf<'py>(
        &self,
        py: Python<'py>,
        points: &Bound<'py, PyAny>,
        inclusive: bool,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let points = to_floats(points, Some("points"))?;
        let points = points.as_slice();
        check_values(points).map_err(|e| PyValueError::new_err(format!("points: {e}")))?;
        let ranks = self
            .lock()
            .sketch()
            .ranks(points, inclusive)
            .unwrap_or_else(|| vec![f64::NAN; points.len()]);
        Ok(PyArray1::from_vec(py, ranks))
    }

    /// The sketch in the Apache DataSketches KLL doubles serialization format.
    fn to_datasketches<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let bytes = datasketches::to_bytes(self.lock().sketch());
        PyBytes::new(py, &bytes)
    }

    /// A sketch read from the Apache DataSketches KLL doubles serialization format.
    #[classmethod]
    #[pyo3(signature = (data, q = 0.5, seed = 0), text_signature = "(data, q=0.5, seed=0)")]
    fn from_datasketches<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = q_arg)] q: f64,
        #[pyo3(from_py_with = seed_arg)] seed: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bytes: Vec<u8> = if let Ok(b) = data.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(b) = data.cast::<PyByteArray>() {
            b.to_vec()
        } else {
            return Err(PyTypeError::new_err(format!(
                "data must be bytes, got {}",
                type_name(data)
            )));
        };
        let sketch = datasketches::from_bytes(&bytes, seed)?;
        let stat = KLLQuantile::from_sketch(q, seed, sketch)?;
        let built = cls.call1((q, stat.k(), seed))?;
        let rs = built.cast::<RsKLLQuantile>()?;
        *rs.get().lock() = stat;
        Ok(built)
    }

    fn __getnewargs__(&self) -> (f64, u16, u64) {
        let inner = self.lock();
        (inner.q(), inner.k(), inner.seed())
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RsKLLQuantile>()?;
    Ok(())
}
