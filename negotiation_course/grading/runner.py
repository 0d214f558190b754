"""``make grade``: autograde every submission of a course directory, in parallel, sandboxed.

    python -m negotiation_course.grading.grade --course-dir DIR --workers N

One runner around nbgrader's own ``autograde``: it finds the submissions (learner ids
checked, every folder walked by :mod:`.intake` before anything reads it), makes the
gradebook ready once in this process (so parallel workers never race to create an
assignment or a learner), hands the pairs to an executor, keeps one :class:`Outcome` per
submission in the outcome store (:mod:`.outcomes`, outside ``build/``), and always writes
``grades.csv`` with a status for every learner. The pipeline itself (sandbox, repair,
answer keys, output limits) is what the course's ``nbgrader_config.py`` declares
(:mod:`.pipeline`); the runner only sets values on it.

The contract:

* :func:`grade_pair` ``(job, assignment, learner) -> Outcome`` grades one submission in the
  calling process (building and caching that process's ``NbGraderAPI`` for ``job``);
* :func:`run` ``(course_dir, pairs, settings, executor)`` grades ``pairs`` with
  ``executor`` (:mod:`.executors`: :class:`~.executors.LocalExecutor` here; anything with
  the same ``grade`` method plugs in) and returns the rows of ``grades.csv``.

Each learner's whole autograde is bounded in time (course.toml ``[grading]
learner_seconds``; the executor stops it and the run goes on), and a learner whose kernel
died, or whose worker died, while other learners were graded is retried once, alone,
before being flagged: another learner may have exhausted a resource they shared.

Exit code: 0 when every submission graded, 1 when some learner ended in ``error``, 2 when
grading could not run at all (e.g. no sandbox and no explicit opt-out).
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sqlite3
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from sqlalchemy.engine import make_url
from traitlets.config import Config

from negotiation_course.paths import assignments as source_assignments

from ..instructor.nbgrader_cli import ensure_venv_on_path
from . import fastimport, gradebook_engines, pipeline, schema_version, sqlite_commits, timings
from .config import db_url_of, learner_seconds_of, make_api, with_busy_timeout
from .dask_grading import DaskUnavailable
from .events import take_events
from .executors import TIMED_OUT, WORKER_DIED, Attempt, Executor, LocalExecutor
from .export import flag_failures, statuses, write_grades_csv
from .intake import id_problem, learner_problem, remove_tree, submission_problem
from .outcomes import ERROR, LearnerStatus, Outcome, OutcomeStore, fingerprint, submission_dir
from .sandbox import (
    SandboxKernelManager,
    SandboxUnavailable,
    opted_out,
    runtime_base,
    unmount_run,
)

Pair = tuple[str, str]  # (assignment, learner)
#: Failures another learner can cause (a shared limit exhausted): retried once, alone.
RETRY_ALONE = ("kernel died", "kernel did not start", "grader crashed (worker process died)")
GRADEBOOK_RETRIES = 4


class PipelineMismatch(RuntimeError):
    """The course's nbgrader_config.py does not declare the course's pipeline."""


@dataclass
class Settings:
    """How to grade. ``sandbox=None``: on, unless ``NEGOTIATION_COURSE_SANDBOX=off``."""

    workers: int = 2
    sandbox: bool | None = None
    force: bool = False
    progress: bool = True
    #: Explicit sandbox limits over course.toml [grading] (wall_seconds, memory_mb, ...).
    limits: dict = field(default_factory=dict)
    #: The bound on one learner's whole autograde; None: course.toml [grading].
    learner_seconds: float | None = None


@dataclass
class Job:
    """What a worker process needs to grade pairs of one run (picklable)."""

    course_dir: str
    overrides: Config
    runtime_root: str

    @property
    def key(self) -> str:
        return self.runtime_root

    def worker_folder(self, pid: int) -> Path:
        """The private folder (kernel sockets, pre-warmed image) of grading process ``pid``."""
        return Path(self.runtime_root) / f"w{pid}"


# --- what is submitted --------------------------------------------------------------------
def _entries(course_dir: Path) -> list[os.DirEntry]:
    root = course_dir / "submitted"
    if not root.is_dir():
        return []
    return sorted(os.scandir(root), key=lambda e: e.name)


def learners(course_dir: Path) -> list[str]:
    """Learner ids: real folders (not links) under ``submitted/`` whose name is a valid id
    (:data:`.intake.LEARNER_ID`); the rest are reported by :func:`refused_learners`."""
    return [e.name for e in _entries(course_dir)
            if e.is_dir(follow_symlinks=False) and not id_problem(e.name)]


def refused_learners(course_dir: Path) -> list[tuple[str, str]]:
    """(name, why) for every entry of ``submitted/`` that is not graded as a learner."""
    out = []
    for e in _entries(course_dir):
        problem = learner_problem(e.name, Path(e.path))
        if problem:
            out.append((e.name, problem))
    return out


def submissions(course_dir: Path, names: list[str]) -> list[Pair]:
    """(assignment, learner) pairs with a submitted entry (a folder, or anything else).

    Only names are read here (no link followed, no file opened): :mod:`.intake` decides
    whether it may be graded at all, and says why not (a folder with no notebook in it
    ends as ``error: invalid submission (no notebook ...)``, not as "not graded yet").
    """
    pairs = []
    for learner in learners(course_dir):
        for assignment in names:
            folder = course_dir / "submitted" / learner / assignment
            if os.path.lexists(folder):
                pairs.append((assignment, learner))
    return pairs


def assignments(course_dir: Path) -> list[str]:
    """Assignments to grade: every one in source/ but the reference list (nothing to submit)."""
    from negotiation_course.course import load

    model = load(course_dir)
    return [a for a in source_assignments(course_dir) if model.role_of(a) != "reference"]


def _graded_sources(course_dir: Path, assignment: str) -> dict[tuple[str, str], str]:
    """What the gradebook should hold for every nbgrader cell, by (notebook, grade id).

    nbgrader stores solution cells as released (solution removed) and the others, tests
    with their answer keys included, as in ``source/``.
    """
    out = {}
    for path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
        released = course_dir / "release" / assignment / path.name
        stub = {}
        if released.exists():
            for cell in nbformat.read(released, as_version=4).cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if meta.get("solution"):
                    stub[meta["grade_id"]] = cell.source
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                key = (path.stem, meta["grade_id"])
                out[key] = stub.get(meta["grade_id"], "\0missing") if meta.get("solution") \
                    else cell.source
    return out


def _in_gradebook(gb, assignment: str) -> dict[tuple[str, str], str]:
    from nbgrader.api import MissingEntry

    try:
        found = gb.find_assignment(assignment)
    except MissingEntry:
        return {}
    return {(nb.name, cell.name): cell.source for nb in found.notebooks
            for cell in nb.source_cells}


def prepare_gradebook(api, db_url: str, course_id: str, names: list[str],
                      learner_ids: list[str],
                      before_regenerating: Callable[[], None] | None = None) -> list[str]:
    """Create or refresh assignments whose source changed; add missing learners.

    Returns the assignments regenerated (``nbgrader generate_assignment``);
    ``before_regenerating`` is called once, before the first of them.
    """
    from nbgrader.api import Gradebook, MissingEntry

    regenerated = []
    for assignment in names:
        with Gradebook(db_url, course_id) as gb:
            current = _in_gradebook(gb, assignment)
        if current != _graded_sources(Path(api.coursedir.root), assignment):
            if before_regenerating is not None and not regenerated:
                before_regenerating()
            result = api.generate_assignment(assignment, force=True)
            if not result.get("success"):
                raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n"
                                   f"{result.get('log', '')[-2000:]}")
            regenerated.append(assignment)
    with Gradebook(db_url, course_id) as gb:
        for learner in learner_ids:
            try:
                gb.find_student(learner)
            except MissingEntry:
                gb.add_student(learner)
    return regenerated


# --- one submission, in a worker process ------------------------------------------------------
_APIS: dict[str, object] = {}


def init_process(job: Job, warm_kernels: bool = True) -> None:
    """Set up this process for ``job``: nbgrader imported once, its own socket folder.

    ``warm_kernels=False`` in a process that only forks grading children (a Dask worker
    process, :class:`.dask_grading.GradingChild`): each child builds its own image."""
    fastimport.speed_up_nbgrader()
    sqlite_commits.enable()
    gradebook_engines.enable()
    schema_version.enable()
    # nbgrader's own SQLAlchemy and nbformat warnings say nothing an instructor can act on.
    warnings.filterwarnings("ignore", module=r"nbgrader\..*|nbformat\..*|sqlalchemy\..*")
    warnings.filterwarnings("ignore", message=r".*(not in session|missing an id field).*")
    overrides = copy.deepcopy(job.overrides)
    overrides.SandboxKernelManager.runtime_root = str(job.worker_folder(os.getpid()))
    if not warm_kernels:
        overrides.SandboxKernelManager.warm_kernels = False
    _APIS[job.key] = make_api(Path(job.course_dir), overrides)


def start_kernel_image(job: Job) -> None:
    """This worker's pre-warmed kernel image, started before its first pair (it warms while
    the parent still prepares the gradebook); a failure only means it starts on first use."""
    if not job.overrides.GradingExecute.sandbox:
        return
    try:
        SandboxKernelManager(config=_APIS[job.key].config).start_image()
    except Exception as exc:  # noqa: BLE001 - the first kernel tries again, or starts cold
        print(f"grading sandbox: the kernel image did not start ahead ({exc})",
              file=sys.stderr, flush=True)


def grade_pair(job: Job, assignment: str, learner: str) -> Outcome:
    """Autograde one submission in this process; retry only when the gradebook was busy."""
    if job.key not in _APIS:
        init_process(job)
    api = _APIS[job.key]
    course_dir = Path(job.course_dir)
    start = time.monotonic()
    fp = fingerprint(submission_dir(course_dir, learner, assignment))
    for attempt in range(GRADEBOOK_RETRIES):
        take_events()
        timings.reset()
        timings.mark("start")
        ok, log, error = _autograde(api, assignment, learner)
        timings.mark("end")
        timings.write(assignment, learner)
        events = take_events()
        notes = [e for e in events if not e.startswith("timed out")]
        seconds = round(time.monotonic() - start, 2)
        if ok:
            flag = ""
            for path in sorted((course_dir / "autograded" / learner / assignment).glob("*.ipynb")):
                flag = flag or classify_outputs(nbformat.read(path, as_version=4))
            return Outcome(learner, assignment, fp, True, flag, notes, seconds)
        reason = classify_failure(log, error, events)
        if not reason.startswith("gradebook busy") or attempt == GRADEBOOK_RETRIES - 1:
            return Outcome(learner, assignment, fp, False, reason, notes, seconds)
        time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _autograde(api, assignment: str, learner: str) -> tuple[bool, str, str]:
    """nbgrader's own ``NbGraderAPI.autograde`` inside a try: (ok, log, error)."""
    try:
        out = api.autograde(assignment, learner, force=True, create=True)
    except Exception as exc:  # nbgrader raised outside its own capture: record, go on
        return False, "", f"{type(exc).__name__}: {exc}"
    return bool(out.get("success")), out.get("log") or "", out.get("error") or ""


