"""The outcome store lives outside build/ (make clean keeps it), where course.toml says, and
failed autogrades get a short reason an instructor can act on."""

from __future__ import annotations

import json
import shutil

import pytest

from negotiation_course.course import CourseFileError
from negotiation_course.grading.outcomes import Outcome, OutcomeStore, store_path
from negotiation_course.grading.runner import classify_failure
from negotiation_course.paths import COURSE_ROOT


def _course(tmp_path, grading: str = ""):
    course = tmp_path / "course"
    course.mkdir()
    text = (COURSE_ROOT / "course.toml").read_text(encoding="utf-8")
    if grading:
        text = text.replace("[grading]\n", "[grading]\n" + grading + "\n", 1)
        text = text.replace('outcomes = "grading-state/outcomes.json"\n', "", 1)
    (course / "course.toml").write_text(text, encoding="utf-8")
    return course


def test_the_store_survives_make_clean(tmp_path):
    course = _course(tmp_path)
    store = OutcomeStore(course)
    store.put(Outcome("ada", "lesson-00-welcome", "abc", True))
    assert store.path == course / "grading-state" / "outcomes.json"
    assert "build" not in store.path.relative_to(course).parts
    shutil.rmtree(course / "build", ignore_errors=True)  # what make clean does
    assert OutcomeStore(course).get("ada", "lesson-00-welcome").fingerprint == "abc"


def test_the_store_goes_where_course_toml_says(tmp_path):
    elsewhere = tmp_path / "state" / "o.json"
    course = _course(tmp_path, f'outcomes = "{elsewhere}"')
    assert store_path(course) == elsewhere
    store = OutcomeStore(course)
    store.put(Outcome("ada", "a", "f", False, "kernel died"))
    assert store.journal.parent == elsewhere.parent  # the journal lives beside it
    store.compact()
    assert json.loads(elsewhere.read_text())[0]["reason"] == "kernel died"
    assert not store.journal.exists()


def test_each_outcome_is_on_disk_once_put_and_costs_one_line(tmp_path):
    """put() appends one line (not a rewrite of every outcome): a reader, or a run after a
    crash, sees each outcome once it is put; the last word on a pair wins; a line cut
    short by a crash is ignored; compacting keeps every outcome and empties the journal."""
    course = _course(tmp_path)
    store = OutcomeStore(course)
    for i in range(50):
        store.put(Outcome(f"l{i:02d}", "a", "f", True))
    store.put(Outcome("l07", "a", "g", False, "kernel died"))
    assert not store.path.exists()  # no snapshot rewritten per outcome
    lines = store.journal.read_text().splitlines()
    assert len(lines) == 51 and json.loads(lines[-1])["learner"] == "l07"
    with store.journal.open("a") as fh:
        fh.write('{"learner": "torn", "assignment": "a", "finger')  # a crash mid-line
    seen = OutcomeStore(course)
    assert len(seen.outcomes) == 50 and seen.get("torn", "a") is None
    assert (seen.get("l07", "a").fingerprint, seen.get("l07", "a").reason) == \
        ("g", "kernel died")
    seen.compact()
    assert not seen.journal.exists()
    again = OutcomeStore(course)
    assert again.outcomes == seen.outcomes
    again.put(Outcome("l50", "a", "f", True))
    assert len(OutcomeStore(course).outcomes) == 51


def test_a_bad_outcomes_setting_is_refused(tmp_path):
    course = _course(tmp_path, "outcomes = 3")
    with pytest.raises(CourseFileError, match="outcomes"):
        store_path(course)


def test_a_store_left_in_build_is_moved_once(tmp_path):
    course = _course(tmp_path)
    old = course / "build" / "grading" / "status.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps([{"learner": "ada", "assignment": "a", "fingerprint": "f",
                                "ok": True, "reason": "", "notes": [], "seconds": 1.0}]))
    assert OutcomeStore(course).get("ada", "a").ok
    assert not old.exists() and store_path(course).exists()


@pytest.mark.parametrize("log, reason", [
    ("nbclient.exceptions.DeadKernelError: Kernel died", "kernel died"),
    ("RuntimeError: Kernel didn't respond in 60 seconds", "kernel did not start"),
    ("sqlite3.OperationalError: database is locked", "gradebook busy (database is locked)"),
    ("[ERROR] Timeout waiting for execute reply (20s).\nnbclient.exceptions.CellTimeoutError: "
     "A cell timed out\nnbgrader.converters.base.NbGraderException: Please see the above",
     "timed out (a cell ran past the per-cell limit and could not be interrupted)"),
    ("json.decoder.JSONDecodeError: Expecting value",
     "invalid notebook (not readable as a Jupyter notebook)"),
])
def test_failures_are_named(log, reason):
    assert classify_failure(log, "", []) == reason


def test_a_timeout_note_wins():
    assert classify_failure("Kernel died", "", ["timed out: the notebook ran longer than 8 s"]) \
        == "timed out: the notebook ran longer than 8 s"


def test_make_clean_removes_nothing_the_store_lives_in():
    lines = (COURSE_ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    recipe = lines[next(i for i, ln in enumerate(lines) if ln.startswith("clean:")) + 1]
    removed = recipe.split("rm -rf", 1)[1].split()
    top = store_path(COURSE_ROOT).relative_to(COURSE_ROOT).parts[0]
    assert removed and top not in removed and "build" in removed
