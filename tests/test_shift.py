"""Shift on its Rust ring of Python objects: what River's deque gave (order, `buffer`, any
object by reference), pickles of the pure-Python version, refused states, the garbage
collector, a `__del__` that re-enters, and threads."""

from __future__ import annotations

import collections
import copy
import gc
import pickle
import sys
import threading
import types
import weakref

import pytest

from river import stats
from river.stats import _rust_stats


def test_values_come_back_as_the_same_objects():
    s = stats.Shift(2)
    items = [{"a": 1}, None, "x", [1, 2], 3.5, object()]
    got = []
    for x in items:
        s.update(x)
        got.append(s.get())
    assert got[:2] == [None, None]
    assert all(g is x for g, x in zip(got[2:], items[:-2], strict=True))


def test_buffer_is_an_ordered_copy_like_rivers_deque():
    s = stats.Shift(3)
    assert s.buffer == collections.deque(maxlen=4)
    for x in range(10):
        s.update(x)
        want = collections.deque(range(max(0, x - 3), x + 1), maxlen=4)
        assert s.buffer == want and s.buffer.maxlen == 4
    s.buffer.append(99)  # a copy: the statistic is unchanged
    assert list(s.buffer) == [6, 7, 8, 9] and s.get() == 6


def test_amount_zero_returns_the_last_value():
    s = stats.Shift(0, fill_value="f")
    assert s.get() == "f"
    for x in "abc":
        s.update(x)
        assert s.get() == x


def test_fill_value_can_be_changed_and_amount_cannot():
    s = stats.Shift(2)
    s.fill_value = -1
    assert s.get() == -1 and s._get_params() == {"amount": 2, "fill_value": -1}
    with pytest.raises(AttributeError):
        s.amount = 3
    assert s.amount == 2


def test_repr_of_numbers_as_river_and_of_other_values_as_str():
    s = stats.Shift(0)
    s.update(1234.5)
    assert repr(s) == "Shift: 1,234.5"
    s.update("abc")
    assert repr(s) == "Shift: abc"


@pytest.mark.parametrize(
    "amount, error, match",
    [(-1, ValueError, ">= 0"), (sys.maxsize, ValueError, "too large"), (2.0, TypeError, "int")],
)
def test_bad_amounts(amount, error, match):
    with pytest.raises(error, match=match):
        stats.Shift(amount)


def test_a_huge_amount_allocates_only_for_the_values_seen():
    s = stats.Shift(sys.maxsize - 1)
    for x in range(100):
        s.update(x)
    assert s.get() is None and len(s.buffer) == 100
    assert s.__sizeof__() < 4096


def test_the_fast_methods_are_installed_on_the_subclass():
    for name in ("update", "get"):
        method = stats.Shift.__dict__[name]
        assert type(method).__name__ == "method_descriptor"
        assert method.__objclass__ is stats.Shift

    class Mine(stats.Shift):
        def update(self, x):
            super().update(x * 2)

    m = Mine(0)
    m.update(4)
    assert m.get() == 8
    assert type(Mine.__dict__["update"]) is types.FunctionType


def test_keyword_and_bad_calls_go_through_the_regular_method():
    s = stats.Shift(0)
    s.update(x=5)
    assert s.get() == 5
    with pytest.raises(TypeError):
        s.update()
    with pytest.raises(TypeError):
        s.update(1, 2)
    with pytest.raises(TypeError):
        s.get(1)
    assert s.get() == 5


def test_state_is_the_pure_python_versions_attributes():
    s = stats.Shift(2, fill_value=0)
    for x in "abcd":
        s.update(x)
    state = s.__getstate__()
    assert state == {"amount": 2, "fill_value": 0, "buffer": collections.deque("bcd", maxlen=3)}
    # A state written by the pure-Python class (its __dict__) loads and continues.
    old = stats.Shift.__new__(stats.Shift)
    old.__setstate__({"amount": 2, "fill_value": 0, "buffer": collections.deque(["b", "c"], maxlen=3)})
    assert old.get() == 0
    old.update("d")
    assert old.get() == "b" and old.buffer == collections.deque("bcd")


@pytest.mark.parametrize(
    "state",
    [
        {"amount": 1, "fill_value": None, "buffer": collections.deque([1, 2, 3])},
        {"amount": -1, "fill_value": None, "buffer": collections.deque()},
        {"amount": 2**64, "fill_value": None, "buffer": collections.deque()},
        {"amount": True, "fill_value": None, "buffer": collections.deque()},
        {"amount": 1, "fill_value": None, "buffer": "ab"},
        {"amount": 1, "fill_value": None},
        {"fill_value": None, "buffer": collections.deque()},
        [],
    ],
)
def test_bad_states_are_refused_with_nothing_changed(state):
    s = stats.Shift(1, fill_value="f")
    s.update("a")
    s.update("b")
    with pytest.raises(ValueError, match="invalid pickled state"):
        s.__setstate__(state)
    assert s.get() == "a" and list(s.buffer) == ["a", "b"] and s.fill_value == "f"


def test_a_huge_pickled_amount_loads_without_allocating_for_it():
    s = stats.Shift()
    s.__setstate__({"amount": sys.maxsize - 1, "fill_value": None, "buffer": collections.deque([1])})
    assert s.amount == sys.maxsize - 1 and s.get() is None and s.__sizeof__() < 4096


def test_copies_do_not_share_the_ring_and_deep_copies_copy_values():
    s = stats.Shift(1)
    d = {"k": [1]}
    s.update(d)
    s.update(2)
    shallow, deep = copy.copy(s), copy.deepcopy(s)
    shallow.update(3)
    assert s.get() is d and shallow.get() == 2
    assert deep.get() == d and deep.get() is not d


def test_clone_with_attributes_deep_copies_and_keeps_the_amount():
    s = stats.Shift(1)
    d = {"k": 1}
    s.update(d)
    s.update(0)
    c = s.clone({"fill_value": 7}, include_attributes=True)
    assert c.get() == d and c.get() is not d and c.fill_value == 7
    with pytest.raises(ValueError, match="amount"):
        s.clone({"amount": 2}, include_attributes=True)


def test_a_cycle_through_the_ring_is_collected():
    class Node:
        pass

    s = stats.Shift(1)
    node = Node()
    node.shift = s
    s.update(node)
    s.fill_value = s
    ref = weakref.ref(node)
    del s, node
    gc.collect()
    assert ref() is None


def test_a_del_that_updates_the_same_shift_does_not_deadlock():
    s = stats.Shift(0)
    seen = []

    class Reentrant:
        def __del__(self):
            s.update("from __del__")
            seen.append(s.get())

    s.update(Reentrant())
    s.update("next")  # evicts the Reentrant: its __del__ runs after the ring is released
    assert seen == ["from __del__"]
    assert s.get() == "from __del__"


def test_threads_sharing_a_shift_see_a_consistent_ring():
    s = stats.Shift(3)

    def work(offset):
        for i in range(5000):
            s.update(offset + i)
            s.get()

    threads = [threading.Thread(target=work, args=(k * 10**6,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(s.buffer) == 4


def test_the_rust_class_says_its_state_is_python_objects():
    assert _rust_stats.RsShift.__module__ == "river.stats._rust_stats.objects"
    assert pickle.loads(pickle.dumps(stats.Shift(4, fill_value=1.5)))._get_params() == {
        "amount": 4,
        "fill_value": 1.5,
    }
