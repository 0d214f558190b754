"""Certificates: only complete learners, real fields, unique ids, no duplicates."""

from __future__ import annotations

import csv
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
from negotiation_course.grading.outcomes import LearnerStatus
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
                     "Provider number: 7123", "approved by NBCC", "Sam Rivera",
                     "The course title is the provider's title for this course. It is not a "
                     "certification, licence or credential; NBCC does not award or endorse it."):
        assert expected in text, expected


@pytest.mark.parametrize("number, statement", [
    ("", ""), ("7123", ""),
    ("", "Example Career Institute has been approved by NBCC as an Approved Continuing "
         "Education Provider."),
])
def test_without_a_configured_approval_nbcc_is_never_named(tmp_path, number, statement):
    """Number and statement both, or no NBCC at all: no statement, no 'NBCC clock hours'."""
    pdf = tmp_path / "c.pdf"
    render(pdf, certificate_id="CSNS-2026-0001", learner_name="Ada Lovelace",
           course_title="Certified Salary Negotiation Specialist", delivery_format="home study",
           completed_on=date(2026, 3, 20), clock_hours=7, provider_name="",
           provider_number=number, nbcc_statement=statement, instructor="Sam Rivera")
    raw = pdf_text(pdf)
    text = " ".join(raw.split())
    assert "NBCC" not in text and "approved" not in text.lower()
    assert "Certificate of Completion" in text and "7 clock hours" in text
    assert ("Certified Salary Negotiation Specialist The course title is the provider's title "
            "for this course. It is not a certification, licence or credential.") in text
    assert ("Provider number: ____" in raw) == (not number)


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


HEAD = "learner,date,instructor,rubric_score\n"


@pytest.mark.parametrize("content, message", [
    ("name,when\n", "first line must name the columns"),
    ("learner,date,instructor\na,2026-03-01,Sam\n", "add a rubric_score column"),
    (HEAD + "zed,2026-03-01,Sam,6\n", "unknown learner 'zed'"),
    (HEAD + "a,March 1,Sam,6\n", "is not a date like"),
    (HEAD + "a,2999-01-01,Sam,6\n", "is in the future"),
    (HEAD + "a,2026-03-01,,6\n", "instructor's name is empty"),
    (HEAD + "a,2026-03-01,Sam,6\na,2026-03-02,Sam,7\n", "one line per learner"),
    # the rubric score: missing, not a whole number, out of range, shifted by an extra cell
    (HEAD + "a,2026-03-01,Sam,\n", "line 2 ('a'): the rubric_score is empty"),
    (HEAD + "a,2026-03-01,Sam\n", "line 2 ('a'): the rubric_score is empty"),
    (HEAD + "a,2026-03-01,Sam,6.5\n", "line 2 ('a'): rubric_score '6.5' is not a whole number"),
    (HEAD + "a,2026-03-01,Sam,7.0\n", "rubric_score '7.0' is not a whole number"),
    (HEAD + "a,2026-03-01,Sam,six\n", "rubric_score 'six' is not a whole number"),
    (HEAD + "a,2026-03-01,Sam,=1+8\n", "rubric_score '=1+8' is not a whole number"),
    (HEAD + "a,2026-03-01,Sam,9\n", "line 2 ('a'): rubric_score 9 is outside 0 to 8"),
    (HEAD + "a,2026-03-01,Sam,-1\n", "rubric_score -1 is outside 0 to 8"),
    (HEAD + "b,2026-03-01,Sam,5\na,2026-03-01,Rivera, Sam,6\n",
     "line 3: more cells than the 4 columns"),
])
def test_conversations_csv_errors_are_clear(tmp_path, content, message):
    path = tmp_path / "conversations.csv"
    path.write_text(content)
    with pytest.raises(ConversationsError) as err:
        read_conversations(path, {"a", "b"})
    assert message in str(err.value)
    assert "conversations.csv" in str(err.value)


def test_valid_scores_are_read_and_every_bad_line_is_named(tmp_path):
    """0 and the rubric's maximum are valid; several problems are all listed, by line."""
    path = tmp_path / "conversations.csv"
    path.write_text(HEAD + "a,2026-03-01,Sam,0\nb,2026-03-02,Kim, 8 \n")
    talks = read_conversations(path, {"a", "b"})
    assert (talks["a"].rubric_score, talks["b"].rubric_score) == (0, 8)
    path.write_text(HEAD + "a,2026-03-01,Sam,10\nb,2026-03-02,Kim,\n")
    with pytest.raises(ConversationsError) as err:
        read_conversations(path, {"a", "b"})
    assert [p.split(" (")[0] for p in err.value.problems] == [
        "conversations.csv line 2", "conversations.csv line 3"]


