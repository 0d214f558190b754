"""Debian's Chromium, started by pid and driven by Playwright, for the learner's-path test.

Playwright cannot download its own browsers here, and a browser it launches hides its pid,
so we start ``chromium`` ourselves (headless, fresh profile, no background networking, no
name resolution beyond 127.0.0.1),
connect over the DevTools protocol, and stop it by pid afterwards, checking that none of its
processes survive.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from negotiation_course.instructor.processes import end_process, processes_mentioning

#: Where Debian installs Chromium; ``CHROMIUM`` overrides it.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         # Any host name fails to resolve, so nothing outside 127.0.0.1 can load; the test
         # still records every such attempt (intercepting each request instead made
         # JupyterLab too slow to start a kernel).
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
_WS_RE = re.compile(r"DevTools listening on (ws://\S+)")


class ChromiumMissing(RuntimeError):
    """Chromium is not installed: the browser test cannot run (and must say so)."""


def find_chromium() -> str:
    """Path of the Chromium executable, or a clear error naming what is missing."""
    path = shutil.which(CHROMIUM) or shutil.which("chromium")
    if not path:
        raise ChromiumMissing(
            f"Chromium is not installed (looked for {CHROMIUM!r} and 'chromium' on PATH). "
            "The browser test needs Debian's chromium package: run `make sysdeps` as root "
            "or `sudo apt-get install chromium`, or set CHROMIUM=/path/to/chromium.")
    return path


@dataclass
class Chromium:
    """A headless Chromium we started; ``ws_url`` is its DevTools endpoint."""

    process: subprocess.Popen
    ws_url: str
    profile: Path
    log: Path

    def stop(self, timeout: float = 10) -> list[int]:
        """End Chromium by pid; returns pids of its processes still alive afterwards."""
        import psutil

        try:
            family = [psutil.Process(self.process.pid)]
            family += family[0].children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        end_process(self.process, timeout)
        _, alive = psutil.wait_procs(family, timeout=5)
        left = {p.pid for p in alive} | set(processes_mentioning(str(self.profile)))
        for pid in left:
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()
        return sorted(left)


def start(profile: Path, log: Path, timeout: float = 30) -> Chromium:
    """Start headless Chromium with an empty profile; wait for its DevTools endpoint."""
    executable = find_chromium()
    profile.mkdir(parents=True, exist_ok=True)
    out = log.open("wb")
    process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={profile}",
                                "about:blank"], stdout=out, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    out.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = _WS_RE.search(log.read_text(errors="replace"))
        if match:
            return Chromium(process, match.group(1), profile, log)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    Chromium(process, "", profile, log).stop()
    raise RuntimeError(f"Chromium did not start; its output ({log}):\n"
                       + log.read_text(errors="replace")[-3000:])


def is_local(url: str) -> bool:
    """True for URLs the page may load: 127.0.0.1 and in-page data/blob/about URLs."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return re.match(r"^(http|ws)s?://127\.0\.0\.1(:\d+)?(/|$)", url) is not None
