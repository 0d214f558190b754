"""``make provider-packet``: the file a continuing-education reviewer asks for (issue 12 §4).

Writes two folders under ``build/provider/``:

* ``reviewer/``: the provider's facts (``course.toml [provider]``, unset ones marked "to be
  completed by the provider"), the clock-hour calculation with its word counts, every
  activity and every external reading, the objectives and the graded items that assess
  them, the course reference list, a sample certificate, the evaluation form, the time
  report (declared against reported minutes) and the learner's view of every notebook
  (``release/``). No answer key, no model answer, no hidden test.
* ``instructor/``: the same, plus the answer key (every autograded item's key, and the
  model answers of the written reflections) read from ``source/``.

A test proves that the reviewer's copy holds no key or solution.

Usage: ``python -m negotiation_course.instructor.provider [--course-dir D] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import hours, welcome
from ..course import load, objective_tags
from ..evaluation import FIELDS, MINUTES_HIGH, RATING_HIGH, RATING_LOW
from ..paths import COURSE_ROOT, build_dir, release_dir, source_dir
from . import clock_hours, readings, time_report

REVIEWER, INSTRUCTOR = "reviewer", "instructor"
_ITEM_RE = re.compile(r"(Worksheet item [0-9]+[a-z]*[^\n*]*|Question [0-9]+[^\n*]*|"
                      r"\*\*[0-9]+[a-z]\.[^*]+\*\*)")
_SOLUTION_RE = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# --- the provider's facts ---------------------------------------------------------------

def facts_markdown(root: Path) -> str:
    model = load(root)
    facts = welcome.facts(model)
    missing = [label for label, value in facts if value == welcome.TO_COMPLETE]
    text = ["# The provider's facts", "",
            f"From `course.toml` [provider], as the welcome lesson shows them to learners. "
            f"{len(missing)} of {len(facts)} are still to be completed by the provider"
            + (f": {', '.join(missing)}." if missing else "."), ""]
    text += [f"- **{label}:** {value}" for label, value in facts]
    return "\n".join(text) + "\n"


# --- the clock hours --------------------------------------------------------------------

def _citation(reading: readings.Reading, root: Path) -> str:
    """The reading's full reference from data/publications.csv, else the registry's own."""
    from .. import citations, data

    try:
        pub = data.publications(root / "data" if (root / "data").is_dir() else None)
    except data.MissingDataFileError:
        return reading.citation
    return citations.reference(pub[reading.id]) if reading.id in pub else reading.citation


def hours_markdown(root: Path) -> tuple[str, dict[str, list[list[Any]]]]:
    """The calculation as a reviewer reads it, and its tables as CSV rows."""
    model = load(root)
    analysed = clock_hours.analyse(root)
    rows = [a.row() for a in analysed]
    registry = readings.load(root)
    total = hours.total_minutes(rows)
    part_rows = [[model.title_of(r.assignment), r.reading_words, r.reading_minutes,
                  r.activities, r.activity_minutes, r.external_words, r.external_minutes,
                  r.minutes, r.activity_words, r.repeated_words, r.reference_words,
                  r.uncounted_minutes] for r in rows]
    part_rows.append(["Instructor conversation", 0, 0.0, 1, hours.CONVERSATION_MINUTES, 0, 0.0,
                      float(hours.CONVERSATION_MINUTES), 0, 0, 0, 0])
    part_rows.append(["Total", *[round(sum(r[i] for r in part_rows), 1)
                                 for i in range(1, len(part_rows[0]))]])
    part_header = ["part", "reading words counted", "reading min", "activities counted",
                   "activity min", "external reading words", "external reading min",
                   "counted min", "words inside activities", "repeated words (not counted)",
                   "reference-list words (not counted)", "declared min not counted"]
    activity_rows = [[model.title_of(x.assignment), x.cell, x.opening, x.verb, x.declared,
                      x.words, x.answers, x.counted, clock_hours.STATUSES[x.status],
                      x.reading] for a in analysed for x in a.activities]
    activity_header = ["part", "cell", "opening", "verb", "declared min",
                       "words of its text", "answer cells", "counted min", "how counted",
                       "reading"]
    reading_rows = [[r.id, model.title_of(r.lesson), _citation(r, root), r.part,
                     "" if r.words is None else r.words,
                     "" if r.words is None else hours.reading_minutes(r.words),
                     r.counted_from, r.counted_on, r.method, r.note] for r in registry]
    reading_header = ["id", "lesson", "citation", "part assigned", "words", "minutes",
                      "counted from", "counted on", "method", "note"]
    unmeasured = [r for r in registry if not r.measured]
    text = [
        "# Clock-hour calculation", "",
        f"Course: *{model.title}*. Computed from the source notebooks by "
        "`negotiation_course.instructor.clock_hours` (the same computation writes the table "
        "the welcome lesson shows, and a test fails when that table is stale).", "",
        "## The rule: every learner task counts once", "",
        f"- **Lesson text** at {hours.WORDS_PER_HOUR:,} words per clock hour (a provider "
        "convention to be confirmed with the approving body), counted sentence by sentence. "
        "Left out: reference lists; any sentence or clause already counted earlier in the "
        "course (boilerplate such as the hidden-tests notice, the client-privacy reminder and "
        "the repeated objective lists count once, course-wide); the text of activities.",
        "- **Activities**: the minutes each activity declares, when something is submitted "
        "for it (an answer cell in its scope). An activity's own text (its box and the "
        "worksheet prompts up to its last answer cell, for the assessment its whole question "
        "text) is inside its minutes. Activities whose result is never submitted are not "
        "counted, and their text tells learners so.",
        "- **External readings** (the Read activities): by each reading's recorded word count "
        "at the same rate, never by a guessed time. A reading whose word count is not "
        "recorded yet is not counted.",
        f"- **Instructor conversation**: {hours.CONVERSATION_MINUTES} minutes.",
        "- The course evaluation and the course reference list are not counted.",
        "- The total is rounded down to the quarter hour.", "",
        "## By part", "", _table(part_header, part_rows),
        f"**Total: {total:g} minutes = {hours.clock_hours(rows):g} clock hours** (rounded "
        "down to the quarter hour).", "",
        "## Every activity", "", _table(activity_header, activity_rows),
        "## External readings", "",
        "Word counts are recorded in `lessons/readings.csv` with the copy counted, the date "
        "and the method (`python -m negotiation_course.instructor.readings measure ID COPY "
        "--source URL`).", "", _table(reading_header, reading_rows),
    ]
    if unmeasured:
        text += [f"**Not counted yet:** {len(unmeasured)} reading(s) whose word count is not "
                 "recorded: " + "; ".join(f"{_citation(r, root)} ({r.part})"
                                          for r in unmeasured)
                 + ". The total above leaves them out; it grows when they are measured.", ""]
    csvs = {"clock_hours_by_part.csv": [part_header, *part_rows],
            "activities.csv": [activity_header, *activity_rows],
            "readings.csv": [reading_header, *reading_rows]}
    return "\n".join(text) + "\n", csvs


# --- objectives and graded items --------------------------------------------------------

def graded_items(root: Path) -> list[dict[str, Any]]:
    """Every graded cell of the source notebooks: its objective, points and kind."""
    import nbformat

    model = load(root)
    items = []
    for name in model.names():
        for path in sorted((source_dir(root) / name).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            label = ""
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    found = _ITEM_RE.findall(_SOLUTION_RE.sub("", cell.source))
                    label = found[-1].strip(" *:") if found else label
                meta = cell.metadata.get("nbgrader", {})
                if not meta.get("grade"):
                    continue
                kind = "manually graded" if meta.get("solution") else "autograded"
                for objective in objective_tags(cell.metadata.get("tags", [])) or ["(none)"]:
                    items.append({"objective": objective, "assignment": name,
                                  "item": label or meta["grade_id"],
                                  "grade_id": meta["grade_id"], "kind": kind,
                                  "points": meta.get("points", 0)})
    return items


def objectives_markdown(root: Path) -> tuple[str, list[list[Any]]]:
    model = load(root)
    items = graded_items(root)
    rows = []
    for key, objective in model.objectives.items():
        mine = [i for i in items if i["objective"] == key]
        listed = "; ".join(f"{model.title_of(i['assignment']).split(':')[0]}: {i['item']} "
                           f"({i['points']:g} pt, {i['kind']})" for i in mine)
        rows.append([key, objective.text, model.title_of(objective.lesson), len(mine),
                     sum(i["points"] for i in mine), listed or "NONE"])
    untagged = [i for i in items if i["objective"] not in model.objectives]
    text = ["# Objectives and the graded items that assess them", "",
            "Read from the objective tags of the graded cells in the source notebooks "
            "(`objective:O<n>`), the same tags the grading uses.", "",
            _table(["objective", "text", "taught in", "graded items", "points", "items"], rows)]
    if untagged:
        text += ["", f"**Graded items without a known objective:** {len(untagged)}: "
                 + ", ".join(i["grade_id"] for i in untagged)]
    csv_rows = [["objective", "assignment", "item", "grade_id", "kind", "points"]]
    csv_rows += [[i["objective"], i["assignment"], i["item"], i["grade_id"], i["kind"],
                  i["points"]] for i in items]
    return "\n".join(text) + "\n", csv_rows


# --- references, evaluation form, certificate -------------------------------------------

def references_markdown(root: Path) -> str:
    """The course reference list (instructor/references.py), else each lesson's own list."""
    try:
        from . import references  # written by another helper; may not be here yet
    except ImportError:
        references = None
    if references is not None and hasattr(references, "course_list"):
        return references.course_list(root)
    import nbformat

    text = ["# References", "",
            "The course-wide reference list generator (`negotiation_course.instructor."
            "references`) is not in this checkout yet, so this is each lesson's own "
            "reference section, as learners see it.", ""]
    model = load(root)
    for name in model.names():
        for path in sorted((release_dir(root) / name).glob("*.ipynb")):
            cells = [c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "markdown"]
            start = next((i for i, s in enumerate(cells)
                          if re.match(r"#+\s+References", s.strip())), None)
            if start is not None:
                body = "\n\n".join(cells[start:]).split("\n", 1)
                text += [f"## {model.title_of(name)}", "", body[1].strip() if len(body) > 1
                         else "", ""]
    return "\n".join(text) + "\n"


