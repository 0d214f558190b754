"""Every reflection has one published three-level rubric: in source/, in release/, and used
by the demo's stand-in grader (issue 12 §5)."""

from __future__ import annotations

import nbformat
import pytest

from negotiation_course.demo import standin
from negotiation_course.grading import rubric
from negotiation_course.grading.rubric import RubricError

from .conftest import ASSIGNMENTS, ROOT, read_nb, release_path, source_path

GOOD = """**Rubric for 1n (3 points)**

| Points | What the answer does |
|---|---|
| 3 | Names the hesitation, the benefit and a commitment. |
| 1 | Does part of this. |
| 0 | Not yet: blank or off the topic. |
"""


def _reflection_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if rubric.is_reflection(c)]


def test_a_well_formed_rubric_parses_top_level_first():
    r = rubric.parse(GOOD, "item1n-reflection")
    assert (r.grade_id, r.label, r.points) == ("item1n-reflection", "1n", 3)
    assert [lv.points for lv in r.levels] == [3, 1, 0]
    assert r.level(1).descriptor == "Does part of this."


@pytest.mark.parametrize("source, says", [
    ("", "empty"),
    (GOOD.replace("**Rubric for 1n (3 points)**", "Rubric 1n"), "first line"),
    (GOOD.replace("| 1 | Does part of this. |\n", ""), "3 level rows"),
    (GOOD.replace("| Points |", "| Score |"), "header"),
    (GOOD.replace("|---|---|", "| - | - |"), "second table line"),
    (GOOD.replace("| 1 |", "| 1.5 |"), "whole number"),
    (GOOD.replace("Does part of this.", ""), "no description"),
    (GOOD.replace("(3 points)", "(4 points)"), "title says 4"),
    (GOOD.replace("| 1 |", "| 3 |"), "fall strictly"),
    (GOOD.replace("| 0 |", "| 0.5 |"), "whole number"),
    (GOOD.replace("| 1 | Does part of this. |", "| 1 | a | b |"), "two columns"),
])
def test_malformed_rubrics_say_what_is_wrong(source, says):
    with pytest.raises(RubricError, match="rubric for 1n-id") as exc:
        rubric.parse(source, "1n-id")
    assert says in str(exc.value)


def _nb(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _answer(grade_id="r1", points=3):
    cell = nbformat.v4.new_markdown_cell("answer")
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "grade_id": grade_id,
                                 "points": points, "locked": False, "task": False}
    return cell


def _rubric_cell(grade_id="r1", source=GOOD):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata.update(rubric_for=grade_id, nbgrader={"grade": False, "solution": False,
                                                        "locked": True, "grade_id": "x"})
    return cell


@pytest.mark.parametrize("cells, says", [
    ([_answer()], "no rubric cell directly above"),
    ([_rubric_cell(), nbformat.v4.new_markdown_cell("prompt"), _answer()], "not directly above"),
    ([_rubric_cell("r2"), _answer()], "not directly above"),
    ([_rubric_cell(), _rubric_cell(), _answer()], "two rubric cells"),
    ([_rubric_cell(), _answer(points=2)], "worth 2"),
])
def test_a_reflection_needs_exactly_one_fitting_rubric_directly_above(cells, says):
    with pytest.raises(RubricError, match=says):
        rubric.reflections(_nb(*cells))


def test_a_fitting_rubric_is_listed_with_its_reflection():
    (found,) = rubric.reflections(_nb(nbformat.v4.new_markdown_cell("prompt"), _rubric_cell(),
                                      _answer()))
    assert (found.grade_id, found.points, found.cell_index) == ("r1", 3, 2)
    assert found.rubric.points == 3


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_reflection_has_one_read_only_rubric_shown_in_release(assignment):
    src = read_nb(source_path(assignment))
    listed = rubric.reflections(src)  # raises, naming the cell, if any rubric is wrong
    assert [r.cell_index for r in listed] == _reflection_cells(src)
    rel = read_nb(release_path(assignment))
    for r in listed:
        cell = src.cells[r.cell_index - 1]
        meta = cell.metadata["nbgrader"]
        assert meta["locked"] and not meta["grade"] and not meta["solution"], (
            f"the rubric for {r.grade_id} must be a read-only cell")
        assert r.rubric.points == r.points and len(r.rubric.levels) == 3
        shown = [i for i, c in enumerate(rel.cells) if rubric.rubric_target(c) == r.grade_id]
        assert len(shown) == 1, f"release/{assignment} does not show the rubric for {r.grade_id}"
        (i,) = shown
        assert rel.cells[i].source == cell.source
        assert rel.cells[i + 1].metadata["nbgrader"]["grade_id"] == r.grade_id


def test_the_course_has_rubrics_for_its_reflections():
    total = sum(len(rubric.reflections(read_nb(source_path(a)))) for a in ASSIGNMENTS)
    assert total >= 5  # 0b, 1n, 1o, 2k, 2l


def test_stand_in_picks_a_rubric_level_and_comments_its_descriptor():
    r = rubric.parse(GOOD, "item1n-reflection")
    committed = ("She accepted the first offer because she feared losing it; flexibility "
                 "mattered most. I will rehearse one request with every client.")
    written = committed.replace("I will", "Next time I could")
    for text, points in [(committed, 3), (written, 1), ("Too short.", 0),
                         ("YOUR ANSWER HERE " * 10, 0)]:
        score, comment = standin.score_text(text, r)
        assert score == points
        assert comment.startswith(standin.LABEL)
        assert comment.endswith(r.level(points).descriptor)
        assert f"rubric level {points} of 3" in comment


def test_stand_in_reads_the_rubrics_from_the_instructors_source():
    found = standin._rubrics(ROOT, "lesson-01-why-negotiate")
    key = ("lesson-01-why-negotiate", "item1n-reflection")
    assert key in found and found[key].points == 3
