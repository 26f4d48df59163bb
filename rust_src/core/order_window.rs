//! A sliding window with exact order statistics at a few fixed quantiles.
//!
//! The window's values sit in a ring (`values`, 8 bytes each). For every tracked quantile `q`
//! a [`Tracker`] splits the window in two heaps of ring slots: `lo`, a max-heap holding the
//! `r + 1` smallest values where `r = floor((n - 1) * q)`, and `hi`, a min-heap holding the
//! rest. The tops of the two heaps are then the order statistics at ranks `r` and `r + 1`,
//! which is all numpy's `method="linear"` needs. Each tracker costs 8 bytes per element (a
//! heap entry and a back-pointer from slot to heap position), so a one-quantile window costs
//! 16 bytes per element and a two-quantile window (an IQR) 24.
//!
//! When the window is full, the incoming value overwrites the oldest one in place. If it still
//! belongs to the heap the old value was in, it is sifted there; if not, the other heap's top
//! crosses into the freed position (it only rises) and the new value takes that top's place.
//! The evicted value usually sits near the leaves, so an update touches O(log w) entries and
//! in practice far fewer, while the top levels stay in cache.
//!
//! Indices are guarded by the heap invariants; every access still goes through `get`, so a
//! broken invariant would give a wrong value (often a NaN), never a panic in a user's
//! process. The fallbacks carry `debug_assert!`s, so the tests and the fuzzer (built with
//! debug assertions, `make test-rust`, `make fuzz-smoke`) fail where a release build would
//! answer a silent NaN.

use super::state::advise_huge_pages;
use crate::error::{Result, StatsError};

const HI_BIT: u32 = 1 << 31;

/// `accumulate` takes the sorted-blocks path only for batches of at least `capacity /
/// BATCH_FROM` values (a shorter batch would sort a block for a few steps).
const BATCH_FROM: usize = 4;

/// Windows at least this long may `accumulate` by sorted blocks; below, the heaps are faster
/// (measured at 10^2, 10^3, 3000: heaps ahead by 10-20%; even from 5000). The tests take the
/// blocks from 256 on, so that they reach them on small windows.
const BLOCKS_FROM: usize = if cfg!(test) { 256 } else { 4096 };

/// From this window on, sorting a block is bound by memory, and blocks pay only nearer the
/// median (`blocks_pay`).
const LARGE_BLOCKS_FROM: usize = 1 << 19;

/// Heaps at least this long take the top out with Floyd's bottom-up sift (see `replace_top`).
const BOTTOM_UP_FROM: usize = 1 << 16;

/// Heapify works on subtrees of this many levels at a time (see `Heap::heapify`).
const BLOCK_LEVELS: usize = 14;

/// numpy's `_lerp`: `a + (b - a) * t`, or `b - (b - a) * (1 - t)` when `t >= 0.5`.
#[inline]
pub fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// numpy's virtual index for `method="linear"`, `(n - 1) * q`, split into its floor (a rank
/// below `n`) and its fractional part.
#[inline]
pub fn virtual_index(n: usize, q: f64) -> (usize, f64) {
    let h = n.saturating_sub(1) as f64 * q;
    let floor = h.floor();
    // `floor` lies in [0, n - 1] because 0 <= q <= 1; the `min` guards the float rounding.
    let rank = (floor as usize).min(n.saturating_sub(1));
    (rank, h - floor)
}

/// Whether `-0.0` and `0.0` both occur in `a` and `b` together (one pass, no branch).
fn both_zeros(a: &[f64], b: &[f64]) -> bool {
    let (neg, pos) = a.iter().chain(b).fold((false, false), |(neg, pos), x| {
        let bits = x.to_bits();
        (neg | (bits == 1 << 63), pos | (bits == 0))
    });
    neg & pos
}

#[inline]
fn value(values: &[f64], slot: u32) -> f64 {
    debug_assert!(
        (slot as usize) < values.len(),
        "slot {slot} outside a ring of {}",
        values.len()
    );
    values.get(slot as usize).copied().unwrap_or(f64::NAN)
}

#[inline]
fn set_pos(pos: &mut [u32], slot: u32, at: u32) {
    debug_assert!((slot as usize) < pos.len(), "slot {slot} has no position");
    if let Some(p) = pos.get_mut(slot as usize) {
        *p = at;
    }
}

/// A binary heap of ring slots ordered by their values: a max-heap when `MAX`, else a min-heap.
#[derive(Debug, Clone, Default)]
struct Heap<const MAX: bool> {
    items: Vec<u32>,
}

impl<const MAX: bool> Heap<MAX> {
    const FLAG: u32 = if MAX { 0 } else { HI_BIT };

