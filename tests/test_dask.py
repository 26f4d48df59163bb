"""river.dask on a real distributed.LocalCluster (2 worker processes, 1 thread each), one cluster
for the whole session. Oracles: numpy over the same data in this process (Mean, Var), exact ranks
from the sorted data (KLL), and one process's `accumulate` over the whole data (rolling)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import dask.array as da  # noqa: E402
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

from river import dask as rd  # noqa: E402
from river import stats, utils  # noqa: E402

TIMEOUT = 60  # seconds for any one compute: a hung cluster fails the test instead of the run
KLL_BOUND = 0.0133  # DataSketches' normalized rank error at k=200, 99% confidence


@pytest.fixture(scope="session")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        ) as cluster,
        distributed.Client(cluster, timeout="30s") as c,
    ):
        yield c


def compute(client, obj):
    return client.compute(obj).result(timeout=TIMEOUT)


def worst_rank_error(sketch, data: np.ndarray) -> float:
    data = np.sort(data)
    worst = 0.0
    for q in np.arange(1, 100) / 100:
        v = sketch.quantile(q)
        lo = np.searchsorted(data, v, side="left") / len(data)
        hi = np.searchsorted(data, v, side="right") / len(data)
        worst = max(worst, lo - q, q - hi, 0.0)
    return worst


def series(values: np.ndarray, npartitions: int) -> dd.Series:
    return dd.from_pandas(pd.Series(values, name="x"), npartitions=npartitions, sort=False)


def with_empty_partitions(values: np.ndarray) -> dd.Series:
    """Partitions of lengths 0, 3, 0, rest, 0, built from pandas pieces."""
    cuts = [0, 0, 3, 3, len(values), len(values)]
    pieces = [
        pd.Series(values[a:b], name="x", index=pd.RangeIndex(a, b))
        for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    return dd.from_delayed([dask.delayed(p) for p in pieces], meta=pieces[0].iloc[:0])


@pytest.mark.parametrize("npartitions", [1, 7, 64])
@pytest.mark.parametrize("order", ["shuffled", "sorted"])
def test_fit_matches_one_process(client, npartitions, order):
    rng = np.random.default_rng(npartitions)
    x = rng.normal(3.0, 2.0, 20_000)
    if order == "sorted":
        x = np.sort(x)
    mean, var, kll = compute(
        client, rd.fit([stats.Mean(), stats.Var(), stats.KLLQuantile(0.5)], series(x, npartitions))
    )
    assert mean.get() == pytest.approx(np.mean(x), rel=1e-12)
    assert var.get() == pytest.approx(np.var(x, ddof=1), rel=1e-12)
    assert mean.n == len(x)
    assert worst_rank_error(kll, x) < KLL_BOUND


@pytest.mark.parametrize("order", ["shuffled", "sorted"])
def test_fit_moments_of_long_partitions(client, order):
    """Partitions of MOMENTS_AT values or more: Mean, Var and SEM from numpy's sums, as exact
    as one process's update_many or more, and the same state (n, mean, ddof) as theirs."""
    x = np.random.default_rng(3).normal(1e3, 1.0, 8 * rd.MOMENTS_AT)  # a large mean: cancellation
    if order == "sorted":
        x = np.sort(x)
    exact = [float(v) for v in (np.mean(np.float128(x)), np.var(np.float128(x), ddof=1))]
    assert rd._moments(stats.Var(), x) is not None  # the numpy path is the one tested here
    assert rd._moments(stats.Var(), x[: rd.MOMENTS_AT - 1]) is None
    assert rd._moments(stats.KLLQuantile(0.5), x) is None
    templates = [stats.Mean(), stats.Var(), stats.Var(ddof=3), stats.SEM(ddof=2)]
    fitted = compute(client, rd.fit(templates, series(x, 4)))
    one = [t.clone() for t in templates]
    for stat in one:
        stat.update_many(x)
    for mine, theirs in zip(fitted, one, strict=True):
        assert type(mine) is type(theirs) and mine.n == theirs.n == len(x)
        assert mine.get() == pytest.approx(theirs.get(), rel=1e-12)
    mean, var = fitted[0], fitted[1]
    assert abs(mean.get() - exact[0]) <= abs(one[0].get() - exact[0]) + 1e-15 * exact[0]
    assert abs(var.get() - exact[1]) <= abs(one[1].get() - exact[1]) + 1e-15 * exact[1]
    assert var.mean.get() == mean.get() and fitted[2].ddof == 3 and fitted[3].ddof == 2
    # A statistic read from a long partition is still an ordinary one: it updates and merges.
    var.update(5.0)
    one[1].update(5.0)
    assert var.get() == pytest.approx(one[1].get(), rel=1e-12)


