//! KLL quantile sketch (Karnin, Lang and Liberty, "Optimal Quantile Approximation in
//! Streams", 2016), laid out like the Apache DataSketches implementation so that a sketch
//! converts to and from its serialization format (`core::datasketches`) without loss.
//!
//! The sketch keeps levels of retained items; an item at level `h` stands for `2^h` values
//! of the stream. Level 0 takes new values unsorted; the levels above are sorted. The whole
//! sketch may hold `capacity(k, levels)` items, with level `h` allowed
//! `max(8, round(k (2/3)^depth))` of them, `depth` counted from the top level. When it is
//! full, the lowest level at or above its allowance is compacted: sorted, and every other
//! item (from a random offset, 0 or 1) moves up one level with twice the weight; an odd item
//! out stays behind. Weights are conserved exactly, so `n == sum(len(level h) * 2^h)`.
//!
//! Items are kept as order-preserving `u64` keys of the doubles (`key`), not as `f64`: sorting
//! and merging integers is several times faster than `f64::total_cmp` (sorting level 0 is
//! most of an update's cost), and `-0.0` is stored as `0.0` so that equal values have equal
//! keys. The random bits come from a SplitMix64 generator whose state is part of the sketch:
//! a reloaded sketch continues exactly as the original would.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use super::adopt::differs;
use super::state::Persist;
use super::{Adopt, Univariate};
use crate::error::{Result, StatsError};

/// The smallest allowance of a level (DataSketches' `m`; its format only knows 8).
pub const MIN_LEVEL_WIDTH: usize = 8;
/// `k` as DataSketches bounds it for `m = 8`.
pub const MIN_K: u16 = 8;
pub const MAX_K: u16 = u16::MAX;
/// Level `h` weighs `2^h`; beyond this height a weight no longer fits a `u64` count.
pub const MAX_LEVELS: usize = 61;

const SIGN: u64 = 1 << 63;

/// The order-preserving key of a double that is not NaN (`-0.0` maps to the key of `0.0`).
#[inline]
pub fn key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits & SIGN == 0 {
        bits | SIGN
    } else {
        !bits
    }
}

/// The double a key stands for.
#[inline]
pub fn value(key: u64) -> f64 {
    f64::from_bits(if key & SIGN == 0 { !key } else { key & !SIGN })
}

/// Whether a key stands for a NaN (never produced by `key`; refused when decoding).
pub fn is_nan_key(key: u64) -> bool {
    value(key).is_nan()
}

/// The allowance of level `height` in a sketch of `num_levels` levels:
/// `max(8, round(k (2/3)^depth))`, computed in integers as DataSketches does.
pub fn level_capacity(k: u16, num_levels: usize, height: usize) -> usize {
    let depth = num_levels.saturating_sub(height + 1);
    let depth = u32::try_from(depth.min(MAX_LEVELS)).unwrap_or(0);
    // 2k * 2^depth / 3^depth, rounded half up; fits a u128 for depth <= 61.
    let twice = (u128::from(k) << 1) << depth;
    let scaled = twice / 3u128.pow(depth);
    let rounded = usize::try_from((scaled + 1) >> 1).unwrap_or(usize::MAX);
    rounded.max(MIN_LEVEL_WIDTH)
}

/// The number of items a sketch of `num_levels` levels may hold.
pub fn total_capacity(k: u16, num_levels: usize) -> usize {
    (0..num_levels)
        .map(|h| level_capacity(k, num_levels, h))
        .sum()
}

/// How many items level 0 gathers before it is compacted (see `Kll::compress_one`).
#[inline]
fn level0_batch(k: u16) -> usize {
    (usize::from(k) / 4).max(MIN_LEVEL_WIDTH)
}

/// How many values a sketch sees before its level 0 starts to be sampled (see
/// `Kll::sample_level0`): `max(8 k^2, 2^16)`, so that the sampling's rank error stays within a
/// small fraction of the sketch's own, which shrinks as `1/k`.
fn sampling_start(k: u16) -> u64 {
    (8 * u64::from(k) * u64::from(k)).max(1 << 16)
}

/// The height level 0 is sampled to once the sketch has seen `n` values: 0 (no sampling)
/// below `2 T` values, `T = sampling_start(k)`, then `floor(log2(n / T))`: one value in
/// `2^s` is kept, with weight `2^s`, where `2^s <= n / T`.
#[inline]
fn sampling_height(k: u16, n: u64) -> usize {
    let ratio = n / sampling_start(k);
    if ratio < 2 {
        0
    } else {
        (63 - ratio.leading_zeros()) as usize
    }
}

