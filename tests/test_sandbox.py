"""The grading sandbox: learner code cannot read secrets, hog memory, stay behind, write
outside its folder, use the network or run forever, and never scores above the release."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from negotiation_course.demo.sandbox_cases import MARKER_FILE, SLEEP_SECONDS
from negotiation_course.grading import sandbox
from negotiation_course.grading.grade import grade_course

from .support.grading_support import (
    LESSON,
    WALL_SECONDS,
    Graded,
    filled,
    graded_course,
    small_course,
    submit,
)

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

CONTAINED = ["h-read-source", "h-allocate-12gb", "h-leave-process", "h-write-outside",
             "h-wall-clock", "h-network"]


@pytest.mark.parametrize("learner", CONTAINED)
def test_sandbox_cases_score_no_higher_than_the_untouched_release(tmp_path_factory, learner):
    g = graded_course(tmp_path_factory)
    assert g.row(learner).score <= g.row("blank").score


def test_source_gradebook_and_other_learners_are_invisible(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    assert "READ 0 files, 0 keys" in g.outputs("h-read-source")


def test_twelve_gigabytes_are_refused(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    assert "MEMORY REFUSED" in g.outputs("h-allocate-12gb")
    assert "ALLOCATED" not in g.outputs("h-allocate-12gb")


def processes_running(argv: list[str]) -> list[int]:
    """PIDs whose command line is exactly ``argv`` (every process on the machine is read,
    but only this exact command matches; SLEEP_SECONDS is unique to this test run)."""
    wanted = "\0".join(argv).encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes() == wanted:
                    found.append(int(entry.name))
            except OSError:  # ended meanwhile, or not ours to read
                pass
    return found


def test_no_process_is_left_behind(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    assert "STARTED background processes" in g.outputs("h-leave-process")
    # the scan sees such a process when there is one (a marker no grading run uses)
    other = ["sleep", str(SLEEP_SECONDS + 1_000_000)]
    probe = subprocess.Popen(other)
    try:
        deadline = time.monotonic() + 10
        while not processes_running(other) and time.monotonic() < deadline:
            time.sleep(0.05)  # until the child has exec'd sleep
        assert processes_running(other) == [probe.pid]
    finally:
        probe.kill()
        probe.wait()
    assert processes_running(["sleep", str(SLEEP_SECONDS)]) == []


def test_writes_outside_the_learners_folder_never_reach_the_course(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    out = g.outputs("h-write-outside")
    assert "REFUSED" in out or "WROTE" in out  # it ran
    from negotiation_course import paths

    for place in (g.course, g.course / "submitted", paths.PACKAGE_DIR,
                  g.course / "autograded" / "h-write-outside"):
        assert not (place / MARKER_FILE).exists(), place
    assert g.row("complete").score == 1  # the gradebook was not damaged


def test_network_is_cut_off(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    assert "NETWORK BLOCKED" in g.outputs("h-network")


def test_wall_clock_limit_covers_the_whole_notebook(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    row = g.row("h-wall-clock")
    assert row.status == f"error: timed out: the notebook ran longer than {WALL_SECONDS} s"


def test_grading_refuses_without_a_sandbox_unless_the_instructor_opts_out(tmp_path,
                                                                          monkeypatch):
    """No bubblewrap: grading refuses and grades nothing; with the instructor's explicit
    opt-out the same course is graded, unsandboxed, with the grade the answers earn."""
    course = small_course(tmp_path / "course")
    nb = nbformat.reads(filled("complete"), 4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nprint('CWD', os.getcwd())"))
    submit(course, "complete", nbformat.writes(nb).encode())
    real_which = shutil.which
    monkeypatch.setattr(sandbox.shutil, "which",
                        lambda name: None if name == "bwrap" else real_which(name))
    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
        grade_course(course, 1, progress=False)
    assert not (course / "autograded").exists() and not (course / "grades.csv").exists()

    monkeypatch.setenv(sandbox.OPT_OUT_ENV, "off")
    rows = grade_course(course, 1, progress=False)
    g = Graded(course, rows)
    row = g.row("complete")
    # the autograded point earned; the hand-graded parts wait for the instructor
    assert (row.score, row.max_score, row.status) == (1, 3, "needs review"), rows
    # the kernel ran outside the sandbox: in the learner's own autograded folder, not at
    # the sandbox's neutral /home/learner/<assignment>
    cwd = re.search(r"^CWD (.+)$", g.outputs("complete"), re.M).group(1)
    assert Path(cwd).resolve() == (course / "autograded" / "complete" / LESSON).resolve()
    [written] = csv.DictReader((course / "grades.csv").open())
    assert (written["learner"], written["score"]) == ("complete", "1")
