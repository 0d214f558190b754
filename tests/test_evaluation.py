"""The course evaluation: ungraded form, in step with the export, and a robust CSV export.

Submissions are generated from the source notebook by editing its answer lines, the way a
learner would; the export must read them without running them and survive broken files.
Cost: well under a second (no kernels; the nbgrader round trip is in test_assignments.py).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from negotiation_course import evaluation
from negotiation_course.instructor import evaluation_export

from .conftest import ROOT, read_nb, release_path, source_path
from .support.course_model import OBJECTIVES

SOURCE = source_path("evaluation")


def _answer(nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with ``name = ...`` lines replaced by ``name = <text>``."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.split("\n")
        for i, line in enumerate(lines):
            name = line.split("=")[0].strip()
            if name in answers:
                lines[i] = f"{name} = {answers[name]}"
        cell.source = "\n".join(lines)
    return nb


def _submit(course: Path, student: str, content: str | bytes, step: str = "submitted") -> Path:
    folder = course / step / student / "evaluation"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "evaluation.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


FULL = {f"rating_objective_{k}": str(i % 5 + 1) for i, k in enumerate(OBJECTIVES)}
FULL.update(rating_relevance="5", rating_time_estimates="3", rating_author="4",
            rating_materials="4", hours_spent="6.5")


def test_form_has_no_graded_cells_and_asks_every_question():
    nb = read_nb(SOURCE)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded == []
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for name in evaluation.FIELD_NAMES:
        assert f"{name} = " in code, name
    assert "evaluation.review(globals())" in code


def test_release_is_the_same_form():
    src, rel = read_nb(SOURCE), read_nb(release_path("evaluation"))
    assert [c.source for c in src.cells] == [c.source for c in rel.cells]


def test_export_reads_answers_comments_and_statuses(tmp_path):
    src = read_nb(SOURCE)
    comment = 'It was "useful".\nMore examples, please!'
    full = _answer(src, FULL)
    for cell in full.cells:
        if cell.source.startswith("comments"):
            cell.source = f'comments = """\n{comment}\n"""'
    _submit(tmp_path, "ana", nbformat.writes(full))
    (tmp_path / "submitted/ana/evaluation/timestamp.txt").write_text("2025-01-02 03:04:05")
    _submit(tmp_path, "ben", nbformat.writes(_answer(src, {"rating_relevance": "2"})))
    _submit(tmp_path, "cy", nbformat.writes(src), step="autograded")
    rows = evaluation_export.export(tmp_path, tmp_path / "out" / "evaluation.csv")
    by = {r["student"]: r for r in rows}
    assert by["ana"]["status"] == "complete" and by["ana"]["problems"] == ""
    assert by["ana"]["rating_objective_O0"] == 1 and by["ana"]["rating_objective_O7"] == 3
    assert by["ana"]["hours_spent"] == 6.5 and by["ana"]["comments"] == comment
    assert by["ana"]["timestamp"] == "2025-01-02 03:04:05"
    assert by["ben"]["status"] == "incomplete" and by["ben"]["rating_relevance"] == 2
    assert by["ben"]["rating_author"] is None
    assert by["cy"]["file"] == "autograded/cy/evaluation/evaluation.ipynb"
    with (tmp_path / "out" / "evaluation.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == evaluation_export.COLUMNS
    assert [r["student"] for r in table] == ["ana", "ben", "cy"]
    assert table[0]["comments"] == comment and table[1]["rating_author"] == ""


def test_submitted_wins_over_autograded(tmp_path):
    src = read_nb(SOURCE)
    _submit(tmp_path, "ana", nbformat.writes(_answer(src, {"rating_author": "5"})))
    _submit(tmp_path, "ana", nbformat.writes(_answer(src, {"rating_author": "1"})), "autograded")
    (row,) = evaluation_export.export(tmp_path, tmp_path / "e.csv")
    assert row["rating_author"] == 5


@pytest.mark.parametrize("value,problem", [
    ("6", "whole number from 1 to 5"), ("3.5", "whole number from 1 to 5"),
    ('"four"', "should be a number"), ("True", "should be a number"),
    ("float('nan')", "not a plain number"), ("__import__('os').getcwd()", "not a plain number"),
])
def test_invalid_ratings_are_blank_with_a_reason(tmp_path, value, problem):
    nb = _answer(read_nb(SOURCE), {**FULL, "rating_relevance": value})
    _submit(tmp_path, "x", nbformat.writes(nb))
    (row,) = evaluation_export.export(tmp_path, tmp_path / "e.csv")
    assert row["rating_relevance"] is None and problem in row["problems"]
    assert row["status"] == "incomplete" and row["rating_author"] == 4


def test_a_typing_error_in_one_cell_keeps_the_other_answers(tmp_path):
    nb = _answer(read_nb(SOURCE), FULL)
    for cell in nb.cells:
        if cell.source.startswith("rating_relevance"):
            cell.source = cell.source.replace("rating_materials = 4", "rating_materials = 4 four")
        if cell.source.startswith("comments"):
            cell.source = 'comments = """ I wrote """ here """'
    _submit(tmp_path, "x", nbformat.writes(nb))
    (row,) = evaluation_export.export(tmp_path, tmp_path / "e.csv")
    assert row["rating_relevance"] == 5 and row["rating_materials"] is None
    assert "typing error" in row["problems"] and row["comments"] is None


