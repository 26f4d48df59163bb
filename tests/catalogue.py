"""Every public class of `river.stats`, described once, and the helpers every suite shares.

An `Entry` says how to build a statistic (the arguments the suites use, and `param_sets` adds
the class's own `_unit_test_params`), what it takes (numbers, hashable values or anything; one
value or a pair; a weight or not), whether it reverts (exactly, for counts, or only to rounding),
merges with `+`/`-`, and whether it is built on a class of `river.stats._rust_stats`.
`test_catalogue.py` checks each of these declarations against the classes themselves, so the
catalogue cannot drift from the code quietly.

The generic suites (pickling, batches, bad input, repr, clone) iterate `ENTRIES` through
`cases(...)`; the oracle suites, one file per family, use the helpers below.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import numbers
import pickle
import typing

import numpy as np
import pytest

from river import stats

# --- tolerances, named by what they bound ----------------------------------------------------

# A statistic against an independent oracle (numpy, scipy) computed on the same prefix.
ORACLE_REL, ORACLE_ABS = 1e-10, 1e-12
# A value reached through update-then-revert (or merge-then-unmerge) against the value before:
# cancellation loses a few digits relative to the data's scale, never more than 1e-9.
REVERT_REL = 1e-9
# Values of the form E[x²] - E[x]² (exponentially weighted variances and covariances) against
# their definition: the subtraction cancels, so the bound is absolute at the scale of E[x²]
# (at most 100 for the streams of the suites) as well as relative.
CANCELLATION_REL, CANCELLATION_ABS = 1e-9, 1e-9 * 100
# A merge that is not exact (float means and moments, summed in another order) against one
# statistic fed both streams.
MERGE_REL = 1e-12
# Entropy's eps smoothing makes its own value depend on the order of the values: two shuffles of
# one stream differ by a few 1e-12 (a sorted one by up to 1e-9), so its merge is held to this.
ENTROPY_MERGE_REL = 1e-10
# Skewness and kurtosis after `-`: the moments left carry the rounding of the whole stream's,
# and the ratio of moments amplifies it by kappa^1.5 (kappa^2), kappa the ratio of the whole's
# sum of squared deviations to the remainder's (worst seen over 40,000 random splits: 1e3 * n *
# eps * kappa^p; see rust_src/core/shape.rs `uncombine`).
MOMENT_UNMERGE_REL = 2e-13
EXACT, CLOSE, SKETCH = "exact", "close", "sketch"
# Revert-then-update inside `utils.Rolling` (a refused update re-applies the reverted call)
# against the straight path: the same operations, in a different order.
ROLLING_REL, ROLLING_ABS = 1e-12, 1e-12
# The P² estimates against a transcription of the same algorithm: the same operations, so only
# the last bits may differ.
P2_REL = 1e-12


def close(a, b, rel: float, abs: float = 0.0) -> bool:  # noqa: A002 - math.isclose's own name
    """`a` and `b` equal to `rel` (relative) or `abs` (absolute); None only equals None, NaN
    equals NaN, and values that are not real numbers (hashables) must be equal."""
    if a is None or b is None:
        return a is b
    if not (isinstance(a, numbers.Real) and isinstance(b, numbers.Real)):
        return a == b
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs)


def exact(v):
    """A value in a form where equality is exact: floats by repr (NaN equal to NaN, -0.0 distinct
    from 0.0), types kept, tuples element by element, arrays by dtype, shape and bytes."""
    if isinstance(v, float):
        return ("float", repr(float(v)))
    if isinstance(v, tuple):
        return ("tuple", tuple(exact(x) for x in v))
    if isinstance(v, np.ndarray):
        return ("array", v.dtype.str, v.shape, v.tobytes())
    return (type(v).__name__, v)


def snapshot(stat):
    """The value (read first: reading may tidy lazily kept internals) and the pickle."""
    return exact(stat.get()), pickle.dumps(stat)


# --- the catalogue ---------------------------------------------------------------------------

NUMBER, HASHABLE, ANYTHING = "number", "hashable", "anything"


@dataclasses.dataclass(frozen=True)
class Entry:
    name: str
    # The arguments the suites build it with (the pickle fixtures were written with these).
    params: dict[str, typing.Any]
    empty_repr: str
    # The `name` property; None for the bivariates that have none, as in River.
    stat_name: str | None
    # What `update` takes: NUMBER (real numbers, NaN refused), HASHABLE (any hashable value) or
    # ANYTHING (Count counts calls, Shift moves any object through its buffer).
    takes: str
    bivariate: bool = False
    # None (no `revert`), "exact" (counts: revert undoes update bit for bit) or "approx".
    reverts: str | None = None
    # How `a + b` compares with one statistic fed both streams: EXACT (the same state, so every
    # later value is the same too), CLOSE (within MERGE_REL), SKETCH (an approximation, held to
    # its error bound by its own suite), or None: `+` raises TypeError saying why.
    merges: str | None = None
    unmerges: bool = False  # `-` and `-=` as well: the merge has an exact inverse
    # (parameter, value): it merges only with that value of the parameter (Mode with k=-1).
    merges_if: tuple[str, typing.Any] | None = None
    # Parameters that differ from `params` in a way that makes a merge a ValueError.
    other_params: dict[str, typing.Any] | None = None
    weighted: bool = False  # `update(..., w=...)`
    # Built on a class of river.stats._rust_stats whose state is `core::state` bytes. The
    # statistics over hashable values are built on Rust classes too, but their state holds
    # Python objects and pickles as a dict (their `Rs*` classes say so through `__module__`,
    # "river.stats._rust_stats.hashable"): False for them. So is Shift, whose Rust ring holds
    # Python objects ("river.stats._rust_stats.objects").
    rust: bool = True
    # `update(x, t=...)`: a time window, neither Univariate nor Bivariate. Not in ENTRIES (the
    # generic suites feed one value or a pair); tests/test_time_rolling.py holds its suites.
    timed: bool = False

    @property
    def cls(self) -> type:
        return getattr(stats, self.name)

    @property
    def kind(self) -> str:
        """What the suites feed it: "num", "hash", "biv_num" or "biv_hash"."""
        if self.timed:
            return "timed"
        return ("biv_" if self.bivariate else "") + ("hash" if self.takes == HASHABLE else "num")

    def make(self, params: dict | None = None):
        return self.cls(**(self.params if params is None else params))

    def merges_with(self, params: dict) -> bool:
        """Whether statistics built with `params` merge."""
        if self.merges is None:
            return False
        if self.merges_if is None:
            return True
        name, value = self.merges_if
        default = inspect.signature(self.cls).parameters[name].default
        return params.get(name, default) == value

    @property
    def merge_params(self) -> dict:
        """The parameters the merge suites build it with."""
        if self.merges_if is None or self.merges_with(self.params):
            return dict(self.params)
        return {**self.params, self.merges_if[0]: self.merges_if[1]}

    def param_sets(self) -> list[dict]:
        """The suites' arguments first, then every other set of `_unit_test_params`."""
        sets = [dict(self.params)]
        for params in self.cls._unit_test_params():
            if dict(params) not in sets:
                sets.append(dict(params))
        return sets

    def __repr__(self) -> str:
        return self.name


