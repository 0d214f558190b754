"""Issue 11, item 11: grading as a non-root grader account (as on a hub), the sandbox still
holds, and the environment bubblewrap was started with (a gradebook URL with a password in
it) is not readable from inside, in /proc/<pid>/environ of any process the kernel sees."""

from __future__ import annotations

import copy
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat
import pytest

from negotiation_course.demo.sandbox_cases import LIMIT_CASES, MARKER_FILE, SANDBOX_CASES
from negotiation_course.grading import kernel_limits

from .support.grading_support import LESSON, filled, notebooks, small_course, submit
from .support.unix_users import remove_users, require_root, unique

pytestmark = pytest.mark.slow  # real kernels / nbgrader / Unix users

SECRET = "postgresql://grader:hunter2-NONROOT-SECRET@db.internal/gradebook"

GRADE = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from negotiation_course.grading.runner import grade_course
    from negotiation_course.grading.outcomes import OutcomeStore
    course = Path(sys.argv[1])
    rows = grade_course(course, 1, progress=False,
                        limits={"wall_seconds": 180, "processes": 128})
    store = OutcomeStore(course)
    print(json.dumps([{"learner": r.learner, "status": r.status, "score": r.score,
                       "notes": (store.get(r.learner, r.assignment) or
                                 type("o", (), {"notes": []})).notes} for r in rows]))
""")


def _outputs(course: Path, learner: str) -> str:
    path = course / "autograded" / learner / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, 4)
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells for o in c.get("outputs", []))


@pytest.fixture(params=["undelegated", "delegated-cgroups"])
def grader_account(request):
    require_root()
    name = unique("ncg")
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True,
                   capture_output=True)
    base = Path(tempfile.mkdtemp(prefix="nc-nonroot-", dir="/tmp"))
    folders, env = [], {}
    try:
        if request.param == "delegated-cgroups":
            if kernel_limits.plan().mechanism != "cgroup1":
                pytest.skip("delegation is shown for cgroup v1 (this machine: "
                            f"{kernel_limits.plan().describe()})")
            folders = kernel_limits.delegate(name)
            env[kernel_limits.PARENT_ENV] = f"{kernel_limits.DEFAULT_PARENT}-{name}"
        yield pwd.getpwnam(name), base, env
    finally:
        remove_users([name])
        kernel_limits.undelegate(folders)
        shutil.rmtree(base, ignore_errors=True)


def test_sandbox_holds_when_grading_as_a_non_root_account(grader_account):
    user, base, extra_env = grader_account
    course = small_course(base / "course")
    config = course / "nbgrader_config.py"  # holding cells stay inside it on a busy machine
    config.write_text(config.read_text() + "\nc.Execute.timeout = 90\n")
    src, rel = notebooks()
    submit(course, "complete", filled("complete"))
    submit(course, "h-proc-snoop", LIMIT_CASES["proc-snoop"](copy.deepcopy(src),
                                                            copy.deepcopy(rel)))
    submit(course, "h-fork-bomb", LIMIT_CASES["fork-bomb"](copy.deepcopy(src),
                                                          copy.deepcopy(rel)))
    submit(course, "h-fill-kernel-folder",
           LIMIT_CASES["fill-kernel-folder"](copy.deepcopy(src), copy.deepcopy(rel)))
    for case in ("read-source", "write-outside"):
        submit(course, f"h-{case}", SANDBOX_CASES[case](copy.deepcopy(src),
                                                        copy.deepcopy(rel)))
    for path in [base, *base.rglob("*")]:
        os.lchown(path, user.pw_uid, user.pw_gid)
    env = {"PATH": "/usr/bin:/bin", "HOME": user.pw_dir, "LANG": "C.UTF-8",
           "USER": user.pw_name, "NC_FAKE_GRADEBOOK_URL": SECRET, **extra_env}
    proc = subprocess.run(
        ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups",
         "--", sys.executable, "-c", GRADE, str(course)],
        env=env, cwd=base, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the grader says which per-kernel limits it has: none for an undelegated account
    # (plainly), its own cgroups once root delegated them
    if extra_env:
        assert "grading sandbox: per-kernel limits: cgroup v1" in proc.stderr, proc.stderr
    else:
        assert "grading sandbox: NO per-kernel limits" in proc.stderr, proc.stderr
    rows = {r["learner"]: r for r in json.loads(proc.stdout.strip().splitlines()[-1])}
    assert rows["complete"]["score"] == 1 and not rows["complete"]["status"].startswith(
        "error"), rows
    for learner in ("h-proc-snoop", "h-read-source", "h-write-outside", "h-fork-bomb",
                    "h-fill-kernel-folder"):
        assert rows[learner]["score"] == 0 and rows[learner]["status"] == "graded", rows

    snoop = _outputs(course, "h-proc-snoop")
    environs = [line for line in snoop.splitlines() if "/environ:" in line]
    assert environs and any(line.startswith("1/environ") for line in environs), snoop
    for leak in ("hunter2-NONROOT-SECRET", "NC_FAKE_GRADEBOOK_URL", "h-proc-snoop",
                 str(course), "submitted", "autograded"):
        assert leak not in snoop, leak
    assert "READ 0 files, 0 keys" in _outputs(course, "h-read-source")
    # the one folder the kernel must write into (its sockets) is in memory, never the
    # host's disk: a learner cannot fill the disk through it
    filled_folder = _outputs(course, "h-fill-kernel-folder")
    assert "KERNEL FOLDER ON tmpfs" in filled_folder, filled_folder
    found = re.search(r"FORK REFUSED after (\d+)", _outputs(course, "h-fork-bomb"))
    assert found and int(found.group(1)) < 128
    assert not (course / MARKER_FILE).exists()
    assert not (course / "submitted" / MARKER_FILE).exists()
