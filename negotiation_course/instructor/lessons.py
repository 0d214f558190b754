"""Each lesson's one source: ``lessons/<assignment>.md``, MyST Markdown read by jupytext.

Authors edit the Markdown (any text editor; a diff reads like prose). nbgrader cell
metadata and objective tags sit in each cell's metadata block. ``make release`` writes the
nbgrader master ``source/<assignment>/<assignment>.ipynb`` from it (clean: no outputs,
stable cell ids), then nbgrader writes ``release/``. An author who prefers JupyterLab opens
``lessons/<a>.md`` as a notebook in ``make instructor-lab`` (jupytext: right-click, Open
With, Notebook) and edits it there, nbgrader's Create Assignment panel included; saving
writes the Markdown. Edits made to ``source/`` itself are written back by
``make lessons-from-source``; ``make release`` refuses to overwrite a master
that was edited after its Markdown instead of silently losing the edit.

Usage: ``python -m negotiation_course.instructor.lessons build|check|from-source [NAME ...]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import jupytext
import nbformat

from ..paths import COURSE_ROOT, source_dir

FORMAT = "md:myst"
#: Notebook metadata every master carries; jupytext's own bookkeeping is dropped.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}


class LessonEditedInSource(RuntimeError):
    """``source/`` holds edits that the lesson's Markdown does not: writing would lose them."""


def lessons_dir(root: Path | None = None) -> Path:
    return (root or COURSE_ROOT) / "lessons"


def lesson_path(name: str, root: Path | None = None) -> Path:
    return lessons_dir(root) / f"{name}.md"


def master_path(name: str, root: Path | None = None) -> Path:
    return source_dir(root) / name / f"{name}.ipynb"


def names(root: Path | None = None) -> list[str]:
    """Every lesson with a Markdown source, sorted."""
    folder = lessons_dir(root)
    return sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []


def _clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A master notebook as nbgrader reads it: no outputs, counts or jupytext metadata."""
    nb.metadata = nbformat.NotebookNode(kernelspec=dict(KERNELSPEC),
                                        language_info=dict(LANGUAGE_INFO))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(nb)
    return nb


def notebook_of(markdown: str) -> nbformat.NotebookNode:
    """The master notebook that a lesson's Markdown text describes."""
    return _clean(jupytext.reads(markdown, fmt=FORMAT))


def markdown_of(nb: nbformat.NotebookNode) -> str:
    """The lesson Markdown of a master notebook (the inverse of :func:`notebook_of`)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.metadata = nbformat.NotebookNode(kernelspec=dict(KERNELSPEC))
    for cell in nb.cells:
        cell.pop("id", None)
    return jupytext.writes(nb, fmt=FORMAT)


def render(nb: nbformat.NotebookNode) -> str:
    """The bytes nbformat writes for ``nb`` (what is committed under ``source/``)."""
    return nbformat.writes(nb) + "\n"


def expected_master(name: str, root: Path | None = None) -> str:
    return render(notebook_of(lesson_path(name, root).read_text(encoding="utf-8")))


def is_current(name: str, root: Path | None = None) -> bool:
    """True when ``source/`` holds exactly what the lesson's Markdown generates."""
    master = master_path(name, root)
    return master.exists() and master.read_text(encoding="utf-8") == expected_master(name, root)


def build(name: str, root: Path | None = None, force: bool = False) -> bool:
    """Write ``source/<name>/<name>.ipynb`` from the Markdown; True when it changed.

    Refuses (:class:`LessonEditedInSource`) when the master differs from what the Markdown
    generates and was saved after it: an edit made in JupyterLab that
    :func:`from_source` has not written back yet.
    """
    md, master = lesson_path(name, root), master_path(name, root)
    text = expected_master(name, root)
    if master.exists():
        old = master.read_text(encoding="utf-8")
        if old == text:
            return False
        if not force and master.stat().st_mtime > md.stat().st_mtime:
            raise LessonEditedInSource(
                f"{master} was edited after {md}. Write the edit back with "
                f"`make lessons-from-source` (or discard it with `make release FORCE=1`).")
    master.parent.mkdir(parents=True, exist_ok=True)
    master.write_text(text, encoding="utf-8")
    return True


def from_source(name: str, root: Path | None = None) -> bool:
    """Write an edited master back to its Markdown; True when the Markdown changed."""
    nb = nbformat.read(master_path(name, root), as_version=4)
    md = lesson_path(name, root)
    text = markdown_of(nb)
    if md.exists() and md.read_text(encoding="utf-8") == text:
        return False
    md.parent.mkdir(parents=True, exist_ok=True)
    md.write_text(text, encoding="utf-8")
    master_path(name, root).write_text(render(notebook_of(text)), encoding="utf-8")
    return True


def build_all(root: Path | None = None, force: bool = False) -> list[str]:
    """Write every master from its Markdown; the names that changed."""
    return [n for n in names(root) if build(n, root, force)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["build", "check", "from-source"])
    parser.add_argument("names", nargs="*", help="lessons (default: all)")
    parser.add_argument("--force", action="store_true",
                        help="build: overwrite masters edited after their Markdown")
    args = parser.parse_args(argv)
    chosen = args.names or (names() if args.action != "from-source" else sorted(
        p.parent.name for p in source_dir().glob("*/*.ipynb")))
    if args.action == "check":
        stale = [n for n in chosen if not is_current(n)]
        for n in stale:
            print(f"{master_path(n)} is not what {lesson_path(n)} generates", file=sys.stderr)
        return 1 if stale else 0
    try:
        changed = [n for n in chosen
                   if (build(n, force=args.force) if args.action == "build" else from_source(n))]
    except LessonEditedInSource as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.action}: {len(changed)} of {len(chosen)} lesson(s) changed"
          + (f" ({', '.join(changed)})" if changed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
