"""The grading benchmark runs end to end on a tiny cohort, so it cannot rot unnoticed.

It asserts that the script finishes and prints its table (floor, stock, ours, ratio; two
rounds and their medians), never
a time: timings depend on the machine and its load.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .support.pg_fixture import postgres_url  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_bench_grading_prints_its_ratios(tmp_path: Path, postgres_url: str) -> None:  # noqa: F811
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_grading.py"), "--learners", "2",
         "--workers", "1", "--cold", "--only", "lesson-00-welcome",
         "--out", str(tmp_path / "bench"),
         "--dask", "1", "--db-url", postgres_url, "--rounds", "2"],
        capture_output=True, text=True, timeout=500, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"2 learners, 2 notebooks", out), out
    assert re.search(r"per-notebook floor .*: \d+\.\d+ s", out), out
    assert re.search(r"stock sequential nbgrader autograde .*: \d+\.\d+ s", out), out
    assert re.search(r"make grade, 1 workers .*pre-warmed.*ratio: \d+\.\d+x", out), out
    assert re.search(r"make grade, 1 workers .*cold kernels.*ratio: \d+\.\d+x", out), out
    phases = re.findall(r"where a submission's time goes.*", out)
    assert len(phases) == 4, out  # one breakdown per run of ours, in each of two rounds
    assert out.count("-- round ") == 2, out
    for name in ("nbgrader setup", "kernel start", "imports (first cell)", "execution",
                 "kernel shutdown", "scoring and gradebook"):
        assert re.search(re.escape(name) + r" \d+\.\d+ s \(\d+%\)", phases[0]), phases[0]
    assert re.search(r"Dask, 1 workers .*ratio: \d+\.\d+x", out), out
    summary = out.split("-- medians of 2 rounds", 1)[1]
    for title in ("stock sequential", "make grade, 1 workers, pre-warmed kernels",
                  "make grade, 1 workers, cold kernels", "Dask, 1 workers"):
        assert re.search(re.escape(title) + r": \d+\.\d+ s/nb \(\d+\.\d+-\d+\.\d+\)",
                         summary), summary
    assert len(re.findall(r"; ratio \d+\.\d+x \(\d+\.\d+-\d+\.\d+\)", summary)) == 3, summary
