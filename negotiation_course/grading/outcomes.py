"""What grading produced for each (learner, assignment), and the store that keeps it.

Every (learner, assignment) ends with a status, never a silent zero: ``graded``, ``needs
review`` (parts graded by hand are not graded yet), ``error: <reason>`` or ``missing``
(:class:`LearnerStatus`, one row of ``grades.csv``). The runner records one
:class:`Outcome` per graded submission, keyed by a fingerprint of the submitted files, so a
re-run skips what is already graded and later steps (feedback, certificates, the demo)
know which zeros are errors.

The store is durable state, so it lives outside ``build/`` (which ``make clean`` deletes):
``<course dir>/grading-state/outcomes.json`` by default, or the path course.toml
``[grading] outcomes`` names (relative to the course directory, or absolute), with its
journal beside it (``outcomes.json.journal``: the outcomes stored since the last fold).
A store left at the old place (``build/grading/status.json``) is read once and moved.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

GRADED = "graded"
NEEDS_REVIEW = "needs review"
MISSING = "missing"
ERROR = "error"

DEFAULT_PATH = Path("grading-state") / "outcomes.json"
OLD_PATH = Path("build") / "grading" / "status.json"


@dataclass
class LearnerStatus:
    """One row of ``grades.csv``."""

    learner: str
    assignment: str
    score: float
    max_score: float
    status: str  # graded | needs review | error: <reason> | missing
    reason: str = ""
    timestamp: str = ""
    seconds_late: float = 0.0

    @property
    def is_error(self) -> bool:
        return self.status.startswith(ERROR)


@dataclass
class Outcome:
    """What grading one submission produced (stored between runs)."""

    learner: str
    assignment: str
    fingerprint: str
    ok: bool
    reason: str = ""  # the error reason when not ok (or a flag on a graded notebook)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def transient(self) -> bool:
        """Errors worth retrying on the next run (not the learner's doing)."""
        return not self.ok and self.reason.startswith(("gradebook busy", "grader crashed"))


def submission_dir(course_dir: Path, learner: str, assignment: str) -> Path:
    return course_dir / "submitted" / learner / assignment


def fingerprint(folder: Path) -> str:
    """A hash of every file in a submitted folder (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()
                       and ".ipynb_checkpoints" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def store_path(course_dir: Path) -> Path:
    """Where ``course_dir`` keeps its outcomes (course.toml ``[grading] outcomes``)."""
    from negotiation_course.course import CourseFileError, load

    configured = load(course_dir).section("grading").get("outcomes", str(DEFAULT_PATH))
    if not isinstance(configured, str) or not configured.strip():
        raise CourseFileError("[grading] outcomes is a path (relative to the course "
                              "directory, or absolute)")
    path = Path(configured)
    return path if path.is_absolute() else Path(course_dir) / path


class OutcomeStore:
    """Outcomes by (learner, assignment): a JSON snapshot written atomically, and beside it
    a journal each new outcome is appended to (one line, on disk before :meth:`put`
    returns), so storing an outcome costs the same with ten learners or ten thousand. The
    grading run folds the journal into the snapshot as it starts and ends (:meth:`compact`);
    readers read both, and a line cut short by a crash is ignored."""

    def __init__(self, course_dir: Path):
        course_dir = Path(course_dir)
        self.path = store_path(course_dir)
        self.journal = self.path.with_name(self.path.name + ".journal")
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        source = self.path
        if not self.path.exists() and (course_dir / OLD_PATH).exists():
            source = course_dir / OLD_PATH  # a store kept in build/ before: move it
        if source.exists():
            for row in json.loads(source.read_text(encoding="utf-8")):
                self._keep(Outcome(**row))
        if self.journal.exists():
            for line in self.journal.read_text(encoding="utf-8").splitlines():
                try:
                    self._keep(Outcome(**json.loads(line)))
                except (ValueError, TypeError):  # cut short by a crash: never stored
                    continue
        if source != self.path:
            self.save()
            source.unlink()

    def _keep(self, out: Outcome) -> None:
        self.outcomes[(out.learner, out.assignment)] = out

    def get(self, learner: str, assignment: str) -> Outcome | None:
        return self.outcomes.get((learner, assignment))

    def put(self, outcome: Outcome) -> None:
        self._keep(outcome)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(asdict(outcome)) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def compact(self) -> None:
        """Fold the journal into the snapshot (only the grading run does: a reader doing it
        while a run appends would lose that run's lines)."""
        if self.journal.exists():
            self.save()
            self.journal.unlink()

    def save(self) -> None:
        """The whole store as one snapshot, replacing the old one atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        rows = [asdict(o) for _, o in sorted(self.outcomes.items())]
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".outcomes-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
