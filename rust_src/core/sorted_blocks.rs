//! Rolling quantiles over a whole batch by sorted blocks (Suomela 2014, "Median filtering is
//! equivalent to sorting").
//!
//! The stream is cut into blocks of `capacity` values. A window that ends at position `j` of
//! block `b` holds the positions after `j` of block `b - 1` (call it `A`) and the positions up
//! to `j` of block `b` (`B`). Each block is sorted once, and a step of the slide kills one
//! entry of `A` and wakes one of `B`: a bit flipped at the entry's rank in its sorted block.
//! A quantile is a cut through both sorted blocks (a cursor in each: the live entries below
//! the cursors are the `rank + 1` smallest of the window), and a step moves the cursors by
//! O(1) live entries. So the work is one sort per block, O(log capacity) per value, and the
//! slide itself runs over bit sets (capacity / 8 bytes per block) and over the sorted blocks
//! near the cursors, in memory order, where a heap jumps across the whole window.
//!
//! Entries are ordered by value as `f64::total_cmp` orders them (as integers, [`order_key`]);
//! equal values by block (`A` first), then by index in the sorted block. Any strict order that
//! sorts by value gives the same answers: equal keys are equal bits.

use super::order_window::{lerp, virtual_index};

const TOP: u64 = 1 << 63;

/// `x` (not NaN) as an integer in the order of `f64::total_cmp`.
#[inline]
pub fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits & TOP != 0 {
        !bits
    } else {
        bits | TOP
    }
}

/// The inverse of [`order_key`].
#[inline]
fn key_value(key: u64) -> f64 {
    f64::from_bits(if key & TOP != 0 { key & !TOP } else { !key })
}

/// One block of the stream: its entries' keys sorted, where each position went, and which
/// sorted entries are in the window.
///
/// The live entries are a bit set with a summary (one bit per non-empty word) and the range
/// they span, so a search for the next or previous live entry never scans past the last one
/// and skips runs of 4096 dead entries per summary word.
#[derive(Debug, Default)]
struct Block {
    keys: Vec<u64>,
    /// `at[i]`: the position in the block of the `i`-th smallest entry.
    at: Vec<u32>,
    /// `rank[j]`: the index in `keys` of the block's `j`-th value.
    rank: Vec<u32>,
    alive: Vec<u64>,
    summary: Vec<u64>,
    live: usize,
    /// The first and last live index, when `live > 0`.
    first: usize,
    last: usize,
    /// The ring slot of the block's first value.
    first_slot: usize,
}

