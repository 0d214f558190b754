"""Reference lists: rendered from publications.csv, current, complete, and publishers only."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from negotiation_course import citations, data, hours, tables
from negotiation_course.course import load as load_course
from negotiation_course.instructor import hosts, lessons, references
from negotiation_course.paths import COURSE_ROOT

PUBS = data.publications()
LESSONS = references.lessons()


# --- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize("pid, expected", [
    ("marks-harold-2011", "Marks, M., & Harold, C. (2011). Who asks and who receives in salary "
     "negotiation. *Journal of Organizational Behavior*, 32, 371-394. "
     "https://doi.org/10.1002/job.671"),
    ("census-p60-282", "Guzman, G., & Kollar, M. (2024, September). *Income in the United States: "
     "2023* (Current Population Reports P60-282). U.S. Census Bureau. "
     "https://www.census.gov/library/publications/2024/demo/p60-282.html"),
    ("npwf-2017-americas-women", "National Partnership for Women & Families. (2017, April). "
     "*America's women and the wage gap* (Fact sheet)."),  # no address established: none shown
    ("axios-2025-census-earnings", "Axios. (n.d.). [Story on the Census Bureau's 2024 earnings "
     "figures by sex]."),
    ("artz-goodall-oswald-2018", "Artz, B., Goodall, A. H., & Oswald, A. J. (2018). Do women "
     "ask? *Industrial Relations*."),
])
def test_reference_entries(pid, expected) -> None:
    assert citations.reference(PUBS[pid]) == expected


def test_short_forms_and_dates() -> None:
    assert citations.surnames("Hart, E., Bear, J. B., & Ren, Z.") == "Hart et al."
    assert citations.surnames("Leibbrandt, A., & List, J. A.") == "Leibbrandt & List"
    assert citations.surnames("Mazei, J., et al.") == "Mazei et al."
    assert citations.date_text("2025-09-09") == "September 9, 2025"
    assert citations.date_text("2019-05") == "May 2019"
    assert citations.date_text("") == "n.d."


def test_dollar_signs_are_escaped_for_notebooks() -> None:
    text = references.render(references.Block((("Reading", ("strain-2019-400",)),)), PUBS)
    assert "*The \\$400 emergency expense story is wrong*" in text
    assert references.md_escape("\\$5 and $6") == "\\$5 and \\$6"


# --- the generated blocks ------------------------------------------------------------------------

LESSON = """# Lesson 9: Test

Text citing Marks and Harold (2011).

## References

<!-- references: begin (anything)
Readings: marks-harold-2011
Data sources: census-p60-282
-->
stale text
<!-- references: end -->
"""


def _course(tmp_path: Path, text: str = LESSON) -> Path:
    root = tmp_path / "course"
    (root / "lessons").mkdir(parents=True)
    (root / "lessons" / "lesson-09-test.md").write_text(text, encoding="utf-8")
    return root


def test_build_rewrites_blocks_and_writes_the_course_list(tmp_path) -> None:
    root = _course(tmp_path)
    assert references.build(root, check=True) == ["lessons/lesson-09-test.md",
                                                  "lessons/course-references.md"]
    references.build(root)
    text = (root / "lessons" / "lesson-09-test.md").read_text(encoding="utf-8")
    assert "stale text" not in text
    assert "**Readings**\n\n- Marks, M., & Harold, C. (2011)." in text
    assert "**Data sources**\n\n- Guzman, G., & Kollar, M. (2024, September)." in text
    assert text.startswith(LESSON.split("<!--")[0])  # the rest of the lesson is untouched
    assert references.build(root, check=True) == []  # idempotent
    course = (root / "lessons" / "course-references.md").read_text(encoding="utf-8")
    assert "*Used in: Lesson 9, course data.*" in course  # Marks & Harold: lesson and data


def test_an_unknown_id_stops_the_build(tmp_path) -> None:
    root = _course(tmp_path, LESSON.replace("census-p60-282", "census-p60-999"))
    with pytest.raises(SystemExit, match="census-p60-999"):
        references.build(root)


def _lesson_showing(code: str, ids: str) -> str:
    return (f"# Lesson 9: Test\n\nA table.\n\n```{{code-cell}}\n{code}\n```\n\n"
            "## References\n\n<!-- references: begin (anything)\n"
            f"Data sources and studies: {ids}\n-->\n<!-- references: end -->\n")


def test_a_block_lists_only_the_rows_the_lesson_shows(tmp_path) -> None:
    """A table drawn through a helper brings in its shown rows' publications, not the table's."""
    shown = "ll_table = tables.negotiated_by_ad_wording()"
    root = _course(tmp_path / "a", _lesson_showing(shown, "leibbrandt-list-2015"))
    assert references.build(root, check=True)  # out of date, and no error
    root = _course(tmp_path / "b", _lesson_showing(
        shown, "leibbrandt-list-2015 aauw-2010-show-me-the-money"))
    with pytest.raises(SystemExit, match=r"\['aauw-2010-show-me-the-money'\].*does not use"):
        references.build(root, check=True)
    # the whole table shown (or the study named in the text) uses it
    root = _course(tmp_path / "c", _lesson_showing('data.load("negotiation_evidence")',
                                                   "aauw-2010-show-me-the-money"))
    assert "aauw-2010-show-me-the-money" in references.shown_ids(
        (root / "lessons" / "lesson-09-test.md").read_text(encoding="utf-8"))
    references.build(root, check=True)
    # a helper called with other arguments shows other rows
    pew = references.shown_ids(_lesson_showing('tables.pew_edition(edition="2019-03")', ""))
    assert "pew-2019-gender-gap" in pew and "pew-2023-enduring-grip" not in pew


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_lesson_lists_a_publication_it_does_not_use(path: Path) -> None:
    assert references.unused_ids(path, PUBS, COURSE_ROOT) == []


def test_lesson_2_shows_no_row_of_the_aauw_claim() -> None:
    """AAUW's $1.2 million claim is a row of negotiation_evidence that Lesson 2 never shows."""
    path = lessons.lesson_path("lesson-02-strategic-career")
    assert "aauw-2010-show-me-the-money" not in references.shown_ids(path.read_text("utf-8"))
    assert "aauw-2010-show-me-the-money" not in references.lesson_ids(path)
    entry = next(line for line in references.course_list().splitlines() if "AAUW" in line)
    assert entry.endswith("*Used in: course data.*")


