"""The runner: one learner cannot stop or spoil another's grade (issue 11 items 5, 7, 8).

* a learner whose whole autograde overruns ``learner_seconds`` is stopped with a clear
  ``error: timed out: ...`` and the run goes on;
* a learner whose kernel died while other learners were graded is retried once, alone,
  before being flagged (one graded alone is flagged at once: its own doing);
* a learner holding every process the kernels' shared limit allows does not cost a
  concurrent learner its grade.
Every learner ends with a grade or a flag and ``grades.csv`` is written.
"""

from __future__ import annotations

import csv
import time

import nbformat
import pytest

from negotiation_course.grading.executors import LocalExecutor
from negotiation_course.grading.outcomes import OutcomeStore
from negotiation_course.grading.runner import grade_course

from .support.grading_support import LESSON, filled, small_course, submit, with_code
from .support.processes import ZYGOTE, alive, descendants

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

KERNEL_EXIT = "import os\nos._exit(1)"


def slow_cells(cells: int = 12, seconds: int = 10) -> bytes:
    """A release whose every added cell is well inside the per-cell limit (20 s) and the
    kernel's wall clock, but whose whole autograde is long."""
    nb = nbformat.reads(filled("blank").decode(), as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})")
                 for _ in range(cells)]
    return nbformat.writes(nb).encode()


class Recording(LocalExecutor):
    """The local pool, noting the batches the runner hands it."""

    def __init__(self, workers: int):
        super().__init__(workers)
        self.batches: list[list[tuple[str, str]]] = []

    def grade(self, job, pairs, deadline):
        self.batches.append(list(pairs))
        yield from super().grade(job, pairs, deadline)


def _csv(course):
    with (course / "grades.csv").open(encoding="utf-8") as fh:
        return {r["learner"]: r for r in csv.DictReader(fh)}


def test_a_learner_over_the_time_bound_is_stopped_and_the_run_goes_on(tmp_path):
    course = small_course(tmp_path / "course")
    submit(course, "stuck", slow_cells())  # 120 s of cells, none over a limit of its own
    submit(course, "honest", filled("complete"))
    start = time.monotonic()
    rows = grade_course(course, 2, progress=False, limits={"wall_seconds": 240},
                        learner_seconds=40)
    assert time.monotonic() - start < 200  # not the 240 s kernel wall clock
    by = {r.learner: r for r in rows}
    assert (by["stuck"].status, by["stuck"].score) == (
        "error: timed out: grading this learner took longer than 40 s (the whole autograde)",
        0.0)
    assert (by["honest"].status, by["honest"].score) == ("needs review", 1.0)
    assert set(_csv(course)) == {"stuck", "honest"}
    assert 40 <= OutcomeStore(course).get("stuck", LESSON).seconds < 100


def test_a_kernel_that_died_beside_others_is_retried_once_alone(tmp_path):
    course = small_course(tmp_path / "course")
    submit(course, "dies", with_code(KERNEL_EXIT))
    submit(course, "honest", filled("complete"))
    pool = Recording(2)
    rows = grade_course(course, 2, progress=False, executor=pool)
    assert len(pool.batches) == 2 and pool.batches[1] == [(LESSON, "dies")], pool.batches
    by = {r.learner: r for r in rows}
    assert by["dies"].status == "error: kernel died"  # flagged after the retry died too
    assert ("retried alone: the first attempt ended 'kernel died' while 1 other learner(s) "
            "were graded") in by["dies"].reason
    assert (by["honest"].status, by["honest"].score) == ("needs review", 1.0)
    assert set(_csv(course)) == {"dies", "honest"}


def test_a_kernel_that_died_alone_is_flagged_without_a_retry(tmp_path):
    course = small_course(tmp_path / "course")
    submit(course, "dies", with_code(KERNEL_EXIT))
    pool = Recording(1)
    (row,) = grade_course(course, 1, progress=False, executor=pool)
    assert pool.batches == [[(LESSON, "dies")]]
    assert row.status == "error: kernel died" and "retried" not in row.reason


