"""`make hub` / `make hub-stop`: the course's JupyterHub on 127.0.0.1, stopped by pid (issue 13).

    python -m negotiation_course.hub.serve start [--state build/hub] [--share DIR] [--port 8000]
        [--exchange /srv/nbgrader/exchange] [--grader grader] [--group formgrade-negotiation]
    python -m negotiation_course.hub.serve stop [--state build/hub]

`start` (root) writes the learners' read-only share (the student bundle and the learners'
global Jupyter configuration, deploy/hub/learner/), makes the private exchange and the
grader's course folder when the grader account exists, starts JupyterHub with
deploy/hub/jupyterhub_config.py (PAM, LocalProcessSpawner, the formgrader service), waits
until it answers and records the pids of the hub and its proxy in `<state>/pids.json`.
`stop` ends the hub (which stops every learner server and the proxy), then kills by pid
whatever of the recorded family is still alive. Ports used: PORT (the public side), PORT+1
(hub API), PORT+2 (proxy API), PORT+3 (formgrader service).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import COURSE_ROOT, closed_to_others
from .accounts import DEFAULT_COURSE_ID, DEFAULT_GRADER

DEPLOY = COURSE_ROOT / "deploy" / "hub"
CONFIG = DEPLOY / "jupyterhub_config.py"
LEARNER_CONFIG = DEPLOY / "learner"
DEFAULT_STATE = COURSE_ROOT / "build" / "hub"
DEFAULT_SHARE = Path("/srv/negotiation-course")
DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")
DEFAULT_GROUP = "formgrade-negotiation"
DEFAULT_PROXY = COURSE_ROOT / "build" / "node-proxy" / "node_modules" / ".bin" / \
    "configurable-http-proxy"
VENV_BIN = Path(sys.executable).parent


def ports_free(base: int, count: int = 4) -> bool:
    """True when 127.0.0.1:base .. base+count-1 can all be bound now, as a server binds
    (SO_REUSEADDR: connections of a stopped server lingering in TIME_WAIT do not count)."""
    for port in range(base, base + count):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_base_port(count: int = 4) -> int:
    """A base port with `count` consecutive free ports above it (for tests and benchmarks)."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = int(sock.getsockname()[1])
        if base + count < 65535 and ports_free(base, count):
            return base
    raise RuntimeError("no run of free ports on 127.0.0.1")


def _read_only_tree(path: Path) -> None:
    """Root's, directories 0755 and files 0644: learners may read, nobody else may write."""
    for folder, _dirs, files in os.walk(path):
        os.chown(folder, 0, 0, follow_symlinks=False)
        os.chmod(folder, 0o755)
        for name in files:
            item = os.path.join(folder, name)
            if os.path.islink(item):
                os.unlink(item)
                continue
            os.chown(item, 0, 0, follow_symlinks=False)
            os.chmod(item, 0o644)


def write_share(share: Path) -> Path:
    """The learners' read-only share: `course/` (student bundle) and `learner-config/`."""
    from ..instructor import bundle

    share.mkdir(parents=True, exist_ok=True)
    course = bundle.build(share / "course")
    config = share / "learner-config"
    if config.exists():
        shutil.rmtree(config)
    shutil.copytree(LEARNER_CONFIG, config, ignore=shutil.ignore_patterns("__pycache__"))
    os.chown(share, 0, 0)
    share.chmod(0o755)
    _read_only_tree(course)
    _read_only_tree(config)
    return share


