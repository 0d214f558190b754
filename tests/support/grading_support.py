"""Helpers for the grading tests: small course copies and one shared graded cohort.

The shared cohort (lesson-00 only, ~17 learners, graded once per test session with four
workers) serves test_grading, test_sandbox and test_feedback, so real nbgrader and real
sandboxed kernels run once for all of them.
"""

from __future__ import annotations

import copy
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from negotiation_course.demo import cohort
from negotiation_course.demo.hostile import CASES, _with_code_in_answers, answer_cells
from negotiation_course.demo.sandbox_cases import SANDBOX_CASES
from negotiation_course.grading.runner import grade_course
from negotiation_course.paths import COURSE_ROOT

LESSON = "lesson-00-welcome"
WALL_SECONDS = 8


def small_course(dest: Path, assignments: tuple[str, ...] = (LESSON,)) -> Path:
    """A course directory elsewhere: config, course.toml, some lessons, .venv as a symlink."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("nbgrader_config.py", "course.toml"):
        shutil.copy2(COURSE_ROOT / name, dest / name)
    for a in assignments:
        for folder in ("source", "release"):
            shutil.copytree(COURSE_ROOT / folder / a, dest / folder / a)
    (dest / ".venv").symlink_to(COURSE_ROOT / ".venv")
    return dest


def notebooks(assignment: str = LESSON) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    src = nbformat.read(COURSE_ROOT / "source" / assignment / f"{assignment}.ipynb", 4)
    rel = nbformat.read(COURSE_ROOT / "release" / assignment / f"{assignment}.ipynb", 4)
    return src, rel


def submit(course: Path, learner: str, data: bytes, assignment: str = LESSON) -> None:
    folder = course / "submitted" / learner / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{assignment}.ipynb").write_bytes(data)
    (folder / "timestamp.txt").write_text("2026-03-01 12:00:00.000000 UTC")


def filled(kind: str, assignment: str = LESSON) -> bytes:
    src, rel = notebooks(assignment)
    nb = cohort.fill(src, rel, kind, random.Random(kind), cohort.REFLECTIONS[0])
    return nbformat.writes(nb).encode()


def with_code(code: str, assignment: str = LESSON) -> bytes:
    return _with_code_in_answers(notebooks(assignment)[1], code)


#: Escapes the per-cell interrupt: only the whole-notebook wall clock stops it.
WALL_CLOCK = """
import time
while True:
    try:
        time.sleep(0.2)
    except KeyboardInterrupt:
        pass
"""
NETWORK = """
import socket
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    print("NETWORK OPEN")
except OSError as exc:
    print("NETWORK BLOCKED", type(exc).__name__)
"""
WRONG_TYPE = 'new_salary = "about fifty-five thousand"'
HOSTILE = ["invalid-json", "graded-cell-duplicated", "os-exit", "print-history",
           "input-transformer", "output-flood", "pre-run-hook", "patched-record",
           "forged-record"]
#: Side files that would shadow the kernel and the course package if importable.
FAKE_LAUNCHER = "raise SystemExit('fake ipykernel_launcher ran')\n"
FAKE_PACKAGE = "print('FAKE COURSE PACKAGE IMPORTED')\n"
FAKE_CHECKS = ("print('FAKE CHECKS IMPORTED')\n"
               "def record(*a, **k):\n    pass\n"
               "def number(*a, **k):\n    pass\n")


#: Registered in the first answer cell: every later cell (the hidden tests too) writes a
#: line to stderr, as a library's warning would. It must not change a score either way.
STDERR_HOOK = """
import sys
get_ipython().events.register("pre_run_cell",
                              lambda *a: print("LEARNER STDERR", file=sys.stderr))
"""


def with_stderr_in_test_cells(data: bytes) -> bytes:
    nb = nbformat.reads(data.decode(), 4)
    first = answer_cells(nb)[0]
    first.source = STDERR_HOOK + "\n" + first.source
    return nbformat.writes(nb).encode()


@dataclass
class Graded:
    course: Path
    rows: list  # LearnerStatus
    missing_learner: str = "never-submitted"

    def row(self, learner: str, assignment: str = LESSON):
        return next(r for r in self.rows if r.learner == learner and r.assignment == assignment)

    def outputs(self, learner: str, assignment: str = LESSON) -> str:
        """All text outputs of a learner's autograded notebook."""
        path = self.course / "autograded" / learner / assignment / f"{assignment}.ipynb"
        # a kernel may flush one print in several messages; Jupyter shows consecutive
        # pieces of a stream as one text, and so does this (nbconvert's own merge)
        nb, _ = CoalesceStreamsPreprocessor().preprocess(nbformat.read(path, 4), {})
        texts = []
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                texts.append(out.get("text", ""))
                texts.append(str(out.get("data", {}).get("text/plain", "")))
                texts.append(out.get("evalue", ""))
        return "\n".join(texts)


_GRADED: dict[int, Graded] = {}


def graded_course(factory) -> Graded:
    """Build and grade the shared cohort once per session (WORKERS=4, wall clock 8 s)."""
    if id(factory) not in _GRADED:
        _GRADED[id(factory)] = _grade_shared(factory)
    return _GRADED[id(factory)]


def _grade_shared(factory) -> Graded:
    course = small_course(factory.mktemp("graded") / "course")
    src, rel = notebooks()
    for kind in ("complete", "alternative", "blank"):
        submit(course, kind, filled(kind))
    submit(course, "complete-2", filled("complete"))
    submit(course, "wrong-type", with_code(WRONG_TYPE))
    for case in HOSTILE:
        submit(course, f"h-{case}", CASES[case](copy.deepcopy(src), copy.deepcopy(rel)))
    for case, make in SANDBOX_CASES.items():
        submit(course, f"h-{case}", make(copy.deepcopy(src), copy.deepcopy(rel)))
    submit(course, "h-wall-clock", with_code(WALL_CLOCK))
    submit(course, "h-side-files", filled("complete"))
    side = course / "submitted" / "h-side-files" / LESSON
    (side / "ipykernel_launcher.py").write_text(FAKE_LAUNCHER)
    (side / "negotiation_course").mkdir()
    (side / "negotiation_course" / "__init__.py").write_text(FAKE_PACKAGE)
    (side / "negotiation_course" / "checks.py").write_text(FAKE_CHECKS)
    submit(course, "h-network", with_code(NETWORK))
    submit(course, "stderr-complete", with_stderr_in_test_cells(filled("complete")))
    from negotiation_course.grading.config import db_url_of, load_config
    from negotiation_course.instructor.nbgrader_cli import ensure_venv_on_path

    ensure_venv_on_path()

    course_id = load_config(course).CourseDirectory.course_id
    cohort.register_in_gradebook(course, [cohort.Learner("never-submitted", "Ada", "Lovelace",
                                                         "blank")], db_url_of(course), course_id)
    os.environ.pop("NEGOTIATION_COURSE_DB_URL", None)
    rows = grade_course(course, 4, progress=False, limits={"wall_seconds": WALL_SECONDS})
    return Graded(course, rows)