W7 = {"window_size": 7}
DDOF = {"ddof": 0}
REVERTS_AND_MERGES = {"reverts": "approx", "merges": CLOSE, "unmerges": True, "weighted": True}
EXACT_MERGE = {"merges": EXACT}

ENTRIES: list[Entry] = [
    Entry("AbsMax", {}, "AbsMax: 0.", "absmax", NUMBER, **EXACT_MERGE),
    Entry("AutoCorr", {"lag": 2}, "AutoCorr: 0.", "autocorr_2", NUMBER),
    Entry(
        "BayesianMean",
        {"prior": 0.5, "prior_weight": 10.0},
        "BayesianMean: 0.5",
        "bayes_mean",
        NUMBER,
        reverts="approx",
        merges=CLOSE,
        unmerges=True,
        other_params={"prior_weight": 2.0},
    ),
    Entry(
        "ChiSquared",
        {},
        "ChiSquared: 0.",
        "chi_squared",
        HASHABLE,
        bivariate=True,
        reverts="exact",
        rust=False,
        merges=EXACT,
        unmerges=True,
    ),
    Entry("Count", {}, "Count: 0.", "count", ANYTHING, merges=EXACT, unmerges=True),
    Entry("Cov", {}, "Cov: 0.", None, NUMBER, bivariate=True, **REVERTS_AND_MERGES, other_params=DDOF),
    Entry(
        "Entropy",
        {},
        "Entropy: 0.",
        "entropy",
        HASHABLE,
        rust=False,
        merges=CLOSE,
        merges_if=("fading_factor", 1),
        other_params={"eps": 1e-6},
    ),
    Entry("EWCov", {"fading_factor": 0.5}, "EWCov: 0.", "ewcov_0.5", NUMBER, bivariate=True),
    Entry("EWMean", {"fading_factor": 0.5}, "EWMean: 0.", "ewm_0.5", NUMBER),
    Entry("EWVar", {"fading_factor": 0.5}, "EWVar: 0.", "ewv_0.5", NUMBER),
    Entry("IQR", {}, "IQR: None", "IQR_0.25_0.75", NUMBER),
    Entry(
        "KLLQuantile", {}, "KLLQuantile: None", "kllquantile", NUMBER, merges=SKETCH, other_params={"k": 100}
    ),
    Entry(
        "KolmogorovSmirnov",
        {},
        "KolmogorovSmirnov: 0.",
        None,
        NUMBER,
        bivariate=True,
        reverts="exact",
        merges=EXACT,
        unmerges=True,
        other_params={"statistic": "kuiper"},
    ),
    Entry(
        "Kurtosis",
        {},
        "Kurtosis: -3.",
        "kurtosis",
        NUMBER,
        merges=CLOSE,
        unmerges=True,
        other_params={"bias": True},
    ),
    Entry("MAD", {}, "MAD: None", "mad", NUMBER),
    Entry("Max", {}, "Max: -inf", "max", NUMBER, **EXACT_MERGE),
    Entry("Mean", {}, "Mean: 0.", "mean", NUMBER, **REVERTS_AND_MERGES),
    Entry("Min", {}, "Min: inf", "min", NUMBER, **EXACT_MERGE),
    Entry(
        "Mode",
        {},
        "Mode: None",
        "mode",
        HASHABLE,
        rust=False,
        merges=EXACT,
        merges_if=("k", -1),
        other_params={"k": 3},
    ),
    Entry("PeakToPeak", {}, "PeakToPeak: 0.", "ptp", NUMBER, **EXACT_MERGE),
    Entry(
        "PearsonCorr",
        {},
        "PearsonCorr: 0.",
        None,
        NUMBER,
        bivariate=True,
        **REVERTS_AND_MERGES,
        other_params=DDOF,
    ),
    Entry("Quantile", {}, "Quantile: None", "quantile", NUMBER),
    Entry("RollingAbsMax", W7, "RollingAbsMax: None", "rollingabsmax_7", NUMBER),
    Entry("RollingIQR", W7, "RollingIQR: None", "rollingiqr_7", NUMBER),
    Entry("RollingMax", W7, "RollingMax: None", "rollingmax_7", NUMBER),
    Entry("RollingMin", W7, "RollingMin: None", "rollingmin_7", NUMBER),
    Entry("RollingMode", W7, "RollingMode: None", "rollingmode_7", HASHABLE, rust=False),
    Entry("RollingPeakToPeak", W7, "RollingPeakToPeak: None", "rollingpeaktopeak_7", NUMBER),
    Entry(
        "RollingQuantile", {"q": 0.5, "window_size": 7}, "RollingQuantile: None", "rollingquantile_7", NUMBER
    ),
    Entry("SEM", {}, "SEM: None", "sem", NUMBER, **REVERTS_AND_MERGES, other_params=DDOF),
    Entry("Shift", {"amount": 1}, "Shift: None", "shift_1", ANYTHING, rust=False),
    Entry("Skew", {}, "Skew: 0.", "skew", NUMBER, merges=CLOSE, unmerges=True, other_params={"bias": True}),
    Entry("Sum", {}, "Sum: 0.", "sum", NUMBER, reverts="approx", merges=CLOSE, unmerges=True),
    Entry("Var", {}, "Var: 0.", "var", NUMBER, **REVERTS_AND_MERGES, other_params=DDOF),
]

