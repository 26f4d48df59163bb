//! Criterion benchmarks of the pure cores (no Python): `cargo bench`.
// Benchmarks are not reachable from Python; failing loudly on a bad setup is what we want.
#![allow(clippy::expect_used)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use river_stats::core::ewmean::EWMean;
use river_stats::core::ptp::PeakToPeak;
use river_stats::core::rolling_quantile::{RollingIQR, RollingQuantile};
use river_stats::core::Univariate;
use std::hint::black_box;

fn stream(len: usize) -> Vec<f64> {
    stream_from(0x9E37_79B9_7F4A_7C15, len)
}

/// The window is filled from one seed and updated from another, so every update really
/// replaces the oldest value with a different one.
fn stream_from(seed: u64, len: usize) -> Vec<f64> {
    let mut s: u64 = seed;
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn rolling(c: &mut Criterion) {
    let xs = stream(200_000);
    let mut group = c.benchmark_group("rolling_quantile_update_get");
    group.throughput(Throughput::Elements(xs.len() as u64));
    group.sample_size(10);
    for &w in &[1_000usize, 100_000, 1_000_000] {
        group.bench_function(format!("median_w{w}"), |b| {
            b.iter_batched(
                || {
                    let mut rq = RollingQuantile::new(0.5, w as i64).expect("valid");
                    rq.update_many(&stream_from(42, w));
                    rq
                },
                |mut rq| {
                    for &x in &xs {
                        rq.update(x);
                        black_box(rq.get());
                    }
                    rq
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("iqr_w{w}"), |b| {
            b.iter_batched(
                || {
                    let mut iqr = RollingIQR::new(w as i64, 0.25, 0.75).expect("valid");
                    iqr.update_many(&stream_from(42, w));
                    iqr
                },
                |mut iqr| {
                    for &x in &xs {
                        iqr.update(x);
                        black_box(iqr.get());
                    }
                    iqr
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn scalar(c: &mut Criterion) {
    let xs = stream(1_000_000);
    let mut group = c.benchmark_group("update_many");
    group.throughput(Throughput::Elements(xs.len() as u64));
    group.bench_function("ewmean", |b| {
        let mut m = EWMean::new(0.5).expect("valid");
        b.iter(|| m.update_many(black_box(&xs)))
    });
    group.bench_function("ptp", |b| {
        let mut p = PeakToPeak::new();
        b.iter(|| p.update_many(black_box(&xs)))
    });
    group.finish();
}

criterion_group!(benches, rolling, scalar);
criterion_main!(benches);
