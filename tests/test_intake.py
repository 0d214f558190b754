"""Submissions are checked without following links before anything reads them (issue 11).

Fast tests check :mod:`negotiation_course.grading.intake` on each on-disk hostile case;
one slow test grades a real small cohort holding all of them through the runner and
shows each ends with its expected row while the honest learner is still graded.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from negotiation_course.demo.intake_cases import (
    BAD_ID_STATUS,
    BAD_IDS,
    CASES,
    expected,
    make_nested,
)
from negotiation_course.grading import intake
from negotiation_course.grading.escaping import from_spreadsheet_cell

LESSON = "lesson-00-welcome"
NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def _fake_course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    (course / "source" / LESSON).mkdir(parents=True)
    (course / "source" / LESSON / f"{LESSON}.ipynb").write_bytes(NOTEBOOK)
    (course / "gradebook.db").write_bytes(b"secret")
    return course


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_hostile_case_is_refused_with_its_reason_quickly(tmp_path, case):
    course = _fake_course(tmp_path)
    folder = course / "submitted" / "x" / LESSON
    CASES[case](course, folder, LESSON, NOTEBOOK)
    start = time.monotonic()
    problem = intake.submission_problem(folder)
    assert time.monotonic() - start < 2  # a FIFO does not hang, 100,000 cells are not parsed
    assert f"error: invalid submission ({problem})" == expected(case, LESSON)
    intake.remove_tree(folder)


def test_a_plain_submission_passes(tmp_path):
    folder = tmp_path / LESSON
    folder.mkdir()
    (folder / f"{LESSON}.ipynb").write_bytes(NOTEBOOK)
    (folder / "notes").mkdir()
    (folder / "notes" / "a.txt").write_text("fine")
    assert intake.submission_problem(folder) == ""


@pytest.mark.parametrize("data, why", [
    (b'{"cells": [', "is not valid JSON"),
    (b"\xff\xfe not utf-8", "is not valid JSON"),
    (b"[" * 200_000 + b"]" * 200_000, "is not valid JSON"),  # nesting: RecursionError
    (b'{"cells": [], "n": ' + b"9" * 5_000 + b"}", "is not valid JSON"),  # int digit limit
    (b'[{"cell_type": "raw"}]', "is not a JSON object"),
    (b'{"cells": {"cell_type": "raw"}}', "has no list of cells"),
    (b'{"worksheets": [{"cells": []}], "nbformat": 3}', "has no list of cells"),
])
def test_a_notebook_that_is_not_a_json_notebook_is_refused_with_why(tmp_path, data, why):
    folder = tmp_path / LESSON
    folder.mkdir()
    (folder / f"{LESSON}.ipynb").write_bytes(data)
    start = time.monotonic()
    problem = intake.submission_problem(folder)
    assert time.monotonic() - start < 2
    assert problem.startswith(f"{LESSON}.ipynb {why}"), problem


def test_the_cell_cap_counts_parsed_cells_not_bytes(tmp_path):
    folder = tmp_path / LESSON
    folder.mkdir()
    cell = '{"cell_type": "raw", "metadata": {}, "source": ""}'
    for n, ok in ((intake.MAX_CELLS, True), (intake.MAX_CELLS + 1, False)):
        # the same key in the notebook's metadata is not a cell
        body = ",".join([cell] * n)
        (folder / f"{LESSON}.ipynb").write_text(
            '{"cells": [' + body + '], "metadata": {"cell_type": "x"}, "nbformat": 4, '
            '"nbformat_minor": 5}')
        assert (intake.submission_problem(folder) == "") is ok


def test_an_assignment_folder_that_is_a_link_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert intake.submission_problem(tmp_path / "link") == \
        "the assignment folder is a symbolic link"


@pytest.mark.parametrize("name", ["ada", "a.b-c_d@x", "0"])
def test_good_ids(name):
    assert intake.id_problem(name) == ""


@pytest.mark.parametrize("name", [*BAD_IDS, "", "a b", "a/b", "[ab]", "x" * 65, "<b>"])
def test_bad_ids(name):
    assert intake.id_problem(name)


def test_remove_tree_survives_1500_nested_folders(tmp_path):
    (tmp_path / "work").mkdir()
    make_nested(tmp_path / "work")
    intake.remove_tree(tmp_path / "work")
    assert not (tmp_path / "work").exists()


@pytest.mark.slow  # deep absolute paths: ~15 s
def test_remove_tree_without_rm_is_a_loop_not_recursion(tmp_path):
    (tmp_path / "work").mkdir()
    make_nested(tmp_path / "work")
    intake._remove_iteratively(tmp_path / "work")
    assert not (tmp_path / "work").exists()


NESTED_WORK = """
import os
p = "deep"
for _ in range(1500):
    p = os.path.join(p, "d")
    os.mkdir(p)
"""


@pytest.mark.slow
def test_grading_a_cohort_with_every_hostile_intake_case(tmp_path):
    from negotiation_course.grading.runner import grade_course

    from .support.grading_support import filled, small_course, submit, with_code

    course = small_course(tmp_path / "course")
    submit(course, "honest", filled("complete"))
    submit(course, "nested-work", with_code(NESTED_WORK))  # the kernel leaves 1,500 folders
    good = filled("complete")
    for case, make in CASES.items():
        make(course, course / "submitted" / f"h-{case}" / LESSON, LESSON, good)
    for name in BAD_IDS:
        submit(course, name, good)
    start = time.monotonic()
    rows = grade_course(course, 2, progress=False, limits={"wall_seconds": 20})
    assert time.monotonic() - start < 240
    by = {r.learner: r for r in rows}
    assert by["honest"].status == "needs review" and by["honest"].score == 1
    assert not by["nested-work"].status.startswith("error: grader crashed")
    for case in CASES:
        assert by[f"h-{case}"].status == expected(case, LESSON), case
        assert by[f"h-{case}"].score == 0
    for name in BAD_IDS:
        assert by[name].status == BAD_ID_STATUS
    assert not (course / "autograded" / "*").exists()  # never used as a pattern
    with (course / "grades.csv").open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    learners = [r["learner"] for r in raw]
    assert "'=HYPERLINK(\"x\")" in learners  # escaped for spreadsheets
    assert {from_spreadsheet_cell(n) for n in learners} >= {*BAD_IDS, "honest",
                                                             *(f"h-{c}" for c in CASES)}
    for case in ("link-to-source", "link-to-gradebook", "notebook-is-link"):
        assert not (course / "autograded" / f"h-{case}").exists()
    assert (course / "autograded").stat().st_mode & 0o077 == 0  # nothing world-readable
    intake.remove_tree(course / "submitted" / "h-deep-nesting")
