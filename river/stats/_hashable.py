"""Helpers shared by the statistics of hashable values, which stay in Python.

Values of these statistics are arbitrary hashable Python objects: hashing and equality are
Python's, so a Rust core would have to call back into Python for every dictionary operation
and would gain nothing over a `dict`.
"""

from __future__ import annotations

import math
import numbers
import typing

import numpy as np

__all__ = ["check_hashable", "hashable_batch", "paired_batches", "values_array"]


def check_hashable(x: typing.Any, what: str = "x") -> None:
    """Raise TypeError naming the value when it cannot be counted."""
    try:
        hash(x)
    except TypeError:
        raise TypeError(f"{what} must be hashable, got {type(x).__name__}") from None


def hashable_batch(xs: typing.Iterable, what: str = "input") -> list:
    """The values of a batch as a list, every one checked before anything is counted.

    A str or bytes is refused rather than split into characters: passing one is almost
    always a mistake for a batch call.
    """
    if isinstance(xs, (str, bytes)):
        raise TypeError(f"update_many takes an iterable of values, not a {type(xs).__name__}")
    if isinstance(xs, np.ndarray):
        if xs.ndim != 1:
            raise ValueError(f"the {what} must be 1-D, got {xs.ndim} dimensions")
        items = xs.tolist()  # an object array may hold unhashable values: checked below
    else:
        try:
            items = [x for x in xs]  # not list(xs): that would trust a lying __len__
        except TypeError:
            raise TypeError(f"update_many takes an iterable of values, got {type(xs).__name__}") from None
    for i, x in enumerate(items):
        try:
            hash(x)
        except TypeError:
            raise TypeError(f"element {i} of the {what} is not hashable ({type(x).__name__})") from None
    return items


def paired_batches(xs: typing.Iterable, ys: typing.Iterable) -> tuple[list, list]:
    """Two checked batches of the same length."""
    left = hashable_batch(xs, "first input")
    right = hashable_batch(ys, "second input")
    if len(left) != len(right):
        raise ValueError(f"the inputs have different lengths ({len(left)} and {len(right)})")
    return left, right


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
