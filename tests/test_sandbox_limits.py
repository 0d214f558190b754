"""Issue 11, items 5, 6, 8, 10: each kernel's limits bind across all its processes and only
its own; its working folder and /tmp are a small tmpfs; output is bounded as it arrives;
no process visible in the sandbox shows grader paths, the learner id or the grader's
environment. Real kernels, real bwrap, real cgroups, graded through the real pipeline."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from negotiation_course.demo.sandbox_cases import LIMIT_CASES, fork_code
from negotiation_course.demo.sandbox_cases import LIMIT_EXPECTED as EXPECTED
from negotiation_course.grading import kernel_limits
from negotiation_course.grading.outcomes import OutcomeStore
from negotiation_course.grading.sandbox import Limits
from negotiation_course.paths import COURSE_ROOT

from .support.grading_support import (
    LESSON,
    Graded,
    filled,
    notebooks,
    small_course,
    submit,
    with_code,
)

pytestmark = pytest.mark.slow  # real kernels / nbgrader: make test, not make test-fast

SECRET = "postgresql://grader:hunter2-NC-SECRET@db.internal/gradebook"
PROCESSES = 256
ORDINARY = ["complete", "complete-2", "complete-3"]
_GRADED: dict[int, Graded] = {}


def graded_limits(factory) -> Graded:
    """The limit cases and three ordinary learners, graded once with two workers."""
    if id(factory) in _GRADED:
        return _GRADED[id(factory)]
    from negotiation_course.grading.runner import grade_course

    course = small_course(factory.mktemp("limits") / "course")
    # Cells that hold processes or memory on a machine shared with other work: a per-cell
    # limit the holding cells stay well inside even when the machine is loaded.
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.Execute.timeout = 90\n")
    src, rel = notebooks()
    for case, make in LIMIT_CASES.items():
        data = make(copy.deepcopy(src), copy.deepcopy(rel))
        if case == "fork-bomb":  # graded first (largest), so others run while it holds
            nb = nbformat.reads(data, 4)
            nb.cells.append(nbformat.v4.new_markdown_cell("padding " * 40_000))
            data = nbformat.writes(nb).encode()
        submit(course, f"h-{case}", data)
    for name in ORDINARY:
        submit(course, name, filled("complete"))
    os.environ["NC_FAKE_GRADEBOOK_URL"] = SECRET  # the grader's env holds a secret
    try:
        rows = grade_course(course, 2, progress=False,
                            limits={"wall_seconds": 180, "processes": PROCESSES})
    finally:
        os.environ.pop("NC_FAKE_GRADEBOOK_URL", None)
    _GRADED[id(factory)] = Graded(course, rows)
    return _GRADED[id(factory)]


def notes(g: Graded, learner: str) -> list[str]:
    return OutcomeStore(g.course).get(learner, LESSON).notes


def test_this_machine_has_per_kernel_cgroups():
    """The tests below measure the cgroup mechanism; say so if the machine lacks it."""
    plan = kernel_limits.plan()
    if plan.mechanism not in ("cgroup1", "cgroup2"):
        pytest.skip(f"no writable cgroups here: {plan.describe()}")
    assert "per-kernel limits: cgroup" in plan.describe()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_limit_cases_end_with_their_expected_status_and_score(tmp_path_factory, case):
    g = graded_limits(tmp_path_factory)
    row = g.row(f"h-{case}")
    assert (row.status, row.score) == EXPECTED[case], (row, notes(g, f"h-{case}"))


def test_learners_graded_beside_the_fork_bomb_and_memory_hog_keep_full_marks(
        tmp_path_factory):
    g = graded_limits(tmp_path_factory)
    for name in ORDINARY:
        row = g.row(name)
        assert not row.is_error and row.score == 1, row


def test_a_fork_bomb_stops_at_its_own_process_limit(tmp_path_factory):
    g = graded_limits(tmp_path_factory)
    found = re.search(r"FORK REFUSED after (\d+)", g.outputs("h-fork-bomb"))
    assert found, g.outputs("h-fork-bomb")[:2000]
    assert int(found.group(1)) < PROCESSES
    if kernel_limits.plan().binds_memory:  # a cgroup counted it
        assert any(n.startswith("process limit reached") for n in notes(g, "h-fork-bomb"))


def test_three_children_cannot_hold_more_than_the_kernel_limit(tmp_path_factory):
    g = graded_limits(tmp_path_factory)
    found = re.search(r"CHILDREN HELD (\d) of 3", g.outputs("h-memory-children"))
    assert found, g.outputs("h-memory-children")[:2000]
    if not kernel_limits.plan().binds_memory:
        pytest.skip("memory is limited per process only on this machine")
    assert int(found.group(1)) <= 1  # 2 GB for the kernel and all its children
    assert any(n.startswith("memory limit reached") for n in notes(g, "h-memory-children"))


def test_the_working_folder_and_tmp_are_small_and_bounded_in_files(tmp_path_factory):
    g = graded_limits(tmp_path_factory)
    out = g.outputs("h-fill-disk")
    assert "WROTE 2048 MB" not in out and "CREATED 100000" not in out, out
    for mb in re.findall(r"DISK FULL after (\d+) MB", out):
        assert int(mb) <= 64 + 64 + 2  # work_mb + tmp_mb (+ slack), never the host disk
    if os.geteuid() == 0:  # the host tmpfs bounds files too (nr_inodes)
        for n in re.findall(r"FILES REFUSED after (\d+)", out):
            assert int(n) <= Limits().work_files + 64
    # every kernel's tmpfs of this run was unmounted (other runs on the machine may be busy)
    ours = f"/nc-grade-{os.getuid()}/{os.getpid()}/"
    assert not [m for m in Path("/proc/self/mounts").read_text().splitlines()
                if m.startswith("nc-kernel") and ours in m]


#: course.toml [grading] values for one course copy: well below the defaults (64 MB, 512),
#: so a run that ignored them would write or fork far past the bounds asserted below.
COURSE_TMP_MB = 16
COURSE_PROCESSES = 48
TMP_AND_FORK = r"""
import os, time
from pathlib import Path
def fill(mb):
    done = 0
    try:
        for i in range(mb):  # 1 MB files: file_mb (64) never stops it, only the tmpfs
            (Path("/tmp") / f"t-{i}.bin").write_bytes(b"x" * 1024 * 1024)
            done += 1
    except OSError as exc:
        print("TMP REFUSED", type(exc).__name__)
    for i in range(done + 1):
        (Path("/tmp") / f"t-{i}.bin").unlink(missing_ok=True)
    return done
