//! Streaming statistics for `river.stats`.
//!
//! `core` holds the algorithms as plain Rust (no PyO3): `cargo test` and `cargo bench` use it
//! alone. `python` holds the `#[pyclass]` wrappers and is compiled only with the `python` feature.

pub mod core;
pub mod error;

#[cfg(feature = "python")]
mod python;

pub use error::StatsError;
