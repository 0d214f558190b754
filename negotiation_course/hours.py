"""NBCC clock hours, computed from the source notebooks (COURSE.md §4), never typed in.

Reading time is the words of lesson text at a reading rate (default 6,000 words per clock
hour, a provider convention to confirm with NBCC), plus every activity's declared minutes,
plus the half-hour instructor conversation; the total is rounded down to the quarter hour.
``make release`` writes the table to ``negotiation_course/clock_hours.csv`` so the welcome
lesson can show it on a hub where learners have no other notebooks.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .paths import PACKAGE_DIR, source_dir

WORDS_PER_HOUR = 6000
CONVERSATION_MINUTES = 30
#: Assignments the course plans (COURSE.md §2); until all exist the total is provisional.
PLANNED = ["lesson-00-welcome", "lesson-01-why-negotiate", "lesson-02-strategic-career",
           "assessment", "evaluation"]
#: Not learning time: the evaluation form is required but earns no clock hours.
NOT_COUNTED = {"evaluation"}
TABLE_PATH = PACKAGE_DIR / "clock_hours.csv"

#: The opening of every activity block (docs/authoring.md).
ACTIVITY_RE = re.compile(r"Activity \((\d+) minutes?\):\s*([A-Z][a-z]+)")
_TAG_RE = re.compile(r"<[^>]+>")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%$/-]*")


@dataclass(frozen=True)
class Row:
    assignment: str
    words: int
    reading_minutes: float
    activity_minutes: int
    activities: int


def lesson_words(markdown: str) -> int:
    """Words a learner reads in a Markdown cell (tags and link targets left out)."""
    text = _LINK_RE.sub(r"\1", _TAG_RE.sub(" ", markdown))
    return len(_WORD_RE.findall(text))


def activity_minutes(markdown: str) -> list[int]:
    return [int(m.group(1)) for m in ACTIVITY_RE.finditer(markdown)]


def notebook_row(path: Path, words_per_hour: int = WORDS_PER_HOUR) -> Row:
    import nbformat  # lazily: the welcome lesson's kernel only reads the table (saves ~1 s)

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
    rows = []
    for folder in sorted(p for p in source_dir(root).iterdir() if p.is_dir()):
        if folder.name in NOT_COUNTED:
            continue
        for nb_path in sorted(folder.glob("*.ipynb")):
            rows.append(notebook_row(nb_path, words_per_hour))
    return rows


def total_minutes(rows: list[Row], conversation: bool = True) -> float:
    return (sum(r.reading_minutes + r.activity_minutes for r in rows)
            + (CONVERSATION_MINUTES if conversation else 0))


def clock_hours(rows: list[Row], conversation: bool = True) -> float:
    """Total clock hours, rounded down to the quarter hour."""
    return math.floor(total_minutes(rows, conversation) / 60 * 4) / 4


def is_provisional(rows: list[Row]) -> bool:
    present = {r.assignment for r in rows}
    return any(a not in present for a in PLANNED if a not in NOT_COUNTED)


def write_table(rows: list[Row], path: Path = TABLE_PATH) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f.name for f in fields(Row)])
        for r in rows:
            writer.writerow(asdict(r).values())


def read_table(path: Path = TABLE_PATH) -> list[Row]:
    with path.open(encoding="utf-8") as fh:
        return [Row(r["assignment"], int(r["words"]), float(r["reading_minutes"]),
                    int(r["activity_minutes"]), int(r["activities"]))
                for r in csv.DictReader(fh)]


def show_table():
    """The clock-hour table for the welcome lesson, with its total (a pandas DataFrame)."""
    import pandas as pd

    rows = read_table()
    table = pd.DataFrame([asdict(r) for r in rows]).set_index("assignment")
    table.loc["instructor conversation"] = [0, 0.0, CONVERSATION_MINUTES, 1]
    table.loc["total"] = table.sum()
    hours = clock_hours(rows)
    note = " (provisional: not every lesson is written yet)" if is_provisional(rows) else ""
    print(f"Total: {total_minutes(rows):.0f} minutes = {hours:g} NBCC clock hours{note}, "
          f"rounded down to the quarter hour; reading at {WORDS_PER_HOUR:,} words per hour.")
    return table
