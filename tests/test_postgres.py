
"""A PostgreSQL gradebook through NEGOTIATION_COURSE_DB_URL works with parallel grading."""

from __future__ import annotations

import csv

import pytest

from negotiation_course.grading.runner import grade_course
from negotiation_course.instructor.nbgrader_cli import nbgrader

from .support.grading_support import LESSON, filled, small_course, submit
from .support.pg_fixture import postgres_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast


def test_grading_into_postgres(tmp_path, monkeypatch, postgres_url):  # noqa: F811
    from nbgrader.api import Gradebook

    monkeypatch.setenv("NEGOTIATION_COURSE_DB_URL", postgres_url)
    course = small_course(tmp_path / "course")
    for learner, kind in [("pg-a", "complete"), ("pg-b", "alternative"), ("pg-c", "blank")]:
        submit(course, learner, filled(kind))
    rows = grade_course(course, 2, progress=False)
    assert {(r.learner, r.score) for r in rows} == {("pg-a", 1), ("pg-b", 1), ("pg-c", 0)}
    assert not (course / "gradebook.db").exists()  # nothing went to SQLite
    with Gradebook(postgres_url, "salary-negotiation-specialist") as gb:
        subs = gb.find_assignment(LESSON).submissions
        assert sorted(s.student.id for s in subs) == ["pg-a", "pg-b", "pg-c"]
    # grading again changes nothing and duplicates nothing
    grade_course(course, 2, progress=False, force=True)
    with Gradebook(postgres_url, "salary-negotiation-specialist") as gb:
        assert len(gb.find_assignment(LESSON).submissions) == 3
    out = tmp_path / "export.csv"
    nbgrader(course, "export", "--to", str(out), env={"NEGOTIATION_COURSE_DB_URL": postgres_url})
    with out.open() as fh:
        assert {r["student_id"] for r in csv.DictReader(fh)} == {"pg-a", "pg-b", "pg-c"}
