"""``make reproduce``: rerun every analysis in ``notebooks/`` and write the reproduction report.

Researchers must see each published figure beside the value the course computes from
``data/``, the tolerance and a verdict, with the assumptions that explain any difference.
So each notebook emits its checks with :func:`report_row` (a JSON record under a custom
MIME type, stored in the executed notebook's outputs); this module executes the notebooks
with nbclient, collects those records, recomputes every verdict itself (it never trusts a
status a notebook printed) and writes ``build/reproduce/report.csv`` and ``report.md``.

The run fails (exit status 1) on a difference nobody explained, on a notebook that does not
execute to the end (the report names the notebook and the cell), and on a notebook that
emits no checks at all.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..paths import COURSE_ROOT, build_dir

#: MIME type of one check record in a notebook's outputs.
MIME_TYPE = "application/vnd.negotiation-course.check+json"
#: Environment variable naming the folder :func:`save_figure` writes PNG and SVG files to.
FIGURES_ENV = "NEGOTIATION_COURSE_FIGURES"
#: Seconds one cell may run before the notebook counts as failed.
CELL_TIMEOUT = 300

NOTEBOOKS_DIR = COURSE_ROOT / "notebooks"
REPORT_COLUMNS = ("notebook", "figure_id", "publisher", "description", "published", "ours",
                  "tolerance", "status", "method")


# --- one check ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One published figure beside ours.

    ``explanation`` states the assumptions that account for a difference (it turns an
    otherwise failing ``differs`` into an explained one); ``not_run`` says why the check
    could not be made here (no network, no data). ``method`` says how ``ours`` was obtained
    (recomputed from which table, or only read back from ``data/``).
    """

    figure_id: str
    publisher: str
    published: float | None
    ours: float | None
    tolerance: float
    description: str = ""
    method: str = ""
    explanation: str = ""
    not_run: str = ""
    notebook: str = ""

    @property
    def status(self) -> str:
        return verdict(self)

    def row(self) -> dict[str, Any]:
        """The report row (CSV / Markdown) of this check."""
        return {"notebook": self.notebook, "figure_id": self.figure_id,
                "publisher": self.publisher, "description": self.description,
                "published": _fmt(self.published), "ours": _fmt(self.ours),
                "tolerance": _fmt(self.tolerance), "status": self.status,
                "method": self.method}


UNEXPLAINED = "differs (unexplained)"


def verdict(check: Check) -> str:
    """``match``, ``differs: <explanation>``, ``differs (unexplained)`` or ``not run: <why>``."""
    if check.not_run.strip():
        return f"not run: {check.not_run.strip()}"
    if not _is_number(check.published) or not _is_number(check.ours):
        return _differs(check)
    gap = abs(float(check.ours) - float(check.published))
    # a relative epsilon so that 0.827 vs 0.8275 at tolerance 0.0005 is not lost to float noise
    if gap <= check.tolerance + 1e-9 * max(1.0, abs(float(check.published))):
        return "match"
    return _differs(check)


def _differs(check: Check) -> str:
    return f"differs: {check.explanation.strip()}" if check.explanation.strip() else UNEXPLAINED


def is_failure(status: str) -> bool:
    """True for a verdict that must fail the run (an unexplained difference or a failure)."""
    return status == UNEXPLAINED or status.startswith("failed")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _fmt(value: float | None) -> str:
    """Dollars to the cent, ratios to six significant digits, whole numbers without '.0'."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 100:
        return f"{value:.2f}"
    return f"{value:.6g}"


# --- the notebook side -------------------------------------------------------------------

def report_row(figure_id: str, publisher: str, published: float | None, ours: float | None,
               tolerance: float, *, description: str = "", method: str = "",
               explanation: str = "", not_run: str = "") -> Check:
    """Emit one check from a notebook: a JSON record for the report, a readable line for you."""
    check = Check(figure_id=figure_id, publisher=publisher,
                  published=_plain(published), ours=_plain(ours), tolerance=float(tolerance),
                  description=description, method=method, explanation=explanation,
                  not_run=not_run)
    try:
        from IPython.display import display
    except ImportError:  # plain Python: just print
        print(_plain_text(check))
        return check
    record = {k: v for k, v in asdict(check).items() if k != "notebook"}
    display({MIME_TYPE: record, "text/plain": _plain_text(check)}, raw=True)
    return check


def _plain(value: Any) -> float | None:
    """numpy and pandas scalars as plain floats (JSON cannot hold them); missing as None."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _plain_text(check: Check) -> str:
    mark = "FAIL" if is_failure(check.status) else "ok"
    return (f"[{mark}] {check.figure_id} ({check.publisher}): published {_fmt(check.published)}"
            f", ours {_fmt(check.ours)}, tolerance {_fmt(check.tolerance)} -> {check.status}")


