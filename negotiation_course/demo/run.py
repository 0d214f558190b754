"""``make demo``: the instructor's whole job, on a generated cohort, in ``build/demo``.

Steps: regenerate the release in the demo course directory (real ``nbgrader
generate_assignment``), write a sample cohort (with a conversations CSV so that some
learners complete), grade it in parallel in the sandbox, grade the reflections with a
clearly labelled DEMO STAND-IN for the human grader, write feedback, export grades (plus a
Canvas-style CSV), export the course evaluations, compare declared with reported minutes
(``time_report.md``), issue certificates, and print a summary
(also in ``build/demo/summary.md``).

Exit code: hostile learners flagged ``error`` are EXPECTED (the cohort contains them on
purpose) and do not fail the demo. The demo fails (exit 1) on unexpected outcomes: a
pipeline step that raised, an ordinary learner in ``error``, a hostile submission scoring
above the untouched release, or a complete/alternative-correct learner short of full
autograded marks.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from ..paths import COURSE_ROOT

DEMO_DIR = COURSE_ROOT / "build" / "demo"
INSTRUCTOR = "Sam Rivera (demo instructor)"
#: How many learners of each kind the demo instructor has talked to (the partly-wrong and
#: missing-lesson ones show that a conversation alone does not make a learner complete).
CONVERSED = {"complete": 4, "alternative": 2, "late": 1, "partly-wrong": 1,
             "missing-lesson": 1}


class Step:
    """Times a step and turns an exception into a one-line error."""

    def __init__(self, summary: list[str], failures: list[str], name: str):
        self.summary, self.failures, self.name = summary, failures, name

    def note(self, text: str) -> None:
        self.notes.append(f"  - {text}")

    def __enter__(self) -> Step:
        self.notes: list[str] = []
        self.start = time.perf_counter()
        print(f"== {self.name}", flush=True)
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        took = time.perf_counter() - self.start
        if exc is not None:
            first = (str(exc).strip().splitlines() or [""])[0]
            line = f"{self.name} failed: {type(exc).__name__}: {first}"
            print(f"error: {line}", file=sys.stderr)
            self.failures.append(line)
            self.summary.append(f"- **{self.name}**: FAILED ({took:.0f} s): {line}")
            return True
        self.summary.append(f"- {self.name}: done in {took:.0f} s")
        self.summary.extend(self.notes)
        return False


def write_conversations(course_dir: Path, people) -> None:
    """The demo instructor's record: a conversation (mock negotiation) with its rubric score."""
    from ..grading.mock_negotiation import max_score
    from .cohort import DUE

    maximum = max_score()
    chosen = []
    for kind, n in CONVERSED.items():
        chosen += [p.id for p in people if p.kind == kind][:n]
    with (course_dir / "conversations.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["learner", "date", "instructor", "rubric_score"])
        for i, learner in enumerate(sorted(chosen)):
            # a generated demo score on the published rubric, never a real learner's
            score = max(0, maximum - i % 5)
            writer.writerow([learner, (DUE + timedelta(days=3 + i)).date().isoformat(),
                             INSTRUCTOR, score])


def run(course_dir: Path = DEMO_DIR, workers: int | None = None, size: str = "full",
        fresh: bool = False, only: tuple[str, ...] | None = None) -> int:
    from ..grading.config import db_url_of, load_config
    from ..grading.export import statuses, write_grades_csv
    from ..grading.exporters import export_canvas
    from ..grading.outcomes import OutcomeStore
    from ..grading.runner import assignments, grade_course
    from ..instructor.nbgrader_cli import ensure_venv_on_path, nbgrader
    from . import cohort
    from .standin import grade_reflections

    ensure_venv_on_path()
    workers = workers or os.cpu_count() or 2
    course_dir = course_dir.resolve()
    summary: list[str] = []
    failures: list[str] = []
    started = time.perf_counter()
    people = cohort.cohort(size)
    digest = f"{cohort.source_digest(COURSE_ROOT)} {size} {only}"
    stamp = course_dir / ".cohort-source.sha256"
    reuse = (not fresh and stamp.exists() and stamp.read_text().strip() == digest)

    with Step(summary, failures, "regenerate the release (nbgrader generate_assignment)"):
        if not reuse:
            cohort.make_course_dir(COURSE_ROOT, course_dir, only)
            nbgrader(course_dir, "generate_assignment", "--force", "*")
    with Step(summary, failures, f"generate the cohort ({len(people)} learners)"):
        if not reuse:
            cohort.write_submissions(course_dir, people)
            cohort.write_learners_csv(people, course_dir / "learners.csv")
            course_id = load_config(course_dir).CourseDirectory.get("course_id")
            cohort.register_in_gradebook(course_dir, people, db_url_of(course_dir), course_id)
            stamp.write_text(digest + "\n")
        write_conversations(course_dir, people)
    if failures:
        return _finish(course_dir, summary, failures, started, [])
    course_id = load_config(course_dir).CourseDirectory.get("course_id") or "default_course"
    db_url = db_url_of(course_dir)
    rows = []
    with Step(summary, failures, f"grade in parallel ({workers} workers, sandbox on)"):
        rows = grade_course(course_dir, workers, progress=sys.stderr.isatty())
    errors = {(r.learner, r.assignment) for r in rows if r.is_error}
    with Step(summary, failures, "grade reflections (DEMO STAND-IN for the human grader)") as s:
        # hostile learners' reflections stay for a human: a stand-in scoring the prose
        # around an attack would look like the attack earned points
        hostile = {(p.id, a) for p in people if p.kind.startswith("hostile")
                   for a in assignments(course_dir)}
        n = grade_reflections(course_dir, db_url, course_id, skip=errors | hostile)
        s.note(f"{n} reflections scored by the DEMO STAND-IN rule on each published rubric "
               "(top level for 15+ words with 'I will', middle level without, 0 if blank); "
               "each score's comment is the level's descriptor, labelled as the stand-in's. "
               "A real course has the instructor grade them in formgrader.")
    names = assignments(course_dir)
    with Step(summary, failures, "export grades (grades.csv, canvas_grades.csv)"):
        rows = statuses(course_dir, db_url, course_id, names, OutcomeStore(course_dir))
        write_grades_csv(rows, course_dir / "grades.csv")
        export_canvas(course_dir, course_dir / "canvas_grades.csv")  # nbgrader's plugin
    with Step(summary, failures, "feedback HTML (hidden tests hidden)") as s:
        from ..grading.feedback import generate

        written = generate(course_dir, workers=workers)
        s.note(f"{sum(len(v) for v in written.values())} feedback pages in "
               f"{course_dir / 'feedback'}")
    with Step(summary, failures, "export evaluations") as s:
        try:
            from ..instructor import evaluation_export as evaluation
        except ImportError:
            s.note("skipped: negotiation_course.evaluation is not present")
        else:
            out = evaluation.export(course_dir, course_dir / "evaluation.csv")
            s.note(f"{len(out)} evaluation rows in {course_dir / 'evaluation.csv'}")
    with Step(summary, failures, "time report: declared against reported minutes") as s:
        from ..instructor import time_report

        report = time_report.write(course_dir, course_dir,
                                   label="the demo cohort's GENERATED answers (not pilot "
                                         "evidence)")
        s.note(f"{len(report) - 1} parts compared in {course_dir / 'time_report.md'} "
               "(generated answers: shows the report, not the course's real timing)")
    report = None
    with Step(summary, failures, "issue certificates"):
        from ..grading.certificates import issue, learner_names

        report = issue(course_dir, rows, learner_names(db_url, course_id))
    return _finish(course_dir, summary, failures, started, rows, report, people)


def _unexpected(rows, people) -> list[str]:
    """Outcomes that mean the pipeline (not a hostile learner) misbehaved."""
    kinds = {p.id: p.kind for p in people}
    problems = []
    full = {}
    for r in rows:
        if kinds.get(r.learner) == "complete" and r.status != "missing":
            full[r.assignment] = max(full.get(r.assignment, 0.0), r.score)
    for r in rows:
        kind = kinds.get(r.learner, "")
        if r.is_error and not kind.startswith("hostile"):
            problems.append(f"{r.learner}/{r.assignment}: {r.status} (an ordinary learner)")
        if kind.startswith("hostile") and r.score > 0:
            problems.append(f"{r.learner}/{r.assignment}: scored {r.score:g} (hostile, above "
                            "the untouched release)")
        if kind == "alternative" and r.score < full.get(r.assignment, 0.0):
            problems.append(f"{r.learner}/{r.assignment}: {r.score:g} < {full[r.assignment]:g} "
                            "(alternative-correct answers should get full marks)")
    return problems


def _finish(course_dir: Path, summary: list[str], failures: list[str], started: float,
            rows, report=None, people=()) -> int:
    from ..grading.escaping import markdown_text as md  # ids and names are the learners'

    lines = ["# make demo: summary", "",
             f"Course directory: `{course_dir}` (generated; never committed).", "",
             "## Steps", "", *summary, ""]
    if rows:
        counts: dict[str, int] = {}
        for r in rows:
            key = "error" if r.is_error else r.status
            counts[key] = counts.get(key, 0) + 1
        learners = sorted({r.learner for r in rows})
        lines += ["## Grades", "",
                  f"{len(learners)} learners, {len(rows)} learner-assignments: "
                  + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + ".",
                  "Files: `grades.csv` (learner, assignment, score, max, status, reason), "
                  "`canvas_grades.csv` (LMS import), `feedback/`, `certificates/`.", "",
                  "Errors (hostile learners are expected here: the cohort includes them to "
                  "show they are contained and flagged, never silently zero):", ""]
        lines += [f"- {md(r.learner)} / {r.assignment}: {md(r.status)}" for r in rows
                  if r.is_error]
        lines.append("")
    if report is not None:
        lines += ["## Certificates", "",
                  f"{len(report.issued)} issued now, {len(report.kept)} issued before "
                  f"(register: `certificates/register.csv`).", ""]
        lines += [f"- {e['certificate_id']}: {md(e['name'])} ({md(e['learner'])}), "
                  f"{e['clock_hours']} clock hours" for e in report.issued + report.kept]
        if report.not_required:
            lines += ["", "Planned assignments not in source/ yet (not required this run): "
                      + ", ".join(report.not_required)]
        lines += ["", f"{len(report.incomplete)} learners are not complete yet "
                  "(`certificates/missing.csv`); for example:", ""]
        lines += [f"- {md(c.learner)}: {md('; '.join(c.missing))}"
                  for c in report.incomplete[:8]]
        lines.append("")
    unexpected = _unexpected(rows, people) if rows else []
    failures = failures + unexpected
    lines += ["## Verdict", ""]
    if failures:
        lines += ["UNEXPECTED problems (exit code 1):", "", *[f"- {md(f)}" for f in failures]]
    else:
        lines.append("No unexpected problems (exit code 0). Hostile learners flagged as "
                     "errors are expected.")
    lines += ["", f"Total time: {time.perf_counter() - started:.0f} s."]
    text = "\n".join(lines) + "\n"
    course_dir.mkdir(parents=True, exist_ok=True)
    (course_dir / "summary.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=DEMO_DIR)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--size", choices=["full", "small"], default="full")
    parser.add_argument("--fresh", action="store_true", help="rebuild build/demo from scratch")
    args = parser.parse_args(argv)
    return run(args.course_dir, args.workers, args.size, args.fresh)


if __name__ == "__main__":
    sys.exit(main())
