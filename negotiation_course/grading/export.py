"""Grades out of the gradebook, each with its status: ``grades.csv`` and an LMS file.

Scores come from the gradebook (so manual grades entered in formgrader count); the
status comes from the grading outcome store and the gradebook's "needs manual grade"
flag. :func:`statuses` is a query and never writes; the grading runner calls
:func:`flag_failures` to mark failed submissions inside the gradebook (a comment on each
of their cells), so formgrader shows why a learner has no score. Every CSV cell is
written so that no spreadsheet evaluates it (:mod:`.escaping`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from .escaping import from_spreadsheet_cell, spreadsheet_row
from .outcomes import ERROR, GRADED, MISSING, NEEDS_REVIEW, LearnerStatus, OutcomeStore

COLUMNS = ["learner", "assignment", "score", "max", "status", "reason"]
FLAG_PREFIX = "Grading error: "


def statuses(course_dir: Path, db_url: str, course_id: str, names: list[str],
             store: OutcomeStore) -> list[LearnerStatus]:
    """One status per (learner, assignment) for every learner known anywhere."""
    from nbgrader.api import Gradebook, MissingEntry

    from .runner import learners

    rows = []
    with Gradebook(db_url, course_id) as gb:
        known = sorted(set(learners(course_dir)) | {s.id for s in gb.students})
        for learner in known:
            for assignment in names:
                try:
                    max_score = gb.find_assignment(assignment).max_score
                except MissingEntry:
                    max_score = 0.0
                outcome = store.get(learner, assignment)
                try:
                    sub = gb.find_submission(assignment, learner)
                except MissingEntry:
                    sub = None
                folder = course_dir / "submitted" / learner / assignment
                if sub is None and not folder.is_dir():
                    rows.append(LearnerStatus(learner, assignment, 0.0, max_score, MISSING,
                                              "no submission"))
                    continue
                score = float(sub.score) if sub is not None else 0.0
                when = sub.timestamp.isoformat(sep=" ") if sub and sub.timestamp else ""
                late = float(sub.total_seconds_late) if sub is not None else 0.0
                notes = list(outcome.notes) if outcome else []
                if late > 0:
                    notes.append(f"submitted {_late_text(late)} late")
                if outcome is not None and (not outcome.ok or outcome.reason):
                    status, reason = f"{ERROR}: {outcome.reason}", "; ".join(notes)
                elif sub is None:
                    status, reason = f"{ERROR}: not graded yet", "run make grade"
                elif sub.needs_manual_grade:
                    status = NEEDS_REVIEW
                    reason = "; ".join(["parts graded by hand are not graded yet", *notes])
                else:
                    status, reason = GRADED, "; ".join(notes)
                rows.append(LearnerStatus(learner, assignment, round(score, 4), max_score,
                                          status, reason, when, late))
    return rows


def _late_text(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def flag_failures(db_url: str, course_id: str, rows: list[LearnerStatus]) -> int:
    """Make formgrader show each grading error: a comment on every cell of the submission,
    manual grading requested. Returns how many submissions changed (the runner calls this
    after grading; a re-run changes nothing)."""
    from nbgrader.api import Gradebook, MissingEntry

    changed = 0
    with Gradebook(db_url, course_id) as gb:
        for row in rows:
            if not row.is_error:
                continue
            try:
                sub = gb.find_submission(row.assignment, row.learner)
            except MissingEntry:
                continue
            changed += _flag(gb, sub, row.status.removeprefix(f"{ERROR}: "))
    return changed


def _flag(gb, sub, reason: str) -> bool:
    text = FLAG_PREFIX + reason
    changed = False
    for nb in sub.notebooks:
        for comment in nb.comments:
            if comment.auto_comment != text:
                comment.auto_comment = text
                changed = True
        for grade in nb.grades:
            if not grade.needs_manual_grade and grade.manual_score is None:
                grade.needs_manual_grade = True
                changed = True
    if changed:
        gb.db.commit()
    return changed


def write_grades_csv(rows: list[LearnerStatus], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow(spreadsheet_row([r.learner, r.assignment, f"{r.score:g}",
                                             f"{r.max_score:g}", r.status, r.reason]))


def read_grades_csv(path: Path) -> list[LearnerStatus]:
    with path.open(encoding="utf-8") as fh:
        rows = [{k: from_spreadsheet_cell(v) for k, v in r.items()} for r in csv.DictReader(fh)]
    return [LearnerStatus(r["learner"], r["assignment"], float(r["score"]), float(r["max"]),
                          r["status"], r["reason"]) for r in rows]


def write_canvas_csv(rows: list[LearnerStatus], names: list[str], path: Path) -> None:
    """A Canvas-style gradebook import: one row per learner, one column per assignment.

    Canvas matches learners on "SIS Login ID" (our learner id) and creates one assignment
    per new column; a "Points Possible" row comes first. Missing or failed work is left
    blank (not 0), so the LMS shows it as ungraded rather than as a zero.
    """
    by_learner: dict[str, dict[str, LearnerStatus]] = {}
    max_by: dict[str, float] = {}
    for r in rows:
        by_learner.setdefault(r.learner, {})[r.assignment] = r
        max_by[r.assignment] = max(max_by.get(r.assignment, 0.0), r.max_score)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(spreadsheet_row(["Student", "ID", "SIS User ID", "SIS Login ID",
                                         "Section", *names]))
        writer.writerow(["Points Possible", "", "", "", "", *[f"{max_by.get(a, 0):g}"
                                                              for a in names]])
        for learner, cells in sorted(by_learner.items()):
            values = []
            for a in names:
                r = cells.get(a)
                values.append(f"{r.score:g}" if r and r.status in (GRADED, NEEDS_REVIEW)
                              else "")
            writer.writerow(spreadsheet_row([learner, "", learner, learner, "", *values]))
