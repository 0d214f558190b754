"""nbgrader configuration of the course; stock `nbgrader` commands run here read it.

Paths come from this file's folder, never from the current directory, so `nbgrader` works
the same from the Makefile, tests, a copy of the course elsewhere and JupyterHub.
"""

import os

from negotiation_course.grading import pipeline
from negotiation_course.grading.sanitize import SanitizeForBrowser

c = get_config()  # noqa: F821 (provided by traitlets)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "salary-negotiation-specialist"
c.CourseDirectory.root = here
# nbgrader's default place: gradebook.db in the course directory (git-ignored). Any SQLAlchemy
# URL (e.g. postgresql+psycopg2://user@127.0.0.1:5433/gradebook) in NEGOTIATION_COURSE_DB_URL wins.
c.CourseDirectory.db_url = os.environ.get(
    "NEGOTIATION_COURSE_DB_URL", "sqlite:///" + os.path.join(here, "gradebook.db"))
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Execution. nbgrader's Execute.timeout is per cell and overrides ExecutePreprocessor.timeout.
# Our cells finish in well under a second; 20 s bounds a runaway cell, and the grading sandbox
# (negotiation_course.grading) adds a wall-clock limit for the whole notebook.
c.Execute.timeout = 20
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 60
c.Execute.iopub_timeout = 10

# A learner who deleted a graded cell gets it back from the source notebook.
c.OverwriteCells.add_missing_cells = True

# Keep autograded notebooks and feedback small whatever a submission prints.
c.LimitOutput.max_lines = 500
c.LimitOutput.max_traceback = 60

# The stub learners see where a model answer was: nothing (a blank line). The scaffold line above
# each solution (`ratio_2023 = ...  # replace ... with your answer`) is then the one visible blank,
# the cell runs without error and prints nothing (a bare `...` stub was an expression, so Run All
# showed `Ellipsis` under every answer cell), and the check cell below it gives the friendly
# "not answered yet" message instead of a NotImplementedError traceback.
c.ClearSolutions.code_stub = {"python": ""}

# The whole autograde pipeline, declared in one place (negotiation_course/grading/pipeline.py)
# for stock `nbgrader autograde` and `make grade` alike: the duplicate-cell repair, answer keys
# stripped before anything runs and compared outside the kernel, every kernel in the grading
# sandbox with the limits of course.toml [grading] (stock autograde refuses, naming
# `make grade`, where the sandbox cannot start), nbgrader's line limit and our byte limit,
# learner content made inert. `make grade` refuses a course whose lists differ from it.
pipeline.declare(c, here)

# What formgrader and feedback pages render (HTMLExporter) is made inert again, and the
# learner's id and names escaped, whatever an autograded notebook holds
# (negotiation_course.grading.sanitize).
c.HTMLExporter.preprocessors = [SanitizeForBrowser]
c.HTMLExporter.filters = {"markdown2html": "negotiation_course.grading.sanitize.markdown2html"}
c.HTMLExporter.sanitize_html = True

# `nbgrader export`: the stock columns, written so that no spreadsheet evaluates a cell;
# `--exporter=negotiation_course.grading.exporters.CanvasExport` writes the Canvas file.
c.ExportApp.plugin_class = "negotiation_course.grading.exporters.CourseCsvExport"
