"""Load the course's published statistics, cite them, and check the data package.

Every lesson and analysis reads data through :func:`load`, so a table has the same columns and
dtypes everywhere (notebook, grader, researcher's script) whatever the working directory. The
column types come from ``datapackage.json`` (the Frictionless schema beside the CSV files), not
from lists in this module: ``integer`` columns load as nullable ``Int64``, ``number`` as
``float64``, ``boolean`` as nullable ``boolean``, ``date`` as ``datetime64``, string columns with
an ``enum`` constraint as ``category`` (categories in the schema's order) and other strings as
``str``. Empty cells are missing values (never zero).

Row numbers in error messages count as a spreadsheet does: the header is row 1, so the first
data row is row 2.
"""

from __future__ import annotations

import copy
import csv
import datetime as _dt
import difflib
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from negotiation_course import citations
from negotiation_course.paths import data_dir

DESCRIPTOR = "datapackage.json"

__all__ = [
    "DataError",
    "DataFileError",
    "MissingDataFileError",
    "UnknownTableError",
    "cite",
    "describe",
    "load",
    "names",
    "oews_range",
    "publications",
    "references",
    "validate",
]


class DataError(Exception):
    """Base class of the data package's errors."""


class UnknownTableError(DataError, KeyError, ValueError):
    """A table name that is not in the package; the message lists the available names."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class DataFileError(DataError, ValueError):
    """A data file (or ``datapackage.json``) that cannot be read as its schema says."""


class MissingDataFileError(DataFileError, FileNotFoundError):
    """A data file (or ``datapackage.json``) that is not there."""


# ---------------------------------------------------------------------------------------------
# The package descriptor (parsed once per directory and file version)


@lru_cache(maxsize=8)
def _read_descriptor(path: str, mtime_ns: int) -> dict[str, Any]:
    """Parse ``datapackage.json`` once; the mtime in the key refreshes it after an edit."""
    try:
        descriptor = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read the data package descriptor: {exc}") from exc
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        raise DataFileError(f"{path}: the descriptor has no 'resources' list")
    by_name = {r["name"]: r for r in resources}
    # "version": stands for this parse of the descriptor in the keys of loaded tables
    return {"descriptor": descriptor, "by_name": by_name, "plans": {}, "version": object()}


def _package(root: Path | None = None) -> dict[str, Any]:
    path = (root or data_dir()) / DESCRIPTOR
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise MissingDataFileError(
            f"{path}: the data package descriptor is missing (is NEGOTIATION_COURSE_DATA "
            "pointing at the course's data folder?)"
        ) from None
    return _read_descriptor(str(path), mtime)


def _resource(name: str, root: Path | None = None) -> dict[str, Any]:
    by_name = _package(root)["by_name"]
    if name in by_name:
        return by_name[name]
    available = sorted(by_name)
    close = difflib.get_close_matches(str(name), available, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownTableError(
        f"There is no data table named {name!r}.{hint} Available tables: " + ", ".join(available)
    )


def names(root: Path | None = None) -> list[str]:
    """The table names :func:`load` accepts, in the package's order."""
    return list(_package(root)["by_name"])


def cite(name: str, rows: pd.DataFrame | None = None, *, root: Path | None = None) -> str:
    """The one-line source printed under a figure, e.g. ``Source: U.S. Census Bureau, ...``.

    It names the original publications (from ``publications.csv``), never the copy a figure
    was read from, and says "as reported by" for figures seen only in news or an
    organisation's report. Pass the ``rows`` a figure shows (a slice of ``load(name)``) to cite
    only their publications: one Pew edition, one SHED year.
    """
    resource = _resource(name, root)
    spec = resource.get("learner_citation")
    if rows is None or not spec:
        return str(resource["citation"])
    return citations.source_line(spec, publications(root), rows)


