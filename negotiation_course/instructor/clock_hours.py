"""Compute the clock-hour table from the source notebooks (``make release`` writes it).

Every learner task counts once (COURSE.md §4, issue 12 §3). Walking the counted
assignments in course order, each Markdown cell's text is one of:

* **activity text**: an activity block (docs/authoring.md) and, after it, every cell up to
  the last answer cell before the next activity (the worksheet prompts it introduces; the
  whole question text of the assessment). It is inside the activity's declared minutes;
* **reference list**: a section headed "References" (or "Reference list", "Sources",
  "Bibliography") and any generated reference block: not counted;
* **reading**: everything else, sentence by sentence, where a sentence already read earlier
  in the course (the hidden-tests notice, the privacy reminder, the objective list) counts
  only the first time.

An activity counts its declared minutes when something is submitted for it (an answer cell
in its scope); one whose result is never submitted is not counted, and its text tells
learners so ("not counted in your clock hours"; a test holds the two together). A "Read"
activity is an external reading: it counts by the reading's recorded word count
(:mod:`.readings`) at the reading rate, or not at all until the word count is recorded.
The learner-facing side (reading the table, the total) is :mod:`negotiation_course.hours`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..hours import (
    TABLE_PATH,
    WORDS_PER_HOUR,
    Row,
    counted_assignments,
    reading_minutes,
)
from ..paths import source_dir
from . import readings as readings_registry

#: The opening of every activity block (docs/authoring.md).
ACTIVITY_RE = re.compile(r"Activity \((\d+) minutes?\):\s*([A-Z][a-z]+)")
#: An activity whose result is never submitted says so in these words (learners read it).
NOT_COUNTED_RE = re.compile(r"not counted in (?:your|the) clock hours", re.IGNORECASE)
#: The verb of an activity that assigns an external reading.
READ_VERB = "Read"
_DIV_RE = re.compile(r'<div\s+class="activity"[^>]*>(?P<body>.*?)</div>', re.S)
_REF_BLOCK_RE = re.compile(r"<!-- references: begin.*?<!-- references: end -->", re.S)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
_REF_HEADING_RE = re.compile(r"^\W*(references|reference list|sources|bibliography)\b",
                             re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]+>")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%$/-]*")
_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)]|\||#{1,6})\s")
#: A sentence ends after a lower-case word or a closing mark, before a capital: not after
#: "U.S." or an initial, and not after an item number (those are stripped first).
_SENTENCE_END_RE = re.compile(r"(?<=[a-z0-9%)\]\"'’”*_][.!?])\s+(?=[A-Z\"“*_(\[])")
_MARKER_RE = re.compile(r"^\s*(?:[-*+]\s+|#{1,6}\s+|\|\s*)?(?:\d+[.)]\s+)?")
#: Sentences are compared clause by clause, so a notice repeated inside a longer sentence
#: ("Hidden tests check the exact answers after you submit; ...") is still found.
_CLAUSE_RE = re.compile(r"(?<=[;:])\s+|,\s+(?=(?:and|but|so|or|then)\s)")


def _plain(markdown: str) -> str:
    """What a learner reads: comments and tags out, link texts kept, targets out."""
    return _LINK_RE.sub(r"\1", _TAG_RE.sub(" ", _COMMENT_RE.sub(" ", markdown)))


def count_words(text: str) -> int:
    """Words of a text by the course's one rule (lesson text and external readings alike)."""
    return len(_WORD_RE.findall(_plain(text)))


#: The name the lesson tests and older code use for the same rule.
lesson_words = count_words


def activity_minutes(markdown: str) -> list[int]:
    return [int(m.group(1)) for m in ACTIVITY_RE.finditer(markdown)]


