
"""Feedback HTML never shows hidden tests while the course is open; friendly checks stay."""

from __future__ import annotations

from datetime import datetime

import pytest

from negotiation_course.grading import feedback
from negotiation_course.grading.feedback import REMOVED, hidden_fragments, scrub

from .support.grading_support import LESSON, graded_course

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

_DONE: dict[int, dict] = {}


def _feedback(factory):
    if id(factory) not in _DONE:
        g = graded_course(factory)
        _DONE[id(factory)] = feedback.generate(g.course, workers=2)
    return graded_course(factory), _DONE[id(factory)]


def _html(course, learner):
    return (course / "feedback" / learner / LESSON / f"{LESSON}.html").read_text()


def test_no_hidden_test_text_in_any_feedback_page(tmp_path_factory):
    g, written = _feedback(tmp_path_factory)
    assert "print-history" in "".join(written[LESSON])
    pages = sorted((g.course / "feedback").glob(f"*/{LESSON}/*.html"))
    assert len(pages) >= 10
    for page in pages:
        text = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in text, page
        # the hidden test's own line (learner code may mention checks.record itself)
        assert "checks.record(&quot;new_salary&quot;, new_salary)" not in text, page
        assert 'checks.record("new_salary", new_salary)' not in text, page
        assert "answer-key" not in text or "h-" in page.parent.parent.name, page


def test_text_printed_from_history_is_removed(tmp_path_factory):
    g, _ = _feedback(tmp_path_factory)
    assert REMOVED in _html(g.course, "h-print-history")


def test_friendly_visible_messages_stay(tmp_path_factory):
    g, _ = _feedback(tmp_path_factory)
    wrong = _html(g.course, "wrong-type")
    assert "new_salary should be a number" in wrong
    assert "Hidden test did not pass" in wrong
    assert "is a number between 54000 and 56500" in _html(g.course, "complete")


def test_hidden_tests_shown_only_after_the_deadline_on_request(tmp_path_factory):
    from nbgrader.api import Gradebook

    from negotiation_course.grading.config import db_url_of

    g, _ = _feedback(tmp_path_factory)
    db = db_url_of(g.course)

    def set_due(when):
        with Gradebook(db, "salary-negotiation-specialist") as gb:
            gb.update_or_create_assignment(LESSON, duedate=when)

    with Gradebook(db, "salary-negotiation-specialist") as gb:
        original = gb.find_assignment(LESSON).duedate
    try:
        set_due(datetime(2999, 1, 1))
        feedback.generate(g.course, show_hidden=True, workers=1)  # course still open
        assert "BEGIN HIDDEN TESTS" not in _html(g.course, "complete")
        set_due(datetime(2020, 1, 1))
        feedback.generate(g.course, show_hidden=True, workers=1)
        assert "BEGIN HIDDEN TESTS" in _html(g.course, "complete")
    finally:  # the graded course is shared: leave its due date and feedback as found
        set_due(original)
        feedback.generate(g.course, workers=1)
    assert "BEGIN HIDDEN TESTS" not in _html(g.course, "complete")


def test_scrub_catches_plain_repr_and_ansi_forms():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x = 1\n### BEGIN HIDDEN TESTS\nchecks.record('secret_id', x)\n### END HIDDEN TESTS")])
    frags = hidden_fragments(nb)
    leaked = ("ok line\n"
              "checks.record('secret_id', x)\n"
              "['x = 1\\n### BEGIN HIDDEN TESTS\\nchecks.record(\\'secret_id\\', x)']\n"
              "\x1b[0;32mchecks.record('secret_id', x)\x1b[0m\n")
    clean = scrub(leaked, frags)
    assert "secret_id" not in clean and "ok line" in clean


def _why_lines(assignment: str) -> dict[str, str]:
    import nbformat

    from negotiation_course.grading.answer_key import keys_in
    from negotiation_course.paths import COURSE_ROOT

    nb = nbformat.read(COURSE_ROOT / "source" / assignment / f"{assignment}.ipynb", 4)
    return {k.id: k.why for c in nb.cells if c.cell_type == "code" for k in keys_in(c.source)}


def _hidden_code_shown(page: str) -> bool:
    return ("BEGIN HIDDEN TESTS" in page or "answer-key" in page or "checks.record(" in page
            or "&quot;why&quot;" in page)


