"""Export every learner's course evaluation to CSV, without running learner code.

The provider reads the answers with :func:`export`, which parses the submitted notebooks as
text and turns a broken notebook into a row with an error status rather than a crash.

Usage: ``python -m negotiation_course.instructor.evaluation_export --course-dir D --out F``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..evaluation import ASSIGNMENT, FIELD_NAMES, FIELDS, clean_answers
from ..grading.escaping import spreadsheet_cell
from ..paths import COURSE_ROOT, build_dir

COLUMNS = ["student", "status", "problems", "timestamp", "file", *FIELD_NAMES]


def _assignments(source: str) -> tuple[dict[str, Any], list[str]]:
    """Top-level ``name = literal`` answers in one cell's source, and any parse problems."""
    found: dict[str, Any] = {}
    problems: list[str] = []
    try:
        statements = ast.parse(source).body
    except SyntaxError:
        # One broken line must not lose the other answers: read the cell line by line.
        statements = []
        for line in source.splitlines():
            try:
                statements += ast.parse(line).body
            except SyntaxError:
                continue
        if any(n.targets[0].id in FIELD_NAMES for n in statements
               if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)):
            problems.append("a cell has a typing error; answers read line by line")
    for node in statements:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in FIELD_NAMES):
            continue
        name = node.targets[0].id
        try:
            found[name] = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            problems.append(f"{name}: not a plain number or text")
            found[name] = None
    return found, problems


def _cell_sources(nb_json: Any) -> list[str]:
    if not isinstance(nb_json, dict) or not isinstance(nb_json.get("cells"), list):
        raise ValueError("not a notebook (no list of cells)")
    sources = []
    for cell in nb_json["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if isinstance(src, str):
            sources.append(src)
    return sources


def read_answers(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The answers in one evaluation notebook; raises ValueError if it cannot be read."""
    try:
        nb_json = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read the notebook: {type(exc).__name__}") from None
    raw: dict[str, Any] = {}
    problems: list[str] = []
    for source in _cell_sources(nb_json):
        found, cell_problems = _assignments(source)
        raw.update(found)  # a later cell wins, as it would when run top to bottom
        problems += cell_problems
    answers, more = clean_answers(raw)
    return answers, problems + more


def _status(answers: Mapping[str, Any]) -> str:
    required = [f.name for f in FIELDS if f.kind == "rating"]
    return "complete" if all(answers.get(n) is not None for n in required) else "incomplete"


def submissions(course_dir: Path) -> dict[str, Path]:
    """student -> evaluation notebook, preferring ``submitted/`` over ``autograded/``."""
    found: dict[str, Path] = {}
    for step in ("autograded", "submitted"):
        for folder in sorted((course_dir / step).glob(f"*/{ASSIGNMENT}")):
            if folder.is_dir():
                found[folder.parent.name] = folder / f"{ASSIGNMENT}.ipynb"
    return dict(sorted(found.items()))


def _timestamp(folder: Path) -> str:
    try:
        return (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def row_for(student: str, path: Path, course_dir: Path) -> dict[str, Any]:
    """One CSV row; never raises for a bad notebook."""
    row: dict[str, Any] = {"student": student, "timestamp": _timestamp(path.parent),
                           "file": str(path.relative_to(course_dir)), "problems": ""}
    try:
        answers, problems = read_answers(path)
    except ValueError as exc:
        row.update({n: None for n in FIELD_NAMES}, status="error", problems=str(exc))
        return row
    row.update(answers, status=_status(answers), problems="; ".join(problems))
    return row


def collect(course_dir: Path) -> list[dict[str, Any]]:
    """Every learner's evaluation answers (one row each), read without running anything."""
    course_dir = Path(course_dir).resolve()
    return [row_for(s, p, course_dir) for s, p in submissions(course_dir).items()]


def export(course_dir: Path, out_csv: Path, *, anonymous: bool = False) -> list[dict[str, Any]]:
    """Write every learner's evaluation answers to ``out_csv``; return the rows."""
    rows = collect(course_dir)
    columns = COLUMNS
    if anonymous:  # for sharing beyond the provider: no ids, no paths, no order by name
        columns = [c for c in COLUMNS if c not in ("student", "file", "timestamp")]
        rows = sorted(rows, key=lambda r: json.dumps(r, default=str, sort_keys=True))
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        # comments and ids are the learners' own: no cell may be a spreadsheet formula
        writer.writerows({k: spreadsheet_cell("" if v is None else v) for k, v in r.items()}
                         for r in rows)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=COURSE_ROOT)
    parser.add_argument("--out", type=Path, default=build_dir() / "evaluation.csv")
    parser.add_argument("--anonymous", action="store_true",
                        help="leave out student ids, file paths and timestamps")
    args = parser.parse_args(argv)
    rows = export(args.course_dir, args.out, anonymous=args.anonymous)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("complete", "incomplete", "error")}
    print(f"{len(rows)} evaluations written to {args.out}: "
          + ", ".join(f"{n} {s}" for s, n in counts.items()))


if __name__ == "__main__":
    main()
