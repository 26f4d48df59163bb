"""Writes valid pickled states of every Rust statistic into fuzz/corpus/state_decoder, as
seeds for the fuzzer (run by `make fuzz` before fuzzing)."""

from __future__ import annotations

import hashlib
import pathlib

import numpy as np

from river import stats

CORPUS = pathlib.Path(__file__).parent / "corpus" / "state_decoder"


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    written = 0
    for name in stats.__all__:
        cls = getattr(stats, name)
        if not isinstance(cls, type) or not hasattr(cls, "__getstate__") or not hasattr(cls, "_unit_test_params"):
            continue
        for params in cls._unit_test_params():
            for n in (0, 1, 3, 17):
                try:
                    stat = cls(**params)
                    if isinstance(stat, stats.base.Univariate):
                        stat.update_many(rng.integers(-3, 4, n).astype(float))
                    elif name.startswith("TimeRolling"):  # update(x, t): times with ties and late ones
                        ts = np.maximum.accumulate(rng.integers(0, 3, n)).astype(float) - (rng.random(n) < 0.2)
                        stat.update_many(rng.integers(-3, 4, n).astype(float), ts)
                    state = stat.__getstate__()
                except (TypeError, ValueError):
                    continue
                if not isinstance(state, bytes):
                    continue
                (CORPUS / hashlib.sha1(state).hexdigest()[:16]).write_bytes(state)
                written += 1
    print(f"{written} seeds in {CORPUS}")


if __name__ == "__main__":
    main()