_PATTERNS = [
    (re.compile(r"NotJSONError|JSONDecodeError|does not appear to be JSON|"
                r"NotebookValidationError|jsonschema.*ValidationError|"
                r"UnicodeDecodeError"), "invalid notebook (not readable as a Jupyter notebook)"),
    (re.compile(r"SchemaTooOldError|SchemaTooNewError|MetadataValidationError"),
     "invalid notebook metadata"),
    (re.compile(r"DeadKernelError|Kernel died"), "kernel died"),
    (re.compile(r"RuntimeError: Kernel didn't respond|Kernel didn't respond in|"
                r"TimeoutError: Kernel"), "kernel did not start"),
    (re.compile(r"database is locked"), "gradebook busy (database is locked)"),
    (re.compile(r"CellTimeoutError|Timeout waiting for execute reply"),
     "timed out (a cell ran past the per-cell limit and could not be interrupted)"),
]


_REFUSED = re.compile(r"InvalidSubmission: error: (.*)$", re.M)


def classify_failure(log: str, error: str, events: list[str]) -> str:
    """A short, instructor-readable reason for a failed autograde."""
    for event in events:
        if event.startswith("timed out"):
            return event
    text = f"{log}\n{error}"
    refused = _REFUSED.search(text)  # the converter's own intake (pipeline.install_intake)
    if refused:
        return refused.group(1)[:200]
    for pattern, reason in _PATTERNS:
        if pattern.search(text):
            return reason
    lines = [ln.strip() for ln in text.splitlines()
             if re.match(r"\s*\w+(\.\w+)*(Error|Exception)\b", ln)]
    return (lines[-1] if lines else "autograde failed")[:200]


