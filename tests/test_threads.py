"""Several Python threads updating and reading shared statistics: no crash, no deadlock, and
exact final counts (the Rust side serialises access to each statistic)."""

from __future__ import annotations

import threading
import time

import numpy as np

from river import stats


def run_threads(targets, seconds_limit: float = 60.0) -> None:
    errors: list[BaseException] = []

    def wrap(fn):
        def inner():
            try:
                fn()
            except BaseException as err:  # noqa: BLE001 - a PanicException is a BaseException
                errors.append(err)

        return inner

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + seconds_limit
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    assert not errors, errors


def test_one_rolling_quantile_shared_by_writers_batchers_and_readers():
    window = 50_000
    rq = stats.RollingQuantile(q=0.5, window_size=window)
    per_writer, batches, batch_len = 20_000, 4, 40_000  # batches large enough to release the GIL
    seen: list[float | None] = []

    def writer():
        for i in range(per_writer):
            rq.update(float(i % 97))

    def batcher():
        for _ in range(batches):
            rq.update_many(np.full(batch_len, 5.0))

    def reader():
        for _ in range(2_000):
            seen.append(rq.get())
            _ = rq.__getstate__() if len(seen) % 500 == 0 else None

    run_threads([writer, writer, batcher, reader, reader])
    assert len(rq) == window  # 2 * 20k + 4 * 40k updates went in; the window is full
    assert all(v is None or 0.0 <= v <= 96.0 for v in seen)


def test_many_statistics_counts_are_exact():
    ptps = [stats.PeakToPeak() for _ in range(8)]
    rqs = [stats.RollingQuantile(q=1.0, window_size=10**6) for _ in range(8)]
    n_threads, per_thread = 4, 5_000

    def work(offset):
        def inner():
            for i in range(per_thread):
                x = float(offset * per_thread + i)
                for p in ptps:
                    p.update(x)
                for r in rqs:
                    r.update(x)
            for r in rqs:
                r.update_many(np.arange(10.0))

        return inner

    run_threads([work(k) for k in range(n_threads)])
    total = n_threads * per_thread
    for p in ptps:
        assert p.get() == total - 1
    for r in rqs:
        assert len(r) == total + n_threads * 10
        assert r.get() == total - 1