    #[inline]
    fn above(a: f64, b: f64) -> bool {
        if MAX {
            a > b
        } else {
            a < b
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.items.len()
    }

    #[inline]
    fn top(&self) -> Option<u32> {
        self.items.first().copied()
    }

    #[inline]
    fn place(&mut self, i: usize, slot: u32, pos: &mut [u32]) {
        debug_assert!(
            i < self.items.len(),
            "heap index {i} out of {}",
            self.items.len()
        );
        if let Some(item) = self.items.get_mut(i) {
            *item = slot;
        }
        // i < len <= MAX_WINDOW < 2^31: the position fits below HI_BIT.
        set_pos(pos, slot, Self::FLAG | i as u32);
    }

    /// Moves the entry at `i` up while it belongs above its parent; returns where it landed.
    fn sift_up(&mut self, mut i: usize, values: &[f64], pos: &mut [u32]) -> usize {
        let Some(&slot) = self.items.get(i) else {
            return i;
        };
        let v = value(values, slot);
        while i > 0 {
            let parent = (i - 1) / 2;
            let Some(&ps) = self.items.get(parent) else {
                break;
            };
            if !Self::above(v, value(values, ps)) {
                break;
            }
            self.place(i, ps, pos);
            i = parent;
        }
        self.place(i, slot, pos);
        i
    }

    /// Moves the entry at `i` down while a child belongs above it.
    fn sift_down(&mut self, mut i: usize, values: &[f64], pos: &mut [u32]) {
        let Some(&slot) = self.items.get(i) else {
            return;
        };
        let v = value(values, slot);
        let n = self.items.len();
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let Some(&ls) = self.items.get(left) else {
                break;
            };
            let (mut child, mut cs, mut cv) = (left, ls, value(values, ls));
            if let Some(&rs) = self.items.get(left + 1) {
                let rv = value(values, rs);
                if Self::above(rv, cv) {
                    (child, cs, cv) = (left + 1, rs, rv);
                }
            }
            if !Self::above(cv, v) {
                break;
            }
            self.place(i, cs, pos);
            i = child;
        }
        self.place(i, slot, pos);
    }

    /// Restores the heap after the value of the entry at `i` changed.
    #[inline]
    fn fix(&mut self, i: usize, values: &[f64], pos: &mut [u32]) {
        if self.sift_up(i, values, pos) == i {
            self.sift_down(i, values, pos);
        }
    }

    fn push(&mut self, slot: u32, values: &[f64], pos: &mut [u32]) {
        self.items.push(slot);
        self.sift_up(self.items.len() - 1, values, pos);
    }

    fn pop(&mut self, values: &[f64], pos: &mut [u32]) -> Option<u32> {
        let top = self.top()?;
        let last = self.items.pop()?;
        if !self.items.is_empty() {
            self.place(0, last, pos);
            self.sift_down(0, values, pos);
        }
        Some(top)
    }

    /// Puts `slot` at the top in place of the current top. Floyd's bottom-up variant: the
    /// hole left by the top sinks to a leaf along the better children (one comparison per
    /// level instead of two), then the new entry rises from there. A new value is usually
    /// as large or small as the values near the leaves, so it rises little. Measured here,
    /// it pays off once the heap outgrows the caches (w = 10^6: 150 -> 130 ns per update)
    /// and costs more on small heaps (w = 10^3: 66 -> 83 ns), hence the threshold.
    fn replace_top(&mut self, slot: u32, values: &[f64], pos: &mut [u32]) {
        if self.items.is_empty() {
            self.push(slot, values, pos);
            return;
        }
        let n = self.items.len();
        if n < BOTTOM_UP_FROM {
            self.place(0, slot, pos);
            self.sift_down(0, values, pos);
            return;
        }
        let mut i = 0;
        loop {
            let left = 2 * i + 1;
            let Some(&ls) = self.items.get(left) else {
                break;
            };
            let (mut child, mut cs) = (left, ls);
            if let Some(&rs) = self.items.get(left + 1) {
                if Self::above(value(values, rs), value(values, ls)) {
                    (child, cs) = (left + 1, rs);
                }
            }
            self.place(i, cs, pos);
            i = child;
            if 2 * i + 1 >= n {
                break;
            }
        }
        self.place(i, slot, pos);
        self.sift_up(i, values, pos);
    }

    /// Sifts the entry at `start` of a heap under construction (its subtrees are heaps),
    /// bottom-up: see `heapify`. `keys` and `slots` have the same length.
    #[inline]
    fn sift_hole(start: usize, keys: &mut [f64], slots: &mut [u32]) {
        let n = keys.len().min(slots.len());
        let (Some(&moving), Some(&slot)) = (keys.get(start), slots.get(start)) else {
            return;
        };
        let mut i = start;
        // While both children exist: the better one moves up into the hole.
        while 2 * i + 2 < n {
            let left = 2 * i + 1;
            let (Some(&l), Some(&r)) = (keys.get(left), keys.get(left + 1)) else {
                break;
            };
            let right = Self::above(r, l);
            let child = left + usize::from(right);
            let (Some(hk), Some(&s)) = (keys.get_mut(i), slots.get(child)) else {
                break;
            };
            *hk = if right { r } else { l };
            if let Some(hs) = slots.get_mut(i) {
                *hs = s;
            }
            i = child;
        }
        // A last parent with a single child.
        if 2 * i + 2 == n {
            if let (Some(&k), Some(&s)) = (keys.get(n - 1), slots.get(n - 1)) {
                if let (Some(hk), Some(hs)) = (keys.get_mut(i), slots.get_mut(i)) {
                    (*hk, *hs) = (k, s);
                }
                i = n - 1;
            }
        }
        while i > start {
            let parent = (i - 1) / 2;
            let (Some(&k), Some(&s)) = (keys.get(parent), slots.get(parent)) else {
                break;
            };
            if !Self::above(moving, k) {
                break;
            }
            if let (Some(hk), Some(hs)) = (keys.get_mut(i), slots.get_mut(i)) {
                (*hk, *hs) = (k, s);
            }
            i = parent;
        }
        if let (Some(k), Some(s)) = (keys.get_mut(i), slots.get_mut(i)) {
            (*k, *s) = (moving, slot);
        }
    }

