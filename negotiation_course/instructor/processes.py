"""Stop the servers the course starts (JupyterLab, Chromium, a hub) by pid, none left."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable


def end_process(process: subprocess.Popen, timeout: float,
                polite: Callable[[], None] | None = None) -> None:
    """Ask a child to stop (``polite``, else SIGTERM); kill it if it has not within ``timeout``."""
    if process.poll() is not None:
        return
    try:
        (polite or process.terminate)()
    except OSError:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)



def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text`` (a unique path).

    Every Chromium process names its profile folder and every kernel its connection file in
    the lab's runtime folder, so this finds leftovers even if they were re-parented.
    """
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        cmdline = " ".join(proc.info.get("cmdline") or [])
        if (text in cmdline and proc.info["pid"] != os.getpid()
                and proc.info.get("status") != psutil.STATUS_ZOMBIE):
            found.append(proc.info["pid"])
    return found
