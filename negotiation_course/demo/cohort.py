"""A deterministic sample cohort of learners, written as nbgrader submissions.

Built from whatever assignments ``source/`` and ``release/`` hold, so new lessons join by
themselves. Every learner starts from the release notebook (what learners really get)
and fills answer cells the way a kind of learner would:

* ``complete``: the source solutions; ``late``: the same, submitted after the due date;
* ``alternative``: right answers written differently (0.8270 for 0.827, "B" for "b",
  choices in another order, a rounded computation), which must score full marks;
* ``partly-wrong``: every other answer wrong; ``blank``: the untouched release;
* ``missing-lesson``: one assignment never submitted;
* ``hostile-<case>``: one attack from :mod:`.hostile`, :mod:`.sandbox_cases` or
  :mod:`.web_cases` (lesson-00), blank elsewhere; the web ones have hostile names too.

Reflections get a short learner-written text ending in a commitment ("I will ..."); the
evaluation gets ratings. Learner ids are the folder names under ``submitted/``; names and
due dates go into the gradebook (``learners.csv`` is nbgrader's student-import format).

This is instructor tooling: it reads ``source/`` (the answer keys) to write submissions.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import random
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..grading.answer_key import Key, keys_in
from .hostile import CASES, answer_cells, test_cells
from .sandbox_cases import LIMIT_CASES, SANDBOX_CASES
from .web_cases import NAMES as HOSTILE_NAMES
from .web_cases import WEB_CASES

DUE = datetime(2026, 3, 15, 23, 59, tzinfo=UTC)
HOSTILE_ASSIGNMENT = "lesson-00-welcome"
FIRST = ["Amara", "Ben", "Carmen", "Dmitri", "Elena", "Farah", "Gabriel", "Hana", "Ines",
         "Jamal", "Keiko", "Luis", "Maya", "Nikhil", "Olga", "Priya", "Quentin", "Rosa",
         "Samuel", "Tamsin", "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoe", "Aisha",
         "Bruno", "Chloé", "Diego", "Esther", "Félix", "Grace", "Hugo", "Ilse", "Jonas",
         "Kofi", "Lena", "Mateo", "Noor"]
LAST = ["Adeyemi", "Brennan", "Castillo", "Dubois", "Eriksen", "Fujita", "García", "Haddad",
        "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Mensah", "Nakamura", "O'Connor",
        "Petrov", "Quinn", "Rahman", "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Xu",
        "Yilmaz", "Zimmermann", "Abara", "Bianchi", "Cohen", "Delgado", "Engel", "Fischer",
        "Gupta", "Hoffmann", "Iqbal", "Jovanović", "Kim", "Lopez", "Moreau", "Novak"]
REFLECTIONS = [
    "A client in logistics took the first offer because she feared seeming ungrateful. "
    "Knowing that asking is normal would have mattered most to her. I will open every "
    "offer-stage session by asking which parts of the offer are open to discussion.",
    "One client wanted a remote day more than money but never asked. Work/life balance was "
    "the benefit that fit. I will help clients list their non-salary priorities before "
    "they reply to an offer.",
    "A recent graduate I coached accepted on the spot. The long-run value of a higher start "
    "would have changed her mind. I will show clients a simple compounding example early.",
]
ORDINARY = (["complete"] * 6 + ["alternative"] * 4 + ["partly-wrong"] * 4 + ["blank"] * 2
            + ["missing-lesson"] * 3 + ["late"] * 3)


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str
    last_name: str
    kind: str
    email: str = ""


def cohort(size: str = "full", hostile: bool = True) -> list[Learner]:
    """The learners: 22 ordinary and one per hostile case ("small": 7 + 3, for tests)."""
    kinds = list(ORDINARY)
    if size == "small":
        kinds = ["complete", "complete", "alternative", "partly-wrong", "blank",
                 "missing-lesson", "late"]
    cases = [*CASES, *SANDBOX_CASES, *LIMIT_CASES, *WEB_CASES]
    if size == "small":
        cases = ["invalid-json", "print-history", "read-source", "reflection-event-handlers"]
    cases = [f"hostile-{c}" for c in cases] if hostile else []
    out = []
    web = [f"hostile-{c}" for c in WEB_CASES]
    for i, kind in enumerate(kinds + cases):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        if kind in web:  # names as hostile as the submissions (formulas, markup)
            first, last = HOSTILE_NAMES[web.index(kind) % len(HOSTILE_NAMES)]
        ident = f"{kind.split('-')[0][:4]}{i + 1:02d}" if not kind.startswith("hostile") \
            else kind.replace("hostile-", "h-")
        out.append(Learner(ident, first, last, kind,
                           f"{ident}@example.org"))
    return out


# --- filling in notebooks --------------------------------------------------------------

SOLUTION_RE = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?",
                         re.S | re.M)
RECORD_RE = re.compile(r"checks\.record\(\s*[\"']([^\"']+)[\"']\s*,\s*([A-Za-z_]\w*)\s*\)")
OPTIONS_RE = re.compile(r"checks\.choices?\(\s*([A-Za-z_]\w*).*?options=(\[[^\]]*\]|\w+)", re.S)


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _solutions(source_nb: NotebookNode) -> dict[str, str]:
    """Source of each answer cell with its solution regions kept (markers removed)."""
    out = {}
    for cell in source_nb.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            out[meta["grade_id"]] = SOLUTION_RE.sub(
                lambda m: m.group(1), _drop_stub_lines(cell.source))
    return out


def _drop_stub_lines(source: str) -> str:
    """Remove scaffold lines ``x = ...  # replace`` that the solution region redefines."""
    solved = set(re.findall(r"^\s*([A-Za-z_]\w*)\s*=",
                            "".join(SOLUTION_RE.findall(source)), re.M))
    return "\n".join(line for line in source.splitlines()
                     if not (re.match(r"^\s*([A-Za-z_]\w*)\s*=\s*\.\.\.", line)
                             and line.split("=")[0].strip() in solved)) + "\n"