/// Checks `k` against the range DataSketches accepts for `m = 8`.
pub fn check_k(k: i64) -> Result<u16> {
    match u16::try_from(k) {
        Ok(k) if k >= MIN_K => Ok(k),
        _ => Err(StatsError::param(
            "k",
            format!("must be an int between {MIN_K} and {MAX_K}, got {k}"),
        )),
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): one 64-bit state, any value valid.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Merges the sorted `a` and `b` into `out`, without a branch on the comparison (which a
/// merge of random items mispredicts half the time). `u64::MAX` is the key of a NaN, never
/// an item: it stands for "exhausted".
fn merge_sorted(a: &[u64], b: &[u64], out: &mut Vec<u64>) {
    out.clear();
    out.resize(a.len() + b.len(), 0);
    let (mut i, mut j) = (0, 0);
    for slot in out.iter_mut() {
        let x = a.get(i).copied().unwrap_or(u64::MAX);
        let y = b.get(j).copied().unwrap_or(u64::MAX);
        let from_b = y < x;
        *slot = if from_b { y } else { x };
        j += usize::from(from_b);
        i += usize::from(!from_b);
    }
}

/// What one pass over a batch finds: its extremes (None when empty) and whether it holds a NaN.
struct Scan {
    extremes: Option<(f64, f64)>,
    nan: bool,
}

/// The extremes of `xs` and whether any is NaN, in lanes of 8 that compile to packed
/// `min`/`max`/unordered compares (`x < lo` selects exactly what `minpd` does).
fn scan(xs: &[f64]) -> Scan {
    const LANES: usize = 8;
    let (mut lo, mut hi) = ([f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES]);
    let mut nan = [false; LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        if let Ok(chunk) = <&[f64; LANES]>::try_from(chunk) {
            for (((l, h), n), &x) in lo.iter_mut().zip(&mut hi).zip(&mut nan).zip(chunk) {
                *l = if x < *l { x } else { *l };
                *h = if x > *h { x } else { *h };
                *n |= x.is_nan();
            }
        }
    }
    let mut min = lo.iter().copied().fold(f64::INFINITY, f64::min);
    let mut max = hi.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut any_nan = nan.iter().any(|&n| n);
    for &x in tail {
        min = if x < min { x } else { min };
        max = if x > max { x } else { max };
        any_nan |= x.is_nan();
    }
    Scan {
        extremes: (!xs.is_empty()).then_some((min, max)),
        nan: any_nan,
    }
}

/// The KLL sketch itself: levels of keys, the count, the extremes and the random state.
#[derive(Clone, Debug)]
pub struct Kll {
    k: u16,
    n: u64,
    /// Keys of the smallest and largest values seen (`u64::MAX` and 0 while empty).
    min_key: u64,
    max_key: u64,
    levels: Vec<Vec<u64>>,
    rng: u64,
    /// Cached: each level's allowance, `total_capacity(k, levels.len())` and the number of
    /// retained items.
    caps: Vec<usize>,
    capacity: usize,
    retained: usize,
    /// Reused buffer for merges into a level (not part of the state).
    scratch: Vec<u64>,
    /// What `quantile` keeps between calls (not part of the state).
    reading: RefCell<Reading>,
}

/// What `Kll::quantile` keeps between calls so that a query after a few updates does not sort
/// every retained item again: the items of the levels above 0 with their cumulative weights,
/// which change only when a compaction or a merge touches them, and level 0 sorted, which
/// updates only append to (new items are inserted into the sorted copy). Every change to the
/// levels other than an append to level 0 goes through `Kll::levels_changed`, which empties it.
#[derive(Debug, Default)]
struct Reading {
    /// Whether `upper` and `upper_weights` describe the levels above 0.
    upper_valid: bool,
    /// The keys of the levels above 0, sorted, and the weight of each key and all before it.
    upper: Vec<u64>,
    upper_weights: Vec<u64>,
    /// The first `level0_seen` items of level 0, sorted.
    level0: Vec<u64>,
    level0_seen: usize,
}

impl Clone for Reading {
    /// A copy starts empty: the cache is rebuilt on the first query.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl Reading {
    fn clear(&mut self) {
        self.upper_valid = false;
        self.upper.clear();
        self.upper_weights.clear();
        self.level0.clear();
        self.level0_seen = 0;
    }

    fn heap_bytes(&self) -> usize {
        (self.upper.capacity() + self.upper_weights.capacity() + self.level0.capacity()) * 8
    }

    /// Brings the cache up to date with `levels` (level 0 only appended to since the last
    /// call, or `clear` was called).
    fn refresh(&mut self, levels: &[Vec<u64>]) {
        let (level0, upper) = levels
            .split_first()
            .map_or((&[][..], &[][..]), |(l, u)| (&l[..], u));
        if !self.upper_valid {
            let mut items: Vec<(u64, u64)> = Vec::new();
            for (h, level) in upper.iter().enumerate() {
                let w = 1u64 << (h + 1).min(63);
                items.extend(level.iter().map(|&x| (x, w)));
            }
            items.sort_unstable_by_key(|&(x, _)| x);
            self.upper.clear();
            self.upper_weights.clear();
            let mut total = 0u64;
            for (x, w) in items {
                total += w;
                self.upper.push(x);
                self.upper_weights.push(total);
            }
            self.upper_valid = true;
        }
        if self.level0_seen > level0.len() {
            self.level0.clear();
            self.level0_seen = 0;
        }
        let new = level0.get(self.level0_seen..).unwrap_or(&[]);
        if new.len() > 8 {
            self.level0.extend_from_slice(new);
            self.level0.sort_unstable();
        } else {
            for &x in new {
                let at = self.level0.partition_point(|&y| y <= x);
                self.level0.insert(at, x);
            }
        }
        self.level0_seen = level0.len();
    }

    /// The weight of the retained items with a key `<= x`.
    fn weight_upto(&self, x: u64) -> u64 {
        let upper = self.upper.partition_point(|&y| y <= x);
        let upper = upper
            .checked_sub(1)
            .and_then(|i| self.upper_weights.get(i))
            .copied()
            .unwrap_or(0);
        upper + self.level0.partition_point(|&y| y <= x) as u64
    }

    /// `quantile_in` over the sorted view, computed from the two sorted parts: the answer is
    /// the smallest retained key whose weight-up-to-and-including passes the target (the first
    /// item of the view whose cumulative weight does lies in the run of that key, whatever the
    /// order within the run), or the largest key when none does.
    fn quantile(&self, q: f64, n: u64, inclusive: bool) -> f64 {
        let target = q * n as f64;
        let passes = |w: u64| {
            if inclusive {
                (w as f64) >= target.ceil()
            } else {
                (w as f64) > target
            }
        };
        let first_in = |keys: &[u64]| {
            keys.get(keys.partition_point(|&x| !passes(self.weight_upto(x))))
                .copied()
        };
        let found = match (first_in(&self.level0), first_in(&self.upper)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let largest = || self.level0.last().copied().max(self.upper.last().copied());
        found.or_else(largest).map_or(f64::NAN, value)
    }
}

impl PartialEq for Kll {
    fn eq(&self, other: &Self) -> bool {
        let sorted0 = |s: &Kll| {
            let mut l = s.levels.first().cloned().unwrap_or_default();
            l.sort_unstable();
            l
        };
        self.k == other.k
            && self.n == other.n
            && self.min_key == other.min_key
            && self.max_key == other.max_key
            && self.rng == other.rng
            && self.levels.len() == other.levels.len()
            && self.levels.get(1..) == other.levels.get(1..)
            && sorted0(self) == sorted0(other)
    }
}

impl Kll {
    pub fn new(k: u16, seed: u64) -> Self {
        Self {
            k,
            n: 0,
            min_key: u64::MAX,
            max_key: 0,
            levels: vec![Vec::new()],
            rng: seed,
            caps: vec![level_capacity(k, 1, 0)],
            capacity: total_capacity(k, 1),
            retained: 0,
            scratch: Vec::new(),
            reading: RefCell::default(),
        }
    }

    /// Recomputes the cached allowances after the number of levels changed.
    fn refresh_capacities(&mut self) {
        let num_levels = self.levels.len();
        self.caps.clear();
        self.caps
            .extend((0..num_levels).map(|h| level_capacity(self.k, num_levels, h)));
        self.capacity = self.caps.iter().sum();
    }

    /// Rebuilds a sketch from its parts, checking every invariant. `levels[0]` may be in any
    /// order; the levels above must be sorted.
    pub fn from_parts(
        k: u16,
        n: u64,
        min_max: Option<(f64, f64)>,
        levels: Vec<Vec<u64>>,
        rng: u64,
    ) -> Result<Self> {
        let bad = |m: String| Err(StatsError::corrupt(m));
        if k < MIN_K {
            return bad(format!("k is {k}, below {MIN_K}"));
        }
        if levels.is_empty() || levels.len() > MAX_LEVELS {
            return bad(format!(
                "a sketch has 1 to {MAX_LEVELS} levels, got {}",
                levels.len()
            ));
        }
        let mut weight: u64 = 0;
        let mut retained: usize = 0;
        for (h, level) in levels.iter().enumerate() {
            if h > 0 && level.windows(2).any(|w| matches!(w, [a, b] if a > b)) {
                return bad(format!("level {h} is not sorted"));
            }
            let len = u64::try_from(level.len()).unwrap_or(u64::MAX);
            weight = u32::try_from(h)
                .ok()
                .and_then(|h| len.checked_mul(1u64.checked_shl(h)?))
                .and_then(|w| w.checked_add(weight))
                .ok_or_else(|| StatsError::corrupt("the levels weigh more than 2^64 values"))?;
            retained += level.len();
            if let Some(&x) = level.iter().find(|&&x| is_nan_key(x)) {
                return bad(format!("level {h} holds NaN (key {x:#x})"));
            }
        }
        if weight != n {
            return bad(format!(
                "the retained items weigh {weight} values, but the sketch says it saw {n}"
            ));
        }
        let capacity = total_capacity(k, levels.len());
        if retained > capacity {
            return bad(format!(
                "{retained} items retained, more than the {capacity} a sketch of k={k} with {} levels holds",
                levels.len()
            ));
        }
        let (min_key, max_key) = match min_max {
            None if n == 0 => (u64::MAX, 0),
            None => return bad("a sketch that saw values needs its minimum and maximum".into()),
            Some(_) if n == 0 => return bad("an empty sketch has no minimum or maximum".into()),
            Some((lo, hi)) => {
                if lo.is_nan() || hi.is_nan() || lo > hi {
                    return bad(format!("minimum {lo} and maximum {hi} are not in order"));
                }
                let (lo, hi) = (key(lo), key(hi));
                if levels.iter().flatten().any(|&x| x < lo || x > hi) {
                    return bad("an item lies outside [minimum, maximum]".into());
                }
                (lo, hi)
            }
        };
        let mut sketch = Self {
            k,
            n,
            min_key,
            max_key,
            levels,
            rng,
            caps: Vec::new(),
            capacity,
            retained,
            scratch: Vec::new(),
            reading: RefCell::default(),
        };
        sketch.refresh_capacities();
        Ok(sketch)
    }

    pub fn k(&self) -> u16 {
        self.k
    }

    /// Number of values seen.
    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn rng_state(&self) -> u64 {
        self.rng
    }

    pub fn min(&self) -> Option<f64> {
        (self.n > 0).then(|| value(self.min_key))
    }

    pub fn max(&self) -> Option<f64> {
        (self.n > 0).then(|| value(self.max_key))
    }

    /// The levels, bottom first (level 0 unsorted).
    pub fn levels(&self) -> &[Vec<u64>] {
        &self.levels
    }

    /// Number of items retained.
    pub fn retained(&self) -> usize {
        self.retained
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        let items: usize = self.levels.iter().map(Vec::capacity).sum();
        (items + self.scratch.capacity()) * 8
            + self.levels.capacity() * std::mem::size_of::<Vec<u64>>()
            + self.reading.try_borrow().map_or(0, |r| r.heap_bytes())
    }

    /// Adds one value (not NaN).
    #[inline]
    pub fn update(&mut self, x: f64) {
        if self.retained >= self.capacity {
            self.compress_one();
        }
        let k = key(x);
        if let Some(level0) = self.levels.first_mut() {
            level0.push(k);
        }
        self.min_key = self.min_key.min(k);
        self.max_key = self.max_key.max(k);
        self.retained += 1;
        self.n += 1;
    }

    /// Adds every value of `xs` (none NaN), exactly as one `update` per value would.
    pub fn update_many(&mut self, xs: &[f64]) {
        if let Some((lo, hi)) = scan(xs).extremes {
            self.add_checked(xs, lo, hi);
        }
    }

    /// `update_many` of values scanned by `scan`: none is NaN and `lo`, `hi` are their
    /// extremes (the extremes do not steer compactions, so they are taken once, up front).
    fn add_checked(&mut self, xs: &[f64], lo: f64, hi: f64) {
        self.min_key = self.min_key.min(key(lo));
        self.max_key = self.max_key.max(key(hi));
        let mut rest = xs;
        while !rest.is_empty() {
            if self.retained >= self.capacity {
                self.compress_one();
            }
            let take = self.capacity.saturating_sub(self.retained).min(rest.len());
            let (chunk, tail) = rest.split_at(take);
            if let Some(level0) = self.levels.first_mut() {
                level0.extend(chunk.iter().map(|&x| key(x)));
            }
            self.retained += take;
            self.n += take as u64;
            rest = tail;
        }
    }

    /// `update_many` if no value is NaN, in one pass over `xs` before any change; otherwise
    /// nothing changes and the error names the first NaN.
    pub fn try_update_many(&mut self, xs: &[f64]) -> Result<()> {
        let scanned = scan(xs);
        if scanned.nan {
            return super::check_values(xs);
        }
        if let Some((lo, hi)) = scanned.extremes {
            self.add_checked(xs, lo, hi);
        }
        Ok(())
    }

    /// Adds keys (already checked) to level 0, compacting as `update` does.
    fn insert_keys(&mut self, keys: &[u64]) {
        let mut rest = keys;
        while !rest.is_empty() {
            if self.retained >= self.capacity {
                self.compress_one();
            }
            let take = (self.capacity - self.retained).min(rest.len());
            let (chunk, tail) = rest.split_at(take);
            for &k in chunk {
                self.min_key = self.min_key.min(k);
                self.max_key = self.max_key.max(k);
            }
            if let Some(level0) = self.levels.first_mut() {
                level0.extend_from_slice(chunk);
            }
            self.retained += take;
            self.n += take as u64;
            rest = tail;
        }
    }

    /// Compacts the lowest level at or above its allowance, adding a level on top first when
    /// that is the top one.
    ///
    /// Unlike DataSketches, level 0 is compacted only once it holds `level0_batch(k)` items
    /// (or when no level above is at its allowance): DataSketches' rule lets level 0 shrink to
    /// its 8-item allowance, and then a compaction (a sort, a merge into level 1) frees only
    /// about 4 slots, so most of an update's time goes to compacting. With a batch of `k/4`
    /// items, a compaction sorts a few dozen keys at once and comes every `k/8` values or so.
    #[inline(never)]
    fn compress_one(&mut self) {
        self.levels_changed();
        let num_levels = self.levels.len();
        let len = |h: usize| self.levels.get(h).map_or(0, Vec::len);
        let cap = |h: usize| self.caps.get(h).copied().unwrap_or(MIN_LEVEL_WIDTH);
        let height = if len(0) >= level0_batch(self.k).max(cap(0)) {
            0
        } else {
            (1..num_levels).find(|&h| len(h) >= cap(h)).unwrap_or(0)
        };
        if height == 0 {
            // Groups no larger than level 0, so that at least one item is freed.
            let most = (usize::BITS - 1 - len(0).max(2).leading_zeros()) as usize;
            let s = sampling_height(self.k, self.n)
                .min(most)
                .min(MAX_LEVELS - 2);
            if s > 0 {
                self.sample_level0(s);
                return;
            }
        }
        if height + 1 >= num_levels && num_levels < MAX_LEVELS {
            self.levels.push(Vec::new());
            self.refresh_capacities();
        }
        self.compact(height);
    }

    /// Replaces each group of `2^s` consecutive items of level 0 (in arrival order) by one
    /// of them chosen at random, of weight `2^s`, merged into level `s`; the items of an
    /// incomplete last group stay in level 0. Weights are conserved exactly and the expected
    /// weight below any value is unchanged. A group contributes a rank error of variance at
    /// most `4^s / 4` (values), so the `n / 2^s` groups of a stream at most `n 2^s / 4`:
    /// with `2^s <= n / T` (`sampling_height`) a standard deviation of at most
    /// `1 / (2 sqrt(T))` of `n`, 0.18/k for `T = 8 k^2` (0.09% at `k = 200`).
    ///
    /// Sorting level 0 is most of the cost of a compaction-based update; sampling sorts
    /// only one item in `2^s`. The KLL paper (section 4) likewise replaces the lowest levels
    /// of a long stream by a sampler.
    fn sample_level0(&mut self, s: usize) {
        while self.levels.len() <= s {
            self.levels.push(Vec::new());
            self.refresh_capacities();
        }
        let Some(level) = self.levels.first_mut() else {
            return;
        };
        let mut level = std::mem::take(level);
        let groups = level.len() >> s;
        let full = groups << s;
        for g in 0..groups {
            let pick = (next_random(&mut self.rng) >> (64 - s)) as usize;
            if let Some(&x) = level.get((g << s) + pick) {
                if let Some(slot) = level.get_mut(g) {
                    *slot = x;
                }
            }
        }
        let picked = level.get_mut(..groups).unwrap_or(&mut []);
        picked.sort_unstable();
        self.merge_into(s, picked);
        level.copy_within(full.., 0);
        level.truncate(level.len() - full);
        self.retained -= full - groups;
        if let Some(slot) = self.levels.first_mut() {
            *slot = level;
        }
    }

    /// Halves level `height` into the level above.
    fn compact(&mut self, height: usize) {
        // Only at MAX_LEVELS, unreachable with u64 counts: nothing to compact into.
        if self.levels.len() <= height + 1 {
            return;
        }
        let offset = usize::from(next_random(&mut self.rng) >> 63 == 1);
        let mut level = match self.levels.get_mut(height) {
            Some(level) => std::mem::take(level),
            None => return,
        };
        if height == 0 {
            level.sort_unstable();
        }
        // An odd item out (the smallest) stays behind; the rest pair up, and one of each
        // pair (the same one of every pair) moves to the front, in place.
        let keep = level.len() % 2;
        let moved = (level.len() - keep) / 2;
        for i in 0..moved {
            if let Some(&x) = level.get(keep + offset + 2 * i) {
                if let Some(slot) = level.get_mut(keep + i) {
                    *slot = x;
                }
            }
        }
        self.merge_into(height + 1, level.get(keep..keep + moved).unwrap_or(&[]));
        level.truncate(keep);
        if let Some(slot) = self.levels.get_mut(height) {
            *slot = level;
        }
        self.retained -= moved;
    }

    /// Empties what `quantile` keeps: for every change to the levels but an append to level 0.
    fn levels_changed(&mut self) {
        self.reading.get_mut().clear();
    }

    /// Merges the sorted `items` into level `height` (which exists); `retained` is the
    /// caller's to update.
    fn merge_into(&mut self, height: usize, items: &[u64]) {
        self.levels_changed();
        let mut scratch = std::mem::take(&mut self.scratch);
        if let Some(level) = self.levels.get_mut(height) {
            merge_sorted(level, items, &mut scratch);
            std::mem::swap(level, &mut scratch);
        }
        self.scratch = scratch;
    }

    /// Merges `other` into this sketch (both must have the same `k`): its level 0 goes in as
    /// updates would, its higher levels are merged level by level, then levels over their
    /// allowance are compacted until the sketch fits.
    pub fn merge(&mut self, other: &Kll) -> Result<()> {
        super::moments::same_param("k", self.k, other.k)?;
        if other.n == 0 {
            return Ok(());
        }
        self.levels_changed();
        if let Some(level0) = other.levels.first() {
            self.insert_keys(level0);
        }
        for (h, level) in other.levels.iter().enumerate().skip(1) {
            if level.is_empty() {
                continue;
            }
            while self.levels.len() <= h {
                self.levels.push(Vec::new());
                self.refresh_capacities();
            }
            self.merge_into(h, level);
            self.retained += level.len();
            self.n += (level.len() as u64) << h;
        }
        self.min_key = self.min_key.min(other.min_key);
        self.max_key = self.max_key.max(other.max_key);
        while self.retained > self.capacity {
            self.compress_one();
        }
        // Decorrelate the coins of sketches that started from the same seed.
        self.rng ^= next_random(&mut other.rng.clone()).rotate_left(17);
        Ok(())
    }

    /// The retained items in order with their cumulative weights (inclusive).
    fn sorted_view(&self) -> Vec<(u64, u64)> {
        let mut items: Vec<(u64, u64)> = Vec::with_capacity(self.retained);
        for (h, level) in self.levels.iter().enumerate() {
            let w = 1u64 << h.min(63);
            items.extend(level.iter().map(|&x| (x, w)));
        }
        items.sort_unstable_by_key(|&(x, _)| x);
        let mut total = 0u64;
        for item in &mut items {
            total += item.1;
            item.1 = total;
        }
        items
    }

    /// The value at normalized rank `q` in [0, 1] (None while empty), by DataSketches' rules:
    /// the first retained item whose cumulative weight exceeds `q n` (exclusive, the order
    /// statistic at index `floor(q n)` while the sketch is exact), or reaches `ceil(q n)`
    /// (inclusive).
    ///
    /// The query after each update of a stream costs O(log^2 retained) plus the insertion of
    /// the new items into a sorted copy of level 0, not a sort of every retained item: see
    /// `Reading`. The answer is the same as `quantiles`'.
    pub fn quantile(&self, q: f64, inclusive: bool) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        // Only a query borrows the cache, and a query does not call another one.
        let Ok(mut reading) = self.reading.try_borrow_mut() else {
            return self
                .quantiles(&[q], inclusive)
                .and_then(|v| v.first().copied());
        };
        reading.refresh(&self.levels);
        Some(reading.quantile(q, self.n, inclusive))
    }

    /// `quantile` for several ranks, building the sorted view once.
    pub fn quantiles(&self, qs: &[f64], inclusive: bool) -> Option<Vec<f64>> {
        if self.n == 0 {
            return None;
        }
        let view = self.sorted_view();
        Some(
            qs.iter()
                .map(|&q| quantile_in(&view, q, self.n, inclusive))
                .collect(),
        )
    }

    /// The normalized rank of `x`: the weight of the retained items `< x` (exclusive) or
    /// `<= x` (inclusive), over `n` (None while empty).
    pub fn rank(&self, x: f64, inclusive: bool) -> Option<f64> {
        self.ranks(&[x], inclusive).and_then(|r| r.first().copied())
    }

    /// `rank` for several values, building the sorted view once.
    pub fn ranks(&self, xs: &[f64], inclusive: bool) -> Option<Vec<f64>> {
        if self.n == 0 {
            return None;
        }
        let view = self.sorted_view();
        let n = self.n as f64;
        Some(
            xs.iter()
                .map(|&x| {
                    let kx = key(x);
                    let below = if inclusive {
                        view.partition_point(|&(item, _)| item <= kx)
                    } else {
                        view.partition_point(|&(item, _)| item < kx)
                    };
                    let weight = below
                        .checked_sub(1)
                        .and_then(|i| view.get(i))
                        .map_or(0, |&(_, c)| c);
                    weight as f64 / n
                })
                .collect(),
        )
    }
}

fn quantile_in(view: &[(u64, u64)], q: f64, n: u64, inclusive: bool) -> f64 {
    let target = q * n as f64;
    let i = if inclusive {
        let target = target.ceil();
        view.partition_point(|&(_, c)| (c as f64) < target)
    } else {
        view.partition_point(|&(_, c)| (c as f64) <= target)
    };
    view.get(i)
        .or_else(|| view.last())
        .map_or(f64::NAN, |&(x, _)| value(x))
}

/// `q` for `get`, `quantile`: a normalized rank in [0, 1].
pub fn check_rank(name: &'static str, q: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&q) {
        Ok(q)
    } else {
        Err(StatsError::param(
            name,
            format!("must be between 0 and 1, got {q}"),
        ))
    }
}

/// `river.stats.KLLQuantile`: a KLL sketch and the quantile `get` reports.
#[derive(Clone, Debug, PartialEq)]
pub struct KLLQuantile {
    q: f64,
    seed: u64,
    sketch: Kll,
}

impl KLLQuantile {
    pub fn new(q: f64, k: i64, seed: u64) -> Result<Self> {
        let q = check_rank("q", q)?;
        let k = check_k(k)?;
        Ok(Self {
            q,
            seed,
            sketch: Kll::new(k, seed),
        })
    }

    /// Wraps a sketch (read from another format) with the given `q` and seed parameter.
    pub fn from_sketch(q: f64, seed: u64, sketch: Kll) -> Result<Self> {
        Ok(Self {
            q: check_rank("q", q)?,
            seed,
            sketch,
        })
    }

    pub fn q(&self) -> f64 {
        self.q
    }

    pub fn k(&self) -> u16 {
        self.sketch.k()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn sketch(&self) -> &Kll {
        &self.sketch
    }

    /// Merges `other` (same `q` and `k`) into this one.
    pub fn merge(&mut self, other: &KLLQuantile) -> Result<()> {
        super::moments::same_param("q", self.q, other.q)?;
        self.sketch.merge(&other.sketch)
    }
}

impl Univariate for KLLQuantile {
    #[inline]
    fn update(&mut self, x: f64) {
        self.sketch.update(x);
    }

    fn get(&self) -> Option<f64> {
        self.sketch.quantile(self.q, false)
    }

    fn update_many(&mut self, xs: &[f64]) {
        self.sketch.update_many(xs);
    }

    fn try_update_many(&mut self, xs: &[f64]) -> Result<()> {
        self.sketch.try_update_many(xs)
    }
}

impl Adopt for KLLQuantile {
    const NAME: &'static str = "KLLQuantile";

    fn reshaped_by(&self, fitted: &Self) -> Option<&'static str> {
        differs("k", self.k(), fitted.k())
    }

    fn adopt(&mut self, fitted: &Self) -> Result<()> {
        if let Some(param) = self.reshaped_by(fitted) {
            return Err(StatsError::InvalidOperation(format!(
                "KLLQuantile cannot keep its fitted state under a new {param}: use \
                 clone(new_params) without include_attributes"
            )));
        }
        self.sketch = fitted.sketch.clone();
        Ok(())
    }
}

/// The pickled state. Levels are written as LEB128 varints: per level its length, then its
/// keys sorted, each as the difference from the one before (the first from the minimum's
/// key), which takes 5 to 8 bytes per item instead of 8.
#[derive(Serialize, Deserialize)]
pub struct KllState {
    q: f64,
    seed: u64,
    k: u16,
    rng: u64,
    n: u64,
    min: f64,
    max: f64,
    levels: Vec<u8>,
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &mut &[u8]) -> Result<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let Some((&b, rest)) = bytes.split_first() else {
            return Err(StatsError::corrupt(
                "the levels end in the middle of a number",
            ));
        };
        *bytes = rest;
        let part = u64::from(b & 0x7f);
        if shift == 63 && part > 1 {
            return Err(StatsError::corrupt(
                "a number in the levels exceeds 64 bits",
            ));
        }
        v |= part << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(StatsError::corrupt(
        "a number in the levels exceeds 64 bits",
    ))
}

