"""Limits that bind across all processes of one kernel, and only that kernel (issue 11.5).

``prlimit`` limits are per process (``RLIMIT_AS``) or per uid host-wide (``RLIMIT_NPROC``):
with every kernel running as one uid, one learner holding 512 processes made concurrent
learners' kernels die, and three children of one kernel held 3 GB against a 2 GB limit.
Each kernel therefore gets its own group, by the first mechanism this machine allows:

``cgroup2``
    a cgroup v2 per kernel with ``pids.max`` (course.toml ``processes``), ``memory.max``
    (``memory_mb``, with ``memory.swap.max = 0``) and ``cpu.weight`` (equal shares);
``cgroup1``
    the same with the v1 controllers (``pids.max``, ``memory.limit_in_bytes`` and
    ``memory.memsw.limit_in_bytes``, ``cpu.shares``), each kernel's group made under the
    grader's own group of every controller (so nothing leaves the limits it runs under);
``uid``
    (root, no writable cgroups) a distinct uid per concurrent kernel, so ``RLIMIT_NPROC``
    counts that kernel's processes alone; memory stays a per-process limit there, and the
    log line says so;
``none``
    (not root, no writable cgroups) nothing binds per kernel: the log line says plainly that
    one learner's processes count against every kernel of this account, and a kernel that
    dies is reported as a possible shared-resource failure (see
    :data:`SHARED_RESOURCE`), so the runner can retry it.

``NEGOTIATION_COURSE_KERNEL_LIMITS`` (one of the names above) forces a mechanism (tests use
it to exercise ``uid`` on a machine with cgroups); ``NEGOTIATION_COURSE_CGROUP`` names the
parent group (default ``nc-grading``, relative to the grader's own cgroup, or an absolute
path for a delegated v2 subtree).

The kernel enters its groups before anything of it runs: the launcher (see
:mod:`.sandbox`) writes its own pid into each ``cgroup.procs`` and then execs ``prlimit``
and ``bwrap``, so every process of the kernel, whatever it forks, is counted.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

FORCE_ENV = "NEGOTIATION_COURSE_KERNEL_LIMITS"
PARENT_ENV = "NEGOTIATION_COURSE_CGROUP"
DEFAULT_PARENT = "nc-grading"
CGROUP_ROOT = Path("/sys/fs/cgroup")
#: Kernel groups are named GROUP_PREFIX + <worker pid> + "-..." (swept when the pid is gone).
GROUP_PREFIX = "nc-k"
#: First uid of the per-kernel range (mechanism ``uid``); far above any real account.
UID_BASE = 3_100_000
UID_SLOTS = 4096

#: Prefix of the event (:mod:`.events`) recorded when a kernel died from a cause outside its
#: own limits (another kernel, the host). A learner whose grade failed with such an event was
#: not at fault: the runner retries them.
SHARED_RESOURCE = "shared resource"
#: Prefixes of events that are the learner's own doing (their kernel hit its own limit).
OWN_LIMIT = ("memory limit reached", "process limit reached", "working-folder limit reached")


class SharedResourceFailure(RuntimeError):
    """A kernel died from a cause outside its own limits; retrying the learner is fair."""


def shared_resource_cause(events: list[str]) -> str | None:
    """The shared-resource event among a learner's events, or None (for the runner)."""
    return next((e for e in events if e.startswith(SHARED_RESOURCE)), None)


@dataclass(frozen=True)
class Plan:
    """How kernels are kept apart on this machine."""

    mechanism: str  # cgroup2 | cgroup1 | uid | none
    parents: dict[str, Path] = field(default_factory=dict)  # controller -> parent group
    why: str = ""

    @property
    def binds_memory(self) -> bool:
        return self.mechanism in ("cgroup2", "cgroup1")

    @property
    def binds_processes(self) -> bool:
        return self.mechanism != "none"

    def describe(self) -> str:
        """The log line that says which mechanism grading uses."""
        if self.mechanism == "cgroup2":
            return (f"per-kernel limits: cgroup v2 under {self.parents['unified']} "
                    "(pids.max, memory.max, cpu.weight per kernel)")
        if self.mechanism == "cgroup1":
            where = ", ".join(f"{c}={p}" for c, p in sorted(self.parents.items()))
            return (f"per-kernel limits: cgroup v1 ({where}; pids.max, memory limit incl. "
                    "swap, cpu.shares per kernel)")
        if self.mechanism == "uid":
            return ("per-kernel limits: a distinct uid per concurrent kernel (processes bound "
                    f"per kernel by RLIMIT_NPROC); {self.why}; memory is limited per process "
                    "only, not across a kernel's processes")
        return ("NO per-kernel limits: " + self.why + "; every kernel of this account shares "
                "one process limit (RLIMIT_NPROC per uid) and memory is limited per process "
                "only, so one learner can make another's kernel die (reported as "
                f"'{SHARED_RESOURCE}', to be retried)")


