//! Max, min, absolute max and peak to peak over a sliding window, with monotonic deques.
//!
//! Each deque holds the values of the window that can still become the extremum, as
//! (position, value) pairs: for the max, values in non-increasing order (a new value drops
//! every smaller one from the back), for the min, in increasing order. The front is the
//! answer; it leaves once its position falls out of the window. Every value enters and
//! leaves once: amortised O(1) per update, at most `window_size` entries.
//!
//! Not watermill's `RollingMax`/`RollingMin`: they keep a `SortedWindow` (an O(window)
//! memmove per update) that panics on NaN after changing its state.
//!
//! Ties: the max keeps the oldest of equal values, the min the newest, as River's sorted
//! window inserts them. Values always equal River's; only the sign of a zero can differ
//! (River evicts the oldest value by equality, so which of 0.0/-0.0 it keeps is arbitrary).

use std::collections::VecDeque;
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use super::adopt::differs;
use super::params::window_size;
use super::state::Persist;
use super::{Adopt, Univariate};
use crate::error::{Result, StatsError};

/// Candidates for the extremum of the window, front first.
type Deque = VecDeque<(u64, f64)>;

#[inline]
fn push_max(d: &mut Deque, t: u64, x: f64, window: u64) {
    while matches!(d.back(), Some(&(_, v)) if v < x) {
        d.pop_back();
    }
    d.push_back((t, x));
    evict(d, t, window);
}

#[inline]
fn push_min(d: &mut Deque, t: u64, x: f64, window: u64) {
    while matches!(d.back(), Some(&(_, v)) if v >= x) {
        d.pop_back();
    }
    d.push_back((t, x));
    evict(d, t, window);
}

#[inline]
fn evict(d: &mut Deque, t: u64, window: u64) {
    while matches!(d.front(), Some(&(i, _)) if i.saturating_add(window) <= t) {
        d.pop_front();
    }
}

/// Checks a decoded deque: positions increasing inside the window and ending at `t`,
/// values ordered as the deque keeps them.
fn check_deque(d: &[(u64, f64)], t: u64, window: u64, is_max: bool) -> Result<()> {
    if t == 0 {
        return if d.is_empty() {
            Ok(())
        } else {
            Err(StatsError::corrupt("an empty window holds candidates"))
        };
    }
    match d.last() {
        Some(&(i, _)) if i == t => {}
        _ => return Err(StatsError::corrupt("the newest value is missing")),
    }
    if d.iter()
        .any(|&(i, v)| v.is_nan() || i.saturating_add(window) <= t)
    {
        return Err(StatsError::corrupt(
            "a candidate is NaN or outside the window",
        ));
    }
    let ordered = d.windows(2).all(|pair| match pair {
        [(i, a), (j, b)] => i < j && if is_max { a >= b } else { a < b },
        _ => true,
    });
    if !ordered {
        return Err(StatsError::corrupt("candidates are out of order"));
    }
    Ok(())
}

/// Which rolling statistic a [`RollingExtremum`] is.
pub trait Kind {
    /// River's name of the statistic.
    const NAME: &'static str;
    const TAG: u8;
    const TRACKS_MAX: bool;
    const TRACKS_MIN: bool;
    /// Feed `|x|` rather than `x`.
    const ABSOLUTE: bool;
    fn value(max: Option<f64>, min: Option<f64>) -> Option<f64>;
}

#[derive(Debug, Clone)]
pub struct MaxKind;
#[derive(Debug, Clone)]
pub struct MinKind;
#[derive(Debug, Clone)]
pub struct AbsMaxKind;
#[derive(Debug, Clone)]
pub struct PeakToPeakKind;

impl Kind for MaxKind {
    const NAME: &'static str = "RollingMax";
    const TAG: u8 = 43;
    const TRACKS_MAX: bool = true;
    const TRACKS_MIN: bool = false;
    const ABSOLUTE: bool = false;
    fn value(max: Option<f64>, _min: Option<f64>) -> Option<f64> {
        max
    }
}

