"""Check a submission before anything reads it (issue 11 items 3, 7, 8 and 9).

Grading runs as root (or the grader account) in the unsandboxed parent before a kernel
starts: nbgrader copies, fingerprints, sorts by size and parses every notebook. A link in
``submitted/`` (from an archive, ``cp -a`` or the world-writable inbound folder) would make
those steps read ``source/``, ``gradebook.db`` or host files; a FIFO would hang the run; a
100,000-cell notebook would hold a worker for minutes. So each
``submitted/<learner>/<assignment>/`` is walked here WITHOUT following links
(``os.scandir`` / ``os.lstat``) and refused unless it holds only regular files and folders
within the caps below. Learner ids must match :data:`LEARNER_ID` (never used as a glob).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

#: The one pattern a learner id must match: starts with a letter or digit (so no ``.hidden``
#: and no ``=formula``), then up to 63 of letters, digits, ``_ . @ -`` (no glob characters,
#: no slashes, no spaces, no markup).
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")

MAX_DEPTH = 6  # folder levels inside the assignment folder
MAX_FILES = 200  # files and folders
MAX_TOTAL_BYTES = 50_000_000
MAX_NOTEBOOK_BYTES = 5_000_000
MAX_CELLS = 2_000


def id_problem(name: str) -> str:
    """Why ``name`` is not an acceptable learner id ('' when it is)."""
    return "" if LEARNER_ID.fullmatch(name) else "invalid learner id (must match " \
        "[A-Za-z0-9][A-Za-z0-9_.@-]{0,63})"


def learner_problem(name: str, folder: Path) -> str:
    """Why the learner ``name`` with ``submitted/<name>`` at ``folder`` is not graded at all
    ('' when they may be): an id outside :data:`LEARNER_ID`, or an entry that is not a plain
    folder (never followed)."""
    problem = id_problem(name)
    if problem:
        return problem
    try:
        plain = stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        plain = False
    return "" if plain else "invalid submission (the learner folder is not a plain folder)"


def kind_name(mode: int) -> str:
    """What a non-regular, non-folder entry is, for a refusal ('symbolic link', 'FIFO'...)."""
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _cells_problem(path: Path) -> str:
    """Read a notebook that passed the size cap without following links; count its cells.

    The bytes are parsed as JSON and ``len(cells)`` is what counts: counting the raw bytes
    ``"cell_type"`` missed a key spelled with a JSON escape (``"\\u0063ell_type"``), which
    nbformat reads all the same. Parsing at most :data:`MAX_NOTEBOOK_BYTES` takes well
    under a second; anything that is not a JSON object with a list of cells (invalid JSON,
    not UTF-8, nested past the parser's limit, an nbformat 3 ``worksheets`` notebook) is
    refused here rather than handed to nbformat.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the walk
            return f"{path.name} is not a regular file"
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        return f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB"
    try:
        nb = json.loads(data)
    except RecursionError:
        return f"{path.name} is not valid JSON (nested too deeply)"
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, an int of too many digits
        return f"{path.name} is not valid JSON"
    if not isinstance(nb, dict):
        return f"{path.name} is not a JSON object"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return f"{path.name} has no list of cells (not an nbformat 4 notebook)"
    if len(cells) > MAX_CELLS:
        return f"{path.name} has more than {MAX_CELLS} cells"
    return ""


def submission_problem(folder: Path, need_notebook: bool = True) -> str:
    """Why the submitted folder must not be graded ('' when it may), never following links.

    ``need_notebook=False`` (collect from the exchange) lets a folder with no notebook in it
    through: it is safe to copy, and grading then names it
    (``error: invalid submission (no notebook ...)``) rather than leaving it "missing".
    """
    try:
        top = os.lstat(folder)
    except OSError as exc:
        return f"unreadable ({type(exc).__name__})"
    if not stat.S_ISDIR(top.st_mode):
        return f"the assignment folder is a {kind_name(top.st_mode)}"
    count, total, notebooks = 0, 0, []
    stack = [(folder, 0)]
    while stack:
        current, depth = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            return f"unreadable folder ({type(exc).__name__})"
        for entry in entries:
            count += 1
            if count > MAX_FILES:
                return f"more than {MAX_FILES} files"
            rel = Path(entry.path).relative_to(folder)
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                if depth + 1 > MAX_DEPTH:
                    return f"folders nested deeper than {MAX_DEPTH} levels"
                stack.append((Path(entry.path), depth + 1))
            elif stat.S_ISREG(mode):
                total += entry.stat(follow_symlinks=False).st_size
                if total > MAX_TOTAL_BYTES:
                    return f"larger than {MAX_TOTAL_BYTES // 1_000_000} MB in total"
                if depth == 0 and entry.name.endswith(".ipynb"):
                    notebooks.append(Path(entry.path))
            else:
                return f"{rel} is a {kind_name(mode)}"
    if not notebooks and need_notebook:  # nothing to grade: say so, rather than "not graded yet"
        return "no notebook (.ipynb file) in it"
    for nb in sorted(notebooks):
        if nb.lstat().st_size > MAX_NOTEBOOK_BYTES:
            return f"{nb.name} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB"
        problem = _cells_problem(nb)
        if problem:
            return problem
    return ""


def remove_tree(path: Path) -> None:
    """Remove a folder however deep (``shutil.rmtree`` recurses: 1,500 levels raise
    RecursionError in Python 3.11); never raises."""
    if not os.path.lexists(path):
        return
    rm = shutil.which("rm")
    if rm:
        subprocess.run([rm, "-rf", "--one-file-system", "--", str(path)], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if os.path.lexists(path):  # no rm: a loop instead of recursion
        _remove_iteratively(path)


def _remove_iteratively(path: Path) -> None:
    stack, dirs = [str(path)], []
    while stack:
        current = stack.pop()
        try:
            if os.path.islink(current) or not os.path.isdir(current):
                os.unlink(current)
                continue
            dirs.append(current)
            stack.extend(e.path for e in os.scandir(current))
        except OSError:
            pass
    for d in reversed(dirs):
        try:
            os.rmdir(d)
        except OSError:
            pass
