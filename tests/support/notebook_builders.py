"""Build small nbgrader notebooks in tests (fixtures), with well-formed cell metadata.

Lessons themselves are Markdown (``lessons/*.md``); these builders make the test fixtures
that exercise the same cell kinds: activity blocks, answer, test and reflection cells.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from negotiation_course.course import TAG_PREFIX, load

ACTIVITY_COLOUR = "#B00020"


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool,
          points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def _tags(objective: str | None) -> list[str]:
    if objective is None:
        return []
    known = load().objectives
    if objective not in known:
        raise ValueError(f"unknown objective {objective!r}; known: {sorted(known)}")
    return [TAG_PREFIX + objective]


def md(text: str) -> nbformat.NotebookNode:
    """A lesson-text Markdown cell."""
    return new_markdown_cell(text.strip("\n"))


def activity(minutes: int, verb: str, text: str) -> nbformat.NotebookNode:
    """An activity block in the course's one red style (docs/authoring.md)."""
    body = text.strip("\n")
    return md(f'<div class="activity" style="border-left: 6px solid {ACTIVITY_COLOUR}; '
              f'padding: 0.2em 1em;">\n\n<strong style="color: {ACTIVITY_COLOUR};">'
              f"Activity ({minutes} minutes): {verb}.</strong> {body}\n\n</div>")


def code(source: str) -> nbformat.NotebookNode:
    """An ordinary code cell the learner may run and change."""
    return new_code_cell(source.strip("\n"))


def readonly(grade_id: str, source: str) -> nbformat.NotebookNode:
    """A locked code cell (setup, worked examples nbgrader restores at grading)."""
    cell = code(source)
    cell.metadata["nbgrader"] = _meta(grade_id, grade=False, solution=False, locked=True)
    return cell


def answer(grade_id: str, source: str, objective: str) -> nbformat.NotebookNode:
    """An autograded answer cell; the solution sits between BEGIN/END SOLUTION markers."""
    if "### BEGIN SOLUTION" not in source:
        raise ValueError(f"{grade_id}: an answer cell needs a ### BEGIN SOLUTION region")
    cell = code(source)
    cell.metadata["nbgrader"] = _meta(grade_id, grade=False, solution=True, locked=False)
    cell.metadata["tags"] = _tags(objective)
    return cell


def tests(grade_id: str, source: str, points: float, objective: str) -> nbformat.NotebookNode:
    """An autograder test cell: visible friendly checks, then hidden tests with answer keys."""
    if "# answer-key:" not in source:
        raise ValueError(f"{grade_id}: a test cell needs at least one '# answer-key:' line")
    cell = code(source)
    cell.metadata["nbgrader"] = _meta(grade_id, grade=True, solution=False, locked=True,
                                      points=points)
    cell.metadata["tags"] = _tags(objective)
    return cell


def reflection(grade_id: str, points: float, objective: str,
               model_answer: str = "") -> nbformat.NotebookNode:
    """A manually graded written answer (Markdown); the release shows 'YOUR ANSWER HERE'."""
    if model_answer:
        body = f"### BEGIN SOLUTION\n{model_answer.strip()}\n### END SOLUTION"
    else:
        body = "YOUR ANSWER HERE"
    cell = md(body)
    cell.metadata["nbgrader"] = _meta(grade_id, grade=True, solution=True, locked=False,
                                      points=points)
    cell.metadata["tags"] = _tags(objective)
    return cell


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a clean notebook (no outputs, no execution counts, stable cell ids)."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
