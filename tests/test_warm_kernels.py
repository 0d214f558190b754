"""Issue 16, item 1: kernels served from a pre-warmed image per worker are as isolated as
cold ones, give the same outputs, and never cost a grade when the image fails.

Real kernels in real sandboxes: two children of one zygote run side by side and probe each
other; the zygote is killed mid-run; a child's set-up is made to fail."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import textwrap
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from negotiation_course.grading import warm_kernels
from negotiation_course.grading.sandbox import (
    SandboxedExecute,
    SandboxKernelManager,
    _runs_as_root,
)
from negotiation_course.paths import COURSE_ROOT

from .support.processes import alive


def _run_coroutine(coro):
    """Run on a thread of its own: in the full suite a browser test's event loop may be
    running on the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not _runs_as_root(),
                                 reason="pre-warmed kernels are for grading as root")]

PLANT = textwrap.dedent("""
    import os, socket
    open('/tmp/planted-by-a', 'w').write('A')
    open('/dev/shm/planted-by-a', 'w').write('A')
    open('planted-by-a', 'w').write('A')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind('\\0nc-warm-probe'); s.listen(1)
    print('planted', os.getpid())
""")

PROBE = textwrap.dedent("""
    import json, os, socket
    def status(key):
        for line in open('/proc/self/status'):
            if line.startswith(key + ':'):
                return line.split()[1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect('\\0nc-warm-probe'); reached = True
    except OSError:
        reached = False
    print(json.dumps({
        "tmp": os.listdir('/tmp'), "shm": os.listdir('/dev/shm'), "cwd": os.listdir('.'),
        "pids": sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
        "reached": reached, "uid": os.getuid(), "gid": os.getgid(),
        "groups": os.getgroups(), "cap_eff": status('CapEff'), "cap_bnd": status('CapBnd'),
        "cap_prm": status('CapPrm'), "no_new_privs": status('NoNewPrivs'),
        "kernels_folder": os.listdir('/run/kernels') if os.path.exists('/run/kernels') else [],
        "mountinfo": open('/proc/self/mountinfo').read(),
        "cgroup": open('/proc/self/cgroup').read(),
    }))
""")


async def _start(folder: Path, config: Config | None = None) -> SandboxKernelManager:
    km = SandboxKernelManager(config=config or Config())
    await km.start_kernel(cwd=str(folder))
    return km


async def _run_then_stop(km: SandboxKernelManager, code: str) -> str:
    """What ``code`` printed; the kernel is shut down whatever happened."""
    try:
        return await _run(km, code)
    finally:
        await km.shutdown_kernel(now=True)