def world_readable_source(root: Path = COURSE_ROOT) -> bool:
    """True when another user could read this repository's source/ (hidden tests)."""
    path = root / "source"
    if not path.exists():
        return False
    for part in [path, *path.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            return False
        if part == path and not mode & stat.S_IROTH:
            return False
    return True


@dataclass
class Hub:
    """A running hub: its process, where it listens and its state folder."""

    process: subprocess.Popen | None
    port: int
    state: Path
    share: Path
    pids: dict[int, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 30) -> list[int]:
        return stop(self.state, timeout)


def _family(pid: int) -> dict[int, float]:
    """pid -> create time of a process and all its descendants (create time guards reuse)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        family = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    found = {}
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            found[member.pid] = member.create_time()
    return found


def _record(state: Path, pids: dict[int, float]) -> None:
    path = state / "pids.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    old.update({str(k): v for k, v in pids.items()})
    path.write_text(json.dumps(old, indent=1))


def _hub_pid(state: Path) -> int | None:
    try:
        return int((state / "jupyterhub.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def hub_env(state: Path, share: Path, port: int, exchange: Path, course_id: str, grader: str,
            group: str, proxy: Path, grader_course: Path | None) -> dict[str, str]:
    from ..grading.formgrader_guard import CONFIG_PATH

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update({
        "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
        "NEGOTIATION_HUB_STATE": str(state), "NEGOTIATION_HUB_SHARE": str(share),
        "NEGOTIATION_HUB_PORT": str(port), "NEGOTIATION_EXCHANGE_ROOT": str(exchange),
        "NEGOTIATION_COURSE_ID": course_id, "NEGOTIATION_GRADER": grader,
        "NEGOTIATION_GRADER_GROUP": group, "NEGOTIATION_HUB_PROXY": str(proxy),
        "NEGOTIATION_FORMGRADER_GUARD": str(CONFIG_PATH), "PYTHONDONTWRITEBYTECODE": "1",
    })
    if grader_course is not None:
        env["NEGOTIATION_GRADER_COURSE"] = str(grader_course)
    return env


def start(state: Path = DEFAULT_STATE, share: Path = DEFAULT_SHARE, port: int = 8000,
          exchange: Path = DEFAULT_EXCHANGE, course_id: str = DEFAULT_COURSE_ID,
          grader: str = DEFAULT_GRADER, group: str = DEFAULT_GROUP,
          proxy: Path = DEFAULT_PROXY, grader_course: Path | None = None,
          timeout: float = 90, prepare: bool = True) -> Hub:
    """Start the hub (as root) and wait until its API answers; see the module doc."""
    import pwd

    from .exchange import prepare_exchange
    from .round import setup_grader_course

    if os.geteuid() != 0:
        raise SystemExit("hub: run as root (PAM logins and a server per learner uid)")
    if not proxy.exists():
        raise SystemExit(f"hub: {proxy} is missing; run `make hub-proxy` (npm, pinned)")
    closed = closed_to_others(Path(sys.prefix))
    if closed is not None:
        raise SystemExit(f"hub: learners' servers run {sys.prefix} as their own accounts, "
                         f"but {closed} is closed to other accounts (mode "
                         f"{closed.stat().st_mode & 0o777:o}); move the course to a folder "
                         f"others may enter, or `chmod o+x {closed}`")
    if _hub_pid(state) and _family(_hub_pid(state)):
        raise SystemExit(f"hub: already running (pid {_hub_pid(state)}); `make hub-stop` first")
    if not ports_free(port):
        raise SystemExit(f"hub: a port in 127.0.0.1:{port}-{port + 3} is in use; pick HUB_PORT")
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)  # the hub's database and cookie secret are root's alone
    if prepare:
        write_share(share)
        try:
            pwd.getpwnam(grader)
        except KeyError:
            print(f"hub: no grader account {grader!r} yet: no exchange and no formgrader "
                  "(create accounts with `make hub-accounts ROSTER=...`)", file=sys.stderr)
        else:
            prepare_exchange(exchange, course_id, grader)
            grader_course = setup_grader_course(grader, exchange, course_id, grader_course)
    if world_readable_source():
        print(f"hub: WARNING: {COURSE_ROOT / 'source'} (hidden tests) is readable by every "
              "user of this machine; keep the instructors' repository in a folder only root "
              "and the grader can enter (see deploy/hub/README.md)", file=sys.stderr)
    for stale in ("jupyterhub.pid", "proxy.pid", "pids.json"):
        (state / stale).unlink(missing_ok=True)
    log = state / "hub.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "jupyterhub"), "-f", str(CONFIG)], cwd=state,
            env=hub_env(state, share, port, exchange, course_id, grader, group, proxy,
                        grader_course),
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    hub = Hub(process, port, state, share)
    _record(state, _family(process.pid))
    (state / "jupyterhub.pid").write_text(str(process.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited ({process.returncode}); see {log}:\n"
                               + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(f"{hub.url}/hub/api/", timeout=2) as response:
                if response.status == 200:
                    hub.pids = _family(process.pid)
                    _record(state, hub.pids)
                    return hub
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    stop(state)
    raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s; see {log}")


def stop(state: Path = DEFAULT_STATE, timeout: float = 30) -> list[int]:
    """Stop the hub and every process it started, by pid; returns pids that had to be killed."""
    import psutil

    recorded: dict[int, float] = {}
    path = state / "pids.json"
    if path.exists():
        recorded = {int(k): v for k, v in json.loads(path.read_text()).items()}
    hub_pid = _hub_pid(state)
    if hub_pid:
        recorded.update(_family(hub_pid))  # learner servers and kernels started since
    proxy_pid = None
    with contextlib.suppress(OSError, ValueError):
        proxy_pid = int((state / "proxy.pid").read_text().strip())
    if proxy_pid:
        recorded.update(_family(proxy_pid))

    def alive(pid: int, created: float) -> psutil.Process | None:
        try:
            proc = psutil.Process(pid)
            if abs(proc.create_time() - created) > 1 or proc.status() == psutil.STATUS_ZOMBIE:
                return None
            return proc
        except psutil.NoSuchProcess:
            return None

    if hub_pid and hub_pid in recorded and alive(hub_pid, recorded[hub_pid]):
        os.kill(hub_pid, signal.SIGTERM)  # the hub stops learner servers, services and proxy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and alive(hub_pid, recorded[hub_pid]):
            time.sleep(0.2)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(hub_pid, os.WNOHANG)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p, t) for p, t in recorded.items()):
        time.sleep(0.2)
    killed = []
    for pid, created in recorded.items():
        proc = alive(pid, created)
        if proc is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
                killed.append(pid)
    for name in ("jupyterhub.pid", "proxy.pid", "pids.json"):
        (state / name).unlink(missing_ok=True)
    return sorted(killed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE)
    parser.add_argument("--share", type=Path, default=DEFAULT_SHARE)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--exchange", type=Path, default=DEFAULT_EXCHANGE)
    parser.add_argument("--course-id", default=DEFAULT_COURSE_ID)
    parser.add_argument("--grader", default=DEFAULT_GRADER)
    parser.add_argument("--group", default=DEFAULT_GROUP)
    parser.add_argument("--proxy", type=Path, default=DEFAULT_PROXY)
    args = parser.parse_args(argv)
    state = args.state.resolve()
    if args.action == "stop":
        killed = stop(state)
        print(f"hub stopped{f' (killed {killed})' if killed else ''}")
        return 0
    started = time.monotonic()
    hub = start(state, args.share.resolve(), args.port, args.exchange.resolve(),
                args.course_id, args.grader, args.group, args.proxy.resolve())
    print(f"JupyterHub answering at {hub.url}/hub/login after {time.monotonic() - started:.1f} s "
          f"(pid {hub.process.pid}; log {state / 'hub.log'}); stop it with `make hub-stop`")
    try:
        from .round import default_course_dir

        has_formgrader = (default_course_dir(args.grader) / "nbgrader_config.py").is_file()
    except KeyError:
        has_formgrader = False
    if has_formgrader:
        print(f"formgrader ({args.group} only): {hub.url}/services/formgrader/formgrader")
    return 0


if __name__ == "__main__":
    sys.exit(main())
