"""Packaging: the cibuildwheel configuration is valid, and the sdist builds, installs into a
fresh virtual environment and imports (the Rust extension compiled from the sdist)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import venv

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "platform, expected",
    [
        ("linux", ["cp310-manylinux_x86_64", "cp310-manylinux_aarch64", "cp310-musllinux_x86_64"]),
        ("macos", ["cp310-macosx_x86_64", "cp310-macosx_arm64"]),
        ("windows", ["cp310-win_amd64"]),
    ],
)
def test_cibuildwheel_build_identifiers(platform, expected):
    run = subprocess.run(
        [sys.executable, "-m", "cibuildwheel", "--print-build-identifiers", "--platform", platform],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert sorted(run.stdout.split()) == sorted(expected)


@pytest.mark.slow
def test_sdist_installs_into_a_fresh_venv_and_imports(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (sdist,) = dist.glob("river-*.tar.gz")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = dict(os.environ, SETUPTOOLS_RUST_CARGO_PROFILE="fast", CARGO_TARGET_DIR=str(ROOT / "target"))
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", str(sdist)], check=True, env=env, capture_output=True
    )
    check = (
        "import pickle, river.stats as s, river.stats._rust_stats as r;"
        "q = s.RollingQuantile(0.5, 3); q.update_many([3, 1, 2]);"
        "assert pickle.loads(pickle.dumps(q)).get() == 2.0;"
        "print(r.__file__)"
    )
    run = subprocess.run([str(py), "-c", check], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(env_dir) in run.stdout  # imported from the fresh environment, not the checkout
