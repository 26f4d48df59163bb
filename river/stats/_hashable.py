"""Helpers shared by the statistics of hashable values (Mode, RollingMode, Entropy,
ChiSquared).

Their counts live in Rust (`rust_src/core/hashable.rs`), keyed by the Python objects with
their Python hash, compared by Python's `==`; what is here checks batches and pickled
states before they reach Rust, and formats the values.
"""

from __future__ import annotations

import contextlib
import decimal
import math
import numbers
import operator
import typing

import numpy as np

__all__ = [
    "NAN",
    "batch_list",
    "is_nan",
    "is_native_array",
    "nan_key",
    "nan_keys_merged",
    "paired_lists",
    "update_many",
    "values_array",
]

# All NaNs are one value, counted under this one object. A NaN is unequal to itself and hashes
# by identity, so a dict finds it only through the very object it was stored with: left as they
# come, `float("nan")` twice would be two values while `math.nan` twice is one, every NaN of a
# float64 array (a new object each, from `tolist`) would be a value of its own, and a pickle,
# which does not keep the identity of floats, would give each structure of a statistic its own
# NaN object, so that they no longer agree. `math.nan` is one object for the whole process.
NAN = math.nan


def _floating_types() -> frozenset[type]:
    out: set[type] = set()
    todo: list[type] = [np.floating]
    while todo:
        t = todo.pop()
        out.add(t)
        todo.extend(t.__subclasses__())
    return frozenset(out - {np.floating})


# The types whose values may be NaN: float, the NumPy floating scalars and Decimal. Compared by
# exact type (a set lookup), which for other values costs far less than an isinstance check.
# The Rust side (`rust_src/python/hashable.rs`) reads this set; it tells exact ints, strs and
# floats apart without it.
NAN_TYPES = frozenset({float, decimal.Decimal}) | _floating_types()


def is_nan(x: typing.Any) -> bool:
    """Whether `x` is a NaN of one of `NAN_TYPES`."""
    return type(x) in NAN_TYPES and x != x


def nan_key(x: typing.Any) -> typing.Any:
    """The key `x` is counted under: `NAN` for any NaN, `x` itself otherwise."""
    return NAN if type(x) in NAN_TYPES and x != x else x


_D = typing.TypeVar("_D", bound=dict)


def nan_keys_merged(
    d: _D, combine: typing.Callable[[typing.Any, typing.Any], typing.Any] = operator.add
) -> _D:
    """`d` with every NaN key replaced by `NAN`, in the same order; `d` itself if it has none.

    Used when a pickle is loaded: pickle does not keep the identity of a float, so the NaN
    keys come back as new objects and are put back under `NAN`. The values of several NaN keys
    (a state kept before all NaNs were one value) are combined, the first NaN's place is kept.
    """
    if not any(is_nan(k) for k in d):
        return d
    out = typing.cast(_D, d.copy())  # the same type, Counter or defaultdict with its factory
    out.clear()
    for k, v in d.items():
        if is_nan(k):
            k = NAN
            if k in out:
                v = combine(out[k], v)
        out[k] = v
    return out


def check_merge(self: typing.Any, other: typing.Any, op: str) -> None:
    """TypeError unless `other` is of exactly `self`'s class (the same message as the Rust
    classes give)."""
    if type(other) is not type(self):
        raise TypeError(
            f"unsupported operand types for {op}: '{type(self).__name__}' and "
            f"'{type(other).__name__}': only statistics of the same class merge"
        )


def param_differs(name: str, mine: typing.Any, theirs: typing.Any) -> ValueError:
    """The refusal of a merge between statistics built with different parameters."""
    return ValueError(
        f"{name} differs ({mine} and {theirs}): only statistics built with the same parameters merge"
    )


def batch_list(xs: typing.Iterable, what: str = "input") -> list:
    """The values of a batch as a list, for the Rust side, which checks that each is hashable
    before anything is counted. A str or bytes is refused rather than split into characters:
    passing one is almost always a mistake for a batch call."""
    if isinstance(xs, (str, bytes)):
        raise TypeError(f"update_many takes an iterable of values, not a {type(xs).__name__}")
    if type(xs) is list:
        return xs
    if isinstance(xs, np.ndarray):
        if xs.ndim != 1:
            raise ValueError(f"the {what} must be 1-D, got {xs.ndim} dimensions")
        return xs.tolist()
    try:
        return [x for x in xs]  # not list(xs): that would trust a lying __len__
    except TypeError:
        raise TypeError(f"update_many takes an iterable of values, got {type(xs).__name__}") from None


# The arrays read in Rust as they are (one Python number per distinct value).
_NATIVE_DTYPES = (np.dtype(np.float64), np.dtype(np.int64))


def is_native_array(xs: typing.Any) -> typing.TypeGuard[np.ndarray]:
    """Whether `xs` is a 1-D float64 or int64 array (native byte order), read in Rust."""
    return type(xs) is np.ndarray and xs.ndim == 1 and xs.dtype in _NATIVE_DTYPES


def update_many(stat: typing.Any, xs: typing.Iterable) -> None:
    """`stat.update_many(xs)` for Mode, RollingMode and Entropy: a 1-D float64 or int64 array
    goes to Rust as it is, anything else as a list."""
    if is_native_array(xs):
        stat._update_array(xs)
    else:
        stat._update_list(batch_list(xs))


def paired_lists(xs: typing.Iterable, ys: typing.Iterable) -> tuple[list, list]:
    """Two batches of the same length, as lists."""
    left, right = batch_list(xs, "first input"), batch_list(ys, "second input")
    if len(left) != len(right):
        raise ValueError(f"the inputs have different lengths ({len(left)} and {len(right)})")
    return left, right


@contextlib.contextmanager
def loading() -> typing.Iterator[None]:
    """Any failure while a pickled state is read becomes the ValueError of a corrupt state."""
    try:
        yield
    except ValueError as err:
        if str(err).startswith("invalid pickled state"):
            raise
        raise ValueError(f"invalid pickled state: {err}") from None
    except (TypeError, KeyError, AttributeError, OverflowError, IndexError) as err:
        raise ValueError(f"invalid pickled state: {type(err).__name__}: {err}") from None


def checked_counts(counts: typing.Any) -> tuple[list, list]:
    """The keys and counts of a pickled mapping of counts, each count an int of at least 1."""
    if not isinstance(counts, dict):
        raise TypeError(f"counts is a {type(counts).__name__}, not a dict")
    keys, values = list(counts), list(counts.values())
    for c in values:
        if isinstance(c, bool) or not isinstance(c, int) or c < 1:
            raise ValueError(f"invalid pickled state: a count is {c!r}")
    return keys, values


def _is_real(value: typing.Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def values_array(values: list) -> np.ndarray:
    """float64 when every value is a real number or None (None becomes NaN), else object."""
    if all(v is None or _is_real(v) for v in values):
        return np.asarray([math.nan if v is None else float(v) for v in values], dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def format_value(value: typing.Any, fmt: str) -> str:
    """River's `repr` format for numbers; other values (a mode over strings) as `str`."""
    if value is None:
        return "None"
    if _is_real(value):
        return f"{value:{fmt}}".rstrip("0")
    return str(value)
