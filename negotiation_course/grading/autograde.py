"""Autograde several learners in one long-lived process with nbgrader's own API.

One nbgrader CLI process per learner costs ~2 s of imports; one failing learner stops a
stock ``nbgrader autograde <assignment>`` batch. Here each (assignment, student) pair is
graded by ``NbGraderAPI.autograde`` inside its own try, so every learner ends with a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..instructor.nbgrader_cli import ensure_venv_on_path


@dataclass
class Result:
    student: str
    assignment: str
    ok: bool
    error: str = ""
    log: str = ""


def load_config(course_dir: Path, overrides: Config | None = None) -> Config:
    """The course directory's own nbgrader_config.py, with optional overrides on top."""
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    cfg.CourseDirectory.root = str(course_dir)
    if overrides is not None:
        cfg.merge(overrides)
    return cfg


def make_api(course_dir: Path, overrides: Config | None = None):
    """An NbGraderAPI bound to ``course_dir`` (imports nbgrader lazily: it is slow)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    ensure_venv_on_path()
    cfg = load_config(course_dir, overrides)
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def grade_one(api, assignment: str, student: str) -> Result:
    try:
        out = api.autograde(assignment, student, force=True, create=True)
    except Exception as exc:  # nbgrader raised outside its own capture: record, go on
        return Result(student, assignment, False, f"{type(exc).__name__}: {exc}")
    return Result(student, assignment, bool(out.get("success")),
                  out.get("error") or "", out.get("log") or "")


def grade_many(course_dir: Path, pairs: list[tuple[str, str]],
               overrides: Config | None = None) -> list[Result]:
    """Grade (assignment, student) pairs one after another in this process."""
    api = make_api(course_dir, overrides)
    return [grade_one(api, a, s) for a, s in pairs]
