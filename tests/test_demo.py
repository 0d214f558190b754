
"""make demo end to end, on a small cohort and two assignments to stay quick."""

from __future__ import annotations

import csv

import pytest
from nbgrader.api import Gradebook

from negotiation_course.demo import run as demo
from negotiation_course.demo.standin import LABEL
from negotiation_course.grading.config import db_url_of

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast


def test_demo_runs_the_instructors_whole_job(tmp_path):
    course = tmp_path / "demo"
    code = demo.run(course, workers=2, size="small",
                    only=("lesson-00-welcome", "evaluation"))
    summary = (course / "summary.md").read_text()
    assert code == 0, summary
    assert "DEMO STAND-IN" in summary and "No unexpected problems" in summary
    assert "h-invalid-json / lesson-00-welcome: error: invalid submission" in summary
    with (course / "grades.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["status"] for r in rows} >= {"graded", "missing"}
    assert any(r["status"].startswith("error: ") for r in rows)
    with (course / "canvas_grades.csv").open() as fh:
        assert next(csv.reader(fh))[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID",
                                            "Section"]
    assert len(list((course / "feedback").glob("*/*/*.html"))) >= 10
    assert (course / "evaluation.csv").exists()
    report = (course / "time_report.md").read_text(encoding="utf-8")
    assert "GENERATED answers (not pilot evidence)" in report
    assert "| Welcome: how this course works |" in report  # declared beside reported
    register = (course / "certificates" / "register.csv").read_text().splitlines()
    assert len(register) >= 2  # header and at least one complete learner
    assert len(list((course / "certificates").glob("CSNS-*.pdf"))) == len(register) - 1
    with Gradebook(db_url_of(course), "salary-negotiation-specialist") as gb:
        comments = [c.manual_comment for a in gb.assignments for s in a.submissions
                    for nb in s.notebooks for c in nb.comments if c.manual_comment]
    assert comments and all(c.startswith(LABEL) for c in comments)
    # a second run reuses the graded cohort and issues no duplicate certificates
    assert demo.run(course, workers=2, size="small",
                    only=("lesson-00-welcome", "evaluation")) == 0
    assert (course / "certificates" / "register.csv").read_text().splitlines() == register