#: Takes every task the kernel's uid may have (RLIMIT_NPROC counts processes and threads per
#: uid, host-wide), holds them while other learners' kernels start, then lets go.
HOG = """
import threading, time
threading.stack_size(64 * 1024)
held, start = [], time.monotonic()
try:
    while len(held) < 100_000 and time.monotonic() - start < 8:
        t = threading.Thread(target=time.sleep, args=(40,), daemon=True)
        t.start()
        held.append(t)
except RuntimeError as exc:
    print("TASKS EXHAUSTED after", len(held), exc)
print("HOLDING", len(held), "after", round(time.monotonic() - start, 1), "s")
time.sleep(12)
"""
VICTIMS = ["v1", "v2", "v3"]


def test_a_learner_exhausting_a_shared_limit_costs_nobody_else_a_grade(tmp_path):
    course = small_course(tmp_path / "course")
    nb = nbformat.reads(with_code(HOG).decode(), as_version=4)
    nb.metadata["padding"] = "x" * 200_000  # the largest notebook: graded first
    submit(course, "hog", nbformat.writes(nb).encode())
    for name in VICTIMS:
        submit(course, name, filled("complete"))
    pool = Recording(2)
    rows = grade_course(course, 2, progress=False, limits={"wall_seconds": 90}, executor=pool)
    by = {r.learner: r for r in rows}
    # While every kernel runs as one uid (the sandbox today), the victims whose kernels start
    # during the hold die ("kernel died") and are graded on their retry alone.
    for name in VICTIMS:
        assert (by[name].status, by[name].score) == ("needs review", 1.0), by[name]
    assert (by["hog"].status, by["hog"].score) == ("graded", 0.0), by["hog"]
    assert set(_csv(course)) == {"hog", *VICTIMS}


class StartedAhead(LocalExecutor):
    """The local pool, noting the workers started ahead, whether each had its kernel image
    before the first pair was sent, and every worker it started."""

    def __init__(self, workers: int):
        super().__init__(workers)
        self.ahead: list[int] = []
        self.images_before_first_pair: list[list[int]] = []
        self.spawned: list[int] = []

    def start(self, job):
        super().start(job)
        self.ahead = [w.process.pid for w in self._ahead]

    def _spawn(self, job):
        worker = LocalExecutor._spawn(job)
        self.spawned.append(worker.process.pid)
        return worker

    def grade(self, job, pairs, deadline):
        end = time.monotonic() + 60  # no pair sent yet: an image now was started ahead
        while time.monotonic() < end and not all(descendants(p, ZYGOTE) for p in self.ahead):
            time.sleep(0.1)
        self.images_before_first_pair = [descendants(p, ZYGOTE) for p in self.ahead]
        yield from super().grade(job, pairs, deadline)


def test_workers_warm_while_the_assignments_are_generated_and_none_outlives_the_run(tmp_path):
    """A first run generates the assignments (a second or more, on one core): the workers
    start before that, each with its kernel image warming, and the grading uses them. A
    rerun with nothing to generate starts none ahead; workers no pair needs are ended."""
    course = small_course(tmp_path / "course")
    submit(course, "complete", filled("complete"))
    submit(course, "blank", filled("blank"))
    pool = StartedAhead(2)
    rows = grade_course(course, 2, progress=False, executor=pool)
    assert {r.learner: r.score for r in rows} == {"complete": 1.0, "blank": 0.0}
    assert len(pool.ahead) == 2 and pool.spawned == pool.ahead  # grading used those two
    # each has its image (its bubblewrap and the zygote in it) before any pair was sent
    assert all(pool.images_before_first_pair), pool.images_before_first_pair
    images = [z for found in pool.images_before_first_pair for z in found]
    end = time.monotonic() + 30
    while time.monotonic() < end and any(alive(p) for p in pool.ahead + images):
        time.sleep(0.1)
    assert not any(alive(p) for p in pool.ahead + images)

    again = StartedAhead(2)
    grade_course(course, 2, progress=False, executor=again)  # nothing stale, nothing to do
    assert again.ahead == [] and again.spawned == []

    from negotiation_course.grading.intake import remove_tree
    from negotiation_course.grading.runner import Job, _overrides, unmount_run

    unused, runtime = StartedAhead(2), tmp_path / "runtime"
    try:
        unused.start(Job(str(course), _overrides(course, True, {}), str(runtime)))
        assert len(unused.ahead) == 2 and all(alive(p) for p in unused.ahead)
        unused.stop()
        assert not any(alive(p) for p in unused.ahead)
    finally:
        unmount_run(runtime)
        remove_tree(runtime)
