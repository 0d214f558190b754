"""One graded course of hostile web submissions per test session (browser and file tests).

Every case of :mod:`negotiation_course.demo.web_cases` is graded through the real pipeline
(``grade_course``: sandbox, nbgrader, the course's ``nbgrader_config.py``), with a beacon
listener on 127.0.0.1 that the payloads would call. Then learners whose ids carry markup
get a gradebook entry and an autograded notebook the way stock nbgrader paths leave them
(the runner refuses such ids), one learner gets hostile names, and ``make feedback`` runs.
"""

from __future__ import annotations

import copy
import http.server
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from negotiation_course.demo import hostile, web_cases
from negotiation_course.grading import feedback

from .grading_support import LESSON, filled, notebooks, small_course, submit

COURSE_ID = "salary-negotiation-specialist"
BASELINE = "baseline"  # an ordinary learner: the pages as nbgrader means them
NAMED = "w-display-html-js"  # also gets hostile first and last names
BROKEN = "w-kernel-died"  # a grading error, so formgrader flags are written


class Listener(http.server.ThreadingHTTPServer):
    """The payloads' beacon: records every request path it is sent."""

    def __init__(self):
        self.hits: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                listener.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_PUT = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@dataclass
class HostileCourse:
    course: Path
    listener: Listener
    ids: list[str]
    rows: list  # LearnerStatus from the grading run
    submissions: dict[str, str] = field(default_factory=dict)  # learner -> submission id

    def status(self, learner: str) -> tuple[str, float]:
        row = next(r for r in self.rows if r.learner == learner and r.assignment == LESSON)
        return row.status, row.score


def _add_markup_learner(course: Path, learner: str, db_url: str) -> None:
    """A gradebook entry and autograded notebook for ``learner``, as stock nbgrader would
    leave them (``nbgrader collect`` and ``autograde`` take any folder name)."""
    from nbgrader.api import Gradebook

    for step in ("submitted", "autograded"):
        shutil.copytree(course / step / BASELINE / LESSON, course / step / learner / LESSON)
    with Gradebook(db_url, COURSE_ID) as gb:
        gb.update_or_create_student(learner)
        gb.update_or_create_submission(LESSON, learner)


_COURSES: dict[int, HostileCourse] = {}


def hostile_course(factory) -> HostileCourse:
    """Build and grade the hostile web course once per session."""
    if id(factory) not in _COURSES:
        _COURSES[id(factory)] = _build(factory)
    return _COURSES[id(factory)]


def _build(factory) -> HostileCourse:
    from nbgrader.api import Gradebook

    from negotiation_course.grading.config import db_url_of
    from negotiation_course.grading.runner import grade_course

    listener = Listener()
    course = small_course(factory.mktemp("web") / "course")
    src, rel = notebooks()
    for case, make in web_cases.cases(listener.url).items():
        submit(course, f"w-{case}", make(copy.deepcopy(src), copy.deepcopy(rel)))
    submit(course, BASELINE, filled("complete"))
    submit(course, BROKEN, hostile.os_exit(src, rel))  # graded, then flagged
    rows = grade_course(course, 2, progress=False, limits={"wall_seconds": 20})
    db_url = db_url_of(course)
    ids = web_cases.hostile_ids(listener.url)
    for learner in ids:
        _add_markup_learner(course, learner, db_url)
    others = [f"w-{case}" for case in web_cases.EXPECTED if f"w-{case}" != NAMED]
    with Gradebook(db_url, COURSE_ID) as gb:
        for learner, (first, last) in zip([*others[:4], NAMED], web_cases.NAMES, strict=True):
            gb.update_or_create_student(learner, first_name=first, last_name=last)
        subs = {s.student.id: s.id for s in gb.notebook_submissions(LESSON, LESSON)}
    feedback.generate(course, workers=2)
    return HostileCourse(course, listener, ids, rows, subs)