def classify_outputs(nb) -> str:
    """A flag for a notebook that graded but hit a limit ('' when clean)."""
    names = {out.get("ename") for cell in nb.get("cells", []) for out in cell.get("outputs", [])
             if out.get("output_type") == "error"}
    if "MemoryError" in names:
        return "memory limit reached"
    if "CellTimeoutError" in names or "TimeoutError" in names:
        return "timed out (a cell ran past the per-cell limit)"
    return ""


# --- the run ------------------------------------------------------------------------------
def run(course_dir: Path, pairs: list[Pair], settings: Settings,
        executor: Executor) -> list[LearnerStatus]:
    """Grade ``pairs`` of ``course_dir`` with ``executor``; one status per learner and
    assignment, written to ``grades.csv`` whatever happens to any learner.

    Raises :class:`SandboxUnavailable` when the sandbox is wanted but cannot start, and
    :class:`PipelineMismatch` when the course's nbgrader_config.py does not declare the
    pipeline of :mod:`.pipeline`.
    """
    course_dir = Path(course_dir).resolve()
    fastimport.block_slow_optional_modules()
    ensure_venv_on_path()
    use_sandbox = (not opted_out()) if settings.sandbox is None else settings.sandbox
    if use_sandbox:
        pipeline.require_sandbox(stock=False, fresh=True)
    overrides = _overrides(course_dir, use_sandbox, settings.limits)
    deadline = float(settings.learner_seconds or learner_seconds_of(course_dir))
    fastimport.speed_up_nbgrader()
    sqlite_commits.enable()  # before the first gradebook connection of this run
    gradebook_engines.enable()
    schema_version.enable()
    api = make_api(course_dir, overrides)  # imports nbgrader once, before workers fork
    mismatch = pipeline.problems(api.config)
    if mismatch:
        raise PipelineMismatch(f"{course_dir / 'nbgrader_config.py'}: " + "; ".join(mismatch)
                               + " (it must call pipeline.declare(c, here) and leave the "
                               "lists alone)")
    db_url = overrides.CourseDirectory.db_url
    course_id = api.coursedir.course_id
    names = assignments(course_dir)
    base = runtime_base()
    base.mkdir(mode=0o700, exist_ok=True)
    _sweep_runtime(base)
    runtime = base / str(os.getpid())
    job = Job(str(course_dir), overrides, str(runtime))
    # Where assignments must be generated first (a second or more on one core), the
    # workers start now and set themselves up meanwhile (their kernel images warm).
    start = getattr(executor, "start", None) if pairs else None
    try:
        prepare_gradebook(api, db_url, course_id, names, learners(course_dir),
                          before_regenerating=(lambda: start(job)) if start else None)
        store = OutcomeStore(course_dir)
        store.compact()  # what a run cut short left in the journal
        pairs = _intake(course_dir, store, pairs)
        todo = _todo(course_dir, store, pairs, _submitted_in_gradebook(db_url, course_id),
                     settings.force)
        try:
            _grade_all(course_dir, job, todo, store, executor, deadline, settings.progress)
        except Exception:  # a bug of ours: the learners not graded yet show it; grades.csv
            traceback.print_exc()  # is still written
        finally:
            store.compact()
    finally:
        stop = getattr(executor, "stop", None)
        if stop is not None:  # workers started ahead that no pair needed
            stop()
        unmount_run(runtime)
        remove_tree(runtime)
    _private(course_dir / "autograded")
    rows = statuses(course_dir, db_url, course_id, names, store)
    rows += [LearnerStatus(name, a, 0.0, 0.0, f"{ERROR}: {why}", "not graded")
             for name, why in refused_learners(course_dir) for a in names]
    try:
        flag_failures(db_url, course_id, rows)
    finally:
        write_grades_csv(rows, course_dir / "grades.csv")
        _fold_log(db_url)
    return rows


