"""Run each submission's kernel in a bubblewrap sandbox with hard limits.

Why bubblewrap + prlimit + a KernelManager subclass: nbgrader executes learner code in an
ordinary Jupyter kernel that can read the whole disk (``source/``, the gradebook, other
learners' work), open the network, leave daemons behind and eat all memory. Swapping only
the kernel *launcher* keeps nbgrader's own Execute preprocessor, scoring and gradebook
untouched, and works for stock ``nbgrader`` too if configured. The kernel sees:

* read-only: ``/usr`` (system libraries), a few ``/etc`` files, the Python installation,
  the virtual environment, the ``negotiation_course`` package and ``data/``;
* read-write: an empty scratch folder shown at the learner's assignment folder, a small
  ``/tmp`` and its own IPC socket directory. Side files of a submission (anything beside
  the notebook) are copied in only when course.toml declares them for that assignment
  (``[grading.side_files]``, ``<assignment> = ["pattern", ...]``; default: none), because a
  file there can shadow a module: ``ipykernel_launcher.py`` *is* the kernel and a
  ``negotiation_course/`` folder replaces the course package;
* Python in safe-path mode (``-P`` and ``PYTHONSAFEPATH=1``): the working folder is never
  put on ``sys.path``, so even a declared side file is not importable ahead of the
  installed environment;
* nothing else: no ``source/``, gradebook, ``submitted/``, ``autograded/`` of anyone, no
  network (own network namespace), no host processes (own PID namespace: when the kernel
  goes, every process it started goes with it), no capabilities, an unprivileged uid when
  grading as root.

Limits: address space (memory), CPU seconds, file size, open files and processes via
``prlimit`` (hard limits the kernel cannot raise), and a wall-clock limit for the whole
notebook enforced from the grading process, out of the learner's reach.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Dict, Float, Integer, Unicode

from .events import record_event
from .fastimport import SLOW_OPTIONAL_MODULES
from .intake import remove_tree

#: Set to "off" to grade without the sandbox (the instructor's explicit opt-out).
OPT_OUT_ENV = "NEGOTIATION_COURSE_SANDBOX"
NOBODY = 65534
ETC_FILES = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts",
             "/etc/localtime", "/etc/mime.types", "/etc/alternatives", "/etc/ssl"]


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
    proc = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise SandboxUnavailable(
            "bubblewrap is installed but cannot create a sandbox here "
            f"({proc.stderr.strip() or 'exit ' + str(proc.returncode)}); user namespaces may "
            f"be disabled. Set {OPT_OUT_ENV}=off to grade WITHOUT a sandbox.")


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
    chdir: Path | None = None
    mpl_cache: list[Path] = field(default_factory=list)

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


def sandbox_argv(command: list[str], paths: Paths, limits: Limits) -> list[str]:
    """The full command line: prlimit, (setpriv to nobody when root), bwrap, ``command``."""
    mb = 1024 * 1024
    argv = [shutil.which("prlimit") or "prlimit",
            f"--as={limits.memory_mb * mb}", f"--cpu={limits.cpu_seconds}",
            f"--fsize={limits.file_mb * mb}", "--nofile=512", "--core=0"]
    bwrap = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session"]
    if _runs_as_root():
        # Privileged bubblewrap builds the view, keeps only the right to change uid, and
        # setpriv then becomes nobody: RLIMIT_NPROC is not enforced for root, and no file
        # outside the view is readable by nobody's rights. bwrap sets no_new_privs, so no
        # setuid binary can give the rights back.
        argv += [f"--nproc={limits.processes}", "--", *bwrap,
                 "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
                 "--cap-add", "CAP_SETGID"]
        command = [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={NOBODY}",
                   f"--regid={NOBODY}", "--clear-groups", "--", *command]
    else:  # unprivileged bubblewrap: a user namespace of our own, nested ones disabled
        argv += ["--", *bwrap, "--unshare-all", "--unshare-user", "--disable-userns",
                 "--cap-drop", "ALL"]
    argv += ["--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/" + link)
        if target.is_symlink():
            argv += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            argv += ["--ro-bind", str(target), str(target)]
    for etc in ETC_FILES:
        argv += ["--ro-bind-try", etc, etc]
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(limits.tmp_mb * mb), "--perms", "1777", "--tmpfs", "/tmp"]
    for ro in (paths.python_home, paths.venv, paths.package):
        argv += ["--ro-bind", str(ro), str(ro)]
    argv += ["--ro-bind-try", str(paths.data), str(paths.data)]  # a course may have no data/
    if paths.stubs is not None:
        argv += ["--ro-bind", str(paths.stubs), str(paths.stubs)]
    for cache in paths.mpl_cache:
        argv += ["--ro-bind", str(cache), f"/tmp/mpl/{cache.name}"]
    if paths.mpl_cache:
        argv += ["--chmod", "1777", "/tmp/mpl"]
    if paths.kernel_dir is not None:
        argv += ["--bind", str(paths.kernel_dir), str(paths.kernel_dir)]
    if paths.workdir is not None and paths.chdir is not None:
        argv += ["--bind", str(paths.workdir), str(paths.chdir), "--chdir", str(paths.chdir)]
    else:
        argv += ["--chdir", "/tmp"]
    argv = _with_open_parents(argv)
    env = {"PATH": f"{paths.venv}/bin:/usr/bin:/bin", "HOME": "/tmp", "USER": "learner",
           "LANG": "C.UTF-8", "MPLCONFIGDIR": "/tmp/mpl", "IPYTHONDIR": "/tmp/.ipython",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONSAFEPATH": "1",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "NEGOTIATION_COURSE_DATA": str(paths.data)}
    if paths.stubs is not None:
        env["PYTHONPATH"] = str(paths.stubs)
    argv += ["--clearenv"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--", *command]


def _with_open_parents(argv: list[str]) -> list[str]:
    """Append ``--chmod 0755`` for the parents bubblewrap created for every mount point.

    Privileged bubblewrap creates missing parents as 0700 root, which nobody cannot cross.
    """
    widths = {"--ro-bind": 2, "--ro-bind-try": 2, "--bind": 2, "--symlink": 2,
              "--tmpfs": 1, "--proc": 1, "--dev": 1}
    binds, parents = [], set()
    i = argv.index("--ro-bind")
    while i < len(argv):
        width = widths.get(argv[i])
        if width is None:
            i += 1
            continue
        dest = Path(argv[i + width])
        if argv[i] != "--tmpfs":
            binds.append(dest)
        parents.update(str(p) for p in dest.parents)
        i += width + 1
    keep = [p for p in parents if p not in {"/", "/tmp", "/tmp/mpl"}
            and not any(Path(p) == b or b in Path(p).parents for b in binds)]
    return argv + [a for p in sorted(keep) for a in ("--chmod", "0755", p)]


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start inside :func:`sandbox_argv` over IPC."""

    wall_seconds = Float(Limits.wall_seconds, help="Wall-clock limit per notebook").tag(
        config=True)
    memory_mb = Integer(Limits.memory_mb, help="Address-space limit (MB)").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU-time limit (s)").tag(config=True)
    file_mb = Integer(Limits.file_mb, help="Largest file the kernel may write (MB)").tag(
        config=True)
    runtime_root = Unicode("", help="Private directory for kernel sockets").tag(config=True)
    side_files = Dict(help="Assignment -> glob patterns of side files its kernel may see "
                      "(course.toml [grading.side_files]); others are never copied").tag(
        config=True)

    _counter = 0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self._timer: threading.Timer | None = None
        self._kdir: Path | None = None
        self._workdir: Path | None = None
        self._cwd: Path | None = None
        self._stderr = None
        self.timed_out = False

    # --- paths ----------------------------------------------------------------------
    def _root(self) -> Path:
        """A private (0700) per-process directory: sockets never collide across workers."""
        root = Path(self.runtime_root or os.path.join(
            tempfile.gettempdir(), f"nc-grade-{os.getuid()}", str(os.getpid())))
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(root.parent, 0o700)
        return root

    def _stubs(self, root: Path) -> Path:
        stubs = root / "stubs"
        if not stubs.is_dir():
            stubs.mkdir()
            for name in SLOW_OPTIONAL_MODULES:
                (stubs / f"{name}.py").write_text(
                    f"raise ImportError('{name} is not available while grading')\n")
        return stubs

    def _prepare_dirs(self, cwd: Path | None) -> None:
        root = self._root()
        SandboxKernelManager._counter += 1
        self._kdir = Path(tempfile.mkdtemp(prefix=f"k{SandboxKernelManager._counter}-",
                                           dir=root))
        self._workdir = self._kdir / "work"
        self._workdir.mkdir()
        if cwd is not None and cwd.is_dir():  # declared side files only, never notebooks
            for item in cwd.iterdir():
                if (item.suffix == ".ipynb" or item.name.startswith(".")
                        or not declared(item.name, self.side_files.get(cwd.name, []))):
                    continue
                dest = self._workdir / item.name
                if item.is_dir():
                    shutil.copytree(item, dest, ignore=shutil.ignore_patterns("*.ipynb"))
                else:
                    shutil.copy2(item, dest)
        self._cwd = cwd
        self.ip = str(self._kdir / "kernel")
        self.connection_file = str(self._kdir / "connection.json")
        if _runs_as_root():
            for path in [self._kdir, *self._workdir.rglob("*"), self._workdir]:
                os.chown(path, NOBODY, NOBODY)

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
        if _runs_as_root():
            os.chown(self.connection_file, NOBODY, NOBODY)
        return kernel_cmd, kw

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        paths = Paths.for_probe()
        if cmd and Path(cmd[0]).name.startswith("python"):
            # -P: the working folder is not on sys.path (no learner file shadows a module)
            cmd[:1] = [str(paths.venv / "bin" / "python"), "-P"]
        paths.stubs = self._stubs(self._root())
        paths.kernel_dir = self._kdir
        paths.workdir = self._workdir
        paths.chdir = self._cwd
        paths.mpl_cache = _matplotlib_caches()
        limits = Limits(wall_seconds=self.wall_seconds, memory_mb=self.memory_mb,
                        cpu_seconds=self.cpu_seconds, file_mb=self.file_mb)
        return sandbox_argv(cmd, paths, limits)

    async def _async_post_start_kernel(self, **kw):
        # Interrupts go over the control channel: signals cannot reach into the sandbox.
        self.kernel_spec.interrupt_mode = "message"
        await super()._async_post_start_kernel(**kw)
        self.timed_out = False
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

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await super()._async_cleanup_resources(restart=restart)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._kdir is not None:
            remove_tree(Path(self._kdir))  # however deep a kernel nested its folders
            self._kdir = None

    # AsyncKernelManager binds its public coroutines at class creation: rebind ours.
    pre_start_kernel = _async_pre_start_kernel
    post_start_kernel = _async_post_start_kernel
    cleanup_resources = _async_cleanup_resources


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


class SandboxedExecute(Execute):
    """nbgrader's Execute with the sandboxed kernel manager (kwargs beat config there)."""

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
