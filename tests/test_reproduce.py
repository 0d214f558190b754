"""``make reproduce``: the analyses in notebooks/ run and every published figure is accounted for.

Cost: one run of all notebooks (about 15 s on 2 cores, shared by the tests through a
module fixture) plus one run of two tiny fixture notebooks (about 5 s); the rest is pure
Python.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from negotiation_course.research import reproduce
from negotiation_course.research.reproduce import (
    MIME_TYPE,
    UNEXPLAINED,
    Check,
    NotebookResult,
    Report,
    collect_checks,
    is_failure,
    verdict,
)

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

NOTEBOOKS = reproduce.NOTEBOOKS_DIR
REQUIRED = ("pay-gap", "shed-400", "lifetime-value")


def check(**kw) -> Check:
    base = {"figure_id": "x", "publisher": "P", "published": 0.827, "ours": 0.8271,
            "tolerance": 0.0005}
    return Check(**{**base, **kw})


# --- verdicts and the report logic (no kernel) --------------------------------------------

def test_within_tolerance_is_a_match_and_the_boundary_counts():
    assert verdict(check()) == "match"
    assert verdict(check(ours=0.8275)) == "match"        # exactly the tolerance
    assert verdict(check(ours=0.8276)) == UNEXPLAINED


def test_a_difference_needs_an_explanation_or_it_fails():
    bare = check(ours=0.9)
    assert verdict(bare) == UNEXPLAINED and is_failure(verdict(bare))
    assert verdict(check(ours=0.9, explanation="   ")) == UNEXPLAINED  # blank is no reason
    explained = check(ours=0.9, explanation="quarterly, not annual")
    assert verdict(explained) == "differs: quarterly, not annual"
    assert not is_failure(verdict(explained))


def test_not_run_carries_its_reason_and_a_missing_value_is_not_a_silent_pass():
    assert verdict(check(ours=None, not_run="no internet")) == "not run: no internet"
    assert not is_failure("not run: no internet")
    assert verdict(check(ours=None)) == UNEXPLAINED
    assert verdict(check(published=float("nan"))) == UNEXPLAINED


def test_report_fails_on_an_unexplained_row_and_names_it():
    good = NotebookResult("a.ipynb", [check(notebook="a.ipynb")])
    bad = NotebookResult("b.ipynb", [check(figure_id="census_2023", ours=0.9,
                                           notebook="b.ipynb")])
    assert Report([good]).ok
    report = Report([good, bad])
    assert not report.ok
    assert report.problems == ["b.ipynb: census_2023: published 0.827, ours 0.9, "
                               f"tolerance 0.0005: {UNEXPLAINED}"]


def test_a_failed_notebook_becomes_a_failed_row(tmp_path):
    report = Report([NotebookResult("x.ipynb", error="x.ipynb failed at cell 2 (`1/0`): "
                                    "ZeroDivisionError: division by zero")])
    assert not report.ok
    reproduce.write_report(report, tmp_path)
    rows = list(csv.DictReader(open(tmp_path / "report.csv", encoding="utf-8")))
    assert rows[0]["notebook"] == "x.ipynb" and rows[0]["status"].startswith("failed: x.ipynb")
    assert "## Problems (the run fails)" in (tmp_path / "report.md").read_text()


def test_collect_checks_reads_only_the_course_mime_type():
    record = {"figure_id": "f", "publisher": "P", "published": 1.0, "ours": 1.0,
              "tolerance": 0.0, "unknown_key": "ignored"}
    nb = new_notebook(cells=[new_markdown_cell("# t"), new_code_cell("x", outputs=[
        new_output("display_data", data={MIME_TYPE: record, "text/plain": "f"}),
        new_output("display_data", data={"text/plain": "not a check"}),
        new_output("stream", text="hello"),
        new_output("display_data", data={MIME_TYPE: {"figure_id": "g", "published": 1.0}})])])
    checks = collect_checks(nb, "n.ipynb")
    assert [(c.figure_id, c.notebook, c.status) for c in checks] == [
        ("f", "n.ipynb", "match"), ("g", "n.ipynb", UNEXPLAINED)]  # no value: never a pass


# --- the runner on tiny notebooks (one kernel each) ----------------------------------------

def _write(path: Path, *sources: str) -> Path:
    nbformat.write(new_notebook(cells=[new_code_cell(s) for s in sources],
                                metadata={"kernelspec": {"name": "python3",
                                                         "display_name": "Python 3",
                                                         "language": "python"}}), path)
    return path


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture_notebooks")
    imp = "from negotiation_course.research.reproduce import report_row"
    differs = _write(folder / "a-differs.ipynb", imp,
                     "report_row('ratio_2023', 'Census', 0.827, 0.9, 0.0005)")
    broken = _write(folder / "b-broken.ipynb", imp, "x = 1", "1 / 0", "print('never')")
    silent = _write(folder / "c-silent.ipynb", "x = 1")
    out = tmp_path_factory.mktemp("fixture_out")
    code = reproduce.main([str(differs), str(broken), str(silent), "--out", str(out)])
    report_md = (out / "report.md").read_text(encoding="utf-8")
    return code, out, report_md


def test_an_unexplained_difference_makes_the_run_exit_non_zero(fixture_run):
    code, out, report_md = fixture_run
    assert code == 1
    rows = list(csv.DictReader(open(out / "report.csv", encoding="utf-8")))
    assert {"figure_id": "ratio_2023", "status": UNEXPLAINED}.items() <= rows[0].items()
    assert "a-differs.ipynb: ratio_2023" in report_md


def test_a_failing_notebook_is_reported_with_its_name_and_cell(fixture_run):
    _, out, report_md = fixture_run
    assert "b-broken.ipynb failed at cell 3 (`1 / 0`): ZeroDivisionError" in report_md
    executed = nbformat.read(out / "b-broken.ipynb", as_version=4)
    assert executed.cells[2].outputs[0]["output_type"] == "error"  # kept for reading


def test_a_notebook_that_reports_nothing_fails(fixture_run):
    assert "c-silent.ipynb ran but emitted no checks" in fixture_run[2]


# --- the real analyses ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce")
    report = reproduce.reproduce(out_dir=out, progress=False)
    rows = list(csv.DictReader(open(out / "report.csv", encoding="utf-8")))
    return report, out, {r["figure_id"]: r for r in rows}


def test_make_reproduce_has_no_unexplained_difference(real_run):
    report, _, _ = real_run
    assert [r.name for r in report.results] == sorted(f"{n}.ipynb" for n in REQUIRED)
    assert report.ok, report.problems


@pytest.mark.parametrize("figure_id, published", [
    ("census_ratio_2023", "0.827"), ("census_ratio_2022", "0.84"),
    ("bls_ratio_1979", "62"), ("bls_ratio_2016", "82"), ("pew_ratio_2022", "82"),
    ("marks_harold_2011_634198", "634198"),
])
def test_the_headline_figures_match(real_run, figure_id, published):
    row = real_run[2][figure_id]
    assert (row["published"], row["status"]) == (published, "match")


def test_marks_harold_is_annual_compounding_with_the_first_year_raised(real_run):
    row = real_run[2]["marks_harold_2011_634198"]
    assert row["ours"] == "634198.81"
    assert "first year already raised" in row["method"]


def test_shed_split_is_reproduced_or_says_why_not(real_run):
    rows = real_run[2]
    real = [rows[f"shed_2018_microdata_{c}_weighted"]
            for c in ("cash_or_equivalent", "borrow_or_sell", "could_not_pay")]
    assert [r["published"] for r in real] == ["61", "27", "12"]
    synthetic = [r for r in rows.values() if r["figure_id"].startswith("SYNTHETIC")]
    if all(r["status"] == "match" for r in real):  # the official file was reachable
        assert synthetic == []
        return
    for row in real:
        assert row["status"].startswith("not run: the official file could not be fetched (")
        assert "Error" in row["status"]  # the error itself is shown, not just "failed"
    assert len(synthetic) == 4
    for row in synthetic:
        assert row["status"] == "match" and "SYNTHETIC" in row["description"]
        assert "not the Fed" in row["publisher"]
    figures = {p.name for p in (real_run[1] / "figures").glob("shed-400-2018-*.png")}
    assert figures == {"shed-400-2018-published-split.png",
                       "shed-400-2018-microdata-split-SYNTHETIC.png",
                       "shed-400-2018-by-race-SYNTHETIC.png",
                       "shed-400-2018-by-education-SYNTHETIC.png"}


def test_figures_are_written_as_png_and_svg(real_run):
    figures = real_run[1] / "figures"
    pngs = {p.stem for p in figures.glob("*.png")}
    assert {"pay-gap-census-ratio", "lifetime-value-cumulative"} <= pngs
    assert pngs == {p.stem for p in figures.glob("*.svg")}
    assert all(p.stat().st_size > 1000 for p in figures.iterdir())


def test_executed_notebooks_keep_their_outputs(real_run):
    for name in REQUIRED:
        nb = nbformat.read(real_run[1] / f"{name}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


# --- the committed notebooks ------------------------------------------------------------------

@pytest.mark.parametrize("name", REQUIRED)
def test_notebook_is_clean_and_in_sync_with_its_percent_script(name):
    committed = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in committed.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, name
    paired = jupytext.read(NOTEBOOKS / f"{name}.py")
    assert [(c.cell_type, c.source) for c in committed.cells] == \
        [(c.cell_type, c.source) for c in paired.cells], \
        f"notebooks/{name}.ipynb is stale: run `jupytext --sync notebooks/{name}.py`"


def test_report_row_turns_numpy_and_pandas_numbers_into_plain_ones():
    """What a notebook displays must survive nbformat's JSON round trip."""
    import numpy as np
    import pandas as pd

    row = reproduce.report_row("f", "P", np.int64(1), pd.Series([1.5]).iloc[0],
                               np.float32(0.5))
    assert (row.published, row.ours, row.tolerance, row.status) == (1.0, 1.5, 0.5, "match")
    assert all(type(v) is float for v in (row.published, row.ours, row.tolerance))
    assert json.loads(json.dumps(row.row()))["status"] == "match"
    assert reproduce.report_row("g", "P", 1, np.nan, 0).ours is None
