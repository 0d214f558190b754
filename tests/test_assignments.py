"""The generic grader harness: every assignment in source/ is covered by adding its folder.

Real nbgrader, real kernels, a scratch course directory. Each assignment's source notebook
(the model answers) must earn every autograded point; the untouched release must earn none;
hostile and gaming submissions must finish, end with a grade or a clear flag, and never
score above the untouched release.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.api import Gradebook, MissingEntry
from traitlets.config import Config

from negotiation_course.demo import hostile
from negotiation_course.grading.autograde import Result, grade_many

from .conftest import ASSIGNMENTS, read_nb, release_path, source_path

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

GAMING = ["always-equal", "redefined-builtins", "input-transformer", "print-history"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_executes_top_to_bottom(assignment, tmp_path):
    nb = read_nb(source_path(assignment))
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors


def _submit(course: Path, student: str, assignment: str, data: bytes) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{assignment}.ipynb").write_bytes(data)


def _timed_grade(course: Path, pairs: list[tuple[str, str]]) -> list[tuple[Result, float]]:
    overrides = Config()
    overrides.Execute.timeout = 5  # hostile loops cost one short timeout each
    out = []
    for pair in pairs:
        start = time.monotonic()
        (result,) = grade_many(course, [pair], overrides)
        out.append((result, time.monotonic() - start))
    return out


@pytest.fixture(scope="module")
def graded(scratch_course):
    """Grade source, release and every hostile case of every assignment once."""
    pairs = []
    for a in ASSIGNMENTS:
        src, rel = read_nb(source_path(a)), read_nb(release_path(a))
        _submit(scratch_course, "model-answers", a, nbformat.writes(src).encode())
        _submit(scratch_course, "untouched-release", a, nbformat.writes(rel).encode())
        pairs += [(a, "model-answers"), (a, "untouched-release")]
        for name, make in hostile.CASES.items():
            _submit(scratch_course, name, a, make(src, rel))
            pairs.append((a, name))
    chunks = [pairs[i::2] for i in range(2)]
    with ProcessPoolExecutor(2) as pool:
        results = [r for chunk in pool.map(_timed_grade, [scratch_course] * 2, chunks)
                   for r in chunk]
    db = f"sqlite:///{scratch_course / 'gradebook.db'}"
    table = {}
    with Gradebook(db) as gb:
        for result, seconds in results:
            try:
                sub = gb.find_submission(result.assignment, result.student)
                score = (sub.code_score, sub.max_code_score)
            except MissingEntry:
                score = None
            table[(result.assignment, result.student)] = (result, seconds, score)
    return table


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_model_answers_get_every_autograded_point(graded, assignment):
    result, _, score = graded[(assignment, "model-answers")]
    assert result.ok, result.error
    assert score is not None and score[0] == score[1], score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_gets_zero(graded, assignment):
    result, _, score = graded[(assignment, "untouched-release")]
    assert result.ok, result.error
    assert score is not None and score[0] == 0


@pytest.mark.parametrize("case", sorted(hostile.CASES))
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hostile_submission_is_bounded_flagged_and_scores_no_more_than_release(
        graded, assignment, case):
    result, seconds, score = graded[(assignment, case)]
    release_score = graded[(assignment, "untouched-release")][2][0]
    assert seconds < 120, f"{case} took {seconds:.0f} s"
    assert result.ok or result.error.strip(), "neither a grade nor a clear flag"
    if score is not None:
        assert score[0] <= release_score, f"{case} scored {score[0]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_gaming_attempts_are_graded_not_crashed(graded, assignment):
    for case in GAMING:
        result, _, score = graded[(assignment, case)]
        assert result.ok, f"{case}: {result.error[-500:]}"
        assert score is not None and score[0] == 0, (case, score)


def test_invalid_json_is_flagged_with_a_clear_error(graded):
    result, _, _ = graded[(ASSIGNMENTS[0], "invalid-json")]
    assert not result.ok and result.error




def test_key_stripping_is_what_stops_the_input_transformer(tmp_path):
    """Control: with nbgrader's stock sanitize steps the same attack reads the key and wins."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteCells,
        OverwriteKernelspec,
    )

    from .conftest import make_scratch_course

    course = make_scratch_course(tmp_path / "course")
    a = "lesson-00-welcome"
    src, rel = read_nb(source_path(a)), read_nb(release_path(a))
    _submit(course, "attacker", a, hostile.input_transformer(src, rel))
    stock = Config()
    stock.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                              OverwriteCells, CheckCellMetadata]
    (result,) = grade_many(course, [(a, "attacker")], stock)
    assert result.ok, result.error
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(a, "attacker")
        assert sub.code_score == sub.max_code_score > 0
