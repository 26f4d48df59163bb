//! Two-sample Kolmogorov-Smirnov and Kuiper distances between two samples that grow (and
//! shrink) one pair `(x, y)` at a time.
//!
//! The distinct values of both samples live in a treap ordered by value. Each node holds how
//! many times its value occurs in the first (`x`) and second (`y`) sample, and each subtree
//! its total of `count_x - count_y` with the largest and smallest prefix total in it. The
//! prefix total up to value `v` is `n * (F_x(v) - F_y(v))`, the difference of the two
//! empirical distribution functions, so the root answers `sup |F_x - F_y|` (KS) and
//! `sup (F_x - F_y) + sup (F_y - F_x)` (Kuiper) in O(1); an update or revert is O(log n).
//!
//! Equal values are one node: where `x` and `y` share a value the distribution functions both
//! jump there, and the difference is only read after both jumps, as in
//! `scipy.stats.ks_2samp`. (River 0.26.1 keeps a node per sample and also reads the
//! difference between the two jumps, so for tied values it reports up to 1.0 for identical
//! samples.)

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use super::moments::{same_param, Merge, Unmerge};
use super::state::Persist;
use crate::error::{Result, StatsError};

/// Which distance `get()` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Distance {
    /// `sup |F_x - F_y|`
    Ks,
    /// `sup (F_x - F_y) + sup (F_y - F_x)`
    Kuiper,
}

impl Distance {
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "ks" => Ok(Distance::Ks),
            "kuiper" => Ok(Distance::Kuiper),
            other => Err(StatsError::param(
                "statistic",
                format!("must be \"ks\" or \"kuiper\", got {other:?}"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Distance::Ks => "ks",
            Distance::Kuiper => "kuiper",
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    value: f64,
    priority: u64,
    count_x: u64,
    count_y: u64,
    left: Option<usize>,
    right: Option<usize>,
    /// Sum of `count_x - count_y` over the subtree.
    total: i64,
    /// Largest and smallest prefix total ending at a node of the subtree.
    max_prefix: i64,
    min_prefix: i64,
}

fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone)]
pub struct KolmogorovSmirnov {
    distance: Distance,
    nodes: Vec<Node>,
    free: Vec<usize>,
    root: Option<usize>,
    n: u64,
    /// Random keys of the priorities, drawn per instance (also on load). With priorities a
    /// fixed function of the value, someone choosing the values (a stream, or a crafted
    /// pickle) could make the treap a path and the recursive split/merge overflow the stack.
    keys: RandomState,
}

impl KolmogorovSmirnov {
    pub fn new(statistic: &str) -> Result<Self> {
        Ok(Self::with_distance(Distance::parse(statistic)?))
    }

    fn with_distance(distance: Distance) -> Self {
        Self {
            distance,
            nodes: Vec::new(),
            free: Vec::new(),
            root: None,
            n: 0,
            keys: RandomState::new(),
        }
    }

    pub fn distance(&self) -> Distance {
        self.distance
    }

    /// Number of pairs in the two samples (each sample holds this many values).
    pub fn n_samples(&self) -> u64 {
        self.n
    }

    /// Adds `x` to the first sample and `y` to the second.
    pub fn update(&mut self, x: f64, y: f64) {
        self.change(x, 1, 0);
        self.change(y, 0, 1);
        self.n += 1;
    }

    /// Removes `x` from the first sample and `y` from the second; refused (nothing changes)
    /// unless both are there.
    pub fn revert(&mut self, x: f64, y: f64) -> Result<()> {
        let (cx, _) = self.counts(x);
        let (_, cy) = self.counts(y);
        if cx == 0 || cy == 0 {
            let (which, v) = if cx == 0 { ("x", x) } else { ("y", y) };
            return Err(StatsError::InvalidOperation(format!(
                "cannot revert: {which} = {v} was not added to its sample (or was already reverted)"
            )));
        }
        self.change(x, -1, 0);
        self.change(y, 0, -1);
        self.n = self.n.saturating_sub(1);
        Ok(())
    }

    /// Every value of `other` with its counts, added (or taken out, with `sign` -1) in one
    /// pass; callers check beforehand that nothing goes below 0.
    fn change_all(&mut self, other: &Self, sign: i64) {
        for (value, count_x, count_y) in other.entries() {
            self.change(value, sign * signed(count_x), sign * signed(count_y));
        }
    }

