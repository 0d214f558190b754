"""The mock negotiation: the published rubric, both briefs, who gets which, and the score check.

The learner brief and the rubric ship in the student bundle; the instructor's brief (the
employer's secret room to move) never does. The brief's case is Lesson 3's composite client:
its market figures are checked against data/, its case figures against the lesson when the
lesson is present. About 3 s.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from negotiation_course import data
from negotiation_course.grading import mock_negotiation as mock
from negotiation_course.grading.certificates import read_conversations
from negotiation_course.grading.rubric import RubricError
from negotiation_course.instructor import bundle
from negotiation_course.paths import COURSE_ROOT

from .conftest import ASSIGNMENTS
from .test_no_leaks import _hidden_only_literals, _leaks

LEARNER_BRIEF = COURSE_ROOT / "student" / "mock-negotiation" / "learner-brief.md"
INSTRUCTOR_BRIEF = COURSE_ROOT / "docs" / "instructor" / "mock-negotiation.md"
LESSON_3 = COURSE_ROOT / "lessons" / "lesson-03-negotiating-the-offer.md"
#: Lesson 3's case as its text states it (Dana, Northfield, Brightline); the brief repeats it.
CASE = ("$104,000", "$95,000", "$112,000", "4%", "$7,200", "20 paid days off", "5% bonus",
        "$118,000", "2% match", "$4,800", "10 paid days off", "$6,000 sign-on")
#: The employer's room to move: in the instructor's brief only.
SECRETS = ("$120,000", "$125,000", "up to 25", "Northfield's room to move")
ONE_PAGE_WORDS = 600
DOLLARS = r"\$\d{1,3}(?:,\d{3})*"


def _plain(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").replace("\\$", "$").split())


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bundle.build(tmp_path_factory.mktemp("bundle") / "student")


# --- the rubric -------------------------------------------------------------------------

def test_the_rubric_has_four_criteria_of_three_whole_point_levels() -> None:
    criteria = mock.criteria()
    assert tuple(c.label for c in criteria) == mock.CRITERIA
    assert all([lv.points for lv in c.levels] == [2, 1, 0] for c in criteria)
    assert mock.max_score() == 8
    assert "a whole number from 0 to 8" in _plain(mock.RUBRIC_PATH)  # the prose agrees


@pytest.mark.parametrize("change, words", [
    (("**Rubric for closing (2 points)**", "**Rubric for ending (2 points)**"),
     "criteria must be preparation, anchoring, objection, closing"),
    (("| 1 | Sums up the agreement", "| 3 | Sums up the agreement"), "levels must fall"),
    (("| 0 | Ends without a summary", "| x | Ends without a summary"), "whole number"),
    (("**Rubric for anchoring (2 points)**", "**Rubric for anchoring (3 points)**"),
     "the top level gives 2 points but the title says 3"),
])
def test_a_malformed_rubric_is_refused_with_what_to_fix(tmp_path, change, words) -> None:
    broken = tmp_path / "rubric.md"
    text = mock.RUBRIC_PATH.read_text(encoding="utf-8")
    assert change[0] in text
    broken.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(RubricError, match=re.escape(words)):
        mock.criteria(broken)


@pytest.mark.parametrize("raw, ok", [
    ("0", True), ("8", True), (" 5 ", True), ("+3", True),
    ("", False), ("  ", False), ("8.0", False), ("7.5", False), ("9", False), ("-1", False),
    ("six", False), ("1e1", False), ("=8", False), ("5/8", False),
])
def test_score_check(raw: str, ok: bool) -> None:
    assert (mock.score_problem(raw, 8) is None) == ok


# --- the briefs -------------------------------------------------------------------------

def test_the_learner_brief_states_lesson_3s_case() -> None:
    text = _plain(LEARNER_BRIEF)
    assert "Dana" in text and "composite client" in text and "Northfield" in text
    for figure in CASE:
        assert figure in text, figure
    if LESSON_3.exists():  # the lesson is the case's one source; the brief must follow it
        lesson = _plain(LESSON_3)
        for figure in ("$104,000", "$95,000", "$112,000", "$7,200", "$118,000", "$4,800",
                       "$6,000", "Friday", "Dana", "Northfield", "Brightline"):
            assert figure in lesson, f"Lesson 3 no longer says {figure}; update the brief"


def test_the_learner_briefs_market_figures_are_the_data() -> None:
    row = data.oews_range("15-1252", release="May 2025", area_code="18140")
    text = _plain(LEARNER_BRIEF)
    for key in ("a_pct25", "a_median", "a_pct75"):
        assert f"${int(row[key]):,}" in text, key
    assert row["flag"] == "S" and "flag S" in text and "May 2025" in text


def test_every_dollar_figure_in_the_learner_brief_is_the_case_or_the_data() -> None:
    row = data.oews_range("15-1252", release="May 2025", area_code="18140")
    known = {f"${int(row[k]):,}" for k in ("a_pct25", "a_median", "a_pct75")}
    known |= set(re.findall(DOLLARS, " ".join(CASE)))
    stated = set(re.findall(DOLLARS, _plain(LEARNER_BRIEF)))
    assert stated and stated <= known, stated - known


def test_the_learner_brief_gives_no_answer_to_work_out() -> None:
    """It asks for the walk-away point; it never states it (nor Lesson 3's other answers)."""
    text = _plain(LEARNER_BRIEF)
    assert not re.search(r"walk-away[^.]*\$\d", text)
    assert not any(s in text for s in SECRETS)
    files = [(str(p), p.read_text(encoding="utf-8")) for p in (LEARNER_BRIEF, mock.RUBRIC_PATH)]
    for assignment in ASSIGNMENTS:
        if _hidden_only_literals(assignment):
            assert _leaks(assignment, files) == set(), assignment


@pytest.mark.parametrize("path", [LEARNER_BRIEF, INSTRUCTOR_BRIEF], ids=["learner", "instructor"])
def test_each_brief_fits_on_a_page_and_points_to_the_rubric(path: Path) -> None:
    text = _plain(path)
    words = re.findall(r"[\w$][\w$',.%-]*", text)  # table rules and bullets are not words
    assert 200 <= len(words) <= ONE_PAGE_WORDS, len(words)
    assert "rubric" in text.lower() and "Dana" in text


def test_the_instructors_brief_holds_the_employers_room_and_the_record_format(tmp_path) -> None:
    text = _plain(INSTRUCTOR_BRIEF)
    assert "do not share with learners" in text
    for secret in SECRETS:
        assert secret in text, secret
    example = re.search(r"```\n(learner,date,instructor,rubric_score\n.*?)```",
                        INSTRUCTOR_BRIEF.read_text(encoding="utf-8"), re.S).group(1)
    path = tmp_path / "conversations.csv"
    path.write_text(example, encoding="utf-8")
    (talk,) = read_conversations(path, {"a1"}).values()  # the documented line is valid
    assert 0 <= talk.rubric_score <= mock.max_score()


def test_the_bundle_ships_the_learner_files_and_never_the_instructors_brief(student) -> None:
    shipped = student / bundle.MOCK_DIR_NAME
    assert sorted(p.name for p in shipped.iterdir()) == ["learner-brief.md", "rubric.md"]
    assert (shipped / "rubric.md").read_bytes() == mock.RUBRIC_PATH.read_bytes()
    assert not (student / "docs").exists()
    marker = "Northfield's room to move"
    for path in student.rglob("*"):
        if path.is_file() and path.suffix in {".md", ".py", ".ipynb", ".txt", ".json", ".csv"}:
            assert marker not in path.read_text(encoding="utf-8"), path

