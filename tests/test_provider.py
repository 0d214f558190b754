"""The provider file a reviewer asks for (issue 12 §4): facts, packet, no key for reviewers.

The provider's facts are read through the course model and shown by the welcome lesson
with a visible "to be completed by the provider" for every empty one; NBCC is named only
once a provider number and statement are configured. ``make provider-packet`` writes a
reviewer's copy that holds no answer key, model answer or hidden test (scanned here, and
the scan is shown to catch a leak) and an instructor's copy that holds the key.
Cost: about 15 s (one packet, a few PDFs).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from negotiation_course import evaluation, hours, welcome
from negotiation_course.course import CourseFileError, load
from negotiation_course.instructor import clock_hours, provider
from negotiation_course.paths import COURSE_ROOT

CONFIGURED = '''
[provider]
name = "Example Career Institute"
nbcc_provider_number = "7123"
nbcc_approval_statement = """Example Career Institute has been approved by NBCC as an \
Approved Continuing Education Provider, ACEP No. 7123."""
content_area = "Career counseling"
release_date = "2026-01-15"
last_review_date = "2026-11-30"
conflict_of_interest = "The authors declare no conflict of interest."
accommodations = "Write to access@example.org; we answer within five working days."
complaints = "Write to the director at complaints@example.org."
booking = "Book a half hour at https://example.org/book."

[provider.instructor]
name = "Sam Rivera"
credentials = "PhD, NCC"
contact = "sam@example.org"

[provider.assessment_author]
name = "Kim Lee"
credentials = "MS, NCC"

[[provider.authors]]
name = "Ana Diaz"
credentials = "MA, NCC"

[[provider.authors]]
name = "Ben Okafor"
credentials = "EdD"

[[provider.presenters]]
name = "Ana Diaz"
credentials = "MA, NCC"
'''


def _course(tmp_path: Path, provider_toml: str) -> Path:
    """A copy of the course's course.toml with its [provider] part replaced."""
    text = (COURSE_ROOT / "course.toml").read_text(encoding="utf-8")
    start, end = text.index("[provider]"), text.index("[grading]")
    root = tmp_path / "course"
    root.mkdir(parents=True, exist_ok=True)
    (root / "course.toml").write_text(text[:start] + provider_toml.strip() + "\n\n"
                                      + text[end:], encoding="utf-8")
    return root


def test_an_empty_provider_shows_every_fact_as_to_be_completed():
    model = load()
    assert model.provider.name == "" and not model.provider.nbcc_approved
    facts = welcome.facts(model)
    assert len(facts) == 15
    assert all(v == welcome.TO_COMPLETE for label, v in facts if label != "Course title")
    text = welcome.provider_markdown(model)
    assert "NBCC" not in text and "National Board" not in text
    assert "It is not a certification, licence or credential." in text


def test_a_configured_provider_shows_its_facts_and_names_nbcc(tmp_path):
    model = load(_course(tmp_path, CONFIGURED))
    facts = dict(welcome.facts(model))
    assert welcome.TO_COMPLETE not in "".join(facts.values())
    assert facts["Authors"] == "Ana Diaz, MA, NCC; Ben Okafor, EdD"
    assert facts["Assessment written by"] == "Kim Lee, MS, NCC"
    assert facts["Instructor"] == "Sam Rivera, PhD, NCC"
    assert facts["Instructor's contact"] == "sam@example.org"
    assert facts["NBCC content area"] == "Career counseling"
    assert facts["Continuing-education approval"].startswith(
        "Example Career Institute has been approved by NBCC")
    assert "(NBCC provider number 7123)" in facts["Continuing-education approval"]
    assert facts["Released"] == "2026-01-15" and facts["Last reviewed"] == "2026-11-30"
    assert "NBCC does not award or endorse it" in facts["Course title"]


@pytest.mark.parametrize("number, statement", [("7123", ""), ("", "Approved by NBCC.")])
def test_half_an_approval_names_no_nbcc(tmp_path, number, statement):
    toml = (f'[provider]\nname = "Example"\nnbcc_provider_number = "{number}"\n'
            f'nbcc_approval_statement = "{statement}"\n')
    model = load(_course(tmp_path, toml))
    facts = dict(welcome.facts(model))
    assert not model.provider.nbcc_approved
    assert facts["Continuing-education approval"] == welcome.TO_COMPLETE
    assert "Content area" in facts and "NBCC content area" not in facts
    assert "NBCC" not in facts["Course title"]


