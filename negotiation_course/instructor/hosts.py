"""Recognise the web hosts the data brief classifies, in any text, without naming the withheld one.

``data/canonical_citations.csv`` gives every host in the brief a kind (X scraper or odd host,
R repost, N news, A academic copy, O organisation, P publisher). Rule 7 of the brief: hosts of
kind X never appear in anything learners receive. One host is withheld altogether: the
repository must not contain its name, so it is known only by the SHA-256 of its domain and of
its short name. This module finds hosts (in addresses and as bare ``name.tld`` mentions) and
those withheld names in text; the learner edition of the data, the reference checks and the
leak test use it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import data

#: A host name: dotted labels ending in a letters-only top-level domain.
HOST_RE = re.compile(r"(?<![\w@-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\w-])",
                     re.IGNORECASE)
#: An address: scheme, host, and everything up to a space, quote or closing bracket.
URL_RE = re.compile(r"https?://[^\s\"'<>)\]|]+", re.IGNORECASE)
WORD_RE = re.compile(r"[a-z0-9]+", re.IGNORECASE)
#: Kinds that must never reach learners.
FORBIDDEN_KINDS = ("X",)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Hit:
    """A classified host found in a text (``host`` is as written; ``domain`` as classified)."""

    host: str
    domain: str
    kind: str
    withheld: bool
    start: int
    end: int

    @property
    def forbidden(self) -> bool:
        return self.withheld or self.kind in FORBIDDEN_KINDS


class Registry:
    """The host kinds of ``canonical_citations.csv``, keyed by the SHA-256 of each domain."""

    def __init__(self, rows: list[dict]):
        self.by_hash = {r["domain_sha256"]: r for r in rows}
        self.withheld_names = {r["name_sha256"] for r in rows
                               if r["withheld"] and isinstance(r["name_sha256"], str)}

    def classify(self, host: str) -> dict | None:
        """The registry row for a host or its nearest registered parent domain."""
        labels = host.lower().rstrip(".").split(".")
        for i in range(len(labels) - 1):
            row = self.by_hash.get(sha256(".".join(labels[i:])))
            if row is not None:
                return row
        return None

    def hosts(self, text: str) -> list[Hit]:
        """Every classified host named in ``text`` (addresses and bare mentions)."""
        hits = []
        for match in HOST_RE.finditer(text):
            row = self.classify(match.group(1))
            if row is not None:
                domain = row["domain"] if isinstance(row["domain"], str) else "[withheld]"
                hits.append(Hit(match.group(1), domain,
                                str(row["kind"]), bool(row["withheld"]),
                                match.start(1), match.end(1)))
        return hits

    def withheld_words(self, text: str) -> list[tuple[int, int]]:
        """Spans of words that are a withheld host's short name."""
        if not self.withheld_names:
            return []
        cache: dict[str, bool] = {}
        spans = []
        for match in WORD_RE.finditer(text):
            word = match.group(0).lower()
            if word not in cache:
                cache[word] = sha256(word) in self.withheld_names
            if cache[word]:
                spans.append(match.span())
        return spans

    def problems(self, text: str) -> list[str]:
        """What in ``text`` learners must not receive: X hosts and the withheld host's names."""
        found = [f"{h.host} (kind {h.kind})" if not h.withheld else "a withheld host"
                 for h in self.hosts(text) if h.forbidden]
        found += ["the withheld host's name"] * len(self.withheld_words(text))
        return found


@lru_cache(maxsize=4)
def _registry(path: str, mtime_ns: int) -> Registry:
    frame = data.load("canonical_citations", Path(path).parent)
    return Registry(frame.to_dict("records"))


def registry(root: Path | None = None) -> Registry:
    """The host registry of a data folder (default: the course's instructors' data)."""
    folder = root or data.data_dir()
    path = folder / "canonical_citations.csv"
    return _registry(str(path), path.stat().st_mtime_ns)


def scrub(text: str, reg: Registry, replacement: str = "[copy withheld]") -> str:
    """``text`` with every forbidden host's address (or bare mention) replaced."""
    spans: list[tuple[int, int]] = []
    urls = [(m.start(), m.end()) for m in URL_RE.finditer(text)]
    for hit in reg.hosts(text):
        if not hit.forbidden:
            continue
        whole = next(((s, e) for s, e in urls if s <= hit.start < e), (hit.start, hit.end))
        spans.append(whole)
    spans += reg.withheld_words(text)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], replacement]
        last = end
    out.append(text[last:])
    return "".join(out)
