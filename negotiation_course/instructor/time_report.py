"""The instructor's time report: declared against reported time, per lesson (issue 12 §3).

Every lesson states its time and the clock hours are computed from the lessons; the course
evaluation asks each learner how many minutes each part took them. This report sets the
two side by side (how many answered, the median and quartiles of what they reported, the
median as a share of the declared time), which is the pilot evidence a reviewer asks for
before accepting the clock hours. It reads submitted evaluations without running them
(:mod:`.evaluation_export`).

Usage: ``python -m negotiation_course.instructor.time_report --course-dir D --out DIR``
writes ``DIR/time_report.md`` and ``DIR/time_report.csv``.
"""

from __future__ import annotations

import argparse
import csv
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import hours
from ..course import load
from ..evaluation import FIELDS
from ..paths import COURSE_ROOT, build_dir
from . import clock_hours, evaluation_export

#: A median this far above or below the declared time (as a share) is flagged for review.
REVIEW_BEYOND = 0.25
COLUMNS = ["part", "assignment", "declared_minutes", "responses", "median", "q1", "q3",
           "minimum", "maximum", "median_to_declared", "review"]


@dataclass(frozen=True)
class Line:
    part: str
    assignment: str
    declared_minutes: float
    responses: int
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None

    @property
    def median_to_declared(self) -> float | None:
        if self.median is None or not self.declared_minutes:
            return None
        return round(self.median / self.declared_minutes, 2)

    @property
    def review(self) -> bool:
        ratio = self.median_to_declared
        return ratio is not None and abs(ratio - 1) > REVIEW_BEYOND


def _line(part: str, assignment: str, declared: float, values: list[float]) -> Line:
    if not values:
        return Line(part, assignment, declared, 0, None, None, None, None, None)
    if len(values) > 1:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = q3 = values[0]
    return Line(part, assignment, declared, len(values), statistics.median(values),
                round(q1, 1), round(q3, 1), min(values), max(values))


def lines(answers: list[dict[str, Any]], rows: list[hours.Row]) -> list[Line]:
    """One line per counted part (declared = its counted minutes), then the whole course."""
    model = load()
    by_name = {r.assignment: r for r in rows}
    out = []
    for field in FIELDS:
        if field.kind != "minutes" or field.assignment not in by_name:
            continue
        values = [float(a[field.name]) for a in answers if a.get(field.name) is not None]
        out.append(_line(model.title_of(field.assignment), field.assignment,
                         by_name[field.assignment].minutes, values))
    total = [float(a["hours_spent"]) * 60 for a in answers if a.get("hours_spent") is not None]
    out.append(_line("Whole course (hours_spent, conversation included)", "",
                     hours.total_minutes(rows), total))
    return out


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def markdown(report: list[Line], responses: int, source: str, rows: list[hours.Row]) -> str:
    head = ["# Declared and reported time", "",
            f"Source: {source}. Evaluations read: {responses}. Declared time: the minutes the "
            "clock-hour computation counts for each part (the lesson states them rounded to "
            f"5 minutes); the course total is {hours.total_minutes(rows):g} minutes = "
            f"{hours.clock_hours(rows):g} clock hours with the instructor conversation.", "",
            "Reported time: what learners wrote in the course evaluation (self-estimates; "
            "blank answers are left out). A part is flagged for review when the median "
            f"report is more than {REVIEW_BEYOND:.0%} above or below the declared time.", ""]
    unmeasured = sum(r.unmeasured_readings for r in rows)
    if unmeasured:
        head += [f"Note: {unmeasured} assigned external reading(s) are not counted yet (word "
                 "count not recorded), so declared times leave them out while learners' "
                 "reports include them.", ""]
    table = ["| part | declared (min) | answers | median | quartiles | range | "
             "median / declared | review |", "|---|---|---|---|---|---|---|---|"]
    for x in report:
        quart = f"{_fmt(x.q1)}–{_fmt(x.q3)}" if x.responses else "–"
        rng = f"{_fmt(x.minimum)}–{_fmt(x.maximum)}" if x.responses else "–"
        table.append(f"| {x.part} | {x.declared_minutes:g} | {x.responses} | "
                     f"{_fmt(x.median)} | {quart} | {rng} | {_fmt(x.median_to_declared)} | "
                     f"{'yes' if x.review else ''} |")
    if not responses:
        table += ["", "No evaluations have been submitted yet: this table fills in as "
                  "learners submit the course evaluation (make provider-packet again)."]
    return "\n".join(head + table) + "\n"


def write(course_dir: Path, out_dir: Path, *, label: str = "") -> list[Line]:
    """Write ``time_report.md`` and ``.csv`` for the evaluations submitted in ``course_dir``."""
    course_dir = Path(course_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    answers = [r for r in evaluation_export.collect(course_dir) if r["status"] != "error"]
    rows = clock_hours.compute(course_dir)
    report = lines(answers, rows)
    source = label or "the evaluations under the course directory's submitted/ folder"
    (out_dir / "time_report.md").write_text(markdown(report, len(answers), source, rows),
                                            encoding="utf-8")
    with (out_dir / "time_report.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for x in report:
            writer.writerow({**{k: ("" if v is None else v) for k, v in asdict(x).items()},
                             "median_to_declared": _fmt(x.median_to_declared).replace("–", ""),
                             "review": "yes" if x.review else ""})
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=COURSE_ROOT)
    parser.add_argument("--out", type=Path, default=build_dir() / "time_report")
    args = parser.parse_args(argv)
    report = write(args.course_dir, args.out)
    print(f"time report written to {args.out / 'time_report.md'} "
          f"({report[-1].responses} whole-course answers)")


if __name__ == "__main__":
    main()
