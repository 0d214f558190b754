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
HEAVY = ("ipykernel", "ipykernel_launcher", "jupyter-lab", "jupyter-server", "jupyterhub",
         "jupyter-notebook", "nbgrader", "bwrap", "chromium", "postgres", "initdb", "pg_ctl",
         "dask", "configurable-http-proxy", "playwright")
_started: list[str] = []


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


def install() -> None:
    """Watch subprocesses when this is the fast run (called once from conftest)."""
    if os.environ.get(FAST_ENV) == "1":
        sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _fast_tests_start_nothing_heavy(request):
    _started.clear()
    yield
    if os.environ.get(FAST_ENV) == "1" and _started:
        started = ", ".join(sorted(set(_started)))
        _started.clear()
        pytest.fail(f"{request.node.nodeid} starts {started}: mark it slow (or browser, hub) "
                    "so `make test-fast` leaves it to `make test`", pytrace=False)
