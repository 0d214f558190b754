"""Learner-controlled text made inert where the course writes it (issue 11.9).

Learner ids, names from the gradebook (on a hub they come from the learner's own profile),
grading reasons that quote a notebook, and evaluation comments reach:

* CSV files an instructor opens in a spreadsheet, which evaluates a cell that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP "CSV injection";
  ``=HYPERLINK(...)`` sends data away when clicked). :func:`spreadsheet_cell` prefixes
  such text with ``'`` (numbers stay numbers); :func:`from_spreadsheet_cell` undoes it
  for the course's own readers (the certificate register, ``grades.csv``);
* the demo's Markdown summary: :func:`markdown_text` backslash-escapes Markdown and HTML;
* certificate PDFs: :func:`printable_problem` refuses control and bidirectional-override
  characters, which would hide or reorder the printed name.

HTML (formgrader, feedback) is escaped where it is rendered: see :mod:`.sanitize`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (with full-width forms).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~&])")
#: Embeddings, overrides and isolates (they reorder text), and line/paragraph separators.
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
         "\u2069", "\u2028", "\u2029"}


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet evaluates (non-text values unchanged)."""
    if not isinstance(value, str) or not value:
        return value
    if _NUMBER.fullmatch(value.strip()):
        return value
    if value.startswith("'") or value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value


def from_spreadsheet_cell(value: str) -> str:
    """The text :func:`spreadsheet_cell` escaped (for reading the course's own files)."""
    return value[1:] if value.startswith("'") else value


def spreadsheet_row(values: Any) -> list[Any]:
    return [spreadsheet_cell(v) for v in values]


def markdown_text(value: Any) -> str:
    """``value`` on one line, shown as text by any Markdown renderer (no HTML, no links)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(value).split()))


def printable_problem(text: str, what: str = "the name") -> str:
    """Why ``text`` cannot be printed faithfully ('' when it can)."""
    bad = sorted({ch for ch in text if ch in _BIDI
                  or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")})
    if not bad:
        return ""
    codes = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}" for ch in bad)
    return (f"{what} holds characters that would hide or reorder what is printed ({codes}); "
            "correct it in the gradebook")
