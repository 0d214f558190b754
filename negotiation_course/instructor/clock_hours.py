"""Compute the clock-hour table from the source notebooks (``make release`` writes it).

The learner-facing side (reading the table, the total) is :mod:`negotiation_course.hours`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, fields
from pathlib import Path

from ..hours import TABLE_PATH, WORDS_PER_HOUR, Row, counted_assignments
from ..paths import source_dir

#: The opening of every activity block (docs/authoring.md).
ACTIVITY_RE = re.compile(r"Activity \((\d+) minutes?\):\s*([A-Z][a-z]+)")
_TAG_RE = re.compile(r"<[^>]+>")
#: A lesson's generated reference list (instructor/references.py): a list, not reading.
_REFERENCES_RE = re.compile(r"<!-- references: begin.*?<!-- references: end -->", re.S)
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%$/-]*")


def lesson_words(markdown: str) -> int:
    """Words a learner reads in a Markdown cell (tags, link targets, reference lists left out)."""
    text = _LINK_RE.sub(r"\1", _TAG_RE.sub(" ", _REFERENCES_RE.sub(" ", markdown)))
    return len(_WORD_RE.findall(text))


def activity_minutes(markdown: str) -> list[int]:
    return [int(m.group(1)) for m in ACTIVITY_RE.finditer(markdown)]


def notebook_row(path: Path, words_per_hour: int = WORDS_PER_HOUR) -> Row:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    # a learner's own written answers (nbgrader solution cells) are not lesson text
    md = [c.source for c in nb.cells if c.cell_type == "markdown"
          and not c.metadata.get("nbgrader", {}).get("solution")]
    words = sum(lesson_words(s) for s in md)
    minutes = [m for s in md for m in activity_minutes(s)]
    return Row(path.parent.name, words, round(words * 60 / words_per_hour, 1),
               sum(minutes), len(minutes))


def compute(root: Path | None = None, words_per_hour: int = WORDS_PER_HOUR) -> list[Row]:
    """One row per counted assignment found under ``source/``."""
    counted = set(counted_assignments())
    rows = []
    for folder in sorted(p for p in source_dir(root).iterdir() if p.is_dir()):
        if folder.name not in counted:
            continue
        for nb_path in sorted(folder.glob("*.ipynb")):
            rows.append(notebook_row(nb_path, words_per_hour))
    return rows


def write_table(rows: list[Row], path: Path = TABLE_PATH) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f.name for f in fields(Row)])
        for r in rows:
            writer.writerow(asdict(r).values())
