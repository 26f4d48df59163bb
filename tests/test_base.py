"""The base classes: repr/str, comparison, name, Link, clone and _get_params."""

from __future__ import annotations

import numpy as np
import pytest

from river import base, stats


class Constant(stats.base.Univariate):
    """A pure-Python univariate statistic, to exercise the base classes alone."""

    def __init__(self, value: float | None = None) -> None:
        self.value = value

    def update(self, x) -> None:
        self.value = x

    def get(self):
        return self.value


@pytest.mark.parametrize(
    "value, text",
    [
        (4.5, "Constant: 4.5"),
        (9.0, "Constant: 9."),
        (1234567.891, "Constant: 1,234,567.891"),
        (float("-inf"), "Constant: -inf"),
        (None, "Constant: None"),
        (0.1234567, "Constant: 0.123457"),
    ],
)
def test_repr_and_str(value, text):
    c = Constant(value)
    assert repr(c) == text and str(c) == text


def test_comparison_and_name():
    assert Constant(2.0) > Constant(1.0)
    assert not Constant(1.0) > Constant(2.0)
    assert Constant().name == "constant"


def test_link_feeds_left_value_to_right_and_skips_none():
    link = Constant() | stats.EWMean(0.5)
    assert isinstance(link, stats.Link)
    assert link.name == "ewm_0.5_of_constant"
    link.update(2.0)
    link.update(4.0)
    assert link.get() == 3.0
    assert repr(link) == "EWMean: 3."
    rolling = stats.RollingQuantile(0.5, 3) | stats.PeakToPeak()
    rolling.update(1.0)
    assert rolling.get() == 0.0


def test_link_skips_none_from_left():
    class Nothing(Constant):
        def get(self):
            return None

    link = stats.Link(left=Nothing(), right=stats.PeakToPeak())
    link.update(5.0)
    assert link.get() == 0.0 and link.right.get() == 0.0


def test_get_params_and_clone_with_new_params():
    rq = stats.RollingQuantile(q=0.3, window_size=9)
    assert rq._get_params() == {"q": 0.3, "window_size": 9}
    other = rq.clone({"q": 0.8})
    assert (other.q, other.window_size) == (0.8, 9)
    link = stats.EWMean(0.2) | stats.PeakToPeak()
    cloned = link.clone()
    assert isinstance(cloned.left, stats.EWMean) and cloned.left is not link.left
    assert cloned.left.fading_factor == 0.2


def test_clone_include_attributes():
    c = Constant(3.0)
    c.extra = [1, 2]
    d = c.clone(include_attributes=True)
    assert d.extra == [1, 2] and d.extra is not c.extra


def test_memory_usage_counts_the_rust_side():
    small = stats.RollingQuantile(0.5, 10_000)
    big = stats.RollingQuantile(0.5, 10_000)
    big.update_many(range(10_000))
    assert big._raw_memory_usage() - small._raw_memory_usage() >= 10_000 * 16
    assert big._memory_usage.endswith(" KB")  # 160,000 bytes and more, below 1024 KB
    plain = base.Base()
    assert plain._get_params() == {} and str(plain) == "Base"
    assert type(plain.clone()) is base.Base and plain.clone() is not plain


def test_abstract_classes_cannot_be_instantiated():
    with pytest.raises(TypeError):
        stats.base.Univariate()
    with pytest.raises(TypeError):
        stats.base.Bivariate()


class _Last(stats.base.Univariate):
    """The last value seen, whatever it is: a statistic whose values need not be numbers."""

    def __init__(self):
        self.last = None

    def update(self, x):
        self.last = x

    def get(self):
        return self.last


def test_python_accumulate_gives_numbers_as_float64_and_other_values_as_objects():
    got = _Last().accumulate([1, 2.5, None])
    assert got.dtype == np.float64 and got.tolist()[:2] == [1.0, 2.5] and np.isnan(got[2])
    got = _Last().accumulate(["a", None, (1, 2)])
    assert got.dtype == object and got.tolist() == ["a", None, (1, 2)]
    assert _Last().accumulate([]).shape == (0,)