def test_a_bad_score_stops_certificates_it_never_passes_silently(tmp_path):
    course = _course(tmp_path, [])
    (course / "conversations.csv").write_text(HEAD + "a,2026-03-10,Sam,9\n")
    with pytest.raises(ConversationsError, match="line 2 .*outside 0 to 8"):
        issue(course, _rows("a"), {"a": "Ada Lovelace"}, today=date(2026, 4, 1))
    assert not (course / "certificates" / "register.csv").exists()


def test_the_score_maximum_comes_from_the_published_rubric(tmp_path):
    """A rubric with other points changes the accepted range: one source, never two."""
    from negotiation_course.grading.mock_negotiation import RUBRIC_PATH

    rubric = tmp_path / "rubric.md"
    rubric.write_text(RUBRIC_PATH.read_text(encoding="utf-8").replace(
        "**Rubric for closing (2 points)**", "**Rubric for closing (3 points)**").replace(
        "| 2 | Sums up what was agreed", "| 3 | Sums up what was agreed"), encoding="utf-8")
    path = tmp_path / "conversations.csv"
    path.write_text(HEAD + "a,2026-03-01,Sam,9\n")
    assert read_conversations(path, {"a"}, rubric=rubric)["a"].rubric_score == 9
    with pytest.raises(ConversationsError, match="outside 0 to 8"):
        read_conversations(path, {"a"})


def test_issue_once_per_learner_with_register(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE_ROOT / "source", course / "source")
    shutil.copy2(COURSE_ROOT / "course.toml", course / "course.toml")
    (course / "conversations.csv").write_text(HEAD + "a,2026-03-10,Sam,8\n"
                                              "b,2026-03-11,Sam,5\n")
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
    assert f"{expected_hours:g} clock hours" in text and "NBCC" not in text
    assert "b,assessment: 3/14 is below the pass mark" in (
        course / "certificates" / "missing.csv").read_text()


def test_issue_reads_the_provider_facts_of_course_toml(tmp_path):
    """The course's [provider] table (through the course model) reaches the certificate."""
    course = tmp_path / "course"
    shutil.copytree(COURSE_ROOT / "source", course / "source")
    toml = (COURSE_ROOT / "course.toml").read_text(encoding="utf-8")
    for key, value in (("name", "Example Career Institute"), ("nbcc_provider_number", "7123"),
                       ("nbcc_approval_statement", "Example Career Institute has been "
                        "approved by NBCC as an Approved Continuing Education Provider.")):
        toml = toml.replace(f'\n{key} = ""', f'\n{key} = "{value}"', 1)
    toml = toml.replace('[provider.instructor]\nname = ""',
                        '[provider.instructor]\nname = "Sam Rivera"')
    (course / "course.toml").write_text(toml, encoding="utf-8")
    (course / "conversations.csv").write_text(HEAD + "a,2026-03-10,Kim,7\n")
    report = issue(course, _rows("a"), {"a": "Ada Lovelace"}, today=date(2026, 4, 1))
    text = " ".join(pdf_text(course / "certificates" / report.issued[0]["file"]).split())
    for expected in ("Provider: Example Career Institute", "Provider number: 7123",
                     "approved by NBCC", "NBCC clock hours", "Sam Rivera, instructor",
                     "NBCC does not award or endorse it"):
        assert expected in text, expected


# --- names in every script, and names that are the learner's own ------------------------

NAMES = {
    "latin": "Chloé Jovanović Łukasz Ñúñez",
    "greek": "Ελένη Παπαδοπούλου",
    "cyrillic": "Дмитрий Иванов",
    "arabic": "فاطمة الزهراء",
    "devanagari": "अनीता शर्मा",
    "chinese": "王小明",
    "japanese": "山田 太郎",
    "korean": "김민준",
    "emoji": "Zoë 😀 Smith",
}
FONT_FILE = {"arabic": "NotoSansArabic", "devanagari": "NotoSansDevanagari",
             "chinese": "NotoSansCJK", "japanese": "NotoSansCJK", "korean": "NotoSansCJK",
             "emoji": "Symbola", "greek": "NotoSans", "latin": "NotoSans"}


def _render(path: Path, name: str, learner: str = "a1") -> None:
    render(path, certificate_id="CSNS-2026-0007", learner_name=name, course_title="Course",
           delivery_format="home study", completed_on=date(2026, 3, 20), clock_hours=7,
           provider_name="Example", provider_number="7123", nbcc_statement="",
           instructor="Sam Rivera", learner=learner)


def _embedded_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("script", sorted(NAMES))
def test_names_in_every_script_print_in_a_font_that_has_them(tmp_path, script):
    """pdftotext reads the name back in logical order (shaped, not blank boxes), and the
    font holding its letters is embedded."""
    pdf = tmp_path / "c.pdf"
    _render(pdf, NAMES[script])
    assert NAMES[script] in " ".join(pdf_text(pdf).split())
    if script in FONT_FILE:
        assert FONT_FILE[script] in _embedded_fonts(pdf)


