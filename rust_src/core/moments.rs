//! Weighted running mean, variance and covariance, with the merges of Chan et al. (1983).
//!
//! Each statistic keeps the sum of weights `n`, the mean(s) and the sum of (co)squared
//! deviations (`m2`, `c_xy`), updated as in West (1979). The value divides that sum by
//! `n - ddof` only when asked. Merging statistics built with different `ddof` is refused all
//! the same: the result would silently take one side's `ddof`.
//!
//! Not watermill's `Mean`/`Variance`/`Covariance`: they take no weights, cannot be merged,
//! `Covariance` cannot be reverted, and `Variance`'s `ddof` is a `u32` mixed with the state.
//! Their unweighted update formulas are the ones used here.
//!
//! A revert is an update with the opposite weight: `n - w`, then the same formula, which is
//! exactly River's revert. A sum of weights that reaches 0 resets the statistic to empty; one
//! that would go below 0 is refused before anything changes.

use serde::{Deserialize, Serialize};

use super::state::Persist;
use super::Univariate;
use crate::error::{Result, StatsError};

/// A weight must be a finite number (it may be negative: that is a revert).
pub fn check_weight(w: f64) -> Result<f64> {
    if w.is_finite() {
        Ok(w)
    } else {
        Err(StatsError::InvalidValue {
            index: None,
            message: format!("w must be a finite number, got {w}"),
        })
    }
}

/// `ddof` as a float; it is a `u32`, so the conversion is exact.
#[inline]
fn ddof_f64(ddof: u32) -> f64 {
    f64::from(ddof)
}

/// The sum of weights after adding `w`, refused if it would be negative or infinite.
fn next_weight_sum(n: f64, w: f64) -> Result<f64> {
    let next = n + w;
    if next < 0.0 || !next.is_finite() {
        return Err(StatsError::InvalidOperation(format!(
            "the sum of weights would become {next}: it cannot go below 0 \
             (revert only what was added)"
        )));
    }
    Ok(next)
}

/// The weight of the update that undoes an update of weight `w`: a revert is an update with
/// the opposite weight. `w` is checked first, so a refusal names the weight as given.
pub fn revert_weight(w: f64) -> Result<f64> {
    Ok(-check_weight(w)?)
}

/// A statistic that can take in a whole other stream: afterwards it holds what one statistic
/// fed both streams would hold. The merge logic of every class lives in the core, beside
/// the class (Chan et al. for the means and variances, Pebay 2008 for the higher moments,
/// counts and extrema for the rest); the bindings only convert and delegate.
pub trait Merge {
    /// Becomes the statistic of both streams; refused, nothing changed, when the two were
    /// built with different parameters.
    fn merge(&mut self, other: &Self) -> Result<()>;
}

/// A merge with an exact inverse: a stream that was merged in (or fed) can be taken out.
pub trait Unmerge: Merge {
    /// Removes a stream that was merged into this one (or fed to it); refused, nothing
    /// changed, when the parameters differ or the other holds what this one does not.
    fn unmerge(&mut self, other: &Self) -> Result<()>;
}

/// The refusal of a merge between statistics built with different parameters.
pub fn same_param<T: PartialEq + std::fmt::Display>(
    name: &'static str,
    mine: T,
    theirs: T,
) -> Result<()> {
    if mine == theirs {
        Ok(())
    } else {
        Err(StatsError::param(
            name,
            format!(
                "differs ({mine} and {theirs}): only statistics built with the same \
                 parameters merge"
            ),
        ))
    }
}

/// A statistic that accepts weighted updates and reverts.
pub trait Weighted: Univariate + Unmerge + Clone {
    /// Updates with `x` of weight `w` (negative: revert); all or nothing.
    fn update_weighted(&mut self, x: f64, w: f64) -> Result<()>;
    /// Undoes an update with `x` of weight `w`; all or nothing.
    fn revert_weighted(&mut self, x: f64, w: f64) -> Result<()> {
        self.update_weighted(x, revert_weight(w)?)
    }
    /// The sum of weights.
    fn n(&self) -> f64;
}

