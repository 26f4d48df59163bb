"""Bad input, over every statistic of `river.stats.__all__`.

Each value handed to `update` (and `revert`, and the batch calls) either works as documented or
is refused with ValueError/TypeError carrying a message, and a refused call changes nothing:
the pickle of the statistic is byte-identical before and after, and feeding the same further
values to the statistic and to a copy taken before the bad call gives the same values.

No BaseException other than an Exception may escape (a Rust panic surfaces in Python as
`PanicException`, a BaseException): every call goes through `guarded`, which fails the test on one.

What each kind of statistic accepts (`Entry.takes` in catalogue.py):

- numeric statistics ("num", "biv_num") take real numbers. Numbers that convert exactly to a
  float (bool, Decimal("1.5"), Fraction(3, 2), numpy integer and float scalars) give exactly
  what the float gives. NaN is refused with ValueError; None, str, bytes, complex, containers
  with TypeError; ints too large for a float with ValueError or TypeError. +/-inf is accepted
  by every numeric class, which keeps working (its value may become inf or NaN, as the maths says).
- statistics over hashables ("hash", "biv_hash": Mode, RollingMode, Entropy, ChiSquared) take any
  hashable, NaN included (they count values, they do no arithmetic on them); unhashable values
  are refused with TypeError.
- statistics taking ANYTHING: as in River, `Count.update(x)` counts a call whatever `x` is and `Shift`
  moves any object through its buffer, so nothing is refused.

A class lacking a capability (no `revert`, no `update_many`, no weight) is simply not
parametrized for the tests of that capability.
"""

from __future__ import annotations

import copy
import inspect
import math
import pickle
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from catalogue import (
    ANYTHING,
    BY_NAME,
    HASHABLE,
    NAMES,
    NUMBER,
    REVERTIBLE,
    ROLLING_ABS,
    ROLLING_REL,
    cases,
    close,
    entries,
    exact,
    feed,
    push,
    snapshot,
)

from river import stats, utils

# River 0.26.1 (checked with river==0.26.1) on `revert` of more than was added:
#   Mean, Var, SEM, Cov, PearsonCorr, BayesianMean: ValueError("Cannot go below 0");
#   KolmogorovSmirnov: AssertionError (we raise ValueError instead);
#   ChiSquared: the counts go negative and n reaches -1, -2... (we raise ValueError: a table with
#   negative counts has no meaning);
#   Sum: plain subtraction, the sum becomes negative. We do the same; this table holds the
#   classes whose over-revert is well-defined arithmetic, with the expected value.
REVERT_BEYOND_IS_ARITHMETIC = {"Sum": lambda before, x: before - x}


def category(name) -> str:
    takes = BY_NAME[name].takes
    return "any" if takes == ANYTHING else "hash" if takes == HASHABLE else "num"


def guarded(fn, *args, **kwargs):
    """Call `fn`; an Exception propagates, any other BaseException (a panic) fails the test."""
    try:
        return fn(*args, **kwargs)
    except Exception:
        raise
    except BaseException as err:  # noqa: B036 - PanicException derives from BaseException
        pytest.fail(f"{type(err).__module__}.{type(err).__name__} escaped: {err!r}")


def describe(err: BaseException) -> str:
    """The message of an exception with its notes (PyO3 notes which argument failed to convert)."""
    return " ".join([str(err), *getattr(err, "__notes__", [])])


def prefix(name, n=12, seed=3):
    return feed(BY_NAME[name].kind, n, seed)


def continuation(name, n=8):
    return feed(BY_NAME[name].kind, n, seed=99)


def guarded_push(stat, name, item):
    guarded(push, stat, BY_NAME[name], item)


def fed(name, items=None):
    stat = BY_NAME[name].make()
    for item in prefix(name) if items is None else items:
        guarded_push(stat, name, item)
    return stat


def values_after(stat, name, items):
    out = []
    for item in items:
        guarded_push(stat, name, item)
        out.append(exact(guarded(stat.get)))
    return out


def assert_refused_without_change(stat, name, call, errors=(ValueError, TypeError), match=None):
    """`call(stat)` raises one of `errors` with a message and `stat` is exactly as before."""
    twin = copy.deepcopy(stat)
    before = snapshot(stat)
    with pytest.raises(errors) as info:
        guarded(call, stat)
    message = describe(info.value)
    assert message.strip(), f"{type(info.value).__name__} without a message"
    if match is not None:
        assert match.lower() in message.lower(), message
    assert snapshot(stat) == before
    more = continuation(name)
    assert values_after(copy.deepcopy(stat), name, more) == values_after(twin, name, more)