@pytest.mark.parametrize("content", [
    b"{not json", b"\xff\xfe\x00", b"[]", b'{"cells": "no"}', b"",
    json.dumps({"cells": [{"cell_type": "code", "source": 5}, 7,
                          {"cell_type": "code", "source": ["rating_author", " = 2"]}]}).encode(),
])
def test_malformed_notebooks_give_a_row_not_a_crash(tmp_path, content):
    _submit(tmp_path, "bad", content)
    _submit(tmp_path, "good", nbformat.writes(_answer(read_nb(SOURCE), FULL)))
    rows = evaluation_export.export(tmp_path, tmp_path / "e.csv")
    by = {r["student"]: r for r in rows}
    assert by["good"]["status"] == "complete"
    if content.startswith(b'{"cells": [{'):
        assert by["bad"]["rating_author"] == 2 and by["bad"]["status"] == "incomplete"
    else:
        assert by["bad"]["status"] == "error" and by["bad"]["problems"]


def test_a_missing_notebook_file_is_an_error_row(tmp_path):
    (tmp_path / "submitted" / "gone" / "evaluation").mkdir(parents=True)
    (row,) = evaluation_export.export(tmp_path, tmp_path / "e.csv")
    assert row["status"] == "error"


def test_anonymous_export_drops_ids_and_paths(tmp_path):
    _submit(tmp_path, "ana-secret-id", nbformat.writes(_answer(read_nb(SOURCE), FULL)))
    evaluation_export.export(tmp_path, tmp_path / "e.csv", anonymous=True)
    text = (tmp_path / "e.csv").read_text(encoding="utf-8")
    assert "ana-secret-id" not in text and text.startswith("status,problems,rating_")


def test_review_tells_the_learner_what_is_missing(capsys):
    evaluation.review({**{k: int(v) if v.isdigit() else float(v) for k, v in FULL.items()},
                       "rating_author": 9})
    out = capsys.readouterr().out
    assert "rating_author: should be a whole number from 1 to 5" in out
    evaluation.review({k: int(v) if v.isdigit() else float(v) for k, v in FULL.items()})
    assert "every rating is answered" in capsys.readouterr().out
    evaluation.review({})
    assert "Not answered yet: rating_objective_O0" in capsys.readouterr().out


