//! Statistics over hashable values: Mode, RollingMode, Entropy and ChiSquared.
//!
//! Generic over the key type `K: Hash + Eq + Clone` and the hasher `S`, so that the core
//! knows nothing of Python: the bindings use a key that wraps a Python object with its cached
//! `hash()` and compares with Python's `==`, the tests here use plain Rust values.
//!
//! Every update is split in two: a lookup (`Tally::find`), then the change. Between the two
//! the caller is asked (`ok`) whether the lookup may be trusted: a Python `__eq__` can raise,
//! and then nothing must change. The `update_found` methods take the lookup's result from the
//! caller, which may know it without asking the hash map (a batch remembers where each of its
//! values was found: a slot names the same key for as long as its `stamp` is unchanged).

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

/// The hasher of the table's cells, keyed by a pair of slot numbers (small, dense integers
/// chosen here, not by the input), and of other integer keys: a multiply, far cheaper than
/// SipHash.
#[derive(Clone, Copy, Default)]
pub struct SlotsHasher(u64);

impl Hasher for SlotsHasher {
    fn finish(&self) -> u64 {
        // Folded multiply: every bit of the input reaches the low bits the table indexes by.
        let m = u128::from(self.0) * 0x9E37_79B9_7F4A_7C15;
        (m as u64) ^ ((m >> 64) as u64)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.0 = self.0.rotate_left(32) ^ u64::from(i);
    }

    fn write_u64(&mut self, i: u64) {
        self.0 ^= i;
    }
}

type Cells = HashMap<(u32, u32), Cell, BuildHasherDefault<SlotsHasher>>;

/// One counted key: its count and the time it entered the tally (its place in the order of
/// first sight, as a Python dict's insertion order).
#[derive(Clone, Debug)]
struct Slot<K> {
    key: K,
    count: u64,
    stamp: u64,
}

/// Keys with counts, in the order they entered, like a Python dict of counts: a key whose
/// count went back to 0 is removed and, seen again, enters anew at the end. Slots are numbered
/// and a freed number is reused, so a number names a key for as long as the key is counted.
#[derive(Clone, Debug)]
pub struct Tally<K, S> {
    index: HashMap<K, u32, S>,
    slots: Vec<Option<Slot<K>>>,
    free: Vec<u32>,
    clock: u64,
}

impl<K: Hash + Eq + Clone, S: BuildHasher + Default + Clone> Default for Tally<K, S> {
    fn default() -> Self {
        Self {
            index: HashMap::default(),
            slots: Vec::new(),
            free: Vec::new(),
            clock: 0,
        }
    }
}

impl<K: Hash + Eq + Clone, S: BuildHasher + Default + Clone> Tally<K, S> {
    /// How many keys are counted.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The slot of `key`, if it is counted.
    #[inline]
    pub fn find(&self, key: &K) -> Option<u32> {
        self.index.get(key).copied()
    }

    /// Counts a key not counted yet, with count 0, at the end of the order.
    pub fn insert(&mut self, key: K) -> u32 {
        let slot = Slot {
            key: key.clone(),
            count: 0,
            stamp: self.clock,
        };
        self.clock += 1;
        let at = match self.free.pop() {
            Some(at) => {
                if let Some(place) = self.slots.get_mut(at as usize) {
                    *place = Some(slot);
                }
                at
            }
            None => {
                self.slots.push(Some(slot));
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(key, at);
        at
    }

    #[inline]
    fn slot(&self, at: u32) -> Option<&Slot<K>> {
        self.slots.get(at as usize).and_then(Option::as_ref)
    }

    /// The count of slot `at` (0 for a free slot).
    #[inline]
    pub fn count(&self, at: u32) -> u64 {
        self.slot(at).map_or(0, |s| s.count)
    }

    /// When slot `at`'s key entered the tally.
    #[inline]
    pub fn stamp(&self, at: u32) -> u64 {
        self.slot(at).map_or(u64::MAX, |s| s.stamp)
    }

    pub fn key(&self, at: u32) -> Option<&K> {
        self.slot(at).map(|s| &s.key)
    }

    /// Adds `delta` to slot `at`'s count and returns the new count.
    #[inline]
    pub fn add(&mut self, at: u32, delta: u64) -> u64 {
        match self.slots.get_mut(at as usize).and_then(Option::as_mut) {
            Some(s) => {
                s.count += delta;
                s.count
            }
            None => 0,
        }
    }

    /// Takes one from slot `at`'s count; at 0 the key is no longer counted. The new count.
    pub fn take_one(&mut self, at: u32) -> u64 {
        let Some(place) = self.slots.get_mut(at as usize) else {
            return 0;
        };
        let Some(s) = place.as_mut() else { return 0 };
        s.count = s.count.saturating_sub(1);
        if s.count > 0 {
            return s.count;
        }
        if let Some(s) = place.take() {
            self.index.remove(&s.key);
            self.free.push(at);
        }
        0
    }

    /// The counted slots in the order their keys entered.
    pub fn ordered(&self) -> Vec<u32> {
        let mut out: Vec<(u64, u32)> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|s| (s.stamp, i as u32)))
            .collect();
        out.sort_unstable();
        out.into_iter().map(|(_, i)| i).collect()
    }