# --- values handed to update -------------------------------------------------------------

EXACT_NUMBERS = [
    ("int", 7),
    ("negative-int", -3),
    ("big-int-exact", 2**60),
    ("bool-True", True),
    ("bool-False", False),
    ("Decimal", Decimal("1.5")),
    ("Decimal-negative", Decimal("-0.25")),
    ("Fraction", Fraction(3, 2)),
    ("Fraction-negative", Fraction(-7, 4)),
    ("np.bool_", np.bool_(True)),
    *[
        (f"np.{t.__name__}", t(5))
        for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)
    ],
    ("np.int8-min", np.int8(-128)),
    ("np.uint64-big", np.uint64(2**63)),
    *[(f"np.{t.__name__}", t(1.5)) for t in (np.float16, np.float32, np.float64, np.longdouble)],
    ("np.float32-inexact-decimal", np.float32(0.1)),
    ("np.float16-negative", np.float16(-2.25)),
    ("negative-zero", -0.0),
    ("subnormal", 5e-324),
    ("max-float", 1.7976931348623157e308),
]

NANS = [
    ("nan", math.nan),
    ("negative-nan", -math.nan),
    ("np.float16-nan", np.float16("nan")),
    ("np.float32-nan", np.float32("nan")),
    ("np.float64-nan", np.float64("nan")),
    ("Decimal-nan", Decimal("NaN")),
]

INFINITIES = [
    ("inf", math.inf),
    ("-inf", -math.inf),
    ("np.float32-inf", np.float32("inf")),
    ("np.float16--inf", np.float16("-inf")),
    ("Decimal-inf", Decimal("Infinity")),
]

NOT_REAL_HASHABLE = [
    ("None", None),
    ("str", "1.0"),
    ("str-nan", "nan"),
    ("empty-str", ""),
    ("bytes", b"1"),
    ("complex", 1 + 2j),
    ("complex-real", complex(1.0, 0.0)),
    ("np.complex128", np.complex128(1 + 1j)),
    ("tuple", (1.0,)),
    ("object", object()),
    ("np.datetime64", np.datetime64("2020-01-01")),
]

TOO_LARGE = [
    ("int-10**400", 10**400),
    ("int--10**400", -(10**400)),
    ("Fraction-10**400", Fraction(10**400, 3)),
]

UNHASHABLE = [
    ("list", [1.0]),
    ("dict", {}),
    ("bytearray", bytearray(b"1")),
    ("np.array-2", np.array([1.0, 2.0])),
    ("set", {1.0}),
]

# Hashable for the statistics of hashables, not a number: a signalling NaN refuses both hash()
# and float(), so every class but those taking ANYTHING refuses it.
REFUSED_BY_ALL = [("Decimal-sNaN", Decimal("sNaN"))]

ZERO_D = [("np.array-0d", np.array(2.5)), ("np.array-0d-int", np.array(4))]


def positions(name):
    return ("x", "y") if BY_NAME[name].bivariate else ("x",)


def call_update(name, position, bad):
    """A call of `update` with `bad` at `position`, the other argument a good value."""
    good = continuation(name, 1)[0]
    if position == "x":
        args = (bad, good[1]) if BY_NAME[name].bivariate else (bad,)
    else:
        args = (good[0], bad)
    return lambda stat: stat.update(*args)


def float_twin(name, position, x):
    """The call of `update` with `float(x)` in place of `x`."""
    return call_update(name, position, float(x))


def update_cases():
    out = []
    groups = [
        ("exact", EXACT_NUMBERS),
        ("nan", NANS),
        ("inf", INFINITIES),
        ("not-real", NOT_REAL_HASHABLE),
        ("too-large", TOO_LARGE),
        ("unhashable", UNHASHABLE),
        ("refused-by-all", REFUSED_BY_ALL),
        ("0d-array", ZERO_D),
    ]
    for name in NAMES:
        for position in positions(name):
            for group, values in groups:
                for vid, v in values:
                    out.append(pytest.param(name, position, group, v, id=f"{name}-{position}-{vid}"))
    return out