    pub fn get(&self) -> f64 {
        let Some(root) = self.root.and_then(|r| self.nodes.get(r)) else {
            return 0.0;
        };
        if self.n == 0 {
            return 0.0;
        }
        // The empty prefix (below every value) has total 0.
        let above = root.max_prefix.max(0);
        let below = root.min_prefix.min(0);
        let spread = match self.distance {
            Distance::Ks => above.max(-below),
            Distance::Kuiper => above - below,
        };
        // Both are counts far below 2^53, so the conversions are exact.
        spread as f64 / self.n as f64
    }

    fn counts(&self, value: f64) -> (u64, u64) {
        let mut at = self.root;
        while let Some(node) = at.and_then(|i| self.nodes.get(i)) {
            at = if value < node.value {
                node.left
            } else if node.value < value {
                node.right
            } else {
                return (node.count_x, node.count_y);
            };
        }
        (0, 0)
    }

    fn summary(&self, t: Option<usize>) -> Option<(i64, i64, i64)> {
        let node = self.nodes.get(t?)?;
        Some((node.total, node.max_prefix, node.min_prefix))
    }

    /// Recomputes the subtree summary of node `i` from its children.
    fn pull(&mut self, i: usize) {
        let Some(node) = self.nodes.get(i) else {
            return;
        };
        let own = signed(node.count_x) - signed(node.count_y);
        let left = self.summary(node.left);
        let right = self.summary(node.right);
        let before = left.map_or(0, |l| l.0);
        let here = before + own;
        let (mut max_prefix, mut min_prefix) = (here, here);
        if let Some((_, lmax, lmin)) = left {
            max_prefix = max_prefix.max(lmax);
            min_prefix = min_prefix.min(lmin);
        }
        let mut total = here;
        if let Some((rtotal, rmax, rmin)) = right {
            max_prefix = max_prefix.max(here + rmax);
            min_prefix = min_prefix.min(here + rmin);
            total += rtotal;
        }
        if let Some(node) = self.nodes.get_mut(i) {
            node.total = total;
            node.max_prefix = max_prefix;
            node.min_prefix = min_prefix;
        }
    }

    /// Splits `t` into values `< value` (or `<= value` when `inclusive`) and the rest.
    fn split(
        &mut self,
        t: Option<usize>,
        value: f64,
        inclusive: bool,
    ) -> (Option<usize>, Option<usize>) {
        let Some(i) = t else {
            return (None, None);
        };
        let Some(node) = self.nodes.get(i) else {
            return (None, None);
        };
        let goes_left = if inclusive {
            node.value <= value
        } else {
            node.value < value
        };
        if goes_left {
            let (mid, right) = self.split(node.right, value, inclusive);
            if let Some(node) = self.nodes.get_mut(i) {
                node.right = mid;
            }
            self.pull(i);
            (Some(i), right)
        } else {
            let (left, mid) = self.split(node.left, value, inclusive);
            if let Some(node) = self.nodes.get_mut(i) {
                node.left = mid;
            }
            self.pull(i);
            (left, Some(i))
        }
    }

    /// Joins two treaps, every value of `a` below every value of `b`.
    fn join(&mut self, a: Option<usize>, b: Option<usize>) -> Option<usize> {
        let (Some(i), Some(j)) = (a, b) else {
            return a.or(b);
        };
        let (Some(ni), Some(nj)) = (self.nodes.get(i), self.nodes.get(j)) else {
            return a.or(b);
        };
        if ni.priority > nj.priority {
            let merged = self.join(ni.right, Some(j));
            if let Some(node) = self.nodes.get_mut(i) {
                node.right = merged;
            }
            self.pull(i);
            Some(i)
        } else {
            let merged = self.join(Some(i), nj.left);
            if let Some(node) = self.nodes.get_mut(j) {
                node.left = merged;
            }
            self.pull(j);
            Some(j)
        }
    }

