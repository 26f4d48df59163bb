"""Several Python threads updating and reading shared statistics: no crash, no deadlock, and
exact final counts (the Rust side serialises access to each statistic)."""

from __future__ import annotations

import pickle
import subprocess
import sys
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


def test_statistics_of_hashables_shared_by_threads_count_exactly():
    """Keys of builtin types run no Python code inside an update, so threads sharing one of
    these statistics never find it busy: every update counts."""
    mode, rolling, entropy, chi2 = (
        stats.Mode(k=-1),
        stats.RollingMode(50),
        stats.Entropy(),
        stats.ChiSquared(),
    )
    n_threads, per_thread = 4, 5_000
    seen: list = []

    def work(offset):
        def inner():
            for i in range(per_thread):
                key = ("a", "b", 1, 2.5, None)[(offset + i) % 5]
                mode.update(key)
                rolling.update(key)
                entropy.update(key)
                chi2.update(key, i % 3)
            mode.update_many(["z"] * 10)
            entropy.update_many(np.zeros(10))
            seen.append((mode.get(), rolling.get(), chi2.get(), pickle.loads(pickle.dumps(chi2)).n))

        return inner

    run_threads([work(k) for k in range(n_threads)])
    total = n_threads * per_thread
    assert sum(mode.counts.values()) == total + n_threads * 10
    assert entropy.n == total + n_threads * 10
    assert sum(rolling.counts.values()) == 50
    assert chi2.n == total and sum(chi2.x_totals.values()) == total
    assert len(seen) == n_threads


class _SlowEq:
    """A key whose `==` runs Python code, so that another thread may run in the middle of a
    lookup (a pure-Python `__eq__` lets the interpreter switch threads)."""

    def __init__(self, k: int) -> None:
        self.k = k

    def __hash__(self) -> int:
        return 0  # every key collides: every lookup calls __eq__

    def __eq__(self, other: object) -> bool:
        time.sleep(0)  # a switch point
        return isinstance(other, _SlowEq) and other.k == self.k


def test_a_statistic_busy_in_a_python_eq_refuses_other_threads_without_deadlock():
    mode = stats.Mode(k=-1)
    refused: list[BaseException] = []

    def work():
        for i in range(300):
            try:
                mode.update(_SlowEq(i % 7))
            except RuntimeError as err:  # busy: another thread is inside this statistic
                refused.append(err)

    run_threads([work, work, work])
    counted = sum(mode.counts.values())
    assert counted + len(refused) == 900
    assert all("borrow" in str(err) for err in refused)


def test_a_fresh_process_first_array_batch_under_threads():
    """numpy's first read of an array in a process runs Python code (an import), where another
    thread may take its turn: the hashable statistics read their array before they are
    borrowed, so threads sharing one never find it busy, even in that first batch."""
    script = (
        "import sys, threading, numpy as np\n"
        "sys.setswitchinterval(1e-6)\n"
        "from river import stats\n"
        "e, c, errors = stats.Entropy(), stats.ChiSquared(), []\n"
        "def work():\n"
        "    try:\n"
        "        for i in range(5000):\n"
        "            e.update(i % 5); c.update(i % 5, i % 3)\n"
        "        e.update_many(np.zeros(10)); c.update_many(np.zeros(4), np.ones(4))\n"
        "    except BaseException as err:\n"
        "        errors.append(err)\n"
        "ts = [threading.Thread(target=work) for _ in range(4)]\n"
        "[t.start() for t in ts]; [t.join(60) for t in ts]\n"
        "assert not errors, errors\n"
        "assert e.n == 4 * 5010 and c.n == 4 * 5004, (e.n, c.n)\n"
    )
    for _ in range(3):  # a switch at that moment is likely, not certain: three fresh processes
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