@pytest.mark.parametrize("name, position, group, value", update_cases())
def test_update_with_unusual_values(name, position, group, value):
    stat = fed(name)
    cat = category(name)
    call = call_update(name, position, value)
    if cat == "any":
        # As in River, Count counts the call and Shift moves x through its buffer unchanged.
        before = guarded(stat.get)
        guarded(call, stat)
        if isinstance(stat, BY_NAME["Count"].cls):
            assert stat.get() == before + 1
        else:
            for item in continuation(name, stat.amount):
                guarded_push(stat, name, item)
            assert stat.get() is value
        return
    if cat == "hash":
        try:
            hash(value)
        except TypeError:
            assert_refused_without_change(stat, name, call, errors=TypeError)
            return
        # Counted like any hashable: the state changed, and a pickled copy (the value included)
        # goes on exactly as the statistic does.
        before = snapshot(stat)
        guarded(call, stat)
        assert snapshot(stat) != before
        loaded = pickle.loads(pickle.dumps(stat))
        more = continuation(name)
        assert values_after(loaded, name, more) == values_after(stat, name, more)
        return
    # numeric
    if group == "exact":
        twin = fed(name)
        guarded(call, stat)
        guarded(float_twin(name, position, value), twin)
        assert snapshot(stat) == snapshot(twin)
        more = continuation(name)
        assert values_after(stat, name, more) == values_after(twin, name, more)
    elif group == "nan":
        assert_refused_without_change(stat, name, call, errors=ValueError, match="nan")
    elif group == "inf":
        twin = copy.deepcopy(stat)
        guarded(call, stat)
        guarded(float_twin(name, position, value), twin)
        assert snapshot(stat) == snapshot(twin)
        # The state holding infinities (or the NaN they produced) still pickles and loads.
        loaded = pickle.loads(pickle.dumps(stat))
        more = continuation(name)
        assert values_after(loaded, name, more) == values_after(stat, name, more)
    elif group == "0d-array":
        # A 0-d array has __float__: taken as that float, or refused; nothing in between.
        twin = fed(name)
        try:
            guarded(call, copy.deepcopy(stat))
        except (ValueError, TypeError):
            assert_refused_without_change(stat, name, call)
        else:
            guarded(call, stat)
            guarded(float_twin(name, position, value), twin)
            assert snapshot(stat) == snapshot(twin)
    elif group == "too-large":
        assert_refused_without_change(stat, name, call)
    else:  # not-real, unhashable, refused-by-all
        assert_refused_without_change(stat, name, call, errors=TypeError)


# --- weights -----------------------------------------------------------------------------


BAD_WEIGHTS = [
    ("nan", math.nan, ValueError),
    ("np.float32-nan", np.float32("nan"), ValueError),
    ("None", None, TypeError),
    ("str", "1", TypeError),
    ("complex", 1j, TypeError),
    ("list", [1.0], TypeError),
    ("int-10**400", 10**400, (ValueError, TypeError)),
]

WEIGHTED = [e.name for e in entries(weighted=True)]


@pytest.mark.parametrize(
    "name, weight, error",
    [pytest.param(n, w, e, id=f"{n}-{wid}") for n in WEIGHTED for wid, w, e in BAD_WEIGHTS],
)
def test_bad_weight_is_refused_without_change(name, weight, error):
    stat = fed(name)
    args = continuation(name, 1)[0]
    args = args if BY_NAME[name].bivariate else (args,)
    assert_refused_without_change(stat, name, lambda s: s.update(*args, w=weight), errors=error)


@pytest.mark.parametrize("name", WEIGHTED)
@pytest.mark.parametrize("weight", [2, True, Decimal("0.5"), Fraction(1, 4), np.float32(3.0), np.int64(2)])
def test_exact_weights_act_as_their_float(name, weight):
    a, b = fed(name), fed(name)
    args = continuation(name, 1)[0]
    args = args if BY_NAME[name].bivariate else (args,)
    guarded(a.update, *args, w=weight)
    guarded(b.update, *args, w=float(weight))
    assert snapshot(a) == snapshot(b)


# --- constructors ------------------------------------------------------------------------

NAN = math.nan

