"""Fixtures of the learner's-path browser test: one learner JupyterLab, one Chromium.

The workspace is a scratch learner workspace built like ``make lab``'s (the student bundle
of the real ``release/``) plus a small nbgrader fixture notebook, so the test works before
any lesson is released and keeps exercising both kinds of unanswered stub.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from negotiation_course.instructor import lab
from tests.support import browser
from tests.support import notebook_builders as A

sys.path.insert(0, str(Path(__file__).parent))
from learner_notebooks import FIXTURE, fixture_notebooks  # noqa: E402
from learner_ui import ARTIFACTS  # noqa: E402

#: Settings for the test only: every cell stays in the page, so cells are found by index.
TEST_SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
                 {"windowingMode": "none"}}


@pytest.fixture(scope="session")
def fixture_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's instructor source notebook (kept outside the learner workspace)."""
    source, _ = fixture_notebooks()
    path = tmp_path_factory.mktemp("fixture-source") / f"{FIXTURE}.ipynb"
    A.write(source, path)
    return path


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch learner workspace: the student bundle of release/, plus the fixture."""
    root = lab.learner_workspace(tmp_path_factory.mktemp("learner") / "workspace")
    _, release = fixture_notebooks()
    A.write(release, root / FIXTURE / f"{FIXTURE}.ipynb")
    return root


@pytest.fixture(scope="session")
def server(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[lab.Server]:
    srv = lab.start(workspace, tmp_path_factory.mktemp("lab-state"), settings=TEST_SETTINGS)
    yield srv
    killed = srv.stop()
    assert srv.process.poll() is not None, "JupyterLab is still running after stop()"
    assert not killed, f"JupyterLab left processes behind (killed: {killed})"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """build/browser/ (each test empties its own sub-folder, so xdist workers never clash)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory,
             artifacts: Path) -> Iterator[browser.Chromium]:
    """Debian's Chromium; a clear error (never a skip) when it is not installed."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    chrome = browser.start(profile, profile.parent / f"{profile.name}.log")
    yield chrome
    alive = chrome.stop()
    assert chrome.process.poll() is not None, "Chromium is still running after stop()"
    assert not alive, f"Chromium left processes behind: {alive}"


@pytest.fixture(scope="session")
def cdp_browser(chromium: browser.Chromium) -> Iterator[Browser]:
    with sync_playwright() as pw:
        connected = pw.chromium.connect_over_cdp(chromium.ws_url)
        yield connected
        connected.close()


@pytest.fixture
def outside() -> list[str]:
    """Requests the page tried to make to anywhere but 127.0.0.1 (recorded; Chromium's
    host-resolver rules make them fail)."""
    return []


@pytest.fixture
def page(cdp_browser: Browser, outside: list[str]) -> Iterator[Page]:
    """A fresh, wide browser tab (Validate hides in a "..." menu below ~760 px)."""
    context = cdp_browser.new_context(viewport={"width": 1400, "height": 1000})

    def record(url: str) -> None:
        if not browser.is_local(url):
            outside.append(url)

    context.on("request", lambda request: record(request.url))
    tab = context.new_page()
    tab.on("websocket", lambda ws: record(ws.url))
    yield tab
    context.close()