below = __BELOW__
print("TMP BELOW", fill(below), "of", below)
print("TMP FILLED", fill(400))
""" + fork_code(2000, 3)


def _tmp_bound(work_mb: int) -> int:
    """What the kernel may write to /tmp (MB): grading as root, /tmp and the working
    folder are one tmpfs of work_mb + tmp_mb (sandbox.SandboxKernelManager._prepare_dirs);
    otherwise /tmp is a bubblewrap tmpfs of tmp_mb alone (sandbox.sandbox_argv)."""
    return work_mb + COURSE_TMP_MB if os.geteuid() == 0 else COURSE_TMP_MB


def test_course_toml_tmp_mb_and_processes_bind_a_real_kernel(tmp_path):
    """course.toml [grading] tmp_mb and processes, at values other than the defaults,
    reach the sandboxed kernel through the declared pipeline (pipeline.declare) and bind:
    a write to /tmp below the bound succeeds in full, writing on stops at the bound, and
    forking stops below the course's process limit."""
    from negotiation_course.grading.config import limits_for
    from negotiation_course.grading.runner import grade_course

    course = small_course(tmp_path / "course")
    toml = course / "course.toml"
    text, n = re.subn(r"(?m)^tmp_mb = \d+", f"tmp_mb = {COURSE_TMP_MB}", toml.read_text())
    text, m = re.subn(r"(?m)^processes = \d+", f"processes = {COURSE_PROCESSES}", text)
    assert n == m == 1
    toml.write_text(text)
    limits = limits_for(course)
    assert (limits.tmp_mb, limits.processes) == (COURSE_TMP_MB, COURSE_PROCESSES)
    assert Limits().tmp_mb > COURSE_TMP_MB and Limits().processes > 4 * COURSE_PROCESSES
    bound = _tmp_bound(limits.work_mb)
    below = bound - 8
    submit(course, "tmp-small", with_code(TMP_AND_FORK.replace("__BELOW__", str(below))))
    rows = grade_course(course, 1, progress=False)  # no limits passed: course.toml only
    g = Graded(course, rows)
    assert g.row("tmp-small").status == "graded", g.row("tmp-small")
    out = g.outputs("tmp-small")
    assert f"TMP BELOW {below} of {below}" in out, out
    filled_mb = int(re.search(r"TMP FILLED (\d+)", out).group(1))
    # the kernel's own folder (sockets, log, stubs, font cache) shares the root tmpfs
    assert bound - 8 <= filled_mb <= bound + 2, (filled_mb, bound)
    forked = re.search(r"FORK REFUSED after (\d+)", out)
    assert forked, out
    assert 0 < int(forked.group(1)) < COURSE_PROCESSES