# parameter -> bad values with the accepted error types, for every class having that parameter.
BAD_PARAMS: dict[str, list[tuple[object, tuple[type[Exception], ...]]]] = {
    "q": [(1.5, (ValueError,)), (-0.01, (ValueError,)), (NAN, (ValueError,)), (math.inf, (ValueError,))]
    + [("0.5", (TypeError,)), (None, (TypeError,)), (1j, (TypeError,))],
    "q_inf": [(-0.1, (ValueError,)), (1.5, (ValueError,)), (NAN, (ValueError,)), ("0.1", (TypeError,))],
    "q_sup": [(-0.1, (ValueError,)), (1.5, (ValueError,)), (NAN, (ValueError,)), ("0.9", (TypeError,))],
    "window_size": [(0, (ValueError,)), (-1, (ValueError,)), (-(10**30), (ValueError,))]
    + [(10**30, (ValueError, OverflowError)), (2.0, (TypeError,)), (2.5, (TypeError,))]
    + [(True, (TypeError,)), (False, (TypeError,)), (None, (TypeError,)), ("3", (TypeError,))],
    "fading_factor": [(-0.1, (ValueError,)), (1.5, (ValueError,)), (NAN, (ValueError,))]
    + [(math.inf, (ValueError,)), (-math.inf, (ValueError,)), ("0.5", (TypeError,)), (None, (TypeError,))],
    # ddof=None is not listed: a class may take it for the default, as PyO3's Option does.
    "ddof": [(-1, (ValueError,)), (-(10**30), (ValueError, OverflowError)), ("1", (TypeError,))],
    "lag": [(-1, (ValueError,)), ("1", (TypeError,)), (None, (TypeError,)), (1.5, (TypeError,))],
    "amount": [(-1, (ValueError,)), ("1", (TypeError,)), (1.5, (TypeError,)), (True, (TypeError,))],
    "k": [("3", (TypeError,)), (1.5, (TypeError,)), (None, (TypeError,))],
    "eps": [(0.0, (ValueError,)), (-1e-8, (ValueError,)), (NAN, (ValueError,)), ("1e-8", (TypeError,))],
    "statistic": [("foo", (ValueError,)), ("KS", (ValueError,)), ("", (ValueError,)), (None, (TypeError,))]
    + [(3, (TypeError,))],
}

# (class, parameter) -> bad values only that class refuses, on top of BAD_PARAMS.
CLASS_BAD_PARAMS: dict[tuple[str, str], list[tuple[object, tuple[type[Exception], ...]]]] = {
    ("Quantile", "q"): [(0.0, (ValueError,)), (1.0, (ValueError,))],  # 0 < q < 1 (P²)
    ("Entropy", "fading_factor"): [(0.0, (ValueError,))],  # (0, 1]
}

# Combinations: (class, kwargs, error). q_inf must be below q_sup.
BAD_COMBINATIONS: list[tuple[str, dict, tuple[type[Exception], ...], str]] = [
    ("IQR", {"q_inf": 0.75, "q_sup": 0.25}, (ValueError,), "q_inf"),
    ("IQR", {"q_inf": 0.5, "q_sup": 0.5}, (ValueError,), "q_inf"),
    ("RollingIQR", {"window_size": 5, "q_inf": 0.75, "q_sup": 0.25}, (ValueError,), "q_inf"),
    ("RollingIQR", {"window_size": 5, "q_inf": 0.5, "q_sup": 0.5}, (ValueError,), "q_inf"),
    ("RollingIQR", {"window_size": 5, "q_inf": 0.0, "q_sup": 0.0}, (ValueError,), "q_inf"),
]