def _own_cgroups() -> dict[str, str]:
    """controller -> this process's group path (v2 under the key 'unified')."""
    out = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            out["unified"] = path
        for c in controllers.split(","):
            if c:
                out[c] = path
    return out


def _mounts() -> dict[str, Path]:
    """controller -> mount point (v1), and 'unified' -> the cgroup2 mount."""
    out: dict[str, Path] = {}
    for line in Path("/proc/self/mounts").read_text().splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        mnt, fstype, opts = Path(parts[1]), parts[2], parts[3].split(",")
        if fstype == "cgroup2":
            out.setdefault("unified", mnt)
        elif fstype == "cgroup":
            for c in ("pids", "memory", "cpu"):
                if c in opts:
                    out.setdefault(c, mnt)
    return out


def _parent_name() -> str:
    return os.environ.get(PARENT_ENV, "").strip() or DEFAULT_PARENT


def _probe(parent: Path) -> None:
    """Create ``parent`` if needed and a throwaway child in it (raises OSError)."""
    parent.mkdir(exist_ok=True)
    probe = parent / f"probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    probe.rmdir()


def _plan_v2(mounts: dict[str, Path], own: dict[str, str]) -> Plan | None:
    mnt = mounts.get("unified")
    if mnt is None:
        return None
    need = {"pids", "memory", "cpu"}
    name = _parent_name()
    candidates = [Path(name)] if name.startswith("/") else [
        mnt / own.get("unified", "/").lstrip("/") / name, mnt / name]
    for parent in dict.fromkeys(candidates):
        try:
            available = set((parent.parent / "cgroup.controllers").read_text().split())
            if not need <= available:
                continue
            enabled = set((parent.parent / "cgroup.subtree_control").read_text().split())
            if not need <= enabled:
                (parent.parent / "cgroup.subtree_control").write_text(
                    " ".join(f"+{c}" for c in sorted(need - enabled)))
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text("+pids +memory +cpu")
            _probe(parent)
        except OSError:
            continue
        return Plan("cgroup2", {"unified": parent})
    return None


def _plan_v1(mounts: dict[str, Path], own: dict[str, str]) -> Plan | None:
    if not {"pids", "memory", "cpu"} <= mounts.keys():
        return None
    name = _parent_name()
    parents = {}
    for c in ("pids", "memory", "cpu"):
        base = mounts[c] / own.get(c, "/").lstrip("/")
        # cpu: each kernel's group beside the grader's own processes, so every kernel
        # weighs as much as one process of the machine; under a common parent, all of
        # them together would weigh as one (four parallel kernels ran at a quarter speed
        # on a busy machine)
        tries = [base, base / name.lstrip("/")] if c == "cpu" else [base / name.lstrip("/")]
        for parent in tries:
            try:
                _probe(parent)
            except OSError:
                continue
            parents[c] = parent
            break
        else:
            return None
    return Plan("cgroup1", parents)


@functools.cache
def plan() -> Plan:
    """The mechanism for this machine and account (decided once per process)."""
    forced = os.environ.get(FORCE_ENV, "").strip().lower()
    mounts, own = _mounts(), _own_cgroups()
    root = os.geteuid() == 0
    if forced in ("uid", "none"):
        why = f"{FORCE_ENV}={forced}"
        if forced == "uid" and not root:
            return Plan("none", why=f"{why} asked for, but only root can change uid")
        return Plan(forced, why=why)
    for maker in ((_plan_v2, _plan_v1) if forced != "cgroup1" else (_plan_v1,)):
        if forced == "cgroup2" and maker is _plan_v1:
            continue
        found = maker(mounts, own)
        if found is not None:
            return found
    why = ("no writable cgroup with the pids, memory and cpu controllers"
           if forced in ("", "cgroup1", "cgroup2") else f"unknown {FORCE_ENV}={forced}")
    return Plan("uid", why=why) if root else Plan("none", why=why)


