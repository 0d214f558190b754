"""Run each submission's kernel in a bubblewrap sandbox with hard limits.

Why bubblewrap + prlimit + a KernelManager subclass: nbgrader executes learner code in an
ordinary Jupyter kernel that can read the whole disk (``source/``, the gradebook, other
learners' work), open the network, leave daemons behind and eat all memory. Swapping only
the kernel *launcher* keeps nbgrader's own Execute preprocessor, scoring and gradebook
untouched, and works for stock ``nbgrader`` too if configured. The kernel sees:

* read-only: ``/usr`` (system libraries), a few ``/etc`` files, the Python installation,
  the virtual environment, the ``negotiation_course`` package and ``data/`` (install
  paths: learner code knows them anyway from ``sys.prefix``);
* read-write: its working folder, shown at the neutral ``/home/learner/<assignment>`` (no
  learner id, no grader path), ``/tmp`` and its socket folder at ``/run/kernel``. Grading
  as root, all three live on one tmpfs mounted for this kernel alone (``work_mb`` +
  ``tmp_mb`` bytes, ``work_files`` files: ``nr_inodes``), so a kernel cannot fill the host
  disk or its inode table; grading as another account, the working folder and ``/tmp`` are
  bubblewrap tmpfs mounts (bounded in bytes; files only by the kernel's memory group), and
  the socket folder is a host folder (each file bounded by ``file_mb``). Side files of a
  submission (anything beside the notebook) are copied in only when course.toml declares
  them for that assignment (``[grading.side_files]``, ``<assignment> = ["pattern",
  ...]``; default: none), because a file there can shadow a module: ``ipykernel_launcher.py``
  *is* the kernel and a ``negotiation_course/`` folder replaces the course package;
* Python in safe-path mode (``-P`` and ``PYTHONSAFEPATH=1``): the working folder is never
  put on ``sys.path``, so even a declared side file is not importable ahead of the
  installed environment;
* nothing else: no ``source/``, gradebook, ``submitted/``, ``autograded/`` of anyone, no
  network (own network namespace), no host processes (own PID namespace: when the kernel
  goes, every process it started goes with it), no capabilities, an unprivileged uid when
  grading as root.

What the sandbox's processes can read about their start (issue 11.10, 11.11): bwrap is
started by a small launcher with a clean environment (:data:`LAUNCH_ENV`), so its
``/proc/1/environ`` holds no gradebook URL or other grader secret, and with its options in
a file it reads as ``--args 3`` and that the launcher deleted first, so ``/proc/1/cmdline``
shows no bind, path or learner id; the kernel reads a copy of its connection file that
names the sockets at ``/run/kernel``. Answer keys never enter the kernel (the hidden test
only records the learner's value; the comparison is outside, :mod:`.answer_key`).

Limits: address space (memory), CPU seconds, file size and open files via ``prlimit``
(hard limits the kernel cannot raise); processes, memory and CPU share for all of one
kernel's processes together in a group of its own (:mod:`.kernel_limits`: a cgroup, or a
uid per kernel, as the machine allows; the mechanism is logged once); a wall-clock limit
for the whole notebook enforced from the grading process, out of the learner's reach; and
output bytes counted as they arrive (:class:`SandboxedExecute`).

Pre-warmed kernels (grading as root, ``[grading] warm_kernels``, default on): each worker
starts one image that has imported ipykernel, pandas, matplotlib and the course package and
drawn a figure, and serves every kernel as a fresh child of it in namespaces, mounts,
limits and an account of its own (:mod:`.zygote`, :mod:`.warm_kernels`); the view and the
limits are the ones above. Where the image cannot serve, the kernel starts cold.

For the runner: a kernel that ended in something outside its own limits leaves an event
starting with :data:`kernel_limits.SHARED_RESOURCE` (``"shared resource: ..."``);
``kernel_limits.shared_resource_cause(events)`` finds it. Events starting with one of
:data:`kernel_limits.OWN_LIMIT` or ``"output limit reached"`` are the learner's own.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Dict, Float, Integer, Unicode

from .. import course
from . import kernel_limits, mounts, relays, timings, warm_kernels
from .answer_key import ANSWER_MIME
from .events import record_event
from .fastimport import SLOW_OPTIONAL_MODULES
from .intake import remove_tree

#: Set to "off" to grade without the sandbox (the instructor's explicit opt-out).
OPT_OUT_ENV = "NEGOTIATION_COURSE_SANDBOX"
NOBODY = 65534
#: Where the kernel folder (connection file, sockets) is seen inside the sandbox.
KERNEL_DIR = "/run/kernel"
SANDBOX_CONNECTION = "sandbox.json"
#: Where the stubs of slow optional modules are seen (ahead on PYTHONPATH).
STUBS_DIR = "/run/stubs"
#: The kernel's working folder inside the sandbox is WORK_ROOT/<assignment> (no learner id,
#: no grader path), a size- and file-limited tmpfs.
WORK_ROOT = Path("/home/learner")
MOUNT_SOURCE = "nc-kernel"
#: The whole environment the launcher, prlimit and bwrap get (never the grader's own).
LAUNCH_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
#: The launcher: join the kernel's groups, open the bwrap argument file as fd 3, delete it,
#: then exec the sandbox; bwrap reads its arguments from fd 3 (``--args 3``), so its command
#: line, which is what /proc/1/cmdline shows inside the sandbox, holds no path or id.
LAUNCHER = ('f=$1; shift; while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; '
            'shift; exec 3< "$f" || exit 125; rm -f "$f"; exec "$@"')
#: Where the grader's client reads the kernel's output: the relay (:mod:`.relays`).
RELAY_PORT = 999
ETC_FILES = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts",
             "/etc/localtime", "/etc/mime.types", "/etc/alternatives", "/etc/ssl"]


def launcher_argv(argv: list[str], args_file: Path, procs_files: list[Path]) -> list[str]:
    """Turn :func:`sandbox_argv` into the launcher command (see :data:`LAUNCHER`).

    bwrap's options (every bind, the working folder, the environment it sets) go
    NUL-separated into ``args_file`` (0600, in the grader's private runtime folder, deleted
    by the launcher before bwrap runs); only the command itself stays on bwrap's command
    line (bwrap takes the command from its own argv, not from ``--args``).
    """
    bwrap = shutil.which("bwrap") or "bwrap"
    at = argv.index(bwrap)
    end = argv.index("--", at)
    fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"".join(a.encode() + b"\0" for a in argv[at + 1:end]))
    return ["/bin/sh", "-c", LAUNCHER, "nc-kernel", str(args_file),
            *map(str, procs_files), "--", *argv[: at + 1], "--args", "3", *argv[end:]]


def unmount(path: Path) -> None:
    """Unmount a kernel folder's tmpfs (lazily if something still holds it)."""
    mounts.unmount(str(path))


