"""Quantile, IQR, MAD (P² estimates) and KolmogorovSmirnov against independent oracles."""

from __future__ import annotations

import copy
import json
import math
import pathlib
import pickle

import numpy as np
import pytest
from catalogue import ORACLE_REL, P2_REL, close, exact, random_stream

from river import stats

# Values computed by River 0.26.1: tests/fixtures/river_goldens.py regenerates them.
FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "river_0_26_1_p2.json"


class P2Oracle:
    """A plain transcription of the P² algorithm (Jain and Chlamtac, 1985), with River's two
    conventions: before the sixth value the value is sorted(xs)[min(n - 1, floor(n * q))], and
    the marker heights are re-sorted after each update."""

    def __init__(self, q):
        self.q = q
        self.xs = []
        self.h = None

    def update(self, x):
        q = self.q
        if self.h is None:
            self.xs.append(x)
            if len(self.xs) <= 5:
                return
            h = sorted(self.xs[:5])
            self.h = h
            self.n = [1.0, 2.0, 3.0, 4.0, 5.0]
            self.nd = [1.0, 1 + 2 * q, 1 + 4 * q, 3 + 2 * q, 5.0]
            self.dn = [0.0, q / 2, q, (1 + q) / 2, 1.0]
        h, n, nd = self.h, self.n, self.nd
        if x < h[0]:
            h[0] = x
            k = 1
        elif x >= h[4]:
            h[4] = max(h[4], x)
            k = 4
        else:
            k = next(i for i in range(1, 5) if h[i - 1] <= x < h[i])
        for i in range(k, 5):
            n[i] += 1
        for i in range(5):
            nd[i] += self.dn[i]
        for i in (1, 2, 3):
            d = nd[i] - n[i]
            if (d >= 1 and n[i + 1] - n[i] > 1) or (d <= -1 and n[i - 1] - n[i] < -1):
                d = math.copysign(1.0, d)
                hp = h[i] + d / (n[i + 1] - n[i - 1]) * (
                    (n[i] - n[i - 1] + d) * (h[i + 1] - h[i]) / (n[i + 1] - n[i])
                    + (n[i + 1] - n[i] - d) * (h[i] - h[i - 1]) / (n[i] - n[i - 1])
                )
                if not h[i - 1] < hp < h[i + 1]:
                    j = i + int(d)
                    hp = h[i] + d * (h[j] - h[i]) / (n[j] - n[i])
                h[i] = hp
                n[i] += d
        h.sort()

    def get(self):
        if self.h is not None:
            return self.h[2]
        if not self.xs:
            return None
        n = len(self.xs)
        return sorted(self.xs)[min(n - 1, math.floor(n * self.q))]


class IQROracle:
    def __init__(self, q_inf, q_sup):
        self.inf, self.sup = P2Oracle(q_inf), P2Oracle(q_sup)

    def update(self, x):
        self.inf.update(x)
        self.sup.update(x)

    def get(self):
        return None if self.inf.get() is None else self.sup.get() - self.inf.get()


class MADOracle:
    def __init__(self):
        self.median, self.dev = P2Oracle(0.5), P2Oracle(0.5)

    def update(self, x):
        self.median.update(x)
        self.dev.update(abs(x - self.median.get()))

    def get(self):
        return self.dev.get()


P2_CASES = [
    pytest.param(lambda: stats.Quantile(0.5), lambda: P2Oracle(0.5), id="Quantile(0.5)"),
    pytest.param(lambda: stats.Quantile(0.01), lambda: P2Oracle(0.01), id="Quantile(0.01)"),
    pytest.param(lambda: stats.Quantile(0.17), lambda: P2Oracle(0.17), id="Quantile(0.17)"),
    pytest.param(lambda: stats.Quantile(0.99), lambda: P2Oracle(0.99), id="Quantile(0.99)"),
    pytest.param(lambda: stats.IQR(), lambda: IQROracle(0.25, 0.75), id="IQR"),
    pytest.param(lambda: stats.IQR(0.1, 0.6), lambda: IQROracle(0.1, 0.6), id="IQR(0.1,0.6)"),
    pytest.param(lambda: stats.MAD(), MADOracle, id="MAD"),
]

