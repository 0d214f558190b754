"""Hostile submissions opened the way an instructor opens them: no learner script runs.

A scratch course is graded through the real pipeline (sandbox, nbgrader, the course's
``nbgrader_config.py``) with every case of :mod:`negotiation_course.demo.web_cases`, plus
learners whose ids and names carry markup (put in the gradebook the way stock nbgrader
paths would, since the runner refuses such ids). Then:

* formgrader runs as nbgrader's server extension in a real JupyterLab started like
  ``make instructor-lab`` (127.0.0.1, token), and Debian's Chromium opens every submission
  page and the list pages that show ids and names;
* ``make feedback`` writes the feedback pages, which Chromium opens from a plain web server
  (no Content-Security-Policy to help).

Every payload would mark the page (``window.__ncXss``), call a listener this test runs on
127.0.0.1, and write a file through Jupyter's contents API. The test asserts none of that
happened, and that no learner-made script element, event handler, frame or script URL is
in the page; learners' side files that formgrader serves come with a sandbox policy.
Two controls show the detectors fire, so the tests can fail: one hostile notebook rendered
by stock nbconvert, and formgrader started without the course's guard, whose own page runs
an id taken from the URL.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Browser, Page

from negotiation_course.demo import web_cases
from negotiation_course.instructor import lab
from tests.support.grading_support import LESSON
from tests.support.web_support import BASELINE, BROKEN, NAMED, HostileCourse, hostile_course

pytestmark = pytest.mark.browser
#: What the page may hold that learner content must never add (counted against baseline).
PROBE = """() => {
  const nb = document.querySelector('#notebook-container') || document.body;
  const urls = [...nb.querySelectorAll('[href],[src],[action],[formaction],[data]')]
    .flatMap(e => ['href', 'src', 'action', 'formaction', 'data'].map(a => e.getAttribute(a)))
    .filter(u => u && /^\\s*(javascript|vbscript|data:text)/i.test(u));
  const handlers = [...nb.querySelectorAll('*')].flatMap(
    e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name));
  const payloads = [...document.querySelectorAll('*')].flatMap(
    e => [...e.attributes].filter(a => a.name.startsWith('on') && /ncXss|atob|alert/.test(a.value))
    .map(a => e.tagName + ' ' + a.name));
  return {marker: window.__ncXss || null, scripts: document.scripts.length,
          frames: nb.querySelectorAll('iframe,object,embed,frame,base,meta').length,
          svgScripts: nb.querySelectorAll('svg script, svg [onload]').length,
          urls, handlers, payloads};
}"""


def _serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileCourse:
    return hostile_course(tmp_path_factory)


@pytest.fixture(scope="module")
def formgrader(hostile: HostileCourse,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[lab.Server]:
    """JupyterLab at the course directory with nbgrader's extensions, as for instructors."""
    state = tmp_path_factory.mktemp("instructor-lab")
    env = lab.environment(state, config_dir=state / "empty-config", pythonpath=None)
    server = lab.start(hostile.course, state, learner=False, env=env)
    yield server
    assert server.stop() == []