def save_figure(fig: Any, figure_id: str) -> Path | None:
    """Save a matplotlib figure as PNG and SVG when run by ``make reproduce``.

    The folder comes from ``$NEGOTIATION_COURSE_FIGURES`` (set by :func:`run_notebook`);
    run by hand in Jupyter the figure is only shown, so nothing is written beside the notebook.
    """
    folder = os.environ.get(FIGURES_ENV)
    if not folder:
        return None
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for ext in ("png", "svg"):
        fig.savefig(out / f"{figure_id}.{ext}", bbox_inches="tight", dpi=150)
    return out / f"{figure_id}.png"


# --- running notebooks -------------------------------------------------------------------

@dataclass
class NotebookResult:
    """What one notebook run produced: its checks, or where it failed."""

    name: str
    checks: list[Check] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return bool(self.error)


def collect_checks(nb: Any, notebook: str) -> list[Check]:
    """The check records a (executed) notebook's outputs hold, in cell order."""
    names = {f.name for f in fields(Check)}
    checks = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            record = (output.get("data") or {}).get(MIME_TYPE)
            if record is None:
                continue
            kwargs = {"figure_id": "(malformed record)", "publisher": "", "published": None,
                      "ours": None, "tolerance": 0.0}  # a broken record fails, never passes
            kwargs.update({k: v for k, v in dict(record).items() if k in names})
            kwargs["notebook"] = notebook
            checks.append(Check(**kwargs))
    return checks


def _cell_summary(nb: Any, index: int | None) -> str:
    if index is None:
        return "before the first cell"
    source = nb.cells[index].source.strip().splitlines()
    first = source[0][:60] if source else ""
    return f"cell {index + 1} (`{first}`)"