    /// Floyd's construction over slots and, side by side, their values, each sift done
    /// bottom-up: the hole sinks to a leaf along the better children (one comparison per
    /// level, which child wins picked without a branch), then the entry rises from there,
    /// which on data in no particular order is rarely more than a level. The standard sift
    /// takes two comparisons per level, one of them a branch on the data.
    ///
    /// The values travel with their slots, so that the sifts compare neighbours in memory
    /// instead of following every slot into the ring (3x faster on a window of 10^6). Two
    /// arrays rather than one of pairs: 12 bytes a slot instead of 16, and `items` is then
    /// already the heap. Records every slot's position in `pos`.
    fn heapify(mut items: Vec<u32>, keys: &mut [f64], pos: &mut [u32]) -> Self {
        let n = items.len().min(keys.len());
        items.truncate(n);
        if let (Some(keys), Some(slots)) = (keys.get_mut(..n), items.get_mut(..n)) {
            // Subtree by subtree: every sift stays inside a subtree of BLOCK_LEVELS levels
            // that was just worked on and so is still in cache (12 bytes a node: 192 KiB),
            // then the few nodes above them. In plain reverse order, the sifts
            // from the upper levels walk down to leaves swept long before, out of cache.
            let parents = n / 2;
            let depth = n.checked_ilog2().unwrap_or(0) as usize;
            let top = depth.saturating_sub(BLOCK_LEVELS - 1);
            let roots = (1usize << top) - 1..((1usize << (top + 1)) - 1).min(parents);
            for root in roots.clone().rev() {
                for k in (0..=depth - top).rev() {
                    let first = ((root + 1) << k) - 1;
                    let end = (((root + 2) << k) - 1).min(parents);
                    for start in (first..end).rev() {
                        Self::sift_hole(start, keys, slots);
                    }
                }
            }
            for start in (0..roots.start.min(parents)).rev() {
                Self::sift_hole(start, keys, slots);
            }
        }
        for (i, &slot) in items.iter().enumerate() {
            // i < len <= MAX_WINDOW < 2^31: the position fits below HI_BIT.
            set_pos(pos, slot, Self::FLAG | i as u32);
        }
        Self { items }
    }
}

/// The two heaps that answer one quantile.
#[derive(Debug, Clone)]
struct Tracker {
    q: f64,
    lo: Heap<true>,
    hi: Heap<false>,
    /// For each ring slot: its index in `lo`, or `HI_BIT | index` in `hi`.
    pos: Vec<u32>,
}

impl Tracker {
    fn new(q: f64) -> Self {
        Self {
            q,
            lo: Heap::default(),
            hi: Heap::default(),
            pos: Vec::new(),
        }
    }

    /// Adds `slot` (already written to `values`) to a window that now holds `n` values.
    ///
    /// `lo` must end with `rank + 1` slots, which is its old size or one more. Deciding where
    /// `x` goes from the two tops costs at most one sift-down (a top handed to the other heap)
    /// and one sift-up, instead of a push followed by a pop and a push.
    fn insert(&mut self, slot: u32, values: &[f64], n: usize) {
        self.pos.push(0);
        let x = value(values, slot);
        let want = virtual_index(n, self.q).0 + 1;
        if want > self.lo.len() {
            match self.hi.top() {
                Some(h) if value(values, h) < x => {
                    self.hi.replace_top(slot, values, &mut self.pos);
                    self.lo.push(h, values, &mut self.pos);
                }
                _ => self.lo.push(slot, values, &mut self.pos),
            }
        } else {
            match self.lo.top() {
                Some(l) if x < value(values, l) => {
                    self.lo.replace_top(slot, values, &mut self.pos);
                    self.hi.push(l, values, &mut self.pos);
                }
                _ => self.hi.push(slot, values, &mut self.pos),
            }
        }
        // The rank grows by at most one per value, so these loops do nothing; they keep the
        // split right even if float rounding ever made it jump.
        while self.lo.len() > want {
            match self.lo.pop(values, &mut self.pos) {
                Some(s) => self.hi.push(s, values, &mut self.pos),
                None => break,
            }
        }
        while self.lo.len() < want {
            match self.hi.pop(values, &mut self.pos) {
                Some(s) => self.lo.push(s, values, &mut self.pos),
                None => break,
            }
        }
    }

