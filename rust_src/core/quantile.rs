//! Running quantile estimates with the P² algorithm (Jain and Chlamtac, 1985): `Quantile`,
//! `IQR` (two of them) and `MAD` (a median of deviations from a running median).
//!
//! Not watermill's `Quantile`, although River 0.26.1 runs on it and the arithmetic here follows
//! the same steps so that values agree: its range check (`0 > q && 1 < q`) never fires, `get()`
//! indexes an empty `Vec` before the first value, its sorts call `partial_cmp().unwrap()`, which
//! panics as soon as a NaN height appears (an infinite input can make one from `inf - inf`
//! even when NaN inputs are refused), and its fields are private, so a pickled state could not
//! be re-checked. Here the five markers are fixed arrays, nothing can panic, and `get()` is
//! `None` until the first value.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::adopt::differs;
use super::state::Persist;
use super::{Adopt, Univariate};
use crate::error::{Result, StatsError};

/// Orders like `partial_cmp` (so `-0.0 == 0.0`, and a stable sort keeps their order as River
/// does), and falls back to a total order only where `partial_cmp` has none (NaN).
fn height_order(a: &f64, b: &f64) -> Ordering {
    a.partial_cmp(b).unwrap_or_else(|| a.total_cmp(b))
}

/// `q` strictly between 0 and 1 (NaN refused).
fn open_unit_interval(name: &'static str, q: f64) -> Result<f64> {
    if q > 0.0 && q < 1.0 {
        Ok(q)
    } else {
        Err(StatsError::param(
            name,
            format!("must be strictly between 0 and 1, got {q}"),
        ))
    }
}

/// `q` in [0, 1] (NaN refused).
fn closed_unit_interval(name: &'static str, q: f64) -> Result<f64> {
    super::params::unit_interval(name, q)
}

/// One marker's move towards its desired position: the new (height, position), or `None`
/// when it stays. `hm, h, hp` and `nm, n, np` are the heights and positions of the marker's
/// left neighbour, itself and its right neighbour.
#[allow(clippy::too_many_arguments)]
#[inline]
fn move_marker(
    hm: f64,
    h: f64,
    hp: f64,
    nm: f64,
    n: f64,
    np: f64,
    desired: f64,
) -> Option<(f64, f64)> {
    let d = desired - n;
    if !((d >= 1.0 && np - n > 1.0) || (d <= -1.0 && nm - n < -1.0)) {
        return None;
    }
    let d = 1.0_f64.copysign(d);
    // Piecewise-parabolic prediction, kept only if it stays between the neighbours.
    let outer = d / (np - nm);
    let left = (n - nm + d) * (hp - h) / (np - n);
    let right = (np - n - d) * (h - hm) / (n - nm);
    let parabolic = h + outer * (left + right);
    let height = if hm < parabolic && parabolic < hp {
        parabolic
    } else if d > 0.0 {
        h + d * (hp - h) / (np - n)
    } else {
        h + d * (hm - h) / (nm - n)
    };
    Some((height, n + d))
}

/// The P² estimator of one quantile.
#[derive(Debug, Clone, PartialEq)]
pub struct P2 {
    q: f64,
    /// Values held while fewer than five were seen (then the five marker heights), sorted.
    heights: [f64; 5],
    /// How many of `heights` are filled (0 to 5).
    len: u8,
    /// Whether more than five values were seen, i.e. the markers are moving.
    moving: bool,
    positions: [f64; 5],
    desired: [f64; 5],
}

impl P2 {
    fn with_q(q: f64) -> Self {
        Self {
            q,
            heights: [0.0; 5],
            len: 0,
            moving: false,
            positions: [1.0, 2.0, 3.0, 4.0, 5.0],
            desired: [1.0, 1.0 + 2.0 * q, 1.0 + 4.0 * q, 3.0 + 2.0 * q, 5.0],
        }
    }

    pub fn q(&self) -> f64 {
        self.q
    }

    fn increments(&self) -> [f64; 5] {
        let q = self.q;
        [0.0, q / 2.0, q, (1.0 + q) / 2.0, 1.0]
    }

    fn sort_heights(&mut self) {
        if let Some(filled) = self.heights.get_mut(..usize::from(self.len)) {
            filled.sort_by(height_order);
        }
    }

