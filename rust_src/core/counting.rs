//! Sum, Count and the Bayesian mean: statistics that only add up what they see.
//!
//! `Sum` is watermill's (its field is public and it is exactly `sum += x`). `Count` is not
//! watermill's: that one counts in a float, which stops counting at 2^53; River's is an int.

use serde::{Deserialize, Serialize};
use watermill::sum::Sum as WSum;

use super::moments::{same_param, Merge, Unmerge};
use super::state::Persist;
use super::Univariate;
use crate::error::{Result, StatsError};

/// Running sum, revertible.
#[derive(Debug, Clone, Default)]
pub struct Sum {
    inner: WSum<f64>,
}

impl Sum {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes `x` back out of the sum.
    #[inline]
    pub fn revert(&mut self, x: f64) {
        self.inner.sum -= x;
    }
}

forwards_to_watermill!(Sum);

impl Merge for Sum {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.inner.sum += other.inner.sum;
        Ok(())
    }
}

impl Unmerge for Sum {
    fn unmerge(&mut self, other: &Self) -> Result<()> {
        self.inner.sum -= other.inner.sum;
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
pub struct SumState {
    sum: f64,
}

impl Persist for Sum {
    const TAG: u8 = 32;
    const VERSION: u8 = 1;
    type State = SumState;

    fn to_state(&self) -> SumState {
        SumState {
            sum: self.inner.sum,
        }
    }

    fn from_state(s: SumState, _version: u8) -> Result<Self> {
        // NaN is reachable (inf + -inf), so any float is a valid sum.
        Ok(Self {
            inner: WSum { sum: s.sum },
        })
    }
}

/// Counts updates, whatever their value.
#[derive(Debug, Clone, Default)]
pub struct Count {
    n: u64,
}

impl Count {
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Counts one more call.
    #[inline]
    pub fn tick(&mut self) {
        self.n = self.n.saturating_add(1);
    }

    /// Counts `k` more calls.
    pub fn add(&mut self, k: u64) {
        self.n = self.n.saturating_add(k);
    }

    /// Counts `k` more calls and returns the count after each one; refused (nothing
    /// counted) when `k` values cannot be held in memory.
    pub fn accumulate_calls(&mut self, k: u64) -> Result<Vec<f64>> {
        let len = usize::try_from(k).map_err(|_| StatsError::InvalidValue {
            index: None,
            message: "too many items to accumulate".into(),
        })?;
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            self.tick();
            out.push(self.get().unwrap_or(f64::NAN));
        }
        Ok(out)
    }
}

impl Univariate for Count {
    #[inline]
    fn update(&mut self, _x: f64) {
        self.tick();
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        // Exact up to 2^53 (rounds, never wraps); the Python class reads `n` as an int.
        Some(self.n as f64)
    }
}

impl Merge for Count {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.add(other.n);
        Ok(())
    }
}

