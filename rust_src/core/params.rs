//! Constructor-argument checks shared by the statistics.

use crate::error::{Result, StatsError};

/// `value` must lie in [0, 1] (NaN is refused).
pub fn unit_interval(name: &'static str, value: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(StatsError::param(
            name,
            format!("must be between 0 and 1, got {value}"),
        ))
    }
}

/// The two quantiles of an interquartile range: each in [0, 1], `q_inf` below `q_sup`.
pub fn iqr_bounds(q_inf: f64, q_sup: f64) -> Result<(f64, f64)> {
    let q_inf = unit_interval("q_inf", q_inf)?;
    let q_sup = unit_interval("q_sup", q_sup)?;
    if q_inf >= q_sup {
        return Err(StatsError::param(
            "q_inf",
            format!("must be smaller than q_sup, got {q_inf} >= {q_sup}"),
        ));
    }
    Ok((q_inf, q_sup))
}

/// The largest window a rolling statistic accepts: slots are indexed with 31 bits.
pub const MAX_WINDOW: usize = (1 << 31) - 1;

/// `window_size` must be a positive count the rolling structures can index.
pub fn window_size(value: i64) -> Result<usize> {
    match usize::try_from(value) {
        Ok(w) if (1..=MAX_WINDOW).contains(&w) => Ok(w),
        _ => Err(StatsError::param(
            "window_size",
            format!("must be an integer between 1 and {MAX_WINDOW}, got {value}"),
        )),
    }
}
