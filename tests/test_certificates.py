"""Certificates: only complete learners, real fields, unique ids, no duplicates."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from negotiation_course import hours
from negotiation_course.grading.certificates import (
    Conversation,
    ConversationsError,
    completion,
    issue,
    read_conversations,
    render,
)
from negotiation_course.grading.status import LearnerStatus
from negotiation_course.instructor import clock_hours
from negotiation_course.paths import COURSE_ROOT


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_certificate_shows_the_configured_fields(tmp_path):
    pdf = tmp_path / "c.pdf"
    render(pdf, certificate_id="CSNS-2026-0042", learner_name="Chloé Jovanović",
           course_title="Certified Salary Negotiation Specialist", delivery_format="home study",
           completed_on=date(2026, 3, 20), clock_hours=6.75,
           provider_name="Example Career Institute", provider_number="7123",
           nbcc_statement="Example Career Institute has been approved by NBCC as an Approved "
                          "Continuing Education Provider, ACEP No. 7123.",
           instructor="Sam Rivera")
    text = " ".join(pdf_text(pdf).split())
    for expected in ("Certificate of Completion", "Chloé Jovanović", "CSNS-2026-0042",
                     "Certified Salary Negotiation Specialist", "home study", "2026-03-20",
                     "6.75 NBCC clock hours", "Provider: Example Career Institute",
                     "Provider number: 7123", "approved by NBCC", "Sam Rivera"):
        assert expected in text, expected


def test_unset_provider_number_is_a_blank_line_and_no_nbcc_statement(tmp_path):
    pdf = tmp_path / "c.pdf"
    render(pdf, certificate_id="CSNS-2026-0001", learner_name="Ada Lovelace",
           course_title="Course", delivery_format="home study", completed_on=date(2026, 3, 20),
           clock_hours=7, provider_name="", provider_number="", nbcc_statement="",
           instructor="Sam Rivera")
    text = pdf_text(pdf)
    assert "Provider number: ____" in text
    assert "NBCC clock hours" in text and "approved" not in text.lower()


def _rows(learner, lesson="graded", score=12.0, evaluation="graded"):
    return [LearnerStatus(learner, "lesson-00-welcome", 2, 2, lesson, "", "2026-03-01 10:00:00"),
            LearnerStatus(learner, "assessment", score, 14, "graded", "", "2026-03-02 10:00:00"),
            LearnerStatus(learner, "evaluation", 0, 0, evaluation, "", "2026-03-03 10:00:00")]


def test_completion_lists_what_is_missing():
    talk = Conversation("a", date(2026, 3, 10), "Sam Rivera")
    done = completion("a", "Ada Lovelace", _rows("a"), 0.75, talk)
    assert done.complete and done.completed_on == date(2026, 3, 10)
    state = completion("b", "", _rows("b", lesson="needs review", score=9,
                                      evaluation="missing"), 0.75, None)
    text = "; ".join(state.missing)
    assert "lesson-00-welcome: worksheet parts graded by hand are not graded yet" in text
    assert "9/14 is below the pass mark of 75%" in text
    assert "evaluation: not submitted" in text
    assert "instructor conversation not recorded" in text
    assert "learner's name" in text


@pytest.mark.parametrize("content, message", [
    ("name,when\n", "first line must name the columns"),
    ("learner,date,instructor\nzed,2026-03-01,Sam\n", "unknown learner 'zed'"),
    ("learner,date,instructor\na,March 1,Sam\n", "is not a date like"),
    ("learner,date,instructor\na,2999-01-01,Sam\n", "is in the future"),
    ("learner,date,instructor\na,2026-03-01,\n", "instructor's name is empty"),
    ("learner,date,instructor\na,2026-03-01,Sam\na,2026-03-02,Sam\n", "one line per learner"),
])
def test_conversations_csv_errors_are_clear(tmp_path, content, message):
    path = tmp_path / "conversations.csv"
    path.write_text(content)
    with pytest.raises(ConversationsError) as err:
        read_conversations(path, {"a", "b"})
    assert message in str(err.value)
    assert "conversations.csv" in str(err.value)


def test_issue_once_per_learner_with_register(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE_ROOT / "source", course / "source")
    shutil.copy2(COURSE_ROOT / "course.toml", course / "course.toml")
    (course / "conversations.csv").write_text("learner,date,instructor\na,2026-03-10,Sam\n"
                                              "b,2026-03-11,Sam\n")
    rows = _rows("a") + _rows("b", score=3)
    names = {"a": "Ada Lovelace", "b": "Grace Hopper"}
    first = issue(course, rows, names, today=date(2026, 4, 1))
    assert [e["learner"] for e in first.issued] == ["a"]
    assert [c.learner for c in first.incomplete] == ["b"]
    second = issue(course, rows, names, today=date(2026, 4, 2))
    assert second.issued == [] and [e["certificate_id"] for e in second.kept] == [
        first.issued[0]["certificate_id"]]
    register = (course / "certificates" / "register.csv").read_text().splitlines()
    assert len(register) == 2  # header + one certificate
    expected_hours = hours.clock_hours(clock_hours.compute(course), conversation=True)
    text = pdf_text(course / "certificates" / first.issued[0]["file"])
    assert f"{expected_hours:g} NBCC clock hours" in text
    assert "b,assessment: 3/14 is below the pass mark" in (
        course / "certificates" / "missing.csv").read_text()
