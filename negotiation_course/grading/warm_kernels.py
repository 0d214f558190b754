"""Pre-warmed kernels: one :mod:`.zygote` per grading worker, a fresh sandboxed child per
submission (issue 16, item 1).

The grader-side half. :class:`Zygote` starts the zygote once per worker in a bubblewrap
sandbox that has the same read-only view a kernel gets (``/usr``, the Python installation,
the venv, the package, ``data/``), no network, and only the rights the zygote needs to build
each child's own sandbox (mount, change uid, drop capabilities). Two things of the grader's
are visible to the zygote, never to a kernel: the worker's folder of kernel folders (a
shared bind, so each per-kernel tmpfs mounted later shows up inside) and the folders of the
kernels' cgroups (so each child joins its own groups before it drops its rights).

:class:`WarmProcess` stands in for the ``Popen`` of a kernel, so jupyter_client's
provisioner, the wall-clock kill and the limit reports work unchanged. Only grading as
root uses this (the per-kernel tmpfs and privileged bubblewrap are needed); anything that
fails here starts the kernel the cold way instead, so a grade never depends on it.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .zygote import KERNELS, STASH  # noqa: F401 (where the zygote sees them)

#: How long a zygote may take to import everything (a cold disk cache is slow).
READY_SECONDS = 120.0
#: How long the zygote may take to set up one child before the kernel starts cold.
SPAWN_SECONDS = 20.0
_ZYGOTES: dict[str, Zygote] = {}
_REFUSED: dict[str, str] = {}


class WarmProcess:
    """The kernel's process as the grader sees it (the ``Popen`` subset jupyter_client uses)."""

    stdin = stdout = stderr = None

    def __init__(self) -> None:
        self.pid: int | None = None
        self.returncode: int | None = None
        self.error: str | None = None
        self.started = threading.Event()
        self.ended = threading.Event()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        if not self.ended.wait(timeout):
            raise subprocess.TimeoutExpired("warm kernel", timeout or 0)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.pid is not None and self.returncode is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """One worker's pre-warmed kernel image (see :mod:`.zygote`)."""

    def __init__(self, argv: list[str], root: Path, hidden: list[str]) -> None:
        self.root = root
        self.hidden = hidden
        self._lock = threading.Lock()
        self._waiting: dict[str, WarmProcess] = {}
        self._count = 0
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env={}, start_new_session=True)
        line = _read_line(self.proc.stdout, READY_SECONDS)
        hello = json.loads(line) if line else {}
        if not hello.get("ready"):
            self.close()
            raise RuntimeError(hello.get("why") or "the zygote did not start")
        self.warm_up_seconds = float(hello.get("seconds", 0))
        threading.Thread(target=self._listen, daemon=True, name="zygote-listener").start()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def spawn(self, request: dict) -> WarmProcess:
        """Ask for one kernel; raises if the zygote cannot give one (start it cold then)."""
        process = WarmProcess()
        with self._lock:
            self._count += 1
            key = f"{os.getpid()}-{self._count}"
            self._waiting[key] = process
            try:
                self.proc.stdin.write((json.dumps({**request, "id": key}) + "\n").encode())
                self.proc.stdin.flush()
            except OSError as exc:
                self._waiting.pop(key, None)
                raise RuntimeError(f"the zygote is gone ({exc})") from exc
        if not process.started.wait(SPAWN_SECONDS) or process.pid is None:
            process.kill()
            raise RuntimeError(process.error or "the zygote did not start the kernel in time")
        return process

    def _listen(self) -> None:
        for raw in self.proc.stdout:
            try:
                msg = json.loads(raw)
                process = self._waiting[msg["id"]]
            except (ValueError, KeyError, TypeError):
                continue
            if "pid" in msg:
                process.pid = int(msg["pid"])
                process.started.set()
            if "error" in msg:
                process.error = str(msg["error"])
                process.started.set()
            if "exit" in msg:
                process.returncode = int(msg["exit"]) if process.pid is not None else 1
                process.ended.set()
                process.started.set()
                self._waiting.pop(msg["id"], None)
        for process in list(self._waiting.values()):  # the zygote ended: so did its kernels
            if process.returncode is None:
                process.returncode = -signal.SIGKILL
            process.started.set()
            process.ended.set()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _read_line(stream, seconds: float) -> bytes:
    """One line from ``stream`` within ``seconds`` (b"" if none)."""
    box: list[bytes] = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    return box[0] if box else b""


def zygote_for(root: Path, argv_of, hidden: list[str]) -> Zygote | None:
    """This worker's zygote for kernel folders under ``root`` (started on first use);
    None (and why, in :data:`_REFUSED`) where it cannot start: kernels then start cold."""
    key = str(root)
    zygote = _ZYGOTES.get(key)
    if zygote is not None and zygote.alive() and zygote.hidden == hidden:
        return zygote
    if zygote is not None:
        zygote.close()
        _ZYGOTES.pop(key, None)
    if key in _REFUSED:
        return None
    try:
        zygote = Zygote(argv_of(root, hidden), root, hidden)
    except (OSError, RuntimeError, ValueError) as exc:
        refuse(root, str(exc))
        return None
    _ZYGOTES[key] = zygote
    return zygote


_SHARED: set[str] = set()


def share_folder(root: Path) -> None:
    """Bind ``root`` onto itself as a shared mount: tmpfs mounts made under it later (one
    per kernel) then show up in the zygote's view of it. Done before the first kernel
    folder is mounted there (once per folder and process)."""
    if str(root) in _SHARED:
        return
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    for step in (["mount", "--bind", str(root), str(root)],
                 ["mount", "--make-shared", str(root)]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            raise OSError(done.stderr.strip() or f"{step[1]} failed")
    _SHARED.add(str(root))


def refuse(root: Path, why: str) -> None:
    """No pre-warmed kernels for ``root`` in this process (said once): they start cold."""
    if str(root) not in _REFUSED:
        _REFUSED[str(root)] = why
        print(f"grading sandbox: pre-warmed kernels are off in this worker ({why}); kernels "
              "start cold", file=sys.stderr, flush=True)


def close_all() -> None:
    """At exit: every zygote of this process stopped, its shared folder unmounted."""
    for zygote in list(_ZYGOTES.values()):
        zygote.close()
    _ZYGOTES.clear()
    for root in _SHARED:
        subprocess.run(["umount", "-l", root], capture_output=True)
    _SHARED.clear()


def forget_after_fork() -> None:
    """A forked process has no zygote of its own yet (its parent's are not its children)."""
    _ZYGOTES.clear()
    _REFUSED.clear()
    _SHARED.clear()


atexit.register(close_all)
os.register_at_fork(after_in_child=forget_after_fork)


def zygote_argv(view: list[str], env: dict, venv: Path) -> list[str]:
    """bwrap for the zygote: ``view`` (the kernel's read-only view plus the kernel folders
    and the cgroup folders), the rights to build each child's sandbox, ``env`` only."""
    bwrap = shutil.which("bwrap") or "bwrap"
    argv = [bwrap, "--die-with-parent", "--new-session", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--cap-drop", "ALL"]
    # mount and namespaces; uid change; bounding-set drop; entering the kernel folders
    # (0700, owned by each kernel's account)
    for cap in ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP",
                "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH"):
        argv += ["--cap-add", cap]
    argv += [*view, "--clearenv"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--", str(venv / "bin" / "python"), "-P", "-m",
                   "negotiation_course.grading.zygote"]


def wait_for(process: WarmProcess, seconds: float) -> bool:
    """Whether ``process`` ended within ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.ended.wait(0.05):
            return True
    return False