def test_a_wrong_answers_feedback_says_why_the_right_answer_is_right(tmp_path_factory):
    import html

    g, _ = _feedback(tmp_path_factory)
    (why,) = _why_lines(LESSON).values()
    for learner in ("wrong-type", "complete"):
        page = _html(g.course, learner)
        assert "Why the right answer is right: " + why in html.unescape(page), learner
        assert not _hidden_code_shown(page), learner
    assert "Hidden test did not pass" in _html(g.course, "wrong-type")


def test_assessment_feedback_explains_every_item_after_the_deadline_only(tmp_path):
    """A learner with every other answer wrong: no hidden test text ever; each item's rationale
    once the due date has passed (before it, resubmitting after reading them would be a key)."""
    import html

    import nbformat
    from nbgrader.api import Gradebook

    from negotiation_course.grading.config import db_url_of
    from negotiation_course.grading.runner import grade_course

    from .support.grading_support import filled, small_course, submit

    course = small_course(tmp_path / "course", ("assessment",))
    submit(course, "partly-wrong", filled("partly-wrong", "assessment"), "assessment")
    rows = grade_course(course, 1, progress=False, limits={"wall_seconds": 60})
    (row,) = [r for r in rows if r.learner == "partly-wrong"]
    assert row.status == "graded" and 0 < row.score < row.max_score, row
    page_path = course / "feedback" / "partly-wrong" / "assessment" / "assessment.html"
    whys = _why_lines("assessment")
    assert len(whys) >= 20

    def set_due(when):
        with Gradebook(db_url_of(course), "salary-negotiation-specialist") as gb:
            gb.update_or_create_assignment("assessment", duedate=when)

    set_due(datetime(2999, 1, 1))
    for make_feedback in (lambda: feedback.generate(course, workers=1), lambda: _stock(
            course, "assessment", "--student=partly-wrong")):  # formgrader's button too
        make_feedback()
        before = html.unescape(page_path.read_text())
        assert before.count("Hidden test did not pass") == len(whys) // 2
        assert "Why the right answer is right" not in before
        assert not any(why[:40] in before for why in whys.values())
        assert not _hidden_code_shown(page_path.read_text())

    set_due(datetime(2020, 1, 1))
    _stock(course, "assessment", "--student=partly-wrong")
    shown = html.unescape(page_path.read_text())
    assert all("Why the right answer is right: " + why in shown for why in whys.values())
    assert not _hidden_code_shown(page_path.read_text())
    feedback.generate(course, workers=1)
    page = page_path.read_text()
    shown = html.unescape(page)
    for answer_id, why in whys.items():
        assert "Why the right answer is right: " + why in shown, answer_id
    assert page.count("Hidden test did not pass") == len(whys) // 2
    assert not _hidden_code_shown(page)
    release = nbformat.read(course / "release" / "assessment" / "assessment.ipynb", 4)
    assert not any(why[:40] in c.source for c in release.cells for why in whys.values())


def _stock(course, assignment: str, *args: str) -> None:
    """What formgrader's "Generate feedback" runs: stock nbgrader, the course's config."""
    from negotiation_course.instructor.nbgrader_cli import nbgrader

    nbgrader(course, "generate_feedback", assignment, "--force", *args)


def test_stock_generate_feedback_hides_the_hidden_tests_too(tmp_path_factory, tmp_path):
    """Stock `nbgrader generate_feedback` (formgrader's button) on a copy of the graded
    course: the course's hiding preprocessor runs, not nbgrader's stock list."""
    import shutil

    g = graded_course(tmp_path_factory)
    course = tmp_path / "course"
    shutil.copytree(g.course, course, symlinks=True, ignore=shutil.ignore_patterns("feedback"))
    for learner in ("complete", "wrong-type", "h-print-history"):
        _stock(course, LESSON, f"--student={learner}")
    pages = {p.parent.parent.name: p.read_text()
             for p in (course / "feedback").glob(f"*/{LESSON}/*.html")}
    assert sorted(pages) == ["complete", "h-print-history", "wrong-type"]
    for learner, page in pages.items():
        assert not _hidden_code_shown(page), learner
    assert REMOVED in pages["h-print-history"]
    assert "Hidden test did not pass" in pages["wrong-type"]