def test_a_name_no_installed_font_has_is_refused_naming_the_learner(tmp_path):
    from negotiation_course.grading.fonts import FontCoverageError

    with pytest.raises(FontCoverageError) as err:
        _render(tmp_path / "c.pdf", "𞤀𞤣𞤤𞤢𞤥 Bah", learner="adlam01")  # Adlam: not in the chain
    assert "learner 'adlam01'" in str(err.value) and "U+1E900" in str(err.value)
    assert not (tmp_path / "c.pdf").exists()


def test_without_text_shaping_arabic_is_refused_not_printed_backwards(monkeypatch):
    from negotiation_course.grading import fonts

    with pytest.raises(fonts.FontCoverageError, match="Arabic script needs text shaping"):
        fonts.faces_for({"the name of learner 'f1'": NAMES["arabic"]}, shaping=False)
    assert fonts.faces_for({"x": NAMES["cyrillic"]}, shaping=False)[0].family == "NotoSans"


@pytest.mark.parametrize("name", ["Bob\u202eevil", "Ada\u0007Lovelace", "Line\u2028break"])
def test_names_with_control_or_reordering_characters_are_not_printed(name):
    state = completion("a", name, _rows("a"), 0.75, Conversation("a", date(2026, 3, 10), "S"))
    assert not state.complete
    assert "would hide or reorder" in state.missing[0] and "U+" in state.missing[0]


def _course(tmp_path: Path, learners: list[str]) -> Path:
    course = tmp_path / "course"
    shutil.copytree(COURSE_ROOT / "source", course / "source")
    shutil.copy2(COURSE_ROOT / "course.toml", course / "course.toml")
    (course / "conversations.csv").write_text(
        HEAD + "".join(f"{x},2026-03-10,Sam,6\n" for x in learners))
    return course


def test_register_and_missing_list_are_safe_in_a_spreadsheet_and_read_back(tmp_path):
    from negotiation_course.demo.web_cases import NAMES as HOSTILE

    learners = [f"l{i}" for i in range(len(HOSTILE))] + ["adlam01"]
    course = _course(tmp_path, learners)
    names = {f"l{i}": " ".join(pair) for i, pair in enumerate(HOSTILE)}
    names["adlam01"] = "𞤀𞤣𞤤𞤢𞤥 Bah"
    printable = {k for k, v in names.items() if "\t" not in v and "\r" not in v} - {"adlam01"}
    rows = [r for learner in names for r in _rows(learner)]
    first = issue(course, rows, names, today=date(2026, 4, 1))
    assert sorted(e["learner"] for e in first.issued) == sorted(printable)
    assert len(first.unprintable) == 1 and "learner 'adlam01'" in first.unprintable[0]
    with (course / "certificates" / "register.csv").open(newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert all(not c.lstrip(" ").startswith(("=", "+", "-", "@", "\uff1d")) for c in cells)
    assert "'=HYPERLINK(" in (course / "certificates" / "register.csv").read_text()
    second = issue(course, rows, names, today=date(2026, 4, 2))  # read back: no duplicates
    assert second.issued == [] and {e["name"] for e in second.kept} == {
        names[k] for k in printable}
    with (course / "certificates" / "missing.csv").open(newline="") as fh:
        missing = {r["learner"]: r["missing"] for r in csv.DictReader(fh)}
    assert missing["adlam01"].startswith("certificate: cannot print the name of learner 'adlam01'")
    assert "U+000D" in missing["l3"] and "U+0009" in missing["l2"]


def test_latin_names_embed_no_cjk_font_and_render_times_are_printed(tmp_path, capsys):
    """Only the faces a certificate needs are embedded (times printed, never asserted)."""
    import time

    timings = {}
    for script in ("latin", "chinese", "latin"):
        start = time.perf_counter()
        _render(tmp_path / f"{script}.pdf", NAMES[script])
        timings.setdefault(script, []).append(round(time.perf_counter() - start, 2))
    assert "CJK" not in _embedded_fonts(tmp_path / "latin.pdf")
    assert "CJK" in _embedded_fonts(tmp_path / "chinese.pdf")
    with capsys.disabled():
        print(f"\ncertificate render seconds (latin, chinese, latin again): {timings}")


@pytest.mark.parametrize("size", ["full", "small"])
def test_the_demo_record_of_conversations_reads_back_with_valid_scores(tmp_path, size):
    """make demo writes the new column: every demo line passes the same check as a real one."""
    from negotiation_course.demo import cohort
    from negotiation_course.demo.run import write_conversations

    people = cohort.cohort(size)
    write_conversations(tmp_path, people)
    talks = read_conversations(tmp_path / "conversations.csv", {p.id for p in people})
    assert talks and all(0 <= t.rubric_score <= 8 for t in talks.values())
    assert len({t.rubric_score for t in talks.values()}) > 1 or len(talks) == 1