    fn new_node(&mut self, value: f64, count_x: u64, count_y: u64) -> usize {
        let node = Node {
            value,
            priority: self
                .keys
                .hash_one(if value == 0.0 { 0 } else { value.to_bits() }),
            count_x,
            count_y,
            left: None,
            right: None,
            total: 0,
            max_prefix: 0,
            min_prefix: 0,
        };
        let i = match self.free.pop() {
            Some(i) if i < self.nodes.len() => {
                if let Some(slot) = self.nodes.get_mut(i) {
                    *slot = node;
                }
                i
            }
            _ => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        self.pull(i);
        i
    }

    /// Adds `dx`, `dy` to the counts of `value` (callers never take a count below 0).
    fn change(&mut self, value: f64, dx: i64, dy: i64) {
        let (below, rest) = self.split(self.root, value, false);
        let (at, above) = self.split(rest, value, true);
        let at = match at {
            Some(i) => {
                let emptied = match self.nodes.get_mut(i) {
                    Some(node) => {
                        node.count_x = node.count_x.saturating_add_signed(dx);
                        node.count_y = node.count_y.saturating_add_signed(dy);
                        node.count_x == 0 && node.count_y == 0
                    }
                    None => false,
                };
                if emptied {
                    self.free.push(i);
                    None
                } else {
                    self.pull(i);
                    Some(i)
                }
            }
            None if dx > 0 || dy > 0 => Some(self.new_node(
                value,
                u64::try_from(dx).unwrap_or(0),
                u64::try_from(dy).unwrap_or(0),
            )),
            None => None,
        };
        let joined = self.join(below, at);
        self.root = self.join(joined, above);
        if self.root.is_none() {
            // Both samples are empty: give the arena back.
            self.nodes.clear();
            self.free.clear();
        }
    }

    /// The distinct values in increasing order with their counts in each sample.
    fn entries(&self) -> Vec<(f64, u64, u64)> {
        let mut out = Vec::new();
        let mut stack = Vec::new();
        let mut at = self.root;
        loop {
            while let Some(node) = at.and_then(|i| self.nodes.get(i)) {
                stack.push(node);
                at = node.left;
            }
            let Some(node) = stack.pop() else {
                break;
            };
            out.push((node.value, node.count_x, node.count_y));
            at = node.right;
        }
        out
    }
}

/// Both samples of `other` join this one's: the same counts as one statistic fed both
/// streams, so the value is exactly the same.
impl Merge for KolmogorovSmirnov {
    fn merge(&mut self, other: &Self) -> Result<()> {
        same_param("statistic", self.distance.name(), other.distance.name())?;
        self.change_all(other, 1);
        self.n = self.n.saturating_add(other.n);
        Ok(())
    }
}

/// Takes `other`'s samples back out: refused, nothing changed, unless every one of its values
/// is held here at least as many times in each sample.
impl Unmerge for KolmogorovSmirnov {
    fn unmerge(&mut self, other: &Self) -> Result<()> {
        same_param("statistic", self.distance.name(), other.distance.name())?;
        let entries = other.entries();
        if other.n > self.n {
            return Err(StatsError::InvalidOperation(format!(
                "cannot take {} pairs out of {}",
                other.n, self.n
            )));
        }
        for &(value, count_x, count_y) in &entries {
            let (have_x, have_y) = self.counts(value);
            if count_x > have_x || count_y > have_y {
                return Err(StatsError::InvalidOperation(format!(
                    "cannot take {value} out: it was not added to its sample as many times"
                )));
            }
        }
        self.change_all(other, -1);
        self.n = self.n.saturating_sub(other.n);
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
pub struct KolmogorovSmirnovState {
    distance: Distance,
    n: u64,
    /// (value, count in the first sample, count in the second), values increasing.
    entries: Vec<(f64, u64, u64)>,
}

impl Persist for KolmogorovSmirnov {
    const TAG: u8 = 53;
    const VERSION: u8 = 1;
    type State = KolmogorovSmirnovState;

    fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.free.capacity() * std::mem::size_of::<usize>()
    }

    fn to_state(&self) -> KolmogorovSmirnovState {
        KolmogorovSmirnovState {
            distance: self.distance,
            n: self.n,
            entries: self.entries(),
        }
    }

    fn from_state(s: KolmogorovSmirnovState, _version: u8) -> Result<Self> {
        let mut ks = Self::with_distance(s.distance);
        let (mut total_x, mut total_y) = (0u64, 0u64);
        let mut previous: Option<f64> = None;
        for &(value, cx, cy) in &s.entries {
            if value.is_nan() || previous.is_some_and(|p| p >= value) {
                return Err(StatsError::corrupt("values must be increasing and not NaN"));
            }
            if cx == 0 && cy == 0 {
                return Err(StatsError::corrupt("a stored value has no occurrence"));
            }
            total_x = total_x.saturating_add(cx);
            total_y = total_y.saturating_add(cy);
            previous = Some(value);
        }
        if total_x != s.n || total_y != s.n || s.n > (1 << 53) {
            return Err(StatsError::corrupt(
                "the two samples must each hold n_samples values",
            ));
        }
        for (value, cx, cy) in s.entries {
            let i = ks.new_node(value, cx, cy);
            ks.root = ks.join(ks.root, Some(i));
        }
        ks.n = s.n;
        Ok(ks)
    }
}

adopt_keeping!(KolmogorovSmirnov => "KolmogorovSmirnov", keeps distance);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::state::{dump, load};