def test_only_one_unset_fact_is_marked(tmp_path):
    model = load(_course(tmp_path, CONFIGURED.replace(
        'complaints = "Write to the director at complaints@example.org."', 'complaints = ""')))
    marked = [label for label, v in welcome.facts(model) if v == welcome.TO_COMPLETE]
    assert marked == ["Complaints"]


@pytest.mark.parametrize("toml, message", [
    ('[provider]\nrelease_date = "15 January 2026"\n', "should be a date like"),
    ('[provider]\nname = 7\n', "should be text in quotes"),
    ('[provider]\nphone = "555"\n', "unknown key(s) phone"),
    ('[provider.instructor]\nname = "A"\nemail = "a@b"\n', "unknown key(s) email"),
    ('[provider]\nauthors = "Ana Diaz"\n', "should be a list of people"),
])
def test_provider_facts_of_the_wrong_kind_are_refused(tmp_path, toml, message):
    with pytest.raises(CourseFileError, match=re.escape(message)):
        _ = load(_course(tmp_path, toml)).provider


def test_the_welcome_shows_the_provider_facts():
    nb = nbformat.read(COURSE_ROOT / "release" / "lesson-00-welcome" / "lesson-00-welcome.ipynb",
                       as_version=4)
    assert any(c.source.strip() == "welcome.show_provider()" for c in nb.cells
               if c.cell_type == "code")
    shown = welcome.show_provider()
    assert shown.data == welcome.provider_markdown()


# --- the packet -----------------------------------------------------------------------------

