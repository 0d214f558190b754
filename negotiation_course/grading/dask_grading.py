"""Grading across machines: the runner's pairs sent to Dask distributed workers.

    make grade COURSE_DIR=... SCHEDULER=tcp://host:8786

Why Dask and not a scheduler of our own: it already keeps track of which worker holds which
task, notices a worker that died and gives its tasks to another, and runs on clusters
(dask-kubernetes, dask-jobqueue). :class:`DaskExecutor` is one more executor of
:func:`.runner.run` (see :mod:`.executors`), so the runner keeps all the bookkeeping it has
on one machine: intake, the outcome store (a rerun skips what is done), the retry alone of
a learner whose kernel died beside another, and ``grades.csv``.

On each Dask worker process, one task at a time (a process-wide lock, whatever
``--nthreads`` says) hands its pair to that process's grading child
(:class:`GradingChild`): a long-lived grading worker forked from it, the same as a local
worker, with its pre-warmed kernel image. Each submission gets its own kernel in its own
sandbox; the child is killed when the learner's whole autograde passes ``deadline`` (the
same bound as on one machine), and when its batch is over. A pair whose Dask worker died
is given to another worker by Dask; after the scheduler's ``allowed-failures`` (default 3)
deaths it is reported :data:`~.executors.WORKER_DIED`, so a submission that kills every
worker it reaches ends as a flag, never as a lost learner.

Grades go into the one gradebook the course names: a server database such as PostgreSQL.
SQLite is refused, because workers on other machines cannot share its file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .executors import TIMED_OUT, WORKER_DIED, Attempt, Pair, serve
from .intake import remove_tree
from .sandbox import unmount_worker_folder

#: One grading at a time in one Dask worker process.
_ONE_AT_A_TIME = threading.Lock()
#: The jobs (grading runs) this worker process is set up for.
_READY: set[str] = set()
#: Batches (one ``DaskExecutor.grade`` call each) whose parent has recorded every pair: a
#: task of theirs still sent here (Dask recomputes a result lost with its worker) grades
#: nothing.
_OVER: set[str] = set()
#: How many tasks of each batch this process is grading now.
_BUSY: dict[str, int] = {}
#: Said of a task that started after its run had ended (the parent never reads it).
RUN_OVER = "the grading run had already ended"


class DaskUnavailable(RuntimeError):
    """The scheduler cannot be reached, Dask is missing, or the gradebook cannot be shared."""


def check_gradebook(db_url: str) -> None:
    """Refuse a gradebook that only the parent's machine can write."""
    if db_url.startswith("sqlite:"):
        raise DaskUnavailable(
            "grading on Dask needs a server gradebook that every worker can reach, such as "
            "PostgreSQL: set NEGOTIATION_COURSE_DB_URL=postgresql+psycopg2://user@host/db "
            "(SQLite stays the default for grading on one machine, without SCHEDULER)")


class DaskExecutor:
    """Grade pairs on the Dask cluster behind ``scheduler`` (connects at once, so a wrong
    address is an error before anything is graded)."""

    def __init__(self, scheduler: str, *, connect_timeout: float = 30):
        try:
            from distributed import Client
        except ImportError as exc:  # the scale extra is not installed
            raise DaskUnavailable("SCHEDULER is set but Dask is not installed: "
                                  "pip install 'negotiation-course[grading]'") from exc
        self.scheduler = scheduler
        try:
            self.client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
        except OSError as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: "
                                  f"{exc}") from exc

    def close(self) -> None:
        self.client.close()

    def grade(self, job, pairs: Sequence[Pair], deadline: float) -> Iterator[Attempt]:
        from distributed import as_completed

        check_gradebook(str(job.overrides.CourseDirectory.db_url))
        keys: dict[str, Pair] = {}
        futures = []
        batch = f"{job.key}#{os.urandom(4).hex()}"  # this call's tasks (a retry is another)
        for pair in pairs:
            # pure=False and a fresh key: a pair graded again is a new task, never a cache.
            key = f"grade-{pair[0]}-{pair[1]}-{os.urandom(4).hex()}"
            futures.append(self.client.submit(grade_on_worker, job, pair, deadline, batch,
                                              pure=False, key=key))
            keys[key] = pair
        # This client is not the process's default, so as_completed is given its loop.
        done = as_completed(futures, loop=self.client.loop)
        del futures  # held only by as_completed: a recorded result is released at once,
        try:
            for future in done:  # so a worker lost later never makes Dask grade it again
                yield _attempt_of(future, keys.pop(future.key))
                future.release()
        finally:
            self._end_run(batch, deadline + 30)

    def _end_run(self, batch: str, patience: float) -> None:
        """Tell every worker this batch is over and wait until none still grades for it.

        A result Dask held on a worker that died before the parent fetched it is computed
        again, even after the parent has it; that second grading would go on writing into
        the course and the run's folders after ``make grade`` returned. From here on such a
        task grades nothing, and one already running is waited for (it is bounded by the
        learner deadline)."""
        end = time.monotonic() + patience
        self.client.run(_close_batch, batch, on_error="ignore")
        while time.monotonic() < end:
            busy = self.client.run(_busy_with, batch, on_error="ignore") or {}
            if not any(isinstance(n, int) and n > 0 for n in busy.values()):
                return
            time.sleep(0.2)


