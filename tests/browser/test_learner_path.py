"""The learner's path through every release notebook, in JupyterLab in Chromium.

For each notebook: open it, wait for a real kernel, Run All from the Run menu, check what ran
(cells above the first unanswered exercise, figures as images, only "not answered" errors),
Validate; then type the right answers, Run All, Validate ("Success") and check the saved file.
Screenshots and a timed log per notebook go to build/browser/<assignment>/.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from learner_notebooks import (
    answers,
    errors,
    figure_cells,
    first_code_cell,
    first_run_problems,
    has_image,
    read,
    release_notebooks,
    source_of,
)
from learner_ui import (
    ARTIFACTS,
    Log,
    cells,
    kernel_ready,
    run_all,
    save,
    type_into,
    validate,
    validate_button,
)
from learner_ui import close_dialog as close
from playwright.sync_api import Page

from negotiation_course.instructor.lab import Server

pytestmark = pytest.mark.browser
INSTRUCTOR_UI = re.compile(r"nbgrader|formgrader|create assignment|course list", re.IGNORECASE)


def _open(page: Page, server: Server, rel_path: str, n_cells: int = 1) -> int:
    """Open a notebook by URL; wait until it shows ``n_cells`` cells; return how many.

    Each notebook gets its own JupyterLab workspace, so no tab restored from an earlier
    notebook sits (hidden) in the page.
    """
    workspace = re.sub(r"[^a-z0-9]+", "-", rel_path.lower())
    page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{rel_path}?token={server.token}")
    cells(page).first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 30
    while cells(page).count() < n_cells and time.monotonic() < deadline:
        time.sleep(0.1)
    return cells(page).count()


def _figures_shown(page: Page, indices: list[int]) -> list[int]:
    """Indices of figure cells whose output area shows no image in the page."""
    return [i for i in indices
            if cells(page).nth(i).locator(".jp-OutputArea-output img").count() == 0]


@pytest.mark.parametrize(("assignment", "name"), release_notebooks(),
                         ids=[a for a, _ in release_notebooks()])
def test_learner_path(assignment: str, name: str, workspace: Path, server: Server, page: Page,
                      outside: list[str], fixture_source: Path) -> None:
    log, out = Log(), ARTIFACTS / assignment
    shutil.rmtree(out, ignore_errors=True)  # nothing stale from an earlier run
    out.mkdir(parents=True)
    rel_path, file = f"{assignment}/{name}", workspace / assignment / name
    release = read(file)
    todo = answers(release, read(source_of(assignment, name, fixture_source)))
    first_code = first_code_cell(release)
    try:
        shown = _open(page, server, rel_path, len(release.cells))
        assert shown == len(release.cells), "the page shows a different notebook"
        kernel_ready(page, server, rel_path)
        log(f"opened; kernel ready; {len(release.cells)} cells, {len(todo)} answer cells")

        if first_code is None:
            log("prose only: nothing to run")
        else:
            run_all(page, server, rel_path, first_code, log)
        first = save(page, file, log)
        stop = min(errors(first), default=len(first.cells))
        if stop < len(first.cells):  # show the learner's first "not answered" message
            cells(page).nth(stop).scroll_into_view_if_needed()
        page.screenshot(path=out / "1-release-run-all.png")
        problems = first_run_problems(first)
        for problem in problems:
            log(f"problem after Run All: {problem}")
        assert problems == []
        assert _figures_shown(page, [i for i in figure_cells(first) if i < stop]) == []
        if todo:
            assert errors(first), "Run All of the release raised no 'not answered' error"
        text = validate(page, log)
        page.screenshot(path=out / "2-release-validate.png")
        close(page)
        if not todo:  # nothing to answer: the release itself must validate
            assert "Success" in text, f"Validate failed a notebook with no answers:\n{text}"
            assert errors(first) == {}
            assert outside == [], f"the page tried to reach outside 127.0.0.1: {outside}"
            log(f"done in {log.seconds:.1f} s (no answer cells)")
            return
        assert "Success" not in text, "Validate passed a notebook with no answers"

        for answer in todo:
            type_into(page, answer.index, answer.text, answer.markdown)
        log(f"typed {len(todo)} answers")
        if first_code is None:
            log("prose only: nothing to run")
        else:
            run_all(page, server, rel_path, first_code, log)
        if figure_cells(release):  # show a figure the learner drew
            cells(page).nth(figure_cells(release)[0]).scroll_into_view_if_needed()
        page.screenshot(path=out / "3-answered-run-all.png")
        final = save(page, file, log)
        assert {i: e.get("evalue") for i, e in errors(final).items()} == {}
        assert [i for i, c in enumerate(final.cells) if c.cell_type == "code"
                and c.source.strip() and c.execution_count is None] == []
        assert [i for i in figure_cells(final) if not has_image(final.cells[i])] == []
        assert _figures_shown(page, figure_cells(final)) == []
        for answer in todo:
            assert final.cells[answer.index].source.strip() == answer.text.strip(), answer
        text = validate(page, log)
        page.screenshot(path=out / "4-answered-validate.png")
        close(page)
        assert "Success" in text, f"Validate did not pass the answered notebook:\n{text}"
        assert outside == [], f"the page tried to reach outside 127.0.0.1: {outside}"
        log(f"done in {log.seconds:.1f} s")
    finally:
        if "done in" not in " ".join(log.lines):
            page.screenshot(path=out / "failure.png")
        log(f"total {log.seconds:.1f} s")
        (out / "log.txt").write_text("\n".join(log.lines) + "\n", encoding="utf-8")


def test_learner_sees_no_instructor_ui(server: Server, page: Page, outside: list[str]) -> None:
    """The learner's lab: no Formgrader, Nbgrader menu, Course List or Create Assignment."""
    _open(page, server, "browser-fixture/browser-fixture.ipynb")
    page.locator(".lm-MenuBar-item").first.wait_for()
    menus = page.locator(".lm-MenuBar-item").all_inner_texts()
    tabs = page.locator(".lm-TabBar-tab").evaluate_all(
        "els => els.map(e => (e.getAttribute('title') || '') + ' ' + e.innerText)")
    assert "Run" in menus and "File" in menus, menus  # the menu bar was really read
    assert [m for m in menus if INSTRUCTOR_UI.search(m)] == []
    assert [t for t in tabs if INSTRUCTOR_UI.search(t)] == []
    disabled = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data')"
                             ".textContent).disabledExtensions")
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:menu",
            "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list"} <= set(disabled)
    # the toolbar is drawn after the menu bar: wait for the button, then count it
    validate_button(page).first.wait_for(timeout=30_000)
    assert validate_button(page).count() == 1
    assert server.status("/formgrader") == 404
    page.screenshot(path=ARTIFACTS / "learner-view.png")
    assert outside == []
