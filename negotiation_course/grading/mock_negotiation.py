"""The mock negotiation's published rubric and the score an instructor records for it.

The half-hour instructor conversation is a mock negotiation on Lesson 3's composite client:
the learner negotiates, the instructor plays the employer (briefs in
``student/mock-negotiation/learner-brief.md`` and ``docs/instructor/mock-negotiation.md``).
The instructor scores it with the rubric learners read beforehand,
``student/mock-negotiation/rubric.md``: four criteria (:data:`CRITERIA`), each with three
whole-point levels, and writes the total in the ``rubric_score`` column of
``conversations.csv``. The maximum is read from the rubric itself, so the file learners
read and the check the certificates run cannot disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..paths import COURSE_ROOT
from .rubric import Rubric, RubricError, parse

#: The published rubric (it ships in the student bundle's ``mock-negotiation/`` folder).
RUBRIC_PATH = COURSE_ROOT / "student" / "mock-negotiation" / "rubric.md"
#: The criteria, in the order the rubric lists them (the label after "Rubric for").
CRITERIA = ("preparation", "anchoring", "objection", "closing")
#: The rubric tables say "What the learner does"; the cell parser knows "the answer".
_LEARNER_HEADER = re.compile(r"^\|\s*Points\s*\|\s*What the learner does\s*\|\s*$", re.M | re.I)
_BLOCK_START = re.compile(r"^\*\*Rubric for ", re.M)


def criteria(path: Path = RUBRIC_PATH) -> tuple[Rubric, ...]:
    """The rubric's four criteria, parsed; :class:`RubricError` says what is wrong."""
    text = path.read_text(encoding="utf-8")
    starts = [m.start() for m in _BLOCK_START.finditer(text)]
    blocks = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        # a block is its title and the table lines under it; prose after the table ends it
        chunk = text[start:end].strip().splitlines()
        lines = [chunk[0]] + [ln for ln in chunk[1:] if ln.strip().startswith("|")]
        table = _LEARNER_HEADER.sub("| Points | What the answer does |", "\n".join(lines))
        blocks.append(parse(table, f"the mock negotiation ({path.name})"))
    labels = tuple(b.label for b in blocks)
    if labels != CRITERIA:
        raise RubricError(f"{path.name}: the criteria must be {', '.join(CRITERIA)} in this "
                          f"order, found {', '.join(labels) or 'none'}")
    return tuple(blocks)


def max_score(path: Path = RUBRIC_PATH) -> int:
    """The highest total the rubric gives (every criterion at its top level)."""
    return sum(c.points for c in criteria(path))


def score_problem(raw: str, maximum: int) -> str | None:
    """Why ``raw`` is not a valid rubric total (None when it is one)."""
    text = raw.strip()
    advice = (f"write the total of the four rubric criteria, a whole number from 0 to "
              f"{maximum}")
    if not text:
        return f"the rubric_score is empty; {advice}"
    if not re.fullmatch(r"[+-]?\d+", text):
        return f"rubric_score {raw!r} is not a whole number; {advice}"
    value = int(text)
    if not 0 <= value <= maximum:
        return f"rubric_score {value} is outside 0 to {maximum}; {advice}"
    return None