def _attempt_of(future: Any, pair: Pair) -> Attempt:
    from distributed import KilledWorker

    now = time.time()
    try:
        return future.result()
    except KilledWorker:
        return Attempt(pair, None, WORKER_DIED, now, now)
    except Exception as exc:  # a bug of ours on the worker: the runner flags it
        return Attempt(pair, None, f"{type(exc).__name__}: {exc}"[:200], now, now)


def grade_on_worker(job, pair: Pair, deadline: float, batch: str = "") -> Attempt:
    """The task, on a Dask worker: grade ``pair`` in this process's grading child, bounded
    by ``deadline`` (nothing, once the parent has closed ``batch``)."""
    with _ONE_AT_A_TIME:
        if batch in _OVER:
            now = time.time()
            return Attempt(pair, None, RUN_OVER, now, now)
        _BUSY[batch] = _BUSY.get(batch, 0) + 1
        try:
            return _grade_here(job, pair, deadline, batch)
        finally:
            _BUSY[batch] -= 1
            if _CHILD is not None and _CHILD.batch in _OVER:  # its batch closed meanwhile
                _stop_child()


def _grade_here(job, pair: Pair, deadline: float, batch: str) -> Attempt:
    global _CHILD
    if job.key not in _READY:
        from .runner import init_process

        os.makedirs(job.runtime_root, mode=0o700, exist_ok=True)  # another machine
        # nbgrader imported once here, so a new grading child starts in milliseconds
        init_process(job, warm_kernels=False)
        _READY.add(job.key)
    if _CHILD is not None and (_CHILD.batch != batch or not _CHILD.alive()):
        _stop_child()
    if _CHILD is None:
        _CHILD = _FORKER.submit(GradingChild, job, batch).result()
    started = time.time()
    outcome, failure = _CHILD.grade(pair, deadline)
    if failure in (TIMED_OUT, WORKER_DIED):
        _stop_child()
    return Attempt(pair, outcome, failure, started, time.time())


class GradingChild:
    """A long-lived grading process forked from this Dask worker process: the same loop as a
    local worker (:func:`.executors.serve`), so it keeps its pre-warmed kernel image and its
    caches from one pair to the next. Each submission still gets a fresh kernel in a fresh
    sandbox. Killed (with its kernels and image) when a pair overruns its deadline, when it
    dies, and when its batch is over; it dies with the Dask worker process.

    Dask's worker processes are daemons, which ``multiprocessing`` may not fork from, so
    this forks by hand."""

    def __init__(self, job, batch: str, loop=serve):
        """``loop(job, conn)`` is what the child runs: :func:`.executors.serve`, which reads
        pairs from ``conn`` and sends back (outcome, failure) for each."""
        self.batch = batch
        ours, theirs = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into Dask's code
            code = 0
            try:
                ours.close()
                loop(job, theirs)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self.pid, self.conn, self.reaped = pid, ours, False
        self.folder = job.worker_folder(pid)

    def alive(self) -> bool:
        """Whether the child still waits for pairs (it may have died while idle)."""
        if not self.reaped:
            try:
                self.reaped = os.waitpid(self.pid, os.WNOHANG) != (0, 0)
            except ChildProcessError:
                self.reaped = True
        return not self.reaped

    def grade(self, pair: Pair, deadline: float) -> tuple[Any, str]:
        """(the Outcome, "") or (None, why the child did not return one in time)."""
        try:
            self.conn.send(pair)
            if not self.conn.poll(deadline):
                return None, TIMED_OUT
            return self.conn.recv()
        except (EOFError, OSError):
            return None, WORKER_DIED

    def stop(self) -> None:
        """Kill the child (its sandboxed kernels die with it) and remove its folder."""
        if not self.reaped:  # (a reaped child's pid may already be another process's)
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.reaped = True
        self.conn.close()
        unmount_worker_folder(self.folder)
        remove_tree(self.folder)


#: This Dask worker process's grading child, for the batch it serves.
_CHILD: GradingChild | None = None
#: The one thread that forks grading children: Linux ends a child whose *forking thread*
#: ends (PR_SET_PDEATHSIG), and this thread lives as long as the Dask worker process.
_FORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nc-grading-forker")


def _stop_child() -> None:
    global _CHILD
    if _CHILD is not None:
        child, _CHILD = _CHILD, None
        child.stop()


def _close_batch(batch: str) -> None:
    """On a worker (``Client.run``): tasks of this batch that start from now grade nothing,
    and its grading child is stopped (by the task grading now, if one is)."""
    _OVER.add(batch)
    if _ONE_AT_A_TIME.acquire(blocking=False):
        try:
            if _CHILD is not None and _CHILD.batch == batch:
                _stop_child()
        finally:
            _ONE_AT_A_TIME.release()


def _busy_with(batch: str) -> int:
    """On a worker (``Client.run``): how many tasks of this batch it is grading now."""
    return _BUSY.get(batch, 0)
