//! Exponentially weighted mean.
//!
//! Not watermill's `EWMean`: it treats a running mean of exactly 0.0 as "not seeded yet" and
//! re-seeds on the next value, so a stream that passes through 0 goes wrong. Here a flag says
//! whether the first value has been seen.

use serde::{Deserialize, Serialize};

use super::params::unit_interval;
use super::state::Persist;
use super::Univariate;
use crate::error::{Result, StatsError};

#[derive(Debug, Clone, PartialEq)]
pub struct EWMean {
    fading_factor: f64,
    mean: f64,
    seeded: bool,
}

impl EWMean {
    pub fn new(fading_factor: f64) -> Result<Self> {
        Ok(Self {
            fading_factor: unit_interval("fading_factor", fading_factor)?,
            mean: 0.0,
            seeded: false,
        })
    }

    pub fn fading_factor(&self) -> f64 {
        self.fading_factor
    }
}

impl Univariate for EWMean {
    #[inline]
    fn update(&mut self, x: f64) {
        if self.seeded {
            self.mean = self.fading_factor * x + (1.0 - self.fading_factor) * self.mean;
        } else {
            self.mean = x;
            self.seeded = true;
        }
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        Some(self.mean)
    }

    /// One pass: the update runs on a copy and is kept only if no value was NaN (the check
    /// is off the critical path of the mean's dependency chain).
    fn try_update_many(&mut self, xs: &[f64]) -> Result<()> {
        let (mut mean, rest) = match (self.seeded, xs.split_first()) {
            (_, None) => return Ok(()),
            (true, Some(_)) => (self.mean, xs),
            (false, Some((&first, rest))) => (first, rest),
        };
        let (a, b) = (self.fading_factor, 1.0 - self.fading_factor);
        let mut saw_nan = mean.is_nan();
        for &x in rest.iter() {
            saw_nan |= x.is_nan();
            mean = a * x + b * mean;
        }
        if saw_nan {
            return super::check_values(xs);
        }
        self.mean = mean;
        self.seeded = true;
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
pub struct EWMeanState {
    fading_factor: f64,
    mean: f64,
    seeded: bool,
}

impl Persist for EWMean {
    const TAG: u8 = 1;
    const VERSION: u8 = 1;
    type State = EWMeanState;

    fn to_state(&self) -> EWMeanState {
        EWMeanState {
            fading_factor: self.fading_factor,
            mean: self.mean,
            seeded: self.seeded,
        }
    }

    fn from_state(s: EWMeanState, _version: u8) -> Result<Self> {
        let mut stat =
            Self::new(s.fading_factor).map_err(|e| StatsError::corrupt(e.to_string()))?;
        if s.mean.is_nan() && !s.seeded {
            return Err(StatsError::corrupt("mean is NaN before any value"));
        }
        stat.mean = s.mean;
        stat.seeded = s.seeded;
        Ok(stat)
    }
}

adopt_keeping!(EWMean => "EWMean", keeps fading_factor);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values_and_no_reseed_at_zero() {
        let mut m = EWMean::new(0.5).unwrap();
        let xs = [1.0, 3.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 11.0];
        let want = [
            1.0, 2.0, 3.5, 3.75, 4.875, 6.4375, 6.71875, 7.859375, 9.4296875,
        ];
        for (x, w) in xs.iter().zip(want) {
            m.update(*x);
            assert_eq!(m.get(), Some(w));
        }
        let mut z = EWMean::new(0.5).unwrap();
        for x in [1.0, -1.0, 4.0] {
            z.update(x);
        }
        // 1 -> 0 -> 2: a mean of exactly 0 must not re-seed with 4.
        assert_eq!(z.get(), Some(2.0));
    }

    #[test]
    fn refuses_fading_factor_outside_unit_interval() {
        assert!(EWMean::new(1.5).is_err());
        assert!(EWMean::new(-0.1).is_err());
        assert!(EWMean::new(f64::NAN).is_err());
    }
}
