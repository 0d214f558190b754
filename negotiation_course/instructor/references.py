"""Lesson reference lists and the one course-wide reference list, generated from the citations.

Every reference a learner sees is rendered from ``data/publications.csv`` (the original
publications, never the copies a figure was read from), so a lesson's list, the course list
and the source line under each figure (:func:`negotiation_course.data.cite`) cannot disagree.

A lesson (``lessons/<assignment>.md``) names its references by id in a marked block; the text
between the markers is generated::

    <!-- references: begin (generated from data/publications.csv ...; edit only the ids)
    Readings: pew-2019-gender-gap fed-shed-2018
    Data sources: census-p60-282
    -->
    ...generated entries...
    <!-- references: end -->

A block lists only what the lesson uses (:func:`unused_ids`): its assigned readings, the
studies its text names, and the publications behind the rows its code shows (the tables it
loads whole, and the rows each course table helper returns, matched to the publications by the
table's citation). A table the lesson draws a few rows from therefore does not bring in the
publications of its other rows; an id the lesson does not use stops the build.

The course list (NBCC asks home-study providers for one reference list) is every lesson's
references plus the publications behind every table in the data package, de-duplicated:
originals first, then the news and organisation sources cited "as reported by". It is written
as ``lessons/course-references.md``, an ungraded notebook the lesson build turns into the
``course-references`` assignment, so it reaches learners in the student bundle and on a hub's
Assignments tab alike.

Usage: ``python -m negotiation_course.instructor.references [--check]`` (``make release`` runs
it first).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import citations, data, tables
from ..paths import COURSE_ROOT
from . import readings

#: The generated assignment holding the course list.
COURSE_LIST = "course-references"
BEGIN = "<!-- references: begin"
END = "<!-- references: end -->"
BLOCK_RE = re.compile(re.escape(BEGIN) + r"(?P<head>[^\n]*)\n(?P<ids>.*?)-->\n(?P<body>.*?)"
                      + re.escape(END), re.S)
HEAD = " (generated from data/publications.csv by `make release`; edit only the ids)"


def md_escape(text: str) -> str:
    """Markdown for a notebook cell: '$' escaped so Jupyter never reads it as mathematics."""
    return re.sub(r"(?<!\\)\$", r"\\$", text)


@dataclass(frozen=True)
class Block:
    """A lesson's reference block: headings with the publication ids under each."""

    sections: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def ids(self) -> list[str]:
        return list(dict.fromkeys(i for _, ids in self.sections for i in ids))


def parse_ids(text: str) -> Block:
    """The ``Heading: id id`` lines of a block's comment."""
    sections = []
    for line in text.strip().splitlines():
        heading, _, ids = line.partition(":")
        if ids.strip():
            sections.append((heading.strip(), tuple(ids.split())))
    return Block(tuple(sections))


def render(block: Block, pubs: dict[str, dict[str, Any]]) -> str:
    """The generated Markdown of a block (what learners read)."""
    parts = []
    for heading, ids in block.sections:
        entries = "\n".join(f"- {md_escape(citations.reference(pubs[i]))}" for i in ids)
        parts.append(f"**{heading}**\n\n{entries}\n")
    return "\n".join(parts)


def lessons(root: Path = COURSE_ROOT) -> list[Path]:
    """The lesson sources, without the generated course list."""
    return sorted(p for p in (root / "lessons").glob("*.md") if p.stem != COURSE_LIST)


def blocks(text: str) -> list[Block]:
    return [parse_ids(m.group("ids")) for m in BLOCK_RE.finditer(text)]


def rebuild_lesson(text: str, pubs: dict[str, dict[str, Any]]) -> str:
    """The lesson text with every reference block regenerated from its ids."""
    def one(match: re.Match[str]) -> str:
        block = parse_ids(match.group("ids"))
        unknown = [i for i in block.ids if i not in pubs]
        if unknown:
            raise SystemExit(f"unknown publication id(s) in a reference block: {unknown}")
        return f"{BEGIN}{HEAD}\n{match.group('ids')}-->\n\n{render(block, pubs)}\n{END}"

    return BLOCK_RE.sub(one, text)


CODE_CELL_RE = re.compile(r"```\{code-cell\}[^\n]*\n(?:---\n.*?\n---\n)?(?P<code>.*?)```", re.S)


def _prose(text: str) -> str:
    """A lesson's Markdown without its code cells and its reference list."""
    return CODE_CELL_RE.sub(" ", text.split("## References")[0])


def _literal_args(call: ast.Call) -> tuple[list[Any], dict[str, Any]] | None:
    """A call's arguments when all are literals (``period="2025-06"``), else None."""
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        return None
    return args, kwargs