def _keys_and_vars(source_nb: NotebookNode) -> list[tuple[Key, str, list[str]]]:
    """(key, variable recorded for it, options offered) for every simple recorded answer."""
    out = []
    for cell in test_cells(source_nb):
        recorded = dict(RECORD_RE.findall(cell.source))
        options: dict[str, list[str]] = {}
        for var, raw in OPTIONS_RE.findall(cell.source):
            if raw.startswith("["):
                options[var] = json.loads(raw.replace("'", '"'))
            else:
                found = re.search(rf"^{raw}\s*=\s*(\[[^\]]*\])", cell.source, re.M)
                options[var] = json.loads(found.group(1).replace("'", '"')) if found else []
        for key in keys_in(cell.source):
            if key.id in recorded:
                var = recorded[key.id]
                out.append((key, var, options.get(var, [])))
    return out


def _literal(key: Key, style: str, rng: random.Random) -> str:
    """A right answer, written as a learner might."""
    if key.kind == "number":
        value = key.expected
        decimals = max(0, len(repr(float(value)).split(".")[1].rstrip("0")))
        return f"{value:.{decimals + 1}f}" if style == "format" else repr(value)
    if key.kind == "text":
        return repr(f" {key.expected[0].upper()} " if style == "format" else key.expected[0])
    return repr([v.upper() for v in reversed(key.expected)])


def _wrong(key: Key, options: list[str]) -> str:
    if key.kind == "number":
        return repr(round(key.expected * 1.37 + 1, 3))
    if key.kind == "text":
        others = [o for o in options if o.casefold() != key.expected[0].casefold()]
        return repr(others[0] if others else "not sure")
    others = [o for o in options if o not in key.expected]
    return repr(others[:1] or ["none"])