def sweep_stale_mounts(base: Path) -> None:
    """Unmount kernel tmpfs mounts left under ``base`` by grading runs that were killed."""
    _unmount_kernel_folders(base, lambda run: run.isdigit() and not Path(f"/proc/{run}").exists())


def unmount_run(runtime: Path) -> None:
    """At the end of a run: unmount every kernel folder of it still mounted (a kernel whose
    grading process was killed, e.g. with its Dask worker, never reached its own clean-up)."""
    _unmount_kernel_folders(runtime, lambda _first: True)


def unmount_worker_folder(folder: Path) -> None:
    """When one grading worker is stopped while others of its run go on (a Dask worker's
    grading child): every mount of its own folder, its kernels' tmpfs and the shared bind
    of the folder itself, and none of its siblings'."""
    _unmount_kernel_folders(folder.parent, lambda run: run == folder.name)


def _unmount_kernel_folders(base: Path, ended) -> None:
    """Every mount under ``base`` is ours (a kernel's tmpfs, a worker's shared bind for its
    pre-warmed kernels): unmount those of ended runs, deepest first."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mnt = Path(parts[1].replace("\\040", " "))
        try:
            run = mnt.relative_to(base).parts[0]
        except (ValueError, IndexError):
            continue
        if ended(run):
            found.append(mnt)
    for mnt in sorted(set(found), key=lambda m: len(m.parts), reverse=True):
        unmount(mnt)


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here; grading refuses unless the instructor opts out."""


@dataclass(frozen=True)
class Limits:
    """Per-notebook limits (course.toml [grading] can change the defaults)."""

    wall_seconds: float = 120.0
    memory_mb: int = 2048
    cpu_seconds: int = 300
    file_mb: int = 64
    tmp_mb: int = 64
    processes: int = 512
    work_mb: int = 64  # the kernel's working folder (a tmpfs)
    work_files: int = 8192  # files and folders it may hold (tmpfs nr_inodes)
    output_mb: float = 8.0  # output bytes kept per notebook, counted as they arrive


def opted_out() -> bool:
    return os.environ.get(OPT_OUT_ENV, "").strip().lower() in {"off", "0", "no", "false"}


def check_available() -> None:
    """Raise :class:`SandboxUnavailable` with the missing piece named, or return."""
    for tool, package in (("bwrap", "bubblewrap"), ("prlimit", "util-linux")):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(
                f"the grading sandbox needs '{tool}' (Debian package {package}); run "
                f"'make sysdeps' or 'sudo apt-get install {package}', or set "
                f"{OPT_OUT_ENV}=off to grade WITHOUT a sandbox (learner code can then read "
                "source/ and the gradebook)")
    probe = sandbox_argv(["/bin/true"], Paths.for_probe(), Limits())
    proc = subprocess.run(probe, capture_output=True, text=True, timeout=30, env=LAUNCH_ENV)
    if proc.returncode != 0:
        raise SandboxUnavailable(
            "bubblewrap is installed but cannot create a sandbox here "
            f"({proc.stderr.strip() or 'exit ' + str(proc.returncode)}); user namespaces may "
            f"be disabled. Set {OPT_OUT_ENV}=off to grade WITHOUT a sandbox.")
    if _runs_as_root():
        sweep_stale_mounts(Path(tempfile.gettempdir()) / f"nc-grade-{os.getuid()}")
    kernel_limits.sweep(kernel_limits.plan())
    log_plan()


def log_plan() -> str:
    """Say (on stderr, once per process) how kernels are kept apart; returns the line."""
    line = "grading sandbox: " + kernel_limits.plan().describe()
    if not _LOGGED:
        _LOGGED.append(line)
        print(line, file=sys.stderr, flush=True)
    return line


_LOGGED: list[str] = []
_MOUNT_WARNED: list[bool] = []


@dataclass
class Paths:
    """Host paths a sandboxed kernel needs."""

    venv: Path
    python_home: Path
    package: Path
    data: Path
    stubs: Path | None = None
    kernel_dir: Path | None = None  # rw: connection file and IPC sockets
    workdir: Path | None = None  # rw scratch, shown at ``chdir``
    chdir: Path | None = None  # inside the sandbox: WORK_ROOT / <assignment>
    side_files: list[Path] = field(default_factory=list)  # ro-bound into a bwrap tmpfs
    tmp: Path | None = None  # host folder shown at /tmp (else a bwrap tmpfs)
    stubs_inside: str | None = None  # stubs already inside a bound folder: just the path
    mpl_cache: list[Path] = field(default_factory=list)
    course_file: str | None = None  # inside the sandbox: this kernel's copy of course.toml

    @classmethod
    def for_probe(cls) -> Paths:
        import negotiation_course
        from negotiation_course.paths import data_dir

        return cls(venv=Path(os.path.realpath(sys.prefix)),
                   python_home=Path(os.path.realpath(sys.base_prefix)),
                   package=Path(negotiation_course.__file__).resolve().parent,
                   data=data_dir())


def _runs_as_root() -> bool:
    return os.geteuid() == 0


