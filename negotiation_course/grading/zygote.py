"""The pre-warmed kernel image, run inside its own bubblewrap sandbox (see :mod:`.warm_kernels`).

Why: most of a graded notebook's time is starting Python, importing ipykernel, pandas and
matplotlib, and rendering the first figure, not the learner's code. This process does that
once, never runs learner code, and then serves each submission with a *fresh child*:

* the child joins the kernel's own cgroups, then enters new mount, PID, network, IPC, UTS
  and cgroup namespaces of its own, so it sees no sibling kernel, no host process, no
  socket of anyone else;
* in its own mount namespace it mounts its own ``/proc``, ``/dev/shm`` and ``/dev/pts``,
  binds its kernel folder (the per-kernel tmpfs the grader mounted) at ``/run/kernel``,
  its ``/tmp`` and its working folder from there, and then unmounts the folder of all
  kernels and the cgroup folders, so nothing else of the grader is reachable;
* its first process, PID 1 of the new namespace, stays root and runs no learner code: it
  starts the kernel as PID 2, reaps orphans, and exits when the kernel exits or when the
  child above it dies (a pipe closes), and when PID 1 ends, the kernel ends with every
  process the learner started (a PID namespace's init cannot be signalled from inside,
  and the parent-death signal does not reach an init, hence the pipe);
* the kernel sets its hard limits, drops every capability (bounding set included),
  becomes the kernel's unprivileged account, closes every descriptor of the zygote's, and
  only then starts ipykernel.

A kernel never serves two submissions: each child is a copy of this pristine process and
exits with its kernel. Protocol (one JSON object per line): requests on stdin; on stdout
``{"ready": ...}`` once, then per request ``{"id", "pid"}`` (the host PID of the kernel's
init: killing it, or its process group, ends the kernel) or ``{"id", "error"}`` (the
grader starts that kernel cold), and ``{"id", "exit"}`` (its exit status).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

from negotiation_course.grading import mounts
from negotiation_course.grading.mounts import (
    MS_BIND,
    MS_NODEV,
    MS_NOEXEC,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_REMOUNT,
)

#: Where the grader's folder of this worker's kernel folders is seen (hidden from kernels).
KERNELS = "/run/kernels"
#: Where the stubs of slow optional modules are (as for a cold kernel).
STUBS_DIR = "/run/stubs"
#: Where the whole view is bound for a moment, to re-bind code under /tmp (hidden after).
STASH = "/run/stash"
#: What a kernel of this course imports; done once here, inherited by every child.
WARM_IMPORTS = ["ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "numpy", "pandas",
                "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
                "negotiation_course.checks", "negotiation_course.data",
                "negotiation_course.plots", "negotiation_course.tables",
                # the lessons' other modules (none reads course.toml on import: that is the
                # graded course's, read in each kernel; so not negotiation_course.evaluation)
                "negotiation_course.course", "negotiation_course.hours",
                "negotiation_course.welcome", "negotiation_course.calculators",
                # what ipykernel imports only once a kernel object exists (its debugger
                # brings debugpy: ~0.1 s and a `uname -p` subprocess per kernel otherwise)
                "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib",
                "IPython.core.oinspect", "IPython.core.logger", "IPython.extensions.storemagic",
                "sqlite3", "pdb", "pydoc", "faulthandler", "mimetypes", "tornado.gen",
                "tornado.locks", "tornado.queues", "tornado.platform.asyncio",
                "encodings.idna", "encodings.latin_1", "encodings.ascii"]
INLINE = "module://matplotlib_inline.backend_inline"

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
PR_SET_PDEATHSIG, PR_CAPBSET_DROP = 1, 24

_libc = ctypes.CDLL(None, use_errno=True)
_mount, _detach = mounts.mount, mounts.detach


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _say(obj: dict) -> None:
    """One line to the grader: one write, under PIPE_BUF, so lines of children never mix."""
    os.write(1, (json.dumps(obj) + "\n").encode())


# --- the child: one submission's kernel ------------------------------------------------------
def _mount_view(req: dict) -> None:
    """This kernel's own mounts; afterwards no other kernel's folder is reachable."""
    kdir = f"{KERNELS}/{req['kdir']}"
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _detach("/proc")
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    shm_mb = int(req["shm_mb"])
    os.makedirs("/dev/shm", exist_ok=True)
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={shm_mb}m,mode=1777,nr_inodes=256")
    _mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
           "newinstance,ptmxmode=0666,mode=620")  # /dev/ptmx links to pts/ptmx: this one
    under_tmp = [p for p in req["code_paths"] if p.startswith("/tmp/")]
    if under_tmp:
        _mount("/", STASH, None, MS_BIND | MS_REC)
    _mount(kdir, "/run/kernel", None, MS_BIND)
    _mount(f"{kdir}/tmp", "/tmp", None, MS_BIND)
    for path in under_tmp:  # a course or venv under /tmp: shown again above the new /tmp
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(f"{STASH}{path}", path, None, MS_BIND | MS_REC)
        _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY)
    for path in sorted({os.path.dirname(p) for p in under_tmp}):
        while path not in ("/tmp", "/"):
            os.chmod(path, 0o755)
            path = os.path.dirname(path)
    if req["chdir"]:
        os.makedirs(req["chdir"], mode=0o755, exist_ok=True)
        _mount(f"{kdir}/work", req["chdir"], None, MS_BIND)
    if under_tmp:
        _detach(STASH)
    for folder in req["hide"]:
        _detach(folder)
    _detach(KERNELS)


def _drop_privileges(req: dict) -> None:
    """Hard limits, no capability left (bounding set too), the kernel's own account."""
    for name, value in req["rlimits"].items():
        resource.setrlimit(getattr(resource, name), (value, value))
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    uid = int(req["uid"])
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # from root to another uid: every capability goes
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # reset by the uid change


