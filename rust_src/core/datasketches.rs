//! The Apache DataSketches serialization format of KLL sketches of doubles, written and read
//! from the project's public description (a little-endian preamble, then the levels' offsets,
//! the minimum and maximum, then the retained items), so that a sketch moves between river and
//! the `datasketches` package (or anything else that reads the format).
//!
//! ```text
//! byte 0      preamble ints: 2 (empty or one item) or 5 (full)
//! byte 1      serial version: 1 (empty, full) or 2 (one item)
//! byte 2      family: 15 (KLL)
//! byte 3      flags: 1 empty, 2 level zero sorted, 4 one item
//! bytes 4-5   k (u16)          byte 6  m (8)          byte 7  unused
//! one item:   bytes 8-15 the item (f64)
//! full:       bytes 8-15 n (u64), 16-17 min k (u16), 18 number of levels L, 19 unused,
//!             then L offsets (u32): where each level starts in an array of total_capacity(k, L)
//!             items whose first offsets[0] slots are free, then min and max (f64), then the
//!             capacity - offsets[0] retained items, level 0 first (levels above 0 sorted).
//! ```

use super::kll::{check_k, key, total_capacity, Kll, MAX_LEVELS};
use crate::error::{Result, StatsError};

const FAMILY: u8 = 15;
const M: u8 = 8;
const FLAG_EMPTY: u8 = 1;
const FLAG_LEVEL_ZERO_SORTED: u8 = 2;
const FLAG_SINGLE_ITEM: u8 = 4;
const PREAMBLE_SHORT: u8 = 2;
const PREAMBLE_FULL: u8 = 5;

/// The sketch's bytes in the DataSketches format.
pub fn to_bytes(sketch: &Kll) -> Vec<u8> {
    let k = sketch.k().to_le_bytes();
    let header = |preamble: u8, serial: u8, flags: u8| {
        vec![preamble, serial, FAMILY, flags, k[0], k[1], M, 0]
    };
    match (sketch.min(), sketch.max(), sketch.n()) {
        (Some(min), _, 1) => {
            let mut out = header(PREAMBLE_SHORT, 2, FLAG_SINGLE_ITEM);
            out.extend_from_slice(&min.to_le_bytes());
            out
        }
        (Some(min), Some(max), n) => {
            let levels = sketch.levels();
            let num_levels = levels.len();
            let capacity = total_capacity(sketch.k(), num_levels);
            let mut out = header(PREAMBLE_FULL, 1, 0);
            out.reserve(20 + 4 * num_levels + 16 + 8 * sketch.retained());
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&k);
            out.push(u8::try_from(num_levels).unwrap_or(u8::MAX));
            out.push(0);
            let mut offset = capacity.saturating_sub(sketch.retained());
            for level in levels {
                out.extend_from_slice(&u32::try_from(offset).unwrap_or(u32::MAX).to_le_bytes());
                offset += level.len();
            }
            out.extend_from_slice(&min.to_le_bytes());
            out.extend_from_slice(&max.to_le_bytes());
            for &x in levels.iter().flatten() {
                out.extend_from_slice(&super::kll::value(x).to_le_bytes());
            }
            out
        }
        _ => header(PREAMBLE_SHORT, 1, FLAG_EMPTY),
    }
}

fn refuse<T>(message: impl Into<String>) -> Result<T> {
    Err(StatsError::InvalidValue {
        index: None,
        message: format!("not a DataSketches KLL doubles sketch: {}", message.into()),
    })
}

/// Reads little-endian fields from the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        match self.0.split_first_chunk::<N>() {
            Some((head, rest)) => {
                self.0 = rest;
                Ok(*head)
            }
            None => refuse(format!("the data ends before its {what}")),
        }
    }

    fn f64(&mut self, what: &str) -> Result<f64> {
        let x = f64::from_le_bytes(self.take(what)?);
        if x.is_nan() {
            return refuse(format!("its {what} is NaN"));
        }
        Ok(x)
    }
}