def fill(source_nb: NotebookNode, release_nb: NotebookNode, kind: str, rng: random.Random,
         reflection: str) -> NotebookNode:
    """The release notebook answered the way ``kind`` of learner would."""
    nb = copy.deepcopy(release_nb)
    if kind == "blank":
        return nb
    solutions = _solutions(source_nb)
    keyed = _keys_and_vars(source_nb)
    overrides: list[str] = []
    for i, (key, var, options) in enumerate(keyed):
        if kind == "alternative":
            overrides.append(f"{var} = {_literal(key, rng.choice(['format', 'plain']), rng)}")
        elif kind == "partly-wrong" and i % 2 == 1:
            overrides.append(f"{var} = {_wrong(key, options)}")
    for cell in answer_cells(nb):
        grade_id = _meta(cell)["grade_id"]
        if grade_id in solutions:
            cell.source = solutions[grade_id].rstrip("\n")
            mine = [o for o in overrides if re.search(
                rf"^\s*{re.escape(o.split(' =')[0])}\s*=", cell.source, re.M)]
            if mine:
                cell.source += "\n" + "\n".join(mine)
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            cell.source = reflection
        elif cell.cell_type == "code" and not meta:
            cell.source = _fill_form(cell.source, rng)
    return nb


def _fill_form(source: str, rng: random.Random) -> str:
    """Evaluation-style cells: ``rating_x = ...`` gets 3-5, hours a number, text a comment.

    ``minutes_<part> = ...`` gets the part's declared minutes times 0.7 to 1.8, to the
    nearest 5: generated demo answers, never pilot evidence.
    """
    from ..evaluation import declared_minutes

    declared = declared_minutes()

    def number(m: re.Match) -> str:
        name = m.group(1)
        if name.startswith("rating"):
            value = rng.randint(3, 5)
        elif name in declared:
            value = max(5, 5 * round(declared[name] * rng.uniform(0.7, 1.8) / 5))
        else:
            value = round(rng.uniform(4, 9), 1)
        return f"{name} = {value}"
    source = re.sub(r"^([A-Za-z_]\w*) = \.\.\.", number, source, flags=re.M)
    comment = r'\1 = """Clear lessons; more practice data, please."""'
    return re.sub(r'^(comments) = """\n\s*\n"""', comment, source, flags=re.M)


# --- writing the course directory ------------------------------------------------------