def _fold_log(db_url: str) -> None:
    """An SQLite gradebook is whole in its one file when the run ends (see sqlite_commits)."""
    url = make_url(str(db_url))
    if url.get_backend_name() == "sqlite" and url.database:
        try:
            sqlite_commits.checkpoint(url.database)
        except sqlite3.Error as exc:  # the grades are in the log; the next open folds it
            print(f"gradebook log not folded yet ({exc})", file=sys.stderr)


def _overrides(course_dir: Path, sandbox: bool, limits: dict) -> Config:
    """Values set on the declared pipeline (never a step added or moved)."""
    over = Config()
    over.GradingExecute.sandbox = bool(sandbox)
    known = set(SandboxKernelManager.class_trait_names())
    for name, value in (limits or {}).items():
        if value is not None and name in known:
            over.SandboxKernelManager[name] = value
    over.CourseDirectory.db_url = with_busy_timeout(db_url_of(course_dir))
    return over


def _grade_all(course_dir: Path, job: Job, todo: list[Pair], store: OutcomeStore,
               executor: Executor, deadline: float, progress: bool) -> None:
    """Every pair once; then each one whose kernel or worker died while others were being
    graded, once more and alone; every outcome stored as soon as it is final."""
    from tqdm import tqdm

    if not todo:
        return
    # Hostile-looking or large submissions first, so a slow one does not end the run alone.
    todo = sorted(todo, key=lambda p: -_size(course_dir, p))
    tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    bar = tqdm(total=len(todo), unit="notebook", desc="grading", disable=not progress,
               dynamic_ncols=True, mininterval=0.5 if sys.stderr.isatty() else 15)
    flagged = 0

    def final(outcome: Outcome) -> None:
        nonlocal flagged
        store.put(outcome)
        flagged += 0 if outcome.ok and not outcome.reason else 1
        bar.set_postfix(flagged=flagged)
        bar.update()

    attempts: list[Attempt] = []
    held: list[tuple[Attempt, Outcome]] = []
    for attempt in executor.grade(job, todo, deadline):
        attempts.append(attempt)
        outcome = _outcome_of(course_dir, attempt, deadline)
        if not outcome.ok and outcome.reason in RETRY_ALONE:
            held.append((attempt, outcome))  # stored once we know whether to retry it
        else:
            final(outcome)
    for attempt, outcome in held:
        others = [a for a in attempts if a is not attempt
                  and a.started < attempt.ended and a.ended > attempt.started]
        if not others:  # it was graded alone: its own doing
            final(outcome)
            continue
        for again in executor.grade(job, [attempt.pair], deadline):
            retried = _outcome_of(course_dir, again, deadline)
            retried.notes.append(f"retried alone: the first attempt ended '{outcome.reason}' "
                                 f"while {len(others)} other learner(s) were graded")
            final(retried)
    bar.close()


