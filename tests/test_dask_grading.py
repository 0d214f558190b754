"""Grading on a real Dask cluster (scheduler + two workers on 127.0.0.1) into PostgreSQL.

One worker is SIGKILLed mid-run: every learner still ends with exactly one grade or one
flag, the scores are those of a local run, and nothing is written outside the course.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from negotiation_course.demo.hostile import CASES
from negotiation_course.grading.dask_grading import DaskExecutor, DaskUnavailable
from negotiation_course.grading.grade import grade_course
from negotiation_course.grading.outcomes import OutcomeStore
from negotiation_course.instructor.nbgrader_cli import env_with_venv
from negotiation_course.paths import COURSE_ROOT

from .support.grading_support import (
    LESSON,
    WRONG_TYPE,
    filled,
    notebooks,
    small_course,
    submit,
    with_code,
)
from .support.pg_fixture import postgres_url  # noqa: F401 (fixture)
from .test_grading_resume import slowed

pytestmark = pytest.mark.slow  # real kernels, real Dask, real PostgreSQL

DASK = str(COURSE_ROOT / ".venv" / "bin" / "dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A Dask scheduler and workers started here, each in its own session, stopped by pid."""

    def __init__(self, base: Path):
        self.base = base
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.procs: list[subprocess.Popen] = []
        self.worker_cwd = base / "worker-cwd"
        self.worker_cwd.mkdir(parents=True)

    def _start(self, *args: str, name: str) -> None:
        log = (self.base / f"{name}.log").open("wb")
        self.procs.append(subprocess.Popen([DASK, *args], env=env_with_venv(),
                                           cwd=self.worker_cwd, stdout=log, stderr=log,
                                           start_new_session=True))

    def start(self, workers: int) -> None:
        port = self.address.rsplit(":", 1)[1]
        self._start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard",
                    name="scheduler")
        for i in range(workers):
            self._start("worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
                        "--nworkers", "1", "--no-dashboard", "--local-directory",
                        str(self.base / f"scratch-{i}"), name=f"worker-{i}")
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=90)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    c = Cluster(tmp_path / "dask")
    c.base.mkdir(exist_ok=True)
    try:
        c.start(workers=2)
        yield c
    finally:
        c.stop()


def _cohort(course: Path) -> list[str]:
    """A small cohort with hostile learners in it; each notebook takes at least 1.5 s."""
    src, rel = notebooks()
    subs = {"complete": filled("complete"), "alternative": filled("alternative"),
            "blank": filled("blank"), "wrong-type": with_code(WRONG_TYPE),
            "h-pre-run-hook": CASES["pre-run-hook"](copy.deepcopy(src), copy.deepcopy(rel)),
            "h-patched-record": CASES["patched-record"](copy.deepcopy(src),
                                                        copy.deepcopy(rel))}
    for learner, data in subs.items():
        submit(course, learner, slowed(data))
    return sorted(subs)