UNIVARIATE_CASES = [
    pytest.param(stats.Quantile, {"q": 0.3}, id="Quantile"),
    pytest.param(stats.IQR, {"q_inf": 0.1, "q_sup": 0.6}, id="IQR"),
    pytest.param(stats.MAD, {}, id="MAD"),
]


@pytest.mark.parametrize("make, make_oracle", P2_CASES)
@pytest.mark.parametrize("kind", ["normal", "ties"])
def test_p2_matches_oracle_on_every_prefix(rng, make, make_oracle, kind):
    xs = random_stream(rng, 2000, kind).tolist()
    stat, oracle = make(), make_oracle()
    assert stat.get() is None
    for i, x in enumerate(xs):
        stat.update(x)
        oracle.update(x)
        assert close(stat.get(), oracle.get(), P2_REL), (i, stat.get(), oracle.get())


def test_p2_matches_river_0_26_1_fixture():
    data = json.loads(FIXTURE.read_text())
    makers = {
        "Quantile(0.01)": (lambda: stats.Quantile(0.01), lambda: P2Oracle(0.01)),
        "Quantile(0.5)": (lambda: stats.Quantile(0.5), lambda: P2Oracle(0.5)),
        "Quantile(0.99)": (lambda: stats.Quantile(0.99), lambda: P2Oracle(0.99)),
        "IQR(0.25, 0.75)": (lambda: stats.IQR(0.25, 0.75), lambda: IQROracle(0.25, 0.75)),
        "MAD()": (stats.MAD, MADOracle),
    }
    assert len(data["values"]) == 10
    for key, want in data["values"].items():
        name, stream = key.rsplit(" ", 1)
        make, make_oracle = makers[name]
        xs = data["streams"][stream]
        got = make().accumulate(xs).tolist()
        oracle = make_oracle()
        for i, x in enumerate(xs):
            oracle.update(x)
            assert close(got[i], want[i], P2_REL), (key, i)
            assert close(oracle.get(), want[i], P2_REL), (key, i)


@pytest.mark.parametrize("q", [0.01, 0.99])
def test_golden_values(q):
    stat = stats.Quantile(q)
    printed = []
    for x in [5, 0, 0, 0, 0, 0, 0, 0]:
        stat.update(x)
        printed.append(f"{stat.get():.6f}".rstrip("0").rstrip("."))
    want = {0.01: "5, 0, 0, 0, 0, 0, 0, 0", 0.99: "5, 5, 5, 5, 5, 0, 0.277778, 0.827546"}
    assert ", ".join(printed) == want[q]


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_first_five_values_are_order_statistics(rng, q):
    xs = rng.normal(size=5).tolist()
    stat = stats.Quantile(q)
    for n in range(1, 6):
        stat.update(xs[n - 1])
        assert stat.get() == sorted(xs[:n])[min(n - 1, math.floor(n * q))]


def test_p2_is_a_reasonable_estimate_of_the_quantile(rng):
    xs = rng.normal(size=20_000)
    for q in (0.1, 0.5, 0.9):
        stat = stats.Quantile(q)
        stat.update_many(xs)
        assert abs(stat.get() - np.quantile(xs, q)) < 0.05
    iqr = stats.IQR()
    iqr.update_many(xs)
    assert abs(iqr.get() - (np.quantile(xs, 0.75) - np.quantile(xs, 0.25))) < 0.05
    mad = stats.MAD()
    mad.update_many(xs)
    assert abs(mad.get() - np.median(np.abs(xs - np.median(xs)))) < 0.05