def evaluation_markdown() -> str:
    kinds = {"rating": f"whole number {RATING_LOW} (strongly disagree) to {RATING_HIGH} "
                       "(strongly agree)",
             "minutes": f"minutes, above 0 and at most {MINUTES_HIGH}",
             "hours": "hours, a number such as 5.5", "text": "free text"}
    rows = [[f.name, f.question, kinds[f.kind]] for f in FIELDS]
    return ("# The course evaluation form\n\nEvery learner submits it (ungraded) before the "
            "certificate; the notebook is `evaluation.ipynb` in this folder. Its questions:\n\n"
            + _table(["answer", "question", "answer as"], rows))


def sample_certificate(root: Path, path: Path) -> None:
    from ..grading.certificates import render

    model = load(root)
    p = model.provider
    render(path, certificate_id="SAMPLE-0000", learner_name="Sample Learner (not issued)",
           course_title=model.title,
           delivery_format=str(model.section("course").get("delivery_format", "home study")),
           completed_on=datetime.now(UTC).date(),
           clock_hours=hours.clock_hours(clock_hours.compute(root)), provider_name=p.name,
           provider_number=p.nbcc_provider_number,
           nbcc_statement=p.nbcc_approval_statement, instructor=p.instructor.name)


# --- the answer key (instructor's copy only) --------------------------------------------

