"""The course model: the one reader of ``course.toml``.

Everything that needs the pass mark, the provider's details, the grading limits, an
assignment's role or the learning objectives asks :func:`load`, so the pass mark a learner
sees and the one certificates use come from the same file by the same rule: the course
directory's own ``course.toml``, else the one beside this package (the repository's, or the
student bundle's copy). Roles (lesson, assessment, evaluation) are declared there, never
inferred from folder names.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .paths import COURSE_ROOT

FILE_NAME = "course.toml"
ROLES = ("lesson", "assessment", "evaluation", "reference")
#: Graded cells carry a tag ``objective:<id>`` naming the objective they assess.
TAG_PREFIX = "objective:"


class CourseFileError(ValueError):
    """``course.toml`` is missing a required part or holds a value of the wrong kind."""


@dataclass(frozen=True)
class Assignment:
    name: str
    role: str


@dataclass(frozen=True)
class Objective:
    id: str
    lesson: str
    text: str
    content: bool = True


@dataclass(frozen=True)
class Course:
    """What ``course.toml`` says, read once."""

    path: Path
    settings: dict[str, Any]
    assignments: tuple[Assignment, ...]
    objectives: dict[str, Objective]

    def section(self, name: str) -> dict[str, Any]:
        """A table of the file (``{}`` when absent)."""
        value = self.settings.get(name, {})
        if not isinstance(value, dict):
            raise CourseFileError(f"{self.path}: [{name}] should be a table")
        return value

    @property
    def title(self) -> str:
        return str(self.section("course").get("title", ""))

    @property
    def pass_mark(self) -> float:
        """Share of the assessment's points needed to pass."""
        mark = self.section("assessment").get("pass_mark")
        if not isinstance(mark, (int, float)) or isinstance(mark, bool) or not 0 < mark <= 1:
            raise CourseFileError(f"{self.path}: [assessment] pass_mark should be a number "
                                  f"above 0 and at most 1, not {mark!r}")
        return float(mark)

    def names(self, role: str | None = None) -> list[str]:
        """Assignment names in course order, optionally only those of one role."""
        return [a.name for a in self.assignments if role is None or a.role == role]

    def role_of(self, name: str) -> str | None:
        return next((a.role for a in self.assignments if a.name == name), None)

    def content_objectives(self) -> list[str]:
        """Ids of the objectives the course teaches (not the course-skills objective)."""
        return [k for k, o in self.objectives.items() if o.content]

    def objectives_of(self, lesson: str) -> list[str]:
        return [k for k, o in self.objectives.items() if o.lesson == lesson]


def _assignments(path: Path, raw: Any) -> tuple[Assignment, ...]:
    if not isinstance(raw, list):
        raise CourseFileError(f"{path}: needs [[assignments]] entries (name, role)")
    out = []
    for entry in raw:
        name, role = entry.get("name"), entry.get("role")
        if not isinstance(name, str) or role not in ROLES:
            raise CourseFileError(f"{path}: assignment {entry!r} needs a name and a role "
                                  f"among {', '.join(ROLES)}")
        out.append(Assignment(name, role))
    return tuple(out)


def _objectives(path: Path, raw: Any) -> dict[str, Objective]:
    if not isinstance(raw, dict):
        raise CourseFileError(f"{path}: needs an [objectives] table")
    out = {}
    for key, entry in raw.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("text"), str)
                and isinstance(entry.get("lesson"), str)):
            raise CourseFileError(f"{path}: objective {key} needs 'lesson' and 'text'")
        out[key] = Objective(key, entry["lesson"], entry["text"],
                             bool(entry.get("content", True)))
    return out


def course_file(root: Path | None = None) -> Path:
    """The ``course.toml`` that counts for ``root``: its own, else the package's course's."""
    own = Path(root) / FILE_NAME if root is not None else None
    return own if own is not None and own.is_file() else COURSE_ROOT / FILE_NAME


@cache
def _load(path: Path) -> Course:
    with path.open("rb") as fh:
        settings = tomllib.load(fh)
    return Course(path, settings, _assignments(path, settings.get("assignments")),
                  _objectives(path, settings.get("objectives")))


def load(root: Path | None = None) -> Course:
    """The course model of the course directory ``root`` (default: this package's course)."""
    return _load(course_file(root).resolve())


def objective_tags(tags: list[str]) -> list[str]:
    """The objective ids named by a cell's tags."""
    return [t[len(TAG_PREFIX):] for t in tags if t.startswith(TAG_PREFIX)]
