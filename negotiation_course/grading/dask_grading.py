"""Grading across machines: (assignment, learner) pairs sent to Dask distributed workers.

    make grade COURSE_DIR=... SCHEDULER=tcp://host:8786

Why Dask and not a scheduler of our own: it already keeps track of which worker holds which
task, notices a worker that died and gives its tasks to another, and runs on clusters
(dask-kubernetes, dask-jobqueue). What we add is small:

- ``dask_plugin.GradingWorker``, a worker plugin, turns every Dask worker process into the
  same long-lived grading worker the local pool uses (nbgrader imported once, the same sandbox
  and limits), and is set up again in a worker the nanny restarts.
- Each task grades one pair in that worker and returns its :class:`Outcome`; a process-wide
  lock keeps one submission at a time per worker process, so a worker started with more
  threads still never runs two kernels from one grader state.
- The parent keeps the bookkeeping (the outcome store, the gradebook preparation, grades.csv)
  exactly as in a local run, so a rerun skips what is done. A pair whose worker died is given
  to another worker by Dask; after the scheduler's ``allowed-failures`` deaths (default 3;
  ``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES``), a submission that keeps killing
  workers ends as a flag, never as a lost learner.

Grades go into the one gradebook the course names: a server database such as PostgreSQL.
SQLite is refused, because workers on other machines cannot share its file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .status import Outcome, fingerprint, submission_dir

#: The lock that keeps one grading at a time in one worker process.
_ONE_AT_A_TIME = threading.Lock()


class DaskUnavailable(RuntimeError):
    """The scheduler cannot be reached, or the gradebook cannot be shared."""


def check_gradebook(db_url: str) -> None:
    """Refuse a gradebook that only the parent's machine can write."""
    if db_url.startswith("sqlite:"):
        raise DaskUnavailable(
            "grading on Dask needs a server gradebook that every worker can reach, such as "
            "PostgreSQL: set NEGOTIATION_COURSE_DB_URL=postgresql+psycopg2://user@host/db "
            "(SQLite stays the default for grading on one machine, without SCHEDULER)")


def grade_on_worker(assignment: str, learner: str) -> Outcome:
    """The task: grade one pair in this worker process (set up by ``dask_plugin.GradingWorker``)."""
    from .worker import grade_pair

    with _ONE_AT_A_TIME:
        return grade_pair(assignment, learner)


def grade_pairs(scheduler: str, course_dir: Path, overrides: Any, runtime: Path,
                todo: list[tuple[str, str]], record: Callable[[Outcome], None],
                *, connect_timeout: float = 30) -> None:
    """Grade ``todo`` on the cluster behind ``scheduler``; ``record`` each outcome here."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # the scale extra is not installed
        raise DaskUnavailable("SCHEDULER is set but Dask is not installed: "
                              "pip install 'negotiation-course[scale]'") from exc
    check_gradebook(str(overrides.CourseDirectory.db_url))
    try:
        client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
    except OSError as exc:
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    from .dask_plugin import GradingWorker

    with client:
        client.register_plugin(GradingWorker(str(course_dir), overrides, str(runtime)),
                               name=GradingWorker.name)
        pairs: dict[str, tuple[str, str]] = {}
        futures = []
        for assignment, learner in todo:
            # pure=False and a fresh key: a rerun of a pair is a new task, never a cached result.
            key = f"grade-{assignment}-{learner}-{os.urandom(4).hex()}"
            futures.append(client.submit(grade_on_worker, assignment, learner, pure=False,
                                         key=key))
            pairs[key] = (assignment, learner)
        # This client is not the process's default, so as_completed is given its loop.
        done = as_completed(futures, loop=client.loop)
        del futures  # held only by as_completed: a recorded result is released at once,
        for future in done:  # so a worker lost later never makes Dask grade it again
            assignment, learner = pairs.pop(future.key)
            record(_outcome_of(future, course_dir, assignment, learner))
            future.release()


def _outcome_of(future: Any, course_dir: Path, assignment: str, learner: str) -> Outcome:
    """The task's outcome, or a flag that says which part of the cluster failed."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker:
        why = "grader crashed (the Dask worker died each time this submission was graded)"
    except Exception as exc:  # a bug of ours on the worker: flag it, keep the rest
        why = f"grader crashed ({type(exc).__name__}: {exc})"[:200]
    return Outcome(learner, assignment, fingerprint(submission_dir(course_dir, learner,
                                                                   assignment)), False, why)
