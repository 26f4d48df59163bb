from __future__ import annotations

import typing

from river.stats import base
from river.stats._rust_stats import RsKLLQuantile

__all__ = ["KLLQuantile"]


class KLLQuantile(RsKLLQuantile, base.Univariate):
    """Running quantile from a KLL sketch: small, mergeable, with a proven error bound.

    The sketch keeps a few hundred of the values seen (about `3k` items, whatever the length of
    the stream) in levels, an item of level `h` standing for `2^h` values; when it is full, a
    level is sorted and every other item (from a random offset) moves up one level. Any
    quantile can be read from it, not only `q`: `quantile(q)`, `rank(x)` and `cdf(points)`.

    With `k=200`, the rank of the value `quantile(q)` returns is within 1.33% of `q` with 99%
    confidence (the normalized rank error Apache DataSketches documents for `k=200`), for any
    order of the input; the error shrinks about as `1/k`. As in DataSketches' Python package,
    `quantile(q)` is by default the first retained value whose cumulative weight exceeds `q n`
    (while the sketch is exact: the order statistic at index `floor(q n)`, River's `Quantile`
    rule for its first values) and `rank(x)` the fraction of the values that are `< x`; with
    `inclusive=True`, the first whose cumulative weight reaches `ceil(q n)`, and `<= x`. While
    at most `k` values have been seen, every value is kept and the answers are exact.

    Sorting the newest values is most of what an update costs, so a long stream is sampled:
    once the sketch has seen `2 T` values (`T = max(8 k^2, 2^16)`, 320,000 at `k=200`), each
    group of `2^s` new values (`2^s <= n / T`) keeps one of them at random, of weight `2^s`
    (the sampler of the KLL paper). Weights stay exact and the rank error this adds has a
    standard deviation of at most `1 / (2 sqrt(T))`, 0.09% at `k=200`.

    Sketches merge with `+` (a new sketch, operands unchanged) and `+=`, whatever the number
    of values each has seen; they must have the same `q` and `k`. The coin flips come from a
    generator seeded with `seed` whose state is part of the sketch: two sketches fed the same
    values with the same seed are identical, and an unpickled sketch continues exactly as the
    original would. Sketches that will be merged may share a seed: merging mixes their states.

    `to_datasketches()` returns the sketch in the Apache DataSketches KLL doubles
    serialization format, which the `datasketches` package (and Spark, Druid, ...) reads;
    `KLLQuantile.from_datasketches(data)` reads that format back (sketches with `m=8`, the
    default, whose `k` was never lowered by a merge).

    NaN is refused with ValueError; `-0.0` is kept as `0.0`.

    Parameters
    ----------
    q
        The quantile `get()` returns, between 0 and 1.
    k
        The size of the sketch, between 8 and 65535: the top level holds `k` items, the
        levels below `2/3` as many each, and the rank error bound is about `2.65 / k^0.9`
        (1.33% at `k=200`, 99% confidence).
    seed
        Seed of the random coin flips of the compactions.

    Examples
    --------

    >>> from river import stats
    >>> import numpy as np

    >>> rng = np.random.default_rng(42)
    >>> x = rng.normal(size=100_000)

    >>> sketch = stats.KLLQuantile(q=0.5)
    >>> sketch.update_many(x)
    >>> print(f"{sketch.get():.2f}, exactly {np.median(x):.2f}")
    -0.01, exactly -0.01

    The sketch answers any quantile; what counts is the rank of the answer (within 1.33% of q, 99% confidence):

    >>> v = sketch.quantile(0.99)
    >>> print(f"{v:.2f}, whose rank is {np.mean(x < v):.4f}")
    2.25, whose rank is 0.9873
    >>> print(f"{sketch.rank(1.0):.3f}, exactly {np.mean(x < 1.0):.3f}")
    0.839, exactly 0.842
    >>> sketch.cdf([-1.0, 0.0, 1.0]).round(2)
    array([0.16, 0.5 , 0.84])

    Sketches of separate streams merge:

    >>> left, right = stats.KLLQuantile(), stats.KLLQuantile()
    >>> left.update_many(x[:90_000])
    >>> for v in x[90_000:]:
    ...     right.update(v)
    >>> both = left + right
    >>> both.n
    100000
    >>> print(f"{both.get():.2f}")
    -0.01

    While it has seen at most `k` values the sketch is exact:

    >>> small = stats.KLLQuantile(q=0.5)
    >>> small
    KLLQuantile: None
    >>> small.update_many([5, 1, 4, 2, 3])
    >>> small
    KLLQuantile: 3.
    >>> small.rank(2), small.rank(2, inclusive=True)
    (0.2, 0.4)

    References
    ----------
    [^1]: [Karnin, Z., Lang, K. and Liberty, E., 2016. Optimal quantile approximation in streams. IEEE 57th Annual Symposium on Foundations of Computer Science (FOCS), pp. 71-78.](https://arxiv.org/abs/1603.05346)
    [^2]: [Apache DataSketches: KLL sketch](https://datasketches.apache.org/docs/KLL/KLLSketch.html)
    [^3]: [Ivkin, N., Liberty, E., Lang, K., Karnin, Z. and Braverman, V., 2019. Streaming quantiles algorithms with small space and update time.](https://arxiv.org/abs/1907.00236)

    """

    def __init__(self, q: float = 0.5, k: int = 200, seed: int = 0) -> None:
        # The state lives in Rust and was built (and checked) by RsKLLQuantile.__new__.
        pass

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
        yield {"q": 0.9, "k": 8, "seed": 7}