#: The cgroup v1 controllers a kernel's group joins, where the machine has them.
V1_CONTROLLERS = ("pids", "memory", "cpu")


def group_parents(plan_: Plan) -> list[Path]:
    """The folders every kernel's group is made in (none without cgroups): a pre-warmed
    kernel image hides them from its kernels."""
    if plan_.mechanism == "cgroup2":
        return [plan_.parents["unified"]]
    if plan_.mechanism == "cgroup1":
        return [plan_.parents[c] for c in V1_CONTROLLERS if c in plan_.parents]
    return []


class KernelGroup:
    """One kernel's group (cgroups or a uid slot); ``close`` kills what is left and removes it."""

    def __init__(self, plan_: Plan, name: str, *, processes: int, memory_mb: int,
                 lock_dir: Path | None = None):
        self.plan = plan_
        self.dirs: list[Path] = []
        self.v1: dict[str, Path] = {}
        self.uid: int | None = None
        self._lock_fd: int | None = None
        self.memory_mb = memory_mb
        self.processes = processes
        mb = 1024 * 1024
        if plan_.mechanism == "cgroup2":
            d = group_parents(plan_)[0] / name
            d.mkdir()
            self.dirs = [d]
            _write(d / "pids.max", str(processes))
            _write(d / "memory.max", str(memory_mb * mb))
            _write(d / "memory.swap.max", "0", missing_ok=True)
            _write(d / "cpu.weight", "100", missing_ok=True)
        elif plan_.mechanism == "cgroup1":
            for c in V1_CONTROLLERS:
                if c in plan_.parents:
                    d = plan_.parents[c] / name
                    d.mkdir()
                    self.dirs.append(d)
                    self.v1[c] = d
            _write(self.v1["pids"] / "pids.max", str(processes))
            memory = self.v1["memory"]
            _write(memory / "memory.limit_in_bytes", str(memory_mb * mb))
            _write(memory / "memory.memsw.limit_in_bytes", str(memory_mb * mb),
                   missing_ok=True)
            _write(memory / "memory.swappiness", "0", missing_ok=True)
            if "cpu" in self.v1:
                _write(self.v1["cpu"] / "cpu.shares", "1024")
        elif plan_.mechanism == "uid":
            self.uid = self._take_uid(lock_dir or Path("/tmp"))

    def _take_uid(self, lock_dir: Path) -> int:
        """A uid no other running kernel holds (an flock per uid, released at close)."""
        folder = lock_dir / "uids"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = os.getpid() % UID_SLOTS
        for i in range(UID_SLOTS):
            uid = UID_BASE + (start + i) % UID_SLOTS
            fd = os.open(folder / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self._lock_fd = fd
            return uid
        raise RuntimeError("no free per-kernel uid (more than 4,096 kernels at once)")

    def procs_files(self) -> list[Path]:
        """The files the launcher writes its pid into before it execs the sandbox."""
        return [d / "cgroup.procs" for d in self.dirs]

    # --- after the kernel ----------------------------------------------------------
    def own_limit_events(self) -> list[str]:
        """What the kernel hit of its own limits (notes for the learner's status)."""
        out = []
        if self.plan.mechanism == "cgroup2":
            d = self.dirs[0]
            if _counter(d / "memory.events", "oom_kill"):
                out.append(self._memory_note())
            if _counter(d / "pids.events", "max"):
                out.append(self._pids_note())
        elif self.plan.mechanism == "cgroup1":
            pids, memory = self.v1["pids"], self.v1["memory"]
            if _counter(memory / "memory.oom_control", "oom_kill"):
                out.append(self._memory_note())
            if _counter(pids / "pids.events", "max"):
                out.append(self._pids_note())
        return out

    def _memory_note(self) -> str:
        return (f"memory limit reached: the kernel's processes together needed more than "
                f"{self.memory_mb:,} MB")

    def _pids_note(self) -> str:
        return (f"process limit reached: the kernel tried to run more than "
                f"{self.processes:,} processes and threads")

    def peak_memory_mb(self) -> float | None:
        if self.plan.mechanism == "cgroup1":
            value = _read_int(self.v1["memory"] / "memory.max_usage_in_bytes")
        elif self.plan.mechanism == "cgroup2":
            value = _read_int(self.dirs[0] / "memory.peak")
        else:
            return None
        return None if value is None else value / 1024 / 1024

    def kill_all(self) -> None:
        """SIGKILL every process still in the group (cgroup.kill where there is one)."""
        for d in self.dirs[:1]:
            if (d / "cgroup.kill").exists():
                _write(d / "cgroup.kill", "1", missing_ok=True)
        for _ in range(50):
            pids = [int(p) for f in self.procs_files() if f.exists()
                    for p in f.read_text().split()]
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.025)

    def close(self) -> None:
        self.kill_all()
        for d in self.dirs:
            for _ in range(100):
                try:
                    d.rmdir()
                    break
                except OSError as exc:
                    if exc.errno == errno.ENOENT:
                        break
                    time.sleep(0.025)  # the last processes are still being reaped
        self.dirs = []
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def _write(path: Path, value: str, missing_ok: bool = False) -> None:
    try:
        path.write_text(value)
    except OSError:
        if not missing_ok:
            raise


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _counter(path: Path, key: str) -> int:
    """A ``key value`` line of a cgroup file (0 when absent)."""
    try:
        for line in path.read_text().splitlines():
            k, _, v = line.partition(" ")
            if k == key:
                return int(v)
    except (OSError, ValueError):
        pass
    return 0