impl Unmerge for Count {
    fn unmerge(&mut self, other: &Self) -> Result<()> {
        self.n = self.n.checked_sub(other.n).ok_or_else(|| {
            StatsError::InvalidOperation(format!(
                "cannot take a count of {} out of a count of {}",
                other.n, self.n
            ))
        })?;
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
pub struct CountState {
    n: u64,
}

impl Persist for Count {
    const TAG: u8 = 33;
    const VERSION: u8 = 1;
    type State = CountState;

    fn to_state(&self) -> CountState {
        CountState { n: self.n }
    }

    fn from_state(s: CountState, _version: u8) -> Result<Self> {
        Ok(Self { n: s.n })
    }
}

/// A mean pulled towards a prior: `(mean * n + prior * prior_weight) / (n + prior_weight)`.
///
/// The running mean follows River's `Mean` (`mean += (x - mean) / n`, and back to 0 when a
/// revert empties it), so values agree with River's to the last bit or nearly so.
#[derive(Debug, Clone)]
pub struct BayesianMean {
    prior: f64,
    prior_weight: f64,
    n: f64,
    mean: f64,
}

fn check_prior(prior: f64, prior_weight: f64) -> Result<(f64, f64)> {
    if !prior.is_finite() {
        return Err(StatsError::param(
            "prior",
            format!("must be a finite number, got {prior}"),
        ));
    }
    if !(prior_weight.is_finite() && prior_weight >= 0.0) {
        return Err(StatsError::param(
            "prior_weight",
            format!("must be a finite number >= 0, got {prior_weight}"),
        ));
    }
    Ok((prior, prior_weight))
}

impl BayesianMean {
    pub fn new(prior: f64, prior_weight: f64) -> Result<Self> {
        let (prior, prior_weight) = check_prior(prior, prior_weight)?;
        Ok(Self {
            prior,
            prior_weight,
            n: 0.0,
            mean: 0.0,
        })
    }

    pub fn prior(&self) -> f64 {
        self.prior
    }

    pub fn prior_weight(&self) -> f64 {
        self.prior_weight
    }

    /// Takes `x` back out; refused (nothing changed) when nothing is left to revert.
    pub fn revert(&mut self, x: f64) -> Result<()> {
        if self.n < 1.0 {
            return Err(StatsError::InvalidOperation(
                "cannot revert: the mean has no values left".into(),
            ));
        }
        self.n -= 1.0;
        if self.n == 0.0 {
            self.mean = 0.0;
        } else {
            self.mean -= (x - self.mean) / self.n;
        }
        Ok(())
    }
}

impl BayesianMean {
    fn same_params(&self, other: &Self) -> Result<()> {
        same_param("prior", self.prior, other.prior)?;
        same_param("prior_weight", self.prior_weight, other.prior_weight)
    }
}

/// The running means merge as `Mean`'s do (Chan et al.), counts being whole numbers.
impl Merge for BayesianMean {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.same_params(other)?;
        let n = self.n + other.n;
        if n > 0.0 {
            self.mean += (other.mean - self.mean) * (other.n / n);
            self.n = n;
        }
        Ok(())
    }
}

impl Unmerge for BayesianMean {
    fn unmerge(&mut self, other: &Self) -> Result<()> {
        self.same_params(other)?;
        if other.n > self.n {
            return Err(StatsError::InvalidOperation(format!(
                "cannot take {} values out of a mean of {}",
                other.n, self.n
            )));
        }
        let n = self.n - other.n;
        if n > 0.0 {
            self.mean = (self.n * self.mean - other.n * other.mean) / n;
        } else {
            self.mean = 0.0;
        }
        self.n = n;
        Ok(())
    }
}

impl Univariate for BayesianMean {
    #[inline]
    fn update(&mut self, x: f64) {
        self.n += 1.0;
        self.mean += (x - self.mean) / self.n;
    }

    /// NaN when there is neither data nor prior weight (River divides by zero there).
    #[inline]
    fn get(&self) -> Option<f64> {
        Some((self.mean * self.n + self.prior * self.prior_weight) / (self.n + self.prior_weight))
    }
}

#[derive(Serialize, Deserialize)]
pub struct BayesianMeanState {
    prior: f64,
    prior_weight: f64,
    n: f64,
    mean: f64,
}

impl Persist for BayesianMean {
    const TAG: u8 = 34;
    const VERSION: u8 = 1;
    type State = BayesianMeanState;

    fn to_state(&self) -> BayesianMeanState {
        BayesianMeanState {
            prior: self.prior,
            prior_weight: self.prior_weight,
            n: self.n,
            mean: self.mean,
        }
    }

    fn from_state(s: BayesianMeanState, _version: u8) -> Result<Self> {
        let mut stat =
            Self::new(s.prior, s.prior_weight).map_err(|e| StatsError::corrupt(e.to_string()))?;
        if !(s.n >= 0.0 && s.n.is_finite() && s.n.fract() == 0.0) {
            return Err(StatsError::corrupt(format!(
                "count must be a non-negative integer, got {}",
                s.n
            )));
        }
        if s.n == 0.0 && s.mean != 0.0 {
            return Err(StatsError::corrupt("the mean of no values must be 0"));
        }
        stat.n = s.n;
        stat.mean = s.mean;
        Ok(stat)
    }
}

adopt_keeping!(BayesianMean => "BayesianMean", keeps prior, prior_weight);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_and_revert() {
        let mut s = Sum::new();
        for x in [-5.0, -3.0, -1.0, 1.0, 3.0, 5.0] {
            s.update(x);
        }
        assert_eq!(s.get(), Some(0.0));
        s.revert(5.0);
        assert_eq!(s.get(), Some(-5.0));
    }

    #[test]
    fn count_counts() {
        let mut c = Count::new();
        c.update(1.0);
        c.tick();
        c.add(3);
        assert_eq!(c.n(), 5);
    }

    #[test]
    fn bayesian_mean_prior_and_revert() {
        let mut b = BayesianMean::new(0.5, 2.0).unwrap();
        assert_eq!(b.get(), Some(0.5));
        b.update(1.0);
        b.update(1.0);
        assert_eq!(b.get(), Some(0.75));
        b.revert(1.0).unwrap();
        b.revert(1.0).unwrap();
        assert_eq!(b.get(), Some(0.5));
        assert!(b.revert(1.0).is_err());
        assert_eq!(b.get(), Some(0.5));
        assert!(BayesianMean::new(0.5, -1.0).is_err());
        assert!(BayesianMean::new(f64::NAN, 1.0).is_err());
        assert!(BayesianMean::new(0.0, 0.0).unwrap().get().unwrap().is_nan());
    }
}
