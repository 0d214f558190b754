"""Rule 7 of the data brief, on everything learners receive, and the withheld host nowhere.

Hosts of kind X in ``data/canonical_citations.csv`` (scrapers, content farms, odd hosts) must
not appear in release notebooks, the student bundle, certificates or feedback pages; one host
(row 12 of the brief's table) must not appear anywhere in the repository, under its address or
its short name. The scanner (:mod:`negotiation_course.instructor.hosts`) knows that host only by
the SHA-256 of its domain and name, so this file never spells it either.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from negotiation_course import data, hours
from negotiation_course.course import load as load_course
from negotiation_course.instructor import bundle, hosts, learner_data
from negotiation_course.paths import COURSE_ROOT

from .support.grading_support import filled, small_course, submit

TEXT_SUFFIXES = {".ipynb", ".md", ".py", ".csv", ".json", ".toml", ".txt", ".yml", ".yaml",
                 ".html", ".cfg", ".in", ".sh", ".js", ".css"}


@pytest.fixture(scope="module")
def registry() -> hosts.Registry:
    return hosts.registry()


def _problems_in_tree(folder: Path, registry: hosts.Registry) -> dict[str, list[str]]:
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix not in TEXT_SUFFIXES:
            continue
        problems = registry.problems(path.read_text(encoding="utf-8", errors="replace"))
        if problems:
            found[str(path.relative_to(folder))] = sorted(set(problems))[:5]
    return found


# --- the scanner can fail ---------------------------------------------------------------------


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_scanner_finds_x_hosts_in_addresses_and_bare_mentions(registry) -> None:
    assert registry.problems("Copy: https://docslib.org/doc/10009740/quantifying") == [
        "docslib.org (kind X)"]
    assert registry.problems("seen on www.Bolous.best and dev8.ngpf.org/blog") == [
        "www.Bolous.best (kind X)", "dev8.ngpf.org (kind X)"]
    # publishers, news and organisations are allowed; a parent of an X host is not X itself
    assert registry.problems("https://www.pewresearch.org/ https://www.axios.com/ ngpf.org") == []


def test_the_scanner_finds_a_withheld_host_by_its_hashes_alone() -> None:
    row = {"domain": None, "domain_sha256": _sha("withheldexample.test"), "withheld": True,
           "name_sha256": _sha("withheldexample"), "kind": "X"}
    fake = hosts.Registry([row])
    assert fake.problems("see https://www.withheldexample.test/news/2018/x") == [
        "a withheld host", "the withheld host's name"]  # the address, and its first label
    assert fake.problems("as reported by WithheldExample and others") == [
        "the withheld host's name"]
    assert fake.problems("withheld example, example.test") == []
    assert hosts.scrub("a https://withheldexample.test/p b", fake) == "a [copy withheld] b"


def test_the_real_registry_withholds_exactly_one_host(registry) -> None:
    assert len(registry.withheld_names) == 1
    withheld = [r for r in registry.by_hash.values() if r["withheld"]]
    assert len(withheld) == 1 and withheld[0]["kind"] == "X" and withheld[0]["row"] == 12


# --- the repository ------------------------------------------------------------------------------


def _repository_files() -> list[Path]:
    """Every file git would commit: tracked, plus untracked files that are not ignored."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=COURSE_ROOT, capture_output=True, check=True).stdout
    return [COURSE_ROOT / p for p in out.decode().split("\0") if p and (COURSE_ROOT / p).is_file()]


def test_the_withheld_host_appears_nowhere_in_the_repository(registry) -> None:
    files = _repository_files()
    assert len(files) > 100
    offenders = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if registry.withheld_words(text) or any(h.withheld for h in registry.hosts(text)):
            offenders.append(str(path.relative_to(COURSE_ROOT)))
        if registry.withheld_words(str(path.relative_to(COURSE_ROOT))):
            offenders.append(f"file name {path.relative_to(COURSE_ROOT)}")
    assert offenders == []


# --- what learners receive ------------------------------------------------------------------------


def test_release_notebooks_name_no_copy_host(registry) -> None:
    release = COURSE_ROOT / "release"
    assert sorted(p.name for p in release.iterdir() if p.is_dir()) == sorted(
        load_course().names())
    assert _problems_in_tree(release, registry) == {}


def test_lesson_sources_name_no_copy_host(registry) -> None:
    """The Markdown the releases are built from (and its generated reference lists)."""
    assert _problems_in_tree(COURSE_ROOT / "lessons", registry) == {}


