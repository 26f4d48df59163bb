"""Statistics over a window of time: exact against numpy over the window River's
`utils.TimeRolling` keeps (out-of-order and tied times included), every kind of time, bad
times refused with the state unchanged, batches equal to the loop, pickling mid-stream."""

from __future__ import annotations

import copy
import datetime as dt
import operator
import pickle

import numpy as np
import pytest

from river import stats, utils

QUANTILE_CLASSES = ["TimeRollingQuantile", "TimeRollingIQR"]
EXTREMA = {
    "TimeRollingMax": np.max,
    "TimeRollingMin": np.min,
    "TimeRollingAbsMax": lambda v: np.max(np.abs(v)),
    "TimeRollingPeakToPeak": np.ptp,
}


class Window:
    """The values a `utils.TimeRolling` holds: a brute-force oracle with update/revert."""

    def __init__(self):
        self.values: list[float] = []

    def update(self, x):
        self.values.append(x)

    def revert(self, x):
        self.values.remove(x)

    def get(self):
        return list(self.values)


def stream(seed: int, n: int, late: float = 0.2, step: int = 3, distinct: int = 15):
    """Integer times moving forward by 0..step (ties), a share of them late by up to 40."""
    rng = np.random.default_rng(seed)
    t, out = 0, []
    for _ in range(n):
        if rng.random() < late:
            time = t - int(rng.integers(0, 40))
        else:
            t += int(rng.integers(0, step + 1))
            time = t
        out.append((time, float(rng.integers(-distinct, distinct + 1)) / 4))
    return out


def expected(name, values, q=0.5, q_inf=0.25, q_sup=0.75):
    if not values:
        return None
    v = np.asarray(values)
    if name == "TimeRollingQuantile":
        return float(np.quantile(v, q, method="linear"))
    if name == "TimeRollingIQR":
        return float(np.quantile(v, q_sup, method="linear") - np.quantile(v, q_inf, method="linear"))
    return float(EXTREMA[name](v))


def build(name, period, **kw):
    if name == "TimeRollingQuantile":
        return stats.TimeRollingQuantile(q=kw.get("q", 0.5), period=period)
    if name == "TimeRollingIQR":
        return stats.TimeRollingIQR(period, q_inf=kw.get("q_inf", 0.25), q_sup=kw.get("q_sup", 0.75))
    return getattr(stats, name)(period=period)


@pytest.mark.parametrize("name", QUANTILE_CLASSES + list(EXTREMA))
@pytest.mark.parametrize("seed", range(6))
def test_equals_numpy_over_the_python_time_rolling_window(name, seed):
    period = [1, 3, 10, 25, 7, 50][seed]
    q = [0.5, 0.0, 1.0, 0.37, 0.9, 0.1][seed]
    oracle = utils.TimeRolling(Window, period=period)
    stat = build(name, period, q=q, q_inf=q / 2, q_sup=0.5 + q / 2)
    for t, x in stream(seed, 600):
        oracle.update(x, t=t)
        stat.update(x, t=t)
        want = expected(name, oracle.get(), q=q, q_inf=q / 2, q_sup=0.5 + q / 2)
        assert stat.get() == want, (t, x)
        if name in QUANTILE_CLASSES:
            assert len(stat) == len(oracle.get())


@pytest.mark.parametrize("q", [0.0, 0.1, 0.25, 0.5, 0.73, 0.99, 1.0])
def test_bit_equal_to_numpy_on_continuous_values(q):
    rng = np.random.default_rng(1)
    ts = np.cumsum(rng.exponential(1.0, 3000))
    ts[rng.random(3000) < 0.1] -= 30  # late events
    xs = rng.standard_normal(3000) * 10.0 ** rng.integers(-3, 4, 3000)
    oracle = utils.TimeRolling(Window, period=20.0)
    stat = stats.TimeRollingQuantile(q, period=20.0)
    for t, x in zip(ts.tolist(), xs.tolist(), strict=True):
        oracle.update(x, t=t)
        stat.update(x, t=t)
        assert stat.get() == np.quantile(oracle.get(), q)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_infinite_values_follow_numpy():
    stat = stats.TimeRollingQuantile(0.5, period=10)
    oracle = utils.TimeRolling(Window, period=10)
    for t, x in enumerate([1.0, float("inf"), -float("inf"), 2.0, float("inf"), 3.0] * 5):
        stat.update(x, t=t)
        oracle.update(x, t=t)
        want = np.quantile(oracle.get(), 0.5)
        got = stat.get()
        assert got == want or (np.isnan(got) and np.isnan(want))


