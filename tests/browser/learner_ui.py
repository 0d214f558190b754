"""What a learner does in JupyterLab, as Playwright steps (used by test_learner_path.py).

Every step goes through the visible UI (menus, toolbar button, the cell editor); the server's
REST API is used only to know when the kernel is really there, and the saved file is read
from disk to check what the learner's work became.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from playwright.sync_api import Page

from negotiation_course.instructor.lab import Server
from negotiation_course.paths import build_dir

#: Screenshots, logs and timings of the browser test.
ARTIFACTS = build_dir() / "browser"

#: Text typed into Markdown reflection cells.
REFLECTION = ("A client accepted her first offer because she feared losing it. I will ask every "
              "client to name one thing to negotiate before they answer an offer.")
#: Calls that draw a figure (the same rule as the accessibility checker's).
PLOT_RE = re.compile(r"\bplots\.|\bplt\.|\.plot\(")
#: An unanswered exercise: the stub nbgrader writes, or the friendly "not answered" check.
STUB_ERRORS = {"NotImplementedError", "CheckFailed"}
_NOT_ANSWERED_RE = re.compile(r"not answered|not implemented", re.IGNORECASE)
TIMEOUT_MS = 60_000


@dataclass
class Log:
    """A short, timed log of one notebook's run, written to build/browser/."""

    start: float = field(default_factory=time.monotonic)
    lines: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> None:
        self.lines.append(f"{time.monotonic() - self.start:6.1f}s  {message}")

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.start


def cells(page: Page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")


def _kernel_state(server: Server, path: str) -> set[str]:
    """Execution states of the kernels the server has for the notebook at ``path``."""
    sessions = [s for s in server.api("/api/sessions")  # type: ignore[union-attr]
                if s.get("path") == path and s.get("kernel")]
    return {s["kernel"].get("execution_state") for s in sessions}


def kernel_ready(page: Page, server: Server, path: str, timeout: float = 60) -> None:
    """Wait for a real kernel: the server lists it idle and the status bar says "| Idle".

    The toolbar's indicator says idle before any kernel exists, so it is not used.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = _kernel_state(server, path)
        status = page.locator(".jp-StatusBar-TextItem", has_text="| Idle")
        if states == {"idle"} and status.count() > 0:
            return
        time.sleep(0.25)
    shown = page.locator(".jp-StatusBar-TextItem").all_inner_texts()
    raise AssertionError(f"the kernel of {path} was not ready within {timeout:.0f} s "
                         f"(server: {states or 'no session'}; status bar: {shown})")


def focus_notebook(page: Page) -> None:
    """Click the first cell: keyboard shortcuts are ignored until the notebook has focus."""
    cells(page).first.locator(".jp-InputPrompt, .jp-Cell-inputCollapser").first.click()


def menu(page: Page, top: str, command: str) -> None:
    """Open a main-menu menu and click the item bound to ``command``."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{top}$")).click()
    page.locator(f'.lm-Menu li[data-command="{command}"]').first.click()


def _busy(page: Page) -> bool:
    prompts = cells(page).locator(".jp-InputArea-prompt").all_inner_texts()
    return any("*" in p for p in prompts)


def run_all(page: Page, server: Server, path: str, first_code: int, log: Log) -> None:
    """Run > Run All Cells, then wait until every queued cell finished and the kernel idles.

    Run All can be dropped while JupyterLab is busy; if the first code cell has not even
    started after a few seconds the learner (and this test) clicks it again.
    """
    first = cells(page).nth(first_code).locator(".jp-InputArea-prompt")
    before = first.inner_text()
    for attempt in range(3):
        focus_notebook(page)
        menu(page, "Run", "runmenu:run-all")
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and first.inner_text() == before:
            time.sleep(0.1)
        if first.inner_text() != before:
            break
        log(f"Run All was not taken up (attempt {attempt + 1}); clicking it again")
    else:
        raise AssertionError("Run > Run All Cells did not start the notebook")
    # Finished = no cell queued or running, and the kernel idle, for a whole second (cells
    # may be sent one after another, with an instant between them when none is running).
    deadline, quiet_since = time.monotonic() + 120, None
    while time.monotonic() < deadline:
        if _busy(page) or _kernel_state(server, path) != {"idle"}:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1.0:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("cells were still running after 120 s")
    kernel_ready(page, server, path)
    log("Run All finished")


def save(page: Page, notebook: Path, log: Log) -> nbformat.NotebookNode:
    """File > Save Notebook; wait for the file on disk to change, and read it."""
    before = notebook.stat().st_mtime_ns
    menu(page, "File", "docmanager:save")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and notebook.stat().st_mtime_ns == before:
        time.sleep(0.1)
    assert notebook.stat().st_mtime_ns != before, "File > Save did not write the notebook"
    time.sleep(0.2)  # let the write complete before reading
    log("saved")
    return nbformat.read(notebook, as_version=4)


def validate(page: Page, log: Log) -> str:
    """Click nbgrader's Validate, wait for its result dialog, read it and close it."""
    validate_button(page).click()
    dialog = page.locator(".jp-Dialog-content")
    dialog.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('.jp-Dialog-content')?.innerText.includes('Validating')",
        timeout=TIMEOUT_MS)
    text = dialog.inner_text()
    log("Validate dialog: " + " | ".join(line for line in text.splitlines() if line.strip())[:300])
    return text


def validate_button(page: Page):
    """nbgrader's Validate button in the notebook toolbar (found by its accessible name)."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar").get_by_role(
        "button", name="Validate", exact=True)


def close_dialog(page: Page) -> None:
    page.locator(".jp-Dialog-content .jp-Dialog-button").last.click()
    page.locator(".jp-Dialog-content").wait_for(state="detached")


def editor_text(page: Page, index: int) -> str:
    lines = cells(page).nth(index).locator(".cm-content .cm-line").all_inner_texts()
    return "\n".join(line.replace("\u200b", "") for line in lines)


def type_into(page: Page, index: int, text: str, markdown: bool) -> None:
    """Replace a cell's text the way a learner would: click it, select all, type."""
    cell = cells(page).nth(index)
    cell.scroll_into_view_if_needed()
    if markdown:
        cell.locator(".jp-MarkdownOutput, .jp-InputArea").first.dblclick()
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    got = editor_text(page, index)
    assert got.strip() == text.strip(), f"cell {index}: typed text did not arrive:\n{got}"
    page.keyboard.press("Escape")  # back to command mode; Run All renders Markdown again