impl Kind for MinKind {
    const NAME: &'static str = "RollingMin";
    const TAG: u8 = 44;
    const TRACKS_MAX: bool = false;
    const TRACKS_MIN: bool = true;
    const ABSOLUTE: bool = false;
    fn value(_max: Option<f64>, min: Option<f64>) -> Option<f64> {
        min
    }
}

impl Kind for AbsMaxKind {
    const NAME: &'static str = "RollingAbsMax";
    const TAG: u8 = 45;
    const TRACKS_MAX: bool = true;
    const TRACKS_MIN: bool = false;
    const ABSOLUTE: bool = true;
    fn value(max: Option<f64>, _min: Option<f64>) -> Option<f64> {
        max
    }
}

impl Kind for PeakToPeakKind {
    const NAME: &'static str = "RollingPeakToPeak";
    const TAG: u8 = 46;
    const TRACKS_MAX: bool = true;
    const TRACKS_MIN: bool = true;
    const ABSOLUTE: bool = false;
    fn value(max: Option<f64>, min: Option<f64>) -> Option<f64> {
        Some(max? - min?)
    }
}

/// A rolling extremum of kind `K`; None until the first update.
#[derive(Debug, Clone)]
pub struct RollingExtremum<K: Kind> {
    window_size: usize,
    /// Updates seen so far; the newest value has position `t`.
    t: u64,
    max: Deque,
    min: Deque,
    kind: PhantomData<K>,
}

pub type RollingMax = RollingExtremum<MaxKind>;
pub type RollingMin = RollingExtremum<MinKind>;
pub type RollingAbsMax = RollingExtremum<AbsMaxKind>;
pub type RollingPeakToPeak = RollingExtremum<PeakToPeakKind>;

impl<K: Kind> RollingExtremum<K> {
    pub fn new(window_size_arg: i64) -> Result<Self> {
        Ok(Self {
            window_size: window_size(window_size_arg)?,
            t: 0,
            max: VecDeque::new(),
            min: VecDeque::new(),
            kind: PhantomData,
        })
    }

    pub fn window_size(&self) -> usize {
        self.window_size
    }

    fn window(&self) -> u64 {
        u64::try_from(self.window_size).unwrap_or(u64::MAX)
    }
}

impl<K: Kind> Univariate for RollingExtremum<K> {
    #[inline]
    fn update(&mut self, x: f64) {
        let x = if K::ABSOLUTE { x.abs() } else { x };
        self.t = self.t.saturating_add(1);
        let (t, window) = (self.t, self.window());
        if K::TRACKS_MAX {
            push_max(&mut self.max, t, x, window);
        }
        if K::TRACKS_MIN {
            push_min(&mut self.min, t, x, window);
        }
    }

    #[inline]
    fn get(&self) -> Option<f64> {
        K::value(
            self.max.front().map(|&(_, v)| v),
            self.min.front().map(|&(_, v)| v),
        )
    }
}

#[derive(Serialize, Deserialize)]
pub struct RollingExtremumState {
    window_size: u64,
    t: u64,
    max: Vec<(u64, f64)>,
    min: Vec<(u64, f64)>,
}

impl<K: Kind> Persist for RollingExtremum<K> {
    const TAG: u8 = K::TAG;
    const VERSION: u8 = 1;
    type State = RollingExtremumState;

    fn heap_bytes(&self) -> usize {
        (self.max.capacity() + self.min.capacity()) * std::mem::size_of::<(u64, f64)>()
    }

    fn to_state(&self) -> RollingExtremumState {
        RollingExtremumState {
            window_size: self.window(),
            t: self.t,
            max: self.max.iter().copied().collect(),
            min: self.min.iter().copied().collect(),
        }
    }

