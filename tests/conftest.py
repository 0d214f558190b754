"""Shared fixtures: the course root and a scratch nbgrader course built from it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from negotiation_course.instructor.nbgrader_cli import nbgrader
from negotiation_course.paths import COURSE_ROOT, assignments

from .support import speed
from .support.speed import _fast_tests_start_nothing_heavy  # noqa: F401 (autouse fixture)

speed.install()


def pytest_collection_modifyitems(config, items):
    speed.mark_slow_by_fixture(items)


def pytest_sessionfinish(session):
    """Remove the very deep folder chains hostile cases leave in temporary folders (1,500
    levels): pytest's own clean-up of old temporary folders recurses, so they would crash
    the *next* test session on this machine with RecursionError before any test ran."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    base = getattr(factory, "_basetemp", None) if factory else None
    if base is None or not Path(base).is_dir():
        return
    from negotiation_course.grading.intake import remove_tree

    for top, dirs, _files in os.walk(base):
        for name in list(dirs):
            chain = Path(top) / name
            if (chain / "d" / "d" / "d" / "d").is_dir() and name == "d":
                remove_tree(chain)
                dirs.remove(name)


def pytest_runtest_logstart(nodeid, location):
    speed.reset()  # before fixtures: what a module fixture starts counts for its first test

ROOT = COURSE_ROOT
# Tests use their own SQLite gradebooks; a developer's database URL must not leak in.
os.environ.pop("NEGOTIATION_COURSE_DB_URL", None)
ASSIGNMENTS = assignments(ROOT)


def source_path(assignment: str, root: Path = ROOT) -> Path:
    return root / "source" / assignment / f"{assignment}.ipynb"


def release_path(assignment: str, root: Path = ROOT) -> Path:
    return root / "release" / assignment / f"{assignment}.ipynb"


def read_nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def make_scratch_course(dest: Path, root: Path = ROOT) -> Path:
    """A fresh course directory: config, source/ and the generated release, own gradebook."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", dest)
    shutil.copytree(root / "source", dest / "source")
    nbgrader(dest, "generate_assignment", "--force", "*")
    return dest


@pytest.fixture(scope="session")
def scratch_course(tmp_path_factory) -> Path:
    return make_scratch_course(tmp_path_factory.mktemp("course") / "course")