/// A sketch (with the given seed for its future compactions) from DataSketches bytes. Every
/// field is checked, and nothing is allocated beyond what the data's own length holds.
pub fn from_bytes(data: &[u8], seed: u64) -> Result<Kll> {
    let mut r = Reader(data);
    let [preamble, serial, family, flags] = r.take::<4>("preamble")?;
    let k = u16::from_le_bytes(r.take("k")?);
    let [m, _unused] = r.take::<2>("m")?;
    if family != FAMILY {
        return refuse(format!("family id is {family}, KLL's is {FAMILY}"));
    }
    if m != M {
        return refuse(format!("m is {m}; only m = {M} (the default) is supported"));
    }
    let k = check_k(i64::from(k)).or_else(|e| refuse(e.to_string()))?;
    if flags & !(FLAG_EMPTY | FLAG_LEVEL_ZERO_SORTED | FLAG_SINGLE_ITEM) != 0 {
        return refuse(format!("unknown flags {flags:#04x}"));
    }
    let expect_end = |r: &Reader<'_>| {
        if r.0.is_empty() {
            Ok(())
        } else {
            refuse(format!("{} bytes follow the sketch", r.0.len()))
        }
    };
    if flags & FLAG_EMPTY != 0 {
        if preamble != PREAMBLE_SHORT || serial != 1 {
            return refuse(format!(
                "an empty sketch has preamble ints 2 and serial version 1, got {preamble} and {serial}"
            ));
        }
        expect_end(&r)?;
        return Kll::from_parts(k, 0, None, vec![Vec::new()], seed);
    }
    if flags & FLAG_SINGLE_ITEM != 0 {
        if preamble != PREAMBLE_SHORT || serial != 2 {
            return refuse(format!(
                "a one-item sketch has preamble ints 2 and serial version 2, got {preamble} and {serial}"
            ));
        }
        let x = r.f64("item")?;
        expect_end(&r)?;
        return Kll::from_parts(k, 1, Some((x, x)), vec![vec![key(x)]], seed);
    }
    if preamble != PREAMBLE_FULL || !matches!(serial, 1 | 2) {
        return refuse(format!(
            "a sketch has preamble ints 5 and serial version 1 (or 2), got {preamble} and {serial}; \
             the updatable layout (serial version 3) is not supported"
        ));
    }
    let n = u64::from_le_bytes(r.take("n")?);
    let min_k = u16::from_le_bytes(r.take("min k")?);
    let [num_levels, _unused] = r.take::<2>("number of levels")?;
    if min_k != k {
        return refuse(format!(
            "it was merged from sketches of smaller k (min k {min_k}, k {k}), which is not supported"
        ));
    }
    let num_levels = usize::from(num_levels);
    if num_levels == 0 || num_levels > MAX_LEVELS {
        return refuse(format!("it has {num_levels} levels, not 1 to {MAX_LEVELS}"));
    }
    let capacity = total_capacity(k, num_levels);
    let mut offsets = Vec::with_capacity(num_levels + 1);
    for h in 0..num_levels {
        let offset = u32::from_le_bytes(r.take("levels")?);
        offsets.push(usize::try_from(offset).unwrap_or(usize::MAX));
        if offsets
            .get(h)
            .zip(offsets.get(h.wrapping_sub(1)))
            .is_some_and(|(a, b)| a < b)
        {
            return refuse(format!("level offsets decrease at level {h}"));
        }
    }
    offsets.push(capacity);
    let start = offsets.first().copied().unwrap_or(0);
    if start > capacity || offsets.iter().any(|&o| o > capacity) {
        return refuse(format!(
            "level offsets go beyond the {capacity} items of a sketch of k={k} with {num_levels} levels"
        ));
    }
    let min = r.f64("minimum")?;
    let max = r.f64("maximum")?;
    let retained = capacity - start;
    // Check the length before reading (or allocating for) any item.
    if r.0.len() != retained.saturating_mul(8) {
        return refuse(format!(
            "it should hold {retained} items ({} bytes) after the preamble, holds {} bytes",
            retained.saturating_mul(8),
            r.0.len()
        ));
    }
    let mut levels = Vec::with_capacity(num_levels);
    for pair in offsets.windows(2) {
        let len = match pair {
            [a, b] => b - a,
            _ => 0,
        };
        let mut level = Vec::with_capacity(len);
        for _ in 0..len {
            level.push(key(r.f64("items")?));
        }
        levels.push(level);
    }
    Kll::from_parts(k, n, Some((min, max)), levels, seed).map_err(|e| match e {
        StatsError::CorruptState(m) => StatsError::InvalidValue {
            index: None,
            message: format!("not a valid DataSketches KLL doubles sketch: {m}"),
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Bytes written by the `datasketches` package (5.2.0) for kll_doubles_sketch(k) fed
    // 1.5, 3.0, ... (k=200) or 0, 1, ..., 29 (k=8).
    const EMPTY: &str = "02010f01c8000800";
    const ONE: &str = "02020f04c8000800000000000000f83f";
    const FIVE: &str = "05010f00c80008000500000000000000c8000100c3000000000000000000f83f0000000000001e400000000000001e40000000000000184000000000000012400000000000000840000000000000f83f";
    const THIRTY: &str = "05010f00080008001e000000000000000800030009000000130000001300000000000000000000000000000000003d400000000000003d400000000000003c400000000000003b400000000000003a400000000000003940000000000000384000000000000037400000000000003640000000000000354000000000000034400000000000000000000000000000104000000000000022400000000000002a400000000000003140";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn reads_what_datasketches_writes() {
        let e = from_bytes(&hex(EMPTY), 0).unwrap();
        assert!(e.is_empty());
        assert_eq!(e.k(), 200);
        let one = from_bytes(&hex(ONE), 0).unwrap();
        assert_eq!((one.n(), one.min()), (1, Some(1.5)));
        let five = from_bytes(&hex(FIVE), 0).unwrap();
        assert_eq!(five.n(), 5);
        assert_eq!(five.quantile(0.5, false), Some(4.5));
        let thirty = from_bytes(&hex(THIRTY), 0).unwrap();
        assert_eq!((thirty.n(), thirty.levels().len()), (30, 3));
        assert_eq!(thirty.max(), Some(29.0));
    }

    #[test]
    fn writes_what_it_reads() {
        for h in [EMPTY, ONE, THIRTY] {
            assert_eq!(to_bytes(&from_bytes(&hex(h), 0).unwrap()), hex(h));
        }
        // Level 0 is written in its own order; the same items and layout otherwise.
        let five = to_bytes(&from_bytes(&hex(FIVE), 0).unwrap());
        assert_eq!(five.len(), hex(FIVE).len());
        assert_eq!(five[..40], hex(FIVE)[..40]);
    }

    #[test]
    fn refuses_damaged_bytes_without_panic() {
        let good = hex(THIRTY);
        for cut in 0..good.len() {
            assert!(from_bytes(&good[..cut], 0).is_err());
        }
        for i in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[i] ^= 1 << bit;
                let _ = from_bytes(&bad, 0);
            }
        }
        let mut bad = good.clone();
        bad[2] = 7;
        assert!(from_bytes(&bad, 0).is_err());
        let mut bad = good;
        bad[8] = 31; // n no longer matches the items' weight
        assert!(from_bytes(&bad, 0).is_err());
    }
}