def answer_key_markdown(root: Path) -> tuple[str, list[list[Any]]]:
    import nbformat

    from ..grading.answer_key import keys_in

    model = load(root)
    rows: list[list[Any]] = []
    models: list[str] = []
    for name in model.names():
        for path in sorted((source_dir(root) / name).glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                for key in keys_in(cell.source):
                    expected = key.expected if key.kind == "number" else ", ".join(key.expected)
                    rows.append([name, meta.get("grade_id", ""), key.id, key.kind, expected,
                                 key.tol if key.kind == "number" else "",
                                 getattr(key, "why", "")])
                if cell.cell_type == "markdown" and meta.get("solution"):
                    for answer in _SOLUTION_RE.findall(cell.source):
                        models.append(f"### {model.title_of(name)}: {meta.get('grade_id')}"
                                      f"\n\n{answer.strip()}\n")
    header = ["assignment", "grade_id", "answer", "kind", "expected", "tolerance", "why"]
    text = ["# Answer key (instructor's copy only)", "",
            "Never give this file to learners or reviewers. Autograded answers, from the "
            "hidden tests of `source/`:", "", _table(header, rows),
            "## Model answers of the written reflections", "", *models]
    return "\n".join(text) + "\n", [header, *rows]


# --- the packet -------------------------------------------------------------------------

def _reviewer(root: Path, out: Path, course_dir: Path) -> list[str]:
    written = []

    def put(rel: str, text: str) -> None:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
        written.append(rel)

    put("provider_facts.md", facts_markdown(root))
    text, csvs = hours_markdown(root)
    put("hours/clock_hours.md", text)
    for name, (header, *rows) in csvs.items():
        _write_csv(out / "hours" / name, header, rows)
        written.append(f"hours/{name}")
    text, rows = objectives_markdown(root)
    put("objectives_map.md", text)
    _write_csv(out / "objectives_map.csv", rows[0], rows[1:])
    put("references.md", references_markdown(root))
    put("evaluation_form/evaluation_form.md", evaluation_markdown())
    for nb in sorted((release_dir(root) / "evaluation").glob("*.ipynb")):
        shutil.copy2(nb, out / "evaluation_form" / nb.name)
        written.append(f"evaluation_form/{nb.name}")
    time_report.write(course_dir, out / "time_report")
    written += ["time_report/time_report.md", "time_report/time_report.csv"]
    sample_certificate(root, out / "certificate_sample.pdf")
    written.append("certificate_sample.pdf")
    mock = root / "student" / "mock-negotiation"  # what learners read about the conversation
    for name in ("learner-brief.md", "rubric.md"):
        if (mock / name).exists():
            put(f"mock_negotiation/{name}", (mock / name).read_text(encoding="utf-8"))
    from ..grading.worksheet_pdf import FILE_NAME, render

    render(out / "coach_tools" / FILE_NAME)
    written.append(f"coach_tools/{FILE_NAME}")
    for folder in sorted(p for p in release_dir(root).iterdir() if p.is_dir()):
        for nb in sorted(folder.glob("*.ipynb")):
            target = out / "course_materials" / folder.name / nb.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(nb, target)
            written.append(f"course_materials/{folder.name}/{nb.name}")
    return written


def _index(root: Path, written: list[str], audience: str) -> str:
    model = load(root)
    rows = clock_hours.compute(root)
    lines = [f"# Provider packet: {model.title} ({audience}'s copy)", "",
             f"Written by `make provider-packet` on {datetime.now(UTC).date().isoformat()}. "
             f"{welcome.title_disclaimer(model.provider.nbcc_approved)}", "",
             f"Clock hours: **{hours.clock_hours(rows):g}** "
             f"({hours.total_minutes(rows):g} minutes, rounded down to the quarter hour)"
             + (", provisional: see hours/clock_hours.md" if hours.is_provisional(rows)
                else "") + ".", ""]
    if audience == REVIEWER:
        lines += ["This copy holds no answer key, model answer or hidden test.", ""]
    else:
        lines += ["This copy holds the answer key (`answer_key.md`): keep it from learners "
                  "and reviewers.", ""]
    lines += ["## Contents", "", *[f"- `{w}`" for w in written if not w.startswith(
        "course_materials/")], "- `course_materials/`: every notebook as learners receive it",
        ""]
    return "\n".join(lines)


def build(root: Path = COURSE_ROOT, out: Path | None = None,
          course_dir: Path | None = None) -> Path:
    """Write ``out/reviewer`` and ``out/instructor``; return ``out``."""
    root = Path(root).resolve()
    out = (out or build_dir(root) / "provider").resolve()
    course_dir = Path(course_dir or root).resolve()
    shutil.rmtree(out, ignore_errors=True)
    reviewer = out / REVIEWER
    written = _reviewer(root, reviewer, course_dir)
    (reviewer / "README.md").write_text(_index(root, written, REVIEWER), encoding="utf-8")
    instructor = out / INSTRUCTOR
    shutil.copytree(reviewer, instructor)
    brief = root / "docs" / "instructor" / "mock-negotiation.md"  # the employer's side
    extra = []
    if brief.exists():
        shutil.copy2(brief, instructor / "mock_negotiation" / "instructor-brief.md")
        extra.append("mock_negotiation/instructor-brief.md")
    text, rows = answer_key_markdown(root)
    (instructor / "answer_key.md").write_text(text, encoding="utf-8")
    _write_csv(instructor / "answer_key.csv", rows[0], rows[1:])
    (instructor / "README.md").write_text(
        _index(root, [*written, *extra, "answer_key.md", "answer_key.csv"], INSTRUCTOR),
        encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=COURSE_ROOT,
                        help="where learners' evaluations were collected (time report)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = build(COURSE_ROOT, args.out, args.course_dir)
    rows = clock_hours.compute(COURSE_ROOT)
    print(f"provider packet written to {out}: reviewer/ and instructor/ "
          f"({hours.clock_hours(rows):g} clock hours"
          + (", provisional" if hours.is_provisional(rows) else "") + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())