impl Persist for KLLQuantile {
    const TAG: u8 = 60;
    const VERSION: u8 = 1;
    type State = KllState;

    fn to_state(&self) -> KllState {
        let s = &self.sketch;
        let mut levels = Vec::with_capacity(s.retained * 7 + 16);
        push_varint(&mut levels, s.levels.len() as u64);
        let mut sorted0 = Vec::new();
        for (h, level) in s.levels.iter().enumerate() {
            let level = if h == 0 {
                sorted0.extend_from_slice(level);
                sorted0.sort_unstable();
                &sorted0
            } else {
                level
            };
            push_varint(&mut levels, level.len() as u64);
            let mut previous = s.min_key;
            for &x in level {
                push_varint(&mut levels, x.wrapping_sub(previous));
                previous = x;
            }
        }
        KllState {
            q: self.q,
            seed: self.seed,
            k: s.k,
            rng: s.rng,
            n: s.n,
            min: if s.n == 0 { 0.0 } else { value(s.min_key) },
            max: if s.n == 0 { 0.0 } else { value(s.max_key) },
            levels,
        }
    }

    fn heap_bytes(&self) -> usize {
        self.sketch.heap_bytes()
    }

    fn check_replaces(&self, current: &Self) -> Result<()> {
        let _ = current;
        Ok(())
    }

