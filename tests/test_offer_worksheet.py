"""The offer preparation worksheet: a real PDF and a fillable notebook, blank, in the bundle.

The PDF's text is read back with pdftotext (poppler, as the certificate tests do); the notebook
is validated with nbformat and run with nbclient, blank and filled in (those two need a kernel,
so `make test-fast` leaves them to `make test`). About 10 s.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from negotiation_course import offer_worksheet
from negotiation_course.grading import worksheet_pdf
from negotiation_course.instructor import bundle

from .conftest import ASSIGNMENTS
from .test_no_leaks import _hidden_only_literals, _leaks

HEADINGS = ("Market range", "Budget floor", "Target, reasonable and walk-away",
            "Alternatives (BATNA)", "Priorities across the package", "Script notes")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler) not installed")


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bundle.build(tmp_path_factory.mktemp("bundle") / "student")


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def _run(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _printed(nb: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))


def test_the_sections_are_the_six_the_worksheet_promises() -> None:
    assert tuple(s.heading.split(". ", 1)[1] for s in offer_worksheet.SECTIONS) == HEADINGS
    assert offer_worksheet.figure_names() == [
        "market_25th", "market_median", "market_75th", "budget_floor", "target", "reasonable",
        "walk_away", "batna_value"]


def test_bundle_holds_the_pdf_and_the_notebook(student: Path) -> None:
    tools = student / bundle.TOOLS_DIR_NAME
    assert sorted(p.name for p in tools.iterdir()) == [
        "offer-preparation-worksheet.ipynb", "offer-preparation-worksheet.pdf"]


def test_the_pdf_is_a_valid_pdf(student: Path) -> None:
    data = (student / bundle.TOOLS_DIR_NAME / worksheet_pdf.FILE_NAME).read_bytes()
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    assert b"/Type /Catalog" in data and re.search(rb"/Count [1-4]\b", data)  # 1 to 4 pages
    assert b"/FontFile2" in data  # the font is embedded, so it prints the same anywhere


@needs_pdftotext
def test_the_pdf_shows_every_section_heading_prompt_and_figure(student: Path) -> None:
    text = _pdf_text(student / bundle.TOOLS_DIR_NAME / worksheet_pdf.FILE_NAME)
    assert text.startswith("Offer preparation worksheet")
    for section in offer_worksheet.SECTIONS:
        assert section.heading in text, section.heading
        for line in section.prompts + tuple(f.label for f in section.figures) + section.table:
            assert " ".join(line.split()) in text, line
    positions = [text.index(s.heading) for s in offer_worksheet.SECTIONS]
    assert positions == sorted(positions)  # in order
    assert "never told to the employer" in text


@needs_pdftotext
def test_the_pdf_check_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worksheet missing a section is caught by the same reading."""
    monkeypatch.setattr(offer_worksheet, "SECTIONS", offer_worksheet.SECTIONS[:-1])
    text = _pdf_text(worksheet_pdf.render(tmp_path / "w.pdf"))
    assert "5. Priorities across the package" in text and "6. Script notes" not in text


def test_the_pdf_is_the_same_on_every_build(tmp_path: Path) -> None:
    first = worksheet_pdf.render(tmp_path / "a.pdf").read_bytes()
    assert worksheet_pdf.render(tmp_path / "b.pdf").read_bytes() == first


@pytest.mark.slow  # a real kernel
def test_the_notebook_is_valid_and_runs_blank(student: Path) -> None:
    path = student / bundle.TOOLS_DIR_NAME / bundle.WORKSHEET_NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    text = "\n".join(c.source for c in nb.cells)
    for heading in HEADINGS:
        assert f"## {offer_worksheet.SECTIONS[HEADINGS.index(heading)].heading}" in text
    out = _printed(_run(nb, student))
    assert "not filled in yet: Target" in out and out.count("not filled in yet") == 8
    assert not any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))


