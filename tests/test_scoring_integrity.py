"""Only the answer-key comparison scores: hooks, patched recorders and forged records get
nothing, model answers keep full marks, and side files never shadow the kernel or course."""

from __future__ import annotations

import pytest

from negotiation_course.demo import sandbox_cases
from negotiation_course.demo.hostile import expected

from .support.grading_support import HOSTILE, LESSON, graded_course

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_learner_outputs_never_decide_a_score(tmp_path_factory, case):
    g = graded_course(tmp_path_factory)
    row = g.row(f"h-{case}")
    assert (row.status, row.score) == expected(case, LESSON), row


@pytest.mark.parametrize("case", sorted(sandbox_cases.EXPECTED))
def test_each_sandbox_case_ends_with_its_expected_status_and_score(tmp_path_factory, case):
    g = graded_course(tmp_path_factory)
    row = g.row(f"h-{case}")
    assert (row.status, row.score) == sandbox_cases.EXPECTED[case], row


def test_model_answers_still_score_full(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    assert g.row("complete").score == 1 and g.row("alternative").score == 1


def test_side_files_are_not_imported_and_the_notebook_scores_its_answers(tmp_path_factory):
    g = graded_course(tmp_path_factory)
    row = g.row("h-side-files")
    assert not row.is_error and row.score == g.row("complete").score == 1, row
    out = g.outputs("h-side-files")
    assert "FAKE" not in out and "fake ipykernel_launcher" not in out


def test_safe_path_keeps_a_declared_side_package_behind_the_installed_one(tmp_path):
    """Even a side file an assignment declares cannot shadow an installed module."""
    import subprocess
    from pathlib import Path

    from negotiation_course.grading import sandbox

    sandbox.check_available()
    work = tmp_path / "work"
    (work / "negotiation_course").mkdir(parents=True)
    (work / "negotiation_course" / "__init__.py").write_text("FAKE = True\n")
    (work / "ipykernel_launcher.py").write_text("raise SystemExit('fake launcher')\n")
    paths = sandbox.Paths.for_probe()
    paths.workdir, paths.chdir = work, tmp_path / "shown"
    code = ("import sys, negotiation_course, importlib.util as u; "
            "print(hasattr(negotiation_course, 'FAKE'), "
            "u.find_spec('ipykernel_launcher').origin, '' in sys.path)")
    argv = sandbox.sandbox_argv([str(paths.venv / "bin" / "python"), "-P", "-c", code],
                                paths, sandbox.Limits())
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    fake, launcher, cwd_on_path = out.stdout.split()
    assert (fake, cwd_on_path) == ("False", "False"), out
    assert Path(launcher).parent != paths.chdir


def test_only_declared_side_files_are_copied():
    from negotiation_course.grading.sandbox import declared

    assert not declared("ipykernel_launcher.py", [])
    assert declared("offers.csv", ["*.csv"]) and not declared("checks.py", ["*.csv"])


def test_stderr_in_the_test_cells_does_not_zero_correct_answers(tmp_path_factory):
    """nbgrader scores any stderr stream 0; the key comparison alone decides."""
    g = graded_course(tmp_path_factory)
    row = g.row("stderr-complete")
    assert (row.status, row.score) == (g.row("complete").status, 1), row
    assert "LEARNER STDERR" in g.outputs("stderr-complete")  # the learner still reads it
