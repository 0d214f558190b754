"""Style and notebook rules: ruff, clean source notebooks, well-formed graded cells."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from negotiation_course.course import objective_tags
from negotiation_course.grading.answer_key import keys_in

from .conftest import ASSIGNMENTS, ROOT, read_nb, source_path
from .support.course_model import OBJECTIVES


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run([str(ruff), "check", "negotiation_course", "tests",
                           "scripts"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_is_stored_without_outputs(assignment):
    nb = read_nb(source_path(assignment))
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"cells {dirty} carry outputs or execution counts"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_graded_cells_name_an_objective_and_tests_hold_keys(assignment):
    nb = read_nb(source_path(assignment))
    for i, cell in enumerate(nb.cells):
        meta = _meta(cell)
        if not (meta.get("grade") or meta.get("solution")):
            continue
        tags = objective_tags(cell.metadata.get("tags", []))
        assert tags and all(t in OBJECTIVES for t in tags), f"cell {i} has no objective tag"
        if meta.get("grade") and not meta.get("solution") and meta.get("points", 0) > 0:
            assert keys_in(cell.source), f"cell {i} ({meta['grade_id']}) has no answer key"
            assert "checks.record(" in cell.source


def _has_points(assignment: str) -> bool:
    nb = read_nb(source_path(assignment))
    return any(_meta(c).get("grade") and _meta(c).get("points", 0) > 0 for c in nb.cells)


GRADED = [a for a in ASSIGNMENTS if _has_points(a)]  # the evaluation form has no points


@pytest.mark.parametrize("assignment", GRADED)
def test_graded_notebooks_say_hidden_tests_run_after_submission(assignment):
    nb = read_nb(source_path(assignment))
    text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    assert "hidden tests" in text and "submit" in text
