"""The final assessment: every content objective assessed, keys hidden and consistent with the
options offered, and a pass mark read from course.toml rather than typed. Cost: under a second.
"""

from __future__ import annotations

import ast
import re
import tomllib

from negotiation_course import course
from negotiation_course.course import objective_tags
from negotiation_course.grading.answer_key import keys_in
from negotiation_course.paths import COURSE_ROOT

from .conftest import read_nb, release_path, source_path
from .support.course_model import CONTENT_OBJECTIVES

NB = read_nb(source_path("assessment"))
TEXT = "\n".join(c.source for c in NB.cells if c.cell_type == "markdown")


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


TEST_CELLS = [c for c in NB.cells if _meta(c).get("grade") and not _meta(c).get("solution")]


def test_between_10_and_15_autograded_questions_and_no_manual_grading():
    assert 10 <= len(TEST_CELLS) <= 15
    assert all(_meta(c)["points"] > 0 for c in TEST_CELLS)
    assert not [c for c in NB.cells if _meta(c).get("grade") and _meta(c).get("solution")]
    assert len(re.findall(r"^### Question \d+ \(O\d\)", TEXT, re.M)) == len(TEST_CELLS)


def test_every_content_objective_is_assessed_by_at_least_one_item():
    assessed = {t for c in TEST_CELLS for t in objective_tags(c.metadata.get("tags", []))}
    missing = [o for o in CONTENT_OBJECTIVES if o not in assessed]
    assert not missing, f"objectives with no assessment item: {missing}"


def _options(source: str) -> list[str]:
    call = ast.parse(source.split("### BEGIN HIDDEN TESTS")[0]).body[0].value
    (options,) = [k.value for k in call.keywords if k.arg == "options"]
    return ast.literal_eval(options)


def test_every_key_is_one_of_the_options_the_learner_is_offered():
    letters = []
    for cell in TEST_CELLS:
        (key,) = keys_in(cell.source)
        options = _options(cell.source)
        assert set(key.expected) <= set(options), key.id
        if key.kind == "text":
            letters.append(key.expected[0])
    assert len(set(letters)) >= 3  # the right answer is not always the same letter


def test_release_holds_no_answer_keys_or_solutions():
    text = release_path("assessment").read_text(encoding="utf-8")
    assert "answer-key" not in text and "BEGIN SOLUTION" not in text
    assert text.count("= ...  # replace ... with") == len(TEST_CELLS)


def test_the_learner_is_told_what_passing_counts_for():
    assert "passing counts for your certificate" in TEXT
    assert "Hidden tests check the exact answers after you submit" in TEXT


def test_pass_mark_comes_from_course_toml():
    with (COURSE_ROOT / "course.toml").open("rb") as fh:
        configured = tomllib.load(fh)["assessment"]["pass_mark"]
    assert course.load().pass_mark == configured and 0 < configured <= 1


def test_numbers_in_the_questions_match_the_lessons_data():
    from negotiation_course import data

    evidence = data.load("negotiation_evidence")
    paper = evidence[evidence["study"] == "marks_harold_2011"]["figure"]
    assert 634198 in set(paper) and "\\$634,198" in TEXT
    recomputed = set(evidence[evidence["study"] == "marks_harold_2011_recomputed"]["figure"])
    assert 604000 in recomputed and "\\$604,000" in TEXT


def test_learners_bundle_can_show_the_pass_mark(tmp_path):
    """Learners run the bundle's own copy of the package, which must find course.toml."""
    import subprocess
    import sys

    from negotiation_course.instructor import bundle

    dest = bundle.build(tmp_path / "student")
    proc = subprocess.run([sys.executable, "-c",
                           "import negotiation_course.course as c; print(c.course_file().parent, "
                           "c.load().pass_mark)"], cwd=dest, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    root, mark = proc.stdout.split()
    assert root == str(dest) and float(mark) == course.load().pass_mark
