"""Write the learner edition of the data package (for the student bundle and a hub's mount).

The instructors' ``data/`` is a byte-for-byte copy of the brief, so its ``source_url`` columns,
notes and ``SOURCES.md`` name the scrapers and odd hosts a figure was read on. The brief's rule 7
says those hosts (kind X in ``canonical_citations.csv``) never reach learners. The learner
edition is the same package with every such address, and any mention of the withheld host,
replaced by ``[copy withheld]``, the instructors-only tables left out, and ``datapackage.json``
rewritten to match (hashes, byte and row counts of the files that changed). Figures, flags
and citations are untouched, so lessons load exactly the same values.

Usage: ``python -m negotiation_course.instructor.learner_data DEST [--source DATA]``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

from .. import data
from .hosts import Registry, registry, scrub

REPLACEMENT = "[copy withheld]"
EDITION_NOTE = (
    " Learner edition: every address of a host the course never shows learners (a scraper, "
    "content farm or odd host, kind X in the instructors' canonical citations) is replaced by "
    f"'{REPLACEMENT}'; the figures, flags and citations are those of the instructors' copy. "
    "Cite figures with data.cite(), which names the original publications.")
TEXT_SUFFIXES = (".md", ".txt")


def _scrub_csv(text: str, reg: Registry) -> str:
    """A CSV file with every cell scrubbed; unchanged text is returned as it was."""
    if not reg.problems(text):
        return text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([scrub(cell, reg, REPLACEMENT) for cell in row])
    return out.getvalue()


def _scrub_json(value: Any, reg: Registry) -> Any:
    if isinstance(value, str):
        return scrub(value, reg, REPLACEMENT)
    if isinstance(value, list):
        return [_scrub_json(v, reg) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, reg) for k, v in value.items()}
    return value


def _descriptor(descriptor: dict[str, Any], dest: Path, reg: Registry) -> dict[str, Any]:
    """The learner edition's descriptor: public resources only, stats of the written files."""
    out = dict(descriptor)
    resources = []
    for resource in descriptor["resources"]:
        if resource.get("instructors_only"):
            continue
        resource = dict(resource)
        # a source entry that is a forbidden address carries nothing else: drop it
        resource["sources"] = [s for s in resource.get("sources", [])
                               if not reg.problems(json.dumps(s, ensure_ascii=False))
                               or "publisher" in s]
        raw = (dest / resource["path"]).read_bytes()
        resource["bytes"] = len(raw)
        resource["hash"] = "sha256:" + hashlib.sha256(raw).hexdigest()
        resources.append(resource)
    out["resources"] = resources
    out["description"] = descriptor["description"] + EDITION_NOTE
    out["edition"] = "learner"
    return _scrub_json(out, reg)


def write(dest: Path, source: Path | None = None) -> Path:
    """Write the learner edition of ``source`` (default: the course's data) into ``dest``."""
    source = (source or data.data_dir()).resolve()
    dest = Path(dest).resolve()
    if dest == source:
        raise SystemExit("the learner edition cannot overwrite the instructors' data")
    reg = registry(source)
    descriptor = json.loads((source / data.DESCRIPTOR).read_text(encoding="utf-8"))
    skipped = {r["path"] for r in descriptor["resources"] if r.get("instructors_only")}
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for item in sorted(source.iterdir()):
        if item.name in skipped or item.name == data.DESCRIPTOR or not item.is_file():
            continue
        if item.suffix not in (".csv", *TEXT_SUFFIXES):
            shutil.copy2(item, dest / item.name)
            continue
        text = item.read_bytes().decode("utf-8")  # no newline translation: stays byte-equal
        clean = _scrub_csv(text, reg) if item.suffix == ".csv" else scrub(text, reg, REPLACEMENT)
        (dest / item.name).write_bytes(clean.encode("utf-8"))
    learner = _descriptor(descriptor, dest, reg)
    (dest / data.DESCRIPTOR).write_text(json.dumps(learner, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--source", type=Path, default=None)
    args = parser.parse_args(argv)
    dest = write(args.dest, args.source)
    problems = data.validate(dest)
    print(f"learner edition written to {dest}: " + ("valid" if not problems else
                                                     f"{len(problems)} problem(s)"))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
