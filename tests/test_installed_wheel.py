"""The release wheel of `make wheel`, as a user gets it: its tags, its binary's glibc symbols and
its contents, then installed (not the checkout) into fresh virtual environments of the oldest and
the newest CPython of the machine, with no Rust toolchain on PATH, where a representative part of
the test suite runs against it.

The part: the doctests of the installed package; the one-test-per-statistic catalogue
(construction, reprs, pickling, batches against the loop); the pickling suite with the pickles of
earlier releases; batches and threads (the GIL released by the extension); and under the oldest
interpreter only, bad input to every statistic (a release build that aborted on panic instead of
unwinding would crash there). The rest of the suite tests the same Python and Rust code in the
checkout; what the wheel can get wrong is its build (profile, linking, platform tag, abi3 on
another interpreter, missing files), and this part exercises every class of the binary.
"""

from __future__ import annotations

import io
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import time
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUITE = [
    "test_catalogue.py",
    "test_pickling.py",
    "test_pickle_fixtures.py",
    "test_batch.py",
    "test_threads.py",
]
# Bad input to every statistic (6,000 cases, the longest part) once, under the oldest interpreter:
# whether a panic unwinds is the binary's, the same under any; 3.11+ behave as the main suite's.
OLDEST_ONLY = ["test_bad_input.py"]
# requires-python's floor, and the newest CPython of this machine and of the CI matrix.
INTERPRETERS = ["3.10", "3.13"]
# manylinux2014's libraries (PEP 599) that the extension may link, and glibc's dynamic loader
# (zig's links name it; every x86_64 glibc process has it loaded). Never libpython (abi3).
MANYLINUX2014_LIBS = {
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "libgcc_s.so.1",
    "librt.so.1",
}
MANYLINUX2014_LIBS |= {"ld-linux-x86-64.so.2"}
TOOLCHAIN = ("cargo", "rustc", "rustup")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (sys.platform == "linux" and platform.machine() == "x86_64"),
        reason="make wheel builds the Linux x86_64 wheel",
    ),
]


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return done


@pytest.fixture(scope="module")
def wheel() -> pathlib.Path:
    """The wheel `make wheel` gives for the sources as they are (rebuilt if they changed)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    run(["make", "--no-print-directory", "wheel"], cwd=ROOT)
    (path,) = (ROOT / "dist").glob("river-*-manylinux2014_x86_64.*.whl")
    return path


def so_name(names: list[str]) -> str:
    (so,) = [n for n in names if n.endswith(".so")]
    return so


def test_wheel_is_abi3_manylinux2014(wheel):
    assert wheel.name.startswith("river-") and "-cp310-abi3-" in wheel.name
    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/WHEEL")]
        lines = z.read(meta).decode().splitlines()
    assert "Root-Is-Purelib: false" in lines
    tags = {line.removeprefix("Tag: ") for line in lines if line.startswith("Tag: ")}
    assert tags == {"cp310-abi3-manylinux_2_17_x86_64", "cp310-abi3-manylinux2014_x86_64"}
    show = run([sys.executable, "-m", "auditwheel", "show", str(wheel)]).stdout
    assert 'following platform tag: "manylinux_2_17_x86_64"' in " ".join(show.split())


def test_extension_needs_nothing_newer_than_glibc_2_17(wheel):
    """Read from the ELF itself (pyelftools, which auditwheel uses), not from auditwheel's verdict."""
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile

    with zipfile.ZipFile(wheel) as z:
        elf = ELFFile(io.BytesIO(z.read(so_name(z.namelist()))))
        assert elf.get_machine_arch() == "x64"
        needed = {
            tag.needed
            for section in elf.iter_sections()
            if isinstance(section, DynamicSection)
            for tag in section.iter_tags()
            if tag.entry.d_tag == "DT_NEEDED"
        }
        versions = {
            aux.name
            for _, auxiliaries in elf.get_section_by_name(".gnu.version_r").iter_versions()
            for aux in auxiliaries
        }
    assert needed <= MANYLINUX2014_LIBS, needed - MANYLINUX2014_LIBS
    glibc = [
        tuple(int(p) for p in v.removeprefix("GLIBC_").split(".")) for v in versions if v.startswith("GLIBC_")
    ]
    assert glibc and max(glibc) <= (2, 17), sorted(versions)


def test_wheel_contents(wheel, capsys):
    with zipfile.ZipFile(wheel) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    # Every module of the package, its stub and markers, one extension, and nothing else.
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "river").rglob("*.py")}
    assert sources <= set(names), sources - set(names)
    assert {"river/py.typed", "river/stats/py.typed", "river/stats/_rust_stats.pyi"} <= set(names)
    assert so_name(names) == "river/stats/_rust_stats.abi3.so"
    leftovers = [
        n
        for n in names
        if re.search(r"\.(rs|o|a|rlib|d|pyc|pyo|toml|lock)$", n)
        or re.search(r"(^|/)(target|build|__pycache__|rust_src|[^/]*\.egg-info)/", n)
    ]
    assert not leftovers
    version = wheel.name.split("-")[1]
    assert {n.split("/")[0] for n in names} == {"river", f"river-{version}.dist-info"}
    size = wheel.stat().st_size
    unpacked = sum(i.file_size for i in infos)
    with capsys.disabled():
        print(f"\n{wheel.name}: {size / 1e3:.0f} kB, {unpacked / 1e3:.0f} kB unpacked, {len(names)} files")
    assert size < 2_000_000  # a debug build, or a bundled library, would be several times larger


