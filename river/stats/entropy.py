from __future__ import annotations

import collections
import copy
import math
import numbers
import typing

import numpy as np

from river.stats import _hashable, base
from river.stats._rust_stats import RsEntropy

__all__ = ["Entropy"]


class Entropy(RsEntropy, base.Univariate):
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
        self._reset(float(fading_factor), float(eps))

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"fading_factor": 0.9}

    @property
    def name(self) -> str:
        return "entropy"

    @property
    def counter(self) -> collections.Counter[typing.Hashable]:
        """How many times each value was seen, in the order of first sight (a copy)."""
        return collections.Counter(dict(self._items()))

    _no_unmerge = (
        "the running entropy's smoothing (eps) makes it depend on the path the values took, "
        "which cannot be retraced backwards"
    )

    def __add__(self, other: typing.Any) -> Entropy:
        self._check_merge(other, "+")
        merged = copy.copy(self)
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

    # `_merge` (Rust) takes in the other stream's counts, value by value, through the update
    # formula. Without fading, the entropy depends on the order of the values only through its
    # eps smoothing: the values are replayed spread out in proportion to their counts (each
    # value's occurrences evenly spaced over the other stream), the order a shuffled stream has
    # on average. One statistic fed the same values in another order differs by as much as
    # two shuffles of one stream differ from each other: about 1e-11 relative on a few dozen
    # values, up to about 1e-9 for a sorted stream.

    def __getstate__(self) -> dict[str, typing.Any]:
        return {
            "fading_factor": self.fading_factor,
            "eps": self.eps,
            "entropy": self.entropy,
            "n": self.n,
            "counter": self.counter,
        }

    def __setstate__(self, state: dict[str, typing.Any]) -> None:
        # The same attributes as the pure-Python version kept. NaN keys come back from a pickle
        # as new objects (pickle does not keep the identity of floats): counted as one again.
        with _hashable.loading():
            fading_factor, eps, entropy, n = (state[k] for k in ("fading_factor", "eps", "entropy", "n"))
            for value in (fading_factor, eps, entropy):
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    raise TypeError(f"{value!r} is not a real number")
            if not (0 < fading_factor <= 1 and eps > 0 and math.isfinite(eps) and math.isfinite(entropy)):
                raise ValueError("invalid pickled state: a parameter or the entropy is out of range")
            keys, counts = _hashable.checked_counts(dict(state["counter"]))
            if isinstance(n, bool) or not isinstance(n, int) or n != sum(counts):
                raise ValueError("invalid pickled state: n is not the sum of the counts")
            self._load(float(fading_factor), float(eps), float(entropy), n, keys, counts)

    def update_many(self, xs: typing.Iterable) -> None:
        """Update with every value of `xs`, in order; all are checked to be hashable first."""
        _hashable.update_many(self, xs)

    def accumulate(self, xs: typing.Iterable) -> np.ndarray:
        """Update with every value of `xs` and return the entropy after each one (float64)."""
        return np.asarray(self._accumulate_list(_hashable.batch_list(xs)), dtype=np.float64)