    /// The cell of `x` between the markers (1 to 4), widening the extremes when `x` falls
    /// outside them.
    fn cell(&mut self, x: f64) -> usize {
        let h = &mut self.heights;
        if x < h[0] {
            h[0] = x;
            return 1;
        }
        let pairs = [(h[0], h[1]), (h[1], h[2]), (h[2], h[3]), (h[3], h[4])];
        for (k, (lo, hi)) in (1..).zip(pairs) {
            if lo <= x && x < hi {
                return k;
            }
        }
        if h[4] < x {
            h[4] = x;
        }
        4
    }

    fn push(&mut self, x: f64) {
        if self.len < 5 {
            if let Some(slot) = self.heights.get_mut(usize::from(self.len)) {
                *slot = x;
            }
            self.len += 1;
            self.sort_heights();
            return;
        }
        self.moving = true;
        let k = self.cell(x);
        for (i, n) in self.positions.iter_mut().enumerate() {
            if i >= k {
                *n += 1.0;
            }
        }
        let inc = self.increments();
        for (d, step) in self.desired.iter_mut().zip(inc) {
            *d += step;
        }
        let [h0, mut h1, mut h2, mut h3, h4] = self.heights;
        let [n0, mut n1, mut n2, mut n3, n4] = self.positions;
        let [_, d1, d2, d3, _] = self.desired;
        if let Some((h, n)) = move_marker(h0, h1, h2, n0, n1, n2, d1) {
            (h1, n1) = (h, n);
        }
        if let Some((h, n)) = move_marker(h1, h2, h3, n1, n2, n3, d2) {
            (h2, n2) = (h, n);
        }
        if let Some((h, n)) = move_marker(h2, h3, h4, n2, n3, n4, d3) {
            (h3, n3) = (h, n);
        }
        self.heights = [h0, h1, h2, h3, h4];
        self.positions = [n0, n1, n2, n3, n4];
        self.sort_heights();
    }

    fn value(&self) -> Option<f64> {
        if self.moving {
            return Some(self.heights[2]);
        }
        // Order statistic min(n - 1, floor(n * q)), with n * q computed in floating point.
        let last = self.len.checked_sub(1)?;
        let scaled = f64::from(self.len) * self.q;
        let index = (1..=last).filter(|&i| f64::from(i) <= scaled).count();
        self.heights.get(index).copied()
    }
}

#[derive(Serialize, Deserialize)]
pub struct P2State {
    q: f64,
    heights: [f64; 5],
    len: u8,
    moving: bool,
    positions: [f64; 5],
    desired: [f64; 5],
}

impl P2 {
    fn to_state(&self) -> P2State {
        P2State {
            q: self.q,
            heights: self.heights,
            len: self.len,
            moving: self.moving,
            positions: self.positions,
            desired: self.desired,
        }
    }

    /// Rebuilds from a decoded state; `check_q` is the parameter rule of the owning statistic.
    fn from_state(s: P2State, check_q: fn(&'static str, f64) -> Result<f64>) -> Result<Self> {
        let q = check_q("q", s.q).map_err(|e| StatsError::corrupt(e.to_string()))?;
        let len = s.len;
        if len > 5 || (s.moving && len != 5) {
            return Err(StatsError::corrupt("inconsistent number of P² markers"));
        }
        if s.positions.iter().chain(&s.desired).any(|v| !v.is_finite()) {
            return Err(StatsError::corrupt("P² marker positions must be finite"));
        }
        // Positions are counts: whole numbers from 1, strictly increasing. The update only
        // moves a marker by one where its gap to the neighbour is more than one, which keeps
        // them so; a state with fractional positions could make two markers meet.
        let counts = s.positions.iter().all(|n| n.fract() == 0.0 && *n <= 9.0e15);
        if !counts
            || s.positions.first() != Some(&1.0)
            || s.positions
                .windows(2)
                .any(|w| matches!(w, [a, b] if a >= b))
        {
            return Err(StatsError::corrupt(
                "P² marker positions must be increasing",
            ));
        }
        let mut p = Self::with_q(q);
        p.heights = s.heights;
        p.len = len;
        p.moving = s.moving;
        if s.moving {
            p.positions = s.positions;
            p.desired = s.desired;
        } else if (p.positions, p.desired) != (s.positions, s.desired) {
            return Err(StatsError::corrupt(
                "P² markers moved before the sixth value",
            ));
        }
        if p.heights.iter().take(usize::from(len)).any(|h| h.is_nan()) && !p.moving {
            return Err(StatsError::corrupt("a stored value is NaN"));
        }
        Ok(p)
    }
}

/// Running quantile, `0 < q < 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantile {
    p2: P2,
}

