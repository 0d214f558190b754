"""``make feedback``: feedback HTML per learner and assignment that never shows hidden tests.

    python -m negotiation_course.grading.feedback --course-dir DIR [--show-hidden-tests]

Stock ``nbgrader generate_feedback`` shows the hidden tests to learners: their source, the
traceback lines that quote them, and whatever a later cell printed of them (``In``, ``_ih``
hold every cell's source, hidden tests included, because learner code shares the kernel).
Here nbgrader's own GenerateFeedback runs with one more preprocessor,
:class:`HideHiddenTests`, which removes the hidden region from each test cell, drops the
answer records, and scrubs every output line that quotes a hidden line (plain, inside a
``repr``, or in a traceback). Friendly visible-check messages ("Not yet: ...", "✔ ...") and
the learner-safe "Hidden test did not pass: 'x' is not correct yet" stay. Answer keys never
reach the kernel at all, so no expected value can be printed in the first place.

Limits: code that re-encodes the hidden source (reversed, base64) before printing it is not
recognised; the hidden tests of this course only record answers, so that text says nothing
about the expected values.

Stock ``nbgrader generate_feedback`` (what formgrader's "Generate feedback" button runs) gets
the same preprocessors: :func:`configure_stock` is called by
:func:`.pipeline.declare` from the course's ``nbgrader_config.py``, so it hides the hidden
tests too and decides the rationales from the course and the gradebook (an assessment's only
after its due date; when it cannot tell, none). It does not add ``make feedback``'s
accessibility touches to the page (``lang``, focusable outputs): ``make feedback`` remains the
instructor's command.

``--show-hidden-tests`` writes stock feedback, only for assignments whose due date (in the
gradebook) has passed.

Rationales: each answer key's "why" reaches the graded test cell as plain text
(:func:`.answer_key.graded_outputs`), so lesson feedback says why the right answer is right.
The final assessment may be resubmitted until its deadline, so its rationales stay out of the
feedback until its due date has passed (a blank submission would otherwise return a key to the
whole test); after the deadline they are shown like the lessons'.

Either way the page holds nothing active from the learner: nbconvert renders it with the
course's :class:`.sanitize.SanitizeForBrowser` and sanitising ``markdown2html`` (set here
too, so a course directory with an older ``nbgrader_config.py`` is covered).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .answer_key import ANSWER_MIME, WHY_PREFIX

HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*$",
                       re.S | re.M)
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PLACEHOLDER = "# (hidden tests ran here; your instructor can show them after the deadline)"
REMOVED = "[text of hidden tests removed]"
MIN_FRAGMENT = 6


def hidden_fragments(nb: NotebookNode) -> list[str]:
    """Every non-trivial line of every hidden-test region, as it might be printed."""
    lines: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for region in HIDDEN_RE.findall(cell.source):
            for line in region.splitlines():
                text = line.strip()
                if len(text) >= MIN_FRAGMENT:
                    lines.add(text)
    forms: set[str] = set()
    for text in lines:
        forms.add(text)
        forms.add(repr(text)[1:-1])  # as inside a printed list or repr(In)
        forms.add(text.replace('"', '\\"'))
    return sorted(forms, key=len, reverse=True)


def scrub(text: str, fragments: list[str]) -> str:
    """``text`` without the lines that quote a hidden test."""
    if not fragments or not text:
        return text
    out, last_removed = [], False
    for line in text.splitlines(keepends=True):
        plain = ANSI_RE.sub("", line)
        if any(f in plain for f in fragments):
            if not last_removed:
                out.append(REMOVED + ("\n" if line.endswith("\n") else ""))
            last_removed = True
        else:
            out.append(line)
            last_removed = False
    return "".join(out)


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden tests and every trace of them from a notebook before it becomes HTML."""

    #: Set per notebook by :func:`_one`: False holds the keys' rationales back (an assessment
    #: before its deadline); None (stock ``nbgrader generate_feedback``) decides per notebook
    #: from the course and the gradebook (:func:`rationales_shown`).
    keep_rationales: bool | None = None

    course_dir = Unicode("", help="The course directory (course.toml), for deciding whether "
                         "an assignment's rationales may be shown").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        self._fragments = hidden_fragments(nb)
        self._rationales = self.keep_rationales
        if self._rationales is None:
            info = resources.get("nbgrader", {})
            self._rationales = rationales_shown(self.course_dir, info.get("db_url", ""),
                                                info.get("assignment", ""))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type == "code":
            cell.source = HIDDEN_RE.sub(PLACEHOLDER, cell.source)
            cell.outputs = [self._clean(out) for out in cell.get("outputs", [])
                            if ANSWER_MIME not in out.get("data", {})
                            and (self._rationales or not is_rationale(out))]
        return cell, resources

    def _clean(self, out: NotebookNode) -> NotebookNode:
        frags = self._fragments
        if "text" in out:
            out.text = scrub(out.text, frags)
        for mime, value in list(out.get("data", {}).items()):
            if isinstance(value, str) and (mime.startswith("text/") or mime.endswith("json")):
                out.data[mime] = scrub(value, frags)
        if out.get("output_type") == "error":
            out.evalue = scrub(out.get("evalue", ""), frags)
            out.traceback = [line for line in (scrub(t, frags) for t in out.get("traceback", []))
                             if line.strip()]
        return out