def sentences(markdown: str) -> list[str]:
    """Reading text split into clauses of sentences, list items, table rows and headings."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", _plain(markdown)):
        items: list[str] = []
        for line in block.splitlines():
            if _ITEM_RE.match(line) or not items:
                items.append(line)
            else:
                items[-1] += " " + line
        for item in items:
            item = _MARKER_RE.sub("", item, count=1)
            out += [c for s in _SENTENCE_END_RE.split(item) for c in _CLAUSE_RE.split(s)
                    if _WORD_RE.search(c)]
    return out


def _key(sentence: str) -> str:
    return " ".join(w.rstrip(".,").casefold() for w in _WORD_RE.findall(sentence))


@dataclass
class Activity:
    """One activity block and how its time was counted."""

    assignment: str
    cell: int  # index of the cell holding the block
    verb: str
    declared: int  # the minutes its opening states
    words: int  # words of its own text (block and the prompts in its scope)
    counted: float  # minutes counted
    status: str  # see STATUSES
    reading: str = ""  # publication id of an external reading
    opening: str = ""  # the first words of the block, to find it
    answers: int = 0  # answer cells in its scope (what is submitted for it)
    says_not_counted: bool = False  # its text tells learners it is not counted


#: What became of an activity's minutes.
STATUSES = {
    "counted": "declared minutes counted (its result is submitted)",
    "reading": "external reading: counted by its recorded word count",
    "reading not measured": "external reading: not counted until its word count is recorded",
    "not submitted": "not counted: nothing is submitted for it",
    "unregistered": "not counted: a Read activity naming no reading of lessons/readings.csv",
    "no minutes": "a block without 'Activity (N minutes): Verb.': its text is read",
}
#: Statuses whose declared minutes are counted neither as minutes nor by words.
UNCOUNTED = ("reading not measured", "not submitted", "unregistered")


@dataclass
class Assignment:
    """The words and activities of one counted assignment, before they become a Row."""

    name: str
    reading_words: int = 0
    activity_words: int = 0
    repeated_words: int = 0
    reference_words: int = 0
    activities: list[Activity] = field(default_factory=list)
    external_words: int = 0

    def row(self, words_per_hour: int = WORDS_PER_HOUR) -> Row:
        counted = [a for a in self.activities if a.status == "counted"]
        return Row(
            self.name, self.reading_words, reading_minutes(self.reading_words, words_per_hour),
            sum(a.declared for a in counted), len(counted), self.external_words,
            reading_minutes(self.external_words, words_per_hour), self.activity_words,
            self.repeated_words, self.reference_words,
            sum(a.declared for a in self.activities if a.status in UNCOUNTED),
            sum(a.status == "reading not measured" for a in self.activities))


def _is_answer(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def _scopes(cells) -> dict[int, tuple[int, int]]:
    """Cell index of each activity block -> (last cell inside its scope, answer cells)."""
    boxes = [i for i, c in enumerate(cells) if c.cell_type == "markdown"
             and not _is_answer(c) and _DIV_RE.search(c.source)]
    scopes = {}
    for n, start in enumerate(boxes):
        stop = boxes[n + 1] if n + 1 < len(boxes) else len(cells)
        answers = [j for j in range(start + 1, stop) if _is_answer(cells[j])]
        scopes[start] = (answers[-1] if answers else start, len(answers))
    return scopes


class _Walker:
    """Splits one assignment's Markdown into reading, activity and reference text."""

    def __init__(self, acc: Assignment, seen: set[str], registry, root_words_per_hour: int):
        self.acc, self.seen, self.registry = acc, seen, registry
        self.words_per_hour = root_words_per_hour
        self.ref_level: int | None = None

    def reading(self, text: str) -> None:
        """Plain text outside activities, line by line through the heading state."""
        lines_by_kind: list[tuple[bool, list[str]]] = []
        for line in text.split("\n"):
            heading = _HEADING_RE.match(line.strip())
            if heading:
                level = len(heading.group(1))
                if self.ref_level is not None and level <= self.ref_level:
                    self.ref_level = None
                if _REF_HEADING_RE.match(heading.group(2)):
                    self.ref_level = level
            is_ref = self.ref_level is not None
            if not lines_by_kind or lines_by_kind[-1][0] != is_ref:
                lines_by_kind.append((is_ref, []))
            lines_by_kind[-1][1].append(line)
        for is_ref, lines in lines_by_kind:
            chunk = "\n".join(lines)
            if is_ref:
                self.acc.reference_words += count_words(chunk)
                continue
            for sentence in sentences(chunk):
                key, n = _key(sentence), len(_WORD_RE.findall(sentence))
                if key in self.seen:
                    self.acc.repeated_words += n
                else:
                    self.seen.add(key)
                    self.acc.reading_words += n

    def activity_text(self, text: str) -> int:
        """Text inside an activity: its words (also marked as read for later repeats)."""
        self.seen.update(_key(s) for s in sentences(text))
        n = count_words(text)
        self.acc.activity_words += n
        return n

    def cell(self, index: int, source: str, answers: int = 0) -> Activity | None:
        """A cell outside any activity scope, or the cell that opens one."""
        pos, activity = 0, None
        pieces = sorted([(m.start(), m.end(), "ref") for m in _REF_BLOCK_RE.finditer(source)]
                        + [(m.start(), m.end(), "box") for m in _DIV_RE.finditer(source)])
        for start, end, kind in pieces:
            if start < pos:
                continue
            self.reading(source[pos:start])
            if kind == "ref":
                self.acc.reference_words += count_words(source[start:end])
            else:
                activity = self.box(index, source[start:end], answers)
            pos = end
        self.reading(source[pos:])
        return activity

    def box(self, index: int, block: str, answers: int = 0) -> Activity:
        opening = ACTIVITY_RE.search(block)
        words = self.activity_text(block)
        plain = " ".join(_plain(block).split())
        if opening is None:  # a block without minutes: its text is read like any other
            return Activity(self.acc.name, index, "", 0, words, 0.0, "no minutes",
                            opening=plain[:60])
        declared, verb = int(opening.group(1)), opening.group(2)
        act = Activity(self.acc.name, index, verb, declared, words, float(declared),
                       "counted", opening=plain[:60], answers=answers,
                       says_not_counted=bool(NOT_COUNTED_RE.search(plain)))
        if verb != READ_VERB and (act.says_not_counted or not answers):
            act.counted, act.status = 0.0, "not submitted"
        elif verb == READ_VERB:
            found = readings_registry.find(self.registry, self.acc.name, block)
            if found is None:
                act.counted, act.status = 0.0, "unregistered"
            elif found.words is None:
                act.counted, act.status, act.reading = 0.0, "reading not measured", found.id
            else:
                act.counted = reading_minutes(found.words, self.words_per_hour)
                act.status, act.reading = "reading", found.id
                self.acc.external_words += found.words
        self.acc.activities.append(act)
        return act


