"""The course's whole round through a real JupyterHub (issue 13, item 6).

Real parts only: Unix users made by the course's accounts code (removed afterwards), PAM
logins through the hub's login form, a JupyterLab per learner started by LocalProcessSpawner
under the learner's uid, nbgrader's filesystem exchange made private by the course, the
grader's round as the grader account (`make grade` sandboxed), Debian's Chromium driven by
Playwright through the login page and the Assignments tab. Everything listens on 127.0.0.1
and is stopped by pid; the test checks nothing of it is left and the ports are free.

One test function on purpose: every step needs the one before it, and starting a hub and two
learner servers costs more than all the checks.
"""

from __future__ import annotations

import csv
import json
import pwd
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from negotiation_course.demo.cohort import fill
from negotiation_course.grading.feedback import hidden_fragments
from negotiation_course.hub import round as hub_round
from negotiation_course.hub import serve
from negotiation_course.hub.accounts import Learner, create_accounts
from negotiation_course.paths import COURSE_ROOT
from tests.support import browser
from tests.support.hub_client import HubSession
from tests.support.unix_users import remove_users, require_root, unique

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.browser]

WELCOME = "lesson-00-welcome"
LESSON1 = "lesson-01-why-negotiate"
BY_BROWSER = "lesson-02-strategic-career"  # fetched and submitted through the Assignments tab
NO_NOTEBOOK = "evaluation"  # B submits this one with its notebook deleted
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))
REFLECTION = ("A client once took the first offer because she feared losing it. I will ask "
              "every client which parts of an offer are open before they answer it.")
TIMINGS = COURSE_ROOT / "build" / "hub-e2e-timings.json"


