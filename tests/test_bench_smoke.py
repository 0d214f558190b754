"""The grading benchmark runs end to end on a tiny cohort, so it cannot rot unnoticed.

It asserts that the script finishes and prints its table (floor, stock, ours, ratio), never
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
         "--dask", "1", "--db-url", postgres_url],
        capture_output=True, text=True, timeout=500, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"2 learners, 2 notebooks", out), out
    assert re.search(r"per-notebook floor .*: \d+\.\d+ s", out), out
    assert re.search(r"stock sequential nbgrader autograde .*: \d+\.\d+ s", out), out
    assert re.search(r"make grade, 1 workers .*pre-warmed.*ratio: \d+\.\d+x", out), out
    assert re.search(r"make grade, 1 workers .*cold kernels.*ratio: \d+\.\d+x", out), out
    phases = re.findall(r"where a submission's time goes.*", out)
    assert len(phases) == 2, out  # one breakdown per run of ours
    for name in ("nbgrader setup", "kernel start", "imports (first cell)", "execution",
                 "kernel shutdown", "scoring and gradebook"):
        assert re.search(re.escape(name) + r" \d+\.\d+ s \(\d+%\)", phases[0]), phases[0]
    assert re.search(r"Dask, 1 workers .*ratio: \d+\.\d+x", out), out