def publications(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """The publications learners are shown (``publications.csv``), keyed by id."""
    path = (root or data_dir()) / "publications.csv"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise MissingDataFileError(f"{path}: the publications table is missing") from None
    return _publications(str(path), mtime, str(root) if root else "")


@lru_cache(maxsize=4)
def _publications(path: str, mtime_ns: int, root: str) -> dict[str, dict[str, Any]]:
    frame = load("publications", Path(root) if root else None)
    return citations.by_id(frame.to_dict("records"))


def references(name: str, root: Path | None = None) -> list[str]:
    """Reference-list entries (Markdown) for every publication a table's citation names."""
    spec = _resource(name, root).get("learner_citation") or {}
    pubs = publications(root)
    return [citations.reference(pubs[i]) for i in citations.publication_ids(spec)]


def describe(name: str, root: Path | None = None) -> dict[str, Any]:
    """A copy of the table's metadata (title, description, sources, licences, schema)."""
    return copy.deepcopy(_resource(name, root))


# ---------------------------------------------------------------------------------------------
# Cell parsers, one per schema type. Each returns (column, first bad index or None).

_INT_RE = re.compile(r"[+-]?\d+")
_NUM_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = ("true", "True", "TRUE", "1")  # frictionless's defaults
_FALSE = ("false", "False", "FALSE", "0")

Column = Any
Parser = Callable[[list[str]], tuple[Column, int | None]]


def _parse_integer(cells: list[str]) -> tuple[Column, int | None]:
    out: list[int | None] = []
    for i, cell in enumerate(cells):
        if cell == "":
            out.append(None)
        elif _INT_RE.fullmatch(cell):
            out.append(int(cell))
        else:
            return None, i
    return pd.array(out, dtype="Int64"), None


def _parse_number(cells: list[str]) -> tuple[Column, int | None]:
    out = np.empty(len(cells), dtype="float64")
    for i, cell in enumerate(cells):
        if cell == "":
            out[i] = np.nan
        elif _NUM_RE.fullmatch(cell):
            out[i] = float(cell)
        else:
            return None, i
    return out, None


def _boolean_parser(field: dict[str, Any]) -> Parser:
    true_values = tuple(field.get("trueValues", _TRUE))
    false_values = tuple(field.get("falseValues", _FALSE))

    def parse(cells: list[str]) -> tuple[Column, int | None]:
        out: list[bool | None] = []
        for i, cell in enumerate(cells):
            if cell == "":
                out.append(None)
            elif cell in true_values:
                out.append(True)
            elif cell in false_values:
                out.append(False)
            else:
                return None, i
        return pd.array(out, dtype="boolean"), None

    return parse


def _parse_date(cells: list[str]) -> tuple[Column, int | None]:
    out: list[_dt.date | None] = []
    for i, cell in enumerate(cells):
        if cell == "":
            out.append(None)
            continue
        try:
            if not _DATE_RE.fullmatch(cell):
                raise ValueError(cell)
            out.append(_dt.date.fromisoformat(cell))
        except ValueError:
            return None, i
    return pd.to_datetime(pd.Series(out, dtype=object)).to_numpy(), None


def _category_parser(categories: Sequence[str]) -> Parser:
    allowed = frozenset(categories)
    dtype = pd.CategoricalDtype(list(categories))

    def parse(cells: list[str]) -> tuple[Column, int | None]:
        for i, cell in enumerate(cells):
            if cell != "" and cell not in allowed:
                return None, i
        return pd.Categorical([c if c != "" else None for c in cells], dtype=dtype), None

    return parse


def _parse_string(cells: list[str]) -> tuple[Column, int | None]:
    return pd.array([c if c != "" else None for c in cells], dtype="str"), None


_EXPECTED = {
    "integer": "a whole number",
    "number": "a number (digits, optional decimal point, no separators or % sign)",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
}


Step = tuple[str, Parser, str, dict[str, Any]]


def _build_plan(resource: dict[str, Any]) -> tuple[Step, ...]:
    """The per-column parsers of a table, from its schema."""
    steps = []
    for field in resource["schema"]["fields"]:
        kind = field.get("type", "string")
        enum = field.get("constraints", {}).get("enum")
        if kind == "integer":
            parser: Parser = _parse_integer
        elif kind == "number":
            parser = _parse_number
        elif kind == "boolean":
            parser = _boolean_parser(field)
        elif kind == "date":
            parser = _parse_date
        elif kind == "string" and enum:
            parser = _category_parser(enum)
        elif kind == "string":
            parser = _parse_string
        else:
            raise DataFileError(
                f"{resource['path']}: field '{field['name']}' has type {kind!r}, which the course "
                "loader does not handle"
            )
        expected = _EXPECTED.get(kind) or ("one of: " + ", ".join(map(str, enum)) if enum else "")
        steps.append((field["name"], parser, expected, field.get("constraints", {})))
    return tuple(steps)


def _steps(name: str, package: dict[str, Any]) -> tuple[Step, ...]:
    """The table's parsers, built on first use and kept with the cached descriptor."""
    plans = package["plans"]
    if name not in plans:
        plans[name] = _build_plan(package["by_name"][name])
    return plans[name]


# ---------------------------------------------------------------------------------------------
# Loading


def _text(path: Path) -> str:
    """A data file's text, with errors that name the file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MissingDataFileError(f"{path}: the data file is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read the file as UTF-8 text: {exc}") from exc


def _rows(path: Path, text: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file's text, with errors that name the file and row."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataFileError(f"{path}: not a readable CSV file: {exc}") from exc
    if not rows:
        raise DataFileError(f"{path}: the file is empty (no header row)")
    return rows[0], rows[1:]


def _check_constraints(path: Path, row: int, col: str, cells: list[str], column: Column,
                       constraints: dict[str, Any]) -> None:
    if constraints.get("required"):
        for i, cell in enumerate(cells):
            if cell == "":
                raise DataFileError(
                    f"{path}: row {i + row}, field '{col}': the cell is empty but this field is "
                    "required"
                )
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is None and high is None:
        return
    values = pd.Series(column)
    bad = pd.Series(False, index=values.index, dtype="boolean")
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    flags = bad.fillna(False).to_numpy(dtype=bool)
    if flags.any():
        i = int(np.flatnonzero(flags)[0])
        raise DataFileError(
            f"{path}: row {i + row}, field '{col}': value {cells[i]!r} is outside the allowed "
            f"range [{low}, {high}]"
        )


def load(name: str, root: Path | None = None) -> pd.DataFrame:
    """One table of the data package as a DataFrame with the dtypes its schema declares.

    ``name`` is the CSV file's stem (see :func:`names`). ``root`` overrides the data folder
    (default: :func:`negotiation_course.paths.data_dir`, which honours
    ``NEGOTIATION_COURSE_DATA``). A wrong name raises :class:`UnknownTableError` listing the
    available names; a missing file :class:`MissingDataFileError`; a file that does not match its
    schema :class:`DataFileError` naming the file, the row (header = row 1) and the field.
    ``df.attrs`` carries the table name and its citation.
    """
    package = _package(root)
    resource = _resource(name, root)
    path = (root or data_dir()) / resource["path"]
    text = _text(path)
    key = (name, str(path), text, package["version"])
    frame = _PARSED.get(key)
    if frame is None:
        frame = _parse(name, path, text, package, resource)
        while len(_PARSED) >= 64:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = frame
    return frame.copy(deep=True)  # each caller its own (a learner may change it)


#: Tables parsed and checked, by (name, file, its text, descriptor version). Why: grading
#: loads the same tables in every kernel; the grading kernels' image parses them once for
#: all of its kernels. The file is still read on every load, so an edit is seen at once.
_PARSED: dict[tuple, pd.DataFrame] = {}


def _parse(name: str, path: Path, text: str, package: dict[str, Any],
           resource: dict[str, Any]) -> pd.DataFrame:
    header, rows = _rows(path, text)
    steps = _steps(name, package)
    expected = [step[0] for step in steps]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = []
        if missing:
            detail.append("missing column(s) " + ", ".join(repr(c) for c in missing))
        if extra:
            detail.append("unexpected column(s) " + ", ".join(repr(c) for c in extra))
        if not detail:
            detail.append("the columns are in a different order")
        raise DataFileError(
            f"{path}: row 1 (header) does not match the schema in {DESCRIPTOR}: "
            + "; ".join(detail)
            + ". Expected: "
            + ", ".join(expected)
        )
    width = len(header)
    for i, row in enumerate(rows):
        if len(row) != width:
            what = "is blank" if not any(row) else f"has {len(row)} cells, the header has {width}"
            raise DataFileError(f"{path}: row {i + 2} {what}")
    columns: dict[str, Column] = {}
    for j, (col, parser, wanted, constraints) in enumerate(steps):
        cells = [row[j] for row in rows]
        column, bad = parser(cells)
        if bad is not None:
            raise DataFileError(
                f"{path}: row {bad + 2}, field '{col}': cannot read {cells[bad]!r} as {wanted}"
            )
        _check_constraints(path, 2, col, cells, column, constraints)
        columns[col] = column
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    frame.attrs["table"] = name
    frame.attrs["citation"] = resource["citation"]
    return frame


OEWS_PERCENTILES = ("a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90")


def oews_range(soc_code: str, *, release: str = "May 2025", area_code: str = "99",
               root: Path | None = None) -> pd.Series:
    """One occupation's BLS OEWS annual wage row (percentiles, mean, flag, citation).

    ``area_code`` "99" is the national estimate; the metro rows have their MSA code. The
    row keeps its ``flag`` (P* for the national file, S for the metro rows: see
    data/README.md), because a coach must say how firm a figure is when quoting it.
    A code, release or area the table does not have raises a ``KeyError`` listing what
    it does have.
    """
    table = load("bls_oews_wages", root)
    rows = table[(table["soc_code"] == soc_code) & (table["release"] == release)
                 & (table["area_code"] == area_code)]
    if len(rows) != 1:
        have = table.loc[table["release"] == release, ["soc_code", "area_code"]]
        choices = ", ".join(sorted({f"{s} (area {a})" for s, a in have.itertuples(index=False)}))
        raise KeyError(f"no OEWS row for SOC {soc_code!r}, {release}, area {area_code!r}; "
                       f"{release} has: {choices or 'nothing'}")
    row = rows.iloc[0].copy()
    row.attrs["citation"] = str(row["citation"])
    return row


# ---------------------------------------------------------------------------------------------
# Whole-package validation with the frictionless library


def _describe_error(error: Any, where: str) -> str:
    """One frictionless error as 'file: row N, field F: title: note (cell ...)'."""
    parts = [where]
    row = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None)
    if row:
        parts.append(f"row {row}")
    if field:
        parts.append(f"field '{field}'")
    text = f"{error.title}: {error.note}" if getattr(error, "note", "") else error.message
    if error.type in ("hash-count", "byte-count"):
        text += f" (the file differs from the copy recorded in {DESCRIPTOR})"
    cell = getattr(error, "cell", None)
    if cell not in (None, ""):
        text += f" (cell {cell!r})"
    return ", ".join(parts) + ": " + text


def validate(root: Path | None = None) -> list[str]:
    """Check the whole package with ``frictionless``; returns problems, [] when all is well.

    Checks the descriptor, then every file against its schema (types, required cells, enums,
    ranges), its recorded SHA-256 hash, byte count and row count. Each message names the file,
    the row (header = row 1) and the field where there is one. Slower than :func:`load`
    (about a second): for tests and for checking a hub's copy, not for notebooks.
    """
    from frictionless import FrictionlessException, Package

    folder = root or data_dir()
    path = folder / DESCRIPTOR
    if not path.exists():
        return [f"{path}: the data package descriptor is missing"]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path}: cannot read the data package descriptor: {exc}"]
    try:
        problems = [_describe_error(e, str(path)) for e in Package.metadata_validate(descriptor)]
    except FrictionlessException as exc:
        problems = [f"{path}: {exc.error.message}"]
    if problems:
        return problems
    report = Package(str(path)).validate()
    by_name = {r["name"]: r for r in descriptor["resources"]}
    for task in report.tasks:
        where = str(folder / by_name.get(task.name, {}).get("path", task.place))
        problems.extend(_describe_error(e, where) for e in task.errors)
    problems.extend(_describe_error(e, str(path)) for e in report.errors)
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m negotiation_course.data``: validate the package and print the result."""
    problems = validate()
    for problem in problems:
        print(problem)
    print(f"{data_dir()}: " + ("valid" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
