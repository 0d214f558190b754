"""One grading worker: a long-lived process that autogrades learner after learner.

Each worker builds one ``NbGraderAPI`` (imports once, ~2 s) and calls nbgrader's own
``autograde`` per (assignment, learner) inside a try, so nothing a learner does stops the
batch. The outcome says why a submission failed, from nbgrader's log and the notes left
by the sandbox and repair steps.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import nbformat

from . import fastimport
from .autograde import grade_one, make_api
from .events import take_events
from .status import Outcome, classify_failure, classify_outputs, fingerprint, submission_dir

_STATE: dict = {}
RETRIES = 4


def init_worker(course_dir: str, overrides, runtime_root: str) -> None:
    """Run once in each worker process (the pool's initializer)."""
    fastimport.speed_up_nbgrader()
    # nbgrader's own SQLAlchemy and nbformat warnings say nothing an instructor can act on.
    warnings.filterwarnings("ignore", module=r"nbgrader\..*|nbformat\..*|sqlalchemy\..*")
    warnings.filterwarnings("ignore", message=r".*(not in session|missing an id field).*")
    root = Path(runtime_root) / f"w{os.getpid()}"
    overrides.SandboxKernelManager.runtime_root = str(root)
    _STATE["course_dir"] = Path(course_dir)
    _STATE["api"] = make_api(Path(course_dir), overrides)


def grade_pair(assignment: str, learner: str) -> Outcome:
    """Autograde one submission here; retry only when the gradebook was busy."""
    course_dir: Path = _STATE["course_dir"]
    folder = submission_dir(course_dir, learner, assignment)
    start = time.monotonic()
    fp = fingerprint(folder)
    for attempt in range(RETRIES):
        take_events()
        result = grade_one(_STATE["api"], assignment, learner)
        events = take_events()
        notes = [e for e in events if not e.startswith("timed out")]
        if result.ok:
            flag = ""
            nb_path = (course_dir / "autograded" / learner / assignment)
            for path in sorted(nb_path.glob("*.ipynb")):
                flag = flag or classify_outputs(nbformat.read(path, as_version=4))
            return Outcome(learner, assignment, fp, True, flag, notes,
                           round(time.monotonic() - start, 2))
        reason = classify_failure(result.log, result.error, events)
        if not reason.startswith("gradebook busy") or attempt == RETRIES - 1:
            return Outcome(learner, assignment, fp, False, reason, notes,
                           round(time.monotonic() - start, 2))
        time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")