def _as(user: str, *argv: str, cwd: str = "/") -> subprocess.CompletedProcess:
    home = pwd.getpwnam(user).pw_dir
    return subprocess.run(["runuser", "-u", user, "--", "env", "-i", f"HOME={home}",
                           f"PATH={Path(sys.executable).parent}:/usr/bin:/bin", *argv],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def _model_answers(assignment: str) -> dict:
    source = nbformat.read(COURSE_ROOT / "source" / assignment / f"{assignment}.ipynb", 4)
    release = nbformat.read(COURSE_ROOT / "release" / assignment / f"{assignment}.ipynb", 4)
    nb = fill(source, release, "complete", random.Random(assignment), REFLECTION)
    return json.loads(nbformat.writes(nb))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """Two learners, a grader and its group; the hub with every lesson released; all removed."""
    require_root()
    browser.find_chromium()  # a clear error, never a skip, when Chromium is missing
    tag = unique()
    names = {"a": f"{tag}-a", "b": f"{tag}-b", "grader": f"{tag}-g", "group": f"fg-{tag}",
             "course": tag}
    top = Path(tempfile.mkdtemp(prefix="nct-hub-", dir="/tmp"))
    top.chmod(0o755)
    passwords = tmp_path_factory.mktemp("hub-secrets") / "passwords.csv"
    timings: dict[str, float] = {}
    state = top / "state"
    port = serve.free_base_port()
    try:
        create_accounts([Learner(names["a"], "Learner A", "a@example.org"),
                         Learner(names["b"], "Learner B", "b@example.org")],
                        tag, names["grader"], passwords, names["group"])
        secret = dict(line.split(",", 1) for line in passwords.read_text().splitlines())
        started = time.monotonic()
        running = serve.start(state, top / "share", port, top / "exchange", tag,
                              names["grader"], names["group"])
        timings["hub start (share, exchange, grader course, hub answering)"] = \
            time.monotonic() - started
        course = hub_round.default_course_dir(names["grader"])
        started = time.monotonic()
        released = hub_round.release(names["grader"], course)
        timings["release every assignment"] = time.monotonic() - started
        yield {**names, "hub": running, "port": port, "top": top, "state": state,
               "exchange": top / "exchange", "course_dir": course, "released": released,
               "password": secret, "timings": timings}
    finally:
        killed = serve.stop(state)
        leftover = [n for n in (names["a"], names["b"], names["grader"])
                    if _user_exists(n) and subprocess.run(
                        ["pgrep", "-u", n], capture_output=True).returncode == 0]
        remove_users([names["a"], names["b"], names["grader"]], [names["group"]])
        shutil.rmtree(top, ignore_errors=True)
        TIMINGS.parent.mkdir(parents=True, exist_ok=True)
        TIMINGS.write_text(json.dumps(timings, indent=1))
        assert not killed, f"hub processes had to be killed: {killed}"
        assert not leftover, f"processes of {leftover} outlived the hub"
        assert serve.ports_free(port), f"a port of 127.0.0.1:{port}-{port + 3} is still bound"
        for name in (names["a"], names["b"], names["grader"]):
            assert not _user_exists(name) and not Path(f"/home/{name}").exists()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _in_own_thread(work, *args) -> None:
    """Run ``work`` in a thread of its own: Playwright's sync API refuses a thread where
    another test of this pytest worker left an asyncio loop (a browser fixture) running."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(work, *args).result()


def _browser_round(hub: dict, artifacts: Path) -> None:
    """A in Chromium: the hub login page, the Assignments tab: Fetch, open, Submit."""
    from playwright.sync_api import expect, sync_playwright

    a = hub["a"]
    profile = artifacts / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    chrome = browser.start(profile, artifacts / "chromium.log")
    try:
        with sync_playwright() as pw:
            connected = pw.chromium.connect_over_cdp(chrome.ws_url)
            context = connected.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(90_000)
            try:
                page.goto(f"http://127.0.0.1:{hub['port']}/hub/login")
                page.fill("#username_input", a)
                page.fill("#password_input", hub["password"][a])
                page.click("#login_submit")
                page.wait_for_url(f"**/user/{a}/lab**", timeout=120_000)
                page.locator(".jp-LauncherCard").first.wait_for(timeout=120_000)
                # The Assignments tab: Nbgrader > Assignment List (the menu keeps only the
                # learner's entries: the formgrader and course list plugins are off).
                page.get_by_role("menuitem", name="Nbgrader").click()
                menu = page.locator("#jp-mainmenu-nbgrader")
                expect(menu.get_by_text("Assignment List")).to_be_visible()
                assert "Formgrader" not in menu.inner_text()
                menu.get_by_text("Assignment List").click()
                released = page.locator("#released_assignments_list .list_item",
                                        has_text=BY_BROWSER)
                released.get_by_role("button", name="Fetch").click()
                fetched = page.locator("#fetched_assignments_list .list_item",
                                       has_text=BY_BROWSER).first
                expect(fetched).to_be_visible()
                page.screenshot(path=str(artifacts / "fetched.png"))
                fetched.locator("a", has_text=BY_BROWSER).first.click()  # show its notebooks
                # the notebook's own link (href "#") opens it in a JupyterLab tab
                link = fetched.locator("a[href='#']", has_text=BY_BROWSER)
                expect(link.first).to_be_visible()
                link.first.click()
                page.wait_for_timeout(500)
                shown = context.pages[-1]  # the lab opens it in a tab of its own page
                shown.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120_000)
                shown.screenshot(path=str(artifacts / "opened.png"))
                if shown is not page:
                    shown.close()
                else:
                    page.get_by_role("tab", name="Assignments").click()
                fetched.get_by_role("button", name="Submit").click()
                submitted = page.locator("#submitted_assignments_list .list_item",
                                         has_text=BY_BROWSER)
                expect(submitted.first).to_be_visible(timeout=90_000)
                page.screenshot(path=str(artifacts / "assignments-tab.png"))
            except Exception:
                page.screenshot(path=str(artifacts / "failure.png"))
                raise
            finally:
                context.close()
                connected.close()
    finally:
        alive = chrome.stop()
        assert not alive, f"Chromium left processes behind: {alive}"


def test_a_round_through_the_hub(hub):
    course, a, b, grader = hub["course"], hub["a"], hub["b"], hub["grader"]
    base, timings = f"http://127.0.0.1:{hub['port']}", hub["timings"]
    artifacts = COURSE_ROOT / "build" / "hub-e2e"
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    exchange_course = hub["exchange"] / course
    assert {WELCOME, LESSON1, BY_BROWSER, NO_NOTEBOOK} <= set(hub["released"])

    # -- both learners log in through the hub's login form; wrong passwords do not --------
    intruder = HubSession(base, a)
    assert "/hub/login" in intruder.login("not the password").url and not intruder.logged_in()
    learner_a, learner_b = HubSession(base, a), HubSession(base, b)
    started = time.monotonic()
    learner_a.login(hub["password"][a])
    timings["learner A: login to server answering"] = (learner_a.wait_for_server()
                                                       + time.monotonic() - started)
    learner_b.login(hub["password"][b])
    learner_b.wait_for_server()
    lab = learner_a.get("/lab").text
    config = json.loads(re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', lab,
                                  re.S).group(1))
    disabled = config["disabledExtensions"]
    for plugin in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list"):
        assert plugin in disabled, (plugin, disabled)
    # The Nbgrader menu stays: in JupyterLab it is the only way to the Assignment List.
    for plugin in ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu",
                   "@jupyter/nbgrader:validate-assignment"):
        assert plugin not in disabled, (plugin, disabled)
    assert learner_a.get("/formgrader").status_code == 404  # no formgrader in a learner server
    assert learner_a.get("/api/contents").status_code == 200

    # -- A in the browser: login page, Assignments tab, Fetch, open, Submit ---------------
    started = time.monotonic()
    _in_own_thread(_browser_round, hub, artifacts)
    timings["browser: login, Assignments tab, fetch, open, submit"] = time.monotonic() - started

    # -- A over the Assignments REST endpoints: fetch every release, answer, submit -------
    released = [x["assignment_id"] for x in learner_a.assignments(course)
                if x["status"] == "released"]
    assert set(released) == set(hub["released"]) - {BY_BROWSER}
    for name in released:
        learner_a.action("fetch", course, name)
    fetched = {x["assignment_id"] for x in learner_a.assignments(course)
               if x["status"] == "fetched"}
    assert fetched == set(hub["released"])
    # Submitted twice: first the untouched welcome, then the model answers (the last counts).
    assert learner_a.action("submit", course, WELCOME)["success"]
    time.sleep(1.1)
    for name in (WELCOME, LESSON1):
        path = f"{name}/{name}.ipynb"
        put = learner_a.put(f"/api/contents/{path}",
                            json={"type": "notebook", "format": "json",
                                  "content": _model_answers(name)})
        assert put.status_code == 200, put.text
    started = time.monotonic()
    checked = learner_a.validate(f"{LESSON1}/{LESSON1}.ipynb")
    timings["validate lesson 1 in A's server"] = time.monotonic() - started
    assert checked["success"], checked
    assert "failed" not in json.dumps(checked["value"]).lower(), checked
    for name in (WELCOME, LESSON1):
        assert learner_a.action("submit", course, name)["success"]
    submitted = [x for x in learner_a.assignments(course) if x["status"] == "submitted"]
    assert {x["assignment_id"] for x in submitted} >= {WELCOME, LESSON1, BY_BROWSER}

    # -- B: a blank lesson 1, and an evaluation whose notebook was deleted -----------------
    for name in (LESSON1, NO_NOTEBOOK):
        learner_b.action("fetch", course, name)
    home_b = Path(pwd.getpwnam(b).pw_dir)
    (home_b / NO_NOTEBOOK / f"{NO_NOTEBOOK}.ipynb").unlink()
    assert learner_b.action("submit", course, LESSON1)["success"]
    learner_b.action("submit", course, NO_NOTEBOOK)  # nbgrader may accept it; grading says

    # -- B's attacks: every one fails ------------------------------------------------------
    home_a = Path(pwd.getpwnam(a).pw_dir)
    inbound = exchange_course / "inbound"
    a_entry = sorted(p for p in inbound.iterdir() if p.name.startswith(f"{a}+{LESSON1}+"))[-1]
    gradebook_files = [hub["course_dir"] / "source" / LESSON1 / f"{LESSON1}.ipynb",
                       hub["course_dir"] / "nbgrader_config.py"]
    attacks = {
        "list A's home": ["ls", str(home_a)],
        "read A's notebook": ["cat", str(home_a / LESSON1 / f"{LESSON1}.ipynb")],
        "list the inbound folder": ["ls", str(inbound)],
        "read A's submission by its name": ["cat", str(a_entry / f"{LESSON1}.ipynb")],
        "list A's submission": ["ls", str(a_entry)],
        "read the grader's source/": ["cat", str(gradebook_files[0])],
        "list the grader's course": ["ls", str(hub["course_dir"])],
        "rename the course folder": ["mv", str(exchange_course), str(hub["exchange"] / "x")],
        "remove the course folder": ["rm", "-rf", str(exchange_course)],
        "plant an assignment": ["mkdir", str(exchange_course / "outbound" / "fake")],
        "replace a release": ["cp", "/etc/hostname",
                              str(exchange_course / "outbound" / LESSON1 / "x.ipynb")],
    }
    for what, argv in attacks.items():
        done = _as(b, *argv)
        assert done.returncode != 0, f"B could {what}: {done.stdout[:300]}"
    assert exchange_course.is_dir() and not (hub["exchange"] / "x").exists()
    # B submits as A (later than A's own submission, so stock collect would take it)
    spoof = home_b / LESSON1 / f"{LESSON1}.ipynb"
    spoofed = json.loads(spoof.read_text())
    spoofed["cells"].insert(0, nbformat.v4.new_markdown_cell("SPOOFED BY B"))
    spoof.write_text(json.dumps(spoofed))
    time.sleep(1.1)
    done = _as(b, NBGRADER, "submit", LESSON1, "--course", course, f"--student={a}",
               f"--Exchange.root={hub['exchange']}", cwd=str(home_b))
    assert done.returncode == 0, done.stderr  # nbgrader lets it in; collect must refuse it
    # B over HTTP: the formgrader service and A's server are closed to B
    assert learner_b.http.get(f"{base}/services/formgrader/formgrader").status_code == 403
    assert learner_b.http.get(f"{base}/user/{a}/api/contents").status_code in (403, 404)
    assert learner_b.http.get(f"{base}/user/{a}/lab").status_code == 403

    # -- the hub restarts mid-round; nothing submitted is lost -----------------------------
    started = time.monotonic()
    assert not serve.stop(hub["state"])
    serve.start(hub["state"], hub["top"] / "share", hub["port"], hub["exchange"], course,
                grader, hub["group"], prepare=False)
    timings["hub restart"] = time.monotonic() - started

    # -- the grader: formgrader opens for the grader group only ---------------------------
    grader_session = HubSession(base, grader)
    grader_session.login(hub["password"][grader])
    formgrader = grader_session.http.get(f"{base}/services/formgrader/formgrader")
    assert formgrader.status_code == 200 and "Manage Assignments" in formgrader.text
    assert "frame-ancestors 'none'" in formgrader.headers.get("Content-Security-Policy", "")

    # -- collect (spoof refused), grade as the grader, release feedback to its owners -----
    started = time.monotonic()
    log = hub_round.collect(grader, hub["course_dir"])
    timings["collect"] = time.monotonic() - started
    assert f"is owned by {b}, not by {a}" in log, log
    collected = nbformat.read(hub["course_dir"] / "submitted" / a / LESSON1 / f"{LESSON1}.ipynb",
                              4)
    assert not any("SPOOFED" in cell.source for cell in collected.cells)
    started = time.monotonic()
    graded = hub_round.grade(grader, hub["course_dir"], workers=2)
    timings["make grade (as the grader)"] = time.monotonic() - started
    (artifacts / "grade.log").write_text(graded.stdout + graded.stderr)
    grades = hub["course_dir"] / "grades.csv"
    assert grades.exists(), f"make grade wrote no grades.csv:\n{graded.stdout[-2000:]}\n" \
                            f"{graded.stderr[-3000:]}"
    rows = {(r["learner"], r["assignment"]): r for r in csv.DictReader(grades.open())}
    assert rows[(a, LESSON1)]["status"] in ("graded", "needs review"), rows[(a, LESSON1)]
    # the evaluation B handed in without its notebook: a row that says so, nothing lost
    assert rows[(b, NO_NOTEBOOK)]["status"] == \
        "error: invalid submission (no notebook (.ipynb file) in it)", rows[(b, NO_NOTEBOOK)]
    (artifacts / "grades.csv").write_text((hub["course_dir"] / "grades.csv").read_text())
    started = time.monotonic()
    report = hub_round.feedback(grader, hub["course_dir"], exchange_course)
    timings["feedback: write, release, hand to owners"] = time.monotonic() - started
    assert any(f"{a}: {LESSON1} feedback" in line for line in report), report

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub['course_dir'] / 'gradebook.db'}", course) as gb:
        score = {(s.student.id, s.assignment.name): (s.score, s.max_score)
                 for s in (gb.find_submission(n, who) for who, n in
                           [(a, WELCOME), (a, LESSON1), (b, LESSON1)])}
    auto_a = score[(a, LESSON1)]
    assert score[(b, LESSON1)][0] == 0, score
    assert auto_a[0] > 0 and score[(a, WELCOME)][0] > 0, (score, rows)

    # every released page belongs to its learner alone
    pages = list((exchange_course / "feedback").glob("*.html"))
    assert pages
    for page in pages:
        info = page.stat()
        assert info.st_mode & 0o777 == 0o400 and pwd.getpwuid(info.st_uid).pw_name in (a, b)
        if pwd.getpwuid(info.st_uid).pw_name == a:
            assert _as(b, "cat", str(page)).returncode != 0

    # -- A fetches the feedback: scores, and no hidden-test text --------------------------
    learner_a = HubSession(base, a)  # the hub restarted: log in again
    learner_a.login(hub["password"][a])
    learner_a.wait_for_server()
    learner_a.action("fetch_feedback", course, LESSON1)
    html_pages = list((home_a / LESSON1 / "feedback").glob("*/*.html"))
    assert html_pages, "A received no feedback"
    html = html_pages[0].read_text(encoding="utf-8")
    assert "Score" in html or "score" in html
    assert "BEGIN HIDDEN TESTS" not in html and "answer-key" not in html
    source = nbformat.read(hub["course_dir"] / "source" / LESSON1 / f"{LESSON1}.ipynb", 4)
    leaked = [line for line in hidden_fragments(source) if line in html]
    assert not leaked, leaked[:5]
    assert html_pages[0].stat().st_uid == pwd.getpwnam(a).pw_uid
    (artifacts / "timings.json").write_text(json.dumps(timings, indent=1))
