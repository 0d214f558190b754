
"""A grading run killed with SIGKILL mid-batch, started again, ends with every grade once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest

from negotiation_course.grading.outcomes import OutcomeStore, store_path
from negotiation_course.grading.runner import grade_course
from negotiation_course.instructor.nbgrader_cli import env_with_venv

from .support.grading_support import LESSON, filled, small_course, submit

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

LEARNERS = [f"r{i:02d}" for i in range(8)]
#: Each learner's notebook sleeps this long in a cell of its own, so that after two grades
#: at least (8 - 2) * PAUSE / 2 workers of grading remain when the kill lands, on any machine.
PAUSE = 1.5


def slowed(data: bytes) -> bytes:
    """The submission with a first cell that waits PAUSE seconds (a learner may add cells)."""
    nb = nbformat.reads(data.decode(), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"import time\ntime.sleep({PAUSE})"))
    return nbformat.writes(nb).encode()


def test_sigkill_mid_batch_then_rerun(tmp_path):
    course = small_course(tmp_path / "course")
    for i, learner in enumerate(LEARNERS):
        submit(course, learner, slowed(filled("complete" if i % 2 else "alternative")))
    status = store_path(course)
    proc = subprocess.Popen(
        [sys.executable, "-m", "negotiation_course.grading.grade", "--course-dir", str(course),
         "--workers", "2"], env=env_with_venv(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if 2 <= len(OutcomeStore(course).outcomes):  # the snapshot and its journal
            break
        assert proc.poll() is None, "grading finished before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-batch
    proc.wait()
    done_before = len(OutcomeStore(course).outcomes)
    assert done_before < len(LEARNERS)

    rows = grade_course(course, 2, progress=False)
    assert sorted(r.learner for r in rows) == LEARNERS
    assert all(r.score == 1 and not r.is_error for r in rows), rows
    db = sqlite3.connect(course / "gradebook.db")
    per_pair = db.execute("SELECT student_id, COUNT(*) FROM submitted_assignment "
                          "GROUP BY student_id, assignment_id").fetchall()
    assert sorted(s for s, _ in per_pair) == LEARNERS and all(n == 1 for _, n in per_pair)
    grades = db.execute("SELECT notebook_id, cell_id, COUNT(*) FROM grade "
                        "GROUP BY notebook_id, cell_id").fetchall()
    cells = db.execute("SELECT COUNT(*) FROM grade_cells").fetchone()[0]
    assert len(grades) == cells * len(LEARNERS) and all(n == 1 for *_, n in grades)
    assert len(json.loads(status.read_text())) == len(LEARNERS)
    assert sorted(p.name for p in (course / "autograded").iterdir()) == LEARNERS
    assert all((course / "autograded" / s / LESSON / f"{LESSON}.ipynb").exists()
               for s in LEARNERS)
