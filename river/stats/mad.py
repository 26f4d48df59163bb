from __future__ import annotations

import typing

from river.stats._rust_stats import RsMAD
from river.stats.quantile import Quantile

__all__ = ["MAD"]


class MAD(RsMAD, Quantile):
    """Median Absolute Deviation (MAD).

    The median absolute deviation is the median of the absolute differences between each data
    point and the data's overall median. Online, the median is not known beforehand, so both
    medians are running P² estimates (see `Quantile`): each value first updates the median of
    the data, then its distance to that updated median updates the median of the deviations.
    As a consequence, this online MAD does not coincide exactly with its batch counterpart.

    An infinite value equal to an infinite running median counts as a deviation of 0.

    Examples
    --------

    >>> from river import stats

    >>> X = [4, 2, 5, 3, 0, 4]

    >>> mad = stats.MAD()
    >>> for x in X:
    ...     mad.update(x)
    ...     print(mad.get())
    0.0
    2.0
    1.0
    1.0
    1.0
    1.0

    >>> mad.median_value
    3.0
    >>> stats.MAD()
    MAD: None

    References
    ----------
    [^1]: [Median absolute deviation article on Wikipedia](https://www.wikiwand.com/en/Median_absolute_deviation)

    """

    _no_merge = (
        "it is a running median of distances to a running median, both P² estimates of "
        "one stream, which cannot be combined with another's"
    )

    def __init__(self) -> None:
        pass

    @classmethod
    def _unit_test_params(cls) -> typing.Iterator[dict[str, typing.Any]]:
        yield {}
