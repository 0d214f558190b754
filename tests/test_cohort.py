"""The sample cohort: deterministic, 30+ learners, every kind of learner present."""

from __future__ import annotations

import random

import nbformat

from negotiation_course.demo import cohort
from negotiation_course.demo.cohort import DUE

from .support.grading_support import notebooks, small_course


def test_full_cohort_has_every_kind_and_at_least_thirty_learners():
    people = cohort.cohort("full")
    kinds = {p.kind for p in people}
    assert len(people) >= 30
    assert {"complete", "alternative", "partly-wrong", "blank", "missing-lesson",
            "late"} <= kinds
    assert {"hostile-read-source", "hostile-invalid-json", "hostile-os-exit"} <= kinds
    assert len({p.id for p in people}) == len(people)


def _tree(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_submissions_are_deterministic_and_timestamps_tell_late_from_on_time(tmp_path):
    people = cohort.cohort("small")
    trees = []
    for name in ("a", "b"):
        course = small_course(tmp_path / name, ("lesson-00-welcome", "evaluation"))
        cohort.write_submissions(course, people)
        trees.append(_tree(course / "submitted"))
    assert trees[0] == trees[1]
    course = tmp_path / "a"
    assert {p.name for p in (course / "submitted").iterdir()} == {p.id for p in people}
    for p in people:
        for stamp in (course / "submitted" / p.id).glob("*/timestamp.txt"):
            from nbgrader.utils import parse_utc

            late = parse_utc(stamp.read_text()) > DUE.replace(tzinfo=None)
            assert late == (p.kind == "late"), p
    missing = [p for p in people if p.kind == "missing-lesson"]
    assert all(len(list((course / "submitted" / p.id).iterdir())) == 1 for p in missing)


def test_alternative_answers_are_written_differently_from_the_solution():
    src, rel = notebooks("lesson-00-welcome")
    alt = cohort.fill(src, rel, "alternative", random.Random(1), "text")
    plain = cohort.fill(src, rel, "complete", random.Random(1), "text")
    assert nbformat.writes(alt) != nbformat.writes(plain)
    answer = next(c for c in alt.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "practice-answer")
    assert "new_salary = 55120" in answer.source  # 55120.0 or 55120: a literal, not 52000*1.06
    blank = cohort.fill(src, rel, "blank", random.Random(1), "text")
    assert nbformat.writes(blank) == nbformat.writes(rel)