UTC = dt.timezone.utc
PLUS2 = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(
    "make_t, period",
    [
        (lambda i: dt.datetime(2024, 3, 1) + dt.timedelta(seconds=i), dt.timedelta(seconds=7)),
        (lambda i: dt.datetime(2024, 3, 1, tzinfo=UTC) + dt.timedelta(seconds=i), dt.timedelta(seconds=7)),
        (
            lambda i: (
                dt.datetime(2024, 3, 1, tzinfo=[UTC, PLUS2][i % 2])
                + dt.timedelta(hours=2 * (i % 2), seconds=i)
            ),
            dt.timedelta(seconds=7),
        ),
        (lambda i: dt.datetime(2024, 3, 1) + dt.timedelta(microseconds=i), dt.timedelta(microseconds=7)),
        (lambda i: dt.date(2024, 3, 1) + dt.timedelta(days=i), dt.timedelta(days=7)),
        (
            lambda i: np.datetime64("2024-03-01T00:00:00", "ns") + np.timedelta64(i, "ns"),
            np.timedelta64(7, "ns"),
        ),
        (lambda i: np.datetime64("2024-03-01", "D") + np.timedelta64(i, "D"), dt.timedelta(days=7)),
        (
            lambda i: (
                np.datetime64("2024-03-01T00:00:00", "us") + np.timedelta64(i, "s")
                if i % 2
                else dt.datetime(2024, 3, 1) + dt.timedelta(seconds=i)
            ),
            dt.timedelta(seconds=7),
        ),
        (lambda i: i, 7),
        (lambda i: float(i) / 8, 7 / 8),
        (lambda i: np.int64(i), np.int64(7)),
    ],
    ids=[
        "naive",
        "aware",
        "mixed-zones",
        "microseconds",
        "date",
        "datetime64-ns",
        "datetime64-D",
        "naive-and-datetime64",
        "int",
        "float",
        "numpy-int",
    ],
)
def test_every_kind_of_time(make_t, period):
    oracle = utils.TimeRolling(Window, period=period)
    stat = stats.TimeRollingQuantile(0.3, period=period)
    rmax = stats.TimeRollingMax(period=period)
    for i, x in stream(11, 300):
        t = make_t(i)
        oracle.update(x, t=t)
        stat.update(x, t=t)
        rmax.update(x, t=t)
        assert stat.get() == np.quantile(oracle.get(), 0.3)
        assert rmax.get() == max(oracle.get())


def snapshot(stat):
    return pickle.dumps(stat)


@pytest.mark.parametrize("name", QUANTILE_CLASSES + list(EXTREMA))
def test_bad_times_are_refused_without_change(name):
    aware = build(name, dt.timedelta(minutes=5))
    aware.update(1.0, t=dt.datetime(2024, 1, 1, tzinfo=UTC))
    numeric = build(name, 5)
    numeric.update(1.0, t=3)
    cases = [
        (aware, None, TypeError, "t must be"),
        (aware, "2024-01-01", TypeError, "t must be"),
        (aware, float("nan"), ValueError, "number"),
        (aware, 3, ValueError, "number"),
        (aware, dt.datetime(2024, 1, 2), ValueError, "naive datetime"),
        (aware, dt.date(2024, 1, 2), ValueError, "a date"),
        (aware, np.datetime64("NaT"), ValueError, "NaT"),
        (aware, dt.datetime(2500, 1, 1, tzinfo=UTC), ValueError, "range"),
        (numeric, None, TypeError, "t must be"),
        (numeric, float("nan"), ValueError, "finite"),
        (numeric, float("inf"), ValueError, "finite"),
        (numeric, True, TypeError, "t must be"),
        (numeric, dt.datetime(2024, 1, 1), ValueError, "number"),
        (numeric, 10**400, ValueError, "too large"),
    ]
    for stat, t, error, match in cases:
        before = snapshot(stat)
        with pytest.raises(error, match=match):
            stat.update(2.0, t=t)
        assert snapshot(stat) == before, t
    for bad_x in (float("nan"), None, "1"):
        before = snapshot(numeric)
        with pytest.raises((ValueError, TypeError), match="x"):
            numeric.update(bad_x, t=4)
        assert snapshot(numeric) == before


@pytest.mark.parametrize(
    "period", [0, -1, 0.0, float("nan"), float("inf"), dt.timedelta(0), dt.timedelta(seconds=-1)]
)
def test_non_positive_periods_are_refused(period):
    with pytest.raises(ValueError, match="period"):
        stats.TimeRollingQuantile(0.5, period=period)