    fn from_state(s: KllState, _version: u8) -> Result<Self> {
        let q = check_rank("q", s.q).map_err(|e| StatsError::corrupt(e.to_string()))?;
        let k = check_k(i64::from(s.k)).map_err(|e| StatsError::corrupt(e.to_string()))?;
        let min_max = (s.n > 0).then_some((s.min, s.max));
        if s.n == 0 && (s.min.to_bits() != 0 || s.max.to_bits() != 0) {
            return Err(StatsError::corrupt(
                "an empty sketch stores 0.0 as its extremes",
            ));
        }
        if s.n > 0 && (s.min.is_nan() || s.max.is_nan()) {
            return Err(StatsError::corrupt("the minimum or maximum is NaN"));
        }
        let base = if s.n == 0 { u64::MAX } else { key(s.min) };
        let mut bytes = s.levels.as_slice();
        let num_levels = read_varint(&mut bytes)?;
        if num_levels == 0 || num_levels > MAX_LEVELS as u64 {
            return Err(StatsError::corrupt(format!(
                "a sketch has 1 to {MAX_LEVELS} levels, got {num_levels}"
            )));
        }
        let mut levels = Vec::new();
        for h in 0..num_levels {
            let len = read_varint(&mut bytes)?;
            // Every item takes at least one byte: a length beyond the bytes left is a lie,
            // and refusing it first keeps the allocation within the input's size.
            if len > bytes.len() as u64 {
                return Err(StatsError::corrupt(format!(
                    "level {h} claims {len} items, more than the bytes left"
                )));
            }
            let mut level = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            let mut previous = base;
            for _ in 0..len {
                let x = previous
                    .checked_add(read_varint(&mut bytes)?)
                    .ok_or_else(|| StatsError::corrupt(format!("level {h} overflows")))?;
                level.push(x);
                previous = x;
            }
            levels.push(level);
        }
        if !bytes.is_empty() {
            return Err(StatsError::corrupt("trailing bytes after the levels"));
        }
        let sketch = Kll::from_parts(k, s.n, min_max, levels, s.rng)?;
        Ok(Self {
            q,
            seed: s.seed,
            sketch,
        })
    }
}