    /// (key, count) in the order the keys entered.
    pub fn items(&self) -> Vec<(&K, u64)> {
        self.ordered()
            .into_iter()
            .filter_map(|at| self.slot(at).map(|s| (&s.key, s.count)))
            .collect()
    }

    /// The slot of `key`, counted anew if it was not.
    pub fn find_or_insert(&mut self, key: &K) -> u32 {
        match self.find(key) {
            Some(at) => at,
            None => self.insert(key.clone()),
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.index.capacity() * (std::mem::size_of::<K>() + 4 + 1)
            + self.slots.capacity() * std::mem::size_of::<Option<Slot<K>>>()
            + self.free.capacity() * 4
    }
}

/// Running mode of the first `k` distinct values (all of them for `k == -1`); ties go to the
/// value seen first. O(1) per update.
#[derive(Clone, Debug)]
pub struct Mode<K, S> {
    k: i64,
    tally: Tally<K, S>,
    top: u64,
    mode: Option<u32>,
}

impl<K: Hash + Eq + Clone, S: BuildHasher + Default + Clone> Mode<K, S> {
    pub fn new(k: i64) -> Self {
        Self {
            k,
            tally: Tally::default(),
            top: 0,
            mode: None,
        }
    }

    pub fn k(&self) -> i64 {
        self.k
    }

    pub fn tally(&self) -> &Tally<K, S> {
        &self.tally
    }

    fn full(&self) -> bool {
        self.k != -1 && i64::try_from(self.tally.len()).map_or(true, |n| n >= self.k)
    }

    /// Counts `key`, unless `ok()` says the lookup failed; whether anything was counted.
    #[inline]
    pub fn update_checked(&mut self, key: &K, ok: impl FnOnce() -> bool) -> bool {
        let found = self.tally.find(key);
        if !ok() {
            return false;
        }
        self.update_found(found, key);
        true
    }

    /// Counts `key`, found at `found` (what `self.tally().find(key)` gives).
    #[inline]
    pub fn update_found(&mut self, found: Option<u32>, key: &K) {
        let at = match found {
            Some(at) => at,
            None if self.full() => return,
            None => self.tally.insert(key.clone()),
        };
        self.bumped(at, 1);
    }

    pub fn update(&mut self, key: &K) {
        self.update_checked(key, || true);
    }

    fn bumped(&mut self, at: u32, by: u64) {
        let c = self.tally.add(at, by);
        match self.mode {
            Some(m)
                if c < self.top
                    || (c == self.top && self.tally.stamp(m) <= self.tally.stamp(at)) => {}
            _ => {
                self.top = c;
                self.mode = Some(at);
            }
        }
    }

    pub fn get(&self) -> Option<&K> {
        self.mode.and_then(|m| self.tally.key(m))
    }

    /// Becomes the mode of this stream followed by `other`'s (exact for `k == -1`): counts
    /// add up, `other`'s new values come after this one's in the order of first sight.
    pub fn merge(&mut self, other: &Self) {
        for (key, c) in other.tally.items() {
            let at = self.tally.find_or_insert(key);
            self.tally.add(at, c);
        }
        self.recompute();
    }

    fn recompute(&mut self) {
        self.top = 0;
        self.mode = None;
        for at in self.tally.ordered() {
            let c = self.tally.count(at);
            if c > self.top {
                self.top = c;
                self.mode = Some(at);
            }
        }
    }

