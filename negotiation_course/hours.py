"""NBCC clock hours as the welcome lesson shows them (COURSE.md §4), never typed in.

The table is computed from the lessons at build time by
:mod:`negotiation_course.instructor.clock_hours` (``make release``) and shipped as
``clock_hours.csv`` beside this module, so a learner on a hub, who has no other notebooks,
sees the same figures. Reading time is the words of lesson text at a reading rate (default
6,000 words per clock hour, a provider convention to confirm with NBCC), plus every
activity's declared minutes, plus the half-hour instructor conversation; the total is
rounded down to the quarter hour.
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from .paths import PACKAGE_DIR

WORDS_PER_HOUR = 6000
CONVERSATION_MINUTES = 30
TABLE_PATH = PACKAGE_DIR / "clock_hours.csv"


@dataclass(frozen=True)
class Row:
    assignment: str
    words: int
    reading_minutes: float
    activity_minutes: int
    activities: int


def total_minutes(rows: list[Row], conversation: bool = True) -> float:
    return (sum(r.reading_minutes + r.activity_minutes for r in rows)
            + (CONVERSATION_MINUTES if conversation else 0))


def clock_hours(rows: list[Row], conversation: bool = True) -> float:
    """Total clock hours, rounded down to the quarter hour."""
    return math.floor(total_minutes(rows, conversation) / 60 * 4) / 4


def counted_assignments() -> list[str]:
    """Assignments whose time counts: all but the evaluation form and the reference list."""
    from .course import load

    model = load()
    return [n for n in model.names() if model.role_of(n) not in ("evaluation", "reference")]


def is_provisional(rows: list[Row]) -> bool:
    present = {r.assignment for r in rows}
    return any(a not in present for a in counted_assignments())


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