/// `+` and `+=` through the class macro's `merge` feature. No `-`: a compaction forgets
/// which items it dropped, so a merged sketch cannot be taken apart.
impl super::moments::Merge for KLLQuantile {
    fn merge(&mut self, other: &Self) -> Result<()> {
        KLLQuantile::merge(self, other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: u64, n: usize) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| (next_random(&mut s) >> 11) as f64 / (1u64 << 53) as f64)
            .collect()
    }

    /// Worst absolute difference between the sketch's rank and the true rank, over the 99
    /// percentiles, with the true rank from the sorted data.
    fn worst_rank_error(sketch: &Kll, data: &[f64]) -> f64 {
        let mut sorted = data.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len() as f64;
        (1..100)
            .map(|i| {
                let q = f64::from(i) / 100.0;
                let x = sketch.quantile(q, false).unwrap();
                let lo = sorted.partition_point(|&v| v < x) as f64 / n;
                let hi = sorted.partition_point(|&v| v <= x) as f64 / n;
                if q < lo {
                    lo - q
                } else if q > hi {
                    q - hi
                } else {
                    0.0
                }
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn keys_preserve_order() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1e300,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(key(w[0]) <= key(w[1]));
            assert_eq!(value(key(w[0])), w[0] + 0.0);
        }
        assert_eq!(key(-0.0), key(0.0));
        assert!(!is_nan_key(key(f64::INFINITY)));
        assert!(is_nan_key(key(f64::INFINITY) + 1));
    }

    #[test]
    fn capacities_match_datasketches() {
        // DataSketches reports these capacities for k=8 and k=200 sketches.
        assert_eq!(total_capacity(8, 3), 24);
        assert_eq!(total_capacity(200, 1), 200);
        assert_eq!(level_capacity(200, 2, 0), 133);
        assert_eq!(level_capacity(200, 61, 0), 8);
    }

    #[test]
    fn exact_while_small() {
        let mut s = Kll::new(200, 1);
        for x in [3.0, 1.0, 2.0] {
            s.update(x);
        }
        assert_eq!(s.quantile(0.0, false), Some(1.0));
        assert_eq!(s.quantile(0.5, false), Some(2.0));
        assert_eq!(s.quantile(1.0, false), Some(3.0));
        // Exclusive: index floor(q n); inclusive: index ceil(q n) - 1.
        assert_eq!(s.quantile(2.0 / 3.0, false), Some(3.0));
        assert_eq!(s.quantile(2.0 / 3.0, true), Some(2.0));
        assert_eq!(s.rank(2.0, true), Some(2.0 / 3.0));
        assert_eq!(s.rank(2.0, false), Some(1.0 / 3.0));
        assert_eq!(s.rank(0.0, true), Some(0.0));
        assert_eq!(Kll::new(200, 1).quantile(0.5, false), None);
    }

    /// The number of values the retained items stand for.
    fn total_weight(s: &Kll) -> u64 {
        s.levels
            .iter()
            .enumerate()
            .map(|(h, l)| (l.len() as u64) << h)
            .sum()
    }

    #[test]
    fn weight_is_conserved_and_capacity_kept() {
        let data = lcg(7, 200_000);
        let mut s = Kll::new(200, 3);
        for (i, &x) in data.iter().enumerate() {
            s.update(x);
            if i % 9_973 == 0 {
                assert_eq!(total_weight(&s), s.n);
                assert!(s.retained <= s.capacity);
            }
        }
        assert_eq!(s.n, 200_000);
    }

    #[test]
    fn update_many_equals_update_loop() {
        let data = lcg(11, 50_000);
        let mut a = Kll::new(64, 5);
        let mut b = Kll::new(64, 5);
        for &x in &data {
            a.update(x);
        }
        for chunk in data.chunks(777) {
            b.update_many(chunk);
        }
        assert_eq!(a, b);
    }

    #[test]
    fn accuracy_on_orders_and_duplicates() {
        let n = 300_000;
        let base = lcg(13, n);
        let mut sorted = base.clone();
        sorted.sort_by(f64::total_cmp);
        let reversed: Vec<f64> = sorted.iter().rev().copied().collect();
        let dups: Vec<f64> = base.iter().map(|x| (x * 10.0).floor()).collect();
        let mixed: Vec<f64> = base
            .iter()
            .enumerate()
            .map(|(i, x)| match i % 50 {
                0 => f64::INFINITY,
                1 => f64::NEG_INFINITY,
                _ => (x - 0.5) * 10f64.powi((i % 600) as i32 - 300),
            })
            .collect();
        for data in [&base, &sorted, &reversed, &dups, &mixed] {
            let mut s = Kll::new(200, 17);
            s.update_many(data);
            let err = worst_rank_error(&s, data);
            assert!(err < 0.0133, "worst rank error {err}");
        }
    }

    #[test]
    fn sampling_starts_late_and_keeps_accuracy() {
        assert_eq!(sampling_start(200), 320_000);
        assert_eq!(sampling_start(8), 1 << 16);
        assert_eq!(sampling_height(200, 639_999), 0);
        assert_eq!(sampling_height(200, 640_000), 1);
        assert_eq!(sampling_height(200, 2_560_000), 3);
        let n = 3_000_000;
        let base = lcg(43, n);
        let mut sorted = base.clone();
        sorted.sort_by(f64::total_cmp);
        for data in [&base, &sorted] {
            let mut s = Kll::new(200, 5);
            s.update_many(&data[..1_280_000]);
            // From 4 T values on, level 0 goes to level 2 and above: level 1 never grows.
            let mut level1 = s.levels[1].len();
            for chunk in data[1_280_000..].chunks(1_000) {
                s.update_many(chunk);
                assert!(s.levels[1].len() <= level1);
                level1 = s.levels[1].len();
            }
            assert_eq!(total_weight(&s), n as u64);
            assert!(s.retained <= s.capacity);
            let err = worst_rank_error(&s, data);
            assert!(err < 0.0133, "worst rank error with sampling {err}");
        }
    }

    #[test]
    fn tree_merge_of_shards_and_lopsided_merges() {
        let data = lcg(21, 256_000);
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        for input in [&data, &sorted] {
            let mut shards: Vec<Kll> = input
                .chunks(4_000)
                .enumerate()
                .map(|(i, c)| {
                    let mut s = Kll::new(200, i as u64);
                    s.update_many(c);
                    s
                })
                .collect();
            while shards.len() > 1 {
                shards = shards
                    .chunks(2)
                    .map(|p| {
                        let mut a = p[0].clone();
                        if let Some(b) = p.get(1) {
                            a.merge(b).unwrap();
                        }
                        a
                    })
                    .collect();
            }
            let merged = &shards[0];
            assert_eq!(merged.n, input.len() as u64);
            assert!(merged.retained <= merged.capacity);
            let err = worst_rank_error(merged, input);
            assert!(err < 0.0133, "worst rank error after merge {err}");
        }
        // A tiny sketch into a huge one and a huge one into a tiny one.
        let mut big = Kll::new(200, 1);
        big.update_many(&data);
        let mut tiny = Kll::new(200, 2);
        tiny.update_many(&[-1.0, 2.0, 0.5]);
        let mut a = big.clone();
        a.merge(&tiny).unwrap();
        let mut b = tiny.clone();
        b.merge(&big).unwrap();
        let mut all = data.clone();
        all.extend([-1.0, 2.0, 0.5]);
        for s in [&a, &b] {
            assert_eq!(s.n, all.len() as u64);
            assert_eq!(s.min(), Some(-1.0));
            assert_eq!(s.max(), Some(2.0));
            assert!(worst_rank_error(s, &all) < 0.0133);
        }
        assert!(Kll::new(100, 1).merge(&big).is_err());
    }

    #[test]
    fn state_round_trips_and_continues_identically() {
        let data = lcg(31, 30_000);
        let mut a = KLLQuantile::new(0.3, 200, 9).unwrap();
        a.update_many(&data[..20_000]);
        let bytes = super::super::state::dump(&a).unwrap();
        let mut b: KLLQuantile = super::super::state::load(&bytes).unwrap();
        assert_eq!(a, b);
        a.update_many(&data[20_000..]);
        b.update_many(&data[20_000..]);
        assert_eq!(a, b);
        assert_eq!(a.get(), b.get());
        // Smaller than 8 bytes per retained item plus the levels' offsets.
        assert!(bytes.len() < 36 + 8 * a.sketch.retained());
        assert!(super::super::state::exercise(&bytes));
    }

    #[test]
    fn hostile_states_are_refused() {
        let mut a = KLLQuantile::new(0.5, 200, 9).unwrap();
        a.update_many(&lcg(1, 5_000));
        let good = super::super::state::dump(&a).unwrap();
        for cut in 0..good.len() {
            assert!(super::super::state::load::<KLLQuantile>(&good[..cut]).is_err());
        }
        let mut s = a.to_state();
        s.n += 1;
        assert!(KLLQuantile::from_state(s, 1).is_err());
        let mut s = a.to_state();
        s.levels = vec![1, 0xff, 0xff, 0xff, 0xff, 0x0f];
        assert!(KLLQuantile::from_state(s, 1).is_err());
        let mut s = a.to_state();
        s.k = 3;
        assert!(KLLQuantile::from_state(s, 1).is_err());
        let mut s = a.to_state();
        s.max = s.min - 1.0;
        assert!(KLLQuantile::from_state(s, 1).is_err());
    }

    /// The error of the level-0 batching against DataSketches' rule (a batch of 8): `cargo
    /// test --profile fast -- --ignored mean_error --nocapture`. Measured: 0.63% mean, 0.90%
    /// max with batches of k/4 (k/2: 0.75%, 1.08%; k: 0.88%, 1.33%; 8: 0.59%, 0.76%), before
    /// level 0 was sampled; with sampling past 640,000 values: 0.68% mean, 0.82% max.
    #[test]
    #[ignore]
    fn mean_error() {
        let data = lcg(77, 1_000_000);
        let mut total = 0.0;
        let mut worst: f64 = 0.0;
        for seed in 0..10 {
            let mut s = Kll::new(200, seed);
            s.update_many(&data);
            let e = worst_rank_error(&s, &data);
            total += e;
            worst = worst.max(e);
        }
        eprintln!(
            "mean worst rank error {:.5}, max {:.5}",
            total / 10.0,
            worst
        );
    }

    #[test]
    fn mutated_states_load_consistently_or_are_refused() {
        let mut a = KLLQuantile::new(0.5, 8, 9).unwrap();
        a.update_many(&lcg(3, 300));
        let good = super::super::state::dump(&a).unwrap();
        let mut rng = 5u64;
        for _ in 0..20_000 {
            let mut bad = good.clone();
            for _ in 0..1 + next_random(&mut rng) % 3 {
                let i = (next_random(&mut rng) % bad.len() as u64) as usize;
                bad[i] ^= 1 << (next_random(&mut rng) % 8);
            }
            // Whatever loads must behave (exercise asserts its round trip).
            super::super::state::exercise(&bad);
        }
    }

    #[test]
    fn same_seed_same_sketch() {
        let data = lcg(41, 20_000);
        let mut a = KLLQuantile::new(0.5, 200, 3).unwrap();
        let mut b = KLLQuantile::new(0.5, 200, 3).unwrap();
        let mut c = KLLQuantile::new(0.5, 200, 4).unwrap();
        for s in [&mut a, &mut b, &mut c] {
            s.update_many(&data);
        }
        assert_eq!(a, b);
        assert_ne!(a.sketch, c.sketch);
    }

    /// `quantile` (from the kept sorted parts) against `quantiles` (a full sorted view) for
    /// several ranks, both rules, bit for bit.
    fn check_quantile_reads(s: &Kll) {
        for q in [0.0, 1e-9, 0.01, 0.25, 0.5, 0.5 + 1e-12, 0.75, 0.99, 1.0] {
            for inclusive in [false, true] {
                let fast = s.quantile(q, inclusive).map(f64::to_bits);
                let full = s.quantiles(&[q], inclusive).map(|v| v[0].to_bits());
                assert_eq!(fast, full, "q {q} inclusive {inclusive} n {}", s.n());
            }
        }
    }

    #[test]
    fn quantile_after_each_update_equals_the_full_sorted_view() {
        // Ties (few distinct values), signed zeros, a sorted run, then enough values for
        // compactions at every level and the sampling of level 0 (k = 8: past 2^17 values).
        let mut data: Vec<f64> = lcg(5, 3_000)
            .iter()
            .map(|x| (x * 7.0).floor() - 3.0)
            .collect();
        data.extend([0.0, -0.0, -0.0, 0.0]);
        data.extend((0..500).map(f64::from));
        data.extend(lcg(6, 140_000));
        let mut s = Kll::new(8, 1);
        assert_eq!(s.quantile(0.5, false), None);
        for (i, &x) in data.iter().enumerate() {
            s.update(x);
            if i < 5_000 || i % 997 == 0 {
                check_quantile_reads(&s);
            }
        }
        // Batches, merges and a reload change the levels other than by appends to level 0.
        let mut other = Kll::new(8, 2);
        other.update_many(&lcg(7, 5_000));
        let mut t = Kll::new(8, 3);
        for chunk in lcg(8, 3_000).chunks(37) {
            t.update_many(chunk);
            check_quantile_reads(&t);
            t.merge(&other).unwrap();
            check_quantile_reads(&t);
            t.update(0.5);
            check_quantile_reads(&t);
        }
        let copy = t.clone();
        check_quantile_reads(&copy);
        assert_eq!(copy, t);
    }
}
