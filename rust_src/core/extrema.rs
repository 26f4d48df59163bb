//! Running max, min and absolute max.
//!
//! `Max` and `Min` are watermill's, seeded with -inf/+inf through their public fields (their
//! `default()` seeds `f64::MIN`/`f64::MAX`, so a stream of -inf would leave `f64::MIN`, and
//! the empty value would not be River's). watermill's `AbsMax` is not used: its field is
//! private and it is neither `Clone` nor serialisable, so a pickled state could not be
//! rebuilt from it.

use serde::{Deserialize, Serialize};
use watermill::maximum::Max as WMax;
use watermill::minimum::Min as WMin;

use super::moments::Merge;
use super::state::Persist;
use super::Univariate;
use crate::error::{Result, StatsError};

#[derive(Debug, Clone)]
pub struct Max {
    inner: WMax<f64>,
}

impl Default for Max {
    fn default() -> Self {
        Self {
            inner: WMax {
                max: f64::NEG_INFINITY,
            },
        }
    }
}

impl Max {
    pub fn new() -> Self {
        Self::default()
    }
}

forwards_to_watermill!(Max);

impl Merge for Max {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.inner.max = self.inner.max.max(other.inner.max);
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
pub struct ExtremumState {
    value: f64,
}

impl Persist for Max {
    const TAG: u8 = 40;
    const VERSION: u8 = 1;
    type State = ExtremumState;

    fn to_state(&self) -> ExtremumState {
        ExtremumState {
            value: self.inner.max,
        }
    }

    fn from_state(s: ExtremumState, _version: u8) -> Result<Self> {
        if s.value.is_nan() {
            return Err(StatsError::corrupt("max is NaN"));
        }
        Ok(Self {
            inner: WMax { max: s.value },
        })
    }
}

#[derive(Debug, Clone)]
pub struct Min {
    inner: WMin<f64>,
}

impl Default for Min {
    fn default() -> Self {
        Self {
            inner: WMin { min: f64::INFINITY },
        }
    }
}

impl Min {
    pub fn new() -> Self {
        Self::default()
    }
}

forwards_to_watermill!(Min);

impl Merge for Min {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.inner.min = self.inner.min.min(other.inner.min);
        Ok(())
    }
}

impl Persist for Min {
    const TAG: u8 = 41;
    const VERSION: u8 = 1;
    type State = ExtremumState;

    fn to_state(&self) -> ExtremumState {
        ExtremumState {
            value: self.inner.min,
        }
    }

    fn from_state(s: ExtremumState, _version: u8) -> Result<Self> {
        if s.value.is_nan() {
            return Err(StatsError::corrupt("min is NaN"));
        }
        Ok(Self {
            inner: WMin { min: s.value },
        })
    }
}

/// Largest absolute value seen, 0.0 before any.
#[derive(Debug, Clone, Default)]
pub struct AbsMax {
    abs_max: f64,
}

impl AbsMax {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Univariate for AbsMax {
    #[inline]
    fn update(&mut self, x: f64) {
        let a = x.abs();
        if a > self.abs_max {
            self.abs_max = a;
        }
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        Some(self.abs_max)
    }
}

impl Merge for AbsMax {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.abs_max = self.abs_max.max(other.abs_max);
        Ok(())
    }
}

impl Persist for AbsMax {
    const TAG: u8 = 42;
    const VERSION: u8 = 1;
    type State = ExtremumState;

    fn to_state(&self) -> ExtremumState {
        ExtremumState {
            value: self.abs_max,
        }
    }

    fn from_state(s: ExtremumState, _version: u8) -> Result<Self> {
        // -0.0 is refused too: no update stores a negative zero.
        if s.value.is_nan() || s.value.is_sign_negative() {
            return Err(StatsError::corrupt(format!(
                "absolute max must be >= 0, got {}",
                s.value
            )));
        }
        Ok(Self { abs_max: s.value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_and_runs() {
        let mut mx = Max::new();
        let mut mn = Min::new();
        let mut ab = AbsMax::new();
        assert_eq!(mx.get(), Some(f64::NEG_INFINITY));
        assert_eq!(mn.get(), Some(f64::INFINITY));
        assert_eq!(ab.get(), Some(0.0));
        for x in [1.0, -4.0, 3.0, -2.0, 5.0, -6.0] {
            mx.update(x);
            mn.update(x);
            ab.update(x);
        }
        assert_eq!(
            (mx.get(), mn.get(), ab.get()),
            (Some(5.0), Some(-6.0), Some(6.0))
        );
        let mut low = Max::new();
        low.update(f64::NEG_INFINITY);
        assert_eq!(low.get(), Some(f64::NEG_INFINITY));
    }
}