def _init(req: dict, told: int, life: int) -> None:
    """PID 1 of the kernel's namespaces (root, never runs learner code): set up the view,
    start the kernel as PID 2, and end (so the kernel ends, with every process it
    started) when the kernel exits or the child above it dies (``life`` closes).

    A set-up failure is the machine's, not the learner's: it is said on ``told``, and the
    grader then starts this kernel the cold way."""
    try:
        for procs in req["procs"]:
            with open(procs, "w") as fh:
                fh.write("0")
        _check(_libc.unshare(CLONE_NEWCGROUP), "unshare cgroup")
        _mount_view(req)
        os.setsid()
    except BaseException as exc:  # noqa: BLE001
        os.write(told, f"{type(exc).__name__}: {exc}"[:300].encode() or b"?")
        os._exit(1)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    kernel = os.fork()
    if kernel == 0:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _kernel(req, told)
    os.close(told)
    while True:
        while True:  # reap the kernel and any orphan of the learner's (init's duty)
            try:
                pid, raw = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                os._exit(1)
            if pid == 0:
                break
            if pid == kernel:
                os._exit(128 + os.WTERMSIG(raw) if os.WIFSIGNALED(raw)
                         else os.WEXITSTATUS(raw))
        ready, _, _ = select.select([life, wake_r], [], [])
        if life in ready:  # the child above died (its zygote, its worker): end it all
            os._exit(128 + signal.SIGKILL)
        try:
            os.read(wake_r, 512)
        except BlockingIOError:
            pass


def _kernel(req: dict, told: int) -> None:
    """The kernel itself (PID 2): its streams, its limits and account, then ipykernel."""
    code = 1
    try:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        log = os.open("/run/kernel/kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open("/dev/null", os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(log, 2)
        try:
            _drop_privileges(req)
        except BaseException as exc:  # noqa: BLE001
            os.write(told, f"{type(exc).__name__}: {exc}"[:300].encode() or b"?")
            raise
        os.write(told, b"\0")
        os.closerange(3, 65536)  # nothing of the zygote's (its pipes) reaches learner code
        os.environ.clear()
        os.environ.update(req["env"])
        os.chdir(req["chdir"] or "/tmp")
        sys.argv = ["ipykernel_launcher", *req["kernel_args"]]
        from ipykernel import kernelapp

        app = kernelapp.IPKernelApp.instance()
        app.initialize(req["kernel_args"])
        _inline_figures()
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # noqa: BLE001 - the kernel log says why it did not start
        try:
            os.write(2, f"warm kernel: {type(exc).__name__}: {exc}\n".encode())
        except OSError:
            pass
    finally:
        os._exit(code)


def _inline_figures() -> None:
    """What importing the inline backend does in a cold kernel, once its shell exists: here
    it was imported before any shell, so figures would show as text only."""
    try:
        from matplotlib_inline import backend_inline

        backend_inline._enable_matplotlib_integration()
    except Exception:  # noqa: BLE001 - no matplotlib: nothing to show
        pass


def _serve(req: dict) -> None:
    """The child of the zygote: new namespaces, their init under it; reports to the grader
    the init's host PID (killing it ends the kernel and all it started) and its end."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    status = 1
    try:
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
                             | CLONE_NEWUTS), "unshare")
        read, write = os.pipe()
        life_r, life_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            os.close(life_w)
            _init(req, write, life_r)
        os.close(write)
        os.close(life_r)
        with os.fdopen(read, "rb") as told:
            word = told.read(300)
        if word == b"\0":
            _say({"id": req["id"], "pid": pid})
        else:
            _say({"id": req["id"], "error": word.decode(errors="replace") or "no word"})
        _, raw = os.waitpid(pid, 0)
        status = -os.WTERMSIG(raw) if os.WIFSIGNALED(raw) else os.WEXITSTATUS(raw)
    except BaseException as exc:  # noqa: BLE001 - reported to the grader, which starts cold
        _say({"id": req["id"], "error": f"{type(exc).__name__}: {exc}"[:300]})
    finally:
        _say({"id": req["id"], "exit": status})
        os._exit(0)


def _write_stubs() -> None:
    """The stubs of slow optional modules (see fastimport), on the kernels' path."""
    from negotiation_course.grading.fastimport import SLOW_OPTIONAL_MODULES

    for name in SLOW_OPTIONAL_MODULES:
        with open(f"{STUBS_DIR}/{name}.py", "w") as fh:
            fh.write(f"raise ImportError('{name} is not available while grading')\n")


def _warm_up() -> float:
    """Every import and first-figure cost, once. Runs no learner code."""
    start = time.perf_counter()
    _write_stubs()
    os.environ.setdefault("MPLBACKEND", INLINE)  # as ipykernel sets it for a kernel
    import importlib

    for name in WARM_IMPORTS:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module a course does not have: no warm-up
            pass
    try:  # the course's tables parsed once (negotiation_course.data keeps them)
        from negotiation_course import data

        for name in data.names():
            data.load(name)
    except Exception:  # noqa: BLE001 - a table that does not load fails in the kernel itself
        pass
    try:
        import io

        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        ax.set_title("warm-up")
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    except Exception:  # noqa: BLE001
        pass
    return time.perf_counter() - start


def main() -> None:
    seconds = _warm_up()
    import threading

    if threading.active_count() != 1:  # fork is only safe from a single thread
        _say({"ready": False, "why": f"{threading.active_count()} threads after imports"})
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    _say({"ready": True, "seconds": round(seconds, 2)})
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            continue
        if os.fork() == 0:
            _serve(req)


if __name__ == "__main__":
    main()