T5 = {"period": 5}

# The time windows (`update(x, t=...)`); their items are (t, x) pairs.
TIMED: list[Entry] = [
    Entry("TimeRollingAbsMax", T5, "TimeRollingAbsMax: None", "timerollingabsmax_5", NUMBER, timed=True),
    Entry("TimeRollingIQR", T5, "TimeRollingIQR: None", "timerollingiqr_5", NUMBER, timed=True),
    Entry("TimeRollingMax", T5, "TimeRollingMax: None", "timerollingmax_5", NUMBER, timed=True),
    Entry("TimeRollingMin", T5, "TimeRollingMin: None", "timerollingmin_5", NUMBER, timed=True),
    Entry(
        "TimeRollingPeakToPeak",
        T5,
        "TimeRollingPeakToPeak: None",
        "timerollingpeaktopeak_5",
        NUMBER,
        timed=True,
    ),
    Entry(
        "TimeRollingQuantile",
        {"q": 0.5, "period": 5},
        "TimeRollingQuantile: None",
        "timerollingquantile_5",
        NUMBER,
        timed=True,
    ),
]

BY_NAME: dict[str, Entry] = {e.name: e for e in ENTRIES + TIMED}
NAMES: list[str] = [e.name for e in ENTRIES]


def entries(**facts) -> list[Entry]:
    """The entries whose attributes equal `facts`; a callable value is a predicate instead,
    e.g. `entries(bivariate=False, reverts=bool)`."""
    out = []
    for e in ENTRIES:
        if all(v(getattr(e, k)) if callable(v) else getattr(e, k) == v for k, v in facts.items()):
            out.append(e)
    return out