def find_python(version: str) -> pathlib.Path | None:
    """The newest patch release of CPython X.Y that pyenv installed, else `pythonX.Y` on PATH;
    the first of them that runs and is that version (pyenv's shims may not be)."""
    pyenv = pathlib.Path(os.environ.get("PYENV_ROOT", pathlib.Path.home() / ".pyenv")) / "versions"
    candidates = sorted(
        pyenv.glob(f"{version}.*/bin/python{version}"),
        key=lambda p: [int(x) if x.isdigit() else -1 for x in p.parent.parent.name.split(".")],
        reverse=True,
    )
    on_path = shutil.which(f"python{version}")
    for python in [*candidates, *([pathlib.Path(on_path)] if on_path else [])]:
        probe = subprocess.run(
            [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return python
    return None


def pins(*names: str) -> list[str]:
    """The lines of requirements-dev.txt for these packages, with their environment markers."""
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    return [line for line in lines if re.split(r"[=<>!~;\s\[]", line, maxsplit=1)[0] in names]


def clean_environment(venv_bin: pathlib.Path) -> dict[str, str]:
    """The venv first, then PATH without the directories holding a Rust toolchain."""
    keep = [
        d
        for d in os.environ.get("PATH", "").split(os.pathsep)
        if d and not any(shutil.which(tool, path=d) for tool in TOOLCHAIN)
    ]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "CARGO", "RUSTUP", "RUSTFLAGS", "VIRTUAL_ENV", "_PYTHON", "PYTEST"))
    }
    env["PATH"] = os.pathsep.join([str(venv_bin), *keep])
    return env


ORIGIN_TEST = """
import os, pathlib, shutil, sys, sysconfig

import river
import river.stats._rust_stats as rust


def test_river_is_the_installed_wheel_and_no_toolchain_is_on_path():
    site = pathlib.Path(sysconfig.get_paths()["platlib"]).resolve()
    for module in (river, rust):
        assert pathlib.Path(module.__file__).resolve().is_relative_to(site), module.__file__
    checkout = pathlib.Path(os.environ["RIVER_CHECKOUT"]).resolve()
    assert not [p for p in sys.path if p and pathlib.Path(p).resolve().is_relative_to(checkout)]
    assert not [t for t in ("cargo", "rustc", "rustup") if shutil.which(t)]
"""


@pytest.mark.parametrize("version", INTERPRETERS, ids=[f"cp{v}" for v in INTERPRETERS])
def test_suite_passes_against_the_installed_wheel(wheel, version, tmp_path, capsys):
    python = find_python(version)
    if python is None:
        pytest.skip(f"no CPython {version} here (looked for python{version} on PATH and in pyenv's versions)")
    missing = [name for name in SUITE + OLDEST_ONLY if not (ROOT / "tests" / name).exists()]
    assert not missing, f"tests/{missing} gone: update SUITE in {pathlib.Path(__file__).name}"
    start = time.perf_counter()

    venv_dir = tmp_path / "venv"
    run([str(python), "-m", "venv", str(venv_dir)])
    env = clean_environment(venv_dir / "bin")
    env["RIVER_CHECKOUT"] = str(ROOT)
    py = str(venv_dir / "bin" / "python")
    # Binary wheels only: nothing may be compiled, and the wheel must suit this interpreter.
    pip = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary=:all:"]
    pip.append("--no-compile")  # no .pyc for scipy's thousands of modules: seconds saved
    run([*pip, str(wheel), *pins("pytest", "numpy", "scipy")], env=env)
    installed = time.perf_counter()

    # The tests and the pytest configuration, away from the checkout: river/ is not beside them.
    suite = tmp_path / "suite"
    shutil.copytree(
        ROOT / "tests", suite / "tests", ignore=shutil.ignore_patterns("__pycache__", ".hypothesis")
    )
    shutil.copy(ROOT / "pyproject.toml", suite)
    # The fuzzer's corpus, which the pickling suite replays through the installed extension.
    shutil.copytree(ROOT / "fuzz" / "corpus", suite / "fuzz" / "corpus")
    (suite / "tests" / "test_installed_origin.py").write_text(ORIGIN_TEST)
    selected = [*SUITE, *(OLDEST_ONLY if version == INTERPRETERS[0] else []), "test_installed_origin.py"]
    tests = [f"tests/{name}" for name in selected]
    # river.dask needs the `dask` extra, not installed here; tests/test_dask.py covers it.
    (dask_module,) = venv_dir.glob("lib/python*/site-packages/river/dask.py")
    args = ["-p", "no:cacheprovider", "-q", f"--ignore={dask_module}", "--pyargs", "river", *tests]
    done = run([py, "-m", "pytest", *args], cwd=suite, env=env)
    summary = done.stdout.strip().splitlines()[-1]
    # Everything selected ran and passed: no failure, error, skip or xfail.
    assert re.fullmatch(r"=* ?\d+ passed(, \d+ warnings?)? in [\d.]+s.*", summary), summary
    shutil.rmtree(venv_dir)  # hundreds of MB with scipy; pytest would keep three runs' worth
    with capsys.disabled():
        print(
            f"\nCPython {version} ({python}): venv and install {installed - start:.1f} s, "
            f"tests {time.perf_counter() - installed:.1f} s: {summary.strip('= ')}"
        )