    /// A mode with these counts, in this order of first sight (a loaded state). Keys that
    /// repeat are added up; counts of 0 are refused by the caller.
    pub fn from_counts(k: i64, counts: impl IntoIterator<Item = (K, u64)>) -> Self {
        let mut mode = Self::new(k);
        for (key, c) in counts {
            let at = mode.tally.find_or_insert(&key);
            mode.tally.add(at, c);
        }
        mode.recompute();
        mode
    }

    /// This state under another `k` (a clone with new parameters keeps the counts).
    pub fn with_k(&self, k: i64) -> Self {
        Self { k, ..self.clone() }
    }
}

/// Running mode of the last `window_size` values; ties go to the value that entered the
/// counts first (a value that left the window entirely and came back counts as new).
/// O(log distinct values) per update: the values are kept ordered by (count desc, entry).
#[derive(Clone, Debug)]
pub struct RollingMode<K, S> {
    window_size: usize,
    tally: Tally<K, S>,
    window: VecDeque<u32>,
    order: BTreeSet<(Reverse<u64>, u64, u32)>,
}

impl<K: Hash + Eq + Clone, S: BuildHasher + Default + Clone> RollingMode<K, S> {
    pub fn new(window_size: usize) -> Self {
        Self {
            window_size: window_size.max(1),
            tally: Tally::default(),
            window: VecDeque::new(),
            order: BTreeSet::new(),
        }
    }

    pub fn window_size(&self) -> usize {
        self.window_size
    }

    pub fn tally(&self) -> &Tally<K, S> {
        &self.tally
    }

    /// The window's values, oldest first.
    pub fn window(&self) -> impl Iterator<Item = &K> + '_ {
        self.window.iter().filter_map(|&at| self.tally.key(at))
    }

    fn entry(&self, at: u32) -> (Reverse<u64>, u64, u32) {
        (Reverse(self.tally.count(at)), self.tally.stamp(at), at)
    }

    /// Adds `key`, unless `ok()` says the lookup failed; whether anything changed.
    #[inline]
    pub fn update_checked(&mut self, key: &K, ok: impl FnOnce() -> bool) -> bool {
        let found = self.tally.find(key);
        if !ok() {
            return false;
        }
        self.step(found, key, true);
        true
    }

    /// Adds `key`, found at `found` (what `self.tally().find(key)` gives).
    #[inline]
    pub fn update_found(&mut self, found: Option<u32>, key: &K) {
        self.step(found, key, true);
    }

    /// Adds a batch of `len` values, each given by `next` from the current counts as (where
    /// it was found, the key), until `next` gives None or fails. When the batch is at least as
    /// long as the counts, the order of the values by count is not kept along the way but
    /// rebuilt once at the end (also after a failure), in O(d log d) for d distinct values.
    pub fn update_batch<E>(
        &mut self,
        len: usize,
        mut next: impl FnMut(&Tally<K, S>) -> Result<Option<(Option<u32>, K)>, E>,
    ) -> Result<(), E> {
        let ordered = len < self.tally.len();
        let mut out = Ok(());
        loop {
            match next(&self.tally) {
                Ok(Some((found, key))) => self.step(found, &key, ordered),
                Ok(None) => break,
                Err(e) => {
                    out = Err(e);
                    break;
                }
            }
        }
        if !ordered {
            self.reorder();
        }
        out
    }

    /// Rebuilds the order of the values by (count, entry) from the counts.
    fn reorder(&mut self) {
        self.order = self
            .tally
            .ordered()
            .into_iter()
            .map(|at| self.entry(at))
            .collect();
    }

    /// One update; `ordered`: whether `order` is kept up to date.
    #[inline]
    fn step(&mut self, mut found: Option<u32>, key: &K, ordered: bool) {
        if self.window.len() >= self.window_size {
            if let Some(old) = self.window.pop_front() {
                if found == Some(old) && self.tally.count(old) > 1 {
                    // The value that leaves comes back: its count and place stay as they are.
                    self.window.push_back(old);
                    return;
                }
                if ordered {
                    self.order.remove(&self.entry(old));
                }
                if self.tally.take_one(old) > 0 {
                    if ordered {
                        self.order.insert(self.entry(old));
                    }
                } else if found == Some(old) {
                    found = None; // `key` itself left the counts: it enters anew
                }
            }
        }
        let at = match found {
            Some(at) => {
                if ordered {
                    self.order.remove(&self.entry(at));
                }
                at
            }
            None => self.tally.insert(key.clone()),
        };
        self.tally.add(at, 1);
        if ordered {
            self.order.insert(self.entry(at));
        }
        self.window.push_back(at);
    }

