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
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import citations, data
from ..paths import COURSE_ROOT

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