@pytest.mark.parametrize("period", [None, "5min", True, [1]])
def test_periods_of_other_types_are_refused(period):
    with pytest.raises(TypeError, match="period"):
        stats.TimeRollingMax(period=period)


def test_bad_parameters():
    with pytest.raises(ValueError, match="q"):
        stats.TimeRollingQuantile(1.5, period=1)
    with pytest.raises(ValueError, match="q_inf"):
        stats.TimeRollingIQR(1, q_inf=0.8, q_sup=0.2)


@pytest.mark.parametrize("name", QUANTILE_CLASSES + list(EXTREMA))
@pytest.mark.parametrize("times", ["float", "int", "datetime64", "datetime-list"])
def test_batch_equals_the_loop(name, times):
    events = stream(5, 2000)
    xs = np.array([x for _, x in events])
    if times == "float":
        ts, period = np.array([t / 4 for t, _ in events]), 2.5
    elif times == "int":
        ts, period = np.array([t for t, _ in events]), 10
    elif times == "datetime64":
        ts = np.datetime64("2024-01-01", "s") + np.array([t for t, _ in events]).astype("timedelta64[s]")
        period = dt.timedelta(seconds=10)
    else:
        ts = [dt.datetime(2024, 1, 1) + dt.timedelta(seconds=t) for t, _ in events]
        period = dt.timedelta(seconds=10)
    loop = build(name, period)
    want = []
    for x, t in zip(xs, ts, strict=True):
        loop.update(x, t=t)
        want.append(loop.get())
    acc = build(name, period)
    got = acc.accumulate(xs, ts)
    assert isinstance(got, np.ndarray) and got.tolist() == want
    many = build(name, period)
    many.update_many(xs, ts)
    assert pickle.dumps(many) == pickle.dumps(acc) == pickle.dumps(loop)


def test_batches_are_all_or_nothing():
    stat = stats.TimeRollingQuantile(0.5, period=3)
    stat.update_many(np.arange(5.0), np.arange(5.0))
    before = snapshot(stat)
    ts = np.arange(5.0, 10.0)
    bad_ts = ts.copy()
    bad_ts[3] = np.nan
    with pytest.raises(ValueError, match="element 3"):
        stat.update_many(np.ones(5), bad_ts)
    bad_xs = np.ones(5)
    bad_xs[2] = np.nan
    with pytest.raises(ValueError, match="element 2"):
        stat.accumulate(bad_xs, ts)
    with pytest.raises(ValueError, match="same length"):
        stat.update_many(np.ones(4), ts)
    with pytest.raises((ValueError, TypeError), match="element 1"):
        stat.update_many([1.0, 2.0], [5.0, "x"])
    with pytest.raises(ValueError, match="element 1"):
        stat.update_many([1.0, 2.0], [5.0, dt.datetime(2024, 1, 1)])
    nat = np.array(["2024-01-01", "NaT"], dtype="datetime64[s]")
    dated = stats.TimeRollingQuantile(0.5, period=dt.timedelta(1))
    with pytest.raises(ValueError, match="NaT"):
        dated.update_many([1.0, 2.0], nat)
    assert len(dated) == 0
    assert snapshot(stat) == before


@pytest.mark.parametrize("name", QUANTILE_CLASSES + list(EXTREMA))
def test_pickle_copy_and_clone_mid_stream(name):
    period = dt.timedelta(seconds=9)
    stat = build(name, period)
    events = stream(8, 400)
    start = dt.datetime(2024, 5, 1, tzinfo=UTC)
    for t, x in events[:200]:
        stat.update(x, t=start + dt.timedelta(seconds=t))
    restored = pickle.loads(pickle.dumps(stat))
    copied = copy.deepcopy(stat)
    fitted = stat.clone(include_attributes=True)
    assert type(restored) is type(stat) and restored.period == period
    assert stat.clone().get() is None
    for t, x in events[200:]:
        for s in (stat, restored, copied, fitted):
            s.update(x, t=start + dt.timedelta(seconds=t))
        assert stat.get() == restored.get() == copied.get() == fitted.get()
    # The calendar is part of the state: a naive time after the aware ones is still refused.
    with pytest.raises(ValueError, match="naive"):
        restored.update(1.0, t=dt.datetime(2024, 6, 1))


