from __future__ import annotations

import collections
import copy
import math
import numbers
import typing

import numpy as np

from river.stats import _hashable, base

__all__ = ["Entropy"]

_NAN, _NAN_TYPES = _hashable.NAN, _hashable.NAN_TYPES


class Entropy(base.Univariate):
    """Running entropy of a stream of hashable values.

    The Shannon entropy (natural logarithm) of the frequencies of the values seen, updated in
    O(1) per value with Sovdat's formulas. With `fading_factor` below 1, older values weigh less.
    `eps` keeps the logarithms finite on the first update; it makes the value differ from the
    exact entropy by a relative amount of the order of `eps`.

    Parameters
    ----------
    fading_factor
        Fading factor, in (0, 1].
    eps
        Small value that will be added to the denominator to avoid division by zero; must be
        positive.

    Attributes
    ----------
    entropy : float
        The running entropy.
    n : int
        The current number of observations.
    counter : collections.Counter
        Count the number of times the values have occurred

    Examples
    --------

    >>> import random
    >>> import numpy as np
    >>> from scipy.stats import entropy
    >>> from river import stats

    >>> random.seed(42 * 1337)
    >>> animals = ['cat'] * 301 + ['dog'] * 401 + ['bird'] * 601
    >>> random.shuffle(animals)

    >>> entro = stats.Entropy(fading_factor=1)
    >>> for animal in animals:
    ...     entro.update(animal)
    >>> print(f'{entro.get():.6f}')
    1.058093
    >>> print(f'{entropy(np.unique(animals, return_counts=True)[1]):.6f}')
    1.058093

    >>> stats.Entropy().accumulate(['a', 'b', 'a', 'b']).round(6).tolist()
    [0.0, 0.693147, 0.636514, 0.693147]

    References
    ----------
    [^1]: [Sovdat, B., 2014. Updating Formulas and Algorithms for Computing Entropy and Gini Index from Time-Changing Data Streams. arXiv preprint arXiv:1403.6348.](https://arxiv.org/pdf/1403.6348.pdf)

    """

    def __init__(self, fading_factor: float = 1, eps: float = 1e-8) -> None:
        for what, value in (("fading_factor", fading_factor), ("eps", eps)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{what} must be a real number, got {type(value).__name__}")
        if not 0 < fading_factor <= 1:
            raise ValueError(f"fading_factor must be between 0 excluded and 1, got {fading_factor}")
        if not (eps > 0 and math.isfinite(eps)):
            raise ValueError(f"eps must be a positive finite number, got {eps}")
        self.fading_factor = fading_factor
        self.eps = eps
        self.entropy = 0.0
        self.n = 0
        self.counter: collections.Counter[typing.Hashable] = collections.Counter()

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"fading_factor": 0.9}

    @property
    def name(self) -> str:
        return "entropy"

    def update(self, x: typing.Hashable) -> None:
        counter = self.counter
        cx = counter.get(x, 0)  # raises TypeError for an unhashable value, before any change
        if not cx and type(x) in _NAN_TYPES and x != x:
            x = _NAN  # all NaNs are one value
            cx = counter.get(x, 0)
        n, eps = self.n, self.eps
        # Sovdat (2014), equation for adding one occurrence of x: the entropy of the n values
        # seen is rescaled to n + 1 values, then x's term is replaced.
        h = (n + eps) / (n + 1) * (self.fading_factor * self.entropy - math.log((n + eps) / (n + 1)))
        h -= (cx + 1) / (n + 1) * math.log((cx + 1) / (n + 1))
        h += (cx + eps) / (n + 1) * math.log((cx + eps) / (n + 1))
        self.entropy = h
        self.n = n + 1
        counter[x] = cx + 1

    def get(self) -> float:
        return self.entropy

    _no_unmerge = (
        "the running entropy's smoothing (eps) makes it depend on the path the values took, "
        "which cannot be retraced backwards"
    )

    def __add__(self, other: typing.Any) -> Entropy:
        self._check_merge(other, "+")
        merged = copy.deepcopy(self)
        merged._merge(other)
        return merged

    def __iadd__(self, other: typing.Any) -> Entropy:
        self._check_merge(other, "+=")
        self._merge(other)
        return self

    def _check_merge(self, other: typing.Any, op: str) -> None:
        _hashable.check_merge(self, other, op)
        for name in ("fading_factor", "eps"):
            if getattr(self, name) != getattr(other, name):
                raise _hashable.param_differs(name, getattr(self, name), getattr(other, name))
        if self.fading_factor != 1:
            raise TypeError(
                "Entropy with fading_factor < 1 cannot be merged: the fading weighs the newest "
                "values most, and two streams have no order between them"
            )

    def _merge(self, other: Entropy) -> None:
        """Take in the other stream's counts, value by value, through the update formula.

        Without fading, the entropy depends on the order of the values only through its eps
        smoothing: the values are replayed spread out in proportion to their counts (each
        value's occurrences evenly spaced over the other stream), the order a shuffled stream
        has on average, so the result is within about 1e-12 relative of one statistic fed
        this stream, then the other's values in an unremarkable order. A sorted stream
        differs from a shuffled one by up to about 1e-9 on its own.
        """
        if not self.n:  # nothing to interleave with: take the other's state as it is
            self.entropy, self.n, self.counter = other.entropy, other.n, other.counter.copy()
            return
        items = list(other.counter.items())  # a copy: `other` may be `self`
        order = sorted(((i + 0.5) / c, j) for j, (_, c) in enumerate(items) for i in range(c))
        update = self.update
        for _, j in order:
            update(items[j][0])

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        self.__dict__.update(state)
        # A pickle does not keep the identity of floats: NaN keys come back as new objects.
        self.counter = _hashable.nan_keys_merged(self.counter)

    def update_many(self, xs: typing.Iterable) -> None:
        """Update with every value of `xs`, in order; all are checked to be hashable first."""
        update = self.update
        for x in _hashable.hashable_batch(xs):
            update(x)

    def accumulate(self, xs: typing.Iterable) -> np.ndarray:
        """Update with every value of `xs` and return the entropy after each one (float64)."""
        update = self.update
        items = _hashable.hashable_batch(xs)
        out = np.empty(len(items), dtype=np.float64)
        for i, x in enumerate(items):
            update(x)
            out[i] = self.entropy
        return out