def source_digest(repo: Path) -> str:
    """A hash of source/, release/ and the config: the cohort is stale when it changes."""
    digest = hashlib.sha256()
    for folder in ("source", "release"):
        for path in sorted((repo / folder).rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                digest.update(str(path.relative_to(repo)).encode())
                digest.update(path.read_bytes())
    for name in ("nbgrader_config.py", "course.toml"):
        if (repo / name).exists():
            digest.update((repo / name).read_bytes())
    return digest.hexdigest()


def make_course_dir(repo: Path, dest: Path, only: tuple[str, ...] | None = None) -> None:
    """A fresh course directory: the repo's nbgrader config, course.toml, source/, release/.

    ``only`` limits the assignments copied (tests use one or two to stay quick).
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("nbgrader_config.py", "course.toml"):
        if (repo / name).exists():
            shutil.copy2(repo / name, dest / name)
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("source", "release"):
        for path in sorted((repo / folder).iterdir()):
            if path.is_dir() and (only is None or path.name in only):
                shutil.copytree(path, dest / folder / path.name, ignore=skip)


def _timestamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def write_submissions(course_dir: Path, learners: list[Learner], seed: int = 2026) -> None:
    """Write ``submitted/<learner>/<assignment>/`` for every learner (deterministic)."""
    names = sorted(p.name for p in (course_dir / "source").iterdir()
                   if p.is_dir() and any(p.glob("*.ipynb")))
    for n, learner in enumerate(learners):
        rng = random.Random(f"{seed}-{learner.id}")
        skip = names[-1 - (n % min(3, len(names)))] if learner.kind == "missing-lesson" else ""
        for assignment in names:
            if assignment == skip:
                continue
            for src_path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
                rel_path = course_dir / "release" / assignment / src_path.name
                source_nb = nbformat.read(src_path, as_version=4)
                release_nb = nbformat.read(rel_path, as_version=4)
                folder = course_dir / "submitted" / learner.id / assignment
                folder.mkdir(parents=True, exist_ok=True)
                data = _submission(learner, assignment, source_nb, release_nb, rng)
                (folder / src_path.name).write_bytes(data)
                late = learner.kind == "late"
                when = DUE - timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
                if late:
                    when = DUE + timedelta(days=2, hours=rng.randint(1, 20))
                (folder / "timestamp.txt").write_text(_timestamp(when))


def _submission(learner: Learner, assignment: str, source_nb: NotebookNode,
                release_nb: NotebookNode, rng: random.Random) -> bytes:
    if learner.kind.startswith("hostile-"):
        if assignment != HOSTILE_ASSIGNMENT:
            return nbformat.writes(release_nb).encode()
        case = learner.kind.removeprefix("hostile-")
        make = (CASES.get(case) or SANDBOX_CASES.get(case) or LIMIT_CASES.get(case)
                or WEB_CASES[case])
        return _stable_ids(make(source_nb, release_nb))
    kind = "complete" if learner.kind in ("late", "missing-lesson") else learner.kind
    nb = fill(source_nb, release_nb, kind, rng, rng.choice(REFLECTIONS))
    return nbformat.writes(nb).encode()


def _stable_ids(data: bytes) -> bytes:
    """New cells get random ids from nbformat; give them fixed ones (same cohort every run)."""
    try:
        nb = nbformat.reads(data.decode(), as_version=4)
    except Exception:  # the invalid-notebook case stays byte for byte as made
        return data
    for i, cell in enumerate(nb.cells):
        if not re.fullmatch(r"cell-\d{3}(-copy)?", cell.get("id", "")):
            cell["id"] = f"learner-{i:03d}"
    return nbformat.writes(nb).encode()


def write_learners_csv(learners: list[Learner], path: Path) -> None:
    """nbgrader's student-import format (``nbgrader db student import``)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "first_name", "last_name", "email", "kind"])
        for lr in learners:
            writer.writerow([lr.id, lr.first_name, lr.last_name, lr.email, lr.kind])


def register_in_gradebook(course_dir: Path, learners: list[Learner], db_url: str,
                          course_id: str) -> None:
    """Learners' names and every assignment's due date, in the gradebook."""
    from nbgrader.api import Gradebook

    names = sorted(p.name for p in (course_dir / "source").iterdir() if p.is_dir())
    with Gradebook(db_url, course_id) as gb:
        for assignment in names:
            gb.update_or_create_assignment(assignment, duedate=DUE.replace(tzinfo=None))
        for lr in learners:
            gb.update_or_create_student(lr.id, first_name=lr.first_name,
                                        last_name=lr.last_name, email=lr.email)


def generate(repo: Path, dest: Path, size: str = "full", hostile: bool = True) -> list[Learner]:
    """Build ``dest`` as a course directory with a cohort's submissions; return the learners.

    Regenerated from scratch (the old directory, gradebook included, is removed) so the
    cohort always matches the current lessons.
    """
    from ..grading.config import db_url_of
    from ..instructor.nbgrader_cli import ensure_venv_on_path

    ensure_venv_on_path()
    make_course_dir(repo, dest)
    learners = cohort(size, hostile)
    write_submissions(dest, learners)
    write_learners_csv(learners, dest / "learners.csv")
    register_in_gradebook(dest, learners, db_url_of(dest), _course_id(dest))
    (dest / ".cohort-source.sha256").write_text(source_digest(repo) + "\n")
    return learners


def _course_id(course_dir: Path) -> str:
    from ..grading.config import load_config

    return load_config(course_dir).CourseDirectory.get("course_id") or "default_course"


def main() -> None:
    import argparse

    from negotiation_course.paths import COURSE_ROOT

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=COURSE_ROOT / "build" / "demo")
    parser.add_argument("--size", choices=["full", "small"], default="full")
    parser.add_argument("--no-hostile", action="store_true")
    args = parser.parse_args()
    learners = generate(COURSE_ROOT, args.dest.resolve(), args.size, not args.no_hostile)
    print(f"{len(learners)} learners written to {args.dest / 'submitted'}")


if __name__ == "__main__":
    main()