@pytest.mark.parametrize("name", QUANTILE_CLASSES + list(EXTREMA))
def test_hostile_states_are_refused(name):
    stat = build(name, 5)
    for t, x in stream(2, 60):
        stat.update(x, t=t)
    state = stat.__getstate__()
    fresh = build(name, 5)
    other_period = build(name, 6)
    with pytest.raises(ValueError, match="period"):
        other_period.__setstate__(state)
    with pytest.raises(ValueError, match="invalid pickled state"):
        fresh.__setstate__(state[:-3])
    with pytest.raises(ValueError, match="invalid pickled state"):
        fresh.__setstate__(bytes([state[0] ^ 1]) + state[1:])
    with pytest.raises(ValueError, match="expected bytes"):
        fresh.__setstate__("nope")
    rng = np.random.default_rng(0)
    for _ in range(300):
        b = bytearray(state)
        b[int(rng.integers(2, len(b)))] ^= int(rng.integers(1, 256))
        try:
            fresh.__setstate__(bytes(b))
        except ValueError:
            continue
        fresh.update(1.0, t=1000)
        fresh.get()
    assert build(name, 5).get() is None


@pytest.mark.parametrize("name", QUANTILE_CLASSES + list(EXTREMA))
def test_merging_a_window_is_a_type_error_that_says_why(name):
    a, b = build(name, 1), build(name, 1)
    for op in (operator.add, operator.iadd, operator.sub, operator.isub):
        with pytest.raises(TypeError, match=f"{name} cannot be merged with .*time window.*KLLQuantile"):
            op(a, b)


def test_repr_name_and_params():
    stat = stats.TimeRollingIQR(dt.timedelta(minutes=5))
    assert repr(stat) == "TimeRollingIQR: None"
    stat.update(3, t=dt.datetime(2024, 1, 1))
    stat.update(1, t=dt.datetime(2024, 1, 1, 0, 1))
    assert repr(stat) == "TimeRollingIQR: 1."
    assert stat.name == "timerollingiqr_0:05:00"
    assert stat._get_params() == {"period": dt.timedelta(minutes=5), "q_inf": 0.25, "q_sup": 0.75}
    assert not isinstance(stat, stats.base.Univariate) and isinstance(stat, stats.base.Statistic)


@pytest.mark.parametrize(
    "wrapper, kw, cls, suggestion",
    [
        (utils.TimeRolling, {"period": dt.timedelta(1)}, stats.Quantile, "TimeRollingQuantile"),
        (utils.TimeRolling, {"period": dt.timedelta(1)}, stats.IQR, "TimeRollingIQR"),
        (utils.Rolling, {"window_size": 3}, stats.Quantile, "RollingQuantile"),
        (utils.Rolling, {"window_size": 3}, stats.Max, "RollingMax"),
    ],
)
def test_wrappers_refuse_quantiles_naming_the_class_to_use(wrapper, kw, cls, suggestion):
    with pytest.raises(ValueError, match=f"use stats.{suggestion} instead"):
        wrapper(cls, **kw)


def test_len_and_sizeof_grow_with_the_window():
    stat = stats.TimeRollingQuantile(0.5, period=1000)
    small = stat.__sizeof__()
    stat.update_many(np.arange(10000.0), np.arange(10000.0))
    assert len(stat) == 1000
    assert stat.__sizeof__() > small + 1000 * 8


def test_code_walking_every_class_of_river_stats_keeps_working():
    """Build every class with its defaults (1 for a required argument), pickle it, print it and
    feed every Univariate one value: the time windows, not Univariates, must not get in the way."""
    import inspect

    for name in stats.__all__:
        cls = getattr(stats, name)
        if not inspect.isclass(cls) or inspect.isabstract(cls) or name == "Link":
            continue
        params = {
            p.name: 1
            for p in inspect.signature(cls).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        }
        stat = cls(**params)
        assert type(pickle.loads(pickle.dumps(stat))) is cls
        str(stat)
        if isinstance(stat, stats.base.Univariate):
            stat.update(1)
        elif not isinstance(stat, stats.base.Bivariate):
            stat.update(1, t=1)
            assert stat.get() is not None


def test_catalogue_entries():
    from catalogue import TIMED

    for entry in TIMED:
        name, kwargs, empty_repr, stat_name = entry.name, entry.params, entry.empty_repr, entry.stat_name
        stat = getattr(stats, name)(**kwargs)
        assert repr(stat) == empty_repr and stat.name == stat_name
        assert stat._get_params() == kwargs or set(kwargs) <= set(stat._get_params())
