"""The catalogue against the classes: every public name is in it once, each declaration
(bivariate, what it takes, revert, merge, weight, Rust-backed) holds, and construction, repr,
name, parameters and documentation are as River has them. Also: the Python classes' signatures
equal their Rust classes' and `__getnewargs__` round-trips every parameter."""

from __future__ import annotations

import inspect
import math
import sys

import pytest
from catalogue import ANYTHING, BY_NAME, ENTRIES, HASHABLE, NUMBER, TIMED, args_of, cases, entries, feed, ids

from river import base, stats, utils
from river.stats import _rust_stats


def test_every_public_name_is_catalogued_once():
    names = [e.name for e in ENTRIES + TIMED]
    assert len(names) == len(set(names))
    public = {n for n in stats.__all__ if n not in ("base", "Link")}
    assert set(names) == public, set(names) ^ public
    # River 0.26.1's stats.__all__ has 35 entries (33 statistics, Link and the base module);
    # this package adds the names listed here.
    ours = {"KLLQuantile"} | {e.name for e in TIMED}
    assert len(stats.__all__) == 35 + len(ours) and {"Link", "base"} | ours <= set(stats.__all__)


def rust_class_of(cls):
    """The class of river.stats._rust_stats a public class is built on, or None."""
    return next((b for b in cls.__mro__ if b.__module__ == _rust_stats.__name__), None)


@pytest.mark.parametrize("entry", ids(ENTRIES))
def test_declarations_hold(entry):
    cls = entry.cls
    assert (rust_class_of(cls) is not None) == entry.rust
    assert issubclass(cls, stats.base.Bivariate if entry.bivariate else stats.base.Univariate)
    assert callable(getattr(cls, "revert", None)) == (entry.reverts is not None)
    # Every statistic has `+` and `-` (Statistic's refuse, with a reason); those that merge
    # define their own, and `-` only where the merge has an exact inverse.
    assert (cls.__add__ is not stats.base.Statistic.__add__) == (entry.merges is not None)
    assert (cls.__sub__ is not stats.base.Statistic.__sub__) == entry.unmerges
    assert not entry.unmerges or entry.merges is not None
    # A weight of 2 counts as the same item given twice.
    first, second = (args_of(entry, item) for item in feed(entry.kind, 2, seed=9))
    weighted = entry.make()
    if entry.weighted:
        weighted.update(*first, w=2.0)
        weighted.update(*second)
        twice = entry.make()
        for args in (first, first, second):
            twice.update(*args)
        assert twice.get() != entry.make().get()
        assert math.isclose(weighted.get(), twice.get(), rel_tol=1e-12, abs_tol=1e-12)
    else:
        with pytest.raises(TypeError):
            weighted.update(*first, w=2.0)


@pytest.mark.parametrize("entry", ids(ENTRIES))
def test_what_update_takes(entry):
    """NUMBER refuses a string, HASHABLE takes one and refuses a list, ANYTHING takes both."""
    stat = entry.make()
    text = ("a", "b") if entry.bivariate else "a"
    unhashable = ([1], [2]) if entry.bivariate else [1]
    if entry.takes == NUMBER:
        with pytest.raises(TypeError):
            stat.update(*args_of(entry, text))
    elif entry.takes == HASHABLE:
        stat.update(*args_of(entry, text))
        with pytest.raises(TypeError):
            stat.update(*args_of(entry, unhashable))
    else:
        assert entry.takes == ANYTHING
        for x in (text, unhashable, None, object()):
            stat.update(x)


@pytest.mark.parametrize("entry", ids(ENTRIES))
def test_construct_repr_name_and_params(entry):
    stat = entry.make()
    assert repr(stat) == entry.empty_repr and str(stat) == entry.empty_repr
    if entry.stat_name is None:
        assert not hasattr(stat, "name")
    else:
        assert stat.name == entry.stat_name
    assert stat._get_params() == {**defaults_of(entry), **entry.params}
    assert list(stat._get_params()) == list(inspect.signature(entry.cls).parameters)


def defaults_of(entry):
    parameters = inspect.signature(entry.cls).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}


@pytest.mark.parametrize("entry, params", cases())
def test_unit_test_params_build_with_those_values(entry, params):
    """Each parameter set builds; every value given is read back, the others are the defaults."""
    stat = entry.make(params)
    assert stat._get_params() == {**defaults_of(entry), **params}
    # The readable memory usage is the byte count in the largest unit below 1024, 2 decimals.
    raw = stat._raw_memory_usage()
    assert raw >= sys.getsizeof(stat)
    number, unit = stat._memory_usage.split()
    scale = 1024 ** ["B", "KB", "MB", "GB"].index(unit)
    assert abs(float(number) * scale - raw) <= 0.005 * scale
    assert float(number) < 1024


# --- signatures: the Python classes and the Rust classes they subclass ------------------------


def signature_shape(sig: inspect.Signature):
    """(name, kind, default) of every parameter but self; annotations are not compared."""
    return [(p.name, p.kind, p.default) for p in sig.parameters.values() if p.name != "self"]


@pytest.mark.parametrize("entry", ids(entries(rust=True)))
def test_python_signature_equals_the_rust_text_signature(entry):
    rust = rust_class_of(entry.cls)
    assert rust.__text_signature__ is not None, f"{rust.__name__} has no __text_signature__"
    rust_sig = inspect.signature(rust)
    python_sig = inspect.signature(entry.cls.__init__)
    assert signature_shape(python_sig) == signature_shape(rust_sig), (
        str(python_sig),
        rust.__text_signature__,
    )


@pytest.mark.parametrize("entry, params", cases(rust=True))
def test_getnewargs_round_trips_every_parameter(entry, params):
    stat = entry.make(params)
    rebuilt = type(stat)(*stat.__getnewargs__())
    assert rebuilt._get_params() == stat._get_params()
    assert type(rebuilt) is entry.cls


# --- documentation ---------------------------------------------------------------------------


def public_classes():
    out = [getattr(stats, n) for n in stats.__all__ if n != "base"]
    out += [getattr(utils, n) for n in utils.__all__] + [base.Base]
    out += [getattr(stats.base, n) for n in stats.base.__all__]
    return [pytest.param(cls, id=cls.__qualname__) for cls in out]


@pytest.mark.parametrize("cls", public_classes())
def test_every_public_class_documents_parameters_examples_and_references(cls):
    doc = cls.__doc__ or ""
    assert ">>>" in doc, "no runnable example"
    assert "References" in doc, "no References section"
    init = cls.__init__
    takes_params = init is not object.__init__ and len(inspect.signature(init).parameters) > 1
    if takes_params:
        assert "Parameters" in doc, "no Parameters section"


def test_catalogue_names_are_the_classes_names():
    assert all(BY_NAME[name].cls.__name__ == name for name in BY_NAME)
