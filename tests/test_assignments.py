"""The generic grader harness: every assignment in source/ is covered by adding its folder.

Real nbgrader, real sandboxed kernels, a scratch course directory, graded the way
``make grade`` grades (:func:`negotiation_course.grading.runner.grade_course`: intake,
the pipeline nbgrader_config.py declares with the duplicate-cell repair, the sandbox, the
answer keys and the byte limit). Each assignment's source notebook (the model answers) must
earn every autograded point; the untouched release must earn none; every hostile and gaming
submission must end with exactly the status and score :data:`hostile.EXPECTED` names.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.api import Gradebook, MissingEntry

from negotiation_course.demo import hostile
from negotiation_course.grading.outcomes import OutcomeStore
from negotiation_course.grading.runner import assignments, grade_course

from .conftest import ASSIGNMENTS, ROOT, read_nb, release_path, source_path

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

GAMING = ["always-equal", "redefined-builtins", "input-transformer", "print-history"]
#: Assignments learners submit (the reference list has nothing to submit or grade).
GRADED = assignments(ROOT)


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


class Graded(dict):
    """{(assignment, learner): (row, outcome, score)}, and the graded course directory."""

    def __init__(self, table: dict, course: Path):
        super().__init__(table)
        self.course = course


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade source, release and every hostile case of every assignment once, like make
    grade: {(assignment, learner): (grades.csv row, stored outcome, gradebook code score)}."""
    from .conftest import make_scratch_course

    course = make_scratch_course(tmp_path_factory.mktemp("harness") / "course")
    with (course / "nbgrader_config.py").open("a") as fh:
        fh.write("\nc.Execute.timeout = 5  # hostile loops cost one short cell timeout each\n")
    for a in GRADED:
        src, rel = read_nb(source_path(a)), read_nb(release_path(a))
        _submit(course, "model-answers", a, nbformat.writes(src).encode())
        _submit(course, "untouched-release", a, nbformat.writes(rel).encode())
        for name, make in hostile.CASES.items():
            _submit(course, name, a, make(src, rel))
    rows = grade_course(course, 2, progress=False, limits={"wall_seconds": 60})
    store = OutcomeStore(course)
    table: dict = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for row in rows:
            try:
                sub = gb.find_submission(row.assignment, row.learner)
                score = (sub.code_score, sub.max_code_score)
            except MissingEntry:
                score = None
            table[(row.assignment, row.learner)] = (row, store.get(row.learner, row.assignment),
                                                    score)
    return Graded(table, course=course)


@pytest.mark.parametrize("assignment", GRADED)
def test_model_answers_get_every_autograded_point(graded, assignment):
    row, outcome, score = graded[(assignment, "model-answers")]
    assert outcome.ok and not row.is_error, row
    assert score is not None and score[0] == score[1], score


@pytest.mark.parametrize("assignment", GRADED)
def test_model_answers_run_in_the_sandbox_as_they_run_for_a_learner(graded, assignment):
    """The grading kernel sees what a learner's kernel sees (the package, data/, the
    course's course.toml): the model answers, graded, show no error anywhere. The
    evaluation's first cell failed here once, because no course.toml was visible."""
    course = graded.course
    path = course / "autograded" / "model-answers" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    errors = [f"{o.ename}: {o.evalue}" for c in nb.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors == []


@pytest.mark.parametrize("assignment", GRADED)
def test_untouched_release_gets_zero(graded, assignment):
    row, outcome, score = graded[(assignment, "untouched-release")]
    assert outcome.ok and not row.is_error, row
    assert score is not None and score[0] == 0
    assert (row.status, row.score) == hostile.GRADED_ZERO, row


@pytest.mark.parametrize("case", sorted(hostile.CASES))
@pytest.mark.parametrize("assignment", GRADED)
def test_hostile_submission_ends_with_its_expected_status_and_score(graded, assignment, case):
    row, outcome, score = graded[(assignment, case)]
    assert outcome.seconds < 120, f"{case} took {outcome.seconds:.0f} s"
    assert (row.status, row.score) == hostile.expected(case, assignment), row
    if score is not None:
        assert score[0] == 0, f"{case} scored {score[0]}"


@pytest.mark.parametrize("assignment", GRADED)
def test_gaming_attempts_are_graded_not_crashed(graded, assignment):
    for case in GAMING:
        row, outcome, score = graded[(assignment, case)]
        assert outcome.ok and not row.is_error, f"{case}: {row}"
        assert score is not None and score[0] == 0, (case, score)


def test_invalid_json_is_flagged_with_a_clear_error(graded):
    row, outcome, _ = graded[(GRADED[0], "invalid-json")]
    assert not outcome.ok
    assert row.status == f"error: invalid submission ({GRADED[0]}.ipynb is not valid JSON)"


def test_repair_and_byte_limit_ran_and_said_so(graded):
    """The harness runs make grade's steps: the duplicate-cell repair and the byte limit."""
    with_graded_cells = [a for a in GRADED if hostile.test_cells(read_nb(release_path(a)))
                         or hostile.answer_cells(read_nb(release_path(a)))]
    assert len(with_graded_cells) >= 4
    for a in with_graded_cells:  # the others have no graded cell to duplicate
        assert "repaired: duplicated graded cell" in graded[(a, "graded-cell-duplicated")][0].reason
    for a in GRADED:  # bounded as it arrived (sandbox) or, if under that bound, cut after
        reason = graded[(a, "output-flood")][0].reason
        assert "output limit reached" in reason or "cut to 20,000 characters" in reason, reason


def test_key_stripping_is_what_stops_the_input_transformer(tmp_path):
    """Control: with nbgrader's stock sanitize steps the same attack reads the key and wins."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteCells,
        OverwriteKernelspec,
    )
    from traitlets.config import Config

    from negotiation_course.grading.config import make_api

    from .conftest import make_scratch_course

    course = make_scratch_course(tmp_path / "course")
    a = "lesson-00-welcome"
    src, rel = read_nb(source_path(a)), read_nb(release_path(a))
    _submit(course, "attacker", a, hostile.input_transformer(src, rel))
    stock = Config()
    stock.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                              OverwriteCells, CheckCellMetadata]
    result = make_api(course, stock).autograde(a, "attacker", force=True, create=True)
    assert result["success"], result.get("error")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(a, "attacker")
        assert sub.code_score == sub.max_code_score > 0
