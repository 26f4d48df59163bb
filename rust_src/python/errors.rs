//! The one place where core errors become Python exceptions.

use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

use crate::error::StatsError;

impl From<StatsError> for PyErr {
    fn from(err: StatsError) -> PyErr {
        // Every refusal of the core is about a value (an argument, an input, a state), so all
        // of them are ValueError; type errors are raised while converting Python objects.
        PyValueError::new_err(err.to_string())
    }
}
