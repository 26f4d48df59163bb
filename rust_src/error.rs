//! The one error type of the core. The bindings turn it into a Python exception in exactly one
//! place (`python::errors`).

use std::fmt;

/// Every way a call into the core can be refused.
#[derive(Debug, Clone, PartialEq)]
pub enum StatsError {
    /// A constructor argument is out of its domain (e.g. `q` outside [0, 1]).
    InvalidParameter { name: &'static str, message: String },
    /// An input value cannot be used (e.g. NaN); `index` is set for batch inputs.
    InvalidValue {
        index: Option<usize>,
        message: String,
    },
    /// A pickled state is not one this version can load.
    CorruptState(String),
    /// The operation is not defined in the current state (e.g. reverting more than was added).
    InvalidOperation(String),
}

impl StatsError {
    pub fn param(name: &'static str, message: impl Into<String>) -> Self {
        StatsError::InvalidParameter {
            name,
            message: message.into(),
        }
    }

    pub fn corrupt(message: impl Into<String>) -> Self {
        StatsError::CorruptState(message.into())
    }
}

impl fmt::Display for StatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatsError::InvalidParameter { name, message } => write!(f, "{name} {message}"),
            StatsError::InvalidValue {
                index: Some(i),
                message,
            } => {
                write!(f, "element {i} of the input {message}")
            }
            StatsError::InvalidValue {
                index: None,
                message,
            } => write!(f, "{message}"),
            StatsError::CorruptState(message) => write!(f, "invalid pickled state: {message}"),
            StatsError::InvalidOperation(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for StatsError {}

pub type Result<T> = std::result::Result<T, StatsError>;
