"""The course model: the one reader of ``course.toml``.

Everything that needs the pass mark, the provider's facts (:class:`Provider`: who wrote,
presents and teaches the course, approval, accommodations, complaints, dates), the grading
limits, an assignment's role or the learning objectives asks :func:`load`, so the pass
mark a learner sees and the one certificates use come from the same file by the same rule:
the course directory's own ``course.toml``, else the one ``$NEGOTIATION_COURSE_FILE`` names
(a grading kernel's copy of its course's file), else the one beside this package (the
repository's, or the student bundle's copy). Roles (lesson, assessment, evaluation) are
declared there, never inferred from folder names.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .paths import COURSE_ROOT

FILE_NAME = "course.toml"
#: Environment variable naming the course.toml that counts where no course directory is
#: given: a grading kernel sees its course's copy there, not the repository beside it.
FILE_ENV = "NEGOTIATION_COURSE_FILE"
ROLES = ("lesson", "assessment", "evaluation", "reference")
#: Graded cells carry a tag ``objective:<id>`` naming the objective they assess.
TAG_PREFIX = "objective:"


class CourseFileError(ValueError):
    """``course.toml`` is missing a required part or holds a value of the wrong kind."""


@dataclass(frozen=True)
class Assignment:
    name: str
    role: str
    title: str = ""  # the notebook's H1 title


@dataclass(frozen=True)
class Person:
    """Someone the provider names (author, presenter, instructor), with credentials."""

    name: str = ""
    credentials: str = ""
    contact: str = ""

    def __str__(self) -> str:
        return ", ".join(p for p in (self.name, self.credentials) if p)


@dataclass(frozen=True)
class Provider:
    """The provider's facts from ``course.toml [provider]``; "" where not configured yet.

    Nothing here is ever filled in by code: an empty value is shown as "to be completed by
    the provider". NBCC is named only when both the provider number and the approval
    statement are set (:attr:`nbcc_approved`).
    """

    name: str = ""
    nbcc_provider_number: str = ""
    nbcc_approval_statement: str = ""
    content_area: str = ""
    release_date: str = ""
    last_review_date: str = ""
    conflict_of_interest: str = ""
    accommodations: str = ""
    complaints: str = ""
    booking: str = ""
    instructor: Person = Person()
    assessment_author: Person = Person()
    authors: tuple[Person, ...] = ()
    presenters: tuple[Person, ...] = ()

    @property
    def nbcc_approved(self) -> bool:
        return bool(self.nbcc_provider_number and self.nbcc_approval_statement)


#: The [provider] keys that hold text, and those that hold dates (YYYY-MM-DD or "").
_PROVIDER_TEXT = [f.name for f in fields(Provider) if f.type == "str"]
_PROVIDER_DATES = ("release_date", "last_review_date")
_PERSON_KEYS = [f.name for f in fields(Person)]


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

    @property
    def provider(self) -> Provider:
        return _provider(self.path, self.section("provider"))

    def title_of(self, name: str) -> str:
        return next((a.title for a in self.assignments if a.name == name), "") or name

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
        name, role, title = entry.get("name"), entry.get("role"), entry.get("title", "")
        if not isinstance(name, str) or role not in ROLES or not isinstance(title, str):
            raise CourseFileError(f"{path}: assignment {entry!r} needs a name and a role "
                                  f"among {', '.join(ROLES)} (and a title in quotes)")
        out.append(Assignment(name, role, title))
    return tuple(out)


def _text(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise CourseFileError(f"{path}: {where} should be text in quotes, not {value!r}")
    return value.strip()


def _person(path: Path, where: str, raw: Any) -> Person:
    if not isinstance(raw, dict):
        raise CourseFileError(f"{path}: {where} should be a table (name, credentials)")
    unknown = sorted(set(raw) - set(_PERSON_KEYS))
    if unknown:
        raise CourseFileError(f"{path}: {where} has unknown key(s) {', '.join(unknown)}")
    return Person(**{k: _text(path, f"{where}.{k}", raw.get(k, "")) for k in _PERSON_KEYS})


def _provider(path: Path, raw: dict[str, Any]) -> Provider:
    """The [provider] table, checked: text where text belongs, dates as YYYY-MM-DD."""
    values: dict[str, Any] = {k: _text(path, f"[provider] {k}", raw.get(k, ""))
                              for k in _PROVIDER_TEXT}
    for key in _PROVIDER_DATES:
        if values[key]:
            try:
                date.fromisoformat(values[key])
            except ValueError:
                raise CourseFileError(f"{path}: [provider] {key} should be a date like "
                                      f"2026-03-20, not {values[key]!r}") from None
    for key in ("instructor", "assessment_author"):
        values[key] = _person(path, f"[provider.{key}]", raw.get(key, {}))
    for key in ("authors", "presenters"):
        entries = raw.get(key, [])
        if not isinstance(entries, list):
            raise CourseFileError(f"{path}: [[provider.{key}]] should be a list of people")
        people = tuple(_person(path, f"[[provider.{key}]]", e) for e in entries)
        values[key] = tuple(p for p in people if p.name or p.credentials)
    known = set(_PROVIDER_TEXT) | {"instructor", "assessment_author", "authors", "presenters"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise CourseFileError(f"{path}: [provider] has unknown key(s) {', '.join(unknown)}")
    return Provider(**values)


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
    """The ``course.toml`` that counts for ``root``: its own, else the one named by
    ``$NEGOTIATION_COURSE_FILE``, else the package's course's."""
    own = Path(root) / FILE_NAME if root is not None else None
    if own is not None and own.is_file():
        return own
    named = os.environ.get(FILE_ENV)
    return Path(named) if named and Path(named).is_file() else COURSE_ROOT / FILE_NAME


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
