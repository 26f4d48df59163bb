//! Exponentially weighted variance and covariance: `E[x²] - E[x]²` and `E[xy] - E[x]E[y]`,
//! each expectation an exponentially weighted mean with the formula of `core::ewmean`.
//!
//! Not watermill's `EWVariance`: it is built on watermill's `EWMean`, which re-seeds whenever
//! its running mean equals 0.0. Here one flag says whether the first value was seen, and the
//! first value seeds every mean.

use serde::{Deserialize, Serialize};

use super::params::unit_interval;
use super::state::Persist;
use super::Univariate;
use crate::error::{Result, StatsError};

/// `fading_factor * x + (1 - fading_factor) * mean`, as `EWMean`.
#[inline]
fn fade(fading_factor: f64, mean: f64, x: f64) -> f64 {
    fading_factor * x + (1.0 - fading_factor) * mean
}

#[derive(Debug, Clone, PartialEq)]
pub struct EWVar {
    fading_factor: f64,
    seeded: bool,
    mean: f64,
    sq_mean: f64,
}

impl EWVar {
    pub fn new(fading_factor: f64) -> Result<Self> {
        Ok(Self {
            fading_factor: unit_interval("fading_factor", fading_factor)?,
            seeded: false,
            mean: 0.0,
            sq_mean: 0.0,
        })
    }

    pub fn fading_factor(&self) -> f64 {
        self.fading_factor
    }
}

impl Univariate for EWVar {
    #[inline]
    fn update(&mut self, x: f64) {
        let sq = x * x;
        if self.seeded {
            self.mean = fade(self.fading_factor, self.mean, x);
            self.sq_mean = fade(self.fading_factor, self.sq_mean, sq);
        } else {
            self.mean = x;
            self.sq_mean = sq;
            self.seeded = true;
        }
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        Some(self.sq_mean - self.mean * self.mean)
    }
}

#[derive(Serialize, Deserialize)]
pub struct EWVarState {
    fading_factor: f64,
    seeded: bool,
    mean: f64,
    sq_mean: f64,
}

/// A decoded fading factor must still be in [0, 1], and unseeded means must be 0.
fn check_faded(fading_factor: f64, seeded: bool, means: &[f64]) -> Result<f64> {
    let ff = unit_interval("fading_factor", fading_factor)
        .map_err(|e| StatsError::corrupt(e.to_string()))?;
    if !seeded && means.iter().any(|&m| m != 0.0) {
        return Err(StatsError::corrupt(
            "means must be 0 before the first value",
        ));
    }
    // Seeded means may be infinite or NaN: a stream holding +inf and -inf reaches that.
    Ok(ff)
}

impl Persist for EWVar {
    const TAG: u8 = 14;
    const VERSION: u8 = 1;
    type State = EWVarState;

    fn to_state(&self) -> EWVarState {
        EWVarState {
            fading_factor: self.fading_factor,
            seeded: self.seeded,
            mean: self.mean,
            sq_mean: self.sq_mean,
        }
    }

    fn from_state(s: EWVarState, _version: u8) -> Result<Self> {
        let fading_factor = check_faded(s.fading_factor, s.seeded, &[s.mean, s.sq_mean])?;
        Ok(Self {
            fading_factor,
            seeded: s.seeded,
            mean: s.mean,
            sq_mean: s.sq_mean,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EWCov {
    fading_factor: f64,
    seeded: bool,
    mean_x: f64,
    mean_y: f64,
    mean_xy: f64,
}

impl EWCov {
    pub fn new(fading_factor: f64) -> Result<Self> {
        Ok(Self {
            fading_factor: unit_interval("fading_factor", fading_factor)?,
            seeded: false,
            mean_x: 0.0,
            mean_y: 0.0,
            mean_xy: 0.0,
        })
    }

    pub fn fading_factor(&self) -> f64 {
        self.fading_factor
    }

    #[inline]
    pub fn update(&mut self, x: f64, y: f64) {
        let xy = x * y;
        if self.seeded {
            self.mean_x = fade(self.fading_factor, self.mean_x, x);
            self.mean_y = fade(self.fading_factor, self.mean_y, y);
            self.mean_xy = fade(self.fading_factor, self.mean_xy, xy);
        } else {
            self.mean_x = x;
            self.mean_y = y;
            self.mean_xy = xy;
            self.seeded = true;
        }
    }

    pub fn update_many(&mut self, xs: &[f64], ys: &[f64]) {
        for (&x, &y) in xs.iter().zip(ys) {
            self.update(x, y);
        }
    }

    #[inline]
    pub fn get(&self) -> f64 {
        self.mean_xy - self.mean_x * self.mean_y
    }
}

#[derive(Serialize, Deserialize)]
pub struct EWCovState {
    fading_factor: f64,
    seeded: bool,
    mean_x: f64,
    mean_y: f64,
    mean_xy: f64,
}

impl Persist for EWCov {
    const TAG: u8 = 15;
    const VERSION: u8 = 1;
    type State = EWCovState;

    fn to_state(&self) -> EWCovState {
        EWCovState {
            fading_factor: self.fading_factor,
            seeded: self.seeded,
            mean_x: self.mean_x,
            mean_y: self.mean_y,
            mean_xy: self.mean_xy,
        }
    }

    fn from_state(s: EWCovState, _version: u8) -> Result<Self> {
        let fading_factor =
            check_faded(s.fading_factor, s.seeded, &[s.mean_x, s.mean_y, s.mean_xy])?;
        Ok(Self {
            fading_factor,
            seeded: s.seeded,
            mean_x: s.mean_x,
            mean_y: s.mean_y,
            mean_xy: s.mean_xy,
        })
    }
}

adopt_keeping!(EWVar => "EWVar", keeps fading_factor);
adopt_keeping!(EWCov => "EWCov", keeps fading_factor);

#[cfg(test)]
mod tests {
    use super::*;

    const XS: [f64; 9] = [1.0, 3.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 11.0];

    #[test]
    fn golden_values() {
        let want = [
            0.0,
            1.0,
            2.75,
            1.4375,
            1.984375,
            3.43359375,
            1.7958984375,
            2.198974609375,
            3.56536865234375,
        ];
        let mut v = EWVar::new(0.5).unwrap();
        let mut c = EWCov::new(0.5).unwrap();
        for (x, w) in XS.iter().zip(want) {
            v.update(*x);
            c.update(*x, *x);
            assert_eq!(v.get(), Some(w));
            assert_eq!(c.get(), w);
        }
    }

    #[test]
    fn a_mean_of_zero_does_not_reseed() {
        let mut v = EWVar::new(0.5).unwrap();
        v.update(0.0);
        v.update(5.0);
        // mean 2.5, mean of squares 12.5
        assert_eq!(v.get(), Some(6.25));
    }

    #[test]
    fn refuses_bad_fading_factor() {
        assert!(EWVar::new(1.5).is_err());
        assert!(EWCov::new(f64::NAN).is_err());
    }
}