def test_the_course_lists_are_current() -> None:
    """`make release` was run after the last edit of a lesson's ids or of publications.csv."""
    assert references.build(COURSE_ROOT, check=True) == []


# --- the course's lessons ------------------------------------------------------------------------


def _prose(text: str) -> str:
    """A lesson's Markdown without its code cells and metadata blocks."""
    return re.sub(r"```\{code-cell\}.*?```", " ", text, flags=re.S)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_table_a_lesson_loads_is_in_its_references(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cited = set(references.lesson_ids(path))
    shown = set(re.findall(r"data\.load\(\"([a-z0-9_]+)\"", text))
    for helper in re.findall(r"tables\.([a-z0-9_]+)\(", text):  # the course's table helpers
        shown |= set(tables.SOURCES[helper])
    for name in sorted(shown):
        spec = data.describe(name)["learner_citation"]
        ids = {e["id"] for e in spec["publications"]}
        assert ids & cited, f"{path.stem} loads {name} but cites none of {sorted(ids)}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_studies_named_in_the_text_are_in_the_references(path: Path) -> None:
    """'Leibbrandt and List (2015)', 'Kugler and colleagues, 2018': each study cited in the text."""
    prose = _prose(path.read_text(encoding="utf-8").split("## References")[0])
    cited = set(references.lesson_ids(path))
    for pid, pub in PUBS.items():
        authors, year = str(pub.get("authors") or ""), str(pub.get("date") or "")[:4]
        if pub["kind"] not in ("journal_article", "book", "working_paper") or not year:
            continue
        first = citations.surnames(authors).split()[0]
        if re.search(rf"\b{re.escape(first)}\b[^.()]{{0,60}}\(?{year}\)?", prose):
            assert pid in cited, f"{path.stem} cites {first} ({year}) but its references lack {pid}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_links_in_lessons_go_to_publishers_news_or_organisations(path: Path) -> None:
    """No scraper, repost, academic copy or GitHub copy: publishers (and labelled outlets) only."""
    registry = hosts.registry()
    text = path.read_text(encoding="utf-8")
    for url in hosts.URL_RE.findall(text):
        found = registry.hosts(url)
        assert found, f"{path.stem}: {url} is on a host the course has not classified"
        assert found[0].kind in ("P", "N", "O"), f"{path.stem}: {url} (kind {found[0].kind})"
    copies = set()
    for name in data.names():
        frame = data.load(name)
        if "source_repo" in frame:
            copies |= set(frame["source_repo"].dropna())
    assert not [c for c in copies if c in text], "a lesson names a GitHub copy"


def test_the_course_list_holds_every_cited_publication_once() -> None:
    cited = set().union(*(references.lesson_ids(p) for p in LESSONS)) | set(references.data_ids())
    text = references.course_list()
    entries = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(entries) == len(cited) == len(set(entries))
    for pid in cited:
        assert references.md_escape(citations.reference(PUBS[pid])) in text, pid
    secondary = text.split("## News and organisation sources")[1]
    for pid in cited:
        in_secondary = references.md_escape(citations.reference(PUBS[pid])) in secondary
        assert in_secondary == (PUBS[pid]["outlet_kind"] != "P"), pid


def test_the_course_list_is_an_ungraded_assignment_without_clock_hours() -> None:
    course = load_course()
    assert course.role_of(references.COURSE_LIST) == "reference"
    assert references.COURSE_LIST not in hours.counted_assignments()
    assert references.COURSE_LIST not in {r.assignment for r in hours.read_table()}
    nb = nbformat.read(lessons.master_path(references.COURSE_LIST), as_version=4)
    assert {c.cell_type for c in nb.cells} == {"markdown"}
    assert not any(c.metadata.get("nbgrader") for c in nb.cells)
    released = COURSE_ROOT / "release" / references.COURSE_LIST / f"{references.COURSE_LIST}.ipynb"
    assert "# Course reference list" in released.read_text(encoding="utf-8")