def test_fit_moments_of_long_partitions_bad_values(client):
    """A long partition holding a NaN fails as update_many does; infinities and a Var with
    ddof >= n take update_many's path, so the result is update_many's, to the bit."""
    x = np.arange(2.0 * rd.MOMENTS_AT)
    x[rd.MOMENTS_AT + 5] = np.nan  # in partition 1 of 2
    with pytest.raises(
        ValueError, match=r"partition 1 of 2: Var refused the data: element 5 of the input is NaN"
    ):
        compute(client, rd.fit([stats.Var()], series(x, 2)))
    cases = [([np.inf], stats.Mean()), ([np.inf, -np.inf], stats.Mean())]
    cases += [(bad, stats.Var()) for bad in ([np.inf], [np.inf, -np.inf], [1e308, -1e308])]
    for bad, template in cases:
        y = np.arange(float(rd.MOMENTS_AT))
        y[: len(bad)] = bad
        (mine,) = compute(client, rd.fit([template], series(y, 1)))
        theirs = template.clone()
        theirs.update_many(y)
        assert np.array_equal([mine.get(), mine.n], [theirs.get(), theirs.n], equal_nan=True), bad
    # Squares that overflow do not touch the mean, which numpy's sums get right (West's
    # update overflows on 1e308 - (-1e308) and gives NaN).
    y[:2] = [1e308, -1e308]
    (mean,) = compute(client, rd.fit([stats.Mean()], series(y, 1)))
    assert mean.get() == pytest.approx(np.mean(y), rel=1e-12)
    y = np.arange(float(rd.MOMENTS_AT))
    template = stats.Var(ddof=rd.MOMENTS_AT)
    (mine,) = compute(client, rd.fit([template], series(y, 1)))
    theirs = template.clone()
    theirs.update_many(y)
    assert (mine.get(), mine.n) == (theirs.get(), theirs.n)


def test_fit_bag_array_and_column(client):
    x = np.random.default_rng(1).exponential(size=5_000)
    frame = dd.from_pandas(pd.DataFrame({"x": x, "y": -x}), npartitions=7)
    sources = {
        "column": frame["x"],
        "bag": db.from_sequence(x.tolist(), npartitions=7),
        "array": da.from_array(x, chunks=700),
    }
    for name, data in sources.items():
        (var,) = compute(client, rd.fit([stats.Var()], data, split_every=2))
        assert var.get() == pytest.approx(np.var(x, ddof=1), rel=1e-12), name
    with pytest.raises(TypeError, match="one column"):
        rd.fit([stats.Mean()], frame)
    with pytest.raises(ValueError, match="one-dimensional"):
        rd.fit([stats.Mean()], da.ones((4, 4), chunks=2))


def test_fit_with_empty_partitions(client):
    x = np.arange(10.0)
    s = with_empty_partitions(x)
    assert s.npartitions == 5
    mean, var = compute(client, rd.fit([stats.Mean(), stats.Var()], s))
    assert mean.get() == pytest.approx(4.5, rel=1e-12) and var.get() == pytest.approx(
        np.var(x, ddof=1), rel=1e-12
    )
    (empty,) = compute(client, rd.fit([stats.Mean()], series(np.empty(0), 1)))
    assert empty.n == 0


def test_nan_in_one_partition_fails_naming_it(client):
    x = np.arange(700.0)
    x[350] = np.nan  # in partition 3 of 7
    with pytest.raises(
        ValueError, match=r"partition 3 of 7: Mean refused the data: element 50 of the input is NaN"
    ):
        compute(client, rd.fit([stats.Mean(), stats.Var()], series(x, 7)))
    # map_overlap (lengths known): the partition's rows, after the 9 values before it
    with pytest.raises(
        ValueError, match=r"index 291 to 399 \(with the values before it\): RollingQuantile refused"
    ):
        compute(client, rd.rolling(series(x, 7), stats.RollingQuantile(0.5, 10)))
    # the chain (lengths unknown once persisted)
    with pytest.raises(ValueError, match=r"partition 3 of 7: RollingQuantile refused"):
        compute(client, rd.rolling(series(x, 7).persist(), stats.RollingQuantile(0.5, 10)))


