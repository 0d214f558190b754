"""Real Unix users for the hub tests, always removed (`userdel -r`) by their fixture."""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from negotiation_course.paths import closed_to_others


def require_root() -> None:
    """Skip (with the reason) where the tests cannot create Unix users, or where the users
    they create could not run this checkout's venv (a folder on its way is closed to
    others: ``make hub`` refuses such a checkout, with the same reason)."""
    if os.geteuid() != 0:
        pytest.skip("creates real Unix users with useradd: run the test suite as root")
    closed = closed_to_others(Path(sys.prefix))
    if closed is not None:
        pytest.skip(f"other accounts cannot enter {closed} (mode "
                    f"{closed.stat().st_mode & 0o777:o}), so they cannot run {sys.prefix}: "
                    "check out the course in a folder others may enter")


def unique(prefix: str = "nct") -> str:
    """A fresh short name (`nct-1a2b3c`), unlikely to clash with anyone's account."""
    return f"{prefix}-{secrets.token_hex(3)}"


def remove_users(names, groups=()) -> None:
    """Delete users with their homes and the given groups; missing ones are fine."""
    for name in names:
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        subprocess.run(["userdel", "-r", name], check=False, capture_output=True)
        for base in ("/dev/shm", "/tmp"):  # the account's grading runtime folders
            shutil.rmtree(f"{base}/nc-grade-{uid}", ignore_errors=True)
    for group in groups:
        try:
            grp.getgrnam(group)
        except KeyError:
            continue
        subprocess.run(["groupdel", group], check=False, capture_output=True)
