"""The grading child each Dask worker process hands its pairs to: results come back from one
long-lived process, a deadline binds, a death is seen, a stop leaves nothing behind.

Plain loops stand in for the grading loop here (no kernel, no cluster), so this runs in
``make test-fast``; the real loop is tests/test_dask_grading.py.
"""

from __future__ import annotations

import os
import time

import pytest
from traitlets.config import Config

from negotiation_course.grading.dask_grading import GradingChild
from negotiation_course.grading.executors import TIMED_OUT, WORKER_DIED
from negotiation_course.grading.runner import Job


def answering(job, conn):
    """Each pair answered with the child's pid, the pair, and what its learner asks for."""
    while (pair := conn.recv()) is not None:
        _, learner = pair
        if learner == "sleeps":
            time.sleep(600)
        if learner == "dies":
            os._exit(3)
        body = "x" * 5_000_000 if learner == "large" else learner
        conn.send(({"pid": os.getpid(), "body": body}, ""))


@pytest.fixture
def child(tmp_path):
    job = Job(str(tmp_path), Config(), str(tmp_path / "runtime"))
    c = GradingChild(job, "batch-a", loop=answering)
    c.folder.mkdir(parents=True)  # as runner.init_process would, in the child
    yield c
    c.stop()


def test_one_child_answers_pair_after_pair(child):
    first, failure = child.grade(("lesson", "ada"), 10)
    second, _ = child.grade(("lesson", "bo"), 10)
    assert failure == "" and (first["body"], second["body"]) == ("ada", "bo")
    assert first["pid"] == second["pid"] == child.pid != os.getpid()  # one other process
    assert child.folder.name == f"w{child.pid}"
    assert child.alive()


def test_a_pair_past_its_deadline_is_reported_at_the_deadline(child):
    start = time.monotonic()
    assert child.grade(("lesson", "sleeps"), 0.5) == (None, TIMED_OUT)
    assert time.monotonic() - start < 30  # not the 600 s the pair would take


def test_a_child_that_dies_is_reported_not_raised(child):
    assert child.grade(("lesson", "dies"), 10) == (None, WORKER_DIED)
    deadline = time.monotonic() + 10
    while child.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not child.alive()


def test_a_large_result_is_read_whole(child):
    assert child.grade(("lesson", "large"), 10)[0]["body"] == "x" * 5_000_000


def test_a_stopped_child_is_gone_with_its_folder(child):
    child.grade(("lesson", "ada"), 10)
    (child.folder / "k1").mkdir()
    child.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)
    assert not child.folder.exists()
    child.stop()  # a second stop kills nothing (the pid may be another process's by now)


def test_a_task_of_a_closed_batch_grades_nothing_and_a_running_one_is_counted(monkeypatch):
    """Dask may compute a finished pair again when the worker holding its result dies; once
    the parent has closed the batch, such a task returns at once, and one still running is
    counted so the parent waits for it before cleaning up."""
    from negotiation_course.grading import dask_grading

    seen = []

    def grading(job, pair, deadline, batch):
        seen.append(dask_grading._busy_with("batch-a"))
        return dask_grading.Attempt(pair, {"score": 1}, "", 0, 0)

    monkeypatch.setattr(dask_grading, "_grade_here", grading)
    job, pair = object(), ("lesson", "ada")
    assert dask_grading.grade_on_worker(job, pair, 5, "batch-a").outcome == {"score": 1}
    assert seen == [1] and dask_grading._busy_with("batch-a") == 0
    dask_grading._close_batch("batch-a")
    late = dask_grading.grade_on_worker(job, pair, 5, "batch-a")
    assert (late.outcome, late.failure) == (None, dask_grading.RUN_OVER)
    assert seen == [1]  # nothing graded
    assert dask_grading.grade_on_worker(job, pair, 5, "batch-b").outcome == {"score": 1}