def test_not_mergeable_refused_before_scheduling(client):
    s = series(np.arange(10.0), 2)
    frame = dd.from_pandas(pd.DataFrame({"k": [1], "x": [1.0]}), npartitions=1)
    with distributed.get_task_stream(client) as stream:
        with pytest.raises(TypeError, match="EWMean cannot be fitted in parts"):
            rd.fit([stats.Mean(), stats.EWMean(0.5)], s)
        with pytest.raises(TypeError, match="RollingQuantile cannot be fitted in parts"):
            rd.fit_by(frame, "k", "x", [stats.RollingQuantile(0.5, 3)])
    assert stream.data == []


def test_given_statistics_unchanged(client):
    mean = stats.Mean()
    compute(client, rd.fit([mean], series(np.arange(100.0), 4)))
    assert mean.n == 0


def test_fit_by_matches_pandas(client):
    rng = np.random.default_rng(7)
    pdf = pd.DataFrame({"k": rng.integers(0, 5, 3_000), "x": rng.normal(size=3_000)})
    frame = dd.from_pandas(pdf, npartitions=7)
    fitted = compute(client, rd.fit_by(frame, "k", "x", [stats.Mean(), stats.Var()], split_every=3))
    expected = pdf.groupby("k")["x"].agg(["mean", "var"])
    assert sorted(fitted) == sorted(expected.index)
    for key, (mean, var) in fitted.items():
        assert mean.get() == pytest.approx(expected.loc[key, "mean"], rel=1e-12)
        assert var.get() == pytest.approx(expected.loc[key, "var"], rel=1e-12)


