
"""make grade: every learner gets a status, grades land once, stock nbgrader sees them all."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from negotiation_course.grading.export import COLUMNS
from negotiation_course.grading.intake import submission_problem
from negotiation_course.grading.outcomes import store_path
from negotiation_course.grading.runner import grade_course, main
from negotiation_course.instructor.nbgrader_cli import nbgrader

from .support.grading_support import LESSON, graded_course

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast


def test_every_learner_has_a_status_never_a_silent_zero(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    assert g.row("complete").score == 1 and g.row("complete").status == "needs review"
    assert g.row("alternative").score == g.row("complete").score  # 55120.00 / 55120 both right
    # an untouched reflection counts as no response (nbgrader scores it 0 itself)
    assert g.row("blank").score == 0 and g.row("blank").status == "graded"
    assert g.row("h-invalid-json").status == \
        f"error: invalid submission ({LESSON}.ipynb is not valid JSON)"
    assert g.row("h-os-exit").status == "error: kernel died"
    assert g.row("never-submitted").status == "missing"
    # one copy-paste of a graded cell is repaired, not a batch-stopping error
    dup = g.row("h-graded-cell-duplicated")
    assert not dup.is_error and "repaired" in dup.reason
    with (g.course / "grades.csv").open() as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    assert {r["learner"] for r in rows} >= {"complete", "h-invalid-json", "never-submitted"}
    assert all(r["status"] for r in rows)
    zero_without_reason = [r for r in rows if float(r["score"]) == 0
                           and r["status"] not in ("needs review", "graded", "missing")
                           and not r["status"].startswith("error: ")]
    assert zero_without_reason == []


def test_an_output_flood_leaves_a_small_notebook(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    path = g.course / "autograded" / "h-output-flood" / LESSON / f"{LESSON}.ipynb"
    assert path.stat().st_size < 500_000
    row = g.row("h-output-flood")
    # bounded as it arrived (the relay ended on an oversized message) or, if each message
    # was under that bound, cut after: which one depends on how ipykernel batched the flood
    assert row.score == 0 and ("output limit reached" in row.reason or "cut" in row.reason), \
        row.reason


def test_gradebook_holds_each_grade_exactly_once_with_four_workers(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    db = sqlite3.connect(g.course / "gradebook.db")
    subs = db.execute("SELECT student_id, assignment_id, COUNT(*) FROM submitted_assignment "
                      "GROUP BY student_id, assignment_id").fetchall()
    # every submission that passed intake (h-invalid-json is refused before nbgrader)
    submitted = {p.parent.name for p in (g.course / "submitted").glob(f"*/{LESSON}")
                 if not submission_problem(p)}
    assert "h-invalid-json" not in submitted
    assert {s for s, _, _ in subs} == submitted
    assert all(n == 1 for _, _, n in subs)
    cells = db.execute("SELECT COUNT(*) FROM grade_cells").fetchone()[0]
    grades = db.execute("SELECT notebook_id, cell_id, COUNT(*) FROM grade "
                        "GROUP BY notebook_id, cell_id").fetchall()
    assert all(n == 1 for _, _, n in grades)
    assert len(grades) == cells * len(submitted)


def test_stock_nbgrader_export_sees_every_learner_with_stock_columns(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    out = g.course / "stock-export.csv"
    nbgrader(g.course, "export", "--to", str(out))
    with out.open() as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames[:4] == ["assignment", "duedate", "timestamp", "student_id"]
        assert "status" not in reader.fieldnames
        learners = {r["student_id"] for r in reader}
    assert learners >= {p.name for p in (g.course / "submitted").iterdir()}
    assert "h-invalid-json" in learners and "never-submitted" in learners


def test_rerun_is_idempotent_and_exit_code_reports_errors(tmp_path_factory, capsys):
    g = graded_course(tmp_path_factory)
    store = store_path(g.course).read_text()
    before = (g.course / "grades.csv").read_text()
    assert main(["--course-dir", str(g.course), "--workers", "2"]) == 1  # errors present
    assert "h-os-exit / lesson-00-welcome: error: kernel died" in capsys.readouterr().err
    assert store_path(g.course).read_text() == store
    assert (g.course / "grades.csv").read_text() == before


def test_a_clean_cohort_exits_zero(tmp_path):
    from .support.grading_support import filled, small_course, submit

    course = small_course(tmp_path / "course")
    submit(course, "only", filled("complete"))
    rows = grade_course(course, 1, progress=False)
    assert [r.status for r in rows] == ["needs review"]
    assert main(["--course-dir", str(course), "--workers", "1"]) == 0


def test_gradebook_is_refreshed_only_when_the_source_changes(tmp_path):
    import nbformat

    from negotiation_course.grading.config import db_url_of, make_api
    from negotiation_course.grading.runner import prepare_gradebook
    from negotiation_course.instructor.nbgrader_cli import ensure_venv_on_path

    from .support.grading_support import small_course

    ensure_venv_on_path()
    course = small_course(tmp_path / "course")
    api = make_api(course)

    def prepare():
        return prepare_gradebook(api, db_url_of(course), api.coursedir.course_id, [LESSON], [])

    assert prepare() == [LESSON]  # new gradebook
    assert prepare() == []  # nothing changed: release/ and the gradebook left alone
    path = course / "source" / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, 4)
    test_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
                     and c.cell_type == "code")
    test_cell.source += "\n# a changed test"
    nbformat.write(nb, path)
    assert prepare() == [LESSON]