def constructor_params(name) -> list[str]:
    return [
        p.name
        for p in inspect.signature(BY_NAME[name].cls).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def constructor_cases():
    out = []
    for name in NAMES:
        for param in constructor_params(name):
            bad = BAD_PARAMS.get(param, []) + CLASS_BAD_PARAMS.get((name, param), [])
            for i, (v, errors) in enumerate(bad):
                kwargs = {**BY_NAME[name].params, param: v}
                out.append(pytest.param(name, kwargs, errors, param, id=f"{name}-{param}-{i}-{v!r}"))
    for name, kwargs, errors, param in BAD_COMBINATIONS:
        out.append(pytest.param(name, kwargs, errors, param, id=f"{name}-{kwargs}"))
    return out


def test_constructor_table_names_known_parameters():
    """Every class-specific entry names a class parameter, so the table cannot go stale quietly."""
    for name, param in CLASS_BAD_PARAMS:
        assert param in constructor_params(name), (name, param)
    for name, kwargs, _, param in BAD_COMBINATIONS:
        assert set(kwargs) <= set(constructor_params(name)) and param in kwargs, (name, kwargs)


@pytest.mark.parametrize("name, kwargs, errors, param", constructor_cases())
def test_invalid_constructor_arguments(name, kwargs, errors, param):
    with pytest.raises(errors) as info:
        guarded(BY_NAME[name].cls, **kwargs)
    assert param in describe(info.value), describe(info.value)


# --- get before any update -----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_get_and_repr_before_any_update_give_the_empty_values(name):
    stat = BY_NAME[name].make()
    guarded(stat.get)
    assert guarded(repr, stat) == BY_NAME[name].empty_repr
    # Nothing seen: no count, no degree of freedom, and nothing against independence.
    for attr, empty in (("p_value", 1.0), ("degrees_of_freedom", 0), ("n", 0)):
        if hasattr(type(stat), attr):
            assert guarded(getattr, stat, attr) == empty, attr


# --- revert beyond what was added ------------------------------------------------------------

REVERTIBLE_NAMES = [e.name for e in REVERTIBLE]


def one_item(name):
    return continuation(name, 1)[0]


def revert_args(name, item):
    return item if BY_NAME[name].bivariate else (item,)


@pytest.mark.parametrize("name", REVERTIBLE_NAMES)
@pytest.mark.parametrize("added", [0, 1])
def test_revert_of_more_than_was_added(name, added):
    stat = BY_NAME[name].make()
    item = one_item(name)
    for _ in range(added):
        guarded_push(stat, name, item)
    if added:
        guarded(stat.revert, *revert_args(name, item))
    if name in REVERT_BEYOND_IS_ARITHMETIC:
        before = guarded(stat.get)
        guarded(stat.revert, *revert_args(name, item))
        assert guarded(stat.get) == REVERT_BEYOND_IS_ARITHMETIC[name](before, item)
        return
    assert_refused_without_change(stat, name, lambda s: s.revert(*revert_args(name, item)), errors=ValueError)


@pytest.mark.parametrize("name", [n for n in REVERTIBLE_NAMES if n in WEIGHTED])
def test_revert_of_a_larger_weight_than_was_added(name):
    stat = BY_NAME[name].make()
    args = revert_args(name, one_item(name))
    guarded(stat.update, *args, w=1.0)
    assert_refused_without_change(stat, name, lambda s: s.revert(*args, w=2.0), errors=ValueError)


@pytest.mark.parametrize(
    "name, position, value",
    [
        pytest.param(n, pos, v, id=f"{n}-{pos}-{vid}")
        for n in REVERTIBLE_NAMES
        if category(n) == "num"
        for pos in positions(n)
        for vid, v in [("nan", math.nan), ("None", None), ("str", "1")]
    ],
)
def test_bad_revert_is_refused_without_change(name, position, value):
    stat = fed(name)
    good = one_item(name)
    args = list(revert_args(name, good))
    args[0 if position == "x" else 1] = value
    assert_refused_without_change(stat, name, lambda s: s.revert(*args))


# --- batches ---------------------------------------------------------------------------------

UNIVARIATE = [name for name in NAMES if not BY_NAME[name].bivariate]
BIV_BATCH = [
    name
    for name in NAMES
    if BY_NAME[name].bivariate and callable(getattr(BY_NAME[name].cls, "update_many", None))
]


def good_batch(name, n=5):
    return feed(BY_NAME[name].kind, n, seed=7)


def bad_element(name):
    """An element every class of that category refuses, with the error it raises."""
    return {"num": (math.nan, ValueError), "hash": ([1], TypeError)}[category(name)]


def as_array(items, cat):
    """A float64 array for numbers, an object array (element by element) for hashables."""
    if cat == "num":
        return np.array(items, dtype=np.float64)
    arr = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        arr[i] = x
    return arr


def loop_state(name, items):
    stat = fed(name)
    for x in items:
        guarded_push(stat, name, x)
    return stat


def batch_names(*categories):
    return [n for n in UNIVARIATE if category(n) in categories]


@pytest.mark.parametrize("name", batch_names("num", "hash"))
@pytest.mark.parametrize("method", ["update_many", "accumulate"])
@pytest.mark.parametrize("container", ["list", "ndarray", "tuple", "generator"])
@pytest.mark.parametrize("k", [0, 2, 4])
def test_batch_with_a_bad_element_at_k_is_all_or_nothing(name, method, container, k):
    bad, error = bad_element(name)
    items = good_batch(name)
    items[k] = bad
    if container == "ndarray":
        arr = as_array(items, category(name))
        batch = lambda: arr  # noqa: E731
    elif container == "list":
        batch = lambda: list(items)  # noqa: E731
    elif container == "tuple":
        batch = lambda: tuple(items)  # noqa: E731
    else:
        batch = lambda: (x for x in items)  # noqa: E731
    stat = fed(name)
    assert_refused_without_change(
        stat, name, lambda s: getattr(s, method)(batch()), errors=error, match=str(k)
    )


@pytest.mark.parametrize("name", batch_names("num"))
@pytest.mark.parametrize("k", [0, 1, 3])
@pytest.mark.parametrize(
    "bad, error",
    [
        (None, TypeError),
        ("x", TypeError),
        (1j, TypeError),
        (10**400, (ValueError, TypeError)),
        ([1.0], TypeError),
    ],
    ids=["None", "str", "complex", "too-large", "list"],
)
def test_numeric_batch_with_a_non_number_at_k_is_all_or_nothing(name, k, bad, error):
    items = good_batch(name)
    items[k] = bad
    stat = fed(name)
    assert_refused_without_change(
        stat, name, lambda s: s.update_many(items), errors=error, match=f"element {k}"
    )


def arrays():
    """1-D arrays of every real dtype and layout; each must act as its `.tolist()`."""
    base = np.array([3.5, -1.25, 0.0, 7.0, 2.5, -4.0, 9.75, 1.0, 3.5, -1.25])
    m = np.arange(30, dtype=np.float64).reshape(10, 3) - 12.5
    ro = base.copy()
    ro.flags.writeable = False
    out = [
        ("strided", base[::2]),
        ("reversed", base[::-1]),
        ("column-of-C-matrix", m[:, 1]),
        ("row-of-F-matrix", np.asfortranarray(m)[2]),
        ("big-endian", base.astype(">f8")),
        ("read-only", ro),
        ("float32-strided", base.astype(np.float32)[::3]),
        ("float16", base.astype(np.float16)),
        ("longdouble", base.astype(np.longdouble)),
        ("bool", base > 1),
    ]
    ints = np.array([5, -3, 0, 7, 7, 2, -8, 1])
    for t in (np.int8, np.int16, np.int32, np.int64):
        out.append((np.dtype(t).name, ints.astype(t)))
    for t in (np.uint8, np.uint16, np.uint32, np.uint64):
        out.append((np.dtype(t).name, np.abs(ints).astype(t)))
    out.append(("uint64-strided", np.abs(ints).astype(np.uint64)[1::2]))
    return out


@pytest.mark.parametrize("name", batch_names("num", "hash"))
@pytest.mark.parametrize("arr", [a for _, a in arrays()], ids=[i for i, _ in arrays()])
def test_arrays_of_every_layout_act_as_their_list(name, arr):
    many, acc = fed(name), fed(name)
    guarded(many.update_many, arr)
    got = guarded(acc.accumulate, arr)
    # Two loops: reading the value may tidy lazily kept internals (RollingMode's heaps), and
    # update_many reads nothing while accumulate reads after every update.
    silent, want_stat = fed(name), fed(name)
    want = []
    for x in arr.tolist():
        guarded_push(silent, name, x)
        guarded_push(want_stat, name, x)
        v = want_stat.get()
        want.append(math.nan if v is None else v)
    assert pickle.dumps(many) == pickle.dumps(silent)
    assert snapshot(many) == snapshot(silent)
    assert snapshot(acc) == snapshot(want_stat)
    assert isinstance(got, np.ndarray) and got.shape == (len(arr),)
    np.testing.assert_array_equal(got, np.asarray(want, dtype=got.dtype))


TWO_D = [
    ("2x3", lambda: np.ones((2, 3))),
    ("3x1", lambda: np.ones((3, 1))),
    ("1x3", lambda: np.ones((1, 3))),
    ("0x3", lambda: np.ones((0, 3))),
    ("2x2-int", lambda: np.ones((2, 2), dtype=np.int64)),
    ("2x2-F", lambda: np.asfortranarray(np.ones((2, 2)))),
    ("3-D", lambda: np.ones((2, 2, 2))),
    ("object-2x2", lambda: np.full((2, 2), "a", dtype=object)),
    ("nested-list", lambda: [[1.0, 2.0], [3.0, 4.0]]),
]


@pytest.mark.parametrize("name", UNIVARIATE)
@pytest.mark.parametrize("make_batch", [b for _, b in TWO_D], ids=[i for i, _ in TWO_D])
@pytest.mark.parametrize("method", ["update_many", "accumulate"])
def test_nested_batches_are_refused_precisely_or_act_as_the_loop(name, make_batch, method):
    """Rejected with a message naming the dimensions, or equal to updating with each row."""
    stat = fed(name)
    try:
        guarded(getattr(copy.deepcopy(stat), method), make_batch())
    except (ValueError, TypeError) as err:
        message = describe(err)
        assert any(w in message for w in ("1-D", "element 0", "dimension")), message
        assert_refused_without_change(stat, name, lambda s: getattr(s, method)(make_batch()))
    else:
        guarded(getattr(stat, method), make_batch())
        loop = fed(name)
        for row in make_batch():
            guarded_push(loop, name, row)
        assert exact(stat.get()) == exact(loop.get())


EMPTIES = [
    ("list", lambda: []),
    ("tuple", lambda: ()),
    ("iter", lambda: iter([])),
    ("generator", lambda: (x for x in [])),
    ("range", lambda: range(0)),
    ("float64", lambda: np.array([])),
    ("int64", lambda: np.empty(0, dtype=np.int64)),
    ("float32", lambda: np.empty(0, dtype=np.float32)),
    ("object", lambda: np.empty(0, dtype=object)),
    ("strided", lambda: np.arange(10.0)[10::2]),
]


@pytest.mark.parametrize("name", UNIVARIATE)
@pytest.mark.parametrize("make_batch", [b for _, b in EMPTIES], ids=[i for i, _ in EMPTIES])
def test_empty_batches_are_no_ops(name, make_batch):
    stat = fed(name)
    before = snapshot(stat)
    guarded(stat.update_many, make_batch())
    assert snapshot(stat) == before
    got = guarded(stat.accumulate, make_batch())
    assert isinstance(got, np.ndarray) and got.shape == (0,)
    assert snapshot(stat) == before


@pytest.mark.parametrize("name", batch_names("num", "hash"))
@pytest.mark.parametrize("batch", ["123", b"123", 3.0, None, 5], ids=["str", "bytes", "float", "None", "int"])
@pytest.mark.parametrize("method", ["update_many", "accumulate"])
def test_non_iterable_or_text_batches_are_refused(name, batch, method):
    stat = fed(name)
    assert_refused_without_change(stat, name, lambda s: getattr(s, method)(batch), errors=TypeError)


# Bivariate batches: update_many(X, Y) where the class has it.


@pytest.mark.parametrize("name", BIV_BATCH)
@pytest.mark.parametrize("side", ["X", "Y"])
@pytest.mark.parametrize("k", [0, 2, 4])
@pytest.mark.parametrize("container", ["list", "ndarray"])
def test_bivariate_batch_with_a_bad_element_is_all_or_nothing(name, side, k, container):
    bad, error = bad_element(name)
    pairs = good_batch(name)
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    (xs if side == "X" else ys)[k] = bad
    if container == "ndarray":
        xs, ys = as_array(xs, category(name)), as_array(ys, category(name))
    stat = fed(name)
    assert_refused_without_change(stat, name, lambda s: s.update_many(xs, ys), errors=error, match=str(k))


@pytest.mark.parametrize("name", BIV_BATCH)
def test_bivariate_batch_edge_cases(name):
    pairs = good_batch(name, 6)
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    stat = fed(name)
    assert_refused_without_change(stat, name, lambda s: s.update_many(xs, ys[:-1]), errors=ValueError)
    assert_refused_without_change(stat, name, lambda s: s.update_many(xs[:-1], ys), errors=ValueError)
    assert_refused_without_change(stat, name, lambda s: s.update_many("ab", "cd"), errors=TypeError)
    if category(name) == "num":
        assert_refused_without_change(
            stat,
            name,
            lambda s: s.update_many(np.ones((2, 3)), np.ones((2, 3))),
            errors=(ValueError, TypeError),
        )
    before = snapshot(stat)
    for empty in ([], np.array([]), ()):
        guarded(stat.update_many, empty, empty)
        assert snapshot(stat) == before
    loop = loop_state(name, pairs)
    if category(name) == "num":
        guarded(stat.update_many, np.array(xs)[::1], np.array(ys))
    else:
        guarded(stat.update_many, xs, ys)
    assert snapshot(stat) == snapshot(loop)


# --- river.utils.Rolling around every statistic with revert --------------------------------

# Rolling reverts the oldest call, then updates; when the update is refused it applies the
# reverted call again. For counts (reverts == "exact") that restores the state bit for bit; for
# floating accumulations (Mean, Var...) revert-then-update may differ in the last bits, so the
# values after a refused call are compared to ROLLING_REL there.


@pytest.mark.parametrize(
    "name, position",
    [
        pytest.param(n, pos, id=f"{n}-{pos}")
        for n in REVERTIBLE_NAMES
        if category(n) != "any"
        for pos in positions(n)
    ],
)
def test_rolling_wrapper_refuses_bad_input_without_change(name, position):
    bad = math.nan if category(name) == "num" else [1]
    rolling = utils.Rolling(BY_NAME[name].cls, window_size=3, **BY_NAME[name].params)
    for item in prefix(name, 5):
        guarded_push(rolling, name, item)
    twin = copy.deepcopy(rolling)
    window = list(rolling.window)
    with pytest.raises((ValueError, TypeError)):
        guarded(call_update(name, position, bad), rolling)
    assert list(rolling.window) == window
    for item in continuation(name):
        guarded_push(rolling, name, item)
        guarded_push(twin, name, item)
        a, b = rolling.get(), twin.get()
        if BY_NAME[name].reverts == "exact":
            assert exact(a) == exact(b)
        else:
            assert close(a, b, ROLLING_REL, ROLLING_ABS), (a, b)


# --- the messages of the Rust-backed numeric statistics ------------------------------------------

RUST_NUMERIC = cases(rust=True, bivariate=False, takes=NUMBER)

BAD_VALUES_AND_MESSAGES = [
    (math.nan, ValueError, "NaN"),
    (np.float32("nan"), ValueError, "NaN"),
    (None, TypeError, "real number"),
    ("1.0", TypeError, "real number"),
    (b"1", TypeError, "real number"),
    (1 + 2j, TypeError, "real number"),
    (10**400, ValueError, "too large"),
    ([1.0], TypeError, "real number"),
]


@pytest.mark.parametrize("entry, params", RUST_NUMERIC)
@pytest.mark.parametrize("value, error, message", BAD_VALUES_AND_MESSAGES)
def test_bad_update_is_refused_without_change(entry, params, value, error, message):
    stat = entry.make(params)
    stat.update_many([1.0, 5.0, 2.0])
    before = snapshot(stat)
    with pytest.raises(error, match=message):
        stat.update(value)
    if hasattr(stat, "revert"):
        with pytest.raises(error, match=message):
            stat.revert(value)
    assert snapshot(stat) == before


@pytest.mark.parametrize("entry, params", RUST_NUMERIC)
def test_batch_with_nan_is_all_or_nothing(entry, params):
    stat = entry.make(params)
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
def test_invalid_constructor_arguments_have_precise_messages(build, error, message):
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


@pytest.mark.parametrize("name", [e.name for e in entries(bivariate=False)] + BIV_BATCH)
def test_a_lying_len_is_only_a_hint(name):
    # Reserving 10**18 floats up front would abort the interpreter.
    entry = BY_NAME[name]
    stat = entry.make()
    reference = entry.make()
    if entry.bivariate:
        stat.update_many(LyingLength(), LyingLength())
        items = [(x, x) for x in iter(LyingLength())]
    else:
        stat.update_many(LyingLength())
        items = list(iter(LyingLength()))
    for item in items:
        push(reference, entry, item)
    assert snapshot(stat) == snapshot(reference)
