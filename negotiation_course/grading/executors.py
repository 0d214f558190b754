"""Where the runner's grading calls run: the pluggable executor of :func:`.runner.run`.

An executor takes a picklable :class:`~.runner.Job` and (assignment, learner) pairs, calls
:func:`.runner.grade_pair` for each somewhere, and yields one :class:`Attempt` per pair as
it ends, in any order. It owns two guarantees the runner relies on:

* a pair that runs longer than ``deadline`` seconds (its *whole* autograde: sanitising,
  kernel start, execution, scoring, gradebook writes) is stopped and reported
  :data:`TIMED_OUT`, and the other pairs go on;
* a pair whose worker died is reported :data:`WORKER_DIED` (the runner may retry it), and
  never takes another pair down with it.

``started``/``ended`` are times on one clock of the executor's choosing, so the runner can
tell which learners were graded at the same time (a learner whose kernel died while others
ran is retried alone). :class:`LocalExecutor` is a pool of forked processes on this
machine; a cluster executor (Dask) implements the same :meth:`grade`. An executor may also
offer ``start(job)``, which the runner calls before it generates assignments so that workers
set themselves up meanwhile, and ``stop()``, called when the run ends, for workers started
so and never used.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Protocol

#: Attempt.failure values (besides a message for an exception raised by grade_pair).
TIMED_OUT = "timed out"
WORKER_DIED = "worker died"

Pair = tuple[str, str]  # (assignment, learner)


@dataclass
class Attempt:
    pair: Pair
    outcome: object | None  # the Outcome grade_pair returned, None when it did not return
    failure: str = ""  # TIMED_OUT, WORKER_DIED or "<Exception>: <message>"
    started: float = 0.0
    ended: float = 0.0


class Executor(Protocol):
    def grade(self, job, pairs: Sequence[Pair], deadline: float) -> Iterator[Attempt]:
        """Grade every pair (each at most ``deadline`` s); yield each Attempt as it ends."""
        ...


def serve(job, conn) -> None:
    """A worker process: grade pair after pair sent by the parent, until it sends None."""
    from .runner import grade_pair, init_process, start_kernel_image

    _die_with_parent()
    init_process(job)
    start_kernel_image(job)
    while True:
        pair = conn.recv()
        if pair is None:
            return
        try:
            conn.send((grade_pair(job, *pair), ""))
        except Exception as exc:  # a bug of ours: report it, keep serving
            conn.send((None, f"{type(exc).__name__}: {exc}"[:200]))


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    pair: Pair | None = None
    started: float = 0.0


class LocalExecutor:
    """``workers`` forked processes on this machine, each grading one pair at a time.

    Forked after the parent imported nbgrader once (so each worker starts in milliseconds);
    a worker that dies or overruns its deadline is killed and replaced."""

    def __init__(self, workers: int = 2):
        self.workers = max(1, int(workers))
        self._ahead: list[_Worker] = []  # started by start(), for the next grade()
        self._ahead_for = ""

    def start(self, job) -> None:
        """Start the workers now: each sets itself up (its kernel image warms) while the
        caller still prepares; the next :meth:`grade` of ``job`` uses them."""
        self.stop()
        self._ahead = [self._spawn(job) for _ in range(self.workers)]
        self._ahead_for = job.key

    def stop(self) -> None:
        """End the workers :meth:`start` began and no :meth:`grade` used."""
        ahead, self._ahead = self._ahead, []
        _finish(ahead)

    @staticmethod
    def _spawn(job) -> _Worker:
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=serve, args=(job, child), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def grade(self, job, pairs: Sequence[Pair], deadline: float) -> Iterator[Attempt]:
        queue = deque(pairs)
        idle: list[_Worker] = []
        busy: list[_Worker] = []
        if self._ahead and self._ahead_for == job.key:
            idle, self._ahead = self._ahead, []

        try:
            def fill() -> None:
                while queue and len(busy) < self.workers:
                    worker = idle.pop() if idle else self._spawn(job)
                    worker.pair, worker.started = queue.popleft(), time.monotonic()
                    worker.conn.send(worker.pair)
                    busy.append(worker)

            while queue or busy:
                fill()
                soonest = min(w.started for w in busy) + deadline
                ready = wait([w.conn for w in busy], timeout=max(0.0, soonest - time.monotonic()))
                now = time.monotonic()
                ended: list[Attempt] = []
                for worker in list(busy):
                    if worker.conn in ready:
                        try:
                            outcome, failure = worker.conn.recv()
                        except (EOFError, OSError):
                            outcome, failure = None, WORKER_DIED
                    elif now - worker.started >= deadline:
                        outcome, failure = None, TIMED_OUT
                    else:
                        continue
                    busy.remove(worker)
                    attempt = Attempt(worker.pair, outcome, failure, worker.started, now)
                    worker.pair = None
                    if failure in (TIMED_OUT, WORKER_DIED):
                        _stop(worker)
                    else:
                        idle.append(worker)
                    ended.append(attempt)
                fill()  # the freed workers take their next pairs before the caller stores
                yield from ended  # these (an fsync each), not after
        finally:
            for worker in busy:  # the caller stopped early: do not leave work running
                _stop(worker)
            _finish(idle)


def _finish(idle: list[_Worker]) -> None:
    """Tell idle workers to end; kill any that does not within 10 s."""
    for worker in idle:
        try:
            worker.conn.send(None)
        except OSError:
            pass
    for worker in idle:
        worker.process.join(10)
        if worker.process.is_alive():
            _stop(worker)


def _die_with_parent() -> None:
    """A worker never outlives the run (even one killed with SIGKILL): Linux's
    ``PR_SET_PDEATHSIG``; elsewhere the closed pipe ends it after its current pair."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the call above
        os._exit(1)


def _stop(worker: _Worker) -> None:
    """Kill a worker (its sandboxed kernel dies with it: bubblewrap's --die-with-parent)."""
    try:
        os.kill(worker.process.pid, signal.SIGKILL)
    except OSError:
        pass
    worker.process.join(10)
    worker.conn.close()
