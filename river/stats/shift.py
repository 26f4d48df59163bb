from __future__ import annotations

import collections
import copy
import numbers
import sys
import typing

from river.stats import _hashable, base
from river.stats._rust_stats import RsShift

__all__ = ["Shift"]


class Shift(RsShift, base.Univariate):
    """Shifts a data stream by returning past values.

    `get` returns the value seen `amount` updates ago, or `fill_value` while fewer than
    `amount + 1` values have been seen. Any object can be shifted (numbers, None, strings,
    dicts): the values are kept, by reference, in a ring of `amount + 1` slots held in Rust.

    As in River, `buffer` is a deque of the values kept, oldest first; here it is a copy
    (changing it does not change the statistic). `amount` is read-only, `fill_value` may be
    changed.

    Parameters
    ----------
    amount
        Shift amount, an int >= 0. The `get` method will return the `t - amount` value, where
        `t` is the current moment.
    fill_value
        This value will be returned by the `get` method if not enough values have been observed.

    Examples
    --------

    It is rare to have to use `Shift` by itself. A more common usage is to compose it with
    other statistics. This can be done via the `|` operator.

    >>> from river import stats

    >>> stat = stats.Shift(1) | stats.Max()

    >>> for i in [3, 1, 4, 1, 5]:
    ...     stat.update(i)
    ...     print(stat.get())
    -inf
    3.0
    3.0
    4.0
    4.0
    >>> stat.name
    'max_of_shift_1'

    >>> shift = stats.Shift(2, fill_value=0)
    >>> [(shift.update(x), shift.get())[1] for x in "abcd"]
    [0, 0, 'a', 'b']

    References
    ----------
    [^1]: [pandas.Series.shift](https://pandas.pydata.org/docs/reference/api/pandas.Series.shift.html)

    """

    _no_merge = (
        "it returns the value of one stream from `amount` updates ago, and two streams "
        "have no order between them"
    )

    def __init__(self, amount: int = 1, fill_value: typing.Any = None) -> None:
        if isinstance(amount, bool) or not isinstance(amount, numbers.Integral):
            raise TypeError(f"amount must be an int, got {type(amount).__name__}")
        if amount < 0:
            raise ValueError(f"amount must be >= 0, got {amount}")
        if amount >= sys.maxsize:
            raise ValueError(f"amount is too large, got {amount}")
        self._load(int(amount), fill_value, [])

    @property
    def buffer(self) -> collections.deque:
        """The values kept (the last `amount + 1` at most), oldest first (a copy)."""
        return collections.deque(self._values(), maxlen=self.amount + 1)

    def __repr__(self) -> str:
        # River's format for numbers; any other value (a string, say) as `str`.
        return f"{self.__class__.__name__}: {_hashable.format_value(self.get(), self._fmt)}"

    def __getstate__(self) -> dict[str, typing.Any]:
        return {"amount": self.amount, "fill_value": self.fill_value, "buffer": self.buffer}

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        # Also the state of the pure-Python version: its attributes, the same three.
        with _hashable.loading():
            amount, buffer = state["amount"], state["buffer"]
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise ValueError(f"invalid pickled state: amount is {amount!r}")
            if not isinstance(buffer, (collections.deque, list, tuple)):
                raise TypeError(f"the buffer is a {type(buffer).__name__}")
            self._load(amount, state["fill_value"], list(buffer))

    def _adopt(self, fitted: Shift) -> None:
        """`clone(include_attributes=True)`: the fitted values (deep copies, as River's clone
        copies its attributes) under this object's parameters."""
        if fitted.amount != self.amount:
            raise ValueError(
                f"amount shapes the fitted state: a clone cannot change it ({fitted.amount} to {self.amount})"
            )
        self._load(self.amount, self.fill_value, copy.deepcopy(fitted._values()))

    @property
    def name(self) -> str:
        return f"shift_{self.amount}"

    @classmethod
    def _unit_test_params(cls):
        yield {}
        yield {"amount": 3, "fill_value": 0.0}
