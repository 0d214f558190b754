"""The grading sandbox: learner code cannot read secrets, hog memory, stay behind, write
outside its folder, use the network or run forever, and never scores above the release."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from negotiation_course.demo.sandbox_cases import MARKER_FILE, SLEEP_SECONDS
from negotiation_course.grading import sandbox
from negotiation_course.grading.grade import grade_course

from .support.grading_support import WALL_SECONDS, graded_course

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


def test_no_process_is_left_behind(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    assert "STARTED background processes" in g.outputs("h-leave-process")
    found = subprocess.run(["pgrep", "-f", f"sleep {SLEEP_SECONDS}"], capture_output=True,
                           text=True)
    assert found.stdout.strip() == ""


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
    real_which = shutil.which
    monkeypatch.setattr(sandbox.shutil, "which",
                        lambda name: None if name == "bwrap" else real_which(name))
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
        grade_course(tmp_path, 1, progress=False)
    monkeypatch.setenv(sandbox.OPT_OUT_ENV, "off")
    assert sandbox.opted_out()
