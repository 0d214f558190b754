"""The course's autograde pipeline, declared once; ``nbgrader_config.py`` loads it.

Stock ``nbgrader autograde``, ``make grade`` (:mod:`.runner`) and the test harness all run
exactly these lists, because they all read the course directory's ``nbgrader_config.py``,
which calls :func:`declare`; the runner adds no step and moves none (it only sets values:
the per-worker socket folder, the SQLite busy timeout, explicit limits).

Intake (before nbgrader copies or reads a submission): the checks of :mod:`.intake`, run
by nbgrader's own converter for each learner (:func:`install_intake`), so stock ``nbgrader
autograde`` and formgrader's Autograde button refuse what ``make grade`` refuses, with the
same ``error: invalid submission (<why>)``, and grade the others.

Sanitize pass (before anything runs): nbgrader's own steps, plus the duplicate-cell repair
(:mod:`.repair`, before ``DeduplicateIds``) and the answer-key stripping
(:mod:`.preprocessors`, after ``OverwriteCells``). Autograde pass: :class:`GradingExecute`
(nbgrader's ``Execute`` with every kernel in the sandbox, :mod:`.sandbox`), the answer-key
comparison right after it, nbgrader's line limit followed by our byte limit, scoring, then
the learner content made inert (:mod:`.sanitize`).

:class:`GradingExecute` never runs learner code outside the sandbox unless the instructor
opted out on purpose (``NEGOTIATION_COURSE_SANDBOX=off``): where bubblewrap cannot start,
it refuses, naming ``make grade`` and the opt-out, so a stock ``nbgrader autograde`` either
runs sandboxed or grades nobody.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter, NbGraderException
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets import Bool, default

from .. import course
from . import feedback, sandbox
from .config import limits_for, side_files_of, warm_kernels_of
from .intake import learner_problem, submission_problem
from .preprocessors import CheckAnswerKeys, StripAnswerKeys
from .repair import LimitOutputBytes, RepairDuplicateCells
from .sanitize import SanitizeLearnerContent

REFUSAL = ("stock `nbgrader autograde` runs learner code only inside the grading sandbox, "
           "and the sandbox cannot start here: {why}. Grade with `make grade` (python -m "
           "negotiation_course.grading.grade), which checks the same and says what is "
           "missing; set {env}=off only to grade WITHOUT the sandbox on purpose")


class GradingExecute(sandbox.BoundedExecute):
    """nbgrader's Execute with each kernel in the grading sandbox, or a refusal; output
    bytes bounded as they arrive (:class:`.sandbox.BoundedExecute`)."""

    sandbox = Bool(help="Run each kernel in the grading sandbox (default: yes, unless "
                   "NEGOTIATION_COURSE_SANDBOX=off)").tag(config=True)

    @default("sandbox")
    def _sandbox_default(self) -> bool:
        return not sandbox.opted_out()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sandbox:
            self.kernel_manager_class = sandbox.SandboxKernelManager

    def preprocess(self, nb, resources, *args, **kwargs):
        if self.sandbox:
            require_sandbox()
        return super().preprocess(nb, resources, *args, **kwargs)


_READY: list[bool] = []


def require_sandbox(stock: bool = True, fresh: bool = False) -> None:
    """Raise :class:`.sandbox.SandboxUnavailable` (for ``stock`` nbgrader, naming ``make
    grade``), or return. Probed once per process (forked grading workers inherit it)
    unless ``fresh`` (the runner probes at the start of every run)."""
    if _READY and not fresh:
        return
    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable as exc:
        if not stock:
            raise
        raise sandbox.SandboxUnavailable(
            REFUSAL.format(why=str(exc).split("; ")[0].rstrip("."),
                           env=sandbox.OPT_OUT_ENV)) from exc
    if not _READY:
        _READY.append(True)


SANITIZE = [ClearOutput, RepairDuplicateCells, DeduplicateIds, OverwriteKernelspec,
            OverwriteCells, StripAnswerKeys, CheckCellMetadata]
AUTOGRADE = [GradingExecute, CheckAnswerKeys, IgnorePattern, ClearMetadataPreprocessor,
             LimitOutput, LimitOutputBytes, SaveAutoGrades, SanitizeLearnerContent,
             AssignLatePenalties, CheckCellMetadata]


# --- intake in stock nbgrader -------------------------------------------------------------
class InvalidSubmission(NbGraderException):
    """A submission :mod:`.intake` refuses; the message is the learner's status."""


def intake_status(folder: Path, learner: str) -> str:
    """``error: ...`` for ``submitted/<learner>/<assignment>`` when it must not be graded
    ('' when it may): the checks and wording of ``make grade`` (:mod:`.runner`)."""
    problem = learner_problem(learner, folder.parent)
    if problem:
        return f"error: {problem}"
    problem = submission_problem(folder)
    return f"error: invalid submission ({problem})" if problem else ""


