//! Versioned, bounded (de)serialisation of statistic states.
//!
//! A state is `[tag, version]` followed by a bincode payload (fixed-width little-endian
//! integers). Decoding is limited to the payload's own length, so a hostile length prefix
//! cannot make the decoder allocate more than the bytes it was given, and trailing bytes are
//! refused. Each type rebuilds itself from its decoded state through `Persist::from_state`,
//! which re-checks every invariant: nothing decoded is trusted.

use bincode::Options;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, StatsError};

/// A statistic whose state can be written and read back across releases.
pub trait Persist: Sized {
    /// Distinct per statistic, so that one class's state cannot be loaded into another.
    const TAG: u8;
    /// The format written by this release. Loading accepts every version up to it.
    const VERSION: u8;
    type State: Serialize + DeserializeOwned;

    fn to_state(&self) -> Self::State;

    /// Bytes held on the heap (for `__sizeof__`, so Python's memory accounting sees them).
    fn heap_bytes(&self) -> usize {
        0
    }

    /// Whether a loaded state may replace `current` (same statistic, same variant).
    fn check_replaces(&self, current: &Self) -> Result<()> {
        let _ = current;
        Ok(())
    }

    /// What is encoded: `to_state()`. Large states override this to encode borrowed data, to
    /// the same bytes, instead of copying it into a `State` first.
    fn encoded(&self) -> impl Serialize + '_ {
        self.to_state()
    }
    fn from_state(state: Self::State, version: u8) -> Result<Self>;
}

fn options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_little_endian()
        .reject_trailing_bytes()
}

/// A state about to be written: its exact length is known before any byte is, so that it can
/// be written straight into its final buffer (a Python `bytes`) rather than copied there.
pub struct Dump<S> {
    header: [u8; 2],
    state: S,
    len: usize,
}

/// Prepares `stat`'s state for writing with [`Dump::write_to`].
pub fn prepare<T: Persist>(stat: &T) -> Result<Dump<impl Serialize + '_>> {
    let state = stat.encoded();
    let size = options()
        .serialized_size(&state)
        .map_err(|e| StatsError::corrupt(format!("cannot encode state: {e}")))?;
    let len = usize::try_from(size)
        .ok()
        .and_then(|n| n.checked_add(2))
        .ok_or_else(|| StatsError::corrupt("state too large to encode"))?;
    Ok(Dump {
        header: [T::TAG, T::VERSION],
        state,
        len,
    })
}

impl<S: Serialize> Dump<S> {
    /// The number of bytes `write_to` writes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes the header and the state into `out`, which must be exactly `len()` long.
    pub fn write_to(&self, out: &mut [u8]) -> Result<()> {
        let wrong = || StatsError::corrupt("state buffer has the wrong length");
        if out.len() != self.len {
            return Err(wrong());
        }
        let (header, mut payload) = out.split_at_mut_checked(2).ok_or_else(wrong)?;
        header.copy_from_slice(&self.header);
        options()
            .serialize_into(&mut payload, &self.state)
            .map_err(|e| StatsError::corrupt(format!("cannot encode state: {e}")))?;
        if payload.is_empty() {
            Ok(())
        } else {
            Err(wrong())
        }
    }
}

/// Asks the kernel to back `v`'s buffer with transparent huge pages; call it before anything
/// is written there. Loading a full window of 10^6 fills ~24 MB of fresh memory, and faulting
/// that in 4 KiB pages costs more than the decoding (measured here: 32 MB written to fresh
/// memory in 15 ms in 4 KiB pages, 5 ms in 2 MiB ones). Only the whole 2 MiB blocks inside the
/// buffer are advised, so buffers under 2 MiB are left alone. Advice only: where THP is off,
/// or the kernel has no huge page to give, nothing changes.
pub(crate) fn advise_huge_pages<T>(v: &Vec<T>) {
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    advise_huge_pages_at(v.as_ptr().cast(), bytes);
}