def analyse_notebook(nb, name: str, seen: set[str], registry,
                     words_per_hour: int = WORDS_PER_HOUR) -> Assignment:
    """One assignment's text and activities; ``seen`` carries sentences across notebooks."""
    acc = Assignment(name)
    walker = _Walker(acc, seen, registry, words_per_hour)
    cells = nb.cells
    scopes = _scopes(cells)
    inside_until, current = -1, None
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown" or _is_answer(cell):
            continue  # code, and the learner's own written answers, are not lesson text
        if i <= inside_until and current is not None:
            current.words += walker.activity_text(cell.source)
            continue
        last, answers = scopes.get(i, (i, 0))
        activity = walker.cell(i, cell.source, answers)
        if activity is not None and activity.declared:
            inside_until, current = last, activity
    return acc


def analyse(root: Path | None = None,
            words_per_hour: int = WORDS_PER_HOUR) -> list[Assignment]:
    """Every counted assignment found under ``source/``, in course order."""
    import nbformat

    registry = readings_registry.load(root)
    seen: set[str] = set()
    out = []
    for name in counted_assignments(root):
        for nb_path in sorted((source_dir(root) / name).glob("*.ipynb")):
            nb = nbformat.read(nb_path, as_version=4)
            out.append(analyse_notebook(nb, name, seen, registry, words_per_hour))
    return out


def compute(root: Path | None = None, words_per_hour: int = WORDS_PER_HOUR) -> list[Row]:
    """One row per counted assignment found under ``source/``, in course order."""
    return [a.row(words_per_hour) for a in analyse(root, words_per_hour)]


def write_table(rows: list[Row], path: Path = TABLE_PATH) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f.name for f in fields(Row)])
        for r in rows:
            writer.writerow(asdict(r).values())
