"""The assigned external readings and their measured word counts (``lessons/readings.csv``).

A lesson's "Read" activity sends learners to a publication outside the course (an HBR
article, a Pew fact tank piece, a section of a Federal Reserve report). Its time counts by
the reading's word count at the course's reading rate, like lesson text, so every reading
has a row here: the publication id (``data/publications.csv``), the lesson, a phrase of the
activity's text that identifies it (``match``), what part is assigned, and the measured
``words`` with where and when they were counted. A blank ``words`` means "not measured yet":
the reading is then not counted (never guessed) and the table says so.

Measuring is one command on a saved copy of the assigned text (only what learners are asked
to read: no menus, comments or reference lists)::

    python -m negotiation_course.instructor.readings measure ID COPY --source URL

``COPY`` is a ``.txt``/``.md`` file, a ``.html`` page (tags dropped) or a ``.pdf``
(``pdftotext``); words are counted with the rule used for lesson text
(:func:`negotiation_course.instructor.clock_hours.count_words`). ``list`` shows the status.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from ..paths import COURSE_ROOT

FILE_NAME = "readings.csv"


@dataclass(frozen=True)
class Reading:
    id: str  # publication id (data/publications.csv)
    lesson: str  # the assignment whose Read activity assigns it
    match: str  # a phrase of that activity's text naming the reading
    citation: str  # short citation for the provider packet
    part: str  # what learners are asked to read
    words: int | None  # measured word count; None = not measured yet
    counted_from: str = ""  # the copy that was counted (address or file)
    counted_on: str = ""  # ISO date
    method: str = ""
    note: str = ""

    @property
    def measured(self) -> bool:
        return self.words is not None


def path_for(root: Path | None = None) -> Path:
    """``<root>/lessons/readings.csv``, else the package's course's."""
    own = Path(root) / "lessons" / FILE_NAME if root is not None else None
    return own if own is not None and own.is_file() else COURSE_ROOT / "lessons" / FILE_NAME


def load(root: Path | None = None) -> list[Reading]:
    path = path_for(root)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for n, row in enumerate(rows, start=2):
        raw = (row.get("words") or "").strip()
        if raw and not raw.isdigit():
            raise ValueError(f"{path} line {n}: words should be a whole number or blank, "
                             f"not {raw!r}")
        out.append(Reading(**{**{k: (row.get(k) or "").strip() for k in
                                 (f.name for f in fields(Reading)) if k != "words"},
                              "words": int(raw) if raw else None}))
    return out


def write(readings: list[Reading], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [f.name for f in fields(Reading)], lineterminator="\n")
        writer.writeheader()
        for r in readings:
            writer.writerow({k: ("" if v is None else v) for k, v in asdict(r).items()})


def normalise(text: str) -> str:
    """Text as compared with a ``match`` phrase: no escapes or emphasis, spaces collapsed."""
    return " ".join(re.sub(r"[\\*_]", "", text).split()).casefold()


def find(readings: list[Reading], lesson: str, activity_text: str) -> Reading | None:
    """The reading of ``lesson`` whose phrase occurs in a Read activity's text."""
    text = normalise(activity_text)
    hits = [r for r in readings if r.lesson == lesson and normalise(r.match) in text]
    return hits[0] if len(hits) == 1 else None


class _Text(HTMLParser):
    """The visible text of an HTML page (scripts and styles dropped)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_of(copy: Path) -> str:
    """The readable text of a saved copy (txt, md, html or pdf)."""
    suffix = copy.suffix.lower()
    if suffix == ".pdf":
        return subprocess.run(["pdftotext", "-layout", str(copy), "-"], capture_output=True,
                              text=True, check=True).stdout
    raw = copy.read_text(encoding="utf-8", errors="replace")
    if suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(raw)
        return " ".join(parser.parts)
    return raw


def measure(reading_id: str, copy: Path, source: str = "", root: Path | None = None,
            today: date | None = None) -> Reading:
    """Count the words of ``copy`` and record them on the reading's row."""
    from .clock_hours import count_words

    path = path_for(root)
    readings = load(root)
    index = next((i for i, r in enumerate(readings) if r.id == reading_id), None)
    if index is None:
        raise SystemExit(f"{path}: no reading with id {reading_id!r}; add its row first")
    text = text_of(copy)
    words = count_words(text)
    if words == 0:
        raise SystemExit(f"{copy}: no words found; is it the assigned text?")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    updated = replace(readings[index], words=words, counted_from=source or copy.name,
                      counted_on=(today or date.today()).isoformat(),
                      method=f"{copy.suffix.lstrip('.').lower() or 'text'} copy counted with "
                             f"clock_hours.count_words; text sha256 {digest}")
    readings[index] = updated
    write(readings, path)
    return updated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="each reading and whether its word count is recorded")
    m = sub.add_parser("measure", help="count a saved copy's words and record them")
    m.add_argument("id")
    m.add_argument("copy", type=Path)
    m.add_argument("--source", default="", help="where the copy came from (its address)")
    parser.add_argument("--course-dir", type=Path, default=COURSE_ROOT)
    args = parser.parse_args(argv)
    root = args.course_dir.resolve()
    if args.command == "measure":
        r = measure(args.id, args.copy, args.source, root)
        print(f"{r.id}: {r.words} words recorded in {path_for(root)}; run `make release`")
        return 0
    for r in load(root):
        state = f"{r.words} words ({r.counted_on})" if r.measured else "NOT MEASURED"
        print(f"{r.lesson:28} {r.id:24} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