def test_names_reprs_and_parents():
    assert stats.Quantile().name == "quantile"
    assert stats.IQR().name == "IQR_0.25_0.75"
    assert stats.IQR(0.1, 0.9).name == "IQR_0.1_0.9"
    assert stats.MAD().name == "mad"
    assert repr(stats.Quantile()) == "Quantile: None"
    assert repr(stats.IQR()) == "IQR: None"
    assert repr(stats.MAD()) == "MAD: None"
    assert isinstance(stats.MAD(), stats.Quantile)
    assert stats.MAD().q == 0.5
    assert stats.Quantile()._get_params() == {"q": 0.5}
    assert stats.IQR(0.1, 0.9)._get_params() == {"q_inf": 0.1, "q_sup": 0.9}
    assert stats.MAD()._get_params() == {}
    q = stats.Quantile(0.5)
    q.update_many([1, 2, 3, 4, 10, 5.5])
    assert repr(q) == f"Quantile: {q.get():,.6f}".rstrip("0")


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: stats.Quantile(0), "q must be strictly between 0 and 1"),
        (lambda: stats.Quantile(1), "q must be strictly between 0 and 1"),
        (lambda: stats.Quantile(-0.5), "q must be"),
        (lambda: stats.Quantile(math.nan), "q must be"),
        (lambda: stats.IQR(0.75, 0.25), "q_inf must be smaller than q_sup"),
        (lambda: stats.IQR(0.5, 0.5), "q_inf must be smaller than q_sup"),
        (lambda: stats.IQR(-0.1, 0.5), "q_inf must be between 0 and 1"),
        (lambda: stats.IQR(0.1, 1.5), "q_sup must be between 0 and 1"),
    ],
)
def test_invalid_parameters(build, message):
    with pytest.raises(ValueError, match=message):
        build()
    with pytest.raises(TypeError):
        stats.Quantile("0.5")


@pytest.mark.parametrize("cls, params", UNIVARIATE_CASES)
@pytest.mark.parametrize("value, error", [(math.nan, ValueError), (None, TypeError), ("1", TypeError)])
def test_bad_values_refused_without_change(cls, params, value, error):
    for n in (0, 3, 20):  # empty, filling, P² phase
        stat = cls(**params)
        stat.update_many(np.arange(float(n)))
        before = (stat.__getstate__(), stat.get())
        with pytest.raises(error):
            stat.update(value)
        with pytest.raises(error):
            stat.update_many([1.0, value])
        assert (stat.__getstate__(), stat.get()) == before


def test_infinities_do_not_break_anything():
    xs = [math.inf, 1.0, -math.inf, 2.0, math.inf, 3.0, -math.inf, math.inf, 0.0, 5.0] * 3
    for stat in (stats.Quantile(0.3), stats.IQR(), stats.MAD()):
        stat.accumulate(xs)
        loaded = pickle.loads(pickle.dumps(stat))
        assert exact(loaded.get()) == exact(stat.get())
        assert [exact(v) for v in loaded.accumulate(xs)] == [exact(v) for v in stat.accumulate(xs)]
    mad = stats.MAD()
    mad.update_many([math.inf] * 3)
    assert mad.get() == 0.0


# KolmogorovSmirnov ---------------------------------------------------------------------------


def ecdf_differences(xs, ys):
    """F_x - F_y at every pooled value, by brute force (right-continuous ECDFs)."""
    xs, ys = np.sort(xs), np.sort(ys)
    pooled = np.concatenate([xs, ys])
    fx = np.searchsorted(xs, pooled, side="right") / len(xs)
    fy = np.searchsorted(ys, pooled, side="right") / len(ys)
    return fx - fy


@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("window", [1, 7, 40])
def test_ks_matches_scipy_on_sliding_windows(rng, kind, window):
    from scipy.stats import ks_2samp

    xs = random_stream(rng, 400, kind)
    ys = random_stream(rng, 400, kind) * 0.7 + 1.0
    if kind == "ties":
        ys = np.round(ys)
    ks, kuiper = stats.KolmogorovSmirnov(), stats.KolmogorovSmirnov(statistic="kuiper")
    for t in range(len(xs)):
        if t >= window:
            ks.revert(xs[t - window], ys[t - window])
            kuiper.revert(xs[t - window], ys[t - window])
        ks.update(xs[t], ys[t])
        kuiper.update(xs[t], ys[t])
        wx, wy = xs[max(0, t - window + 1) : t + 1], ys[max(0, t - window + 1) : t + 1]
        assert ks.n_samples == kuiper.n_samples == len(wx)
        assert close(ks.get(), ks_2samp(wx, wy, method="asymp").statistic, ORACLE_REL), t
        d = ecdf_differences(wx, wy)
        assert close(kuiper.get(), max(d.max(), 0) - min(d.min(), 0), ORACLE_REL), t


