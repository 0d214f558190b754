"""Benchmark: stock sequential ``nbgrader autograde`` against ``make grade``, in one run.

    .venv/bin/python scripts/bench_grading.py [--learners N] [--workers W [W ...]] [--cold]
        [--dask D [D ...] --db-url postgresql+psycopg2://...] [--rounds R]

Both grade the same cohort of ordinary learners (no hostile cases) from
``negotiation_course.demo.cohort`` in two fresh copies of the course under
``build/bench/``. Stock = one ``nbgrader autograde <assignment>`` CLI per assignment, one
learner after another (how an instructor runs it; it runs the same declared pipeline, so
each kernel is sandboxed there too); ours = ``grade_course`` (the runner) with W workers.
Stock starts a cold kernel per notebook (as nbgrader does); ``make grade`` serves kernels
from a pre-warmed image per worker (``--cold`` also times it without). For each run of
ours, the mean seconds per notebook of each phase (nbgrader setup, kernel start, imports,
execution, shutdown, scoring and gradebook; see ``grading/timings.py``).
Prints both wall times, the ratio, and the per-notebook floor: one kernel start + imports +
execution of each source notebook with nbclient, no nbgrader around it.
With ``--dask``, also Dask with D workers (a ``distributed.LocalCluster`` of D single-threaded
worker processes on this machine) into the PostgreSQL server ``--db-url``, one fresh database
per run. With ``--rounds R``, every run is timed R times, interleaved (stock, then each of
ours, then again), and the medians are printed, each ratio taken within its round. Not a
test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from negotiation_course.demo import cohort  # noqa: E402
from negotiation_course.grading import timings  # noqa: E402
from negotiation_course.grading.runner import grade_course  # noqa: E402
from negotiation_course.instructor.nbgrader_cli import ensure_venv_on_path, nbgrader  # noqa: E402
from negotiation_course.paths import assignments  # noqa: E402


def build(dest: Path, learners: int, only: tuple[str, ...] | None = None,
          warm: bool = True) -> int:
    """A course copy with ``learners`` ordinary learners; returns the notebook count.
    ``warm=False``: kernels start cold (course.toml ``[grading] warm_kernels = false``)."""
    cohort.make_course_dir(ROOT, dest, only)
    if not warm:
        toml = dest / "course.toml"
        text = toml.read_text()
        if "\nwarm_kernels = true\n" not in text:
            raise SystemExit(f"{toml}: no `warm_kernels = true` line to turn off")
        toml.write_text(text.replace("\nwarm_kernels = true\n", "\nwarm_kernels = false\n"))
    people = cohort.cohort("full", hostile=False)[:learners]
    cohort.write_submissions(dest, people)
    return sum(1 for _ in (dest / "submitted").glob("*/*/*.ipynb"))


def timed(dest: Path, run) -> tuple[float, dict[str, float]]:
    """Wall time of ``run()`` and the mean seconds per submission of each grading phase."""
    log = dest.parent / f"timings-{dest.name}.jsonl"
    log.unlink(missing_ok=True)
    os.environ[timings.ENV] = str(log)
    try:
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
    finally:
        del os.environ[timings.ENV]
    return seconds, (timings.summary(str(log)) if log.exists() else {})


def print_phases(phases: dict[str, float]) -> None:
    total = sum(phases.values())
    if not total:
        return
    print("    where a submission's time goes (mean per notebook, in one worker): "
          + "; ".join(f"{name} {sec:.2f} s ({sec / total:.0%})"
                      for name, sec in phases.items()))


def stock(dest: Path, only: tuple[str, ...] | None = None) -> float:
    start = time.perf_counter()
    nbgrader(dest, "generate_assignment", "--force", "*")
    for assignment in only or assignments(dest):
        proc = nbgrader(dest, "autograde", assignment, "--create", check=False)
        if proc.returncode != 0:
            print(f"  (stock autograde {assignment} reported errors)")
    return time.perf_counter() - start


def ours(dest: Path, workers: int) -> tuple[float, dict[str, float]]:
    return timed(dest, lambda: grade_course(dest, workers, sandbox=True, progress=False))


def on_dask(dest: Path, workers: int, db_url: str) -> float:
    """Grade on a fresh local Dask cluster of ``workers`` processes into ``db_url``."""
    from distributed import LocalCluster

    os.environ["NEGOTIATION_COURSE_DB_URL"] = db_url
    try:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:
            return timed(dest, lambda: grade_course(
                dest, sandbox=True, progress=False, scheduler=cluster.scheduler_address))[0]
    finally:
        del os.environ["NEGOTIATION_COURSE_DB_URL"]


def fresh_database(db_url: str, name: str) -> str:
    """``db_url`` with its database replaced by a new empty one called ``name``."""
    import sqlalchemy

    base, _, _ = db_url.rpartition("/")
    engine = sqlalchemy.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{base}/{name}"


def floor(only: tuple[str, ...] | None = None) -> float:
    """Mean wall time to execute each source notebook once (kernel start + work)."""
    times = []
    for assignment in only or assignments(ROOT):
        for path in sorted((ROOT / "source" / assignment).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            start = time.perf_counter()
            NotebookClient(nb, timeout=60, allow_errors=True,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            times.append(time.perf_counter() - start)
    return sum(times) / len(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=len(cohort.ORDINARY))
    parser.add_argument("--workers", type=int, nargs="+", default=[os.cpu_count() or 2],
                        help="one or more worker counts to time (each on a fresh copy)")
    parser.add_argument("--only", nargs="+", default=None, metavar="ASSIGNMENT",
                        help="grade only these assignments (the smoke test uses one)")
    parser.add_argument("--cold", action="store_true",
                        help="also time make grade with kernels started cold (no pre-warmed "
                             "image), to show what the image saves")
    parser.add_argument("--dask", type=int, nargs="+", default=[], metavar="D",
                        help="also time Dask with D local worker processes (needs --db-url)")
    parser.add_argument("--db-url", default=None,
                        help="a PostgreSQL server URL for the Dask runs (a database per run "
                             "is created on it)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="time every run this many times, interleaved, on fresh copies, "
                             "and print the medians (this machine's speed drifts)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench",
                        help="where the course copies go (deleted first)")
    args = parser.parse_args()
    if args.dask and not args.db_url:
        parser.error("--dask needs --db-url (Dask workers share a server gradebook)")
    # a count named twice would grade an already graded copy: repeat with --rounds instead
    args.workers, args.dask = list(dict.fromkeys(args.workers)), list(dict.fromkeys(args.dask))
    ensure_venv_on_path()
    base = args.out
    only = tuple(args.only) if args.only else None
    runs = [("stock", None, None)]
    for w in args.workers:
        runs.append((f"ours-{w}", w, "pre-warmed kernels"))
        if args.cold:
            runs.append((f"cold-{w}", w, "cold kernels"))
    runs += [(f"dask-{d}", d, "dask") for d in args.dask]
    seconds: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    ratios: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    n = 0
    for round_no in range(1, args.rounds + 1):
        shutil.rmtree(base, ignore_errors=True)
        n = build(base / "stock", args.learners, only, warm=False)
        for name, _, label in runs[1:]:
            build(base / name, args.learners, only, warm=label != "cold kernels")
        if round_no == 1:
            print(f"{args.learners} learners, {n} notebooks, {os.cpu_count()} cores")
            t_floor = floor(only)
            print(f"per-notebook floor (kernel start + imports + execution): {t_floor:.2f} s")
        if args.rounds > 1:
            print(f"-- round {round_no} of {args.rounds}")
        t_stock = stock(base / "stock", only)
        seconds["stock"].append(t_stock)
        print(f"stock sequential nbgrader autograde (sandbox on, a cold kernel per notebook): "
              f"{t_stock:.1f} s ({t_stock / n:.2f} s/notebook)")
        for name, w, label in runs[1:]:
            if label == "dask":
                url = fresh_database(args.db_url, f"bench_dask_{w}")
                t_run = on_dask(base / name, w, url)
                print(f"Dask, {w} workers (sandbox on, PostgreSQL): {t_run:.1f} s "
                      f"({t_run / n:.2f} s/notebook); ratio: {t_stock / t_run:.2f}x faster")
            else:
                t_run, phases = ours(base / name, w)
                print(f"make grade, {w} workers (sandbox on, {label}): {t_run:.1f} s "
                      f"({t_run / n:.2f} s/notebook, {t_run * w / n:.2f} s per notebook per "
                      f"worker); ratio: {t_stock / t_run:.2f}x faster")
                print_phases(phases)
            seconds[name].append(t_run)
            ratios[name].append(t_stock / t_run)
    if args.rounds > 1:
        print_summary(runs, seconds, ratios, n)


def print_summary(runs, seconds: dict[str, list[float]], ratios: dict[str, list[float]],
                  n: int) -> None:
    """Medians over the rounds. Each round times every run close together, so a ratio is
    taken within a round (the machine's speed drifts between rounds) and its median shown."""
    from statistics import median

    print(f"-- medians of {len(seconds['stock'])} rounds (s/notebook: median, min-max; ratio "
          "to stock in the same round: median, min-max)")
    for name, w, label in runs:
        per_nb = [t / n for t in seconds[name]]
        title = ("stock sequential" if w is None else f"Dask, {w} workers" if label == "dask"
                 else f"make grade, {w} workers, {label}")
        line = f"  {title}: {median(per_nb):.2f} s/nb ({min(per_nb):.2f}-{max(per_nb):.2f})"
        if ratios[name]:
            line += (f"; ratio {median(ratios[name]):.2f}x "
                     f"({min(ratios[name]):.2f}-{max(ratios[name]):.2f})")
        print(line)


if __name__ == "__main__":
    main()
