//! Autocorrelation at a lag: the Pearson correlation (ddof = 1) between each value and the
//! value `lag` steps before it.
//!
//! Follows River: the correlation starts once `lag + 1` values have been seen, and is 0 while
//! either series has zero variance (including before the third pair, when the sample
//! variance with ddof = 1 is not defined yet).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::adopt::differs;
use super::params::MAX_WINDOW;
use super::state::Persist;
use super::{Adopt, Univariate};
use crate::error::{Result, StatsError};

/// Welford co-moments of the pairs (x, y).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoMoments {
    n: f64,
    mean_x: f64,
    mean_y: f64,
    m2_x: f64,
    m2_y: f64,
    c_xy: f64,
}

impl CoMoments {
    #[inline]
    fn update(&mut self, x: f64, y: f64) {
        self.n += 1.0;
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        self.mean_x += dx / self.n;
        self.mean_y += dy / self.n;
        self.m2_x += dx * (x - self.mean_x);
        self.m2_y += dy * (y - self.mean_y);
        self.c_xy += dx * (y - self.mean_y);
    }

    #[inline]
    fn pearson(&self) -> f64 {
        // The ddof = 1 normalisations cancel; only whether the variances are 0 matters.
        if self.n > 1.0 && self.m2_x != 0.0 && self.m2_y != 0.0 {
            self.c_xy / (self.m2_x * self.m2_y).sqrt()
        } else {
            0.0
        }
    }

    fn check(&self) -> Result<()> {
        if !(self.n >= 0.0 && self.n.is_finite() && self.n.fract() == 0.0) {
            return Err(StatsError::corrupt(
                "pair count must be a non-negative integer",
            ));
        }
        // Sums of squares are not checked for sign: extreme finite inputs overflow to -inf in
        // the update, and a state the statistic produced must load again.
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct AutoCorr {
    lag: usize,
    /// The last `lag` values, oldest first.
    window: VecDeque<f64>,
    moments: CoMoments,
}

fn check_lag(lag: i64) -> Result<usize> {
    match usize::try_from(lag) {
        Ok(l) if (1..=MAX_WINDOW).contains(&l) => Ok(l),
        _ => Err(StatsError::param(
            "lag",
            format!("must be an integer between 1 and {MAX_WINDOW}, got {lag}"),
        )),
    }
}

impl AutoCorr {
    pub fn new(lag: i64) -> Result<Self> {
        Ok(Self {
            lag: check_lag(lag)?,
            window: VecDeque::new(),
            moments: CoMoments::default(),
        })
    }

    pub fn lag(&self) -> usize {
        self.lag
    }
}

impl Univariate for AutoCorr {
    #[inline]
    fn update(&mut self, x: f64) {
        if self.window.len() == self.lag {
            if let Some(old) = self.window.pop_front() {
                self.moments.update(x, old);
            }
        }
        self.window.push_back(x);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        Some(self.moments.pearson())
    }
}

#[derive(Serialize, Deserialize)]
pub struct AutoCorrState {
    lag: u64,
    window: Vec<f64>,
    moments: CoMoments,
}

impl Persist for AutoCorr {
    const TAG: u8 = 35;
    const VERSION: u8 = 1;
    type State = AutoCorrState;

    fn heap_bytes(&self) -> usize {
        self.window.capacity() * std::mem::size_of::<f64>()
    }

    fn to_state(&self) -> AutoCorrState {
        AutoCorrState {
            lag: u64::try_from(self.lag).unwrap_or(u64::MAX),
            window: self.window.iter().copied().collect(),
            moments: self.moments.clone(),
        }
    }

    fn from_state(s: AutoCorrState, _version: u8) -> Result<Self> {
        let lag = i64::try_from(s.lag).unwrap_or(i64::MAX);
        let lag = check_lag(lag).map_err(|e| StatsError::corrupt(e.to_string()))?;
        if s.window.len() > lag {
            return Err(StatsError::corrupt("window holds more values than the lag"));
        }
        if s.window.iter().any(|x| x.is_nan()) {
            return Err(StatsError::corrupt("window holds NaN"));
        }
        if s.moments.n > 0.0 && s.window.len() != lag {
            return Err(StatsError::corrupt(
                "pairs were counted before the window filled",
            ));
        }
        s.moments.check()?;
        Ok(Self {
            lag,
            window: s.window.into(),
            moments: s.moments,
        })
    }
}

impl Adopt for AutoCorr {
    const NAME: &'static str = "AutoCorr";

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        differs("lag", self.lag, fitted.lag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandas_examples() {
        let xs = [0.25, 0.5, 0.2, -0.05];
        let mut a = AutoCorr::new(1).unwrap();
        let got: Vec<f64> = xs
            .iter()
            .map(|x| {
                a.update(*x);
                a.get().unwrap()
            })
            .collect();
        assert_eq!(got[..2], [0.0, 0.0]);
        assert!((got[2] + 1.0).abs() < 1e-12);
        assert!((got[3] - 0.103_552_036_2).abs() < 1e-6);
        let mut flat = AutoCorr::new(1).unwrap();
        for x in [1.0, 0.0, 0.0, 0.0] {
            flat.update(x);
            assert_eq!(flat.get(), Some(0.0));
        }
    }

    #[test]
    fn refuses_bad_lag() {
        assert!(AutoCorr::new(0).is_err());
        assert!(AutoCorr::new(-1).is_err());
    }
}
