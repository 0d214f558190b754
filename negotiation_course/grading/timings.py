"""Where one submission's grading time goes, for the benchmark (issue 16, item 1).

Off unless ``$NEGOTIATION_COURSE_TIMINGS`` names a file: then each grading worker appends
one JSON line per graded submission with the seconds of each phase. Marks are taken by the
runner (a submission's start and end) and by the sandboxed executor (kernel start, first
cell, last cell, kernel gone); phases are the gaps between them.
"""

from __future__ import annotations

import json
import os
import time

ENV = "NEGOTIATION_COURSE_TIMINGS"
#: (phase, from mark, to mark), in order; together they cover a submission's whole time.
PHASES = [("nbgrader setup", "start", "kernel_start"),
          ("kernel start", "kernel_start", "kernel_ready"),
          ("imports (first cell)", "kernel_ready", "first_cell"),
          ("execution", "first_cell", "last_cell"),
          ("kernel shutdown", "last_cell", "kernel_gone"),
          ("scoring and gradebook", "kernel_gone", "end")]
_marks: dict[str, float] = {}


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def mark(name: str, *, first: bool = False) -> None:
    """Remember when ``name`` happened (the first time only, with ``first``)."""
    if enabled() and not (first and name in _marks):
        _marks[name] = time.perf_counter()


def reset() -> None:
    _marks.clear()


def write(assignment: str, learner: str) -> None:
    """Append this submission's phases to the timings file (when all marks are there)."""
    path = os.environ.get(ENV)
    if not path or any(m not in _marks for _, a, b in PHASES for m in (a, b)):
        reset()
        return
    row = {"assignment": assignment, "learner": learner}
    row.update({phase: round(_marks[b] - _marks[a], 4) for phase, a, b in PHASES})
    with open(path, "a") as fh:
        fh.write(json.dumps(row) + "\n")
    reset()


def summary(path: str) -> dict[str, float]:
    """Mean seconds per submission of each phase in a timings file."""
    rows = [json.loads(line) for line in open(path) if line.strip()]
    if not rows:
        return {}
    return {phase: sum(r[phase] for r in rows) / len(rows) for phase, _, _ in PHASES}