def is_rationale(out: NotebookNode) -> bool:
    return out.get("output_type") == "stream" and str(out.get("text", "")).startswith(WHY_PREFIX)


def rationales_shown(course_dir: str, db_url: str, assignment: str) -> bool:
    """May ``assignment``'s feedback show the answer keys' rationales? A lesson's: yes; the
    assessment's: only after its due date (in the gradebook). False when unsure."""
    from nbgrader.api import Gradebook

    from ..course import load as load_course

    try:
        if load_course(Path(course_dir)).role_of(assignment) != "assessment":
            return True
        with Gradebook(db_url) as gb:
            return _deadline_passed(gb, assignment)
    except Exception:  # no course.toml, no gradebook entry: hold the rationales back
        return False


#: What stock ``nbgrader generate_feedback`` runs (set by :func:`configure_stock`).
def _stock_preprocessors() -> list:
    from nbgrader.preprocessors import GetGrades

    from .accessible_html import AccessibleCSS

    return [HideHiddenTests, GetGrades, AccessibleCSS]


def configure_stock(c, course_dir: Path) -> None:
    """Make stock ``nbgrader generate_feedback`` (formgrader's button) hide hidden tests as
    ``make feedback`` does; called by :func:`.pipeline.declare`."""
    c.GenerateFeedback.preprocessors = _stock_preprocessors()
    c.HideHiddenTests.course_dir = str(course_dir)
    # Learner content inert: the course's nbgrader_config.py sets the sanitising
    # HTMLExporter for formgrader and feedback alike (left to it, so formgrader's own view
    # keeps nbconvert's CSS).


def stock_problem(cfg) -> str:
    """Why a loaded config's stock generate_feedback could show hidden tests ('' if not)."""
    have = list(cfg.GenerateFeedback.get("preprocessors") or [])
    if HideHiddenTests not in have:
        return ("GenerateFeedback.preprocessors does not include negotiation_course.grading."
                "feedback.HideHiddenTests: stock `nbgrader generate_feedback` (formgrader's "
                "button) would show hidden tests; use `make feedback`")
    return ""


def _deadline_passed(gb, assignment: str) -> bool:
    duedate = gb.find_assignment(assignment).duedate
    return duedate is not None and duedate.replace(tzinfo=UTC) < datetime.now(
        UTC)


_APIS: dict[bool, object] = {}
_COURSE: list[Path] = []


def _init(course_dir: str) -> None:
    """Per process: two NbGraderAPIs, one hiding hidden tests, one stock."""
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config

    from . import accessible_html, fastimport, sanitize
    from .accessible_html import AccessibleCSS
    from .config import make_api

    fastimport.speed_up_nbgrader()
    hiding = Config()
    hiding.GenerateFeedback.preprocessors = _stock_preprocessors()
    stock = Config()
    stock.GenerateFeedback.preprocessors = [GetGrades, AccessibleCSS]
    for config in (hiding, stock):  # learner content inert, hidden tests shown or not
        config.HTMLExporter.preprocessors = [sanitize.SanitizeForBrowser]
        config.HTMLExporter.filters = {"markdown2html": sanitize.markdown2html}
        config.HTMLExporter.sanitize_html = True
        accessible_html.configure(config)  # WCAG AA colours, underlined links
    _COURSE[:] = [Path(course_dir)]
    _APIS[False] = make_api(Path(course_dir), hiding)
    _APIS[True] = make_api(Path(course_dir), stock)


