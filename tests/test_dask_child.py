"""The forked child each Dask task grades in: a result, a deadline that binds, a death seen.

Plain functions stand in for ``grade_pair`` here (no kernel, no cluster), so this runs in
``make test-fast``; the real cluster is tests/test_dask_grading.py.
"""

from __future__ import annotations

import os
import time

from negotiation_course.grading.dask_grading import _in_child
from negotiation_course.grading.executors import TIMED_OUT, WORKER_DIED


def test_the_childs_result_comes_back():
    assert _in_child(lambda: {"score": 3}, 10)[0]["score"] == 3
    assert _in_child(lambda: os.getpid(), 10)[0] != os.getpid()  # it ran in another process


def test_a_child_past_its_deadline_is_killed_and_reported():
    start = time.monotonic()
    assert _in_child(lambda: time.sleep(600), 0.5) == (None, TIMED_OUT)
    assert time.monotonic() - start < 60  # killed, not waited for


def test_a_child_that_dies_is_reported_not_raised():
    assert _in_child(lambda: os._exit(3), 10) == (None, WORKER_DIED)


def test_an_exception_in_the_work_is_a_failure_message():
    def broken():
        raise ValueError("bad row")

    assert _in_child(broken, 10) == (None, "ValueError: bad row")


def test_a_large_result_is_read_whole():
    assert _in_child(lambda: "x" * 5_000_000, 10)[0] == "x" * 5_000_000


def test_a_task_of_a_closed_batch_grades_nothing_and_a_running_one_is_counted(monkeypatch):
    """Dask may compute a finished pair again when the worker holding its result dies; once
    the parent has closed the batch, such a task returns at once, and one still running is
    counted so the parent waits for it before cleaning up."""
    from negotiation_course.grading import dask_grading

    seen = []

    def grading(job, pair, deadline):
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