def sandbox_argv(command: list[str], paths: Paths, limits: Limits,
                 uid: int = NOBODY, nproc: bool = True) -> list[str]:
    """The full command line: prlimit, (setpriv to ``uid`` when root), bwrap, ``command``.

    ``nproc``: also set RLIMIT_NPROC (per uid, host-wide); off where a cgroup's pids.max
    bounds the kernel instead, since all kernels share the uid nobody there.
    """
    mb = 1024 * 1024
    argv = [shutil.which("prlimit") or "prlimit",
            f"--as={limits.memory_mb * mb}", f"--cpu={limits.cpu_seconds}",
            f"--fsize={limits.file_mb * mb}", "--nofile=512", "--core=0"]
    if nproc:
        argv.append(f"--nproc={limits.processes}")
    bwrap = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session"]
    if _runs_as_root():
        # Privileged bubblewrap builds the view, keeps only the right to change uid, and
        # setpriv then becomes nobody: RLIMIT_NPROC is not enforced for root, and no file
        # outside the view is readable by nobody's rights. bwrap sets no_new_privs, so no
        # setuid binary can give the rights back.
        argv += ["--", *bwrap,
                 "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
                 "--cap-add", "CAP_SETGID"]
        command = [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}",
                   f"--regid={uid}", "--clear-groups", "--", *command]
    else:  # unprivileged bubblewrap: a user namespace of our own, nested ones disabled
        argv += ["--", *bwrap, "--unshare-all", "--unshare-user", "--disable-userns",
                 "--cap-drop", "ALL"]
    argv += _system_view()
    if paths.tmp is not None:  # root: a folder of the kernel's bounded host tmpfs
        argv += ["--bind", str(paths.tmp), "/tmp"]
    else:
        argv += ["--size", str(limits.tmp_mb * mb), "--perms", "1777", "--tmpfs", "/tmp"]
    argv += _code_view(paths)
    if paths.stubs is not None:
        argv += ["--ro-bind", str(paths.stubs), STUBS_DIR]
    for cache in paths.mpl_cache:
        argv += ["--ro-bind", str(cache), f"/tmp/mpl/{cache.name}"]
    if paths.mpl_cache:
        argv += ["--chmod", "1777", "/tmp/mpl"]
    if paths.kernel_dir is not None:
        argv += ["--bind", str(paths.kernel_dir), KERNEL_DIR]
    if paths.chdir is not None:
        if paths.workdir is not None:  # a host tmpfs (root: size and file count bound)
            argv += ["--bind", str(paths.workdir), str(paths.chdir)]
        else:  # bubblewrap's own tmpfs (size bound; files by the kernel's memory group)
            argv += ["--size", str(limits.work_mb * mb), "--perms", "0777", "--tmpfs",
                     str(paths.chdir)]
            for host in paths.side_files:
                argv += ["--ro-bind", str(host), str(paths.chdir / host.name)]
        argv += ["--chdir", str(paths.chdir)]
    else:
        argv += ["--chdir", "/tmp"]
    argv = _with_open_parents(argv)
    argv += ["--clearenv"]
    for key, value in kernel_env(paths).items():
        argv += ["--setenv", key, value]
    return argv + ["--", *command]


def _system_view() -> list[str]:
    """bwrap options for what every sandbox sees of the system (read-only)."""
    argv = ["--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/" + link)
        if target.is_symlink():
            argv += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            argv += ["--ro-bind", str(target), str(target)]
    for etc in ETC_FILES:
        argv += ["--ro-bind-try", etc, etc]
    return argv + ["--proc", "/proc", "--dev", "/dev"]


def _code_view(paths: Paths) -> list[str]:
    """bwrap options for the Python installation, the venv, the package and ``data/``."""
    argv = []
    for ro in (paths.python_home, paths.venv, paths.package):
        argv += ["--ro-bind", str(ro), str(ro)]
    return argv + ["--ro-bind-try", str(paths.data), str(paths.data)]  # a course may have none


#: How a grading kernel turns a figure into the PNG stored in feedback: the whole canvas
#: (course figures lay themselves out to fit it) instead of a second layout pass to crop
#: the margins, and fast PNG compression. A third of a figure's cost, the same picture.
GRADING_FIGURES = ("--InlineBackend.print_figure_kwargs="
                   "{'bbox_inches': None, 'pil_kwargs': {'compress_level': 1}}",)