def test_fit_by_keys_across_partitions_empty_partitions_and_nan_keys(client):
    # Keys in every partition, one key in one partition only, empty partitions (from the
    # pieces), a NaN key: each key's statistics equal one statistic fed all its values.
    keys = np.array([1.0, 2.0, 1.0, np.nan, 2.0, 1.0, 3.0, np.nan, 1.0, 2.0] * 30)
    values = np.random.default_rng(8).normal(size=len(keys)).round(3)
    pdf = pd.DataFrame({"k": keys, "x": values})
    cuts = [0, 0, 7, 7, 150, 300, 300]
    pieces = [pdf.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    frame = dd.from_delayed([dask.delayed(p) for p in pieces], meta=pdf.iloc[:0])
    fitted = compute(client, rd.fit_by(frame, "k", "x", [stats.Var(), stats.Max()], split_every=2))
    assert len(fitted) == 4
    for key, (var, maximum) in fitted.items():
        mine = values[np.isnan(keys)] if np.isnan(key) else values[keys == key]
        assert var.get() == pytest.approx(np.var(mine, ddof=1), rel=1e-12)
        assert maximum.get() == mine.max()
    # The same statistics as a dd.Aggregation among Dask's own aggregations.
    both = frame.groupby("k")["x"].agg([rd.aggregation([stats.Mean()]), "mean"])
    for (mean,), theirs in compute(client, both).itertuples(index=False):
        assert mean.get() == pytest.approx(theirs, rel=1e-12)
    # A value refused in one group: an error naming the key, no partial result.
    bad = pdf.assign(x=np.where(np.arange(len(pdf)) == 200, np.nan, values))
    with pytest.raises(ValueError, match=r"key 1.0: Mean refused the data: .*NaN"):
        compute(client, rd.fit_by(dd.from_pandas(bad, npartitions=3), "k", "x", [stats.Mean()]))


ROLLING = [
    lambda: stats.RollingQuantile(0.5, window_size=50),
    lambda: stats.RollingIQR(window_size=37),
    lambda: stats.RollingMax(window_size=50),
    lambda: stats.RollingMin(window_size=50),
    lambda: stats.RollingAbsMax(window_size=50),
    lambda: stats.RollingPeakToPeak(window_size=50),
]


@pytest.mark.parametrize("npartitions", [1, 7, 64])
@pytest.mark.parametrize("make", ROLLING, ids=lambda m: type(m()).__name__)
def test_rolling_equals_one_process(client, npartitions, make):
    # 64 partitions of 1,000 values hold 15-16 each: shorter than the window of 50 (37).
    x = np.random.default_rng(npartitions).normal(size=1_000).round(2)
    got = compute(client, rd.rolling(series(x, npartitions), make()))
    assert isinstance(got, pd.Series) and got.name == "x"
    np.testing.assert_array_equal(got.index, np.arange(len(x)))
    assert (got.to_numpy() == make().accumulate(x)).all()


def test_rolling_takes_map_overlap_when_the_lengths_allow_it(client):
    x = np.random.default_rng(6).normal(size=1_000).round(1)  # ties
    s = series(x, 7)  # 143 values in each partition but the last
    assert rd.known_lengths(s) == (143,) * 6 + (142,)
    assert rd.known_lengths(s.persist()) is None
    for window, path in ((1, "MapOverlap"), (144, "MapOverlap"), (145, "FromDelayed")):
        rolled = rd.rolling(s, stats.RollingQuantile(0.5, window_size=window))
        assert type(rolled.expr).__name__ == path, window
        got = compute(client, rolled)
        np.testing.assert_array_equal(got.index, np.arange(len(x)))
        assert (got.to_numpy() == stats.RollingQuantile(0.5, window_size=window).accumulate(x)).all()
    # The same result through the chain, from the persisted series, or map_overlap when told
    # its lengths.
    persisted, want = s.persist(), stats.RollingQuantile(0.5, 144).accumulate(x)
    chained = rd.rolling(persisted, stats.RollingQuantile(0.5, window_size=144))
    assert type(chained.expr).__name__ == "FromDelayed"
    assert (compute(client, chained).to_numpy() == want).all()
    told = rd.rolling(persisted, stats.RollingQuantile(0.5, 144), lengths=rd.known_lengths(s))
    assert type(told.expr).__name__ == "MapOverlap"
    assert (compute(client, told).to_numpy() == want).all()
    with pytest.raises(ValueError, match="expected 7 partition lengths, got 2"):
        rd.rolling(persisted, stats.RollingQuantile(0.5, 144), lengths=[1, 2])


def test_rolling_with_empty_and_short_partitions(client):
    x = np.random.default_rng(3).normal(size=40)
    got = compute(client, rd.rolling(with_empty_partitions(x), stats.RollingQuantile(0.9, window_size=20)))
    assert (got.to_numpy() == stats.RollingQuantile(0.9, window_size=20).accumulate(x)).all()


def test_rolling_wrapper_over_revertible_statistic(client):
    # Integer sums are exact, so the rolling sum equals the one-process one bit for bit.
    x = np.random.default_rng(4).integers(-100, 100, 3_000).astype(float)
    got = compute(client, rd.rolling(series(x, 64), utils.Rolling(stats.Sum, window_size=100)))
    assert (got.to_numpy() == utils.Rolling(stats.Sum, window_size=100).accumulate(x)).all()
    # A floating-point revert carries the rounding of everything it saw, so a partition started
    # from its window alone differs from one process in the last bits only.
    y = np.random.default_rng(5).normal(size=3_000)
    got = compute(client, rd.rolling(series(y, 7), utils.Rolling(stats.Mean, window_size=100)))
    np.testing.assert_allclose(
        got.to_numpy(), utils.Rolling(stats.Mean, window_size=100).accumulate(y), rtol=1e-9
    )


def test_rolling_refuses_non_window_statistics():
    with pytest.raises(TypeError, match="window_size"):
        rd.rolling(series(np.arange(3.0), 1), stats.Mean())


def test_river_imports_without_dask():
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['distributed'] = None\n"
        "import river, river.stats, river.utils\n"
        "from river import stats\n"
        "m = stats.Mean(); m.update(1.0); assert m.get() == 1.0\n"
        "try:\n    import river.dask\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert "pip install 'river[dask]'" in out.stdout


def misaligned(values: np.ndarray) -> np.ndarray:
    """A float64 array one byte off alignment, as distributed can unpickle one from a message."""
    out = np.frombuffer(bytearray(8 * len(values) + 1), dtype=np.float64, offset=1, count=len(values))
    out[:] = values
    assert not out.flags.aligned
    return out


def test_misaligned_partitions_are_read():
    # A chunk made by a task is handed over as it is (da.from_array would copy it).
    x = da.from_delayed(dask.delayed(misaligned)(np.arange(10.0)), shape=(10,), dtype=np.float64)
    (mean,) = rd.fit([stats.Mean()], x).compute(scheduler="sync")
    assert mean.n == 10 and mean.get() == 4.5


def test_the_core_reads_misaligned_arrays():
    mean = stats.Mean()
    mean.update_many(misaligned(np.arange(10.0)))
    assert mean.n == 10 and mean.get() == 4.5