def _outcome_of(course_dir: Path, attempt: Attempt, deadline: float) -> Outcome:
    if attempt.outcome is not None:
        return attempt.outcome
    assignment, learner = attempt.pair
    if attempt.failure == TIMED_OUT:
        reason = (f"timed out: grading this learner took longer than {deadline:g} s "
                  "(the whole autograde)")
    elif attempt.failure == WORKER_DIED:
        reason = "grader crashed (worker process died)"
    else:  # a bug of ours, raised in grade_pair
        reason = f"grader crashed ({attempt.failure})"[:200]
    return Outcome(learner, assignment, fingerprint(submission_dir(course_dir, learner,
                                                                   assignment)),
                   False, reason, [], round(attempt.ended - attempt.started, 2))


def _intake(course_dir: Path, store: OutcomeStore, pairs: list[Pair]) -> list[Pair]:
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


def _todo(course_dir: Path, store: OutcomeStore, pairs: list[Pair],
          done_in_gradebook: set[Pair], force: bool) -> list[Pair]:
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


def _submitted_in_gradebook(db_url: str, course_id: str) -> set[Pair]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        return {(s.assignment.name, s.student.id)
                for a in gb.assignments for s in a.submissions}


def _sweep_runtime(base: Path) -> None:
    """Remove socket directories left by grading runs that were killed."""
    if not base.is_dir():
        return
    for child in base.iterdir():
        if child.name.isdigit() and not Path(f"/proc/{child.name}").exists():
            remove_tree(child)