impl Quantile {
    pub fn new(q: f64) -> Result<Self> {
        Ok(Self {
            p2: P2::with_q(open_unit_interval("q", q)?),
        })
    }

    pub fn q(&self) -> f64 {
        self.p2.q
    }
}

impl Univariate for Quantile {
    const SLOW_UPDATES: bool = true;

    #[inline]
    fn update(&mut self, x: f64) {
        self.p2.push(x);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        self.p2.value()
    }
}

impl Persist for Quantile {
    const TAG: u8 = 50;
    const VERSION: u8 = 1;
    type State = P2State;

    fn to_state(&self) -> P2State {
        self.p2.to_state()
    }

    fn from_state(s: P2State, _version: u8) -> Result<Self> {
        Ok(Self {
            p2: P2::from_state(s, open_unit_interval)?,
        })
    }
}

/// Interquartile range from two P² estimators, `0 <= q_inf < q_sup <= 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct IQR {
    inf: P2,
    sup: P2,
}

impl IQR {
    pub fn new(q_inf: f64, q_sup: f64) -> Result<Self> {
        let (q_inf, q_sup) = super::params::iqr_bounds(q_inf, q_sup)?;
        Ok(Self {
            inf: P2::with_q(q_inf),
            sup: P2::with_q(q_sup),
        })
    }

    pub fn q_inf(&self) -> f64 {
        self.inf.q
    }

    pub fn q_sup(&self) -> f64 {
        self.sup.q
    }
}

impl Univariate for IQR {
    const SLOW_UPDATES: bool = true;

    #[inline]
    fn update(&mut self, x: f64) {
        self.inf.push(x);
        self.sup.push(x);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        Some(self.sup.value()? - self.inf.value()?)
    }
}

#[derive(Serialize, Deserialize)]
pub struct IQRState {
    inf: P2State,
    sup: P2State,
}

impl Persist for IQR {
    const TAG: u8 = 51;
    const VERSION: u8 = 1;
    type State = IQRState;

    fn to_state(&self) -> IQRState {
        IQRState {
            inf: self.inf.to_state(),
            sup: self.sup.to_state(),
        }
    }

    fn from_state(s: IQRState, _version: u8) -> Result<Self> {
        let inf = P2::from_state(s.inf, closed_unit_interval)?;
        let sup = P2::from_state(s.sup, closed_unit_interval)?;
        super::params::iqr_bounds(inf.q, sup.q).map_err(|e| StatsError::corrupt(e.to_string()))?;
        if (inf.len, inf.moving) != (sup.len, sup.moving) {
            return Err(StatsError::corrupt(
                "the two quantiles have seen different numbers of values",
            ));
        }
        Ok(Self { inf, sup })
    }
}

/// Median absolute deviation as River computes it online: each value first updates a P²
/// median, then its distance to that (updated) median updates a second P² median.
#[derive(Debug, Clone, PartialEq)]
pub struct MAD {
    median: P2,
    deviation: P2,
}

impl MAD {
    pub fn new() -> Self {
        Self {
            median: P2::with_q(0.5),
            deviation: P2::with_q(0.5),
        }
    }

    /// The running median the deviations are measured from (`None` before the first value).
    pub fn median(&self) -> Option<f64> {
        self.median.value()
    }
}

impl Default for MAD {
    fn default() -> Self {
        Self::new()
    }
}

impl Univariate for MAD {
    const SLOW_UPDATES: bool = true;

    #[inline]
    fn update(&mut self, x: f64) {
        self.median.push(x);
        let m = self.median.value().unwrap_or(x);
        // An infinite value equal to an infinite median is at distance 0, not NaN.
        let deviation = if x == m { 0.0 } else { (x - m).abs() };
        self.deviation.push(deviation);
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        self.deviation.value()
    }
}

#[derive(Serialize, Deserialize)]
pub struct MADState {
    median: P2State,
    deviation: P2State,
}

