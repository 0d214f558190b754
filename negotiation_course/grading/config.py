"""The nbgrader configuration grading runs with: the course directory's own file plus ours.

Ours = the sandboxed Execute (see :mod:`.sandbox`), immediate kernel shutdown (the sandbox
kills every process of the kernel anyway, so waiting ~0.4 s for a polite exit buys nothing),
the duplicate-cell repair and the output byte limit (:mod:`.repair`), and a longer SQLite
busy timeout so parallel workers queue for the gradebook instead of failing.
"""

from __future__ import annotations

import os
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from traitlets.config import Config

from .autograde import load_config
from .repair import LimitOutputBytes, RepairDuplicateCells
from .sandbox import Limits


def limits_for(course_dir: Path, **overrides: Any) -> Limits:
    """Sandbox limits: defaults, then course.toml [grading], then explicit overrides."""
    known = {f.name for f in fields(Limits)}
    from negotiation_course.course import load

    section = load(course_dir).section("grading")
    values = {k: v for k, v in section.items() if k in known}
    values.update({k: v for k, v in overrides.items() if k in known and v is not None})
    return replace(Limits(), **values)


def with_busy_timeout(db_url: str, seconds: int = 120) -> str:
    """An SQLite URL that waits for a lock instead of failing at once (others unchanged)."""
    if db_url.startswith("sqlite:") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + f"timeout={seconds}"
    return db_url


def grading_config(course_dir: Path, sandbox: bool, limits: Limits) -> Config:
    """Our additions, to merge over the course's own config (see ``autograde.make_api``)."""
    from nbgrader.preprocessors import DeduplicateIds, Execute, LimitOutput

    from .sandbox import SandboxedExecute

    base = load_config(course_dir)
    over = Config()
    sanitize = list(base.Autograde.get("sanitize_preprocessors") or [])
    if RepairDuplicateCells not in sanitize:
        at = sanitize.index(DeduplicateIds) if DeduplicateIds in sanitize else 0
        sanitize.insert(at, RepairDuplicateCells)
    over.Autograde.sanitize_preprocessors = sanitize
    autograde = list(base.Autograde.get("autograde_preprocessors") or [])
    if sandbox:
        autograde = [SandboxedExecute if p is Execute else p for p in autograde]
        over.SandboxedExecute.shutdown_kernel = "immediate"
        over.SandboxKernelManager.wall_seconds = float(limits.wall_seconds)
        over.SandboxKernelManager.memory_mb = int(limits.memory_mb)
        over.SandboxKernelManager.cpu_seconds = int(limits.cpu_seconds)
        over.SandboxKernelManager.file_mb = int(limits.file_mb)
        over.SandboxKernelManager.tmp_mb = int(limits.tmp_mb)
        over.SandboxKernelManager.processes = int(limits.processes)
        over.SandboxKernelManager.work_mb = int(limits.work_mb)
        over.SandboxKernelManager.work_files = int(limits.work_files)
        over.SandboxedExecute.output_mb = float(limits.output_mb)
        over.SandboxKernelManager.side_files = side_files_of(course_dir)
    if LimitOutputBytes not in autograde:
        at = autograde.index(LimitOutput) + 1 if LimitOutput in autograde else len(autograde)
        autograde.insert(at, LimitOutputBytes)
    over.Autograde.autograde_preprocessors = autograde
    over.CourseDirectory.db_url = with_busy_timeout(db_url_of(course_dir))
    return over


def db_url_of(course_dir: Path) -> str:
    """The gradebook URL the course directory's own nbgrader configuration names."""
    base = load_config(course_dir)
    return base.CourseDirectory.get("db_url") or (
        "sqlite:///" + os.path.join(course_dir, "gradebook.db"))


def side_files_of(course_dir: Path) -> dict[str, list[str]]:
    """course.toml ``[grading.side_files]``: assignment -> patterns its kernel may see."""
    from negotiation_course.course import CourseFileError, load

    raw = load(course_dir).section("grading").get("side_files", {})
    if not isinstance(raw, dict) or not all(
            isinstance(v, list) and all(isinstance(p, str) for p in v) for v in raw.values()):
        raise CourseFileError("[grading.side_files] maps assignment names to lists of "
                              "file-name patterns")
    return {str(k): list(v) for k, v in raw.items()}