@pytest.fixture
def tab(cdp_browser: Browser, outside: list[str]) -> Iterator[Page]:
    context = cdp_browser.new_context(viewport={"width": 1400, "height": 1000})
    context.on("request", lambda r: None if r.url.startswith("http://127.0.0.1") else
               outside.append(r.url))
    page = context.new_page()
    page.on("dialog", lambda d: (outside.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    context.close()


def _visit(page: Page, url: str) -> dict:
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1500)  # timers, autofocus, image errors, refreshes
    return page.evaluate(PROBE)


def _assert_inert(probe: dict, baseline: dict, where: str) -> None:
    assert probe["marker"] is None, f"{where}: a payload ran: {probe['marker']}"
    assert probe["scripts"] == baseline["scripts"], f"{where}: learner script elements"
    assert probe["frames"] == 0 and probe["svgScripts"] == 0, where
    assert probe["urls"] == [], f"{where}: script URLs {probe['urls']}"
    assert probe["handlers"] == [], f"{where}: event handlers {probe['handlers']}"


def _login(page: Page, server: lab.Server) -> None:
    page.goto(f"{server.url}/formgrader?token={server.token}", wait_until="load")


def test_formgrader_submission_pages_run_no_learner_script(
        hostile: HostileCourse, formgrader: lab.Server, tab: Page, outside: list[str]) -> None:
    _login(tab, formgrader)
    base = f"{formgrader.url}/formgrader/submissions"
    baseline = _visit(tab, f"{base}/{hostile.submissions[BASELINE]}/")
    assert baseline["marker"] is None and baseline["scripts"] > 0
    learners = sorted(set(hostile.submissions) - {BASELINE, BROKEN})  # BROKEN: no notebook
    assert len(learners) == len(web_cases.EXPECTED) + len(hostile.ids)
    for learner in learners:
        probe = _visit(tab, f"{base}/{hostile.submissions[learner]}/")
        _assert_inert(probe, baseline, learner)
        if learner in hostile.ids or learner == NAMED:  # shown as text, exactly
            shown = tab.locator("a.name-shown").first.inner_text().strip()
            expected = learner if learner in hostile.ids else ", ".join(
                reversed(web_cases.NAMES[-1]))
            assert shown == expected, (shown, expected)
    _assert_no_trace(hostile, outside)


def test_formgrader_list_pages_show_ids_and_names_as_text(
        hostile: HostileCourse, formgrader: lab.Server, tab: Page, outside: list[str]) -> None:
    _login(tab, formgrader)
    fg = f"{formgrader.url}/formgrader"
    pages = [f"{fg}/manage_assignments", f"{fg}/manage_submissions/{LESSON}",
             f"{fg}/gradebook/{LESSON}/{LESSON}", f"{fg}/manage_students"]
    pages += [f"{fg}/manage_students/{urllib.parse.quote(i, safe='')}" for i in hostile.ids]
    for url in pages:
        probe = _visit(tab, url)
        assert probe["marker"] is None, f"{url}: a payload ran: {probe['marker']}"
        assert probe["payloads"] == [], (url, probe["payloads"])
    _assert_no_trace(hostile, outside)


def test_formgrader_serves_learners_files_in_a_sandbox(
        hostile: HostileCourse, formgrader: lab.Server, tab: Page, outside: list[str]) -> None:
    """nbgrader copies a learner's side files to autograded/ and formgrader serves them."""
    learner = "w-reflection-script-links"
    folder = hostile.course / "autograded" / learner / LESSON
    for name, text in web_cases.side_files(hostile.listener.url).items():
        (folder / name).write_text(text)
    _login(tab, formgrader)
    for name in web_cases.side_files():
        url = f"{formgrader.url}/formgrader/submissions/{hostile.submissions[learner]}/{name}"
        response = tab.goto(url, wait_until="load")
        assert response.status == 200, (url, response.status)
        assert "sandbox" in (response.headers.get("content-security-policy") or ""), url
        tab.wait_for_timeout(1500)
        assert tab.evaluate("() => window.__ncXss || null") is None, url
    _assert_no_trace(hostile, outside)


def test_feedback_pages_run_no_learner_script(
        hostile: HostileCourse, tab: Page, outside: list[str]) -> None:
    server, url = _serve_folder(hostile.course / "feedback")
    try:
        baseline = _visit(tab, f"{url}/{BASELINE}/{LESSON}/{LESSON}.html")
        pages = sorted((hostile.course / "feedback").glob(f"*/{LESSON}/{LESSON}.html"))
        assert len(pages) == len(web_cases.EXPECTED) + len(hostile.ids) + 1  # + BASELINE
        for page in pages:
            rel = urllib.parse.quote(str(page.relative_to(hostile.course / "feedback")))
            _assert_inert(_visit(tab, f"{url}/{rel}"), baseline, page.parent.parent.name)
    finally:
        server.shutdown()
    _assert_no_trace(hostile, outside)


def test_control_without_the_guard_formgrader_runs_an_id_from_the_url(
        hostile: HostileCourse, tab: Page, tmp_path: Path) -> None:
    """nbgrader's own page prints the id from the URL into a script: only the guard stops it."""
    env = lab.environment(tmp_path, config_dir=tmp_path / "empty-config", pythonpath=None)
    server = lab.start(hostile.course, tmp_path, learner=False, env=env, guard=False)
    try:
        _login(tab, server)
        js_id = hostile.ids[1]
        probe = _visit(tab, f"{server.url}/formgrader/manage_students/"
                            f"{urllib.parse.quote(js_id, safe='')}")
    finally:
        assert server.stop() == []
    assert probe["marker"] == "id-js"
    assert any("id-js" in hit for hit in hostile.listener.hits)
    hostile.listener.hits.clear()


def test_control_stock_nbconvert_runs_the_same_payloads(
        hostile: HostileCourse, tab: Page, tmp_path: Path) -> None:
    """Without the course's sanitising, the detectors see the payloads run."""
    from nbconvert import HTMLExporter

    case = "reflection-script-tags"
    nb = nbformat.read(hostile.course / "submitted" / f"w-{case}" / LESSON / f"{LESSON}.ipynb",
                       4)
    (tmp_path / "stock.html").write_text(HTMLExporter().from_notebook_node(nb)[0])
    server, url = _serve_folder(tmp_path)
    try:
        probe = _visit(tab, f"{url}/stock.html")
    finally:
        server.shutdown()
    assert probe["marker"] and case in probe["marker"]
    assert any(case in hit for hit in hostile.listener.hits)
    hostile.listener.hits.clear()


def _assert_no_trace(hostile: HostileCourse, outside: list[str]) -> None:
    assert hostile.listener.hits == [], f"payloads called the listener: {hostile.listener.hits}"
    written = sorted(p.name for p in hostile.course.rglob("xss-*"))
    assert written == [], f"payloads wrote through the contents API: {written}"
    assert [u for u in outside if u.startswith("dialog")] == [], outside
