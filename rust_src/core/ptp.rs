//! Running peak to peak (max - min), on watermill's `Min` and `Max`.
//!
//! watermill's own `PeakToPeak::default()` starts from `f64::MAX`/`f64::MIN` (so a stream of
//! -inf never moves its max, and the empty value is -inf); we seed the same structs with
//! +inf/-inf instead, and answer 0.0 until the first update, as River does.

use serde::{Deserialize, Serialize};
use watermill::maximum::Max;
use watermill::minimum::Min;
use watermill::stats::Univariate as _;

use super::moments::Merge;
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

    /// One pass over the batch with four independent lanes (min and max do not depend on
    /// the order of the values), kept only if no value was NaN.
    fn try_update_many(&mut self, xs: &[f64]) -> Result<()> {
        let (mut lo, mut hi) = ([self.min.min; 4], [self.max.max; 4]);
        let mut nan = [false; 4];
        let mut chunks = xs.chunks_exact(4);
        for chunk in &mut chunks {
            for (lane, &x) in chunk.iter().enumerate() {
                if let (Some(l), Some(h), Some(n)) =
                    (lo.get_mut(lane), hi.get_mut(lane), nan.get_mut(lane))
                {
                    *n |= x.is_nan();
                    if x < *l {
                        *l = x;
                    }
                    if x > *h {
                        *h = x;
                    }
                }
            }
        }
        for &x in chunks.remainder() {
            nan[0] |= x.is_nan();
            lo[0] = if x < lo[0] { x } else { lo[0] };
            hi[0] = if x > hi[0] { x } else { hi[0] };
        }
        if nan.iter().any(|&n| n) {
            return super::check_values(xs);
        }
        self.min.min = lo.iter().copied().fold(self.min.min, f64::min);
        self.max.max = hi.iter().copied().fold(self.max.max, f64::max);
        Ok(())
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

impl Merge for PeakToPeak {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.min.min = self.min.min.min(other.min.min);
        self.max.max = self.max.max.max(other.max.max);
        Ok(())
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
