"""Learner-facing citations: the original publication, never the copy a figure was read from.

The course's data package records where each figure was *seen* (``source_url``: often a
repost, a news copy or a document-scraping site). Learners are shown the publication itself:
authors, title, publisher, date, table or page and the publisher's address where known. Those
publications are rows of ``data/publications.csv`` (compiled by the course team from the
brief's ``citation`` columns and its canonical-citations table); each resource of
``datapackage.json`` says which of them it draws on in ``learner_citation``. This module turns
them into the one-line source under a figure (:func:`source_line`, behind
:func:`negotiation_course.data.cite`) and into reference-list entries (:func:`reference`).

News outlets and organisations (``outlet_kind`` N or O) appear only as "as reported by"; a
publication whose address is not established is printed without one, never with a copy's.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: Kinds of outlet a publication row may have (the canonical-citations codes): P the
#: publisher of the figures or the work itself; N news or commentary; O an organisation's page.
OUTLET_KINDS = ("P", "N", "O")
SECONDARY_KINDS = ("N", "O")
_ARTICLE = "journal_article"


def _text(value: Any) -> str:
    """A cell as text: missing values (None, NA, NaT, NaN) become ''."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas ships with the course
        pass
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return str(value)


def _date_parts(date: str) -> tuple[str, str]:
    """('2024', 'September 9') from '2024-09-09'; ('2024', 'September'); ('2003', ''); ('', '')."""
    parts = date.split("-") if date else []
    if not parts:
        return "", ""
    year = parts[0]
    if len(parts) == 1:
        return year, ""
    month = _dt.date(2000, int(parts[1]), 1).strftime("%B")
    return year, f"{month} {int(parts[2])}" if len(parts) == 3 else month


def date_text(date: str) -> str:
    """The date as a figure caption prints it: 'September 9, 2025', 'May 2019', '2003', 'n.d.'."""
    year, rest = _date_parts(date)
    if not year:
        return "n.d."
    if not rest:
        return year
    return f"{rest}, {year}" if " " in rest else f"{rest} {year}"


def _apa_date(date: str) -> str:
    year, rest = _date_parts(date)
    return f"{year}, {rest}" if rest else (year or "n.d.")


def address(pub: Mapping[str, Any]) -> str:
    """The publisher's address of a publication ('' where none is established)."""
    url = _text(pub.get("url"))
    if url:
        return url
    doi = _text(pub.get("doi"))
    return f"https://doi.org/{doi}" if doi else ""


def _period(text: str) -> str:
    """``text`` ending in one full stop (none added after '?', '!' or '.')."""
    return text if text.endswith((".", "?", "!")) else text + "."


def reference(pub: Mapping[str, Any]) -> str:
    """One reference-list entry (APA-like Markdown) for a row of ``publications.csv``."""
    authors, publisher = _text(pub.get("authors")), _text(pub.get("publisher"))
    title, container = _text(pub.get("title")), _text(pub.get("container"))
    details, kind = _text(pub.get("details")), _text(pub.get("kind"))
    lead = authors or publisher
    parts = [f"{_period(lead)} ({_apa_date(_text(pub.get('date')))})."]
    if kind == _ARTICLE:
        if title:
            parts.append(_period(title))
        parts.append(f"*{container}*" + (f", {details}." if details else "."))
    else:
        if title:
            shown = title if title.startswith("[") else f"*{title}*"
            tail = (f" ({container})" if container else "") + (f", {details}" if details else "")
            ends = title.endswith((".", "?", "!")) and not tail
            parts.append(shown + tail + ("" if ends else "."))
        if authors and publisher:
            parts.append(_period(publisher))
    url = address(pub)
    if url:
        parts.append(url)
    return " ".join(parts)


_INITIALS = re.compile(r"^(?:[A-Z]\.\s?)+$")
#: Works cited by author ('Marks & Harold (2011), ...'); others by publisher.
_BY_AUTHOR = ("journal_article", "book", "working_paper", "opinion", "lecture")


def surnames(authors: str) -> str:
    """'Marks & Harold' from 'Marks, M., & Harold, C.'; 'Mazei et al.' for three or more."""
    parts = [p.strip() for p in re.split(r",\s*(?:&\s*)?|\s&\s", authors) if p.strip()]
    names = [p for p in parts if not _INITIALS.match(p) and p != "et al."]
    if not names:
        return ""
    if len(names) > 2 or "et al." in parts:
        return f"{names[0]} et al."
    return " & ".join(names)


