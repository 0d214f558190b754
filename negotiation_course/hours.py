"""Clock hours as the welcome lesson shows them (COURSE.md §4), never typed in.

The table is computed from the lessons at build time by
:mod:`negotiation_course.instructor.clock_hours` (``make release``) and shipped as
``clock_hours.csv`` beside this module, so a learner on a hub, who has no other notebooks,
sees the same figures. Every learner task counts once:

* lesson text at a reading rate (6,000 words per clock hour, a provider convention to
  confirm with the approving body), without reference lists, without text already counted
  elsewhere in the course (a sentence repeated in several notebooks counts once), and
  without the text of activities (an activity's own text is inside its minutes);
* each counted activity's declared minutes; an activity whose result is never submitted
  is not counted;
* each assigned external reading by its recorded word count at the same rate (a reading
  whose word count is not recorded yet is not counted);
* the half-hour instructor conversation.

The total is rounded down to the quarter hour.
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .paths import PACKAGE_DIR

WORDS_PER_HOUR = 6000
CONVERSATION_MINUTES = 30
TABLE_PATH = PACKAGE_DIR / "clock_hours.csv"
#: Roles whose time counts (course.toml): not the evaluation form, not the reference list.
COUNTED_ROLES = ("lesson", "assessment")


@dataclass(frozen=True)
class Row:
    """One assignment's time: what counts, and what was left out and why."""

    assignment: str
    reading_words: int  # lesson text counted as reading
    reading_minutes: float
    activity_minutes: int  # declared minutes of the counted activities
    activities: int  # counted activities
    external_words: int  # assigned external readings with a recorded word count
    external_minutes: float
    activity_words: int = 0  # text inside activities: counted inside their minutes
    repeated_words: int = 0  # text already counted earlier in the course
    reference_words: int = 0  # reference lists: not counted
    uncounted_minutes: int = 0  # declared minutes not counted (see the activity list)
    unmeasured_readings: int = 0  # external readings whose word count is not recorded

    @property
    def minutes(self) -> float:
        """The counted minutes of this assignment."""
        return round(self.reading_minutes + self.activity_minutes + self.external_minutes, 1)


def reading_minutes(words: int, words_per_hour: int = WORDS_PER_HOUR) -> float:
    return round(words * 60 / words_per_hour, 1)


def about(minutes: float) -> int:
    """Minutes as the lessons state them: to the nearest 5 (halves up)."""
    return 5 * math.floor(minutes / 5 + 0.5)


def whole(minutes: float) -> int:
    """Minutes to the nearest whole minute (halves up), as lesson text states parts."""
    return math.floor(minutes + 0.5)


def minutes_text(n: float) -> str:
    """'1 minute', '5 minutes': every time the course writes for learners agrees in number."""
    return f"{n:g} minute" if n == 1 else f"{n:g} minutes"


def total_minutes(rows: list[Row], conversation: bool = True) -> float:
    return round(sum(r.minutes for r in rows) + (CONVERSATION_MINUTES if conversation else 0),
                 1)


def clock_hours(rows: list[Row], conversation: bool = True) -> float:
    """Total clock hours, rounded down to the quarter hour."""
    return math.floor(total_minutes(rows, conversation) / 60 * 4) / 4


def counted_assignments(root: Path | None = None) -> list[str]:
    """Assignments whose time counts, in course order (course.toml roles)."""
    from .course import load

    model = load(root)
    return [n for n in model.names() if model.role_of(n) in COUNTED_ROLES]


def is_provisional(rows: list[Row]) -> bool:
    """True while a counted assignment is missing or a reading is not measured yet."""
    present = {r.assignment for r in rows}
    return (any(a not in present for a in counted_assignments())
            or any(r.unmeasured_readings for r in rows))


def read_table(path: Path = TABLE_PATH) -> list[Row]:
    types = {f.name: f.type for f in fields(Row)}
    with path.open(encoding="utf-8") as fh:
        return [Row(**{k: (v if types[k] == "str" else float(v) if types[k] == "float"
                           else int(v)) for k, v in r.items()})
                for r in csv.DictReader(fh)]


def table_frame(rows: list[Row] | None = None):
    """The table as a pandas DataFrame with the conversation and a total row."""
    import pandas as pd

    rows = read_table() if rows is None else rows
    shown = ["reading_words", "reading_minutes", "activity_minutes", "external_words",
             "external_minutes", "minutes"]
    table = pd.DataFrame([{**asdict(r), "minutes": r.minutes} for r in rows])
    table = table.set_index("assignment")[shown]
    table.loc["instructor conversation"] = [0, 0.0, CONVERSATION_MINUTES, 0, 0.0,
                                            float(CONVERSATION_MINUTES)]
    table.loc["total"] = table.sum().round(1)
    return table


def show_table():
    """The clock-hour table for the welcome lesson, with its total (a pandas DataFrame)."""
    rows = read_table()
    hours = clock_hours(rows)
    unmeasured = sum(r.unmeasured_readings for r in rows)
    print(f"Total: {total_minutes(rows):g} minutes = {hours:g} clock hours of 60 minutes, "
          f"rounded down to the quarter hour; reading at {WORDS_PER_HOUR:,} words per hour.")
    if unmeasured:
        print(f"Not counted yet: {unmeasured} assigned external reading(s) whose word count "
              "the provider has not recorded.")
    return table_frame(rows)