def _private(folder: Path) -> None:
    """Only the grader account may enter ``autograded/`` (copies of learner work)."""
    if folder.is_dir() and not folder.is_symlink():
        os.chmod(folder, 0o700)


def _size(course_dir: Path, pair: Pair) -> int:
    assignment, learner = pair
    folder = submission_dir(course_dir, learner, assignment)
    return sum(e.stat(follow_symlinks=False).st_size for e in os.scandir(folder)
               if e.name.endswith(".ipynb") and e.is_file(follow_symlinks=False))


# --- entry points ---------------------------------------------------------------------------
def grade_course(course_dir: Path, workers: int = 2, *, sandbox: bool | None = None,
                 force: bool = False, progress: bool = True, limits: dict | None = None,
                 learner_seconds: float | None = None,
                 executor: Executor | None = None,
                 scheduler: str | None = None) -> list[LearnerStatus]:
    """Grade every submission under ``course_dir/submitted`` (on a local process pool by
    default, on the Dask cluster of ``scheduler`` when given); one status per pair.
    See :func:`run`; raises :class:`~.dask_grading.DaskUnavailable` when the cluster or
    its gradebook cannot serve, before anything is graded."""
    course_dir = Path(course_dir).resolve()
    settings = Settings(max(1, workers), sandbox, force, progress, dict(limits or {}),
                        learner_seconds)
    if (settings.sandbox is None and not opted_out()) or settings.sandbox:
        pipeline.require_sandbox(stock=False, fresh=True)  # before anything is read or written
    pairs = submissions(course_dir, assignments(course_dir))
    if scheduler and executor is None:
        from .dask_grading import DaskExecutor, check_gradebook

        check_gradebook(db_url_of(course_dir))
        dask = DaskExecutor(scheduler)
        try:
            return run(course_dir, pairs, settings, dask)
        finally:
            dask.close()
    return run(course_dir, pairs, settings, executor or LocalExecutor(settings.workers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=Path.cwd())
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--force", action="store_true", help="regrade everything")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade WITHOUT the sandbox (learner code can read source/)")
    parser.add_argument("--wall-seconds", type=float, help="wall-clock limit per notebook")
    parser.add_argument("--memory-mb", type=int, help="memory limit per kernel")
    parser.add_argument("--learner-seconds", type=float,
                        help="limit on one learner's whole autograde")
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
                            force=args.force, learner_seconds=args.learner_seconds,
                            limits={"wall_seconds": args.wall_seconds,
                                    "memory_mb": args.memory_mb},
                            scheduler=args.scheduler)
    except (SandboxUnavailable, PipelineMismatch, DaskUnavailable) as exc:
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