def test_command_line_writes_the_csv(tmp_path):
    _submit(tmp_path, "ana", nbformat.writes(_answer(read_nb(SOURCE), FULL)))
    out = tmp_path / "build" / "evaluation.csv"
    proc = subprocess.run([sys.executable, "-m", "negotiation_course.instructor.evaluation_export",
                           "--course-dir", str(tmp_path), "--out", str(out)],
                          capture_output=True, text=True, check=True)
    assert "1 evaluations written" in proc.stdout and "1 complete" in proc.stdout
    assert out.read_text(encoding="utf-8").count("\n") == 2


# --- time per part: the pilot evidence ----------------------------------------------------

MINUTES = [f for f in evaluation.FIELDS if f.kind == "minutes"]


def test_the_form_asks_the_time_of_every_counted_part_by_its_title():
    from negotiation_course import hours
    from negotiation_course.course import load

    model = load()
    assert [f.assignment for f in MINUTES] == hours.counted_assignments()
    text = "\n".join(c.source for c in read_nb(SOURCE).cells if c.cell_type == "markdown")
    for f in MINUTES:
        assert f"| `{f.name}` | {model.title_of(f.assignment)} |" in text, f.name


@pytest.mark.parametrize("value,problem", [
    ("0", "between 0 and 600 minutes"), ("601", "between 0 and 600 minutes"),
    ('"an hour"', "should be a number"), ("-5", "between 0 and 600 minutes"),
])
def test_implausible_minutes_are_blank_with_a_reason(tmp_path, value, problem):
    name = MINUTES[1].name
    nb = _answer(read_nb(SOURCE), {**FULL, name: value})
    _submit(tmp_path, "x", nbformat.writes(nb))
    (row,) = evaluation_export.export(tmp_path, tmp_path / "e.csv")
    assert row[name] is None and problem in row["problems"]
    assert row["status"] == "complete"  # time answers are optional


def test_time_report_sets_reported_beside_declared_minutes(tmp_path):
    from negotiation_course import hours
    from negotiation_course.instructor import clock_hours, time_report

    declared = {r.assignment: r.minutes for r in clock_hours.compute()}
    welcome, lesson1 = MINUTES[0], MINUTES[1]
    reports = {"a": (20, 60), "b": (25, 200), "c": (30, 240), "d": ("...", 250)}
    for student, (w, l1) in reports.items():
        nb = _answer(read_nb(SOURCE), {**FULL, welcome.name: str(w), lesson1.name: str(l1),
                                       "hours_spent": "5"})
        _submit(tmp_path, student, nbformat.writes(nb))
    _submit(tmp_path, "broken", b"{not json")
    shutil.copytree(ROOT / "source", tmp_path / "source")
    out = tmp_path / "report"
    lines = {x.assignment: x for x in time_report.write(tmp_path, out)}
    w = lines[welcome.assignment]
    assert (w.responses, w.median, w.minimum, w.maximum) == (3, 25, 20, 30)
    assert w.declared_minutes == declared[welcome.assignment]
    l1 = lines[lesson1.assignment]
    assert (l1.responses, l1.median) == (4, 220)
    assert l1.median_to_declared == round(220 / declared[lesson1.assignment], 2)
    assert l1.review == (abs(l1.median_to_declared - 1) > time_report.REVIEW_BEYOND)
    whole = lines[""]
    assert (whole.responses, whole.median) == (4, 300)
    assert whole.declared_minutes == hours.total_minutes(clock_hours.compute())
    text = (out / "time_report.md").read_text(encoding="utf-8")
    assert "Evaluations read: 4." in text  # the broken notebook is not an answer
    assert f"| {l1.part} | {l1.declared_minutes:g} | 4 | 220 |" in text
    with (out / "time_report.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [r["assignment"] for r in table][-1] == "" and table[1]["responses"] == "4"


def test_time_report_without_evaluations_says_so(tmp_path):
    from negotiation_course.instructor import time_report

    shutil.copytree(ROOT / "source", tmp_path / "source")
    report = time_report.write(tmp_path, tmp_path / "out")
    assert all(x.responses == 0 and x.median is None for x in report)
    assert "No evaluations have been submitted yet" in (
        tmp_path / "out" / "time_report.md").read_text(encoding="utf-8")
