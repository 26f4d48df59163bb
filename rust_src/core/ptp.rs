//! Running peak to peak (max - min), on watermill's `Min` and `Max`.
//!
//! watermill's own `PeakToPeak::default()` starts from `f64::MAX`/`f64::MIN` (so a stream of
//! -inf never moves its max, and the empty value is -inf); we seed the same structs with
//! +inf/-inf instead, and answer 0.0 until the first update, as River does.

use serde::{Deserialize, Serialize};
use watermill::maximum::Max;
use watermill::minimum::Min;
use watermill::stats::Univariate as _;

use super::state::Persist;
use super::Univariate;
use crate::error::{Result, StatsError};

#[derive(Debug, Clone)]
pub struct PeakToPeak {
    min: Min<f64>,
    max: Max<f64>,
}

impl Default for PeakToPeak {
    fn default() -> Self {
        Self {
            min: Min { min: f64::INFINITY },
            max: Max {
                max: f64::NEG_INFINITY,
            },
        }
    }
}

impl PeakToPeak {
    pub fn new() -> Self {
        Self::default()
    }

    fn is_empty(&self) -> bool {
        self.max.max < self.min.min
    }
}

impl Univariate for PeakToPeak {
    #[inline]
    fn update(&mut self, x: f64) {
        self.min.update(x);
        self.max.update(x);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        if self.is_empty() {
            Some(0.0)
        } else {
            Some(self.max.get() - self.min.get())
        }
    }
}

#[derive(Serialize, Deserialize)]
pub struct PeakToPeakState {
    min: f64,
    max: f64,
}

impl Persist for PeakToPeak {
    const TAG: u8 = 2;
    const VERSION: u8 = 1;
    type State = PeakToPeakState;

    fn to_state(&self) -> PeakToPeakState {
        PeakToPeakState {
            min: self.min.min,
            max: self.max.max,
        }
    }

    fn from_state(s: PeakToPeakState, _version: u8) -> Result<Self> {
        let empty = s.min == f64::INFINITY && s.max == f64::NEG_INFINITY;
        if s.min.is_nan() || s.max.is_nan() || (!empty && s.min > s.max) {
            return Err(StatsError::corrupt("min and max are inconsistent"));
        }
        Ok(Self {
            min: Min { min: s.min },
            max: Max { max: s.max },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_then_running_range() {
        let mut p = PeakToPeak::new();
        assert_eq!(p.get(), Some(0.0));
        let mut out = vec![];
        for x in [1.0, -4.0, 3.0, -2.0, 2.0, 4.0] {
            p.update(x);
            out.push(p.get().unwrap());
        }
        assert_eq!(out, vec![0.0, 5.0, 7.0, 7.0, 7.0, 8.0]);
    }

    #[test]
    fn infinities() {
        let mut p = PeakToPeak::new();
        p.update(f64::NEG_INFINITY);
        assert!(p.get().unwrap().is_nan()); // -inf - -inf
        p.update(1.0);
        assert_eq!(p.get(), Some(f64::INFINITY));
    }
}