    pub fn update(&mut self, key: &K) {
        self.update_checked(key, || true);
    }

    pub fn get(&self) -> Option<&K> {
        self.order
            .first()
            .and_then(|&(_, _, at)| self.tally.key(at))
    }

    /// The state of a window holding `window` (oldest first), whose distinct values entered
    /// the counts in the order of `entered` (each value of the window exactly once, checked by
    /// the caller). None when `window` is longer than `window_size` or `entered` does not
    /// hold exactly the window's distinct values.
    pub fn from_parts(window_size: usize, entered: Vec<K>, window: Vec<K>) -> Option<Self> {
        let mut out = Self::new(window_size);
        if window.len() > out.window_size {
            return None;
        }
        for key in entered {
            if out.tally.find(&key).is_some() {
                return None;
            }
            out.tally.insert(key);
        }
        for key in &window {
            let at = out.tally.find(key)?;
            out.tally.add(at, 1);
            out.window.push_back(at);
        }
        if out
            .tally
            .ordered()
            .iter()
            .any(|&at| out.tally.count(at) == 0)
        {
            return None;
        }
        out.reorder();
        Some(out)
    }

    pub fn heap_bytes(&self) -> usize {
        self.tally.heap_bytes() + self.window.capacity() * 4 + self.order.len() * 32
    }
}

/// Sovdat's running entropy with eps smoothing and fading, as River computes it.
#[derive(Clone, Debug)]
pub struct Entropy<K, S> {
    fading_factor: f64,
    eps: f64,
    entropy: f64,
    n: u64,
    tally: Tally<K, S>,
}

impl<K: Hash + Eq + Clone, S: BuildHasher + Default + Clone> Entropy<K, S> {
    pub fn new(fading_factor: f64, eps: f64) -> Self {
        Self {
            fading_factor,
            eps,
            entropy: 0.0,
            n: 0,
            tally: Tally::default(),
        }
    }

    pub fn fading_factor(&self) -> f64 {
        self.fading_factor
    }

