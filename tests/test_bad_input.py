"""Bad input raises ValueError/TypeError naming the problem and changes nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import rust_univariates

from river import stats

CASES = rust_univariates()

BAD_VALUES = [
    (math.nan, ValueError, "NaN"),
    (np.float32("nan"), ValueError, "NaN"),
    (None, TypeError, "real number"),
    ("1.0", TypeError, "real number"),
    (b"1", TypeError, "real number"),
    (1 + 2j, TypeError, "real number"),
    (10**400, ValueError, "too large"),
    ([1.0], TypeError, "real number"),
]


def snapshot(stat):
    return stat.__getstate__(), stat.get()


@pytest.mark.parametrize("cls, params", CASES)
@pytest.mark.parametrize("value, error, message", BAD_VALUES)
def test_bad_update_is_refused_without_change(cls, params, value, error, message):
    stat = cls(**params)
    stat.update_many([1.0, 5.0, 2.0])
    before = snapshot(stat)
    with pytest.raises(error, match=message):
        stat.update(value)
    if hasattr(stat, "revert"):
        with pytest.raises(error, match=message):
            stat.revert(value)
    assert snapshot(stat) == before


@pytest.mark.parametrize("cls, params", CASES)
def test_batch_with_nan_is_all_or_nothing(cls, params):
    stat = cls(**params)
    stat.update_many([1.0, 2.0])
    before = snapshot(stat)
    with pytest.raises(ValueError, match="element 3 of the input is NaN"):
        stat.update_many(np.array([4.0, 5.0, 6.0, np.nan, 7.0]))
    with pytest.raises(ValueError, match="element 1"):
        stat.update_many([4.0, math.nan])
    with pytest.raises(TypeError, match="element 2"):
        stat.update_many([4.0, 5.0, "x"])
    with pytest.raises(ValueError, match="element 3 of the input is NaN"):
        stat.accumulate(np.array([4.0, 5.0, 6.0, np.nan]))
    with pytest.raises(TypeError, match="element 2"):
        stat.accumulate([4.0, 5.0, "x"])
    with pytest.raises(TypeError, match="iterable"):
        stat.update_many("123")
    with pytest.raises(TypeError, match="iterable"):
        stat.update_many(3.0)
    with pytest.raises(ValueError, match="1-D"):
        stat.update_many(np.ones((2, 2)))
    with pytest.raises(TypeError, match="dtype"):
        stat.update_many(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="dtype"):
        stat.update_many(np.array([1 + 1j]))
    assert snapshot(stat) == before


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: stats.EWMean(1.5), ValueError, "fading_factor"),
        (lambda: stats.EWMean(-0.1), ValueError, "fading_factor"),
        (lambda: stats.EWMean(math.nan), ValueError, "fading_factor"),
        (lambda: stats.EWMean("0.5"), TypeError, "fading_factor"),
        (lambda: stats.RollingQuantile(1.5, 10), ValueError, "q must be between 0 and 1"),
        (lambda: stats.RollingQuantile(-0.01, 10), ValueError, "q must be between 0 and 1"),
        (lambda: stats.RollingQuantile(math.nan, 10), ValueError, "q must be"),
        (lambda: stats.RollingQuantile(0.5, 0), ValueError, "window_size"),
        (lambda: stats.RollingQuantile(0.5, -5), ValueError, "window_size"),
        (lambda: stats.RollingQuantile(0.5, 2.0), TypeError, "window_size must be an int"),
        (lambda: stats.RollingQuantile(0.5, True), TypeError, "window_size must be an int"),
        (lambda: stats.RollingQuantile(0.5, None), TypeError, "window_size"),
        (lambda: stats.RollingQuantile(0.5, 2**40), ValueError, "window_size"),
        (lambda: stats.RollingQuantile(0.5, 10**30), ValueError, "window_size"),
        (lambda: stats.RollingIQR(10, q_inf=0.75, q_sup=0.25), ValueError, "q_inf must be smaller"),
        (lambda: stats.RollingIQR(10, q_inf=0.5, q_sup=0.5), ValueError, "q_inf must be smaller"),
        (lambda: stats.RollingIQR(10, q_inf=-1, q_sup=0.5), ValueError, "q_inf"),
        (lambda: stats.RollingIQR(0), ValueError, "window_size"),
    ],
)
def test_invalid_constructor_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_accepted_number_types():
    rq = stats.RollingQuantile(0.5, 10)
    for x in [1, True, np.int64(3), np.float32(2.5), np.uint8(7)]:
        rq.update(x)
    assert rq.get() == np.quantile([1, 1, 3, 2.5, 7], 0.5)
    assert stats.RollingQuantile(0.5, np.int32(4)).window_size == 4


def test_get_before_update():
    assert stats.RollingQuantile(0.5, 3).get() is None
    assert stats.RollingIQR(3).get() is None
    assert stats.EWMean().get() == 0.0
    assert stats.PeakToPeak().get() == 0.0


class LyingLength:
    """An iterable whose __len__ claims far more items than it yields."""

    def __len__(self):
        return 10**18

    def __iter__(self):
        return iter([1.0, 2.0, 4.0])


def test_a_lying_len_is_only_a_hint():
    # Reserving 10**18 floats up front would abort the interpreter.
    from test_all_stats import CATALOGUE

    for name, (kwargs, _, _, kind) in CATALOGUE.items():
        stat = getattr(stats, name)(**kwargs)
        if kind.startswith("biv"):
            if not hasattr(stat, "update_many"):
                continue
            stat.update_many(LyingLength(), LyingLength())
            continue
        stat.update_many(LyingLength())
        reference = getattr(stats, name)(**kwargs)
        for x in ["v1.0", "v2.0", "v4.0"] if kind == "hash" else [1.0, 2.0, 4.0]:
            reference.update(x)
        if kind == "num":
            assert stat.get() == reference.get(), name