MARKERS = ("answer-key", "BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS",
           "END HIDDEN TESTS", "checks.record(")


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _texts(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = str(path.relative_to(folder))
        out[rel] = _pdf_text(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
    return out


def _solution_lines(root: Path = COURSE_ROOT) -> set[str]:
    """Distinctive lines of every solution region and hidden test in source/."""
    lines = set()
    for path in sorted((root / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for region in re.findall(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1",
                                     cell.source, re.S):
                lines |= {ln.strip() for ln in region[1].splitlines() if len(ln.strip()) >= 30}
    return lines


def leaks(folder: Path) -> list[str]:
    """Where a copy holds a key, a hidden test or a model answer."""
    solutions = _solution_lines()
    found = []
    for rel, text in _texts(folder).items():
        found += [f"{rel}: {m}" for m in MARKERS if m in text]
        flat = " ".join(text.split())
        found += [f"{rel}: {s[:40]!r}" for s in solutions if " ".join(s.split()) in flat]
    return found


@pytest.fixture(scope="module")
def packet(tmp_path_factory) -> Path:
    return provider.build(COURSE_ROOT, tmp_path_factory.mktemp("packet") / "provider")


def test_the_reviewers_copy_holds_no_key_or_solution(packet):
    reviewer = packet / provider.REVIEWER
    assert not list(reviewer.rglob("answer_key*"))
    assert leaks(reviewer) == []


def test_the_leak_scan_catches_a_key(packet, tmp_path):
    """The scan can fail: a source notebook or the answer key in a copy is found."""
    bad = tmp_path / "bad"
    shutil.copytree(packet / provider.REVIEWER / "hours", bad / "hours")
    shutil.copy2(COURSE_ROOT / "source" / "assessment" / "assessment.ipynb", bad)
    assert any("answer-key" in x for x in leaks(bad))
    only_key = tmp_path / "key"
    only_key.mkdir()
    shutil.copy2(packet / provider.INSTRUCTOR / "answer_key.md", only_key)
    assert leaks(only_key)  # the model answers of the reflections


def test_the_instructors_copy_holds_the_key(packet):
    instructor = packet / provider.INSTRUCTOR
    key = (instructor / "answer_key.md").read_text(encoding="utf-8")
    import csv

    with (instructor / "answer_key.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = {r["answer"] for r in rows}
    from negotiation_course.grading.answer_key import keys_in

    for path in sorted((COURSE_ROOT / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            assert {k.id for k in keys_in(cell.source)} <= ids
    assert "Model answers of the written reflections" in key
    reviewer = {p.relative_to(packet / provider.REVIEWER) for p in
                (packet / provider.REVIEWER).rglob("*") if p.is_file()}
    mine = {p.relative_to(instructor) for p in instructor.rglob("*") if p.is_file()}
    assert mine - reviewer == {Path("answer_key.md"), Path("answer_key.csv"),
                               Path("mock_negotiation/instructor-brief.md")}


def test_the_packet_shows_the_mock_negotiation_and_worksheet_the_brief_only_to_instructors(
        packet):
    """Reviewers see what learners get (brief, rubric, worksheet); the employer's side is the
    instructors' alone."""
    reviewer, instructor = packet / provider.REVIEWER, packet / provider.INSTRUCTOR
    rubric = (reviewer / "mock_negotiation" / "rubric.md").read_text(encoding="utf-8")
    assert "**Rubric for closing (2 points)**" in rubric
    assert (reviewer / "mock_negotiation" / "learner-brief.md").exists()
    assert not (reviewer / "mock_negotiation" / "instructor-brief.md").exists()
    assert not any("room to move" in p.read_text(encoding="utf-8")
                   for p in reviewer.rglob("*.md"))
    assert "room to move" in (instructor / "mock_negotiation" / "instructor-brief.md").read_text(
        encoding="utf-8")
    assert "Offer preparation worksheet" in _pdf_text(
        reviewer / "coach_tools" / "offer-preparation-worksheet.pdf")


def test_the_packet_states_the_computed_hours_with_word_counts(packet):
    text = (packet / provider.REVIEWER / "hours" / "clock_hours.md").read_text(encoding="utf-8")
    rows = clock_hours.compute()
    assert (f"**Total: {hours.total_minutes(rows):g} minutes = "
            f"{hours.clock_hours(rows):g} clock hours**") in text
    for r in rows:
        assert f"| {r.reading_words} | {r.reading_minutes} |" in text, r.assignment
    for name in ("clock_hours_by_part.csv", "activities.csv", "readings.csv"):
        assert (packet / provider.REVIEWER / "hours" / name).stat().st_size > 100
    unmeasured = sum(r.unmeasured_readings for r in rows)
    assert (f"**Not counted yet:** {unmeasured} reading(s)" in text) == bool(unmeasured)


def test_the_packet_maps_every_objective_to_its_graded_items(packet):
    text = (packet / provider.REVIEWER / "objectives_map.md").read_text(encoding="utf-8")
    items = provider.graded_items(COURSE_ROOT)
    model = load()
    for key in model.objectives:
        assert f"| {key} | {model.objectives[key].text} |" in text
        assert any(i["objective"] == key for i in items), f"{key} has no graded item"
    graded = sum(1 for p in (COURSE_ROOT / "source").glob("*/*.ipynb")
                 for c in nbformat.read(p, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("grade"))
    assert len(items) == graded  # one objective tag per graded cell
    assert "Graded items without a known objective" not in text


def test_the_packet_has_the_facts_references_form_certificate_and_time_report(packet):
    reviewer = packet / provider.REVIEWER
    facts = (reviewer / "provider_facts.md").read_text(encoding="utf-8")
    assert facts.count(welcome.TO_COMPLETE) == sum(
        v == welcome.TO_COMPLETE for _, v in welcome.facts())
    assert (reviewer / "references.md").read_text(encoding="utf-8").startswith("# ")
    form = (reviewer / "evaluation_form" / "evaluation_form.md").read_text(encoding="utf-8")
    assert all(f"| {f.name} |" in form for f in evaluation.FIELDS)
    assert (reviewer / "evaluation_form" / "evaluation.ipynb").exists()
    cert = " ".join(_pdf_text(reviewer / "certificate_sample.pdf").split())
    assert "Certificate of Completion" in cert and "Sample Learner (not issued)" in cert
    assert f"{hours.clock_hours(clock_hours.compute()):g} clock hours" in cert
    assert "NBCC" not in cert  # the course's provider has configured no approval yet
    report = (reviewer / "time_report" / "time_report.md").read_text(encoding="utf-8")
    assert report.startswith("# Declared and reported time")
    assert sorted(p.name for p in (reviewer / "course_materials").iterdir()) == sorted(
        p.name for p in (COURSE_ROOT / "release").iterdir() if p.is_dir())


def test_the_welcome_without_course_toml_says_so_with_no_path(monkeypatch, tmp_path):
    """A copy without course.toml (e.g. the grading sandbox, which hides the course) shows
    a plain line, never a traceback with the instructor's path."""
    import negotiation_course.course as course_model

    monkeypatch.setattr(course_model, "COURSE_ROOT", tmp_path)  # no course.toml there
    course_model._load.cache_clear()
    try:
        shown = welcome.show_provider()
    finally:
        course_model._load.cache_clear()
    assert shown.data == welcome.NO_COURSE_FILE
    assert str(tmp_path) not in shown.data and "/" not in shown.data