    pub fn eps(&self) -> f64 {
        self.eps
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn tally(&self) -> &Tally<K, S> {
        &self.tally
    }

    pub fn get(&self) -> f64 {
        self.entropy
    }

    /// Counts `key`, unless `ok()` says the lookup failed; whether anything changed.
    #[inline]
    pub fn update_checked(&mut self, key: &K, ok: impl FnOnce() -> bool) -> bool {
        let found = self.tally.find(key);
        if !ok() {
            return false;
        }
        self.update_found(found, key);
        true
    }

    /// Counts `key`, found at `found` (what `self.tally().find(key)` gives).
    #[inline]
    pub fn update_found(&mut self, found: Option<u32>, key: &K) {
        let at = match found {
            Some(at) => at,
            None => self.tally.insert(key.clone()),
        };
        self.counted(at);
    }

    pub fn update(&mut self, key: &K) {
        self.update_checked(key, || true);
    }

    /// Sovdat (2014), adding one occurrence of slot `at`'s value: the entropy of the n values
    /// seen is rescaled to n + 1 values, then the value's term is replaced. The same operations
    /// in the same order as River's Python, so the same bits.
    #[inline]
    fn counted(&mut self, at: u32) {
        let cx = self.tally.count(at) as f64;
        let (n, eps) = (self.n as f64, self.eps);
        let n1 = (self.n + 1) as f64;
        let mut h = (n + eps) / n1 * (self.fading_factor * self.entropy - ((n + eps) / n1).ln());
        h -= (cx + 1.0) / n1 * ((cx + 1.0) / n1).ln();
        h += (cx + eps) / n1 * ((cx + eps) / n1).ln();
        self.entropy = h;
        self.n += 1;
        self.tally.add(at, 1);
    }

    /// Takes in `other`'s counts through the update formula (only meaningful without fading).
    ///
    /// The entropy depends on the order of the values through its eps smoothing, and that
    /// order is not kept: the values are replayed spread out in proportion to their counts
    /// (each value's occurrences evenly spaced over the other stream), the order a shuffled
    /// stream has on average.
    pub fn merge(&mut self, other: &Self) {
        if self.n == 0 {
            self.entropy = other.entropy;
            self.n = other.n;
            self.tally = other.tally.clone();
            return;
        }
        let items = other.tally.items();
        let mut order: Vec<(f64, usize)> = items
            .iter()
            .enumerate()
            .flat_map(|(j, &(_, c))| (0..c).map(move |i| ((i as f64 + 0.5) / c as f64, j)))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let keys: Vec<K> = items.into_iter().map(|(k, _)| k.clone()).collect();
        for (_, j) in order {
            if let Some(key) = keys.get(j) {
                let at = self.tally.find_or_insert(key);
                self.counted(at);
            }
        }
    }

    /// A loaded state: its entropy and n as they were, the counts in their order.
    pub fn from_parts(
        fading_factor: f64,
        eps: f64,
        entropy: f64,
        n: u64,
        counts: impl IntoIterator<Item = (K, u64)>,
    ) -> Self {
        let mut out = Self::new(fading_factor, eps);
        out.entropy = entropy;
        out.n = n;
        for (key, c) in counts {
            let at = out.tally.find_or_insert(&key);
            out.tally.add(at, c);
        }
        out
    }

    /// This state under other parameters (a clone with new parameters keeps the state).
    pub fn with_params(&self, fading_factor: f64, eps: f64) -> Self {
        Self {
            fading_factor,
            eps,
            ..self.clone()
        }
    }
}

/// A count of (x, y) pairs: its count and when the pair entered its row.
#[derive(Clone, Copy, Debug)]
struct Cell {
    count: u64,
    stamp: u64,
}

/// The contingency table of two categorical variables and Pearson's Chi-squared statistic.
#[derive(Clone, Debug)]
pub struct ChiSquared<K, S> {
    xs: Tally<K, S>,
    ys: Tally<K, S>,
    cells: Cells,
    clock: u64,
    n: u64,
    value: Option<f64>,
}

impl<K: Hash + Eq + Clone, S: BuildHasher + Default + Clone> Default for ChiSquared<K, S> {
    fn default() -> Self {
        Self {
            xs: Tally::default(),
            ys: Tally::default(),
            cells: Cells::default(),
            clock: 0,
            n: 0,
            value: Some(0.0),
        }
    }
}

/// Why a pair cannot be taken out of the table.
#[derive(Debug, PartialEq, Eq)]
pub struct NotInTable;

impl<K: Hash + Eq + Clone, S: BuildHasher + Default + Clone> ChiSquared<K, S> {
    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn x_totals(&self) -> &Tally<K, S> {
        &self.xs
    }

    pub fn y_totals(&self) -> &Tally<K, S> {
        &self.ys
    }

    /// The table's rows in order, each with its (y slot, count) in the order they entered it.
    pub fn rows(&self) -> Vec<(u32, Vec<(u32, u64)>)> {
        let mut rows: HashMap<u32, Vec<(u64, u32, u64)>> = HashMap::new();
        for (&(x, y), cell) in &self.cells {
            rows.entry(x).or_default().push((cell.stamp, y, cell.count));
        }
        self.xs
            .ordered()
            .into_iter()
            .map(|x| {
                let mut row = rows.remove(&x).unwrap_or_default();
                row.sort_unstable();
                (x, row.into_iter().map(|(_, y, c)| (y, c)).collect())
            })
            .collect()
    }

    /// Counts the pair (x, y), unless `ok()` says a lookup failed; whether it was counted.
    #[inline]
    pub fn update_checked(&mut self, x: &K, y: &K, ok: impl FnOnce() -> bool) -> bool {
        let (fx, fy) = (self.xs.find(x), self.ys.find(y));
        if !ok() {
            return false;
        }
        self.update_found(fx, fy, x, y);
        true
    }

    /// Counts (x, y), found at `fx` among the x totals and `fy` among the y totals.
    #[inline]
    pub fn update_found(&mut self, fx: Option<u32>, fy: Option<u32>, x: &K, y: &K) {
        let ax = fx.unwrap_or_else(|| self.xs.insert(x.clone()));
        let ay = fy.unwrap_or_else(|| self.ys.insert(y.clone()));
        self.add_pair(ax, ay, 1);
    }