/// [`advise_huge_pages`] for the `bytes` bytes at `start`, a buffer allocated by someone else
/// (the Python `bytes` a state is written into).
pub fn advise_huge_pages_at(start: *const u8, bytes: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let addr = start as usize;
        let first = addr.div_ceil(HUGE).saturating_mul(HUGE);
        let end = addr.saturating_add(bytes) / HUGE * HUGE;
        if end > first {
            let at = start.wrapping_add(first - addr);
            // SAFETY: [at, at + (end - first)) lies inside the caller's buffer (`first` and
            // `end` are rounded inwards) and is 2 MiB aligned. MADV_HUGEPAGE changes neither
            // the contents nor the mapping, only how the kernel backs the pages; its result
            // is ignored, since advice that cannot be followed leaves things as they were.
            unsafe {
                libc::madvise(at.cast_mut().cast(), end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, bytes);
}

pub fn dump<T: Persist>(stat: &T) -> Result<Vec<u8>> {
    let state = prepare(stat)?;
    let mut out = vec![0; state.len()];
    state.write_to(&mut out)?;
    Ok(out)
}

pub fn load<T: Persist>(bytes: &[u8]) -> Result<T> {
    let (tag, version, payload) = match bytes {
        [tag, version, payload @ ..] => (*tag, *version, payload),
        _ => {
            return Err(StatsError::corrupt(
                "state is shorter than its 2-byte header",
            ))
        }
    };
    if tag != T::TAG {
        return Err(StatsError::corrupt(format!(
            "state has tag {tag}, expected {} (it was written by another statistic)",
            T::TAG
        )));
    }
    if version == 0 || version > T::VERSION {
        return Err(StatsError::corrupt(format!(
            "format version {version} is not one this release reads (1 to {})",
            T::VERSION
        )));
    }
    let limit = u64::try_from(payload.len()).unwrap_or(u64::MAX);
    let state = options()
        .with_limit(limit)
        .deserialize::<T::State>(payload)
        .map_err(|e| StatsError::corrupt(e.to_string()))?;
    T::from_state(state, version)
}

/// Loads `bytes` as the statistic its tag names and, when that succeeds, checks that the
/// loaded statistic behaves: it pickles again to a state that loads back and re-pickles to
/// the same bytes, and univariate ones answer `get` and take updates. Returns whether the
/// bytes loaded. Used by the fuzz target (`fuzz/`) and by the corpus replay test; any panic
/// in here is a bug. Compiled only for tests and the `fuzzing` feature: its asserts are how
/// the fuzzer reports a broken state, and they are never part of the extension module.
#[cfg(any(test, feature = "fuzzing"))]
pub fn exercise(bytes: &[u8]) -> bool {
    use super::*;
    macro_rules! dispatch {
        (univariate: $($u:ty),* ; timed: $($t:ty),* ; other: $($o:ty),* $(,)?) => {
            $(
                if bytes.first() == Some(&<$t as Persist>::TAG) {
                    return exercise_timed::<_>(load::<$t>(bytes));
                }
            )*
            $(
                if bytes.first() == Some(&<$u as Persist>::TAG) {
                    return exercise_univariate::<$u>(bytes);
                }
            )*
            $(
                if bytes.first() == Some(&<$o as Persist>::TAG) {
                    return load::<$o>(bytes).map(|stat| check_round_trip(&stat)).is_ok();
                }
            )*
        };
    }
    dispatch!(
        univariate: ewmean::EWMean, ptp::PeakToPeak, rolling_quantile::RollingQuantile,
        rolling_quantile::RollingIQR, moments::Mean, moments::Var, ew_moments::EWVar,
        shape::Skew, shape::Kurtosis, counting::Sum, counting::Count, counting::BayesianMean,
        autocorr::AutoCorr, extrema::Max, extrema::Min, extrema::AbsMax,
        rolling_extrema::RollingMax, rolling_extrema::RollingMin, rolling_extrema::RollingAbsMax,
        rolling_extrema::RollingPeakToPeak, quantile::Quantile, quantile::IQR, quantile::MAD, kll::KLLQuantile;
        timed: time_window::TimeRollingQuantile, time_window::TimeRollingIQR,
        time_window::TimeRollingMax, time_window::TimeRollingMin,
        time_window::TimeRollingAbsMax, time_window::TimeRollingPeakToPeak;
        other: moments::Cov, moments::PearsonCorr, ew_moments::EWCov, ks::KolmogorovSmirnov,
    );
    false
}

/// Not compiled into the extension (see `exercise`): the asserts report a broken state.
#[cfg(any(test, feature = "fuzzing"))]
fn check_round_trip<T: Persist>(stat: &T) {
    let Ok(first) = dump(stat) else { return };
    let reloaded = load::<T>(&first);
    assert!(reloaded.is_ok(), "a dumped state must load");
    if let Ok(r) = reloaded {
        assert!(
            dump(&r).ok().as_ref() == Some(&first),
            "a reloaded state must dump identically"
        );
    }
}

/// A time window that loaded: it round-trips, takes events in order, tied and late (in the
/// clock its period names; the other clock is refused), and round-trips again.
#[cfg(any(test, feature = "fuzzing"))]
fn exercise_timed<K: super::time_window::KindState>(
    loaded: Result<super::time_window::TimeRolling<K>>,
) -> bool {
    use super::time_window::{Calendar, Time};
    let Ok(mut stat) = loaded else {
        return false;
    };
    check_round_trip(&stat);
    let _ = stat.get();
    for i in 0..48i64 {
        let t = (i / 2) - 8 * i64::from(i % 7 == 3);
        let _ = stat.update(i as f64 - 20.0, Time::Seconds(t as f64));
        let _ = stat.update(-(i as f64), Time::Nanos(t, Calendar::Datetime64));
        let _ = stat.get();
    }
    check_round_trip(&stat);
    true
}

#[cfg(any(test, feature = "fuzzing"))]
fn exercise_univariate<T: Persist + super::Univariate>(bytes: &[u8]) -> bool {
    let Ok(mut stat) = load::<T>(bytes) else {
        return false;
    };
    check_round_trip(&stat);
    let _ = stat.get();
    for (i, x) in bytes.iter().take(64).enumerate() {
        stat.update(f64::from(*x) - i as f64);
        let _ = stat.get();
    }
    check_round_trip(&stat);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `__getstate__` writes straight into a Python `bytes` is `dump`'s bytes, and a
    /// buffer of any other length is refused rather than overrun or left partly unwritten.
    #[test]
    fn prepared_state_writes_exactly_its_length() {
        use crate::core::rolling_quantile::RollingQuantile;
        use crate::core::Univariate;
        let mut rq = RollingQuantile::new(0.5, 13).unwrap();
        for i in 0..29 {
            rq.update(f64::from(i * 7 % 11));
        }
        let state = prepare(&rq).unwrap();
        let mut buf = vec![0u8; state.len()];
        state.write_to(&mut buf).unwrap();
        assert_eq!(buf, dump(&rq).unwrap());
        assert!(load::<RollingQuantile>(&buf).is_ok());
        for len in [0, 1, 2, state.len() - 1, state.len() + 1] {
            assert!(state.write_to(&mut vec![0u8; len]).is_err(), "length {len}");
        }
    }

    /// Replays the fuzzer's corpus (fuzz/corpus/state_decoder): every input either loads and
    /// behaves or is refused, without a panic.
    #[test]
    fn fuzz_corpus_replays_without_panic() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/state_decoder");
        let entries = std::fs::read_dir(&dir).expect("the corpus is part of the repository");
        let (mut total, mut loaded) = (0, 0);
        for entry in entries {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            total += 1;
            loaded += usize::from(exercise(&bytes));
        }
        assert!(total >= 10, "corpus has only {total} inputs");
        assert!(loaded >= 4, "only {loaded} of {total} corpus inputs load");
    }
}