@pytest.fixture(scope="module")
def student_bundle(tmp_path_factory) -> Path:
    return bundle.build(tmp_path_factory.mktemp("bundle") / "student")


def test_the_student_bundle_names_no_copy_host(student_bundle, registry) -> None:
    assert (student_bundle / "course-references" / "course-references.ipynb").exists()
    assert not (student_bundle / "data" / "canonical_citations.csv").exists()
    assert _problems_in_tree(student_bundle, registry) == {}


def test_the_bundles_learner_data_is_valid_and_holds_the_same_figures(student_bundle) -> None:
    learner = student_bundle / "data"
    assert data.validate(learner) == []
    assert data.names(learner) == [n for n in data.names() if n != "canonical_citations"]
    for name in data.names(learner):
        ours, theirs = data.load(name), data.load(name, learner)
        assert list(theirs.columns) == list(ours.columns), name
        assert data.cite(name, root=learner) == data.cite(name), name
        for column in ours.columns:
            if not pd.api.types.is_string_dtype(ours[column]) or isinstance(
                    ours[column].dtype, pd.CategoricalDtype):
                pd.testing.assert_series_equal(theirs[column], ours[column], obj=name)
        changed = {c for c in ours.columns if not ours[c].equals(theirs[c])}
        assert changed <= {"source_url", "other_sources", "note", "location",
                           "canonical_url_seen_at", "citation", "publication_url"}, name


def test_the_learner_edition_replaces_copy_hosts_and_keeps_unchanged_files(tmp_path, registry):
    out = learner_data.write(tmp_path / "data")
    headline = data.load("shed_400_headline", out)
    withheld = headline["source_url"].str.contains(learner_data.REPLACEMENT, regex=False)
    assert withheld.sum() == 7  # the rows read on hosts of kind X, and only those
    assert headline["source_url"].str.contains("theatlantic.com").any()  # news stays, labelled
    census = "census_p60_282_a7_earnings_by_sex.csv"
    assert (out / census).read_bytes() == (COURSE_ROOT / "data" / census).read_bytes()
    assert _problems_in_tree(out, registry) == {}


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_a_certificate_names_no_copy_host(tmp_path, registry) -> None:
    from negotiation_course.grading.certificates import render

    course = load_course()
    cert = course.section("certificate")
    pdf = tmp_path / "certificate.pdf"
    render(pdf, certificate_id="CSNS-2026-0001", learner_name="Ada Lovelace",
           course_title=course.title,
           delivery_format=str(course.section("course").get("delivery_format", "")),
           completed_on=date(2026, 12, 2), clock_hours=hours.clock_hours(hours.read_table()),
           provider_name=str(cert.get("provider_name", "")),
           provider_number=str(cert.get("provider_number", "")),
           nbcc_statement=str(cert.get("nbcc_statement", "")),
           instructor=str(cert.get("instructor_name", "")))
    text = _pdf_text(pdf)
    assert course.title in " ".join(text.split())
    assert registry.problems(text) == []


GRADED = ("lesson-00-welcome", "lesson-01-why-negotiate", "lesson-02-strategic-career",
          "lesson-03-negotiating-the-offer", "assessment")


@pytest.fixture(scope="module")
def feedback_pages(tmp_path_factory) -> list[Path]:
    """Real feedback: each graded assignment submitted (model-like answers), graded, fed back."""
    from negotiation_course.grading import feedback
    from negotiation_course.grading.runner import grade_course
    from negotiation_course.instructor.nbgrader_cli import ensure_venv_on_path

    ensure_venv_on_path()
    course = small_course(tmp_path_factory.mktemp("feedback") / "course", GRADED)
    for assignment in GRADED:
        submit(course, "learner-1", filled("complete", assignment), assignment)
    grade_course(course, 2, progress=False)
    feedback.generate(course, workers=2)
    return sorted((course / "feedback").rglob("*.html"))


@pytest.mark.slow
def test_feedback_pages_name_no_copy_host(feedback_pages, registry) -> None:
    assert {p.parent.name for p in feedback_pages} == set(GRADED)
    for page in feedback_pages:
        text = page.read_text(encoding="utf-8")
        assert registry.problems(text) == [], page.name
    lesson1 = next(p for p in feedback_pages if p.parent.name == "lesson-01-why-negotiate")
    assert "Income in the United States: 2023" in lesson1.read_text(encoding="utf-8")
