"""nbgrader export plugins: the Canvas gradebook file and a spreadsheet-safe default CSV.

    nbgrader export --exporter=negotiation_course.grading.exporters.CanvasExport [--to F]
    nbgrader export                  # CourseCsvExport, set as the default in nbgrader_config

Both use nbgrader's ``ExportPlugin`` extension point, so ``nbgrader export`` (in the
course directory, or anything that runs nbgrader's ExportApp) writes them, and ``make
demo`` writes ``canvas_grades.csv`` through :func:`export_canvas`. The Canvas file needs
each learner's status (a failed or missing submission is blank, not 0), so it reads the
grading outcome store beside the gradebook, as ``grades.csv`` does. Every cell is written
with :func:`.escaping.spreadsheet_cell`: names in a gradebook are the learner's own.
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Unicode

from .escaping import spreadsheet_row

#: The stock ``nbgrader export`` columns, in the stock order.
STOCK_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name",
                 "first_name", "email", "raw_score", "late_submission_penalty", "score",
                 "max_score"]


class _CoursePlugin(ExportPlugin):
    course_dir = Unicode("", help="course directory (default: the exporting app's)").tag(
        config=True)

    def _course_dir(self) -> Path:
        if self.course_dir:
            return Path(self.course_dir)
        coursedir = getattr(self.parent, "coursedir", None)
        return Path(coursedir.root if coursedir is not None else ".")

    def _assignments(self, gradebook: Gradebook) -> list[str]:
        names = sorted(a.name for a in gradebook.assignments)
        return [a for a in names if not self.assignment or a in self.assignment]


class CanvasExport(_CoursePlugin):
    """A Canvas gradebook import: one row per learner, one column per assignment."""

    def export(self, gradebook: Gradebook) -> None:
        from .export import statuses, write_canvas_csv
        from .outcomes import OutcomeStore

        course_dir = self._course_dir().resolve()
        names = self._assignments(gradebook)
        db_url = gradebook.engine.url.render_as_string(hide_password=False)
        rows = statuses(course_dir, db_url, gradebook.course_id, names, OutcomeStore(course_dir))
        rows = [r for r in rows if not self.student or r.learner in self.student]
        dest = Path(self.to or course_dir / "canvas_grades.csv")
        self.log.info("Exporting Canvas grades to %s", dest)
        write_canvas_csv(rows, names, dest)


class CourseCsvExport(_CoursePlugin):
    """The stock columns, one row per learner and assignment, safe to open in a spreadsheet."""

    def export(self, gradebook: Gradebook) -> None:
        dest = Path(self.to or "grades.csv")
        self.log.info("Exporting grades to %s", dest)
        with dest.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(STOCK_COLUMNS)
            for name in self._assignments(gradebook):
                assignment = gradebook.find_assignment(name)
                for student in gradebook.students:
                    if self.student and student.id not in self.student:
                        continue
                    writer.writerow(spreadsheet_row(_row(gradebook, assignment, student)))


def _row(gradebook: Gradebook, assignment, student) -> list[str]:
    try:
        sub = gradebook.find_submission(assignment.name, student.id)
    except MissingEntry:
        timestamp, raw, penalty = "", 0.0, 0.0
    else:
        timestamp, raw = sub.timestamp or "", sub.score
        penalty = sub.late_submission_penalty or 0.0
    values = [assignment.name, assignment.duedate or "", timestamp, student.id,
              student.last_name or "", student.first_name or "", student.email or "", raw,
              penalty, max(0.0, raw - penalty), assignment.max_score]
    return [str(v) for v in values]


def export_canvas(course_dir: Path, dest: Path) -> Path:
    """Write the Canvas file through :class:`CanvasExport` (as ``nbgrader export`` would)."""
    from .config import db_url_of, load_config

    course_dir = course_dir.resolve()
    course_id = load_config(course_dir).CourseDirectory.get("course_id") or "default_course"
    plugin = CanvasExport(course_dir=str(course_dir), to=str(dest))
    with Gradebook(db_url_of(course_dir), course_id) as gb:
        plugin.export(gb)
    return dest