impl Persist for MAD {
    const TAG: u8 = 52;
    const VERSION: u8 = 1;
    type State = MADState;

    fn to_state(&self) -> MADState {
        MADState {
            median: self.median.to_state(),
            deviation: self.deviation.to_state(),
        }
    }

    fn from_state(s: MADState, _version: u8) -> Result<Self> {
        let median = P2::from_state(s.median, open_unit_interval)?;
        let deviation = P2::from_state(s.deviation, open_unit_interval)?;
        if median.q != 0.5 || deviation.q != 0.5 {
            return Err(StatsError::corrupt("MAD tracks medians (q = 0.5)"));
        }
        if (median.len, median.moving) != (deviation.len, deviation.moving) {
            return Err(StatsError::corrupt(
                "the two medians have seen different numbers of values",
            ));
        }
        Ok(Self { median, deviation })
    }
}

impl Adopt for Quantile {
    const NAME: &'static str = "Quantile";

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        differs("q", self.q(), fitted.q())
    }
}

impl Adopt for IQR {
    const NAME: &'static str = "IQR";

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        differs("q_inf", self.q_inf(), fitted.q_inf())
            .or_else(|| differs("q_sup", self.q_sup(), fitted.q_sup()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::state::{dump, load};

    fn run(q: f64, xs: &[f64]) -> Vec<f64> {
        let mut s = Quantile::new(q).unwrap();
        xs.iter()
            .map(|&x| {
                s.update(x);
                s.get().unwrap()
            })
            .collect()
    }

    #[test]
    fn golden_values() {
        let xs = [5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(run(0.01, &xs), vec![5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let high = run(0.99, &xs);
        assert_eq!(&high[..6], &[5.0, 5.0, 5.0, 5.0, 5.0, 0.0]);
        assert!((high[6] - 0.277778).abs() < 1e-6);
        assert!((high[7] - 0.827546).abs() < 1e-6);
    }

    #[test]
    fn empty_is_none_and_parameters_checked() {
        assert_eq!(Quantile::new(0.5).unwrap().get(), None);
        assert_eq!(IQR::new(0.25, 0.75).unwrap().get(), None);
        assert_eq!(MAD::new().get(), None);
        for q in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
            assert!(Quantile::new(q).is_err());
        }
        assert!(IQR::new(0.75, 0.25).is_err());
        assert!(IQR::new(-0.1, 0.25).is_err());
        assert!(IQR::new(0.1, 1.1).is_err());
        assert!(IQR::new(0.0, 1.0).is_ok());
    }

    #[test]
    fn mad_docstring_values() {
        let mut mad = MAD::new();
        let got: Vec<f64> = [4.0, 2.0, 5.0, 3.0, 0.0, 4.0]
            .iter()
            .map(|&x| {
                mad.update(x);
                mad.get().unwrap()
            })
            .collect();
        assert_eq!(got, vec![0.0, 2.0, 1.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn infinities_do_not_panic() {
        let mut q = Quantile::new(0.5).unwrap();
        let mut mad = MAD::new();
        for x in [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            1.0,
            f64::INFINITY,
            2.0,
            f64::NEG_INFINITY,
            3.0,
            f64::INFINITY,
            4.0,
        ] {
            q.update(x);
            mad.update(x);
            let _ = (q.get(), mad.get());
        }
        let back: Quantile = load(&dump(&q).unwrap()).unwrap();
        assert_eq!(back.get().map(f64::to_bits), q.get().map(f64::to_bits));
    }

    #[test]
    fn states_round_trip() {
        let mut iqr = IQR::new(0.1, 0.9).unwrap();
        let mut mad = MAD::new();
        for i in 0..50 {
            let x = ((i * 7919) % 37) as f64;
            iqr.update(x);
            mad.update(x);
        }
        let bytes = dump(&iqr).unwrap();
        assert_eq!(load::<IQR>(&bytes).unwrap(), iqr);
        assert!(load::<MAD>(&bytes).is_err());
        for cut in 0..bytes.len() {
            assert!(load::<IQR>(&bytes[..cut]).is_err());
        }
        let bytes = dump(&mad).unwrap();
        assert_eq!(load::<MAD>(&bytes).unwrap(), mad);
    }
}