    /// Restores the split after the value at `slot` was overwritten (window size unchanged).
    ///
    /// If the new value still belongs to the heap of the old one, it is sifted in place.
    /// Otherwise the other heap's top crosses over into the freed position (it is larger, or
    /// smaller, than everything there, so it only rises, with predictable comparisons) and
    /// the new value takes its place at the top of the other heap.
    fn replace(&mut self, slot: u32, values: &[f64]) {
        debug_assert!(
            (slot as usize) < self.pos.len(),
            "slot {slot} has no position"
        );
        let at = self.pos.get(slot as usize).copied().unwrap_or(0);
        let i = (at & !HI_BIT) as usize;
        let x = value(values, slot);
        if at & HI_BIT == 0 {
            match self.hi.top() {
                Some(h) if x > value(values, h) => {
                    self.lo.place(i, h, &mut self.pos);
                    self.lo.sift_up(i, values, &mut self.pos);
                    self.hi.replace_top(slot, values, &mut self.pos);
                }
                _ => self.lo.fix(i, values, &mut self.pos),
            }
        } else {
            match self.lo.top() {
                Some(l) if x < value(values, l) => {
                    self.hi.place(i, l, &mut self.pos);
                    self.hi.sift_up(i, values, &mut self.pos);
                    self.lo.replace_top(slot, values, &mut self.pos);
                }
                _ => self.hi.fix(i, values, &mut self.pos),
            }
        }
    }

    fn quantile(&self, values: &[f64], n: usize) -> Option<f64> {
        debug_assert!(
            self.lo.len() == virtual_index(n, self.q).0 + 1 || n == 0,
            "lo holds {} slots for rank {} of {n}",
            self.lo.len(),
            virtual_index(n, self.q).0
        );
        debug_assert_eq!(self.lo.len() + self.hi.len(), n, "the heaps lost a slot");
        let a = value(values, self.lo.top()?);
        let b = match self.hi.top() {
            Some(h) => value(values, h),
            None => a,
        };
        let (_, t) = virtual_index(n, self.q);
        Some(lerp(a, b, t))
    }
}

/// A window of the last `capacity` values with exact quantiles at the tracked `q`s.
#[derive(Debug, Clone)]
pub struct OrderWindow {
    capacity: usize,
    values: Vec<f64>,
    /// When the window is full, the slot of the oldest value (the next to be overwritten).
    head: usize,
    trackers: Vec<Tracker>,
}

/// What a pickle holds: the ring, and for each tracked quantile one bit per slot saying
/// whether the slot is in `lo`. Loading rebuilds the heaps in O(n) from that split.
///
/// Values and bits are byte strings (little-endian f64s), which bincode copies in one go
/// instead of element by element.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct OrderWindowState {
    pub window_size: u64,
    pub head: u64,
    pub values: F64s,
    pub in_lo: Vec<serde_bytes::ByteBuf>,
}

/// The same state borrowed from a live window, written without copying the ring first.
/// Serialises to exactly the bytes of [`OrderWindowState`].
#[derive(serde::Serialize)]
pub struct OrderWindowStateRef<'a> {
    window_size: u64,
    head: u64,
    values: F64sRef<'a>,
    in_lo: Vec<serde_bytes::ByteBuf>,
}

/// f64s stored as one byte string of little-endian values.
#[derive(Debug, Clone, PartialEq)]
pub struct F64s(pub Vec<f64>);

struct F64sRef<'a>(&'a [f64]);

impl serde::Serialize for F64sRef<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        if cfg!(target_endian = "little") {
            serializer.serialize_bytes(bytemuck::cast_slice(self.0))
        } else {
            let bytes: Vec<u8> = self.0.iter().flat_map(|v| v.to_le_bytes()).collect();
            serializer.serialize_bytes(&bytes)
        }
    }
}

impl serde::Serialize for F64s {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        F64sRef(&self.0).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for F64s {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = F64s;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string of little-endian f64s")
            }

            fn visit_bytes<E: serde::de::Error>(
                self,
                bytes: &[u8],
            ) -> std::result::Result<F64s, E> {
                if bytes.len() % 8 != 0 {
                    return Err(E::custom("values are not a whole number of f64s"));
                }
                let mut values = Vec::with_capacity(bytes.len() / 8);
                advise_huge_pages(&values);
                values.extend(
                    bytes
                        .chunks_exact(8)
                        .map(|c| <[u8; 8]>::try_from(c).map_or(f64::NAN, f64::from_le_bytes)),
                );
                Ok(F64s(values))
            }
        }
        deserializer.deserialize_bytes(Visitor)
    }
}

impl OrderWindow {
    /// `qs` must already be checked to lie in [0, 1], `capacity` in 1..=MAX_WINDOW.
    pub fn new(capacity: usize, qs: &[f64]) -> Self {
        Self {
            capacity,
            values: Vec::new(),
            head: 0,
            trackers: qs.iter().map(|&q| Tracker::new(q)).collect(),
        }
    }

    pub fn window_size(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        let tracker_bytes: usize = self
            .trackers
            .iter()
            .map(|t| 4 * (t.lo.items.capacity() + t.hi.items.capacity() + t.pos.capacity()))
            .sum();
        8 * self.values.capacity()
            + tracker_bytes
            + self.trackers.capacity() * std::mem::size_of::<Tracker>()
    }

