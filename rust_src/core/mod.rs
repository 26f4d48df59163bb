//! Pure-Rust statistics. Nothing here knows about Python: values come in as `f64` already
//! checked for NaN by the caller (`check_values` for batches), and every refusal is a
//! [`StatsError`](crate::StatsError).

/// `Univariate` for statistics that hold a watermill struct in `inner` and forward to it.
macro_rules! forwards_to_watermill {
    ($($core:ty),+ $(,)?) => {
        $(
            impl $crate::core::Univariate for $core {
                #[inline]
                fn update(&mut self, x: f64) {
                    watermill::stats::Univariate::update(&mut self.inner, x);
                }

                #[inline]
                fn get(&self) -> Option<f64> {
                    Some(watermill::stats::Univariate::get(&self.inner))
                }
            }
        )+
    };
}

#[macro_use]
mod adopt;
pub mod ewmean;
pub mod hashable;
pub mod order_window;
pub mod params;
pub mod ptp;
pub mod ring;
pub mod rolling_quantile;
mod sorted_blocks;
pub mod state;
pub mod time_window;

// family: moments (Mean, Var, SEM, Cov, PearsonCorr, EWVar, EWCov)
pub mod ew_moments;
pub mod moments;

// family: shape (Skew, Kurtosis, Sum, Count, AutoCorr, BayesianMean)
pub mod autocorr;
pub mod counting;
pub mod shape;

// family: extrema (Max, Min, AbsMax, RollingMax, RollingMin, RollingAbsMax, RollingPeakToPeak)
pub mod extrema;
pub mod rolling_extrema;

// family: sketches (Quantile, IQR, MAD, KolmogorovSmirnov)
pub mod ks;
pub mod quantile;

// family: sketches, mergeable (KLLQuantile and its DataSketches format)
pub mod datasketches;
pub mod kll;

pub use adopt::Adopt;

use crate::error::{Result, StatsError};

/// A statistic of one numeric variable, updated one value at a time.
pub trait Univariate {
    /// Whether an update costs tens of nanoseconds or more, far above copying a value: then
    /// a long batch from a numpy array is worth copying so that it can run without the GIL.
    const SLOW_UPDATES: bool = false;

    /// Feeds one value. The caller guarantees `x` is not NaN.
    fn update(&mut self, x: f64);

    /// The current value, `None` where River answers `None` (e.g. an empty window).
    fn get(&self) -> Option<f64>;

    /// Feeds every value of `xs`, in order.
    fn update_many(&mut self, xs: &[f64]) {
        for &x in xs {
            self.update(x);
        }
    }

    /// Feeds every value of `xs` if none is NaN; otherwise changes nothing and names the first
    /// NaN. Statistics with a small state override this to check and update in one pass.
    fn try_update_many(&mut self, xs: &[f64]) -> Result<()> {
        check_values(xs)?;
        self.update_many(xs);
        Ok(())
    }

    /// Feeds every value of `xs` and returns the value after each one (NaN where `get` is None).
    fn accumulate(&mut self, xs: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(xs.len());
        for &x in xs {
            self.update(x);
            out.push(self.get().unwrap_or(f64::NAN));
        }
        out
    }
}

adopt_whole!(
    ptp::PeakToPeak => "PeakToPeak",
    moments::Mean => "Mean",
    counting::Sum => "Sum",
    counting::Count => "Count",
    extrema::Max => "Max",
    extrema::Min => "Min",
    extrema::AbsMax => "AbsMax",
    quantile::MAD => "MAD",
);

/// Refuses a batch holding NaN, naming the first position, before anything is applied.
pub fn check_values(xs: &[f64]) -> Result<()> {
    match xs.iter().position(|x| x.is_nan()) {
        Some(i) => Err(StatsError::InvalidValue {
            index: Some(i),
            message: "is NaN".into(),
        }),
        None => Ok(()),
    }
}