def _one(learner: str, assignment: str, reveal: bool,
         explain: bool = True) -> tuple[str, str, str]:
    HideHiddenTests.keep_rationales = explain
    result = _APIS[reveal].generate_feedback(assignment, learner, force=True)
    error = "" if result.get("success") else (
        (result.get("error") or "failed").strip().splitlines() or ["failed"])[-1]
    if not error:  # nbgrader's feedback template: a bare <html>, outputs not focusable
        from .accessible_html import finish_page

        for page in (_COURSE[0] / "feedback" / learner / assignment).glob("*.html"):
            page.write_text(finish_page(page.read_text(encoding="utf-8")), encoding="utf-8")
    return learner, assignment, error


def _graded_pairs(autograded: Path) -> list[tuple[str, str]]:
    """(learner, assignment) of each plain graded folder. An entry that is a link is named
    and skipped (only the grader writes autograded/, so a link is something other than
    make grade put there). A learner id outside the course's pattern (possible only when
    someone copied folders in by hand) is named and still gets its page: every id is
    written into the page as escaped text."""
    from .intake import id_problem

    pairs = []
    if not autograded.is_dir() or autograded.is_symlink():
        return pairs
    for learner in sorted(autograded.iterdir(), key=lambda p: p.name):
        if learner.is_symlink() or not learner.is_dir():
            print(f"feedback: skipped autograded/{learner.name!r}: not a plain folder",
                  file=sys.stderr)
            continue
        if id_problem(learner.name):
            print(f"feedback: autograded/{learner.name!r}: {id_problem(learner.name)}",
                  file=sys.stderr)
        for folder in sorted(learner.iterdir(), key=lambda p: p.name):
            if folder.is_dir() and not folder.is_symlink():
                pairs.append((learner.name, folder.name))
            else:
                print(f"feedback: skipped autograded/{learner.name}/{folder.name}: not a "
                      "plain folder", file=sys.stderr)
    return pairs


def generate(course_dir: Path, show_hidden: bool = False,
             workers: int = 2) -> dict[str, list[str]]:
    """Write ``feedback/<learner>/<assignment>/*.html``; returns learners by assignment."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from nbgrader.api import Gradebook

    from ..instructor.nbgrader_cli import ensure_venv_on_path
    from .config import db_url_of, load_config

    ensure_venv_on_path()
    course_dir = course_dir.resolve()
    course_id = load_config(course_dir).CourseDirectory.get("course_id") or "default_course"
    autograded = course_dir / "autograded"
    pairs = _graded_pairs(autograded)
    from ..course import load as load_course

    model = load_course(course_dir)
    with Gradebook(db_url_of(course_dir), course_id) as gb:
        reveal = {a: show_hidden and _deadline_passed(gb, a) for _, a in pairs}
        explain = {a: model.role_of(a) != "assessment" or _deadline_passed(gb, a)
                   for _, a in pairs}
    for assignment in sorted({a for _, a in pairs}):
        if show_hidden and not reveal[assignment]:
            print(f"{assignment}: due date not passed (or not set); hidden tests stay hidden",
                  file=sys.stderr)
    written: dict[str, list[str]] = {}
    if not pairs:
        return written
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max(1, min(workers, len(pairs))), mp_context=ctx,
                             initializer=_init, initargs=(str(course_dir),)) as pool:
        futures = [pool.submit(_one, learner, a, reveal[a], explain[a]) for learner, a in pairs]
        for future in futures:
            learner, assignment, error = future.result()
            if error:
                print(f"feedback {learner}/{assignment} failed: {error}", file=sys.stderr)
            else:
                written.setdefault(assignment, []).append(learner)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=Path.cwd())
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--show-hidden-tests", action="store_true",
                        help="stock feedback with hidden tests, after the due date only")
    args = parser.parse_args(argv)
    written = generate(args.course_dir, args.show_hidden_tests, args.workers)
    total = sum(len(v) for v in written.values())
    print(f"feedback written for {total} submissions in {args.course_dir / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
