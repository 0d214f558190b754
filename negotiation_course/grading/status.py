"""Every (learner, assignment) ends with a status, never a silent zero.

``graded``, ``needs review`` (parts graded by hand are not graded yet), ``error: <reason>``
or ``missing``. The grading outcome of each submission is kept in a small JSON store in
the course directory (``build/grading/status.json``), keyed by a fingerprint of the
submitted files, so a re-run skips what is already graded and later steps (feedback,
certificates, the demo) know which zeros are errors.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

GRADED = "graded"
NEEDS_REVIEW = "needs review"
MISSING = "missing"
ERROR = "error"


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


class StatusStore:
    """``build/grading/status.json``: outcomes by (learner, assignment), written atomically."""

    def __init__(self, course_dir: Path):
        self.path = course_dir / "build" / "grading" / "status.json"
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        if self.path.exists():
            for row in json.loads(self.path.read_text(encoding="utf-8")):
                out = Outcome(**row)
                self.outcomes[(out.learner, out.assignment)] = out

    def get(self, learner: str, assignment: str) -> Outcome | None:
        return self.outcomes.get((learner, assignment))

    def put(self, outcome: Outcome) -> None:
        self.outcomes[(outcome.learner, outcome.assignment)] = outcome
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rows = [asdict(o) for _, o in sorted(self.outcomes.items())]
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".status-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


_PATTERNS = [
    (re.compile(r"NotJSONError|JSONDecodeError|does not appear to be JSON|"
                r"NotebookValidationError|jsonschema.*ValidationError|"
                r"UnicodeDecodeError"), "invalid notebook (not readable as a Jupyter notebook)"),
    (re.compile(r"SchemaTooOldError|SchemaTooNewError|MetadataValidationError"),
     "invalid notebook metadata"),
    (re.compile(r"DeadKernelError|Kernel died"), "kernel died"),
    (re.compile(r"RuntimeError: Kernel didn't respond|Kernel didn't respond in|"
                r"TimeoutError: Kernel"), "kernel did not start"),
    (re.compile(r"database is locked"), "gradebook busy (database is locked)"),
]


def classify_failure(log: str, error: str, events: list[str]) -> str:
    """A short, instructor-readable reason for a failed autograde."""
    for event in events:
        if event.startswith("timed out"):
            return event
    text = f"{log}\n{error}"
    for pattern, reason in _PATTERNS:
        if pattern.search(text):
            return reason
    lines = [ln.strip() for ln in text.splitlines()
             if re.match(r"\s*\w+(\.\w+)*(Error|Exception)\b", ln)]
    return (lines[-1] if lines else "autograde failed")[:200]


def classify_outputs(nb) -> str:
    """A flag for a notebook that graded but hit a limit ('' when clean)."""
    names = {out.get("ename") for cell in nb.get("cells", []) for out in cell.get("outputs", [])
             if out.get("output_type") == "error"}
    if "MemoryError" in names:
        return "memory limit reached"
    if "CellTimeoutError" in names or "TimeoutError" in names:
        return "timed out (a cell ran past the per-cell limit)"
    return ""
