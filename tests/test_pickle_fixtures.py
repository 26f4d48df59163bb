"""Pickles written by earlier releases still load and give the values recorded with them.

The fixtures are `tests/fixtures/pickles/*.pkl`, described by `manifest.json` and written by
`tests/fixtures/make_pickles.py`, which adds fixtures for new classes and keeps the old ones.
Floats are compared exactly, through their repr.
"""

from __future__ import annotations

import json
import pathlib
import pickle
import sys

import pytest
from catalogue import ENTRIES, TIMED, exact

from river import stats

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "fixtures"))
from make_pickles import decode  # noqa: E402

PICKLES = HERE / "fixtures" / "pickles"
MANIFEST = json.loads((PICKLES / "manifest.json").read_text())
FIXTURES = MANIFEST["fixtures"]


def test_every_catalogued_class_has_a_fixture():
    covered = {e["class"] for e in FIXTURES}
    missing = sorted(e.name for e in ENTRIES + TIMED if e.name not in covered)
    assert not missing, (
        f"no pickle fixture for {', '.join(missing)}: run `.venv/bin/python tests/fixtures/make_pickles.py` "
        "(it adds the missing ones and keeps the existing ones) and commit tests/fixtures/pickles"
    )


def test_every_fixture_file_is_in_the_manifest():
    listed = {e["file"] for e in FIXTURES}
    on_disk = {p.name for p in PICKLES.glob("*.pkl")}
    assert on_disk == listed, (on_disk - listed, listed - on_disk)


@pytest.mark.parametrize("entry", FIXTURES, ids=[e["file"] for e in FIXTURES])
def test_fixture_loads_and_continues_with_the_recorded_values(entry):
    cls = getattr(stats, entry["class"], None)
    assert cls is not None, f"{entry['class']} is no longer in river.stats"
    stat = pickle.loads((PICKLES / entry["file"]).read_bytes())
    assert type(stat) is cls
    params = stat._get_params()
    for k, v in entry["params"].items():
        assert params[k] == v, (k, params[k], v)
    assert exact(stat.get()) == exact(decode(entry["value"]))
    bivariate = entry["kind"].startswith("biv")
    for item, want in zip(entry["continuation"], entry["values"], strict=True):
        x = decode(item)
        if entry["kind"] == "timed":
            stat.update(x[1], t=x[0])
        elif bivariate:
            stat.update(*x)
        else:
            stat.update(x)
        assert exact(stat.get()) == exact(decode(want))
    # And what it has become still round-trips.
    again = pickle.loads(pickle.dumps(stat))
    assert exact(again.get()) == exact(stat.get())
