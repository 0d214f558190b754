"""The nbgrader configuration and the grading settings a course directory declares.

The course directory's own ``nbgrader_config.py`` is the one place the grading pipeline is
declared (it loads :mod:`.pipeline`); stock ``nbgrader`` commands, ``make grade`` and the
tests all read it through :func:`load_config`. Here, too, the settings course.toml
``[grading]`` holds: the sandbox limits, the side files each assignment may see and the
time bound on one learner's whole autograde.
"""

from __future__ import annotations

import os
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..instructor.nbgrader_cli import ensure_venv_on_path
from .sandbox import Limits

#: A learner's whole autograde (sanitising, kernel start, execution, scoring, gradebook
#: writes) is stopped after this many seconds unless course.toml says otherwise.
LEARNER_SECONDS = 300.0


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


def limits_for(course_dir: Path, **overrides: Any) -> Limits:
    """Sandbox limits: defaults, then course.toml [grading], then explicit overrides."""
    known = {f.name for f in fields(Limits)}
    from negotiation_course.course import load

    section = load(course_dir).section("grading")
    values = {k: v for k, v in section.items() if k in known}
    values.update({k: v for k, v in overrides.items() if k in known and v is not None})
    return replace(Limits(), **values)


def learner_seconds_of(course_dir: Path) -> float:
    """course.toml ``[grading] learner_seconds``: the bound on one learner's autograde."""
    from negotiation_course.course import CourseFileError, load

    value = load(course_dir).section("grading").get("learner_seconds", LEARNER_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise CourseFileError("[grading] learner_seconds is a positive number of seconds")
    return float(value)


def with_busy_timeout(db_url: str, seconds: int = 120) -> str:
    """An SQLite URL that waits for a lock instead of failing at once (others unchanged)."""
    if db_url.startswith("sqlite:") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + f"timeout={seconds}"
    return db_url


def db_url_of(course_dir: Path) -> str:
    """The gradebook URL the course directory's own nbgrader configuration names."""
    base = load_config(course_dir)
    return base.CourseDirectory.get("db_url") or (
        "sqlite:///" + os.path.join(course_dir, "gradebook.db"))


def side_files_of(course_dir: Path) -> dict[str, list[str]]:
    """course.toml ``[grading.side_files]``: assignment -> patterns its kernel may see."""
    from negotiation_course.course import CourseFileError, load

    raw = load(course_dir).section("grading").get("side_files", {})
    if not isinstance(raw, dict) or not all(
            isinstance(v, list) and all(isinstance(p, str) for p in v) for v in raw.values()):
        raise CourseFileError("[grading.side_files] maps assignment names to lists of "
                              "file-name patterns")
    return {str(k): list(v) for k, v in raw.items()}


def warm_kernels_of(course_dir: Path) -> bool:
    """course.toml ``[grading] warm_kernels``: serve kernels from a pre-warmed image per
    worker (default yes; grading as root only, see warm_kernels)."""
    from negotiation_course.course import CourseFileError, load

    value = load(course_dir).section("grading").get("warm_kernels", True)
    if not isinstance(value, bool):
        raise CourseFileError("[grading] warm_kernels is true or false")
    return value