def test_a_print_flood_is_cut_as_it_arrives_and_flagged(tmp_path_factory):
    g = graded_limits(tmp_path_factory)
    out = g.outputs("h-print-flood")
    assert "[output limit reached" in out
    assert "PRINTED 600 MB" not in out
    assert any(n.startswith("output limit reached") for n in notes(g, "h-print-flood"))
    path = g.course / "autograded" / "h-print-flood" / LESSON / f"{LESSON}.ipynb"
    assert path.stat().st_size < 12 * 1024 * 1024


def test_no_visible_process_shows_grader_paths_the_learner_id_or_secrets(tmp_path_factory):
    g = graded_limits(tmp_path_factory)
    out = g.outputs("h-proc-snoop")
    assert "SNOOP" in out
    cmdline_1 = next(line for line in out.splitlines() if line.startswith("1/cmdline"))
    # PID 1 is bwrap reading its options from fd 3 (a cold kernel) or the kernel itself,
    # a child of the pre-warmed image (whose command line names no bind, path or id)
    assert ("--args 3" in cmdline_1
            or cmdline_1.split()[-3:] == ["-P", "-m", "negotiation_course.grading.zygote"][-3:]
            ), cmdline_1
    for leak in ("hunter2-NC-SECRET", "h-proc-snoop", str(g.course), "submitted",
                 "autograded", "gradebook", "nc-grade-"):
        assert leak not in out, leak


