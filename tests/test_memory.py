"""Memory stays flat once a rolling window is full."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from river import stats


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
@pytest.mark.parametrize("cls, kwargs", [(stats.RollingQuantile, {"q": 0.5}), (stats.RollingIQR, {})])
def test_rolling_window_memory_is_flat_after_filling(cls, kwargs):
    window = 10**6
    stat = cls(window_size=window, **kwargs)
    chunk = np.random.default_rng(0).normal(size=window)
    stat.update_many(chunk)  # full window
    stat.update_many(chunk)  # steady state reached, allocator warmed up
    before = rss_bytes()
    for seed in range(8):  # 8 * 10^6 more values, 10^7 in all
        stat.update_many(np.random.default_rng(seed + 1).normal(size=window))
    grown = rss_bytes() - before
    # What this bounds: a window that kept its evicted values would grow by at least 8 bytes per
    # value, 61 MiB over these 8 * 10^6 values. Each chunk of input is 8 MB, allocated and freed
    # per iteration (above the allocator's mmap threshold, so it goes back to the system), and
    # the state stopped growing when the window filled. So at most about one chunk's worth of
    # pages may still be resident: 16 MiB is twice that, and far below a leak. It counts pages,
    # not time, so a slow or loaded machine does not change it; Linux only (/proc/self/statm).
    assert grown < 16 * 2**20, f"resident memory grew by {grown / 2**20:.1f} MiB"
    # The design's budget per window element: the value, its place in the order structure and
    # its handle (24 bytes), independent of the machine but for 64-bit sizes.
    per_element = sys.getsizeof(stat) / window
    assert per_element <= 24 + 1, per_element