#[inline]
fn set_bit(words: &mut [u64], i: usize) {
    if let Some(w) = words.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// The first set bit at or after `from` (which must have one at or before the end).
#[inline]
fn next_set(words: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut bits = words.get(w)? & (u64::MAX << (from % 64));
    loop {
        if bits != 0 {
            return Some(w * 64 + bits.trailing_zeros() as usize);
        }
        w += 1;
        bits = *words.get(w)?;
    }
}

/// The last set bit before `before`.
#[inline]
fn prev_set(words: &[u64], before: usize) -> Option<usize> {
    let last = before.checked_sub(1)?;
    let mut w = last / 64;
    let mut bits = words.get(w)? & (u64::MAX >> (63 - last % 64));
    loop {
        if bits != 0 {
            return Some(w * 64 + 63 - bits.leading_zeros() as usize);
        }
        w = w.checked_sub(1)?;
        bits = *words.get(w)?;
    }
}

impl Block {
    /// Sorts the values of `parts` (one block, in stream order), whose first value sits in
    /// ring slot `first_slot`; nothing is alive yet.
    fn fill(&mut self, parts: [&[f64]; 2], first_slot: usize, packed: &mut Vec<u128>) {
        let len = parts[0].len() + parts[1].len();
        // The position rides in the low bits: one sort of plain integers. (An LSD radix sort,
        // 6 passes of 11 bits or 8 of 8, was no faster here from 4096 values up, and slower
        // at 10^5 and 10^6: the passes are bound by memory.)
        packed.clear();
        packed.extend(
            parts[0]
                .iter()
                .chain(parts[1])
                .enumerate()
                .map(|(j, &x)| (u128::from(order_key(x)) << 32) | j as u128),
        );
        packed.sort_unstable();
        self.keys.clear();
        self.keys.extend(packed.iter().map(|&e| (e >> 32) as u64));
        self.at.clear();
        self.at.extend(packed.iter().map(|&e| e as u32));
        self.rank.clear();
        self.rank.resize(len, 0);
        for (i, &j) in self.at.iter().enumerate() {
            if let Some(r) = self.rank.get_mut(j as usize) {
                *r = i as u32;
            }
        }
        self.alive.clear();
        self.alive.resize(len.div_ceil(64), 0);
        self.summary.clear();
        self.summary.resize(len.div_ceil(64 * 64), 0);
        self.live = 0;
        self.first_slot = first_slot;
    }

    #[inline]
    fn len(&self) -> usize {
        self.keys.len()
    }

    #[inline]
    fn rank(&self, j: usize) -> usize {
        self.rank.get(j).map_or(usize::MAX, |&r| r as usize)
    }

    #[inline]
    fn key(&self, i: usize) -> u64 {
        debug_assert!(i < self.keys.len(), "entry {i} of {}", self.keys.len());
        self.keys.get(i).copied().unwrap_or(u64::MAX)
    }

    /// The ring slot of the `i`-th smallest entry, in a ring of `capacity`.
    #[inline]
    fn slot(&self, i: usize, capacity: usize) -> u32 {
        let s = self.first_slot + self.at.get(i).map_or(0, |&j| j as usize);
        // s < 2 * capacity <= 2 * MAX_WINDOW < 2^32
        (if s >= capacity { s - capacity } else { s }) as u32
    }
    #[inline]
    fn wake(&mut self, i: usize) {
        set_bit(&mut self.alive, i);
        set_bit(&mut self.summary, i / 64);
        if self.live == 0 {
            (self.first, self.last) = (i, i);
        } else {
            self.first = self.first.min(i);
            self.last = self.last.max(i);
        }
        self.live += 1;
    }

    #[inline]
    fn kill(&mut self, i: usize) {
        let w = i / 64;
        if let Some(word) = self.alive.get_mut(w) {
            *word &= !(1 << (i % 64));
            if *word == 0 {
                if let Some(sw) = self.summary.get_mut(w / 64) {
                    *sw &= !(1 << (w % 64));
                }
            }
        }
        self.live -= 1;
        if self.live > 0 {
            if i == self.first {
                self.first = self.find_next(i + 1).unwrap_or(self.last);
            }
            if i == self.last {
                self.last = self.find_prev(i).unwrap_or(self.first);
            }
        }
    }

    /// The first live index at or after `from`; there must be one.
    #[inline]
    fn find_next(&self, from: usize) -> Option<usize> {
        let w = from / 64;
        let bits = self.alive.get(w)? & (u64::MAX << (from % 64));
        if bits != 0 {
            return Some(w * 64 + bits.trailing_zeros() as usize);
        }
        let w = next_set(&self.summary, w + 1)?;
        let bits = *self.alive.get(w)?;
        Some(w * 64 + bits.trailing_zeros() as usize)
    }

    /// The last live index before `before`; there must be one.
    #[inline]
    fn find_prev(&self, before: usize) -> Option<usize> {
        let last = before.checked_sub(1)?;
        let w = last / 64;
        let bits = self.alive.get(w)? & (u64::MAX >> (63 - last % 64));
        if bits != 0 {
            return Some(w * 64 + 63 - bits.leading_zeros() as usize);
        }
        let w = prev_set(&self.summary, w)?;
        let bits = *self.alive.get(w)?;
        Some(w * 64 + 63 - bits.leading_zeros() as usize)
    }

    /// The first live index at or after `from`.
    #[inline]
    fn next(&self, from: usize) -> Option<usize> {
        if self.live == 0 || from > self.last {
            return None;
        }
        self.find_next(from.max(self.first))
    }

    /// The last live index before `before`.
    #[inline]
    fn prev(&self, before: usize) -> Option<usize> {
        if self.live == 0 || before <= self.first {
            return None;
        }
        self.find_prev(before.min(self.last + 1))
    }
}

/// One quantile's cut: the live entries of `A` below `a` and of `B` below `b` are the
/// window's `low` smallest. The live entries next to the cursors are kept, so that a step
/// searches the bit sets only when an entry next to a cursor dies or crosses it.
#[derive(Debug, Clone, Copy, Default)]
struct Cut {
    a: usize,
    b: usize,
    low: usize,
    /// The last live index below `a` in `A`, and below `b` in `B`.
    below_a: Option<usize>,
    below_b: Option<usize>,
    /// The first live index at or above `a` in `A`, and at or above `b` in `B`.
    above_a: Option<usize>,
    above_b: Option<usize>,
}

/// An entry next to a cut, as it sorts: its key, whether it is in `B`, its index there.
type Edge = (u64, bool, usize);

#[inline]
fn edge(block: &Block, in_b: bool, i: Option<usize>) -> Option<Edge> {
    i.map(|i| (block.key(i), in_b, i))
}

#[inline]
fn larger(x: Option<Edge>, y: Option<Edge>) -> Option<Edge> {
    match (x, y) {
        (Some(p), Some(q)) => Some(if q > p { q } else { p }),
        (p, None) => p,
        (None, q) => q,
    }
}

#[inline]
fn smaller(x: Option<Edge>, y: Option<Edge>) -> Option<Edge> {
    match (x, y) {
        (Some(p), Some(q)) => Some(if q < p { q } else { p }),
        (p, None) => p,
        (None, q) => q,
    }
}

impl Cut {
    /// `B` (fully alive) becomes `A`; the new `B` is empty.
    fn next_block(&mut self) {
        (self.a, self.below_a, self.above_a) = (self.b, self.below_b, self.above_b);
        (self.b, self.below_b, self.above_b) = (0, None, None);
    }

    /// Entry `r` of `A` died (its bit is already cleared).
    #[inline]
    fn killed(&mut self, a: &Block, r: usize) {
        if r < self.a {
            self.low -= 1;
            if self.below_a == Some(r) {
                self.below_a = a.prev(r);
            }
        } else if self.above_a == Some(r) {
            self.above_a = a.next(r + 1);
        }
    }

    /// The entry at `r` in `B`, of key `key`, woke (the key is passed in: reading it from the
    /// sorted block would be a cache miss per step on large blocks). It goes on the side of
    /// the cut its rank in `B` puts it, unless the nearest live entry of `A` across the cut
    /// says otherwise: then no live entry of `B` lies between it and the cursor, which moves
    /// past it. An entry of `A` sorts before an entry of `B` of the same key.
    #[inline]
    fn woke(&mut self, a: &Block, b: &Block, r: usize, key: u64) {
        if r < self.b {
            if self.above_a.is_some_and(|i| a.key(i) <= key) {
                (self.b, self.above_b) = (r, Some(r));
            } else {
                self.low += 1;
                if self.below_b.map_or(true, |i| r > i) {
                    self.below_b = Some(r);
                }
            }
        } else if self.below_a.is_some_and(|i| a.key(i) > key) {
            (self.b, self.below_b, self.above_b) = (r + 1, Some(r), b.next(r + 1));
            self.low += 1;
        } else if self.above_b.map_or(true, |i| r < i) {
            self.above_b = Some(r);
        }
    }

    /// Moves the cursors until the `want` smallest live entries are below them; returns the
    /// keys of the largest of those and of the smallest of the others.
    #[inline]
    fn settle(&mut self, a: &Block, b: &Block, want: usize) -> (Option<u64>, Option<u64>) {
        while self.low > want {
            // The largest entry below the cut goes above it.
            match larger(edge(a, false, self.below_a), edge(b, true, self.below_b)) {
                Some((_, true, i)) => {
                    (self.b, self.above_b, self.below_b) = (i, Some(i), b.prev(i));
                }
                Some((_, false, i)) => {
                    (self.a, self.above_a, self.below_a) = (i, Some(i), a.prev(i));
                }
                None => break,
            }
            self.low -= 1;
        }
        while self.low < want {
            match smaller(edge(a, false, self.above_a), edge(b, true, self.above_b)) {
                Some((_, true, i)) => {
                    (self.b, self.below_b, self.above_b) = (i + 1, Some(i), b.next(i + 1));
                }
                Some((_, false, i)) => {
                    (self.a, self.below_a, self.above_a) = (i + 1, Some(i), a.next(i + 1));
                }
                None => break,
            }
            self.low += 1;
        }
        debug_assert_eq!(self.low, want, "the cut ran out of entries");
        (
            larger(edge(a, false, self.below_a), edge(b, true, self.below_b)).map(|e| e.0),
            smaller(edge(a, false, self.above_a), edge(b, true, self.above_b)).map(|e| e.0),
        )
    }
}

/// Slides a window of `capacity` over `prefix` (the values already in the window, oldest
/// first, the oldest in ring slot `first_slot`) followed by `xs`, and calls `emit` after each
/// value of `xs` with the window's quantiles at `qs` (numpy's linear method). Returns the
/// ring slots of the final window in ascending order of their values. No value may be NaN.
pub fn rolling_quantiles(
    capacity: usize,
    prefix: &[f64],
    first_slot: usize,
    xs: &[f64],
    qs: &[f64],
    mut emit: impl FnMut(&[f64]),
) -> Vec<u32> {
    let m = prefix.len();
    let total = m + xs.len();
    let segment = |s: usize, e: usize| -> [&[f64]; 2] {
        [
            prefix.get(s.min(m)..e.min(m)).unwrap_or(&[]),
            xs.get(s.max(m) - m..e.max(m) - m).unwrap_or(&[]),
        ]
    };
    let (mut a, mut b) = (Block::default(), Block::default());
    let mut packed = Vec::new();
    let mut cuts = vec![Cut::default(); qs.len()];
    let mut out = vec![0.0; qs.len()];
    // Each quantile's rank and fraction at the current window size.
    let (mut ats, mut sized) = (vec![(0, 0.0); qs.len()], 0);
    let mut start = 0;
    while start < total {
        let end = (start + capacity).min(total);
        std::mem::swap(&mut a, &mut b);
        let parts = segment(start, end);
        b.fill(parts, first_slot, &mut packed);
        if start == 0 {
            a = Block::default();
        }
        for c in &mut cuts {
            c.next_block();
        }
        for (j, &x) in parts[0].iter().chain(parts[1]).enumerate() {
            if j < a.len() {
                let r = a.rank(j);
                a.kill(r);
                for c in &mut cuts {
                    c.killed(&a, r);
                }
            }
            let r = b.rank(j);
            b.wake(r);
            let key = order_key(x);
            for c in &mut cuts {
                c.woke(&a, &b, r, key);
            }
            let p = start + j;
            let n = (p + 1).min(capacity);
            if n != sized {
                sized = n;
                for (at, &q) in ats.iter_mut().zip(qs) {
                    *at = virtual_index(n, q);
                }
            }
            for ((c, &(rank, t)), o) in cuts.iter_mut().zip(&ats).zip(&mut out) {
                let (below, above) = c.settle(&a, &b, rank + 1);
                let lo = below.map_or(f64::NAN, key_value);
                let hi = above.map_or(lo, key_value);
                *o = lerp(lo, hi, t);
            }
            if p >= m {
                emit(&out);
            }
        }
        start = end;
    }
    merge_alive(&a, &b, capacity)
}

/// The ring slots of the live entries of both blocks, in ascending order.
fn merge_alive(a: &Block, b: &Block, capacity: usize) -> Vec<u32> {
    let mut slots = Vec::with_capacity(a.live + b.live);
    let (mut i, mut j) = (a.next(0), b.next(0));
    loop {
        let take_a = match (i, j) {
            (Some(x), Some(y)) => a.key(x) <= b.key(y),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_a {
            if let Some(x) = i {
                slots.push(a.slot(x, capacity));
                i = a.next(x + 1);
            }
        } else if let Some(y) = j {
            slots.push(b.slot(y, capacity));
            j = b.next(y + 1);
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::super::order_window::tests::{oracle, stream};
    use super::*;

    /// Checks every output and the final order against the oracle, for a batch after
    /// `m` values of `all` already went in.
    fn check(all: &[f64], m: usize, capacity: usize, qs: &[f64]) {
        check_every(all, m, capacity, qs, 1);
    }

    /// [`check`] on the outputs at every `stride`-th position only (large windows).
    fn check_every(all: &[f64], m: usize, capacity: usize, qs: &[f64], stride: usize) {
        let (prefix_start, first_slot) = if m > capacity {
            (m - capacity, m % capacity)
        } else {
            (0, 0)
        };
        let prefix = &all[prefix_start..m];
        let xs = &all[m..];
        let mut got = Vec::new();
        let slots = rolling_quantiles(capacity, prefix, first_slot, xs, qs, |v| {
            got.push(v.to_vec())
        });
        assert_eq!(got.len(), xs.len());
        for (i, row) in got.iter().enumerate().step_by(stride) {
            let p = m + i;
            let window = &all[(p + 1).saturating_sub(capacity)..=p];
            for (&q, &v) in qs.iter().zip(row) {
                let want = oracle(window, q);
                assert_eq!(
                    v.to_bits(),
                    want.to_bits(),
                    "cap {capacity} m {m} p {p} q {q}: {v} vs {want}"
                );
            }
        }
        // The final window in ring order: the slots are all of it, in ascending order.
        let len = all.len().min(capacity);
        let mut ring = vec![f64::NAN; len];
        for (p, &x) in all.iter().enumerate().skip(all.len() - len) {
            ring[p % capacity] = x;
        }
        let mut seen = slots.clone();
        seen.sort_unstable();
        assert_eq!(
            seen,
            (0..len as u32).collect::<Vec<_>>(),
            "cap {capacity} m {m}"
        );
        let got: Vec<u64> = slots.iter().map(|&s| ring[s as usize].to_bits()).collect();
        let mut want = ring.clone();
        want.sort_by(f64::total_cmp);
        let want: Vec<u64> = want.iter().map(|x| x.to_bits()).collect();
        assert_eq!(got, want, "cap {capacity} m {m}");
    }

    #[test]
    fn matches_the_sorted_oracle() {
        let qs = [0.0, 0.01, 0.25, 0.5, 0.9, 1.0];
        for &cap in &[1usize, 2, 3, 5, 8, 64, 65, 200] {
            for &distinct in &[2u64, 7, 1 << 30] {
                let all = stream(cap as u64 * 7 + distinct, 700, distinct);
                for &m in &[0usize, 1, cap / 2, cap, cap + 3, 3 * cap + 1] {
                    if m <= all.len() {
                        check(&all, m, cap, &qs);
                    }
                }
            }
        }
    }

    #[test]
    fn large_blocks() {
        let cap = 5000;
        for &distinct in &[3u64, 1 << 40] {
            let all = stream(distinct, 3 * cap + 17, distinct);
            for &m in &[0usize, 100, cap + 1] {
                check_every(&all, m, cap, &[0.0, 0.5, 0.99, 1.0], 89);
            }
        }
    }

    #[test]
    fn signed_zeros_and_infinities() {
        let special = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.0,
            -1.0,
            0.0,
            -0.0,
        ];
        let all: Vec<f64> = stream(3, 400, 8)
            .iter()
            .map(|&x| special[(x + 4.0) as usize])
            .collect();
        for &cap in &[1usize, 2, 3, 4, 9, 33] {
            for &m in &[0usize, 2, cap, cap + 1] {
                check(&all, m, cap, &[0.0, 0.3, 0.5, 0.75, 1.0]);
            }
        }
    }

    #[test]
    fn keys_order_like_total_cmp() {
        let xs = [
            f64::NEG_INFINITY,
            -1.5,
            -0.0,
            0.0,
            1e-300,
            2.0,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) < order_key(w[1]));
        }
        for &x in &xs {
            assert_eq!(key_value(order_key(x)).to_bits(), x.to_bits());
        }
    }
}