def test_ks_revert_restores_the_previous_value(rng):
    xs, ys = random_stream(rng, 100, "ties"), random_stream(rng, 100, "ties")
    for statistic in ("ks", "kuiper"):
        stat = stats.KolmogorovSmirnov(statistic)
        for x, y in zip(xs, ys, strict=True):
            before = (stat.get(), stat.__getstate__())
            stat.update(x, y)
            stat.revert(x, y)
            assert (stat.get(), stat.__getstate__()) == before
            stat.update(x, y)
        for x, y in zip(xs, ys, strict=True):
            stat.revert(x, y)
        assert (stat.get(), stat.n_samples) == (0.0, 0)
        assert stat.__getstate__() == stats.KolmogorovSmirnov(statistic).__getstate__()


def test_ks_identical_and_disjoint_samples():
    ks = stats.KolmogorovSmirnov()
    for v in [1, 2, 2, 3]:
        ks.update(v, v)
    assert ks.get() == 0.0  # River 0.26.1 gives 1.0 here
    ks = stats.KolmogorovSmirnov("kuiper")
    for v in [1, 2, 3]:
        ks.update(v, v + 10)
    assert ks.get() == 1.0


def test_ks_names_reprs_params_and_errors():
    assert repr(stats.KolmogorovSmirnov()) == "KolmogorovSmirnov: 0."
    assert stats.KolmogorovSmirnov().get() == 0.0
    assert stats.KolmogorovSmirnov("kuiper")._get_params() == {"statistic": "kuiper"}
    assert not hasattr(stats.KolmogorovSmirnov(), "name")
    assert isinstance(stats.KolmogorovSmirnov(), stats.base.Bivariate)
    with pytest.raises(ValueError, match='statistic must be "ks" or "kuiper"'):
        stats.KolmogorovSmirnov("KS")
    with pytest.raises(TypeError, match="statistic must be a str"):
        stats.KolmogorovSmirnov(1)
    ks = stats.KolmogorovSmirnov()
    ks.update(1.0, 2.0)
    ks.update(3.0, -1.0)
    before = (ks.get(), ks.__getstate__())
    for x, y, error, message in [
        (math.nan, 1.0, ValueError, "x must not be NaN"),
        (1.0, math.nan, ValueError, "y must not be NaN"),
        (None, 1.0, TypeError, "x must be a real number"),
        (1.0, "2", TypeError, "y must be a real number"),
    ]:
        with pytest.raises(error, match=message):
            ks.update(x, y)
        with pytest.raises(error, match=message):
            ks.revert(x, y)
    with pytest.raises(ValueError, match="x = 2 was not added"):
        ks.revert(2.0, 2.0)  # 2.0 is in the second sample only
    with pytest.raises(ValueError, match="y = 1 was not added"):
        ks.revert(1.0, 1.0)
    assert (ks.get(), ks.__getstate__()) == before


@pytest.mark.parametrize("statistic", ["ks", "kuiper"])
def test_ks_pickle_deepcopy_clone(rng, statistic):
    xs, ys = random_stream(rng, 120, "ties"), random_stream(rng, 120)
    stat = stats.KolmogorovSmirnov(statistic)
    for x, y in zip(xs[:60], ys[:60], strict=True):
        stat.update(x, y)
    loaded = pickle.loads(pickle.dumps(stat))
    twin = copy.deepcopy(stat)
    assert type(loaded) is stats.KolmogorovSmirnov and loaded.statistic == statistic
    for i in range(60, 120):
        for s in (stat, loaded, twin):
            s.revert(xs[i - 60], ys[i - 60])
            s.update(xs[i], ys[i])
        assert loaded.get() == stat.get() == twin.get()
    assert stat.clone().n_samples == 0 and stat.clone().statistic == statistic
    assert stat.__sizeof__() > 0
    # Corrupt states: with every Rust-backed statistic in test_pickling.py.
