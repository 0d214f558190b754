"""A DEMO STAND-IN for the human grader of reflections; never use it for real learners.

Reflections are graded by the instructor in formgrader. ``make demo`` has no instructor, so
this stand-in sets manual scores through nbgrader's Gradebook API with a crude, visible
rule (full points for a written answer of at least 15 words that contains a commitment
"I will"; zero otherwise) and labels every score it sets in the grade comment.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

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


def score_text(text: str, points: float) -> tuple[float, str]:
    words = len(re.findall(r"\w+", text))
    if "YOUR ANSWER HERE" in text or words < MIN_WORDS:
        return 0.0, f"no reflection of at least {MIN_WORDS} words"
    if not re.search(r"\bI will\b", text):
        return points / 2, "written, but without a commitment ('I will ...')"
    return points, "written, with a commitment to change"


def grade_reflections(course_dir: Path, db_url: str, course_id: str,
                      skip: set[tuple[str, str]]) -> int:
    """Score every ungraded reflection except in ``skip`` (learner, assignment); count them."""
    from nbgrader.api import Gradebook

    count = 0
    with Gradebook(db_url, course_id) as gb:
        for assignment in gb.assignments:
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
                        text = texts.get((nb.name, grade.cell.name), "")
                        score, why = score_text(text, grade.max_score)
                        grade.manual_score = score
                        grade.needs_manual_grade = False
                        if grade.cell.name in comments:
                            comments[grade.cell.name].manual_comment = LABEL + why
                        count += 1
                gb.db.commit()
    return count