def _init_destination_after_intake(self, assignment_id: str, student_id: str) -> bool:
    """nbgrader's ``Autograde.init_destination``, after :func:`intake_status` allows it."""
    excluded = self.coursedir.student_id_exclude
    if excluded and student_id in excluded.split(","):
        return False
    status = intake_status(Path(self._format_source(assignment_id, student_id)), student_id)
    if status:
        self.log.error("Refusing %s / %s: %s", student_id, assignment_id, status)
        raise InvalidSubmission(status)
    # Autograde inherits it: the base class's own is never replaced
    return BaseConverter.init_destination(self, assignment_id, student_id)


def install_intake() -> None:
    """Make nbgrader's ``Autograde`` converter run :func:`intake_status` first (idempotent).

    Why here and not ``Autograde.pre_convert_hook``: in nbgrader 0.9.6
    ``BaseConverter.convert_notebooks`` calls, per submission, ``init_destination`` (which
    reads ``submitted/<learner>/<a>/timestamp.txt``, following links: a FIFO there hangs
    the run, a link to ``/dev/zero`` fills memory), then ``run_pre_convert_hook``, then
    ``init_assignment`` (which copies every file, following links, into ``autograded/``).
    The hook runs before the copy but after that read, and ``run_pre_convert_hook``
    catches every exception and logs it at INFO, so a hook cannot refuse anyone. The
    converter class is not configurable: ``AutogradeApp.start`` and ``NbGraderAPI.autograde``
    (formgrader's Autograde button, ``make grade``) both build ``Autograde`` itself, and
    ``CourseDirectory.student_id_exclude`` (read first) is a list fixed when the config
    loads that skips in silence. So the earliest point is ``init_destination`` itself, the
    first thing nbgrader does with each submission: it is wrapped on the class, so every
    way nbgrader builds the converter gets it. A refusal raises :class:`InvalidSubmission`
    inside nbgrader's own per-submission ``try``: nbgrader logs it, removes that learner's
    ``autograded/`` folder (its failure handling), grades the others and exits 1 naming
    the refused learners. (Before it, ``init_notebooks`` only globs names.) This replaces a
    method of nbgrader's class rather than using a documented hook, so it is tied to the
    pinned nbgrader: ``tests/test_pipeline.py`` runs the stock CLI against it, and
    :func:`problems` names a process where it is not in place.
    """
    if Autograde.init_destination is not _init_destination_after_intake:
        Autograde.init_destination = _init_destination_after_intake


def intake_installed() -> bool:
    return Autograde.init_destination is _init_destination_after_intake


def declare(c, course_dir: Path) -> None:
    """Set the whole pipeline and the sandbox's limits on nbgrader config ``c``, and put
    the intake check in front of nbgrader's converter (:func:`install_intake`)."""
    install_intake()
    c.Autograde.sanitize_preprocessors = list(SANITIZE)
    c.Autograde.autograde_preprocessors = list(AUTOGRADE)
    # The sandbox kills every process of the kernel anyway: waiting ~0.4 s for a polite
    # exit buys nothing.
    c.GradingExecute.shutdown_kernel = "immediate"
    # nbconvert checks the whole notebook against the schema after every one of the ~17
    # steps (a tenth of the grader's CPU per notebook); once, after the last, is enough: a
    # step that breaks the notebook still fails the submission, which is then flagged.
    c.Exporter.optimistic_validation = True
    traits = set(sandbox.SandboxKernelManager.class_trait_names())
    limits = limits_for(Path(course_dir))
    for name, value in asdict(limits).items():
        if name in traits:  # every limit the kernel manager knows how to apply
            c.SandboxKernelManager[name] = value
    c.GradingExecute.output_mb = float(limits.output_mb)
    c.SandboxKernelManager.side_files = side_files_of(Path(course_dir))
    c.SandboxKernelManager.warm_kernels = warm_kernels_of(Path(course_dir))
    c.SandboxKernelManager.course_file = str(course.course_file(Path(course_dir)).resolve())
    # Stock `nbgrader generate_feedback` (formgrader's "Generate feedback" button) hides the
    # hidden tests as `make feedback` does, instead of nbgrader's own list.
    feedback.configure_stock(c, Path(course_dir))


def problems(cfg) -> list[str]:
    """Why a loaded nbgrader config does not run the declared pipeline ([] when it does)."""
    found = []
    for name, wanted in (("sanitize_preprocessors", SANITIZE),
                         ("autograde_preprocessors", AUTOGRADE)):
        have = list(cfg.Autograde.get(name) or [])
        if have != wanted:
            missing = [p.__name__ for p in wanted if p not in have]
            found.append(f"Autograde.{name} is not the list negotiation_course.grading."
                         f"pipeline declares" + (f" (missing {', '.join(missing)})"
                                                  if missing else " (changed order)"))
    if not intake_installed():
        found.append("nbgrader's Autograde does not check submissions first (the course's "
                     "nbgrader_config.py must call negotiation_course.grading.pipeline."
                     "declare)")
    problem = feedback.stock_problem(cfg)
    if problem:
        found.append(problem)
    return found