def short(pub: Mapping[str, Any], locator: str = "", with_publisher: bool = True) -> str:
    """The publication as a figure caption names it, e.g. 'U.S. Census Bureau, Income ... 2023'."""
    title, container = _text(pub.get("title")), _text(pub.get("container"))
    details, kind = _text(pub.get("details")), _text(pub.get("kind"))
    authors, date = _text(pub.get("authors")), _text(pub.get("date"))
    if kind in _BY_AUTHOR and authors:
        year = _date_parts(date)[0]
        text = surnames(authors) + (f" ({year})" if year else "")
        if kind == _ARTICLE:
            text += f", {container}" + (f" {details}" if details else "")
        else:
            where = container or _text(pub.get("publisher"))
            text += f", {title}" + (f" ({where})" if where else "")
    else:
        detail = ", ".join(x for x in (container, date_text(date) if date else "") if x)
        text = title + (f" ({detail})" if detail else "")
        if with_publisher:
            text = f"{_text(pub.get('publisher'))}, {text}"
    return text + (f", {locator}" if locator else "")


def _by_author(pub: Mapping[str, Any]) -> bool:
    return _text(pub.get("kind")) in _BY_AUTHOR and bool(_text(pub.get("authors")))


def _outlet(pub: Mapping[str, Any]) -> str:
    """How an 'as reported by' phrase names a news or organisation source."""
    name = _text(pub.get("publisher"))
    date = _text(pub.get("date"))
    return f"{name} ({date_text(date)})" if date else name


def _applies(entry: Mapping[str, Any], rows: Any) -> bool:
    """Whether a citation entry applies to the rows a figure shows (all rows when ``rows`` is None).

    ``when`` maps columns to values; the entry applies when one row matches every column.
    """
    when = entry.get("when")
    if not when or rows is None:
        return True
    if any(column not in rows for column in when):
        return False
    match = None
    for column, values in when.items():
        hit = rows[column].map(_text).isin([str(v) for v in values])
        match = hit if match is None else match & hit
    return bool(match is not None and match.any())


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def source_line(spec: Mapping[str, Any], pubs: Mapping[str, Mapping[str, Any]],
                rows: Any = None) -> str:
    """'Source: ...' for a resource's ``learner_citation``, optionally only for some rows.

    ``rows`` (a DataFrame of the table) keeps the publications whose ``when`` matches at least
    one of them, so a figure of Pew's 2023 edition cites that edition and no other. Without
    ``rows`` a resource that spans many publications may cite its ``summary`` instead.
    """
    pieces: list[str] = []
    if rows is None and spec.get("summary"):
        pieces.append(spec["summary"])
    else:
        chosen = [e for e in spec.get("publications", []) if _applies(e, rows)]
        groups: list[tuple[str, list[str]]] = []
        for entry in chosen or spec.get("publications", []):
            pub = pubs[entry["id"]]
            if _by_author(pub):
                groups.append(("", [short(pub, entry.get("locator", ""))]))
                continue
            publisher = _text(pub.get("publisher"))
            text = short(pub, entry.get("locator", ""), with_publisher=False)
            if groups and groups[-1][0] == publisher:
                groups[-1][1].append(text)
            else:
                groups.append((publisher, [text]))
        for publisher, items in groups:
            if not publisher:
                pieces += items
            elif len(items) == 1:
                pieces.append(f"{publisher}, {items[0]}")
            else:
                pieces.append(f"{publisher}: " + "; ".join(items))
    reported: dict[str, list[str]] = {}
    for entry in spec.get("as_reported_by", []):
        if _applies(entry, rows):
            reported.setdefault(entry.get("what", "some figures"), []).append(
                _outlet(pubs[entry["id"]]))
    pieces += [f"{what} as reported by {_join(outlets)}" for what, outlets in reported.items()]
    pieces += [n["text"] for n in spec.get("notes", []) if _applies(n, rows)]
    return "Source: " + "; ".join(dict.fromkeys(pieces)) + "."


def publication_ids(spec: Mapping[str, Any]) -> list[str]:
    """Every publication a resource's citation names, originals first, in order, once each."""
    ids = [e["id"] for e in spec.get("publications", [])]
    ids += [e["id"] for e in spec.get("as_reported_by", [])]
    return list(dict.fromkeys(ids))


def by_id(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Publications keyed by id (from ``data.load('publications').to_dict('records')``)."""
    return {str(r["id"]): dict(r) for r in rows}
