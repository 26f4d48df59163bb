"""The main job, `python -m river.stats`: built-in sample, files, CSV columns, save/resume."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from river.stats.__main__ import main, parse_stat, sample_stream


def test_default_run_on_the_built_in_sample(capsys):
    assert main(["--every", "2500"]) == 0
    out = capsys.readouterr().out
    assert "rollingquantile_1000" in out and "final:" in out
    values = list(sample_stream())
    want = np.quantile(values[-1000:], 0.99)
    assert f"{want:.6g}" in out


def test_file_with_column_save_and_resume(tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text("t,v\n" + "".join(f"{i},{i * 1.5}\n" for i in range(100)) + "100,oops\n")
    saved = tmp_path / "stats.pkl"
    args = [str(data), "-c", "v", "-s", "RollingQuantile(q=0.5, window_size=10)", "-s", "PeakToPeak"]
    assert main(args + ["-n", "50", "--save", str(saved), "--no-progress"]) == 0
    first = capsys.readouterr()
    assert "skipped 1" in first.err
    assert main([str(data), "-c", "v", "--resume", str(saved), "-n", "1000", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "       200" in out  # rows continue from the saved count
    assert "PeakToPeak: 148.5" in out


def test_stdin_and_progress(tmp_path):
    data = tmp_path / "nums.txt"
    data.write_text("\n".join(str(i) for i in range(1, 1001)))
    run = subprocess.run(
        [sys.executable, "-m", "river.stats", str(data), "-s", "EWMean(1.0)", "-n", "1000"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "EWMean: 1,000." in run.stdout
    assert "1,000 rows, 100.0%" in run.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "river.stats", "-", "-s", "PeakToPeak()"],
        input="1\n5\n3\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert "PeakToPeak: 4." in piped.stdout and "rows," not in piped.stderr


@pytest.mark.parametrize("spec", ["Nope()", "__import__('os')", "EWMean(x)", "stats.EWMean()", "EWMean(("])
def test_rejects_unsafe_or_unknown_statistics(spec):
    with pytest.raises(ValueError):
        parse_stat(spec)


def test_errors_exit_with_2(tmp_path, capsys):
    assert main([str(tmp_path / "missing.txt")]) == 2
    assert main(["-s", "RollingQuantile(q=2, window_size=3)"]) == 2
    assert "q must be between 0 and 1" in capsys.readouterr().err
