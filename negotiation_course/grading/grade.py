"""``make grade``: autograde every submission of a course directory, in parallel, sandboxed.

    python -m negotiation_course.grading.grade --course-dir DIR --workers N

Several long-lived worker processes (forked after nbgrader is imported once) each grade
learner after learner with nbgrader's own ``autograde``; grades land in the gradebook that
``DIR``'s own nbgrader configuration names (SQLite by default, or any SQLAlchemy URL such
as PostgreSQL), so stock ``nbgrader export`` and formgrader see every learner. The parent
process alone prepares the gradebook and records outcomes, so a re-run skips what is done
and a run killed at any moment leaves every grade present exactly once after the next run.

Exit code: 0 when every submission graded, 1 when some learner ended in ``error``, 2 when
grading could not run at all (e.g. no sandbox and no explicit opt-out).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..instructor.nbgrader_cli import ensure_venv_on_path
from . import fastimport
from .config import db_url_of, grading_config, limits_for, with_busy_timeout
from .dask_grading import DaskUnavailable
from .export import flag_failures, statuses, write_grades_csv
from .intake import remove_tree, submission_problem
from .prepare import assignments, learners, prepare_gradebook, refused_learners, submissions
from .sandbox import SandboxUnavailable, check_available, opted_out
from .status import ERROR, LearnerStatus, Outcome, StatusStore, fingerprint, submission_dir


def _sweep_runtime(base: Path) -> None:
    """Remove socket directories left by grading runs that were killed."""
    if not base.is_dir():
        return
    for child in base.iterdir():
        if child.name.isdigit() and not Path(f"/proc/{child.name}").exists():
            remove_tree(child)


def _todo(course_dir: Path, store: StatusStore, pairs: list[tuple[str, str]],
          done_in_gradebook: set[tuple[str, str]], force: bool) -> list[tuple[str, str]]:
    todo = []
    for assignment, learner in pairs:
        old = store.get(learner, assignment)
        fresh = (old is not None and not old.transient
                 and old.fingerprint == fingerprint(submission_dir(course_dir, learner,
                                                                   assignment))
                 and (assignment, learner) in done_in_gradebook)
        if force or not fresh:
            todo.append((assignment, learner))
    return todo


def _submitted_in_gradebook(db_url: str, course_id: str) -> set[tuple[str, str]]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        return {(s.assignment.name, s.student.id)
                for a in gb.assignments for s in a.submissions}


def grade_course(course_dir: Path, workers: int = 2, *, sandbox: bool | None = None,
                 force: bool = False, progress: bool = True,
                 limits: dict | None = None,
                 scheduler: str | None = None) -> list[LearnerStatus]:
    """Grade every submission under ``course_dir/submitted``; one status per pair.

    ``sandbox=None`` means: use it, unless ``NEGOTIATION_COURSE_SANDBOX=off`` opts out.
    ``scheduler`` (``tcp://host:8786``) grades on Dask workers instead of local processes
    (:mod:`.dask_grading`); the bookkeeping stays here either way.
    Raises :class:`SandboxUnavailable` when the sandbox is wanted but cannot start, and
    :class:`~.dask_grading.DaskUnavailable` when the cluster or its gradebook cannot serve.
    """
    course_dir = Path(course_dir).resolve()
    fastimport.block_slow_optional_modules()
    ensure_venv_on_path()
    use_sandbox = (not opted_out()) if sandbox is None else sandbox
    if use_sandbox:
        check_available()
    lim = limits_for(course_dir, **(limits or {}))
    overrides = grading_config(course_dir, use_sandbox, lim)

    from .autograde import make_api  # imports nbgrader once, before the workers fork

    fastimport.speed_up_nbgrader()

    api = make_api(course_dir, overrides)
    db_url = with_busy_timeout(db_url_of(course_dir))
    if scheduler:
        from .dask_grading import check_gradebook

        check_gradebook(db_url)
    course_id = api.coursedir.course_id
    names = assignments(course_dir)
    prepare_gradebook(api, db_url, course_id, names, learners(course_dir))
    store = StatusStore(course_dir)
    pairs = _intake(course_dir, store, submissions(course_dir, names))
    todo = _todo(course_dir, store, pairs, _submitted_in_gradebook(db_url, course_id), force)

    base = Path(tempfile.gettempdir()) / f"nc-grade-{os.getuid()}"
    base.mkdir(mode=0o700, exist_ok=True)
    _sweep_runtime(base)
    runtime = base / str(os.getpid())
    try:
        if scheduler:
            _run_dask(scheduler, course_dir, overrides, runtime, todo, store, progress)
        else:
            _run_pool(course_dir, overrides, runtime, todo, store, max(1, workers), progress)
    except Exception:  # a bug of ours: the learners not graded yet show it; grades.csv still
        traceback.print_exc()
    finally:
        remove_tree(runtime)
    _private(course_dir / "autograded")
    rows = statuses(course_dir, db_url, course_id, names, store)
    rows += [LearnerStatus(name, a, 0.0, 0.0, f"{ERROR}: {why}", "not graded")
             for name, why in refused_learners(course_dir) for a in names]
    try:
        flag_failures(db_url, course_id, rows)
    finally:
        write_grades_csv(rows, course_dir / "grades.csv")
    return rows


def _private(folder: Path) -> None:
    """Only the grader account may enter ``autograded/`` (copies of learner work)."""
    if folder.is_dir() and not folder.is_symlink():
        os.chmod(folder, 0o700)


def _intake(course_dir: Path, store: StatusStore,
            pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pairs safe to grade; the others get ``error: invalid submission (<why>)`` stored."""
    ok = []
    for assignment, learner in pairs:
        problem = submission_problem(submission_dir(course_dir, learner, assignment))
        if problem:
            store.put(Outcome(learner, assignment, "refused", False,
                              f"invalid submission ({problem})"))
        else:
            ok.append((assignment, learner))
    return ok


def _run_pool(course_dir: Path, overrides, runtime: Path, todo: list[tuple[str, str]],
              store: StatusStore, workers: int, progress: bool) -> None:
    from tqdm import tqdm

    from .worker import grade_pair, init_worker

    if not todo:
        return
    # Hostile-looking or large submissions first, so a slow one does not end the run alone.
    todo = sorted(todo, key=lambda p: -_size(course_dir, p))
    bar = tqdm(total=len(todo), unit="notebook", desc="grading", disable=not progress,
               dynamic_ncols=True, mininterval=0.5 if sys.stderr.isatty() else 15)
    errors = 0
    remaining = list(todo)
    while remaining:
        ctx = multiprocessing.get_context("fork")
        crashed: list[tuple[str, str]] = []
        with ProcessPoolExecutor(min(workers, len(remaining)), mp_context=ctx,
                                 initializer=init_worker,
                                 initargs=(str(course_dir), overrides, str(runtime))) as pool:
            futures = {pool.submit(grade_pair, a, s): (a, s) for a, s in remaining}
            for future in as_completed(futures):
                assignment, learner = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    crashed.append((assignment, learner))
                    continue
                except Exception as exc:  # a bug of ours: record it, keep grading the rest
                    outcome = Outcome(learner, assignment, fingerprint(
                        submission_dir(course_dir, learner, assignment)), False,
                        f"grader crashed ({type(exc).__name__}: {exc})"[:200])
                store.put(outcome)
                errors += 0 if outcome.ok and not outcome.reason else 1
                bar.set_postfix(flagged=errors)
                bar.update()
        if crashed and len(crashed) == len(remaining):
            for assignment, learner in crashed:  # no progress: do not loop forever
                store.put(Outcome(learner, assignment, fingerprint(
                    submission_dir(course_dir, learner, assignment)), False,
                    "grader crashed (worker process died)"))
                bar.update()
            break
        remaining = crashed
    bar.close()


def _run_dask(scheduler: str, course_dir: Path, overrides, runtime: Path,
              todo: list[tuple[str, str]], store: StatusStore, progress: bool) -> None:
    from tqdm import tqdm

    from .dask_grading import grade_pairs

    if not todo:
        return
    todo = sorted(todo, key=lambda p: -_size(course_dir, p))
    with tqdm(total=len(todo), unit="notebook", desc="grading on Dask",
              disable=not progress, dynamic_ncols=True) as bar:
        def record(outcome: Outcome) -> None:
            store.put(outcome)
            bar.update()

        grade_pairs(scheduler, course_dir, overrides, runtime, todo, record)


def _size(course_dir: Path, pair: tuple[str, str]) -> int:
    assignment, learner = pair
    folder = submission_dir(course_dir, learner, assignment)
    return sum(e.stat(follow_symlinks=False).st_size for e in os.scandir(folder)
               if e.name.endswith(".ipynb") and e.is_file(follow_symlinks=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=Path.cwd())
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--force", action="store_true", help="regrade everything")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade WITHOUT the sandbox (learner code can read source/)")
    parser.add_argument("--wall-seconds", type=float, help="wall-clock limit per notebook")
    parser.add_argument("--memory-mb", type=int, help="memory limit per kernel")
    parser.add_argument("--scheduler", default=os.environ.get("SCHEDULER") or None,
                        help="grade on the Dask cluster of this scheduler (tcp://host:8786; "
                             "default: $SCHEDULER, else local worker processes)")
    args = parser.parse_args(argv)
    course_dir = args.course_dir.resolve()
    if not (course_dir / "nbgrader_config.py").exists():
        print(f"error: {course_dir} has no nbgrader_config.py (not a course directory)",
              file=sys.stderr)
        return 2
    try:
        rows = grade_course(course_dir, args.workers, sandbox=False if args.no_sandbox else None,
                            force=args.force,
                            limits={"wall_seconds": args.wall_seconds,
                                    "memory_mb": args.memory_mb},
                            scheduler=args.scheduler)
    except (SandboxUnavailable, DaskUnavailable) as exc:
        print(f"error: refusing to grade: {exc}", file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    for row in rows:
        key = "error" if row.is_error else row.status
        counts[key] = counts.get(key, 0) + 1
    print(f"{len(rows)} learner-assignments: "
          + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
          + f"; grades in {course_dir / 'grades.csv'}")
    for row in rows:
        if row.is_error:
            print(f"  {row.learner} / {row.assignment}: {row.status}", file=sys.stderr)
    return 1 if counts.get("error") else 0


if __name__ == "__main__":
    sys.exit(main())