async def _run(km: SandboxKernelManager, code: str) -> str:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        msg_id = kc.execute(code)
        out = []
        while True:
            msg = await kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                out.append(f"ERROR {content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
    finally:
        kc.stop_channels()


def _folder(tmp_path: Path, name: str = "lesson-00-welcome") -> Path:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    return folder


def test_two_children_of_one_image_cannot_reach_each_other(tmp_path):
    async def scenario():
        a = await _start(_folder(tmp_path))
        try:
            planted = await _run(a, PLANT)
            b = await _start(_folder(tmp_path))
            try:
                report = json.loads(await _run(b, PROBE))
                return a.warm, b.warm, planted, report
            finally:
                await b.shutdown_kernel(now=True)
        finally:
            await a.shutdown_kernel(now=True)

    a_warm, b_warm, planted, seen = _run_coroutine(scenario())
    assert a_warm and b_warm  # both came from the image, side by side
    assert planted.startswith("planted 2")  # A's kernel: PID 2 of its own namespace
    assert "planted-by-a" not in seen["tmp"] + seen["shm"] + seen["cwd"]
    assert not seen["reached"]  # no abstract socket across network namespaces
    assert seen["pids"] == [1, 2]  # B sees its own init and itself, nothing else
    assert seen["uid"] == seen["gid"] != 0 and seen["groups"] == []
    assert int(seen["cap_eff"], 16) == int(seen["cap_prm"], 16) == 0
    assert int(seen["cap_bnd"], 16) == 0
    assert seen["no_new_privs"] == "1"
    assert seen["kernels_folder"] == []  # the folder of all kernel folders is unmounted
    for leak in ("nc-grade-", "/run/kernels", "/run/stash", str(tmp_path), "/root",
                 "/sys/fs/cgroup"):
        assert leak not in seen["mountinfo"], leak
    assert all(line.endswith(":/") for line in seen["cgroup"].split()), seen["cgroup"]


def test_a_dead_image_costs_no_kernel(tmp_path):
    async def scenario():
        first = await _start(_folder(tmp_path))
        await first.shutdown_kernel(now=True)
        for zygote in list(warm_kernels._ZYGOTES.values()):
            zygote.proc.kill()
            zygote.proc.wait()
        second = await _start(_folder(tmp_path))
        return first.warm, await _run_then_stop(second, "print(6 * 7)")

    first_warm, out = _run_coroutine(scenario())
    assert first_warm
    assert out == "42\n"


def test_a_child_that_cannot_be_set_up_starts_cold(tmp_path, monkeypatch, capfd):
    real = SandboxKernelManager._warm_request_for

    def broken(self, *args):
        request = real(self, *args)
        if request is not None:
            request["procs"] = ["/nonexistent/cgroup.procs"]
        return request

    monkeypatch.setattr(SandboxKernelManager, "_warm_request_for", broken)

    async def scenario():
        km = await _start(_folder(tmp_path))
        return km.warm, await _run_then_stop(km, "print('still graded')")

    warm, out = _run_coroutine(scenario())
    assert not warm and out == "still graded\n"
    assert "starts cold" in capfd.readouterr().err


def _signature(nb) -> list:
    """Each code cell's outputs by kind; consecutive pieces of one stream count once (a
    busy machine may deliver one print as two stream messages, warm or cold alike)."""
    cells = []
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        kinds = []
        for o in cell.outputs:
            kind = (o.output_type, o.get("name"), sorted(o.get("data", {})), o.get("ename"))
            if not (kinds and kind[0] == "stream" and kinds[-1] == kind):
                kinds.append(kind)
        cells.append(kinds)
    return cells


def test_a_lesson_runs_the_same_warm_and_cold(tmp_path):
    name = "lesson-01-why-negotiate"
    source = COURSE_ROOT / "source" / name / f"{name}.ipynb"
    runs = {}
    for warm in (False, True):
        nb = nbformat.read(source, as_version=4)
        cfg = Config()
        cfg.SandboxKernelManager.warm_kernels = warm
        ex = SandboxedExecute(timeout=120, shutdown_kernel="immediate", allow_errors=True,
                              config=cfg)
        ex.preprocess(nb, {"metadata": {"path": str(_folder(tmp_path, name))}})
        runs[warm] = _signature(nb)
    assert runs[True] == runs[False]
    kinds = {k for cell in runs[True] for _, _, mimes, _ in cell for k in mimes}
    assert "image/png" in kinds  # figures render inline, as in a cold kernel
    assert not any(o[0] == "error" for cell in runs[True] for o in cell)


COURSE_PROBE = textwrap.dedent("""
    import json
    from negotiation_course import course, evaluation
    model = course.load()
    mounts = open('/proc/self/mountinfo').read()
    print(json.dumps({"provider": model.provider.name, "fields": len(evaluation.FIELDS),
                      "mounts": mounts}))
""")


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_a_kernel_reads_its_courses_own_course_file(tmp_path, warm):
    """The lessons read course.toml (the pass mark, the provider, the roles): a grading
    kernel reads the graded course's copy, as a learner's kernel reads its course's, and
    the evaluation lesson imports instead of failing (it did: no course.toml was visible)."""
    course_dir = tmp_path / "instructors-course"
    course_dir.mkdir()
    text = (COURSE_ROOT / "course.toml").read_text()
    assert '\nname = ""\n' in text
    (course_dir / "course.toml").write_text(
        text.replace('\nname = ""\n', '\nname = "Provider Of This Course Copy"\n', 1))
    cfg = Config()
    cfg.SandboxKernelManager.warm_kernels = warm
    cfg.SandboxKernelManager.course_file = str(course_dir / "course.toml")
    async def scenario():
        km = await _start(_folder(tmp_path, "evaluation"), cfg)
        return km.warm, await _run_then_stop(km, COURSE_PROBE)

    was_warm, out = _run_coroutine(scenario())
    assert was_warm == warm
    assert not out.startswith("ERROR"), out
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["provider"] == "Provider Of This Course Copy"
    assert seen["fields"] > 0
    assert str(course_dir) not in seen["mounts"]  # a copy in the kernel folder, not a bind


def test_the_course_file_can_turn_the_image_off(tmp_path):
    from negotiation_course.grading.config import warm_kernels_of

    assert warm_kernels_of(COURSE_ROOT) is True
    text = (COURSE_ROOT / "course.toml").read_text()
    assert "\nwarm_kernels = true\n" in text
    for name, value in (("off", "false"), ("wrong", "'yes'")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "course.toml").write_text(
            text.replace("\nwarm_kernels = true\n", f"\nwarm_kernels = {value}\n"))
    assert warm_kernels_of(tmp_path / "off") is False
    with pytest.raises(Exception, match="true or false"):
        warm_kernels_of(tmp_path / "wrong")


def test_the_image_never_outlives_its_worker(tmp_path):
    """A grading worker killed with SIGKILL takes its zygote and kernels with it."""
    import signal
    import subprocess
    import sys
    import time

    code = textwrap.dedent(f"""
        import asyncio, os, sys
        sys.path.insert(0, {str(COURSE_ROOT)!r})
        from tests.test_warm_kernels import _start, _folder
        from pathlib import Path
        from negotiation_course.grading import warm_kernels
        async def main():
            km = await _start(_folder(Path({str(tmp_path)!r})))
            z = next(iter(warm_kernels._ZYGOTES.values()))
            print(z.proc.pid, km.provisioner.pid, flush=True)
            await asyncio.sleep(600)
        asyncio.run(main())
    """)
    worker = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              cwd=COURSE_ROOT, text=True)
    line = worker.stdout.readline().split()
    assert len(line) == 2, "the worker did not start a warm kernel"
    zygote_bwrap, kernel = map(int, line)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    end = time.monotonic() + 30
    while time.monotonic() < end and any(alive(p) for p in (zygote_bwrap, kernel)):
        time.sleep(0.1)
    assert not alive(zygote_bwrap) and not alive(kernel)