    pub fn update(&mut self, x: &K, y: &K) {
        self.update_checked(x, y, || true);
    }

    fn add_pair(&mut self, ax: u32, ay: u32, c: u64) {
        let clock = &mut self.clock;
        let cell = self.cells.entry((ax, ay)).or_insert_with(|| {
            *clock += 1;
            Cell {
                count: 0,
                stamp: *clock,
            }
        });
        cell.count += c;
        self.xs.add(ax, c);
        self.ys.add(ay, c);
        self.n += c;
        self.value = None;
    }

    /// Takes one (x, y) out; NotInTable, nothing changed, when the pair is not counted.
    /// `ok()` is asked after the lookups, as for an update.
    pub fn revert_checked(
        &mut self,
        x: &K,
        y: &K,
        ok: impl FnOnce() -> bool,
    ) -> Result<bool, NotInTable> {
        let (fx, fy) = (self.xs.find(x), self.ys.find(y));
        if !ok() {
            return Ok(false);
        }
        let (Some(ax), Some(ay)) = (fx, fy) else {
            return Err(NotInTable);
        };
        let Some(cell) = self.cells.get_mut(&(ax, ay)) else {
            return Err(NotInTable);
        };
        cell.count -= 1;
        if cell.count == 0 {
            self.cells.remove(&(ax, ay));
        }
        self.xs.take_one(ax);
        self.ys.take_one(ay);
        self.n -= 1;
        self.value = None;
        Ok(true)
    }

    /// Adds `other`'s table; new keys come in `other`'s order of first sight, as one
    /// statistic fed both streams would hold them.
    pub fn merge(&mut self, other: &Self) {
        // New keys enter the totals in `other`'s order of their totals, as in River's dicts.
        let xs: HashMap<u32, u32> = other
            .xs
            .ordered()
            .into_iter()
            .filter_map(|x| other.xs.key(x).map(|k| (x, self.xs.find_or_insert(k))))
            .collect();
        let ys: HashMap<u32, u32> = other
            .ys
            .ordered()
            .into_iter()
            .filter_map(|y| other.ys.key(y).map(|k| (y, self.ys.find_or_insert(k))))
            .collect();
        for (x, row) in other.rows() {
            for (y, c) in row {
                if let (Some(&ax), Some(&ay)) = (xs.get(&x), ys.get(&y)) {
                    self.add_pair(ax, ay, c);
                }
            }
        }
        self.value = None;
    }

    /// Whether every pair of `other` is counted here at least as often.
    pub fn contains(&self, other: &Self) -> Result<(), (K, K, u64, u64)> {
        for (x, row) in other.rows() {
            for (y, c) in row {
                let (Some(xk), Some(yk)) = (other.xs.key(x), other.ys.key(y)) else {
                    continue;
                };
                let mine = match (self.xs.find(xk), self.ys.find(yk)) {
                    (Some(ax), Some(ay)) => self.cells.get(&(ax, ay)).map_or(0, |c| c.count),
                    _ => 0,
                };
                if mine < c {
                    return Err((xk.clone(), yk.clone(), c, mine));
                }
            }
        }
        Ok(())
    }

    /// Takes `other`'s table out (checked beforehand with `contains`).
    pub fn unmerge(&mut self, other: &Self) {
        for (x, row) in other.rows() {
            let Some(xk) = other.xs.key(x) else { continue };
            for (y, c) in row {
                let Some(yk) = other.ys.key(y) else { continue };
                let (Some(ax), Some(ay)) = (self.xs.find(xk), self.ys.find(yk)) else {
                    continue;
                };
                for _ in 0..c {
                    if let Some(cell) = self.cells.get_mut(&(ax, ay)) {
                        cell.count -= 1;
                        if cell.count == 0 {
                            self.cells.remove(&(ax, ay));
                        }
                        self.xs.take_one(ax);
                        self.ys.take_one(ay);
                        self.n -= 1;
                    }
                }
            }
        }
        self.value = None;
    }