def kernel_env(paths: Paths) -> dict[str, str]:
    """The kernel's whole environment (nothing of the grader's)."""
    env = {"PATH": f"{paths.venv}/bin:/usr/bin:/bin", "HOME": "/tmp", "USER": "learner",
           "LANG": "C.UTF-8", "MPLCONFIGDIR": "/tmp/mpl", "IPYTHONDIR": "/tmp/.ipython",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONSAFEPATH": "1",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "NEGOTIATION_COURSE_DATA": str(paths.data)}
    if paths.course_file is not None:
        env[course.FILE_ENV] = paths.course_file
    if paths.stubs is not None:
        env["PYTHONPATH"] = STUBS_DIR
    elif paths.stubs_inside is not None:
        env["PYTHONPATH"] = paths.stubs_inside
    return env


def zygote_argv(root: Path, hidden: list[str]) -> list[str]:
    """The command that starts this worker's pre-warmed kernel image (:mod:`.warm_kernels`):
    the kernel's read-only view, its own /tmp, the stubs, the matplotlib caches."""
    paths = Paths.for_probe()
    # no bind of a grader file (mountinfo would name its path): the zygote writes its own
    # stubs into a tmpfs, and builds matplotlib's font cache once in its own /tmp
    paths.stubs_inside = STUBS_DIR
    view = [*_system_view(), "--size", str(64 * 1024 * 1024), "--perms", "1777", "--tmpfs",
            "/tmp", *_code_view(paths), "--perms", "0755", "--tmpfs", STUBS_DIR]
    view += ["--bind", str(root), warm_kernels.KERNELS, "--dir", KERNEL_DIR,
             "--dir", warm_kernels.STASH]
    for folder in hidden:
        view += ["--bind", folder, folder]
    view = _with_open_parents(["--dir", "/home/learner", *view])
    return warm_kernels.zygote_argv(view, kernel_env(paths), paths.venv)


def _hidden_from_kernels(plan: kernel_limits.Plan) -> list[str]:
    """The folders of all kernels' groups: the image unmounts them in each kernel."""
    return sorted(str(p) for p in kernel_limits.group_parents(plan))


def _stubs_folder(root: Path) -> Path:
    """Modules that raise ImportError, ahead on the kernel's path (see fastimport)."""
    stubs = root / "stubs"
    if not stubs.is_dir():
        stubs.mkdir()
        for name in SLOW_OPTIONAL_MODULES:
            (stubs / f"{name}.py").write_text(
                f"raise ImportError('{name} is not available while grading')\n")
    return stubs


def _with_open_parents(argv: list[str]) -> list[str]:
    """Append ``--chmod 0755`` for the parents bubblewrap created for every mount point.

    Privileged bubblewrap creates missing parents as 0700 root, which nobody cannot cross:
    on the root, inside a tmpfs (a course or venv under ``/tmp``) or inside a writable bind
    of the kernel's own folder alike. Only parents inside a read-only bind are left alone:
    those are the host's own folders, which bubblewrap could not change (and must not).
    """
    widths = {"--ro-bind": 2, "--ro-bind-try": 2, "--bind": 2, "--symlink": 2,
              "--tmpfs": 1, "--proc": 1, "--dev": 1}
    read_only, parents = [], set()
    i = argv.index("--ro-bind")
    while i < len(argv):
        width = widths.get(argv[i])
        if width is None:
            i += 1
            continue
        dest = Path(argv[i + width])
        if argv[i] in ("--ro-bind", "--ro-bind-try", "--proc", "--dev", "--symlink"):
            read_only.append(dest)
        parents.update(str(p) for p in dest.parents)
        i += width + 1
    keep = [p for p in parents if p not in {"/", "/tmp", "/tmp/mpl"}
            and not any(Path(p) == b or b in Path(p).parents for b in read_only)]
    return argv + [a for p in sorted(keep) for a in ("--chmod", "0755", p)]


def runtime_base() -> Path:
    """Where this account's grading runs keep their kernel folders (sockets, connection
    files; as root also each kernel's tmpfs mount point).

    Grading as root, each kernel folder is a tmpfs of its own, bounded in bytes and files,
    so it may sit under /tmp. Grading as another account it cannot be mounted, and the
    kernel can write into its folder (it must, to make its sockets): under /tmp that is the
    host's disk, which one learner could fill. So it goes under /dev/shm, a memory file
    system whose pages count against the kernel's memory limit where it has one, and which
    the run's cleanup empties; /tmp only where /dev/shm cannot be used."""
    shm = Path("/dev/shm")
    if not _runs_as_root() and shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return shm / f"nc-grade-{os.getuid()}"
    return Path(tempfile.gettempdir()) / f"nc-grade-{os.getuid()}"


class SandboxKernelClient(AsyncKernelClient):
    """A client that knows the moment its kernel is ready.

    jupyter_client's ``wait_for_ready`` ends only after 0.2 s without any IOPub message (a
    fifth of a second idle per notebook); here it ends as soon as the ``kernel_info`` reply
    *and* that request's ``idle`` status on IOPub have both arrived: IOPub is connected
    (through the relay) and holds nothing older. Otherwise it asks again, as the original
    does, so a slow subscription costs a retry, never an output."""

    async def _ready_when_seen(self, timeout: float | None = None) -> None:
        end = time.monotonic() + (float("inf") if timeout is None else timeout)
        shell, iopub = self.shell_channel, self.iopub_channel
        poller = zmq.asyncio.Poller()
        poller.register(shell.socket, zmq.POLLIN)
        poller.register(iopub.socket, zmq.POLLIN)
        while True:
            msg_id = self.kernel_info()
            reply, idle = None, False
            round_end = min(time.monotonic() + 1.0, end)  # for the reply, as the original
            while not (reply and idle):
                left = round_end - time.monotonic()
                if left <= 0:
                    break
                ready = dict(await poller.poll(max(1, int(left * 1000))))
                if ready.get(shell.socket):
                    msg = await self._next(shell, 0)
                    if (reply is None and msg and msg["msg_type"] == "kernel_info_reply"
                            and msg["parent_header"].get("msg_id") == msg_id):
                        # then a moment for its idle; if IOPub was not subscribed yet it
                        # never comes, and asking again is cheaper than waiting
                        reply = msg
                        round_end = min(time.monotonic() + 0.05, end)
                if ready.get(iopub.socket):
                    msg = await self._next(iopub, 0)
                    if (msg and msg["msg_type"] == "status"
                            and msg["parent_header"].get("msg_id") == msg_id
                            and msg["content"].get("execution_state") == "idle"):
                        idle = True
            if reply and idle:
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > end:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    @staticmethod
    async def _next(channel, seconds: float):
        try:
            return await channel.get_msg(timeout=seconds)
        except Empty:
            return None

    wait_for_ready = _ready_when_seen


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start inside :func:`sandbox_argv` over IPC."""

    wall_seconds = Float(Limits.wall_seconds, help="Wall-clock limit per notebook").tag(
        config=True)
    memory_mb = Integer(Limits.memory_mb, help="Memory limit (MB), per process and, where "
                        "the machine allows, for all the kernel's processes together").tag(
        config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU-time limit (s)").tag(config=True)
    file_mb = Integer(Limits.file_mb, help="Largest file the kernel may write (MB)").tag(
        config=True)
    tmp_mb = Integer(Limits.tmp_mb, help="Size of the kernel's /tmp (MB)").tag(config=True)
    processes = Integer(Limits.processes, help="Processes and threads of one kernel").tag(
        config=True)
    work_mb = Integer(Limits.work_mb, help="Size of the kernel's working folder (MB)").tag(
        config=True)
    work_files = Integer(Limits.work_files, help="Files its working folder may hold").tag(
        config=True)
    max_message_mb = Float(8.0, help="Largest message part read from the kernel (MB): a "
                           "larger one is dropped by ZeroMQ before it is read").tag(config=True)
    queued_messages = Integer(32, help="Messages ZeroMQ queues for this process per socket "
                              "(with max_message_mb, what a flood can hold here)").tag(
        config=True)
    runtime_root = Unicode("", help="Private directory for kernel sockets").tag(config=True)
    warm_kernels = Bool(True, help="Serve each kernel from this worker's pre-warmed image "
                        "(a fresh child in a fresh sandbox; grading as root only): imports "
                        "done once per worker, not once per notebook").tag(config=True)
    side_files = Dict(help="Assignment -> glob patterns of side files its kernel may see "
                      "(course.toml [grading.side_files]); others are never copied").tag(
        config=True)
    course_file = Unicode("", help="The graded course's course.toml: each kernel reads a "
                          "copy, as a learner's kernel reads its course's (the pass mark, "
                          "the provider, the roles)").tag(config=True)

    _counter = 0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_factory = SandboxKernelClient
        # Its sockets close at once: the kernel is killed at the end, so nothing still
        # queued for it matters (jupyter_client's 100 ms linger cost 50 ms per notebook).
        self.context.setsockopt(zmq.LINGER, 0)
        self.transport = "ipc"
        self._timer: threading.Timer | None = None
        self._kdir: Path | None = None
        self._workdir: Path | None = None
        self._chdir: Path | None = None
        self._side: list[Path] = []
        self._mounted = False
        self._group: kernel_limits.KernelGroup | None = None
        self._args_file: Path | None = None
        self._stderr = None
        self.timed_out = False
        self.died: int | None = None  # the exit status when the kernel ended on its own
        self._stopping = False
        self._relay: relays.ForkedRelay | relays.SpawnedRelay | None = None
        self._relay_port: int | None = None
        self._warm_request: dict | None = None
        self._cold_cmd = None
        self.warm = False  # whether this kernel came from the pre-warmed image

    # --- paths ----------------------------------------------------------------------
    def _root(self) -> Path:
        """A private (0700) per-process directory: sockets never collide across workers."""
        root = Path(self.runtime_root or runtime_base() / str(os.getpid()))
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(root.parent, 0o700)
        return root

    def _stubs(self, root: Path) -> Path:
        return _stubs_folder(root)

    @property
    def kernel_uid(self) -> int:
        if self._group is not None and self._group.uid is not None:
            return self._group.uid
        return NOBODY

    def _prepare_dirs(self, cwd: Path | None) -> None:
        root = self._root()
        SandboxKernelManager._counter += 1
        name = f"k{os.getpid()}-{SandboxKernelManager._counter}"
        self._kdir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))
        self._mounted, self._workdir = False, None
        try:
            self._group = kernel_limits.KernelGroup(
                kernel_limits.plan(), "nc-" + self._kdir.name, processes=self.processes,
                memory_mb=self.memory_mb,
                lock_dir=Path(tempfile.gettempdir()) / f"nc-grade-{os.getuid()}")
        except (OSError, RuntimeError) as exc:  # the machine's fault, not the learner's
            record_event(f"{kernel_limits.SHARED_RESOURCE}: the kernel's own limits could "
                         f"not be set up ({exc})")
            raise kernel_limits.SharedResourceFailure(str(exc)) from exc
        uid = self.kernel_uid
        if _runs_as_root() and self.warm_kernels:
            try:  # before the first kernel folder is mounted under it
                warm_kernels.share_folder(root)
            except OSError as exc:
                warm_kernels.refuse(root, str(exc))
        if _runs_as_root():
            # The whole kernel folder (sockets, connection file, kernel.log, the working
            # folder) on a tmpfs of its own: bounded in bytes and in files.
            files = self.work_files + 64
            size = (self.work_mb + self.tmp_mb + 2) * 1024 * 1024
            failed = mounts.mount_tmpfs(
                MOUNT_SOURCE, str(self._kdir),
                f"size={size},nr_inodes={files},mode=0700,uid={uid},gid={uid}")
            if not failed:
                self._mounted = True
                self._workdir = self._kdir / "work"
                self._workdir.mkdir()
                (self._kdir / "tmp").mkdir()
            elif not _MOUNT_WARNED:
                _MOUNT_WARNED.append(True)
                print("grading sandbox: cannot mount a tmpfs per kernel "
                      f"({failed}); working folders are bubblewrap tmpfs mounts "
                      "bounded in bytes only", file=sys.stderr, flush=True)
        self._chdir = WORK_ROOT / (cwd.name if cwd is not None else "work")
        self._side = []
        staging = self._workdir or (self._kdir / "side")
        if cwd is not None and cwd.is_dir():  # declared side files only, never notebooks
            for item in cwd.iterdir():
                if (item.suffix == ".ipynb" or item.name.startswith(".")
                        or not declared(item.name, self.side_files.get(cwd.name, []))):
                    continue
                staging.mkdir(exist_ok=True)
                dest = staging / item.name
                if item.is_dir():
                    shutil.copytree(item, dest, ignore=shutil.ignore_patterns("*.ipynb"))
                else:
                    shutil.copy2(item, dest)
                self._side.append(dest)
        self.ip = str(self._kdir / "kernel")
        self.connection_file = str(self._kdir / "connection.json")
        if _runs_as_root():
            os.chown(self._kdir, uid, uid)
            if self._mounted:
                for path in [*self._workdir.rglob("*"), self._workdir, self._kdir / "tmp"]:
                    os.chown(path, uid, uid)
                os.chmod(self._kdir / "tmp", 0o1777)

    def client(self, **kwargs):
        """A client that reads the kernel's output through :mod:`.relays`.

        ipykernel batches stdout, so one loop of prints arrives as a few messages of
        hundreds of MB, or, flushed, as thousands of 1 MB messages that ZeroMQ would queue
        (1,000 by default) faster than they are handled. The relay refuses any part over
        ``max_message_mb`` before it is read whole, and the relay and this client queue at
        most ``queued_messages`` each, so a flood holds at most about
        ``queued_messages * max_message_mb`` here (256 MB by default; 1 MB lines, 32 MB).
        """
        kc = super().client(**kwargs)
        kc.context.setsockopt(zmq.RCVHWM, int(self.queued_messages))
        kc.context.setsockopt(zmq.RECONNECT_IVL, 10)  # the relay may bind a moment later
        if self._relay_port is not None:
            kc.iopub_port = self._relay_port
        return kc

    def start_relay(self) -> None:
        """(Re)start the output relay for this kernel (see :mod:`.relays`)."""
        self.stop_relay()
        up = f"ipc://{self.ip}-{self.iopub_port}"
        down = f"ipc://{self.ip}-{RELAY_PORT}"
        self._relay = relays.start_relay(
            up, down, int(self.max_message_mb * 1024 * 1024), int(self.queued_messages),
            LAUNCH_ENV)
        self._relay_port = RELAY_PORT

    def stop_relay(self) -> None:
        if self._relay is not None:
            self._relay.stop()
            self._relay = None

    # --- launch ---------------------------------------------------------------------
    async def _async_pre_start_kernel(self, **kw):
        cwd = kw.get("cwd")
        self._prepare_dirs(Path(cwd) if cwd else None)
        kw["cwd"] = str(self._kdir)
        # The kernel's own chatter (and anything learner code writes to fd 1/2) stays out
        # of the grader's terminal; stderr is kept for a failed start.
        kw["stdout"] = subprocess.DEVNULL
        self._stderr = open(self._kdir / "kernel.log", "wb")  # noqa: SIM115 (closed in cleanup)
        kw["stderr"] = self._stderr
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        # The relay (a process of its own) starts now, while the kernel starts, not after:
        # its interpreter start would otherwise delay the kernel's first output.
        self.start_relay()
        # The launcher, prlimit and bwrap start with nothing of the grader's environment
        # (it may hold a gradebook URL with a password): bwrap, as the sandbox's pid 1,
        # would otherwise show it in /proc/1/environ.
        kw["env"] = dict(LAUNCH_ENV)
        if _runs_as_root():
            for path in (self.connection_file, self._kdir / SANDBOX_CONNECTION):
                os.chown(path, self.kernel_uid, self.kernel_uid)
        return kernel_cmd, kw

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        paths = Paths.for_probe()
        if cmd and Path(cmd[0]).name.startswith("python"):
            # -P: the working folder is not on sys.path (no learner file shadows a module)
            cmd[:1] = [str(paths.venv / "bin" / "python"), "-P"]
        # The kernel reads a copy of the connection file that names the sockets where the
        # kernel folder is seen inside the sandbox (a neutral path, no grader folder).
        info = json.loads(Path(self.connection_file).read_text())
        info["ip"] = f"{KERNEL_DIR}/{Path(self.ip).name}"
        inside = self._kdir / SANDBOX_CONNECTION
        inside.write_text(json.dumps(info))
        cmd = [f"{KERNEL_DIR}/{SANDBOX_CONNECTION}" if arg == self.connection_file else arg
               for arg in cmd] + list(GRADING_FIGURES)
        paths.kernel_dir = self._kdir
        paths.course_file = self._copy_course_file()
        if self._mounted:
            # Copies inside the kernel's own tmpfs instead of binds, so not even
            # /proc/self/mountinfo names a grader folder (the runtime dir, root's home).
            shutil.copytree(self._stubs(self._root()), self._kdir / "stubs")
            paths.stubs_inside = f"{KERNEL_DIR}/stubs"
            mpl = self._kdir / "tmp" / "mpl"
            mpl.mkdir(exist_ok=True)
            for cache in _matplotlib_caches():
                shutil.copy2(cache, mpl / cache.name)
            os.chmod(mpl, 0o1777)
        else:
            paths.stubs = self._stubs(self._root())
            paths.mpl_cache = _matplotlib_caches()
        paths.workdir = self._workdir
        paths.chdir = self._chdir
        paths.side_files = [] if self._workdir is not None else list(self._side)
        paths.tmp = self._kdir / "tmp" if self._mounted else None
        limits = Limits(wall_seconds=self.wall_seconds, memory_mb=self.memory_mb,
                        cpu_seconds=self.cpu_seconds, file_mb=self.file_mb,
                        tmp_mb=self.tmp_mb, processes=self.processes, work_mb=self.work_mb,
                        work_files=self.work_files)
        mechanism = self._group.plan.mechanism
        nproc = mechanism in ("uid", "none")
        argv = sandbox_argv(cmd, paths, limits, uid=self.kernel_uid, nproc=nproc)
        self._args_file = self._root() / f".{self._kdir.name}.args"
        self._cold_cmd = lambda: launcher_argv(argv, self._args_file,
                                               self._group.procs_files())
        self._warm_request = self._warm_request_for(cmd, paths, limits, nproc)
        return cmd if self._warm_request is not None else self._cold_cmd()

    def _copy_course_file(self) -> str | None:
        """The course's course.toml copied into the kernel folder (a copy, not a bind: no
        mount names a grader folder); where the kernel sees it, None without one."""
        source = Path(self.course_file) if self.course_file else None
        if source is None or not source.is_file():
            return None
        copy = self._kdir / course.FILE_NAME
        shutil.copyfile(source, copy)
        os.chmod(copy, 0o644)
        return f"{KERNEL_DIR}/{course.FILE_NAME}"

    # --- pre-warmed kernels (see warm_kernels) ----------------------------------------
    def _warm_request_for(self, cmd: list[str], paths: Paths, limits: Limits,
                          nproc: bool) -> dict | None:
        """What the zygote needs to make this kernel; None where it cannot (start cold)."""
        if not (self.warm_kernels and self._mounted and _runs_as_root()
                and cmd[1:4] == ["-P", "-m", "ipykernel_launcher"]
                and self._kdir.parent == self._root()):
            return None
        mb = 1024 * 1024
        rlimits = {"RLIMIT_AS": limits.memory_mb * mb, "RLIMIT_CPU": limits.cpu_seconds,
                   "RLIMIT_FSIZE": limits.file_mb * mb, "RLIMIT_NOFILE": 512,
                   "RLIMIT_CORE": 0}
        if nproc:
            rlimits["RLIMIT_NPROC"] = limits.processes
        procs = [str(p) for p in self._group.procs_files()]
        return {"kdir": self._kdir.name, "chdir": str(self._chdir) if self._workdir else None,
                "uid": self.kernel_uid, "procs": procs, "rlimits": rlimits,
                "hide": _hidden_from_kernels(self._group.plan),
                "code_paths": [str(p) for p in (paths.python_home, paths.venv,
                                                paths.package, paths.data)],
                "shm_mb": min(64, limits.tmp_mb), "env": kernel_env(paths),
                "kernel_args": cmd[4:]}

    def start_image(self) -> None:
        """Start this worker's pre-warmed kernel image now, before its first kernel, so it
        warms while the grader still prepares; nothing where kernels would start cold."""
        if not (self.warm_kernels and _runs_as_root()):
            return
        root = self._root()
        try:
            warm_kernels.share_folder(root)
        except OSError as exc:
            warm_kernels.refuse(root, str(exc))
            return
        warm_kernels.zygote_for(root, zygote_argv, _hidden_from_kernels(kernel_limits.plan()))

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        request, self._warm_request = self._warm_request, None
        self.warm = False
        if request is not None:
            process = self._spawn_warm(request)
            if process is not None:
                prov = self.provisioner
                prov.process, prov.pid, prov.pgid = process, process.pid, process.pid
                prov.cwd = kw.get("cwd")
                self._reconcile_connection_info(prov.connection_info)
                self.warm = True
                return
            kernel_cmd = self._cold_cmd()
        await super()._async_launch_kernel(kernel_cmd, **kw)

    def _spawn_warm(self, request: dict) -> warm_kernels.WarmProcess | None:
        zygote = warm_kernels.zygote_for(self._root(), zygote_argv, request["hide"])
        if zygote is None:
            return None
        try:
            return zygote.spawn(request)
        except RuntimeError as exc:
            print(f"grading sandbox: a pre-warmed kernel did not start ({exc}); this one "
                  "starts cold", file=sys.stderr, flush=True)
            return None

    async def _async_post_start_kernel(self, **kw):
        # Interrupts go over the control channel: signals cannot reach into the sandbox.
        self.kernel_spec.interrupt_mode = "message"
        await super()._async_post_start_kernel(**kw)
        if self._relay is None:
            self.start_relay()
        self.timed_out = False
        self.died = None
        self._stopping = False
        self._timer = threading.Timer(self.wall_seconds, self._wall_clock_kill)
        self._timer.daemon = True
        self._timer.start()

    def _wall_clock_kill(self) -> None:
        pid = getattr(self.provisioner, "pid", None)
        if pid is None:
            return
        self.timed_out = True
        record_event(f"timed out: the notebook ran longer than {self.wall_seconds:g} s")
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        self._stopping = True  # from here on, its end is ours, not the kernel's
        self._note_death()
        if now:
            await self._kill_at_once()
        await AsyncKernelManager.shutdown_kernel(self, now=now, restart=restart)

    async def _kill_at_once(self) -> None:
        """SIGKILL the kernel's whole sandbox and wait for its end in 5 ms steps (the
        provisioner's own wait polls every 100 ms, a tenth of a second per notebook)."""
        process = getattr(self.provisioner, "process", None)
        if process is None or process.poll() is not None:
            return
        try:
            await self.provisioner.send_signal(signal.SIGKILL)
        except OSError:
            return
        end = time.monotonic() + 2
        while process.poll() is None and time.monotonic() < end:
            await asyncio.sleep(0.005)

    def _note_death(self) -> None:
        """Remember the exit status if the kernel ended before we stopped it."""
        process = getattr(self.provisioner, "process", None)
        if self.died is None and process is not None and process.poll() is not None:
            self.died = process.returncode

    def _report(self) -> None:
        """Notes on what ended the kernel: its own limits, or a shared resource."""
        own = self._group.own_limit_events() if self._group is not None else []
        if self._mounted and self._workdir is not None:
            try:
                st = os.statvfs(self._kdir)
                if st.f_bavail == 0 or st.f_favail == 0:
                    own.append(f"working-folder limit reached: the kernel filled its "
                               f"{self.work_mb:,} MB / {self.work_files:,}-file folder")
            except OSError:
                pass
        for note in own:
            record_event(note)
        if self.died is None or self.timed_out or own:
            return
        mechanism = self._group.plan.mechanism if self._group else "none"
        killed = self.died in (-signal.SIGKILL, 128 + signal.SIGKILL)
        if mechanism == "none":
            record_event(f"{kernel_limits.SHARED_RESOURCE}: the kernel died (exit "
                         f"{self.died}) while every kernel of this account shares one "
                         "process limit; another learner may have caused it")
        elif killed:
            record_event(f"{kernel_limits.SHARED_RESOURCE}: the kernel was killed from "
                         "outside its own limits (SIGKILL, not its memory, process or time "
                         "limit: the host may have run out of memory)")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        if not self._stopping:  # nbclient cleans up a dead kernel without a shutdown
            self._note_death()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._created_context and not restart:  # at once (jupyter_client lingers 100 ms)
            self.context.destroy(linger=0)
        await super()._async_cleanup_resources(restart=restart)
        self.stop_relay()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._group is not None:
            self._group.kill_all()
            self._report()
            self._group.close()
            self._group = None
        if self._args_file is not None:
            self._args_file.unlink(missing_ok=True)
            self._args_file = None
        if self._kdir is not None:
            if self._mounted:
                unmount(self._kdir)
                self._mounted = False
                try:  # the tmpfs went with everything in it: an empty mount point is left
                    os.rmdir(self._kdir)
                except OSError:
                    pass
            remove_tree(Path(self._kdir))  # however deep a kernel nested its folders
            self._kdir = None
        timings.mark("kernel_gone")

    # AsyncKernelManager binds its public coroutines at class creation: rebind ours.
    pre_start_kernel = _async_pre_start_kernel
    post_start_kernel = _async_post_start_kernel
    cleanup_resources = _async_cleanup_resources
    shutdown_kernel = _async_shutdown_kernel


