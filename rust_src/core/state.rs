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
    fn from_state(state: Self::State, version: u8) -> Result<Self>;
}

fn options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_little_endian()
        .reject_trailing_bytes()
}

pub fn dump<T: Persist>(stat: &T) -> Result<Vec<u8>> {
    let mut out = vec![T::TAG, T::VERSION];
    options()
        .serialize_into(&mut out, &stat.to_state())
        .map_err(|e| StatsError::corrupt(format!("cannot encode state: {e}")))?;
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