    /// Pearson's statistic, computed in the order River sums it (rows in order, columns in the
    /// order of the y totals) and kept until the table changes.
    pub fn get(&mut self) -> f64 {
        if let Some(v) = self.value {
            return v;
        }
        let n = self.n as f64;
        let ys: Vec<(u32, u64)> = self
            .ys
            .ordered()
            .into_iter()
            .map(|y| (y, self.ys.count(y)))
            .collect();
        let mut total = 0.0;
        for x in self.xs.ordered() {
            let rx = self.xs.count(x);
            for &(y, cy) in &ys {
                // rx * cy / n: Python's int product and true division (exact below 2**53)
                let expected = (rx * cy) as f64 / n;
                let observed = self.cells.get(&(x, y)).map_or(0, |c| c.count) as f64;
                // `** 2` in Python is libm's pow: kept, so the bits are River's.
                total += (observed - expected).powf(std::hint::black_box(2.0)) / expected;
            }
        }
        self.value = Some(total);
        total
    }

    /// The cached value, if the table has not changed since it was computed.
    pub fn cached(&self) -> Option<f64> {
        self.value
    }

    /// A loaded table: rows of (x, [(y, count)]) in order, the y totals' order of entry.
    /// None when a count is 0 or a key of a row is not among `y_order`.
    pub fn from_parts(rows: Vec<(K, Vec<(K, u64)>)>, y_order: Vec<K>) -> Option<Self> {
        let mut out = Self::default();
        for y in y_order {
            if out.ys.find(&y).is_some() {
                return None;
            }
            out.ys.insert(y);
        }
        for (x, row) in rows {
            if row.is_empty() || out.xs.find(&x).is_some() {
                return None;
            }
            let ax = out.xs.insert(x);
            for (y, c) in row {
                let ay = out.ys.find(&y)?;
                if c == 0 || out.cells.contains_key(&(ax, ay)) {
                    return None;
                }
                out.add_pair(ax, ay, c);
            }
        }
        if out.ys.ordered().iter().any(|&ay| out.ys.count(ay) == 0) {
            return None;
        }
        Some(out)
    }

