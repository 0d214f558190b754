"""Keep ``make test-fast`` honest: a fast test may not start a kernel, server or browser.

``make test-fast`` sets ``NEGOTIATION_COURSE_TEST_FAST=1`` and deselects the ``slow``,
``browser``, ``hub`` and ``network`` markers. Here an audit hook watches every process the
tests start; a test in the fast run that starts a Jupyter kernel or server, nbgrader,
bubblewrap, Chromium, JupyterHub, PostgreSQL or Dask fails with a message asking for the
right marker, so the fast loop cannot silently grow slow.
"""

from __future__ import annotations

import os
import sys
from pathlib import PurePath

import pytest

FAST_ENV = "NEGOTIATION_COURSE_TEST_FAST"
#: Programs (or ``-m`` modules) that only slow tests may start.
HEAVY = ("ipykernel", "ipykernel_launcher", "jupyter", "jupyter-lab", "jupyter-server",
         "jupyterhub",
         "jupyter-notebook", "nbgrader", "bwrap", "chromium", "postgres", "initdb", "pg_ctl",
         "dask", "configurable-http-proxy", "playwright")
#: Fixtures that grade, release or serve for real: a test using one is slow wherever it lives.
SLOW_FIXTURES = {"hostile", "scratch_course", "feedback_pages", "graded", "world", "server",
                 "postgres_url"}
_started: list[str] = []


#: ``make test`` runs tests in parallel (xdist ``--dist loadgroup``); tests that share one
#: expensive per-process setup run in one worker, so it is built once, not once per worker.
GROUP_BY_FIXTURE = {"server": "lab-server", "scratch_course": "scratch-course",
                    "hostile": "web-hostile", "world": "hub", "postgres_url": "postgres"}
#: Modules sharing the graded cohort of tests/support/grading_support.graded_course.
GROUP_BY_MODULE = {"test_grading": "graded-cohort", "test_sandbox": "graded-cohort",
                   "test_feedback": "graded-cohort", "test_axe": "graded-cohort",
                   "test_scoring_integrity": "graded-cohort",
                   # its module fixture grades every hostile case of every assignment
                   # (about 3 minutes): built in one worker, not in both
                   "test_assignments": "assignments-harness"}


def mark_slow_by_fixture(items) -> None:
    """Mark tests using slow fixtures ``slow``, and group shared setups for xdist."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if SLOW_FIXTURES & used:
            item.add_marker(pytest.mark.slow)
        group = next((g for f, g in GROUP_BY_FIXTURE.items() if f in used), None)
        group = group or GROUP_BY_MODULE.get(item.module.__name__.rsplit(".", 1)[-1]
                                             if getattr(item, "module", None) else "")
        if group and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group))


def _heavy(args) -> str | None:
    parts = [str(a) for a in (args if isinstance(args, (list, tuple)) else [args])]
    names = [PurePath(p).name for p in parts] + parts
    for name in names:
        for heavy in HEAVY:
            if name == heavy or name.startswith(heavy + "-") or name.startswith(heavy + "."):
                return heavy
    if "-m" in parts:
        module = parts[parts.index("-m") + 1] if parts.index("-m") + 1 < len(parts) else ""
        for heavy in HEAVY:
            if module.replace("_", "-").startswith(heavy.replace("_", "-")):
                return heavy
    return None


def _audit(event: str, args: tuple) -> None:
    if event == "subprocess.Popen" and len(args) > 1:
        found = _heavy(args[1])
        if found:
            _started.append(found)


def reset() -> None:
    """Forget what earlier tests started (called as each test begins, before its fixtures)."""
    _started.clear()


def install() -> None:
    """Watch subprocesses when this is the fast run (called once from conftest)."""
    if os.environ.get(FAST_ENV) == "1":
        sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _fast_tests_start_nothing_heavy(request):
    yield
    if os.environ.get(FAST_ENV) == "1" and _started:
        started = ", ".join(sorted(set(_started)))
        _started.clear()
        pytest.fail(f"{request.node.nodeid} starts {started}: mark it slow (or browser, hub) "
                    "so `make test-fast` leaves it to `make test`", pytrace=False)
