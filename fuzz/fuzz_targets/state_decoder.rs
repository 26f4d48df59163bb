//! Feeds arbitrary bytes to the pickled-state decoder of every statistic: it must refuse
//! them with an error or load something that behaves, and never panic or over-allocate.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = river_stats::core::state::exercise(data);
});