def _entries_for(name: str, rows: pd.DataFrame | None, root: Path | None) -> set[str]:
    """Ids of a table's citation entries that apply to ``rows`` (all of them when None).

    An entry whose ``when`` names a column the rows do not have (a pivoted table) applies:
    the check errs towards counting a publication as used.
    """
    spec = data.describe(name, root).get("learner_citation") or {}
    found = set()
    for entry in spec.get("publications", []) + spec.get("as_reported_by", []):
        when = entry.get("when") or {}
        if rows is None or any(column not in rows for column in when):
            found.add(entry["id"])
        elif citations._applies(entry, rows):
            found.add(entry["id"])
    return found


def _helper_rows(helper: str, args: list[Any], kwargs: dict[str, Any]) -> pd.DataFrame | None:
    """The data rows a table helper shows: its ``<helper>_rows`` companion's, else its own."""
    companion = getattr(tables, f"{helper}_rows", None) if not helper.endswith("_rows") else None
    result = (companion or getattr(tables, helper))(*args, **kwargs)
    return result if isinstance(result, pd.DataFrame) else None


def read_tables(text: str) -> set[str]:
    """The data tables a lesson's code reads, whole or through a course table helper."""
    names = set(re.findall(r"data\.(?:load|cite)\(\s*\"([a-z0-9_]+)\"", text))
    for helper in re.findall(r"tables\.([a-z0-9_]+)\(", text):
        names |= set(tables.SOURCES.get(helper, ()))
    return names


def shown_ids(text: str, root: Path | None = None) -> set[str]:
    """The publications behind what a lesson's code cells show.

    ``data.load("t")`` and ``data.cite("t")`` without rows show the whole table ``t``;
    ``data.cite("t", rows)`` shows rows another call selects; ``tables.helper(...)`` shows the
    rows the helper returns (called with the cell's literal arguments).
    """
    found: set[str] = set()
    for match in CODE_CELL_RE.finditer(text):
        try:
            tree = ast.parse(match.group("code"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)):
                continue
            owner, attr = node.func.value.id, node.func.attr
            if owner == "data" and attr in ("load", "cite") and node.args:
                first = node.args[0]
                whole = attr == "load" or (len(node.args) == 1 and not node.keywords)
                if isinstance(first, ast.Constant) and whole:
                    found |= _entries_for(first.value, None, root)
            elif owner == "tables" and attr in tables.SOURCES:
                literal = _literal_args(node)
                rows = _helper_rows(attr, *literal) if literal is not None else None
                for name in tables.SOURCES[attr]:
                    found |= _entries_for(name, rows, root)
    return found


def _named(pub: dict[str, Any], prose: str) -> bool:
    """Whether the prose names the publication.

    By its first author and year ('Marks and Harold (2011)'), by its title, by its publisher
    and year when it has no authors ("Pew's 2025 edition"), or, for a news or organisation
    source, as "as reported by <outlet>".
    """
    flat = " ".join(prose.split())
    text = citations._text
    authors, year = text(pub.get("authors")), text(pub.get("date"))[:4]
    surnames = citations.surnames(authors)
    if surnames and year:
        first = re.escape(surnames.split()[0])
        if re.search(rf"\b{first}\b[^.()]{{0,60}}\(?{year}\)?", flat):
            return True
    title = text(pub.get("title")).strip("[]*")
    if title and title.casefold() in flat.casefold():
        return True
    for outlet in text(pub.get("publisher")).split(";"):
        outlet = outlet.strip().removeprefix("The ").strip()
        if not outlet:
            continue
        if pub.get("outlet_kind") in citations.SECONDARY_KINDS and re.search(
                rf"as reported by (?:the )?{re.escape(outlet)}", flat, re.I):
            return True
        if not surnames and year and re.search(
                rf"\b{re.escape(outlet.split()[0])}\b[^.()]{{0,60}}\b{year}\b", flat):
            return True
    return False


def unused_ids(path: Path, pubs: dict[str, dict[str, Any]],
               root: Path | None = None) -> list[str]:
    """Ids in a lesson's reference blocks that came in with a table but the lesson does not use.

    Judged are the publications of the tables the lesson reads (:func:`read_tables`): one is
    used when rows the code shows draw on it (:func:`shown_ids`), the text names it (first
    author and year, or its title) or ``lessons/readings.csv`` assigns it in this lesson.
    A publication of no table the lesson reads is cited for its text, the author's call
    (``tests/test_references.py`` checks that every study the text names is listed).
    """
    text = path.read_text(encoding="utf-8")
    data_root = root / "data" if root is not None and (root / "data").is_dir() else None
    from_tables: set[str] = set()
    for name in read_tables(text):
        from_tables |= _entries_for(name, None, data_root)
    assigned = {r.id for r in readings.load(root) if r.lesson == path.stem}
    shown = shown_ids(text, data_root)
    prose = _prose(text)
    return [i for i in lesson_ids(path) if i in pubs and i in from_tables
            and i not in assigned | shown and not _named(pubs[i], prose)]


def lesson_ids(path: Path) -> list[str]:
    return list(dict.fromkeys(i for b in blocks(path.read_text(encoding="utf-8")) for i in b.ids))


