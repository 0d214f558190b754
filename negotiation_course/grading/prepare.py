"""Before workers start: find the submissions and make the gradebook ready for them.

Done once, in the parent process, so parallel workers never race to create the database,
an assignment or a learner (two workers inserting the same new learner would collide).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from negotiation_course.paths import assignments as source_assignments

from .intake import id_problem


def _entries(course_dir: Path) -> list[os.DirEntry]:
    root = course_dir / "submitted"
    if not root.is_dir():
        return []
    return sorted(os.scandir(root), key=lambda e: e.name)


def learners(course_dir: Path) -> list[str]:
    """Learner ids: real folders (not links) under ``submitted/`` whose name is a valid id
    (:data:`.intake.LEARNER_ID`); the rest are reported by :func:`refused_learners`."""
    return [e.name for e in _entries(course_dir)
            if e.is_dir(follow_symlinks=False) and not id_problem(e.name)]


def refused_learners(course_dir: Path) -> list[tuple[str, str]]:
    """(name, why) for every entry of ``submitted/`` that is not graded as a learner."""
    out = []
    for e in _entries(course_dir):
        problem = id_problem(e.name)
        if not problem and not e.is_dir(follow_symlinks=False):
            problem = "invalid submission (the learner folder is not a plain folder)"
        if problem:
            out.append((e.name, problem))
    return out


def submissions(course_dir: Path, names: list[str]) -> list[tuple[str, str]]:
    """(assignment, learner) pairs with a submitted entry that names a notebook.

    Only names are read here (no link followed, no file opened): :mod:`.intake` decides
    whether the folder may be graded at all.
    """
    pairs = []
    for learner in learners(course_dir):
        for assignment in names:
            folder = course_dir / "submitted" / learner / assignment
            if not os.path.lexists(folder):
                continue
            if not folder.is_dir() or folder.is_symlink():
                pairs.append((assignment, learner))  # intake refuses it with a reason
                continue
            if any(n.endswith(".ipynb") for n in os.listdir(folder)):
                pairs.append((assignment, learner))
    return pairs


def assignments(course_dir: Path) -> list[str]:
    """Assignments to grade: every one in source/ but the reference list (nothing to submit)."""
    from negotiation_course.course import load

    model = load(course_dir)
    return [a for a in source_assignments(course_dir) if model.role_of(a) != "reference"]


def _graded_sources(course_dir: Path, assignment: str) -> dict[tuple[str, str], str]:
    """What the gradebook should hold for every nbgrader cell, by (notebook, grade id).

    nbgrader stores solution cells as released (solution removed) and the others, tests
    with their answer keys included, as in ``source/``.
    """
    out = {}
    for path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
        released = course_dir / "release" / assignment / path.name
        stub = {}
        if released.exists():
            for cell in nbformat.read(released, as_version=4).cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if meta.get("solution"):
                    stub[meta["grade_id"]] = cell.source
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                key = (path.stem, meta["grade_id"])
                out[key] = stub.get(meta["grade_id"], "\0missing") if meta.get("solution") \
                    else cell.source
    return out


def _in_gradebook(gb, assignment: str) -> dict[tuple[str, str], str]:
    from nbgrader.api import MissingEntry

    try:
        found = gb.find_assignment(assignment)
    except MissingEntry:
        return {}
    return {(nb.name, cell.name): cell.source for nb in found.notebooks
            for cell in nb.source_cells}


def prepare_gradebook(api, db_url: str, course_id: str, names: list[str],
                      learner_ids: list[str]) -> list[str]:
    """Create or refresh assignments whose source changed; add missing learners.

    Returns the assignments regenerated (``nbgrader generate_assignment``).
    """
    from nbgrader.api import Gradebook, MissingEntry

    regenerated = []
    for assignment in names:
        with Gradebook(db_url, course_id) as gb:
            current = _in_gradebook(gb, assignment)
        if current != _graded_sources(Path(api.coursedir.root), assignment):
            result = api.generate_assignment(assignment, force=True)
            if not result.get("success"):
                raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n"
                                   f"{result.get('log', '')[-2000:]}")
            regenerated.append(assignment)
    with Gradebook(db_url, course_id) as gb:
        for learner in learner_ids:
            try:
                gb.find_student(learner)
            except MissingEntry:
                gb.add_student(learner)
    return regenerated