def sweep(plan_: Plan) -> None:
    """Remove kernel groups left by grading workers that were killed (``k<pid>-...``)."""
    for parent in plan_.parents.values():
        try:
            children = [p for p in parent.iterdir() if p.is_dir()]
        except OSError:
            continue
        for child in children:
            pid = child.name[len(GROUP_PREFIX):].split("-", 1)[0]
            if child.name.startswith(GROUP_PREFIX) and pid.isdigit() and not Path(
                    f"/proc/{pid}").exists():
                for task in _read_ints(child / "cgroup.procs"):
                    try:
                        os.kill(task, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    child.rmdir()
                except OSError:
                    pass


def _read_ints(path: Path) -> list[int]:
    try:
        return [int(x) for x in path.read_text().split()]
    except (OSError, ValueError):
        return []


def delegate(user: str, name: str | None = None) -> list[Path]:
    """(root) Give a grader account its own parent group in every v1 controller.

    A grader that does not run as root cannot create cgroups; after this (once per boot,
    e.g. in a hub's start-up), the account grades with per-kernel cgroups when
    ``NEGOTIATION_COURSE_CGROUP`` names the same ``name``. Returns the folders made. cgroup
    v2 is delegated by the service manager instead (systemd ``Delegate=yes``), since a
    process may only move between groups whose common parent it can write.
    """
    import pwd

    entry = pwd.getpwnam(user)
    name = name or f"{DEFAULT_PARENT}-{user}"
    mounts, own = _mounts(), _own_cgroups()
    if not {"pids", "memory", "cpu"} <= mounts.keys():
        raise RuntimeError("no cgroup v1 pids, memory and cpu controllers to delegate")
    made = []
    for c in ("pids", "memory", "cpu"):
        parent = mounts[c] / own.get(c, "/").lstrip("/") / name
        parent.mkdir(exist_ok=True)
        for path in (parent, *parent.iterdir()):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        made.append(parent)
    return made


def undelegate(folders: list[Path]) -> None:
    """Remove delegated parent groups (their kernels' groups first)."""
    for parent in folders:
        for child in sorted((p for p in parent.iterdir() if p.is_dir()), reverse=True):
            try:
                child.rmdir()
            except OSError:
                pass
        try:
            parent.rmdir()
        except OSError:
            pass


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Per-kernel limits: show the mechanism "
                                     "grading would use here, or delegate cgroups to a "
                                     "grader account (root).")
    parser.add_argument("--delegate", metavar="USER")
    args = parser.parse_args(argv)
    if args.delegate:
        for folder in delegate(args.delegate):
            print(folder)
        print(f"grade as {args.delegate} with {PARENT_ENV}={DEFAULT_PARENT}-{args.delegate}")
        return 0
    print(plan().describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
