"""One grading pipeline: the one nbgrader_config.py declares, for stock nbgrader and make grade.

Stock ``nbgrader autograde`` runs every kernel in the sandbox, or refuses (naming
``make grade``) where the sandbox cannot start; ``make grade`` runs the same lists, adds no
step, and refuses a course whose nbgrader_config.py changed them.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import nbformat
import pytest

from negotiation_course.demo import intake_cases
from negotiation_course.demo.sandbox_cases import MARKER_FILE, SANDBOX_CASES
from negotiation_course.grading import pipeline
from negotiation_course.grading.config import load_config, make_api
from negotiation_course.grading.sandbox import OPT_OUT_ENV
from negotiation_course.instructor.nbgrader_cli import nbgrader
from negotiation_course.paths import COURSE_ROOT

from .support.grading_support import (
    LESSON,
    filled,
    notebooks,
    small_course,
    submit,
    with_code,
)

#: Can learner code see the course's source/ (model answers, answer keys)?
PROBE = """
from pathlib import Path
seen = [p for p in Path.cwd().parents if any((p / "source").glob("*/*.ipynb"))]
print("SOURCE VISIBLE" if seen else "SOURCE HIDDEN")
"""


def test_nbgrader_config_declares_the_whole_pipeline():
    cfg = load_config(COURSE_ROOT)
    assert cfg.Autograde.sanitize_preprocessors == pipeline.SANITIZE
    assert cfg.Autograde.autograde_preprocessors == pipeline.AUTOGRADE
    assert pipeline.problems(cfg) == []
    names = [p.__name__ for p in pipeline.AUTOGRADE]
    assert names[:2] == ["GradingExecute", "CheckAnswerKeys"]
    assert names.index("LimitOutput") + 1 == names.index("LimitOutputBytes")
    sanitize = [p.__name__ for p in pipeline.SANITIZE]
    assert sanitize.index("RepairDuplicateCells") + 1 == sanitize.index("DeduplicateIds")
    assert sanitize.index("OverwriteCells") + 1 == sanitize.index("StripAnswerKeys")
    # the sandbox limits of course.toml [grading] are part of the declaration
    assert cfg.SandboxKernelManager.wall_seconds == 120


def test_make_grade_sets_values_on_the_declared_pipeline_and_adds_no_step():
    from negotiation_course.grading.runner import _overrides

    over = _overrides(COURSE_ROOT, True, {"wall_seconds": 8, "memory_mb": None})
    assert "Autograde" not in over  # no preprocessor list of its own
    assert over.SandboxKernelManager.wall_seconds == 8
    api = make_api(COURSE_ROOT, over)
    assert api.config.Autograde.autograde_preprocessors == pipeline.AUTOGRADE
    assert api.config.Autograde.sanitize_preprocessors == pipeline.SANITIZE
    assert pipeline.problems(api.config) == []


def test_a_changed_list_is_named():
    cfg = copy.deepcopy(load_config(COURSE_ROOT))
    cfg.Autograde.autograde_preprocessors = [p for p in pipeline.AUTOGRADE
                                             if p is not pipeline.GradingExecute]
    (problem,) = pipeline.problems(cfg)
    assert "autograde_preprocessors" in problem and "missing GradingExecute" in problem


def test_the_intake_check_runs_first_in_nbgraders_converter(monkeypatch, tmp_path):
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import BaseConverter

    load_config(COURSE_ROOT)  # nbgrader_config.py calls declare, which installs it
    assert pipeline.intake_installed()
    monkeypatch.setattr(Autograde, "init_destination", BaseConverter.init_destination)
    assert pipeline.problems(load_config(COURSE_ROOT)) == []  # loading it installs it again
    cfg = load_config(COURSE_ROOT)
    monkeypatch.setattr(Autograde, "init_destination", BaseConverter.init_destination)
    (problem,) = pipeline.problems(cfg)
    assert "does not check submissions first" in problem
    # a learner folder that is a link is refused, as make grade refuses it
    (tmp_path / "real" / LESSON).mkdir(parents=True)
    (tmp_path / "submitted").mkdir()
    (tmp_path / "submitted" / "ada").symlink_to(tmp_path / "real")
    assert pipeline.intake_status(tmp_path / "submitted" / "ada" / LESSON, "ada") == \
        "error: invalid submission (the learner folder is not a plain folder)"
    assert pipeline.intake_status(tmp_path / "real" / LESSON, "*").startswith(
        "error: invalid learner id")


def test_stock_generate_feedback_is_declared_to_hide_hidden_tests():
    from nbgrader.preprocessors import GetGrades

    from negotiation_course.grading.feedback import HideHiddenTests

    cfg = copy.deepcopy(load_config(COURSE_ROOT))
    assert cfg.GenerateFeedback.preprocessors[0] is HideHiddenTests
    assert cfg.HideHiddenTests.course_dir == str(COURSE_ROOT)
    cfg.GenerateFeedback.preprocessors = [GetGrades]  # nbgrader's own (shows hidden tests)
    (problem,) = pipeline.problems(cfg)
    assert "HideHiddenTests" in problem and "`make feedback`" in problem


def _autograded_text(course: Path, learner: str) -> str:
    path = course / "autograded" / learner / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, 4)
    return "\n".join(str(o.get("text", "")) for c in nb.cells for o in c.get("outputs", []))


def _hostile(case: str) -> bytes:
    src, rel = notebooks()
    return SANDBOX_CASES[case](copy.deepcopy(src), copy.deepcopy(rel))


@pytest.mark.slow
def test_stock_nbgrader_autograde_runs_every_kernel_in_the_sandbox(tmp_path):
    course = small_course(tmp_path / "course")
    submit(course, "reader", with_code(PROBE))
    nbgrader(course, "generate_assignment", "--force", LESSON)
    nbgrader(course, "autograde", LESSON, "--create")
    assert "SOURCE HIDDEN" in _autograded_text(course, "reader")
    # control: the same stock command with the instructor's explicit opt-out shows source/
    nbgrader(course, "autograde", LESSON, "--create", "--force", env={OPT_OUT_ENV: "off"})
    assert "SOURCE VISIBLE" in _autograded_text(course, "reader")


@pytest.mark.slow
def test_stock_nbgrader_autograde_refuses_a_hostile_submission_and_grades_the_others(tmp_path):
    """Stock ``nbgrader autograde`` (and formgrader's Autograde button, which runs the same
    converter) checks each submission as ``make grade`` does, before it copies or reads
    anything: a link to the source notebook, or a notebook that is itself that link, is
    refused by name and never reaches autograded/; the honest learner is graded."""
    from nbgrader.api import Gradebook

    course = small_course(tmp_path / "course")
    submit(course, "honest", filled("complete"))
    good = filled("complete")
    for case in ("link-to-source", "notebook-is-link"):
        intake_cases.CASES[case](course, course / "submitted" / f"h-{case}" / LESSON,
                                 LESSON, good)
    nbgrader(course, "generate_assignment", "--force", LESSON)
    proc = nbgrader(course, "autograde", LESSON, "--create", check=False)
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0, said[-3000:]  # nbgrader reports the refused learners
    for case in ("link-to-source", "notebook-is-link"):
        assert intake_cases.expected(case, LESSON) in said, said[-3000:]
        assert not (course / "autograded" / f"h-{case}").exists()
        assert f"for student 'h-{case}'" in said
    assert "SOURCE" not in said and "answer-key" not in said
    assert (course / "autograded" / "honest" / LESSON / f"{LESSON}.ipynb").is_file()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(LESSON, "honest")
        assert sub.code_score == sub.max_code_score > 0


@pytest.mark.slow
def test_stock_nbgrader_autograde_refuses_where_the_sandbox_cannot_start(tmp_path):
    course = small_course(tmp_path / "course")
    submit(course, "writer", _hostile("write-outside"))
    nbgrader(course, "generate_assignment", "--force", LESSON)
    no_bwrap = {"PATH": str(Path(sys.executable).parent)}  # no bwrap, no prlimit on PATH
    proc = nbgrader(course, "autograde", LESSON, "--create", check=False, env=no_bwrap)
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "the sandbox cannot start here" in said and "`make grade`" in said, said[-3000:]
    assert not (course / MARKER_FILE).exists()  # the learner's code never ran
    assert not (course / "autograded" / "writer" / LESSON / f"{LESSON}.ipynb").exists()


@pytest.mark.slow
def test_make_grade_refuses_a_course_whose_config_changed_the_pipeline(tmp_path, capsys):
    from negotiation_course.grading.runner import main

    course = small_course(tmp_path / "course")
    submit(course, "ada", _hostile("read-source"))
    with (course / "nbgrader_config.py").open("a") as fh:
        fh.write("\nfrom nbgrader.preprocessors import Execute\n"
                 "c.Autograde.autograde_preprocessors = [Execute if p is "
                 "pipeline.GradingExecute else p for p in pipeline.AUTOGRADE]\n")
    assert main(["--course-dir", str(course), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "refusing to grade" in err and "missing GradingExecute" in err
    assert not (course / "autograded").exists()
    assert os.environ.get(OPT_OUT_ENV) is None
