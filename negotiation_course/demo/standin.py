"""A DEMO STAND-IN for the human grader of reflections; never use it for real learners.

Reflections are graded by the instructor in formgrader, with the rubric published above each
answer cell (:mod:`negotiation_course.grading.rubric`). ``make demo`` has no instructor, so
this stand-in sets manual scores through nbgrader's Gradebook API by picking one of the
rubric's three levels with a crude, visible rule on the answer text:

* bottom level (0 points): the stub is left, or fewer than 15 words are written;
* top level (full points): 15 words or more, with a commitment "I will" (every prompt asks
  for one);
* middle level: 15 words or more without that commitment.

It assigns that level's points and writes the level's descriptor as the grade comment,
labelled as the stand-in's, so nobody mistakes it for a review. The rubric is read from the
instructor's ``source/`` copy, never from the learner's submission.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from ..grading.rubric import Level, Rubric, rubrics_of

LABEL = "DEMO STAND-IN for the human grader (make demo), not a real review: "
MIN_WORDS = 15


def _answers(course_dir: Path, learner: str, assignment: str) -> dict[tuple[str, str], str]:
    out = {}
    for path in (course_dir / "autograded" / learner / assignment).glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
                out[(path.stem, meta["grade_id"])] = cell.source
    return out


def pick_level(text: str, rubric: Rubric) -> tuple[Level, str]:
    """The rubric level the stand-in rule gives ``text``, and the rule's reason."""
    words = len(re.findall(r"\w+", text))
    top, middle, bottom = rubric.levels
    if "YOUR ANSWER HERE" in text or words < MIN_WORDS:
        return bottom, f"fewer than {MIN_WORDS} words written"
    if not re.search(r"\bI will\b", text):
        return middle, "written, but without a commitment ('I will ...')"
    return top, "written, with a commitment to change"


def score_text(text: str, rubric: Rubric) -> tuple[int, str]:
    """Points and the grader's comment: the chosen level's descriptor, labelled."""
    level, why = pick_level(text, rubric)
    return level.points, (f"{LABEL}rubric level {level.points} of {rubric.points} "
                          f"({why}): {level.descriptor}")


def _rubrics(course_dir: Path, assignment: str) -> dict[tuple[str, str], Rubric]:
    out = {}
    for path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
        out.update({(path.stem, gid): r for gid, r in rubrics_of(path).items()})
    return out


def grade_reflections(course_dir: Path, db_url: str, course_id: str,
                      skip: set[tuple[str, str]]) -> int:
    """Score every ungraded reflection except in ``skip`` (learner, assignment); count them."""
    from nbgrader.api import Gradebook

    count = 0
    with Gradebook(db_url, course_id) as gb:
        for assignment in gb.assignments:
            rubrics = _rubrics(course_dir, assignment.name)
            for sub in assignment.submissions:
                key = (sub.student.id, assignment.name)
                if key in skip or not sub.needs_manual_grade:
                    continue
                texts = _answers(course_dir, *key)
                for nb in sub.notebooks:
                    comments = {c.cell.name: c for c in nb.comments}
                    for grade in nb.grades:
                        if grade.cell.cell_type != "markdown" or grade.manual_score is not None:
                            continue
                        rubric = rubrics.get((nb.name, grade.cell.name))
                        if rubric is None:  # no published rubric: left for a human
                            continue
                        text = texts.get((nb.name, grade.cell.name), "")
                        score, comment = score_text(text, rubric)
                        grade.manual_score = score
                        grade.needs_manual_grade = False
                        if grade.cell.name in comments:
                            comments[grade.cell.name].manual_comment = comment
                        count += 1
                gb.db.commit()
    return count
