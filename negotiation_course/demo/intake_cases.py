"""Hostile submissions built on disk, not as notebook bytes (issue 11 items 3, 7, 8, 9).

Links, FIFOs, deep folders and huge notebooks reach ``submitted/`` through archives,
``cp -a`` and nbgrader's world-writable inbound folder. Each case writes one such
submission for a learner and names the status :mod:`negotiation_course.grading.intake`
must give it (the run must finish, and every other learner must still be graded).
:data:`BAD_IDS` are learner folder names that must end as an error row, never a glob.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from ..grading import intake

#: (course_dir, submitted assignment folder, assignment, a valid notebook's bytes) -> None
Maker = Callable[[Path, Path, str, bytes], None]


def _notebook(folder: Path, assignment: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    path.write_bytes(data)
    return path


def link_to_source(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    _notebook(folder, assignment, data)
    (folder / "key.ipynb.txt").symlink_to(course / "source" / assignment / f"{assignment}.ipynb")


def link_to_gradebook(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    _notebook(folder, assignment, data)
    (folder / "gradebook.db").symlink_to(course / "gradebook.db")


def notebook_is_link(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{assignment}.ipynb").symlink_to(
        course / "source" / assignment / f"{assignment}.ipynb")


def notebook_is_fifo(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / f"{assignment}.ipynb")


def dangling_link(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    _notebook(folder, assignment, data)
    (folder / "gone.csv").symlink_to(course / "no-such-file")


def make_nested(root: Path, levels: int = 1_500) -> Path:
    """``root/d/d/...`` one level at a time, relative to an open folder (``os.makedirs``
    recurses past Python's limit; absolute paths make it quadratic)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
    finally:
        os.close(fd)
    return root.joinpath(*["d"] * levels)


def deep_nesting(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    _notebook(folder, assignment, data)
    make_nested(folder)


def too_many_files(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    _notebook(folder, assignment, data)
    for i in range(intake.MAX_FILES + 1):
        (folder / f"f{i}.txt").write_text("x")


def oversize_notebook(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    nb = json.loads(data)
    nb["metadata"]["padding"] = "x" * (intake.MAX_NOTEBOOK_BYTES + 1)
    _notebook(folder, assignment, json.dumps(nb).encode())


def many_cells(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    nb = json.loads(data)
    nb["cells"] += [{"cell_type": "raw", "metadata": {}, "source": ""}] * 100_000
    _notebook(folder, assignment, json.dumps(nb, separators=(",", ":")).encode())


def escaped_cells(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    """90,000 cells whose key is spelled with a JSON escape (``"\\u0063ell_type"``): a
    count of the raw bytes ``"cell_type"`` finds none, a JSON parser finds them all."""
    nb = json.loads(data)
    nb["cells"] += [{"cell_type": "raw", "metadata": {}, "source": ""}] * 90_000
    raw = json.dumps(nb, separators=(",", ":")).replace('"cell_type"', '"\\u0063ell_type"')
    _notebook(folder, assignment, raw.encode())


def no_notebook(course: Path, folder: Path, assignment: str, data: bytes) -> None:
    """Only a side file: the notebook was deleted or never saved (a learner's slip)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("my answers are in my head")


CASES: dict[str, Maker] = {
    "link-to-source": link_to_source,
    "link-to-gradebook": link_to_gradebook,
    "notebook-is-link": notebook_is_link,
    "notebook-is-fifo": notebook_is_fifo,
    "dangling-link": dangling_link,
    "deep-nesting": deep_nesting,
    "too-many-files": too_many_files,
    "oversize-notebook": oversize_notebook,
    "many-cells": many_cells,
    "escaped-cells": escaped_cells,
    "no-notebook": no_notebook,
}

_INVALID = "error: invalid submission ("
#: The status each case must end with (a prefix; the reason names the offending file).
EXPECTED: dict[str, str] = {
    "link-to-source": _INVALID + "key.ipynb.txt is a symbolic link)",
    "link-to-gradebook": _INVALID + "gradebook.db is a symbolic link)",
    "notebook-is-link": _INVALID + "{assignment}.ipynb is a symbolic link)",
    "notebook-is-fifo": _INVALID + "{assignment}.ipynb is a FIFO)",
    "dangling-link": _INVALID + "gone.csv is a symbolic link)",
    "deep-nesting": _INVALID + f"folders nested deeper than {intake.MAX_DEPTH} levels)",
    "too-many-files": _INVALID + f"more than {intake.MAX_FILES} files)",
    "oversize-notebook": _INVALID + "{assignment}.ipynb is larger than "
                         f"{intake.MAX_NOTEBOOK_BYTES // 1_000_000} MB)",
    "many-cells": _INVALID + "{assignment}.ipynb has more than "
                  f"{intake.MAX_CELLS} cells)",
    "escaped-cells": _INVALID + "{assignment}.ipynb has more than "
                     f"{intake.MAX_CELLS} cells)",
    "no-notebook": _INVALID + "no notebook (.ipynb file) in it)",
}

#: Learner folder names that must end as an error row (not a glob, not silence).
BAD_IDS = ["*", ".hidden", '=HYPERLINK("x")']
BAD_ID_STATUS = "error: " + intake.id_problem("*")


def expected(case: str, assignment: str) -> str:
    return EXPECTED[case].format(assignment=assignment)
