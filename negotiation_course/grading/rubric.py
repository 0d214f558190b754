"""Rubrics for reflections: parse the published rubric cell, list reflections with theirs.

Every reflection (a manually graded Markdown answer cell) has, directly above it, a
read-only Markdown cell with metadata ``{"rubric_for": "<grade_id>"}`` (docs/authoring.md):

    **Rubric for 1n (3 points)**

    | Points | What the answer does |
    |---|---|
    | 3 | ... (full) |
    | 1 | ... (partial) |
    | 0 | ... (not yet) |

Three levels, integer points, strictly falling from the cell's points to 0. Learners read it
above the answer cell, graders see it in formgrader (it is a cell of the notebook), and the
demo's stand-in grader scores with it. A malformed rubric raises :class:`RubricError` naming
the cell and what is wrong, so ``make release`` authors see the fix, not a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RUBRIC_KEY = "rubric_for"
LEVELS = 3
_TITLE_RE = re.compile(r"^\*\*Rubric for (?P<label>\S+) \((?P<points>\d+) points?\)\*\*$")
_HEADER = ("points", "what the answer does")
_SEP_RE = re.compile(r"^\|\s*:?-{3,}:?\s*\|\s*:?-{3,}:?\s*\|$")


class RubricError(ValueError):
    """A rubric that is missing, malformed or does not fit its answer cell."""


@dataclass(frozen=True)
class Level:
    points: int
    descriptor: str


@dataclass(frozen=True)
class Rubric:
    """One parsed rubric; ``levels`` from the top (full points) down to 0."""

    grade_id: str
    label: str
    points: int
    levels: tuple[Level, ...]

    def level(self, points: int) -> Level:
        return next(lv for lv in self.levels if lv.points == points)


@dataclass(frozen=True)
class Reflection:
    """A manually graded Markdown answer cell and the rubric published above it."""

    grade_id: str
    points: float
    cell_index: int
    rubric: Rubric


def _cells(row: str) -> list[str]:
    inner = row.strip()
    if not (inner.startswith("|") and inner.endswith("|")):
        raise ValueError
    return [c.strip() for c in inner[1:-1].split("|")]


def parse(source: str, grade_id: str = "?") -> Rubric:
    """The rubric in a rubric cell's Markdown; RubricError says what is wrong."""
    where = f"rubric for {grade_id}"
    lines = [ln.strip() for ln in source.strip().splitlines() if ln.strip()]
    if not lines:
        raise RubricError(f"{where}: the cell is empty")
    title = _TITLE_RE.match(lines[0])
    if title is None:
        raise RubricError(f"{where}: the first line must read '**Rubric for <item> "
                          f"(<n> points)**', not {lines[0]!r}")
    points = int(title.group("points"))
    table = lines[1:]
    if len(table) != 2 + LEVELS:
        raise RubricError(f"{where}: expected a header, a separator and {LEVELS} level rows, "
                          f"found {len(table)} table line(s)")
    try:
        header = tuple(c.casefold() for c in _cells(table[0]))
    except ValueError:
        raise RubricError(f"{where}: the table header is not a Markdown table row") from None
    if header != _HEADER:
        raise RubricError(f"{where}: the table header must be '| Points | What the answer "
                          f"does |', not {table[0]!r}")
    if not _SEP_RE.match(table[1]):
        raise RubricError(f"{where}: the second table line must be '|---|---|'")
    levels = []
    for row in table[2:]:
        try:
            score, descriptor = _cells(row)
        except ValueError:
            raise RubricError(f"{where}: {row!r} is not a row of two columns") from None
        if not re.fullmatch(r"\d+", score):
            raise RubricError(f"{where}: points must be a whole number, not {score!r}")
        if not descriptor:
            raise RubricError(f"{where}: the {score}-point level has no description")
        levels.append(Level(int(score), descriptor))
    scores = [lv.points for lv in levels]
    if scores[0] != points:
        raise RubricError(f"{where}: the top level gives {scores[0]} points but the title "
                          f"says {points}")
    if any(a <= b for a, b in zip(scores, scores[1:], strict=False)) or scores[-1] != 0:
        raise RubricError(f"{where}: levels must fall strictly from {points} to 0, "
                          f"not {scores}")
    return Rubric(grade_id, title.group("label"), points, tuple(levels))


def is_reflection(cell) -> bool:
    """A manually graded Markdown answer cell (nbgrader grade and solution)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "markdown" and bool(meta.get("grade")) \
        and bool(meta.get("solution"))


def rubric_target(cell) -> str | None:
    """The grade_id a rubric cell is for, or None for any other cell."""
    return cell.get("metadata", {}).get(RUBRIC_KEY)


def reflections(nb) -> list[Reflection]:
    """Every reflection of a notebook with its rubric, checking each fits its cell.

    Each reflection needs exactly one rubric, directly above it, whose top level equals
    the cell's points; a rubric for any other cell is an error too.
    """
    cells = nb["cells"] if isinstance(nb, dict) else nb.cells
    out: list[Reflection] = []
    claimed: dict[str, int] = {}
    for i, cell in enumerate(cells):
        target = rubric_target(cell)
        if target is None:
            continue
        if target in claimed:
            raise RubricError(f"two rubric cells for {target} (cells {claimed[target]} "
                              f"and {i})")
        claimed[target] = i
    for target, i in claimed.items():
        following = cells[i + 1] if i + 1 < len(cells) else None
        next_id = (following or {}).get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if following is None or not is_reflection(following) or next_id != target:
            raise RubricError(f"the rubric for {target} (cell {i}) is not directly above "
                              f"the reflection {target}")
    for i, cell in enumerate(cells):
        if not is_reflection(cell):
            continue
        meta = cell["metadata"]["nbgrader"]
        grade_id = meta.get("grade_id", f"cell {i}")
        if claimed.get(grade_id) != i - 1:
            raise RubricError(f"the reflection {grade_id} has no rubric cell directly above "
                              f"it (metadata {{\"{RUBRIC_KEY}\": \"{grade_id}\"}})")
        rubric = parse(cells[i - 1]["source"], grade_id)
        points = meta.get("points", 0)
        if rubric.points != points:
            raise RubricError(f"rubric for {grade_id}: top level {rubric.points} points, but "
                              f"the cell is worth {points}")
        out.append(Reflection(grade_id, points, i, rubric))
    return out


def rubrics_of(path: Path) -> dict[str, Rubric]:
    """grade_id -> rubric for one notebook file (the instructor's source/ copy)."""
    import nbformat

    return {r.grade_id: r.rubric for r in reflections(nbformat.read(path, as_version=4))}
