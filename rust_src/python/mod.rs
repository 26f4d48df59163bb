//! The `river.stats._rust_stats` extension module: thin `#[pyclass]` wrappers named `Rs*`,
//! each holding one core struct. Python's `river.stats` classes subclass them, so a call to
//! `stat.update(x)` goes straight to the Rust method with no Python frame in between.

use pyo3::prelude::*;

mod convert;
mod errors;
mod fast;
#[macro_use]
mod class;
mod rolling;
mod scalar;

// One module per family of statistics; each registers its own classes.
mod extrema;
mod hashable;
mod kll;
mod moments;
mod shape;
mod shift;
mod sketches;
mod time_windows;

#[pymodule]
fn _rust_stats(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<scalar::RsEWMean>()?;
    m.add_class::<scalar::RsPeakToPeak>()?;
    m.add_class::<rolling::RsRollingQuantile>()?;
    m.add_class::<rolling::RsRollingIQR>()?;
    moments::register(m)?;
    shape::register(m)?;
    shift::register(m)?;
    extrema::register(m)?;
    hashable::register(m)?;
    sketches::register(m)?;
    kll::register(m)?;
    time_windows::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
