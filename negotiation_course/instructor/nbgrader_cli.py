"""Run the real nbgrader command line for a course directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _with_venv_bin(path: str) -> str:
    bindir = str(Path(sys.executable).parent)  # the venv's bin, not the base interpreter's
    return path if bindir in path.split(os.pathsep) else bindir + os.pathsep + path


def ensure_venv_on_path() -> None:
    """nbgrader runs ``alembic`` when it creates a gradebook: the venv's bin must be on PATH."""
    os.environ["PATH"] = _with_venv_bin(os.environ.get("PATH", ""))


def env_with_venv(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for an nbgrader subprocess, with the venv's bin on PATH."""
    env = dict(os.environ)
    env["PATH"] = _with_venv_bin(env.get("PATH", ""))
    env.update(extra or {})
    return env


def nbgrader(course_dir: Path, *args: str, check: bool = True, timeout: float = 900,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``nbgrader <args>`` run in ``course_dir`` (which holds its nbgrader_config.py)."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=course_dir, env=env_with_venv(env), capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {course_dir}:\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc
