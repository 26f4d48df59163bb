from __future__ import annotations

import collections
import numbers
import typing

from river.stats import base

__all__ = ["Shift"]


class Shift(base.Univariate):
    """Shifts a data stream by returning past values.

    `get` returns the value seen `amount` updates ago, or `fill_value` while fewer than
    `amount + 1` values have been seen. Any object can be shifted (numbers, None, strings,
    dicts), which is why this class is plain Python: the values only move through a deque,
    there is no arithmetic to speed up, and a Rust version would have to hold Python objects.

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
        self.amount: int = int(amount)
        self.fill_value: typing.Any = fill_value
        self.buffer: collections.deque = collections.deque(maxlen=self.amount + 1)

    def update(self, x) -> None:
        self.buffer.append(x)

    def get(self):
        if len(self.buffer) > self.amount:
            return self.buffer[0]
        return self.fill_value

    @property
    def name(self) -> str:
        return f"shift_{self.amount}"

    @classmethod
    def _unit_test_params(cls):
        yield {}
        yield {"amount": 3, "fill_value": 0.0}