    /// sup |F_x - F_y| and the Kuiper spread by brute force over the pooled values.
    fn brute(xs: &[f64], ys: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let (mut hi, mut lo) = (0.0_f64, 0.0_f64);
        for v in xs.iter().chain(ys) {
            let fx = xs.iter().filter(|&&x| x <= *v).count() as f64 / n;
            let fy = ys.iter().filter(|&&y| y <= *v).count() as f64 / n;
            hi = hi.max(fx - fy);
            lo = lo.min(fx - fy);
        }
        (hi.max(-lo), hi - lo)
    }

    #[test]
    fn merge_is_exact_and_unmerge_inverts_it() {
        let xs: Vec<f64> = (0..40).map(|i| f64::from((i * 7) % 13) - 3.0).collect();
        let ys: Vec<f64> = (0..40).map(|i| f64::from((i * 5) % 11) * 0.5).collect();
        let mut all = KolmogorovSmirnov::new("ks").unwrap();
        let mut a = KolmogorovSmirnov::new("ks").unwrap();
        let mut b = KolmogorovSmirnov::new("ks").unwrap();
        for (i, (&x, &y)) in xs.iter().zip(&ys).enumerate() {
            all.update(x, y);
            if i < 15 {
                a.update(x, y);
            } else {
                b.update(x, y);
            }
        }
        let a0 = a.clone();
        a.merge(&b).unwrap();
        assert_eq!(a.get(), all.get());
        assert_eq!(a.entries(), all.entries());
        a.unmerge(&b).unwrap();
        assert_eq!(a.get(), a0.get());
        assert_eq!(a.entries(), a0.entries());
        // b is not inside a any more: refused, nothing changed.
        assert!(a.unmerge(&b).is_err());
        assert_eq!(a.entries(), a0.entries());
        assert!(a.merge(&KolmogorovSmirnov::new("kuiper").unwrap()).is_err());
    }

    #[test]
    fn docstring_example_and_empty() {
        let mut ks = KolmogorovSmirnov::new("ks").unwrap();
        assert_eq!(ks.get(), 0.0);
        for (a, b) in [1., 1., 2., 2., 3., 3., 4., 4.]
            .into_iter()
            .zip([1., 1., 1., 1., 2., 2., 2., 2.])
        {
            ks.update(a, b);
        }
        assert_eq!(ks.get(), 0.5);
        assert_eq!(ks.n_samples(), 8);
        assert!(KolmogorovSmirnov::new("KS").is_err());
    }

    #[test]
    fn sliding_window_matches_brute_force_and_reloads() {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 7) as f64 - 3.0
        };
        let pairs: Vec<(f64, f64)> = (0..300).map(|_| (next(), next() * 0.5)).collect();
        let window = 25;
        let mut ks = KolmogorovSmirnov::new("ks").unwrap();
        let mut ku = KolmogorovSmirnov::new("kuiper").unwrap();
        for (t, &(x, y)) in pairs.iter().enumerate() {
            if t >= window {
                let (ox, oy) = pairs[t - window];
                ks.revert(ox, oy).unwrap();
                ku.revert(ox, oy).unwrap();
            }
            ks.update(x, y);
            ku.update(x, y);
            let lo = t.saturating_sub(window - 1);
            let xs: Vec<f64> = pairs[lo..=t].iter().map(|p| p.0).collect();
            let ys: Vec<f64> = pairs[lo..=t].iter().map(|p| p.1).collect();
            let (want_ks, want_ku) = brute(&xs, &ys);
            assert!((ks.get() - want_ks).abs() < 1e-12, "{t}");
            assert!((ku.get() - want_ku).abs() < 1e-12, "{t}");
        }
        let back: KolmogorovSmirnov = load(&dump(&ku).unwrap()).unwrap();
        assert_eq!(back.get(), ku.get());
        assert_eq!(back.entries(), ku.entries());
        assert!(ks.revert(100.0, 0.0).is_err());
        for _ in 0..window {
            let e = ks.entries();
            let x = e.iter().find(|e| e.1 > 0).unwrap().0;
            let y = e.iter().find(|e| e.2 > 0).unwrap().0;
            ks.revert(x, y).unwrap();
        }
        assert_eq!((ks.get(), ks.n_samples(), ks.nodes.len()), (0.0, 0, 0));
    }
}
