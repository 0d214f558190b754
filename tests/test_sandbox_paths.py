"""A course, venv or data folder anywhere on the host, ``/tmp`` included, is visible to the
sandboxed kernel: every folder bubblewrap creates on the way to a mount point can be
crossed by the kernel's account (nobody when grading runs as root)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from negotiation_course.grading.sandbox import Limits, Paths, _runs_as_root, sandbox_argv
from negotiation_course.paths import data_dir

from .test_sandbox_limits import run_worker


def _chmodded(argv: list[str]) -> set[str]:
    return {argv[i + 2] for i, a in enumerate(argv) if a == "--chmod" and argv[i + 1] == "0755"}


@pytest.mark.parametrize("tmp_in_kernel_folder", [False, True])
def test_parents_of_mount_points_under_tmp_are_opened(tmp_in_kernel_folder, monkeypatch):
    monkeypatch.setattr("negotiation_course.grading.sandbox._runs_as_root", lambda: True)
    paths = Paths(venv=Path("/tmp/clone/c/.venv"), python_home=Path("/usr"),
                  package=Path("/tmp/clone/c/negotiation_course"),
                  data=Path("/tmp/clone/c/data"),
                  tmp=Path("/srv/k/tmp") if tmp_in_kernel_folder else None)
    opened = _chmodded(sandbox_argv(["python"], paths, Limits()))
    assert {"/tmp/clone", "/tmp/clone/c"} <= opened
    # the tmpfs itself keeps its own 1777, and nothing inside a read-only bind of a host
    # folder is touched (bubblewrap could not, and the host's modes are not ours to change)
    assert "/tmp" not in opened
    assert not any(p.startswith("/usr/") for p in opened)


def test_parents_inside_a_read_only_bind_are_left_alone(monkeypatch):
    monkeypatch.setattr("negotiation_course.grading.sandbox._runs_as_root", lambda: True)
    paths = Paths(venv=Path("/opt/course/.venv"), python_home=Path("/usr"),
                  package=Path("/opt/course/negotiation_course"),
                  data=Path("/opt/course/data"))
    opened = _chmodded(sandbox_argv(["python"], paths, Limits()))
    assert "/opt" in opened and "/opt/course" in opened
    assert not any(p == "/usr" or p.startswith("/usr/") for p in opened)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("bwrap"), reason="needs bubblewrap")
def test_a_data_folder_deep_under_tmp_is_readable_in_the_kernel(tmp_path):
    """The bug a clean clone under /tmp met: every kernel died as root, since the folders
    bubblewrap made for the venv under /tmp were 0700 root, which nobody cannot cross."""
    holder = Path(tempfile.mkdtemp(prefix="nc-clone-", dir="/tmp"))
    try:
        data = holder / "deeper" / "course" / "data"
        shutil.copytree(data_dir(), data)
        os.chmod(holder, 0o700)  # as a mkdtemp clone is: only its owner may enter
        first = sorted(p.name for p in data_dir().iterdir())[0]
        code = ("import os\nd = os.environ['NEGOTIATION_COURSE_DATA']\n"
                "print(d, sorted(os.listdir(d))[0], os.getuid())")
        report = run_worker(tmp_path, [code], env={"NEGOTIATION_COURSE_DATA": str(data)})
        assert report["error"] == "", report
        assert report["outputs"][0].split()[:2] == [str(data), first], report
        if _runs_as_root():
            assert report["outputs"][0].split()[2] != "0"  # read as the kernel's account
    finally:
        shutil.rmtree(holder, ignore_errors=True)


@pytest.mark.skipif(not _runs_as_root(), reason="kernel folders are mounted only as root")
def test_a_run_ends_with_none_of_its_kernel_folders_mounted(tmp_path):
    """A kernel whose grading process was killed (its Dask worker, say) never unmounted its
    folder; the run's own clean-up does, so the run's runtime folder can go."""
    from negotiation_course.grading.intake import remove_tree
    from negotiation_course.grading.sandbox import MOUNT_SOURCE, unmount_run

    runtime = tmp_path / "4242"
    left = runtime / "k4242-1-abc"
    left.mkdir(parents=True)
    mounted = os.system(f"mount -t tmpfs -o size=1m {MOUNT_SOURCE} {left}") == 0
    if not mounted:
        pytest.skip("cannot mount a tmpfs here")
    try:
        unmount_run(runtime)
        remove_tree(runtime)
        assert str(left) not in Path("/proc/self/mounts").read_text()
        assert not runtime.exists()
    finally:
        os.system(f"umount -l {left} 2>/dev/null")