def _filled(nb: nbformat.NotebookNode, values: dict[str, object]) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            for name, value in values.items():
                cell.source = re.sub(rf"^{name}(\s*)= \.\.\.", rf"{name}\g<1>= {value!r}",
                                     cell.source, flags=re.M)
    return nb


@pytest.mark.slow  # a real kernel
def test_the_filled_notebook_checks_that_the_figures_fit(student: Path) -> None:
    """Figures that fit pass; a walk-away point below the budget floor is named."""
    path = student / bundle.TOOLS_DIR_NAME / bundle.WORKSHEET_NOTEBOOK
    good = {"market_25th": 50000, "market_median": 60000, "market_75th": 70000,
            "budget_floor": 48000, "target": 66000, "reasonable": 60000, "walk_away": 55000,
            "batna_value": 52000}
    out = _printed(_run(_filled(nbformat.read(path, as_version=4), good), student))
    assert "All figures are filled in and fit together" in out
    bad = dict(good, walk_away=45000, target="66k")
    out = _printed(_run(_filled(nbformat.read(path, as_version=4), bad), student))
    assert "walk_away" in out and "budget floor would not pay the bills" in out
    assert "target should be a number of dollars such as 61500, not '66k'" in out


@pytest.mark.parametrize("values, words", [
    ({}, "not filled in yet: Median"),
    ({"market_median": 40000, "market_25th": 45000}, "market_25th (45,000) is above market_median"),
    ({"reasonable": 70000, "target": 65000}, "the target is the ambitious figure"),
    ({"walk_away": 60000, "reasonable": 55000}, "the walk-away point is the least"),
    ({"batna_value": 58000, "walk_away": 56000}, "accepting less than the best alternative"),
    ({"target": True}, "target should be a number"),
    ({"target": float("nan")}, "target should be a number"),
    ({"target": -5}, "target should be a number"),
])
def test_review_names_what_is_missing_or_out_of_order(values: dict, words: str) -> None:
    assert any(words in p for p in offer_worksheet.problems(values)), \
        offer_worksheet.problems(values)


def test_the_notebook_holds_no_answer(student: Path) -> None:
    """Blank: every figure is `...`, no number a client or an exercise would supply."""
    path = student / bundle.TOOLS_DIR_NAME / bundle.WORKSHEET_NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assigned = re.findall(r"^(\w+)\s*= (.*?)(?:\s+#.*)?$", "\n".join(code), re.M)
    assert assigned and all(value == "..." for _, value in assigned)
    assert [name for name, _ in assigned] == offer_worksheet.figure_names()
    numbers = re.findall(r"\d[\d,.]*", "\n".join(c.source for c in nb.cells))
    # section numbers, the "25th"/"75th" percentile labels, the 61,500 example, "May 2025"
    assert set(numbers) <= {"1.", "2.", "3.", "4.", "5.", "6.", "25", "75", "61,500", "61500",
                            "2025"}
    for assignment in ASSIGNMENTS:
        if _hidden_only_literals(assignment):
            assert _leaks(assignment, [(str(path), path.read_text(encoding="utf-8"))]) == set()


def test_a_learners_filled_worksheet_survives_a_lab_refresh(tmp_path: Path) -> None:
    from negotiation_course.instructor.lab import learner_workspace

    ws = learner_workspace(tmp_path / "lab")
    path = ws / bundle.TOOLS_DIR_NAME / bundle.WORKSHEET_NOTEBOOK
    nb = _filled(nbformat.read(path, as_version=4), {"target": 66000})
    nbformat.write(nb, path)
    learner_workspace(tmp_path / "lab")
    kept = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert re.search(r"^target\s+= 66000", kept, re.M)
    assert (ws / bundle.TOOLS_DIR_NAME / worksheet_pdf.FILE_NAME).is_file()


def test_the_notebook_passes_the_course_accessibility_check(student: Path) -> None:
    from negotiation_course.instructor import a11y

    report = a11y.check_notebook(student / bundle.TOOLS_DIR_NAME / bundle.WORKSHEET_NOTEBOOK)
    assert report.findings == []