def declared(name: str, patterns: list[str]) -> bool:
    """Whether a side file's name matches a pattern the assignment declared."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def _matplotlib_caches() -> list[Path]:
    """The host's matplotlib font cache, so every kernel does not rebuild it (~1 s).

    Found the way matplotlib finds it, without importing matplotlib (slow).
    """
    base = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    return sorted(Path(base).glob("fontlist-v*.json"))


#: Output kinds that learner code produces (``status`` and ``execute_input`` are the
#: kernel's own bookkeeping and always pass).
_COUNTED = {"stream", "display_data", "update_display_data", "execute_result", "error",
            "comm_open", "comm_msg"}


def message_bytes(msg: dict) -> int:
    """Roughly how many bytes an iopub message adds to the notebook (text and data)."""
    content = msg.get("content") or {}
    kind = msg.get("msg_type")
    if kind == "stream":
        return len(content.get("text") or "")
    if kind == "error":
        return sum(len(line) for line in content.get("traceback") or []) + len(
            str(content.get("evalue", "")))
    data = content.get("data") or {}
    if not isinstance(data, dict):
        return len(str(data))
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v, default=str))
               for v in data.values())


class BoundedExecute(Execute):
    """nbgrader's Execute with output bytes bounded as they arrive (the pipeline's
    ``GradingExecute`` is one; :class:`SandboxedExecute` adds the sandboxed kernel manager).

    ``LimitOutputBytes`` cuts outputs after the notebook has run, by which time a kernel
    printing in a loop has streamed gigabytes into this process. Here every iopub message
    is counted when it arrives: once the notebook's outputs pass ``output_mb``, further
    output is dropped (never stored), the cell gets one line saying so, and the learner's
    status notes it. Errors (a hidden test's verdict) and answer records, when small, are
    still kept, so the key comparison sees them. No single message over the relay's
    ``max_message_mb`` reaches this process (:mod:`.relays`): such a message ends the relay,
    the cell's output is flagged as cut, a new relay starts and the next cell is graded.
    """

    output_mb = Float(Limits.output_mb, help="Output kept per notebook (MB), counted as it "
                      "arrives").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._received = 0
        self._dropped = 0
        self._flagged: set[int] = set()

    def preprocess(self, nb, resources=None, km=None):
        self._received = self._dropped = 0
        self._flagged = set()
        self._watch = None
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if self._watch is not None:
                self._watch.cancel()
                self._watch = None
            if getattr(self, "_iopub_timeout0", None) is not None:
                self.iopub_timeout = self._iopub_timeout0
            if self._dropped:
                record_event(f"output limit reached: the notebook printed more than "
                             f"{self.output_mb:g} MB; {self._dropped:,} later output "
                             "message(s) were discarded as they arrived")

    async def async_start_new_kernel(self, **kwargs) -> None:
        timings.mark("kernel_start")  # the kernel folder, its launch, until it answers
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient binds the sync one too

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        timings.mark("kernel_ready")
        self._iopub_timeout0 = self.iopub_timeout
        self._monitor = kc.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self._watch = asyncio.ensure_future(self._watch_iopub(self._monitor))
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def _watch_iopub(self, monitor) -> None:
        """When ZeroMQ drops the output connection (an oversized message), the cell's
        "idle" is lost with it: wait for it a second, not ``iopub_timeout``."""
        try:
            while True:
                await monitor.recv_multipart()
                self.iopub_timeout = 1  # an Integer trait
        except Exception:  # the channels closed with the kernel
            return

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        self.iopub_timeout = getattr(self, "_iopub_timeout0", self.iopub_timeout)
        try:
            done = await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
            if cell.get("cell_type") == "code":
                timings.mark("first_cell", first=True)
                timings.mark("last_cell")
            return done
        except CellTimeoutError as exc:
            if "Timeout waiting for IOPub output" not in str(exc):
                raise
            # A message over max_message_mb ended the relay, and the cell's "idle" was lost
            # with it. The cell's output is lost; a new relay, and grading goes on.
            self._dropped += 1
            self._flag(cell, cell_index)
            await self._reconnect_iopub()
            return cell

    execute_cell = run_sync(async_execute_cell)  # nbclient binds the sync one to its own

    async def _reconnect_iopub(self) -> None:
        """The relay exited (a message over its limit): start a new one; this client's
        socket reconnects to it by itself."""
        if hasattr(self.km, "start_relay"):  # the sandbox's kernel manager
            self.km.start_relay()
        await asyncio.sleep(0.3)  # the subscription reaches the kernel before the next cell

    def _flag(self, cell, cell_index: int) -> None:
        if cell_index not in self._flagged:
            self._flagged.add(cell_index)
            cell.outputs.append(NotebookNode(
                output_type="stream", name="stderr",
                text=f"[output limit reached: this notebook printed more than "
                     f"{self.output_mb:g} MB; the rest of its output was not kept]\n"))

    def process_message(self, msg, cell, cell_index):
        kind = msg.get("msg_type")
        if kind in _COUNTED:
            size = message_bytes(msg)
            self._received += size
            if self._received > self.output_mb * 1024 * 1024 and not self._keep(msg, size):
                self._dropped += 1
                self._flag(cell, cell_index)
                return None
        return super().process_message(msg, cell, cell_index)

    @staticmethod
    def _keep(msg: dict, size: int) -> bool:
        """Small errors and answer records pass the cap: they decide the score."""
        if size > 64 * 1024:
            return False
        if msg.get("msg_type") == "error":
            return True
        data = (msg.get("content") or {}).get("data") or {}
        return isinstance(data, dict) and ANSWER_MIME in data


class SandboxedExecute(BoundedExecute):
    """:class:`BoundedExecute` with the sandboxed kernel manager (kwargs beat config)."""

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