def _kill_a_busy_worker(address: str, course: Path, run: threading.Thread,
                        deadline: float) -> int:
    """SIGKILL the worker process that is grading something, once a first grade is in."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        while time.monotonic() < deadline and run.is_alive():
            done = OutcomeStore(course).outcomes
            busy = {w: keys for w, keys in client.processing().items() if keys}
            if done and busy:
                worker = next(iter(busy))
                pid = client.run(os.getpid, workers=[worker])[worker]
                os.kill(pid, signal.SIGKILL)
                return pid
            time.sleep(0.05)
    raise AssertionError("grading finished before a worker could be killed")


def test_dask_grading_survives_a_killed_worker(tmp_path, monkeypatch, cluster,
                                               postgres_url):  # noqa: F811
    from nbgrader.api import Gradebook

    local = small_course(tmp_path / "local")
    learners = _cohort(local)
    expected = {(r.learner, r.score, r.status) for r in grade_course(local, 2, progress=False)}

    monkeypatch.setenv("NEGOTIATION_COURSE_DB_URL", postgres_url)
    course = small_course(tmp_path / "course")
    _cohort(course)
    result: dict = {}

    def grade() -> None:
        try:
            result["rows"] = grade_course(course, progress=False, scheduler=cluster.address)
        except BaseException as exc:
            result["error"] = exc

    run = threading.Thread(target=grade)
    run.start()
    killed = _kill_a_busy_worker(cluster.address, course,
                                 run, time.monotonic() + 180)
    run.join(timeout=300)
    assert not run.is_alive()
    assert "error" not in result, result.get("error")
    rows = result["rows"]

    assert killed > 0
    assert sorted(r.learner for r in rows) == learners  # each learner exactly once
    assert {(r.learner, r.score, r.status) for r in rows} == expected
    assert {r.learner: r.score for r in rows}["complete"] > 0  # not an all-zero run
    assert not (course / "gradebook.db").exists()
    with Gradebook(postgres_url, "salary-negotiation-specialist") as gb:
        subs = gb.find_assignment(LESSON).submissions
        assert sorted(s.student.id for s in subs) == learners
    # nothing outside the course: the workers' own folder stays empty and the run's
    # runtime folder (sockets of the sandboxed kernels) is gone
    assert list(cluster.worker_cwd.iterdir()) == []
    # (this test process may have other sandbox users beside the run: only the run's own
    # worker folders are looked for)
    runtime = Path("/tmp") / f"nc-grade-{os.getuid()}" / str(os.getpid())
    assert not runtime.exists() or not list(runtime.glob("w*"))


def test_dask_refuses_a_gradebook_workers_cannot_share(tmp_path, monkeypatch):
    monkeypatch.delenv("NEGOTIATION_COURSE_DB_URL", raising=False)
    course = small_course(tmp_path / "course")
    submit(course, "complete", filled("complete"))
    with pytest.raises(DaskUnavailable, match="PostgreSQL"):
        grade_course(course, progress=False, scheduler="tcp://127.0.0.1:9")
    assert not (course / "grades.csv").exists()  # refused before anything was graded


def test_dask_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(DaskUnavailable, match="cannot reach the Dask scheduler"):
        DaskExecutor(f"tcp://127.0.0.1:{_free_port()}", connect_timeout=2)


ON_THIS_WORKER = textwrap.dedent('''
    import json, os, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from negotiation_course.grading import dask_grading as dg
    from negotiation_course.grading.runner import grade_course
    from tests.support.processes import ZYGOTE, alive, descendants

    class OnThisWorker:
        """This process as a Dask worker: the task function called in it, one pair at a time."""
        seen, closed = [], []
        def grade(self, job, pairs, deadline):
            batch = f"batch-{len(self.closed)}"
            for pair in pairs:
                attempt = dg.grade_on_worker(job, pair, deadline, batch)
                child = dg._CHILD
                self.seen.append({"learner": pair[1], "failure": attempt.failure,
                                  "child": child.pid if child else None,
                                  "zygotes": descendants(child.pid, ZYGOTE) if child else []})
                yield attempt
            last = dg._CHILD
            dg._close_batch(batch)
            end = time.monotonic() + 10
            images = [z for s in self.seen for z in s["zygotes"]]
            while time.monotonic() < end and any(alive(z) for z in images):
                time.sleep(0.1)
            self.closed.append({"child_kept": dg._CHILD is not None,
                                "child_gone": last is None or not alive(last.pid),
                                "folder_left": last is not None and last.folder.exists(),
                                "images_gone": not any(alive(z) for z in images)})

    worker = OnThisWorker()
    rows = grade_course(Path(sys.argv[1]), progress=False, executor=worker,
                        learner_seconds=float(sys.argv[2]))
    print(json.dumps({"seen": worker.seen, "closed": worker.closed,
                      "rows": {r.learner: [r.status, r.score] for r in rows}}))
''')


def test_a_dask_worker_grades_its_pairs_in_one_long_lived_child_with_warm_kernels(tmp_path):
    """What each Dask worker process does with its tasks, without a cluster: one grading
    child serves the batch's pairs (with its pre-warmed kernel image, as a local worker
    does), a pair over the learner's time bound kills that child and the next pair gets a
    new one, and closing the batch stops the child, its image and its folder."""
    from .test_runner import slow_cells

    course = small_course(tmp_path / "course")
    submit(course, "stuck", slow_cells())  # the largest: graded first, then stopped
    for learner in ("complete", "alternative", "blank"):
        submit(course, learner, filled(learner))
    proc = subprocess.run([sys.executable, "-c", ON_THIS_WORKER, str(course), "20",
                           str(COURSE_ROOT)],
                          capture_output=True, text=True, timeout=400, env=env_with_venv(),
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    seen, rows = report["seen"], report["rows"]
    assert [s["learner"] for s in seen][0] == "stuck", seen
    assert seen[0]["failure"] == "timed out" and seen[0]["child"] is None  # killed with it
    children = {s["child"] for s in seen[1:]}
    assert len(children) == 1 and None not in children, seen  # one child for the rest
    if os.geteuid() == 0:  # pre-warmed kernels are for a grader that is root
        kept = set.intersection(*(set(s["zygotes"]) for s in seen[1:]))
        assert kept, seen  # one image, kept from one pair to the next
    assert report["closed"] == [{"child_kept": False, "child_gone": True,
                                 "folder_left": False, "images_gone": True}]
    assert rows["stuck"] == ["error: timed out: grading this learner took longer than 20 s "
                             "(the whole autograde)", 0.0]
    assert rows["complete"] == ["needs review", 1.0]
    assert rows["alternative"][1] == rows["complete"][1]
    assert rows["blank"][1] == 0.0