WORKER = textwrap.dedent("""
    import json, resource, sys, nbformat
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor
    from traitlets.config import Config
    from negotiation_course.grading.sandbox import SandboxedExecute
    from negotiation_course.grading.events import take_events
    cfg = Config()
    cfg.SandboxedExecute.output_mb = 8.0
    cells = [nbformat.v4.new_code_cell(c) for c in json.loads(sys.argv[1])]
    nb = nbformat.v4.new_notebook(cells=cells)
    try:
        SandboxedExecute(timeout=120, shutdown_kernel="immediate", config=cfg).preprocess(
            nb, {"metadata": {"path": sys.argv[2]}})
        error = ""
    except Exception as exc:  # a dead kernel, as nbgrader would see it
        error = type(exc).__name__
    CoalesceStreamsPreprocessor().preprocess(nb, {})  # one print flushed in pieces: one text
    print(json.dumps({"error": error, "outputs": [o.get("text") or o.get("evalue") or ""
                                  for c in nb.cells for o in c.outputs],
                      "events": take_events(),
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def run_worker(tmp_path: Path, cells: list[str], env: dict | None = None) -> dict:
    """Execute cells in a sandboxed kernel from a fresh grading process; its own report."""
    folder = tmp_path / LESSON
    folder.mkdir(exist_ok=True)
    proc = subprocess.run([sys.executable, "-c", WORKER, json.dumps(cells), str(folder)],
                          capture_output=True, text=True, timeout=300, cwd=COURSE_ROOT,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_two_and_a_half_gigabytes_of_output_never_accumulate_in_the_worker(tmp_path):
    # flushed line by line, so it streams as 2,500 messages of 1 MB (each under the
    # message cap), the way a kernel sends a long-running print loop
    flood = ("import sys\nline = 'y' * (1024 * 1024 - 1) + '\\n'\n"
             "for _ in range(2500):\n    sys.stdout.write(line)\n    sys.stdout.flush()\n"
             "print('DONE')")
    small = run_worker(tmp_path, ["print('before')", "raise ValueError('verdict')"])
    report = run_worker(tmp_path, ["print('before')", flood, "raise ValueError('verdict')"])
    assert report["outputs"][0] == "before\n", report
    assert any("[output limit reached" in o for o in report["outputs"]), report
    assert report["outputs"][-1] == "verdict"  # errors (a hidden test's verdict) still kept
    assert not any("DONE" in o for o in report["outputs"])
    assert any(e.startswith("output limit reached") for e in report["events"])
    # 2,500 MB were printed; the queues may hold at most ~256 MB (see SandboxKernelManager.
    # client), measured against the same worker with a small output
    assert report["maxrss_mb"] < small["maxrss_mb"] + 512, (report["maxrss_mb"],
                                                            small["maxrss_mb"])


def test_one_giant_message_never_reaches_the_worker_and_the_next_cell_is_graded(tmp_path):
    small = run_worker(tmp_path, ["print('y' * 300)", "raise ValueError('verdict')"])
    report = run_worker(tmp_path, ["print('y' * 300_000_000)", "raise ValueError('verdict')"])
    assert report["error"] == "", report["error"]
    assert any("[output limit reached" in o for o in report["outputs"]), report
    assert report["outputs"][-1] == "verdict"
    # one 300 MB message was sent: the worker's peak grew by far less than that
    assert report["maxrss_mb"] - small["maxrss_mb"] < 200, (report["maxrss_mb"],
                                                            small["maxrss_mb"])


def test_a_distinct_uid_per_kernel_when_cgroups_are_not_used(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("changing uid needs root")
    code = ("import os, time\nprint(os.getuid())\nkids = []\ntry:\n"
            "    for _ in range(1000):\n        pid = os.fork()\n"
            "        if pid == 0:\n            time.sleep(2)\n            os._exit(0)\n"
            "        kids.append(pid)\nexcept OSError:\n    pass\n"
            "print('FORKED', len(kids))\nfor p in kids:\n    os.waitpid(p, 0)")
    report = run_worker(tmp_path, [code],
                        {kernel_limits.FORCE_ENV: "uid"})
    text = "".join(report["outputs"])
    uid = int(re.search(r"^(\d+)$", text, re.M).group(1))
    assert kernel_limits.UID_BASE <= uid < kernel_limits.UID_BASE + kernel_limits.UID_SLOTS
    assert int(re.search(r"FORKED (\d+)", text).group(1)) < 512  # its own uid's NPROC


def test_without_per_kernel_limits_a_dead_kernel_is_reported_as_possibly_shared(tmp_path):
    report = run_worker(tmp_path, ["import os\nos._exit(3)"],
                        {kernel_limits.FORCE_ENV: "none"})
    cause = kernel_limits.shared_resource_cause(report["events"])
    assert report["error"] == "DeadKernelError"
    assert cause and "shares one process limit" in cause, report


def test_the_log_line_says_plainly_when_nothing_binds_per_kernel():
    line = kernel_limits.Plan("none", why="no writable cgroup").describe()
    assert line.startswith("NO per-kernel limits") and "shared resource" in line
    assert "memory is limited per process only" in kernel_limits.Plan(
        "uid", why="x").describe()