def data_ids(root: Path | None = None) -> list[str]:
    """The publications behind every table of the data package, in package order."""
    ids: list[str] = []
    for name in data.names(root):
        spec = data.describe(name, root).get("learner_citation") or {}
        ids += citations.publication_ids(spec)
    return list(dict.fromkeys(ids))


def _lesson_title(path: Path) -> str:
    match = re.search(r"^# (.+?)(?::|$)", path.read_text(encoding="utf-8"), re.M)
    return match.group(1).strip() if match else path.stem


def course_entries(root: Path = COURSE_ROOT) -> list[tuple[str, list[str]]]:
    """(publication id, where it is used) for the course list, de-duplicated."""
    used: dict[str, list[str]] = {}
    for path in lessons(root):
        for i in lesson_ids(path):
            used.setdefault(i, []).append(_lesson_title(path))
    for i in data_ids(root / "data" if (root / "data").is_dir() else None):
        used.setdefault(i, []).append("course data")
    return list(used.items())


def _sort_key(pub: dict[str, Any]) -> tuple[str, str]:
    lead = citations.reference(pub).lower().lstrip("[*")
    return lead, str(pub.get("date") or "")


def course_list_cells(root: Path = COURSE_ROOT) -> list[str]:
    """The course reference list as Markdown cells: introduction, originals, secondaries."""
    pubs = data.publications(root / "data" if (root / "data").is_dir() else None)
    entries = course_entries(root)
    primary = [(pubs[i], where) for i, where in entries if pubs[i]["outlet_kind"] == "P"]
    secondary = [(pubs[i], where) for i, where in entries if pubs[i]["outlet_kind"] != "P"]

    def items(rows: list[tuple[dict[str, Any], list[str]]]) -> str:
        rows = sorted(rows, key=lambda r: _sort_key(r[0]))
        return "\n".join(f"- {md_escape(citations.reference(p))} *Used in: "
                         f"{', '.join(dict.fromkeys(w))}.*" for p, w in rows)

    return [
        "# Course reference list\n\n"
        "Every publication this course cites, in one list: the readings and studies of the "
        "lessons and the publications behind every figure in the course's data. Each entry "
        "names the original publication (authors, title, publisher, date and the publisher's "
        "address where one is known); the course never cites the copy a figure was read from. "
        "This list is for reference: it has nothing to submit and no time is counted for it "
        "in the clock hours.",
        f"## Publications ({len(primary)})\n\n{items(primary)}",
        f"## News and organisation sources ({len(secondary)})\n\n"
        "Some figures were seen only in a news report or an organisation's summary. The lessons "
        "and figure captions cite them \"as reported by\" that outlet; the original "
        "publication is in the list above.\n\n" + items(secondary),
    ]


def course_list(root: Path = COURSE_ROOT) -> str:
    """The course reference list as one Markdown text (for the provider's packet)."""
    return "\n\n".join(course_list_cells(root)) + "\n"


def course_list_notebook(root: Path = COURSE_ROOT) -> str:
    """``lessons/course-references.md``: the course list as an ungraded MyST notebook."""
    import nbformat

    from .lessons import markdown_of

    note = ("<!-- Generated by negotiation_course.instructor.references (make release): do not "
            "edit; edit data/publications.csv or a lesson's reference ids. -->")
    cells = [nbformat.v4.new_markdown_cell(note + "\n\n" + course_list_cells(root)[0])]
    cells += [nbformat.v4.new_markdown_cell(text) for text in course_list_cells(root)[1:]]
    return markdown_of(nbformat.v4.new_notebook(cells=cells))


def build(root: Path = COURSE_ROOT, check: bool = False) -> list[str]:
    """Regenerate every lesson's reference blocks and the course list; return what changed.

    With ``check`` nothing is written: the return value lists what is out of date.
    """
    pubs = data.publications(root / "data" if (root / "data").is_dir() else None)
    changed = []
    for path in lessons(root):
        unused = unused_ids(path, pubs, root)
        if unused:
            raise SystemExit(f"{path.relative_to(root)}: the reference block lists {unused}, "
                             "which the lesson does not use (no reading, no mention in the text, "
                             "no row its code shows): remove the ids")
        text = path.read_text(encoding="utf-8")
        new = rebuild_lesson(text, pubs)
        if new != text:
            changed.append(str(path.relative_to(root)))
            if not check:
                path.write_text(new, encoding="utf-8")
    target = root / "lessons" / f"{COURSE_LIST}.md"
    if (root / "lessons").is_dir():
        text = course_list_notebook(root)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(str(target.relative_to(root)))
            if not check:
                target.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail if a reference list is out of date")
    parser.add_argument("--course-dir", type=Path, default=COURSE_ROOT)
    args = parser.parse_args(argv)
    changed = build(args.course_dir.resolve(), check=args.check)
    verb = "out of date" if args.check else "rewritten"
    print(f"reference lists {verb}: {', '.join(changed) if changed else 'none'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