// ---------------------------------------------------------------------------------------------
// Mean

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Mean {
    n: f64,
    mean: f64,
}

impl Mean {
    pub fn new() -> Self {
        Self::default()
    }

    /// A mean of `n` weight and value `mean` (River's `Mean._from_state`).
    pub fn from_parts(n: f64, mean: f64) -> Result<Self> {
        if !(n.is_finite() && n >= 0.0) {
            return Err(StatsError::param(
                "n",
                format!("must be a finite number >= 0, got {n}"),
            ));
        }
        if mean.is_nan() {
            return Err(StatsError::param("mean", "must not be NaN"));
        }
        Ok(if n == 0.0 {
            Self::new()
        } else {
            Self { n, mean }
        })
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Moves to `n_next = n + w` (already checked >= 0); the mean update of West (1979).
    #[inline]
    fn step(&mut self, x: f64, w: f64, n_next: f64) {
        if n_next == 0.0 {
            *self = Self::new();
        } else {
            self.n = n_next;
            self.mean += (w / n_next) * (x - self.mean);
        }
    }
}

impl Univariate for Mean {
    #[inline]
    fn update(&mut self, x: f64) {
        // n is finite and >= 0, so n + 1 is >= 1 and finite.
        let n_next = self.n + 1.0;
        self.step(x, 1.0, n_next);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        Some(self.mean)
    }
}

impl Weighted for Mean {
    fn update_weighted(&mut self, x: f64, w: f64) -> Result<()> {
        let n_next = next_weight_sum(self.n, check_weight(w)?)?;
        self.step(x, w, n_next);
        Ok(())
    }

    fn n(&self) -> f64 {
        self.n
    }
}

impl Mean {
    fn absorb(&mut self, other: &Self) {
        let n = self.n + other.n;
        if n > 0.0 {
            self.mean += (other.mean - self.mean) * (other.n / n);
            self.n = n;
        } else {
            *self = Self::new();
        }
    }

    fn remove(&mut self, other: &Self) {
        let n = self.n - other.n;
        if n > 0.0 {
            self.mean = (self.n * self.mean - other.n * other.mean) / n;
            self.n = n;
        } else {
            // River's behaviour: removing as much weight as there is, or more, empties it.
            *self = Self::new();
        }
    }
}

impl Merge for Mean {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.absorb(other);
        Ok(())
    }
}