    /// Adds `x` (not NaN), evicting the oldest value once the window is full.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if self.values.len() < self.capacity {
            let slot = self.values.len() as u32;
            self.values.push(x);
            let n = self.values.len();
            for t in &mut self.trackers {
                t.insert(slot, &self.values, n);
            }
            if n == self.capacity {
                // From now on sizes never change: give back what doubling over-allocated,
                // so a full window costs exactly 8 + 8 per tracked quantile bytes per value.
                self.shrink();
            }
        } else {
            let slot = self.head;
            if let Some(v) = self.values.get_mut(slot) {
                *v = x;
            }
            self.head = if slot + 1 == self.capacity {
                0
            } else {
                slot + 1
            };
            for t in &mut self.trackers {
                t.replace(slot as u32, &self.values);
            }
        }
    }

    /// Feeds every value of `xs` (none NaN), calling `emit` with the tracked quantiles after
    /// each one: the answers of `push` then `quantile`, bit for bit.
    ///
    /// A batch of at least a quarter of a window where that pays (`blocks_pay`) slides over
    /// sorted blocks (`sorted_blocks`), then writes the ring and rebuilds the heaps from the
    /// final window in ascending order. Between equal values, which slots end in `lo` may
    /// differ from what the heaps would hold after the same pushes; every answer, now and
    /// after any later push, is the same, because the heaps hold the same values either way.
    /// One exception to that argument: `-0.0 == 0.0`, yet their bits differ, and the heaps
    /// return whichever their history put on top; numpy's answer there depends on its
    /// partition too. A batch whose window meets both zeros therefore runs through the heaps.
    pub fn accumulate(&mut self, xs: &[f64], mut emit: impl FnMut(&[f64])) {
        if xs.len() < self.capacity / BATCH_FROM
            || !self.blocks_pay()
            || both_zeros(&self.values, xs)
        {
            let mut out = vec![f64::NAN; self.trackers.len()];
            for &x in xs {
                self.push(x);
                for (i, o) in out.iter_mut().enumerate() {
                    *o = self.quantile(i).unwrap_or(f64::NAN);
                }
                emit(&out);
            }
            return;
        }
        let prefix: Vec<f64> = self.iter().collect();
        let first_slot = if self.values.len() == self.capacity {
            self.head
        } else {
            0
        };
        let qs: Vec<f64> = self.trackers.iter().map(|t| t.q).collect();
        let sorted = super::sorted_blocks::rolling_quantiles(
            self.capacity,
            &prefix,
            first_slot,
            xs,
            &qs,
            emit,
        );
        self.write_ring(xs);
        self.install(&sorted);
    }

    /// Whether sliding over sorted blocks beats the heaps for this window. The blocks cost the
    /// same for any `q`; the heaps cost less towards the extremes, where few values cross
    /// between a small heap and a large one. Measured against the heaps over 2 * 10^6
    /// values (time ratio heaps / blocks, interleaved, median of 5): median 1.21 at 10^4,
    /// 2.02 at 10^5, 1.15 at 10^6; q = 0.25 1.06, 1.50, 0.91; q = 0.01 or 0.99 0.65-0.69 at
    /// 10^4 and 10^5, 0.46 at 10^6.
    fn blocks_pay(&self) -> bool {
        let central = if self.capacity >= LARGE_BLOCKS_FROM {
            0.3
        } else {
            0.2
        };
        self.capacity >= BLOCKS_FROM && self.trackers.iter().all(|t| t.q.min(1.0 - t.q) >= central)
    }

    /// Writes `xs` to the ring as `push` would, leaving the heaps to `install`.
    fn write_ring(&mut self, xs: &[f64]) {
        let room = self.capacity - self.values.len();
        let (fill, rest) = xs.split_at(room.min(xs.len()));
        self.values.extend_from_slice(fill);
        // Past a full ring only the last `capacity` values stay.
        let skip = rest.len().saturating_sub(self.capacity);
        self.head = (self.head + skip) % self.capacity;
        for &x in rest.get(skip..).unwrap_or(&[]) {
            if let Some(v) = self.values.get_mut(self.head) {
                *v = x;
            }
            self.head += 1;
            if self.head == self.capacity {
                self.head = 0;
            }
        }
    }

    /// Rebuilds every tracker from the window's slots in ascending order of their values:
    /// descending, the smallest `rank + 1` are a max-heap; ascending, the rest a min-heap.
    fn install(&mut self, sorted: &[u32]) {
        let n = self.values.len();
        debug_assert_eq!(sorted.len(), n, "the sorted slots are not the window");
        for t in &mut self.trackers {
            let want = if n == 0 {
                0
            } else {
                virtual_index(n, t.q).0 + 1
            };
            let (low, high) = sorted.split_at(want.min(sorted.len()));
            t.pos.clear();
            t.pos.resize(n, 0);
            t.lo.items.clear();
            t.lo.items.extend(low.iter().rev());
            t.hi.items.clear();
            t.hi.items.extend_from_slice(high);
            for (i, &s) in t.lo.items.iter().enumerate() {
                set_pos(&mut t.pos, s, i as u32);
            }
            for (i, &s) in t.hi.items.iter().enumerate() {
                set_pos(&mut t.pos, s, HI_BIT | i as u32);
            }
        }
        if n == self.capacity {
            self.shrink();
        }
    }

    fn shrink(&mut self) {
        self.values.shrink_to_fit();
        for t in &mut self.trackers {
            t.lo.items.shrink_to_fit();
            t.hi.items.shrink_to_fit();
            t.pos.shrink_to_fit();
        }
    }

    /// The `i`-th tracked quantile of the window (numpy's linear method); None when empty.
    #[inline]
    pub fn quantile(&self, i: usize) -> Option<f64> {
        debug_assert!(i < self.trackers.len(), "no tracker {i}");
        self.trackers
            .get(i)?
            .quantile(&self.values, self.values.len())
    }

    /// The window's values, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        let (newer, older) = self.values.split_at(self.head.min(self.values.len()));
        older.iter().chain(newer.iter()).copied()
    }

    /// One bit per slot, set where the slot is in `lo`. Built a byte at a time without a
    /// branch (which heap a slot is in is as unpredictable as the data), from whole chunks
    /// of 8 positions, which the compiler turns into vector compares.
    fn split_bits(&self) -> Vec<serde_bytes::ByteBuf> {
        fn byte(chunk: &[u32]) -> u8 {
            chunk.iter().enumerate().fold(0u8, |byte, (k, &at)| {
                byte | (u8::from(at & HI_BIT == 0) << k)
            })
        }
        self.trackers
            .iter()
            .map(|t| {
                let chunks = t.pos.chunks_exact(8);
                let rest = chunks.remainder();
                let mut bits = Vec::with_capacity(t.pos.len().div_ceil(8));
                bits.extend(chunks.map(|c| <&[u32; 8]>::try_from(c).map_or(0, |c| byte(c))));
                if !rest.is_empty() {
                    bits.push(byte(rest));
                }
                serde_bytes::ByteBuf::from(bits)
            })
            .collect()
    }

    pub fn to_state(&self) -> OrderWindowState {
        OrderWindowState {
            window_size: self.capacity as u64,
            head: self.head as u64,
            values: F64s(self.values.clone()),
            in_lo: self.split_bits(),
        }
    }

    pub fn state_ref(&self) -> OrderWindowStateRef<'_> {
        OrderWindowStateRef {
            window_size: self.capacity as u64,
            head: self.head as u64,
            values: F64sRef(&self.values),
            in_lo: self.split_bits(),
        }
    }

    /// Rebuilds a window from a decoded state, checking every invariant the heaps rely on.
    pub fn from_state(st: OrderWindowState, qs: &[f64]) -> Result<Self> {
        let capacity = usize::try_from(st.window_size)
            .ok()
            .filter(|w| (1..=super::params::MAX_WINDOW).contains(w))
            .ok_or_else(|| {
                StatsError::corrupt(format!("window_size {} is out of range", st.window_size))
            })?;
        let values = st.values.0;
        let n = values.len();
        if n > capacity {
            return Err(StatsError::corrupt(format!(
                "{n} values do not fit a window of {capacity}"
            )));
        }
        let head = usize::try_from(st.head).unwrap_or(usize::MAX);
        if (n < capacity && head != 0) || (n == capacity && head >= capacity) {
            return Err(StatsError::corrupt(format!(
                "head {} is out of range",
                st.head
            )));
        }
        if values.iter().fold(false, |nan, x| nan | x.is_nan()) {
            return Err(StatsError::corrupt("the window holds NaN"));
        }
        if st.in_lo.len() != qs.len() {
            return Err(StatsError::corrupt("wrong number of quantile splits"));
        }
        let mut trackers = Vec::with_capacity(qs.len());
        // The values in heap order while the heaps are built (`lo`'s, then `hi`'s), one
        // buffer for every tracker.
        // Fresh allocations (zeroed by the kernel, not written yet: `calloc`) get huge pages.
        let mut keys = vec![0.0f64; n];
        advise_huge_pages(&keys);
        for (&q, bits) in qs.iter().zip(&st.in_lo) {
            if bits.len() != n.div_ceil(8) {
                return Err(StatsError::corrupt("quantile split has the wrong length"));
            }
            let want = if n == 0 { 0 } else { virtual_index(n, q).0 + 1 };
            let (lo_keys, hi_keys) = keys.split_at_mut(want.min(n));
            let (mut lo, mut hi) = (vec![0u32; want], vec![0u32; n - want]);
            advise_huge_pages(&lo);
            advise_huge_pages(&hi);
            // Branch-free split: every slot is written at both cursors and only the right one
            // advances (the bits are as unpredictable as the data). A cursor at its heap's
            // size stays there and writes nothing.
            let (mut nl, mut nh, mut slot) = (0usize, 0usize, 0u32);
            for (chunk, &byte) in values.chunks(8).zip(bits.iter()) {
                for (k, &v) in chunk.iter().enumerate() {
                    let low = usize::from((byte >> k) & 1);
                    if let (Some(key), Some(s)) = (lo_keys.get_mut(nl), lo.get_mut(nl)) {
                        (*key, *s) = (v, slot);
                    }
                    if let (Some(key), Some(s)) = (hi_keys.get_mut(nh), hi.get_mut(nh)) {
                        (*key, *s) = (v, slot);
                    }
                    nl = (nl + low).min(want);
                    nh = (nh + 1 - low).min(n - want);
                    // slot < n <= MAX_WINDOW < 2^31
                    slot += 1;
                }
            }
            // Each cursor stopped at its heap's size only if none was ever held back.
            if nl + nh != n {
                return Err(StatsError::corrupt("quantile split has the wrong size"));
            }
            let mut pos = vec![0u32; n];
            advise_huge_pages(&pos);
            let lo = Heap::<true>::heapify(lo, lo_keys, &mut pos);
            let hi = Heap::<false>::heapify(hi, hi_keys, &mut pos);
            // After heapify the tops are the largest of `lo` and the smallest of `hi`.
            if let (Some(l), Some(h)) = (lo.top(), hi.top()) {
                if value(&values, l) > value(&values, h) {
                    return Err(StatsError::corrupt("quantile split is not ordered"));
                }
            }
            trackers.push(Tracker { q, lo, hi, pos });
        }
        let mut window = Self {
            capacity,
            values,
            head,
            trackers,
        };
        window.shrink();
        Ok(window)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// numpy.quantile(window, q, method="linear"), written out on a sorted copy.
    pub(crate) fn oracle(window: &[f64], q: f64) -> f64 {
        let mut s = window.to_vec();
        s.sort_by(f64::total_cmp);
        let (r, t) = virtual_index(s.len(), q);
        let a = s[r];
        let b = s[(r + 1).min(s.len() - 1)];
        lerp(a, b, t)
    }

    fn check_heaps(w: &OrderWindow) {
        for t in &w.trackers {
            let lo_max =
                t.lo.items
                    .iter()
                    .map(|&s| w.values[s as usize])
                    .fold(f64::NEG_INFINITY, f64::max);
            let hi_min =
                t.hi.items
                    .iter()
                    .map(|&s| w.values[s as usize])
                    .fold(f64::INFINITY, f64::min);
            assert!(lo_max <= hi_min);
            assert_eq!(t.lo.len() + t.hi.len(), w.values.len());
            for (i, &s) in t.lo.items.iter().enumerate() {
                assert_eq!(t.pos[s as usize], i as u32);
                if i > 0 {
                    assert!(w.values[t.lo.items[(i - 1) / 2] as usize] >= w.values[s as usize]);
                }
            }
            for (i, &s) in t.hi.items.iter().enumerate() {
                assert_eq!(t.pos[s as usize], HI_BIT | i as u32);
                if i > 0 {
                    assert!(w.values[t.hi.items[(i - 1) / 2] as usize] <= w.values[s as usize]);
                }
            }
        }
    }

    /// A small deterministic generator, so the core's tests need no crate.
    pub(crate) fn stream(seed: u64, len: usize, distinct: u64) -> Vec<f64> {
        let mut s = seed;
        (0..len)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 33) % distinct) as f64 - (distinct / 2) as f64
            })
            .collect()
    }

    #[test]
    fn matches_sorted_oracle_while_filling_and_sliding() {
        let qs = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0];
        for &cap in &[1usize, 2, 3, 7, 10, 64] {
            for &distinct in &[3u64, 1000] {
                for &q in &qs {
                    let mut w = OrderWindow::new(cap, &[q, 1.0 - q]);
                    let xs = stream(cap as u64 * 31 + distinct, 300, distinct);
                    for (i, &x) in xs.iter().enumerate() {
                        w.push(x);
                        let lo = i.saturating_sub(cap - 1);
                        let window = &xs[lo..=i];
                        assert_eq!(
                            w.quantile(0),
                            Some(oracle(window, q)),
                            "cap {cap} q {q} i {i}"
                        );
                        assert_eq!(w.quantile(1), Some(oracle(window, 1.0 - q)));
                        assert_eq!(w.iter().collect::<Vec<_>>(), window.to_vec());
                    }
                    check_heaps(&w);
                }
            }
        }
    }

    #[test]
    fn state_round_trip_and_rejections() {
        let mut w = OrderWindow::new(50, &[0.3, 0.8]);
        for x in stream(7, 120, 1000) {
            w.push(x);
        }
        let state = w.to_state();
        let mut back = OrderWindow::from_state(state.clone(), &[0.3, 0.8]).unwrap();
        check_heaps(&back);
        for x in stream(8, 100, 1000) {
            w.push(x);
            back.push(x);
            assert_eq!(w.quantile(0), back.quantile(0));
            assert_eq!(w.quantile(1), back.quantile(1));
        }
        let mut bad = state.clone();
        bad.in_lo[0][0] ^= 1;
        assert!(OrderWindow::from_state(bad, &[0.3, 0.8]).is_err());
        let mut bad = state.clone();
        bad.head = 50;
        assert!(OrderWindow::from_state(bad, &[0.3, 0.8]).is_err());
        let mut bad = state.clone();
        bad.values.0[3] = f64::NAN;
        assert!(OrderWindow::from_state(bad, &[0.3, 0.8]).is_err());
        let mut bad = state;
        bad.window_size = 10;
        assert!(OrderWindow::from_state(bad, &[0.3, 0.8]).is_err());
    }

    /// Heapify gives valid heaps with every slot's position recorded, for sizes that take
    /// one block, several blocks (of BLOCK_LEVELS levels) and an odd last parent.
    #[test]
    fn heapify_builds_valid_heaps_of_any_size() {
        fn check<const MAX: bool>(n: usize, distinct: u64) {
            let values = stream(n as u64 + distinct, n, distinct);
            let mut keys = values.clone();
            let mut pos = vec![u32::MAX; n];
            let heap = Heap::<MAX>::heapify((0..n as u32).collect(), &mut keys, &mut pos);
            assert_eq!(heap.len(), n);
            for (i, &s) in heap.items.iter().enumerate() {
                assert_eq!(pos[s as usize], Heap::<MAX>::FLAG | i as u32, "n {n}");
                assert_eq!(keys[i], values[s as usize], "n {n}");
                if i > 0 {
                    let parent = values[heap.items[(i - 1) / 2] as usize];
                    assert!(
                        !Heap::<MAX>::above(values[s as usize], parent),
                        "n {n} at {i}"
                    );
                }
            }
        }
        for n in (0..70).chain([16_383, 16_384, 32_767, 70_001, 300_000]) {
            for distinct in [3, 1 << 40] {
                check::<true>(n, distinct);
                check::<false>(n, distinct);
            }
        }
    }

    /// The values in each tracker's `lo`, sorted: what the answers depend on.
    fn low_values(w: &OrderWindow) -> Vec<Vec<u64>> {
        w.trackers
            .iter()
            .map(|t| {
                let mut v: Vec<u64> =
                    t.lo.items
                        .iter()
                        .map(|&s| w.values[s as usize].to_bits())
                        .collect();
                v.sort_unstable();
                v
            })
            .collect()
    }

    #[test]
    fn accumulate_answers_and_leaves_what_the_loop_does() {
        const SPECIAL: [f64; 8] = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.5,
            -2.0,
            0.0,
            3.0,
        ];
        // Both zeros (the heaps' path), one zero only, few distinct values, many.
        type Kind = (u64, fn(f64) -> f64);
        let kinds: [Kind; 4] = [
            (8, |x| SPECIAL[(x + 4.0) as usize]),
            (8, |x| SPECIAL[(x + 4.0) as usize].abs()),
            (4, |x| x),
            (1 << 20, |x| x),
        ];
        for &cap in &[1usize, 2, 3, 8, 50, 256, 300, 1000] {
            for &(distinct, map) in &kinds {
                let xs: Vec<f64> = stream(cap as u64 + distinct, 3000, distinct)
                    .into_iter()
                    .map(map)
                    .collect();
                // A batch from empty, mid-fill, from full, long and short.
                for (&(a, b), qs) in [
                    (0usize, 2900usize),
                    (1, 700),
                    (cap, 2900),
                    (7, 9),
                    (200, 2899),
                ]
                .iter()
                .zip([[0.25, 0.5, 0.75], [0.0, 0.5, 1.0]].iter().cycle())
                {
                    let (mut looped, mut batch) = (
                        OrderWindow::new(cap, &qs[..]),
                        OrderWindow::new(cap, &qs[..]),
                    );
                    let mut want = Vec::new();
                    for (i, &x) in xs.iter().enumerate().take(b) {
                        looped.push(x);
                        if i >= a {
                            want.extend(
                                (0..qs.len()).map(|k| looped.quantile(k).map(f64::to_bits)),
                            );
                        }
                    }
                    for &x in &xs[..a] {
                        batch.push(x);
                    }
                    let mut got = Vec::new();
                    batch.accumulate(&xs[a..b], |v| {
                        got.extend(v.iter().map(|x| Some(x.to_bits())))
                    });
                    let what = format!("cap {cap} distinct {distinct} {a}..{b}");
                    assert_eq!(got, want, "{what}");
                    check_heaps(&batch);
                    assert_eq!(batch.head, looped.head, "{what}");
                    assert_eq!(
                        batch.values.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                        looped
                            .values
                            .iter()
                            .map(|x| x.to_bits())
                            .collect::<Vec<_>>(),
                        "{what}"
                    );
                    assert_eq!(low_values(&batch), low_values(&looped), "{what}");
                    // And they go on alike, through pushes and another batch.
                    for &x in xs.iter().skip(b).take(40) {
                        looped.push(x);
                        batch.push(x);
                        for k in 0..qs.len() {
                            let q = looped.quantile(k).map(f64::to_bits);
                            assert_eq!(batch.quantile(k).map(f64::to_bits), q, "{what}");
                        }
                    }
                    let rest = xs.get(b + 40..).unwrap_or(&[]);
                    let (mut again, mut more) = (Vec::new(), Vec::new());
                    batch.accumulate(rest, |v| again.extend(v.iter().map(|x| x.to_bits())));
                    looped.accumulate(rest, |v| more.extend(v.iter().map(|x| x.to_bits())));
                    assert_eq!(again, more, "{what}");
                }
            }
        }
    }

    #[test]
    fn lerp_is_numpys() {
        assert_eq!(lerp(1.0, 2.0, 0.25), 1.25);
        assert_eq!(lerp(1.0, 2.0, 0.75), 2.0 - 1.0 * 0.25);
        assert_eq!(virtual_index(1, 0.7), (0, 0.0));
        assert_eq!(virtual_index(5, 1.0), (4, 0.0));
    }
}