    pub fn heap_bytes(&self) -> usize {
        self.xs.heap_bytes() + self.ys.heap_bytes() + self.cells.capacity() * 25
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::RandomState;

    type M = Mode<&'static str, RandomState>;

    #[test]
    fn mode_ties_go_to_the_first_seen_and_k_limits() {
        let mut m = M::new(-1);
        assert_eq!(m.get(), None);
        for x in ["sunny", "cloudy", "cloudy", "rainy", "rainy", "rainy"] {
            m.update(&x);
        }
        assert_eq!(m.get(), Some(&"rainy"));
        let mut m = M::new(2);
        for x in ["sunny", "cloudy", "cloudy", "rainy", "rainy", "rainy"] {
            m.update(&x);
        }
        assert_eq!(m.get(), Some(&"cloudy"));
        assert_eq!(m.tally().len(), 2);
        let mut m = M::new(-1);
        for x in ["b", "a", "a", "b"] {
            m.update(&x);
        }
        assert_eq!(m.get(), Some(&"b"));
    }

    #[test]
    fn mode_merge_equals_one_fed_both() {
        let (left, right) = (["a", "b", "b", "c"], ["c", "c", "d", "a"]);
        let (mut a, mut b, mut both) = (M::new(-1), M::new(-1), M::new(-1));
        left.iter().for_each(|x| a.update(x));
        right.iter().for_each(|x| b.update(x));
        left.iter().chain(right.iter()).for_each(|x| both.update(x));
        a.merge(&b);
        assert_eq!(a.get(), both.get());
        assert_eq!(a.tally().items(), both.tally().items());
    }

    /// River's RollingMode, transcribed: a deque and an insertion-ordered count map whose
    /// first maximum is the mode.
    fn rolling_reference(xs: &[u8], w: usize) -> Vec<Option<u8>> {
        let mut window = VecDeque::new();
        let mut counts: Vec<(u8, u64)> = Vec::new();
        let mut out = Vec::new();
        for &x in xs {
            if window.len() >= w {
                if let Some(old) = window.pop_front() {
                    if let Some(i) = counts.iter().position(|&(k, _)| k == old) {
                        counts[i].1 -= 1;
                        if counts[i].1 == 0 {
                            counts.remove(i);
                        }
                    }
                }
            }
            match counts.iter().position(|&(k, _)| k == x) {
                Some(i) => counts[i].1 += 1,
                None => counts.push((x, 1)),
            }
            window.push_back(x);
            let mut best: Option<(u8, u64)> = None;
            for &(k, c) in &counts {
                if best.map_or(true, |(_, b)| c > b) {
                    best = Some((k, c));
                }
            }
            out.push(best.map(|(k, _)| k));
        }
        out
    }

    #[test]
    fn rolling_mode_matches_river() {
        let mut seed = 12345u64;
        let xs: Vec<u8> = (0..3000)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((seed >> 33) % 6) as u8
            })
            .collect();
        for w in [1, 2, 3, 7, 50] {
            let want = rolling_reference(&xs, w);
            let mut r = RollingMode::<u8, RandomState>::new(w);
            let got: Vec<Option<u8>> = xs
                .iter()
                .map(|x| {
                    r.update(x);
                    r.get().copied()
                })
                .collect();
            assert_eq!(got, want, "window {w}");
            let rebuilt = RollingMode::<u8, RandomState>::from_parts(
                w,
                r.tally().items().into_iter().map(|(k, _)| *k).collect(),
                r.window().copied().collect(),
            );
            assert_eq!(rebuilt.map(|b| b.get().copied()), Some(r.get().copied()));
            // In batches, short (the order kept along) and long (rebuilt at the end).
            let mut b = RollingMode::<u8, RandomState>::new(w);
            let mut at = 0;
            for len in [1, 2, 30, 3, 500, 1, 2463] {
                let batch = xs.get(at..at + len).unwrap_or_default();
                let mut it = batch.iter();
                let done: Result<(), ()> =
                    b.update_batch(len, |tally| Ok(it.next().map(|x| (tally.find(x), *x))));
                assert_eq!(done, Ok(()));
                at += len;
                assert_eq!(
                    b.get().copied(),
                    got.get(at - 1).copied().flatten(),
                    "{w} {at}"
                );
                assert_eq!(
                    b.tally().items(),
                    {
                        let mut r = RollingMode::<u8, RandomState>::new(w);
                        xs.get(..at)
                            .unwrap_or_default()
                            .iter()
                            .for_each(|x| r.update(x));
                        r.tally()
                            .items()
                            .into_iter()
                            .map(|(k, c)| (*k, c))
                            .collect::<Vec<_>>()
                    }
                    .iter()
                    .map(|(k, c)| (k, *c))
                    .collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn entropy_follows_the_formula() {
        let mut e = Entropy::<u8, RandomState>::new(1.0, 1e-8);
        for x in [1, 1, 2] {
            e.update(&x);
        }
        let want = -(2.0f64 / 3.0) * (2.0f64 / 3.0).ln() - (1.0f64 / 3.0) * (1.0f64 / 3.0).ln();
        assert!((e.get() - want).abs() < 1e-7, "{} {}", e.get(), want);
        let mut f = Entropy::<u8, RandomState>::new(1.0, 1e-8);
        f.merge(&e);
        assert_eq!(f.get(), e.get());
        f.merge(&e);
        assert!((f.get() - want).abs() < 1e-7);
        assert_eq!(f.n(), 6);
    }

    #[test]
    fn chi_squared_table_revert_and_merge() {
        type C = ChiSquared<u8, RandomState>;
        let pairs = [(0u8, 0u8), (0, 0), (1, 1), (1, 1)];
        let mut c = C::default();
        pairs.iter().for_each(|(x, y)| c.update(x, y));
        assert_eq!(c.get(), 4.0);
        assert_eq!(c.revert_checked(&2, &0, || true), Err(NotInTable));
        assert_eq!(c.revert_checked(&1, &0, || true), Err(NotInTable));
        let mut d = C::default();
        [(1u8, 0u8), (2, 1)]
            .iter()
            .for_each(|(x, y)| d.update(x, y));
        let mut both = C::default();
        pairs
            .iter()
            .chain([(1u8, 0u8), (2, 1)].iter())
            .for_each(|(x, y)| both.update(x, y));
        let mut merged = c.clone();
        merged.merge(&d);
        assert_eq!(merged.get().to_bits(), both.get().to_bits());
        assert!(merged.contains(&d).is_ok());
        assert!(c.contains(&d).is_err());
        merged.unmerge(&d);
        assert_eq!(merged.get().to_bits(), c.clone().get().to_bits());
        assert_eq!(merged.revert_checked(&0, &0, || true), Ok(true));
        assert_eq!(merged.n(), 3);
    }
}