    fn from_state(s: RollingExtremumState, _version: u8) -> Result<Self> {
        let w = i64::try_from(s.window_size).unwrap_or(i64::MAX);
        let mut stat = Self::new(w).map_err(|e| StatsError::corrupt(e.to_string()))?;
        let window = stat.window();
        for (tracked, deque, is_max) in [
            (K::TRACKS_MAX, &s.max, true),
            (K::TRACKS_MIN, &s.min, false),
        ] {
            if tracked {
                check_deque(deque, s.t, window, is_max)?;
            } else if !deque.is_empty() {
                return Err(StatsError::corrupt(
                    "state holds a deque this statistic keeps empty",
                ));
            }
        }
        if K::ABSOLUTE && s.max.iter().any(|&(_, v)| v.is_sign_negative()) {
            return Err(StatsError::corrupt("an absolute value is negative"));
        }
        stat.t = s.t;
        stat.max = s.max.into();
        stat.min = s.min.into();
        Ok(stat)
    }
}

impl<K: Kind + Clone> Adopt for RollingExtremum<K> {
    const NAME: &'static str = K::NAME;

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        differs("window_size", self.window_size, fitted.window_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::state::{dump, load};

    fn brute(xs: &[f64], w: usize, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        (0..xs.len())
            .map(|i| f(&xs[(i + 1).saturating_sub(w)..=i]))
            .collect()
    }

    #[test]
    fn matches_brute_force() {
        let xs: Vec<f64> = (0..300)
            .map(|i| (((i * 7919 + 13) % 61) as f64) - 30.0)
            .collect();
        for w in [1, 2, 3, 7, 50, 400] {
            let mut mx = RollingMax::new(w as i64).unwrap();
            let mut mn = RollingMin::new(w as i64).unwrap();
            let mut ab = RollingAbsMax::new(w as i64).unwrap();
            let mut pp = RollingPeakToPeak::new(w as i64).unwrap();
            assert_eq!(mx.get(), None);
            assert_eq!(pp.get(), None);
            let max = |s: &[f64]| s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let min = |s: &[f64]| s.iter().copied().fold(f64::INFINITY, f64::min);
            let want_max = brute(&xs, w, max);
            let want_min = brute(&xs, w, min);
            let want_abs = brute(&xs, w, |s| s.iter().map(|x| x.abs()).fold(0.0, f64::max));
            for (i, x) in xs.iter().enumerate() {
                mx.update(*x);
                mn.update(*x);
                ab.update(*x);
                pp.update(*x);
                assert_eq!(mx.get(), Some(want_max[i]));
                assert_eq!(mn.get(), Some(want_min[i]));
                assert_eq!(ab.get(), Some(want_abs[i]));
                assert_eq!(pp.get(), Some(want_max[i] - want_min[i]));
                assert!(mx.max.len() <= w && pp.min.len() <= w);
            }
        }
    }

    #[test]
    fn state_round_trips_and_refuses_garbage() {
        let mut pp = RollingPeakToPeak::new(5).unwrap();
        for x in [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0] {
            pp.update(x);
        }
        let bytes = dump(&pp).unwrap();
        let mut back: RollingPeakToPeak = load(&bytes).unwrap();
        assert_eq!(back.get(), pp.get());
        back.update(-1.0);
        pp.update(-1.0);
        assert_eq!(back.get(), pp.get());
        assert!(load::<RollingMax>(&bytes).is_err());
        for cut in 0..bytes.len() {
            assert!(load::<RollingPeakToPeak>(&bytes[..cut]).is_err());
        }
        let mut s = pp.to_state();
        s.max.reverse();
        assert!(RollingPeakToPeak::from_state(s, 1).is_err());
        let mut s = pp.to_state();
        s.t += 10;
        assert!(RollingPeakToPeak::from_state(s, 1).is_err());
        let mut s = RollingMax::new(3).unwrap().to_state();
        s.min.push((1, 1.0));
        assert!(RollingMax::from_state(s, 1).is_err());
    }
}