REVERTIBLE: list[Entry] = entries(reverts=lambda r: r is not None)


def ids(es: list[Entry]) -> list[typing.Any]:
    """Entries as pytest parameters, one per class, with the class name as id."""
    return [pytest.param(e, id=e.name) for e in es]


def cases(**facts) -> list[typing.Any]:
    """(entry, params) for every parameter set of every matching entry, ids "Name-i"."""
    return [
        pytest.param(e, params, id=f"{e.name}-{i}")
        for e in entries(**facts)
        for i, params in enumerate(e.param_sets())
    ]


# --- streams and feeding -----------------------------------------------------------------------


def random_stream(rng: np.random.Generator, n: int, kind: str = "normal") -> np.ndarray:
    """Streams with and without ties, so that equal values are exercised too."""
    if kind == "normal":
        return rng.normal(0.0, 10.0, n)
    if kind == "ties":
        return rng.integers(-5, 6, n).astype(np.float64)
    raise ValueError(kind)


def feed(kind: str, n: int, seed: int = 0) -> list:
    """`n` items of a catalogue kind ("num", "hash", "biv_num", "biv_hash"), reproducibly."""
    rng = np.random.default_rng(seed)
    if kind == "num":
        return rng.normal(0, 3, n).round(3).tolist()
    if kind == "hash":
        return [f"v{k}" for k in rng.integers(0, 5, n)]
    if kind == "biv_num":
        return list(zip(rng.normal(0, 3, n).tolist(), rng.normal(1, 2, n).tolist(), strict=True))
    if kind == "biv_hash":
        return list(zip(rng.integers(0, 3, n).tolist(), rng.integers(0, 4, n).tolist(), strict=True))
    if kind == "timed":
        # (t, x): times moving forward with ties, one event in five late by up to 3.
        steps = rng.integers(0, 3, n).cumsum()
        late = np.where(rng.random(n) < 0.2, rng.integers(0, 4, n), 0)
        return list(zip((steps - late).tolist(), rng.normal(0, 3, n).round(3).tolist(), strict=True))
    raise ValueError(kind)


def args_of(entry: Entry, item) -> tuple:
    """The positional arguments of `update`/`revert` for one item of that entry's kind."""
    return tuple(item) if entry.bivariate else (item,)


def push(stat, entry: Entry, item, **kw) -> None:
    if entry.timed:
        t, x = item
        stat.update(x, t=t, **kw)
    else:
        stat.update(*args_of(entry, item), **kw)


def pull(stat, entry: Entry, item, **kw) -> None:
    stat.revert(*args_of(entry, item), **kw)


def fed(entry: Entry, items, params: dict | None = None):
    """A new statistic of that entry, updated with every item."""
    stat = entry.make(params)
    for item in items:
        push(stat, entry, item)
    return stat


def state(stat):
    """The state: the pickled bytes of a Rust-backed statistic, the state dict of one over
    hashable values, the attributes of a Python one (whose pickle also depends on which equal
    objects are identical, e.g. interned strings)."""
    getstate = getattr(stat, "__getstate__", None)
    s = getstate() if getstate is not None else None
    return s if isinstance(s, (bytes, dict)) else vars(stat)


def unmerge_tolerance(name: str, whole: list, rest: list) -> float | None:
    """The relative bound on Skew's or Kurtosis's value after `whole - (whole - rest)`, from
    how the data are spread (None for the other classes, and a constant `rest`: exact)."""
    power = {"Skew": 1.5, "Kurtosis": 2.0}.get(name)
    if power is None:
        return None
    w, r = np.asarray(whole, dtype=float), np.asarray(rest, dtype=float)
    m2_rest = float(((r - r.mean()) ** 2).sum()) if len(r) else 0.0
    if m2_rest == 0.0:
        return 0.0
    kappa = max(1.0, float(((w - w.mean()) ** 2).sum()) / m2_rest)
    return MOMENT_UNMERGE_REL * len(w) * kappa**power
