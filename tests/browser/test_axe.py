"""Rendered feedback and lesson pages pass axe-core in Chromium: no serious or critical
WCAG 2 AA violation (issue 12 §6: contrast of prompts and highlighting, links by colour).

The feedback pages are the shared graded cohort's (tests/support/grading_support), so this
module runs in that cohort's xdist group; the lesson pages are every released notebook
rendered by :func:`negotiation_course.grading.accessible_html.render_notebook`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from negotiation_course.grading import accessible_html, feedback
from negotiation_course.paths import release_dir
from tests.support import axe
from tests.support.grading_support import LESSON, graded_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RELEASED = sorted(release_dir().glob("*/*.ipynb"))


@pytest.fixture(scope="module")
def feedback_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graded cohort's feedback/ (complete answers; a wrong type with a traceback)."""
    graded = graded_course(tmp_path_factory)
    if not (graded.course / "feedback" / "complete" / LESSON).exists():
        feedback.generate(graded.course, workers=2)
    return graded.course / "feedback"


def test_axe_is_the_version_the_makefile_pins() -> None:
    makefile = (release_dir().parent / "Makefile").read_text()
    assert f"AXE_VERSION := {axe.AXE_VERSION}" in makefile
    assert f"axe v{axe.AXE_VERSION}" in axe.axe_source()[:300]
    assert (axe.AXE_DIR / "LICENSE").exists()  # MPL-2.0, installed beside it, not vendored


@pytest.mark.parametrize("learner", ["complete", "wrong-type"])
def test_feedback_page_has_no_serious_violation(page, feedback_dir: Path, learner: str) -> None:
    found = axe.violations(page, feedback_dir / learner / LESSON / f"{LESSON}.html")
    assert not axe.blocking(found), axe.summary(axe.blocking(found))


@pytest.mark.parametrize("notebook", RELEASED, ids=[p.parent.name for p in RELEASED])
def test_lesson_page_has_no_serious_violation(page, notebook: Path, tmp_path: Path) -> None:
    html = tmp_path / f"{notebook.stem}.html"
    html.write_text(accessible_html.render_notebook(notebook))
    found = axe.violations(page, html)
    assert not axe.blocking(found), axe.summary(axe.blocking(found))


WITH_OUTPUTS = [p for p in sorted(Path(release_dir().parent / "source").glob("*/*.ipynb"))
                if p.parent.name.startswith(("lesson-01", "lesson-02", "lesson-03", "assessment"))]


@pytest.mark.parametrize("master", WITH_OUTPUTS, ids=[p.parent.name for p in WITH_OUTPUTS])
def test_a_lesson_with_its_outputs_has_no_serious_violation(page, master: Path,
                                                            tmp_path: Path) -> None:
    """What feedback shows of a content lesson: its tables, charts (alt text) and friendly
    check messages, from the model answers run in a kernel."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(master, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(master.parent)}}).execute()
    assert any(o.get("output_type") in ("display_data", "execute_result")
               for c in nb.cells for o in c.get("outputs", [])), "nothing rendered"
    executed = tmp_path / master.name
    nbformat.write(nb, executed)
    html = tmp_path / f"{master.stem}.html"
    html.write_text(accessible_html.render_notebook(executed))
    found = axe.violations(page, html)
    assert not axe.blocking(found), axe.summary(axe.blocking(found))