def run_notebook(path: Path, out_dir: Path, timeout: int = CELL_TIMEOUT) -> NotebookResult:
    """Execute one notebook into ``out_dir`` and collect its checks; never raises on failure."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    result = NotebookResult(name=path.name)
    current: dict[str, int | None] = {"cell": None}

    def on_cell_start(cell: Any, cell_index: int) -> None:
        current["cell"] = cell_index

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_start=on_cell_start,
                            # the kernel's own log (a TCP notice on every start) is noise here
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    env = dict(os.environ, **{FIGURES_ENV: str(out_dir / "figures"), "MPLBACKEND": "Agg"})
    start = time.perf_counter()
    try:
        client.execute(env=env)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a report row, not a crash
        detail = getattr(exc, "ename", "") or type(exc).__name__
        evalue = getattr(exc, "evalue", "") or str(exc).strip().splitlines()[-1:] or [""]
        evalue = evalue if isinstance(evalue, str) else evalue[0]
        result.error = (f"{path.name} failed at {_cell_summary(nb, current['cell'])}: "
                        f"{detail}: {evalue}")
    result.seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    result.checks = collect_checks(nb, path.name)
    if not result.failed and not result.checks:
        result.error = f"{path.name} ran but emitted no checks (call report_row)"
    return result


def notebooks_in(folder: Path) -> list[Path]:
    """The analysis notebooks, in name order (checkpoints skipped)."""
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def _clean(out_dir: Path) -> None:
    """Remove what an earlier run wrote, so the report never shows a stale figure."""
    if (out_dir / "figures").is_dir():
        shutil.rmtree(out_dir / "figures")
    for stale in [*out_dir.glob("*.ipynb"), out_dir / "report.csv", out_dir / "report.md"]:
        stale.unlink(missing_ok=True)


# --- the report --------------------------------------------------------------------------

@dataclass
class Report:
    """Everything one ``make reproduce`` run found."""

    results: list[NotebookResult]

    @property
    def checks(self) -> list[Check]:
        return [c for r in self.results for c in r.checks]

    def rows(self) -> list[dict[str, Any]]:
        rows = [c.row() for c in self.checks]
        for r in self.results:
            if r.failed:
                rows.append({"notebook": r.name, "figure_id": "(notebook)", "publisher": "",
                             "description": "", "published": "", "ours": "", "tolerance": "",
                             "status": f"failed: {r.error}", "method": ""})
        return rows

    @property
    def problems(self) -> list[str]:
        """Why the run fails: unexplained differences and notebook failures."""
        out = [f"{c.notebook}: {c.figure_id}: published {_fmt(c.published)}, ours "
               f"{_fmt(c.ours)}, tolerance {_fmt(c.tolerance)}: {UNEXPLAINED}"
               for c in self.checks if is_failure(c.status)]
        return out + [r.error for r in self.results if r.failed]

    @property
    def ok(self) -> bool:
        return not self.problems


def write_report(report: Report, out_dir: Path) -> None:
    """``report.csv`` (one row a check) and ``report.md`` (the same, for reading)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = report.rows()
    with open(out_dir / "report.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (out_dir / "report.md").write_text(_markdown(report, rows), encoding="utf-8")


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(report: Report, rows: Sequence[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        key = row["status"].split(":")[0]
        counts[key] = counts.get(key, 0) + 1
    lines = ["# Reproduction report", "",
             "Each published figure beside the value computed from `data/` by the notebooks in "
             "`notebooks/` (executed copies and figures are in this folder). "
             "`match`: within the tolerance; `differs: ...`: outside it, for the reason given; "
             "`not run: ...`: the check could not be made here.", "",
             "Summary: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())), "",
             "| " + " | ".join(REPORT_COLUMNS) + " |",
             "|" + "---|" * len(REPORT_COLUMNS)]
    lines += ["| " + " | ".join(_md_cell(row[c]) for c in REPORT_COLUMNS) + " |" for row in rows]
    lines += ["", "## Notebooks", ""]
    lines += [f"- `{r.name}`: {len(r.checks)} checks, {r.seconds:.1f} s"
              + (f"; FAILED: {r.error}" if r.failed else "") for r in report.results]
    if report.problems:
        lines += ["", "## Problems (the run fails)", ""] + [f"- {p}" for p in report.problems]
    return "\n".join(lines) + "\n"


def reproduce(notebooks: Iterable[Path] | None = None, out_dir: Path | None = None,
              progress: bool = True) -> Report:
    """Execute the notebooks into ``out_dir``, write the report there and return it."""
    paths = list(notebooks) if notebooks is not None else notebooks_in(NOTEBOOKS_DIR)
    out = out_dir or build_dir() / "reproduce"
    out.mkdir(parents=True, exist_ok=True)
    _clean(out)
    results = []
    for i, path in enumerate(paths, 1):
        if progress:
            print(f"[{i}/{len(paths)}] {path.name} ...", flush=True)
        result = run_notebook(path, out)
        results.append(result)
        if progress:
            state = "FAILED: " + result.error if result.failed else "ok"
            print(f"      {len(result.checks)} checks, {result.seconds:.1f} s, {state}",
                  flush=True)
    report = Report(results)
    write_report(report, out)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=build_dir() / "reproduce",
                        help="output folder (default: build/reproduce)")
    args = parser.parse_args(argv)
    report = reproduce(args.notebooks or None, args.out)
    statuses = [row["status"] for row in report.rows()]
    print(f"{len(statuses)} rows: {sum(s == 'match' for s in statuses)} match, "
          f"{sum(s.startswith('differs:') for s in statuses)} explained differences, "
          f"{sum(s.startswith('not run') for s in statuses)} not run; "
          f"report: {args.out / 'report.md'}")
    for problem in report.problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