impl Unmerge for Mean {
    fn unmerge(&mut self, other: &Self) -> Result<()> {
        self.remove(other);
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
pub struct MeanState {
    n: f64,
    mean: f64,
}

/// A decoded (n, mean) pair: n finite and >= 0, and an empty mean is exactly 0.
fn check_mean_state(n: f64, mean: f64) -> Result<Mean> {
    if !(n.is_finite() && n >= 0.0) {
        return Err(StatsError::corrupt(format!(
            "sum of weights {n} is not a finite number >= 0"
        )));
    }
    if n == 0.0 && mean != 0.0 {
        return Err(StatsError::corrupt("an empty mean must be 0"));
    }
    // A mean may be infinite or NaN: streams holding both +inf and -inf reach that.
    Ok(Mean { n, mean })
}

impl Persist for Mean {
    const TAG: u8 = 10;
    const VERSION: u8 = 1;
    type State = MeanState;

    fn to_state(&self) -> MeanState {
        MeanState {
            n: self.n,
            mean: self.mean,
        }
    }

    fn from_state(s: MeanState, _version: u8) -> Result<Self> {
        check_mean_state(s.n, s.mean)
    }
}

// ---------------------------------------------------------------------------------------------
// Var (and SEM, which reads the same state differently)

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Var {
    ddof: u32,
    standard_error: bool,
    mean: Mean,
    m2: f64,
    /// Neumaier compensation of `m2`: the low-order bits its additions rounded away. Over
    /// 10^7 values of mixed magnitude it takes the relative error of the variance from about
    /// 1.4e-12 to below 1e-12 (tests/test_numerics.py).
    m2_c: f64,
}

impl Var {
    /// The variance with `ddof` degrees of freedom removed; with `standard_error`, the value
    /// is the standard error of the mean, `sqrt(var / n)`, None while empty.
    pub fn new(ddof: u32, standard_error: bool) -> Self {
        Self {
            ddof,
            standard_error,
            mean: Mean::new(),
            m2: 0.0,
            m2_c: 0.0,
        }
    }

    /// River's `Var._from_state(n, m, var, ddof=)`.
    pub fn from_parts(
        ddof: u32,
        standard_error: bool,
        n: f64,
        mean: f64,
        var: f64,
    ) -> Result<Self> {
        let mean = Mean::from_parts(n, mean)?;
        if var.is_nan() {
            return Err(StatsError::param("var", "must not be NaN"));
        }
        let m2 = if mean.n == 0.0 {
            0.0
        } else {
            (mean.n - ddof_f64(ddof)) * var
        };
        Ok(Self {
            ddof,
            standard_error,
            mean,
            m2,
            m2_c: 0.0,
        })
    }

    pub fn ddof(&self) -> u32 {
        self.ddof
    }

    pub fn standard_error(&self) -> bool {
        self.standard_error
    }

    pub fn mean(&self) -> Mean {
        self.mean
    }

    /// `m2 / (n - ddof)`, 0.0 until `n > ddof` (as `numpy.var` would divide by zero).
    #[inline]
    pub fn variance(&self) -> f64 {
        let dof = self.mean.n - ddof_f64(self.ddof);
        if dof > 0.0 {
            (self.m2 + self.m2_c) / dof
        } else {
            0.0
        }
    }

    #[inline]
    fn step(&mut self, x: f64, w: f64, n_next: f64) {
        let mean_old = self.mean.mean;
        self.mean.step(x, w, n_next);
        if n_next == 0.0 {
            self.m2 = 0.0;
            self.m2_c = 0.0;
        } else {
            let t = w * (x - mean_old) * (x - self.mean.mean);
            let sum = self.m2 + t;
            self.m2_c += if self.m2.abs() >= t.abs() {
                (self.m2 - sum) + t
            } else {
                (t - sum) + self.m2
            };
            self.m2 = sum;
        }
    }
}

impl Univariate for Var {
    #[inline]
    fn update(&mut self, x: f64) {
        let n_next = self.mean.n + 1.0;
        self.step(x, 1.0, n_next);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        if !self.standard_error {
            return Some(self.variance());
        }
        if self.mean.n == 0.0 {
            return None;
        }
        // Only reverting values that were never added makes the variance negative.
        Some((self.variance().max(0.0) / self.mean.n).sqrt())
    }
}

impl Weighted for Var {
    fn update_weighted(&mut self, x: f64, w: f64) -> Result<()> {
        let n_next = next_weight_sum(self.mean.n, check_weight(w)?)?;
        self.step(x, w, n_next);
        Ok(())
    }

    fn n(&self) -> f64 {
        self.mean.n
    }
}

impl Var {
    fn same_params(&self, other: &Self) -> Result<()> {
        same_param("ddof", self.ddof, other.ddof)?;
        same_param("standard_error", self.standard_error, other.standard_error)
    }
}

impl Merge for Var {
    fn merge(&mut self, other: &Self) -> Result<()> {
        self.same_params(other)?;
        let (na, nb) = (self.mean.n, other.mean.n);
        let n = na + nb;
        if n <= 0.0 {
            self.mean = Mean::new();
            self.m2 = 0.0;
            self.m2_c = 0.0;
            return Ok(());
        }
        let delta = other.mean.mean - self.mean.mean;
        self.m2 = (self.m2 + self.m2_c) + (other.m2 + other.m2_c) + delta * delta * (na * nb / n);
        self.m2_c = 0.0;
        self.mean.absorb(&other.mean);
        Ok(())
    }
}

impl Unmerge for Var {
    fn unmerge(&mut self, other: &Self) -> Result<()> {
        self.same_params(other)?;
        self.mean.remove(&other.mean);
        let (na, nb) = (self.mean.n, other.mean.n);
        if na == 0.0 {
            self.m2 = 0.0;
            self.m2_c = 0.0;
            return Ok(());
        }
        let delta = self.mean.mean - other.mean.mean;
        self.m2 = (self.m2 + self.m2_c)
            - ((other.m2 + other.m2_c) + delta * delta * (na * nb / (na + nb)));
        self.m2_c = 0.0;
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
pub struct VarState {
    ddof: u32,
    standard_error: bool,
    n: f64,
    mean: f64,
    m2: f64,
    m2_c: f64,
}

impl Persist for Var {
    const TAG: u8 = 11;
    const VERSION: u8 = 1;
    type State = VarState;

    /// A SEM's state must not load into a Var, nor the reverse (both are `RsVar`).
    fn check_replaces(&self, current: &Self) -> Result<()> {
        if self.standard_error == current.standard_error {
            Ok(())
        } else {
            Err(StatsError::corrupt(
                "a standard error's state cannot load into a variance, nor the reverse",
            ))
        }
    }

    fn to_state(&self) -> VarState {
        VarState {
            ddof: self.ddof,
            standard_error: self.standard_error,
            n: self.mean.n,
            mean: self.mean.mean,
            m2: self.m2,
            m2_c: self.m2_c,
        }
    }

    fn from_state(s: VarState, _version: u8) -> Result<Self> {
        let mean = check_mean_state(s.n, s.mean)?;
        if s.n == 0.0 && s.m2 != 0.0 {
            return Err(StatsError::corrupt("an empty variance must have m2 = 0"));
        }
        Ok(Self {
            ddof: s.ddof,
            standard_error: s.standard_error,
            mean,
            m2: s.m2,
            m2_c: if s.n == 0.0 { 0.0 } else { s.m2_c },
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Co-moments of two variables: Cov and PearsonCorr

/// Sum of weights, both means, both sums of squared deviations and the sum of co-deviations.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CoMoments {
    n: f64,
    mean_x: f64,
    mean_y: f64,
    m2_x: f64,
    m2_y: f64,
    c_xy: f64,
}

impl CoMoments {
    pub fn n(&self) -> f64 {
        self.n
    }

    pub fn mean_x(&self) -> f64 {
        self.mean_x
    }

    pub fn mean_y(&self) -> f64 {
        self.mean_y
    }

    /// Updates with the pair (x, y) of weight `w` (negative: revert); all or nothing.
    pub fn update(&mut self, x: f64, y: f64, w: f64) -> Result<()> {
        let n_next = next_weight_sum(self.n, check_weight(w)?)?;
        if n_next == 0.0 {
            *self = Self::default();
            return Ok(());
        }
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        let r = w / n_next;
        self.n = n_next;
        self.mean_x += r * dx;
        self.mean_y += r * dy;
        self.m2_x += w * dx * (x - self.mean_x);
        self.m2_y += w * dy * (y - self.mean_y);
        self.c_xy += w * dx * (y - self.mean_y);
        Ok(())
    }

    pub fn merge(&mut self, o: &Self) {
        let (na, nb) = (self.n, o.n);
        let n = na + nb;
        if n <= 0.0 {
            *self = Self::default();
            return;
        }
        let dx = o.mean_x - self.mean_x;
        let dy = o.mean_y - self.mean_y;
        let f = na * nb / n;
        self.m2_x += o.m2_x + dx * dx * f;
        self.m2_y += o.m2_y + dy * dy * f;
        self.c_xy += o.c_xy + dx * dy * f;
        self.mean_x += dx * (nb / n);
        self.mean_y += dy * (nb / n);
        self.n = n;
    }

    pub fn unmerge(&mut self, o: &Self) {
        let (nt, nb) = (self.n, o.n);
        let na = nt - nb;
        if na <= 0.0 {
            *self = Self::default();
            return;
        }
        let mean_x = (nt * self.mean_x - nb * o.mean_x) / na;
        let mean_y = (nt * self.mean_y - nb * o.mean_y) / na;
        let dx = mean_x - o.mean_x;
        let dy = mean_y - o.mean_y;
        let f = na * nb / (na + nb);
        self.m2_x -= o.m2_x + dx * dx * f;
        self.m2_y -= o.m2_y + dy * dy * f;
        self.c_xy -= o.c_xy + dx * dy * f;
        self.mean_x = mean_x;
        self.mean_y = mean_y;
        self.n = na;
    }

    /// `c_xy / (n - ddof)`, 0.0 until `n > ddof`.
    pub fn covariance(&self, ddof: u32) -> f64 {
        let dof = self.n - ddof_f64(ddof);
        if dof > 0.0 {
            self.c_xy / dof
        } else {
            0.0
        }
    }

    /// Pearson's r (`ddof` cancels out), 0.0 while either variance is 0 (as River), kept
    /// within [-1, 1] against rounding.
    pub fn correlation(&self, ddof: u32) -> f64 {
        if self.n - ddof_f64(ddof) <= 0.0 || self.m2_x <= 0.0 || self.m2_y <= 0.0 {
            return 0.0;
        }
        (self.c_xy / (self.m2_x * self.m2_y).sqrt()).clamp(-1.0, 1.0)
    }

    fn checked(self) -> Result<Self> {
        check_mean_state(self.n, self.mean_x)?;
        check_mean_state(self.n, self.mean_y)?;
        if self.n == 0.0 && (self.m2_x != 0.0 || self.m2_y != 0.0 || self.c_xy != 0.0) {
            return Err(StatsError::corrupt("empty co-moments must all be 0"));
        }
        Ok(self)
    }
}

/// Updates with pairs `xs[i], ys[i]` of weight 1 (lengths already checked equal).
fn update_pairs(m: &mut CoMoments, xs: &[f64], ys: &[f64]) {
    for (&x, &y) in xs.iter().zip(ys) {
        // Weight 1 onto a finite sum >= 0 cannot be refused.
        let _ = m.update(x, y, 1.0);
    }
}

/// Refuses two batches of different lengths before anything is applied.
pub fn check_pairs(xs: &[f64], ys: &[f64]) -> Result<()> {
    if xs.len() != ys.len() {
        return Err(StatsError::InvalidValue {
            index: None,
            message: format!(
                "X and Y must have the same length, got {} and {}",
                xs.len(),
                ys.len()
            ),
        });
    }
    super::check_values(xs)?;
    super::check_values(ys)
}

#[derive(Serialize, Deserialize)]
pub struct BivariateState {
    ddof: u32,
    moments: CoMoments,
}

macro_rules! comoment_statistic {
    ($name:ident, $tag:expr, $value:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $name {
            ddof: u32,
            moments: CoMoments,
        }

        impl $name {
            pub fn new(ddof: u32) -> Self {
                Self {
                    ddof,
                    moments: CoMoments::default(),
                }
            }

            pub fn ddof(&self) -> u32 {
                self.ddof
            }

            /// The sum of the weights.
            pub fn n(&self) -> f64 {
                self.moments.n
            }

            /// Updates with the pair (x, y) of weight `w`; all or nothing.
            pub fn update(&mut self, x: f64, y: f64, w: f64) -> Result<()> {
                self.moments.update(x, y, w)
            }

            /// Undoes an update with the pair (x, y) of weight `w`; all or nothing.
            pub fn revert(&mut self, x: f64, y: f64, w: f64) -> Result<()> {
                self.moments.update(x, y, revert_weight(w)?)
            }

            pub fn update_many(&mut self, xs: &[f64], ys: &[f64]) {
                update_pairs(&mut self.moments, xs, ys);
            }

            pub fn get(&self) -> f64 {
                self.moments.$value(self.ddof)
            }
        }

        impl Merge for $name {
            fn merge(&mut self, other: &Self) -> Result<()> {
                same_param("ddof", self.ddof, other.ddof)?;
                self.moments.merge(&other.moments);
                Ok(())
            }
        }

        impl Unmerge for $name {
            fn unmerge(&mut self, other: &Self) -> Result<()> {
                same_param("ddof", self.ddof, other.ddof)?;
                self.moments.unmerge(&other.moments);
                Ok(())
            }
        }

        impl Persist for $name {
            const TAG: u8 = $tag;
            const VERSION: u8 = 1;
            type State = BivariateState;

            fn to_state(&self) -> BivariateState {
                BivariateState {
                    ddof: self.ddof,
                    moments: self.moments,
                }
            }

            fn from_state(s: BivariateState, _version: u8) -> Result<Self> {
                Ok(Self {
                    ddof: s.ddof,
                    moments: s.moments.checked()?,
                })
            }
        }
    };
}

comoment_statistic!(
    Cov,
    12,
    covariance,
    "Weighted sample covariance, `c_xy / (n - ddof)`."
);
comoment_statistic!(
    PearsonCorr,
    13,
    correlation,
    "Pearson's correlation coefficient."
);

impl Cov {
    /// River's `Cov._from_state(n, mean_x, mean_y, cov, ddof=)`. The variances of x and y
    /// are not part of that state; Cov does not read them.
    pub fn from_parts(ddof: u32, n: f64, mean_x: f64, mean_y: f64, cov: f64) -> Result<Self> {
        let mx = Mean::from_parts(n, mean_x)?;
        let my = Mean::from_parts(n, mean_y)?;
        if cov.is_nan() {
            return Err(StatsError::param("cov", "must not be NaN"));
        }
        let dof = mx.n - ddof_f64(ddof);
        let moments = CoMoments {
            n: mx.n,
            mean_x: mx.mean,
            mean_y: my.mean,
            m2_x: 0.0,
            m2_y: 0.0,
            c_xy: if dof > 0.0 { cov * dof } else { 0.0 },
        };
        Ok(Self { ddof, moments })
    }
}

// SEM shares Var's core: `standard_error` is part of what the object is, not of its data.
adopt_keeping!(Var => "Var", keeps ddof, standard_error);
adopt_keeping!(Cov => "Cov", keeps ddof);
adopt_keeping!(PearsonCorr => "PearsonCorr", keeps ddof);

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> Vec<f64> {
        vec![2.5, -1.0, 4.0, 4.0, 0.5, 10.0, -3.25, 7.0]
    }

    fn two_pass_var(xs: &[f64], ddof: f64) -> f64 {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - ddof)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + b.abs())
    }

    #[test]
    fn variance_matches_two_pass_on_every_prefix() {
        for ddof in 0..3u32 {
            let mut v = Var::new(ddof, false);
            let xs = stream();
            for (i, &x) in xs.iter().enumerate() {
                v.update(x);
                let got = v.get().unwrap();
                if i + 1 > ddof as usize {
                    assert!(close(got, two_pass_var(&xs[..=i], ddof.into())));
                } else {
                    assert_eq!(got, 0.0);
                }
            }
        }
    }

    #[test]
    fn revert_is_an_update_with_the_opposite_weight() {
        let mut v = Var::new(1, false);
        v.update_many(&stream());
        let before = v;
        v.update_weighted(3.0, 2.0).unwrap();
        v.update_weighted(3.0, -2.0).unwrap();
        assert!(close(v.get().unwrap(), before.get().unwrap()));
        let mut m = Mean::new();
        m.update(1.0);
        assert!(m.update_weighted(1.0, -2.0).is_err());
        assert_eq!(m, Mean { n: 1.0, mean: 1.0 });
        m.update_weighted(1.0, -1.0).unwrap();
        assert_eq!(m, Mean::new());
    }

    #[test]
    fn merge_and_unmerge() {
        let xs = stream();
        let (a, b) = xs.split_at(3);
        let mut va = Var::new(1, false);
        va.update_many(a);
        let mut vb = Var::new(1, false);
        vb.update_many(b);
        let mut all = va;
        all.merge(&vb).unwrap();
        assert!(close(all.get().unwrap(), two_pass_var(&xs, 1.0)));
        all.unmerge(&vb).unwrap();
        assert!(close(all.get().unwrap(), two_pass_var(a, 1.0)));
        assert!(close(all.mean().mean(), a.iter().sum::<f64>() / 3.0));
        let before = all;
        let err = all.merge(&Var::new(0, false)).unwrap_err().to_string();
        assert_eq!(
            err,
            "ddof differs (1 and 0): only statistics built with the same parameters merge"
        );
        assert!(all.unmerge(&Var::new(1, true)).is_err());
        assert_eq!(all.get(), before.get());
    }

    #[test]
    fn covariance_of_x_with_itself_is_its_variance() {
        let mut c = Cov::new(1);
        let mut p = PearsonCorr::new(1);
        let xs = stream();
        c.update_many(&xs, &xs);
        p.update_many(&xs, &xs);
        assert!(close(c.get(), two_pass_var(&xs, 1.0)));
        assert!(close(p.get(), 1.0));
    }

    #[test]
    fn comoments_merge_unmerge_and_revert() {
        let xs = stream();
        let ys: Vec<f64> = xs.iter().map(|x| x * x - 1.0).collect();
        let (xa, xb) = xs.split_at(3);
        let (ya, yb) = ys.split_at(3);
        let mut all = Cov::new(1);
        all.update_many(&xs, &ys);
        let (mut a, mut b) = (Cov::new(1), Cov::new(1));
        a.update_many(xa, ya);
        b.update_many(xb, yb);
        let mut merged = a;
        merged.merge(&b).unwrap();
        assert!(close(merged.get(), all.get()));
        merged.unmerge(&b).unwrap();
        assert!(close(merged.get(), a.get()));
        assert!(merged.merge(&Cov::new(0)).is_err());
        let before = a;
        a.update(2.0, 3.0, 1.5).unwrap();
        a.revert(2.0, 3.0, 1.5).unwrap();
        assert!(close(a.get(), before.get()));
        let err = a.revert(2.0, 3.0, f64::INFINITY).unwrap_err().to_string();
        assert_eq!(err, "w must be a finite number, got inf");
        let mut m = Mean::new();
        m.update(4.0);
        assert_eq!(
            m.revert_weighted(4.0, f64::NAN).unwrap_err().to_string(),
            "w must be a finite number, got NaN"
        );
        m.revert_weighted(4.0, 1.0).unwrap();
        assert_eq!(m, Mean::new());
    }

    #[test]
    fn standard_error_is_none_when_empty() {
        let mut s = Var::new(1, true);
        assert_eq!(s.get(), None);
        s.update(3.0);
        assert_eq!(s.get(), Some(0.0));
    }

    #[test]
    fn corrupt_states_are_refused() {
        assert!(Mean::from_state(MeanState { n: -1.0, mean: 0.0 }, 1).is_err());
        assert!(Mean::from_state(MeanState { n: 0.0, mean: 2.0 }, 1).is_err());
        assert!(Mean::from_state(
            MeanState {
                n: f64::NAN,
                mean: 0.0
            },
            1
        )
        .is_err());
    }
}
