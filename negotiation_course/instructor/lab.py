"""JupyterLab for learners (default) or instructors (``--instructor``).

The repository is the instructors' (``source/`` holds solutions), so the learner's lab never
serves it: it serves ``build/lab/``, a working copy of the student bundle
(:mod:`negotiation_course.instructor.bundle`) with the bundle's Jupyter configuration, which keeps
nbgrader's Assignment List and Validate and turns off Formgrader, Course List, Create
Assignment and the Nbgrader menu. Notebooks already in ``build/lab/`` are the learner's work
and are kept when the lab is restarted (``--fresh`` starts over).
``--instructor`` serves the repository root with every extension, reading
``nbgrader_config.py`` there, plus the course's formgrader guard
(:mod:`negotiation_course.grading.formgrader_guard`).

The browser test starts the same server through :func:`start` in a scratch workspace.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import COURSE_ROOT, build_dir
from . import bundle
from .processes import end_process, processes_mentioning

#: JupyterLab user settings for a fresh learner: no "Jupyter news" prompt, no update check.
QUIET_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}
#: Server options that keep JupyterLab from fetching anything from the internet.
OFFLINE_ARGS = ("--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_settings(settings_dir: Path, extra: dict[str, dict] | None = None) -> None:
    """Write JupyterLab user settings files (``<plugin-path>.jupyterlab-settings``)."""
    for name, values in {**QUIET_SETTINGS, **(extra or {})}.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


def learner_workspace(dest: Path, fresh: bool = False) -> Path:
    """Build (or refresh) a learner workspace from the bundle; keeps existing notebooks."""
    if fresh and (dest / bundle.MARKER).exists():
        shutil.rmtree(dest)
    return bundle.build(dest, notebooks=False)


def environment(state: Path, *, config_dir: Path | None, pythonpath: Path | None,
                settings: dict[str, dict] | None = None) -> dict[str, str]:
    """Environment of a lab with its own Jupyter, IPython and matplotlib state in ``state``.

    ``config_dir=None`` keeps the normal Jupyter config path (instructor). The data dir is
    fresh too: nbgrader's lab extension is installed in the environment (sys-prefix), which
    stays on Jupyter's path whatever ``JUPYTER_DATA_DIR`` says.
    """
    env = dict(os.environ)
    dirs = {"JUPYTER_DATA_DIR": state / "data", "JUPYTER_RUNTIME_DIR": state / "runtime",
            "IPYTHONDIR": state / "ipython", "MPLCONFIGDIR": state / "matplotlib",
            "JUPYTERLAB_SETTINGS_DIR": state / "user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": state / "workspaces"}
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    if config_dir is not None:
        env["JUPYTER_CONFIG_DIR"] = str(config_dir)
    if pythonpath is not None:  # the workspace's copy of the course package wins
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    env.pop("JUPYTER_PREFER_ENV_PATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    write_settings(state / "user-settings", settings)
    return env


def with_formgrader_guard(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the course's formgrader guard extension on Jupyter's config path."""
    from ..grading.formgrader_guard import CONFIG_PATH

    paths = [str(CONFIG_PATH), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(
        os.pathsep))]
    return {**env, "JUPYTER_CONFIG_PATH": os.pathsep.join(dict.fromkeys(paths))}


def command(root: Path, port: int, token: str, open_browser: bool = False) -> list[str]:
    args = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", *OFFLINE_ARGS]
    if not open_browser:
        args.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
        args.append("--allow-root")
    return args


@dataclass
class Server:
    """A running JupyterLab; :meth:`stop` ends it and every process it started."""

    process: subprocess.Popen
    root: Path
    port: int
    token: str
    log: Path
    state: Path
    pids: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, path: str, method: str = "GET", timeout: float = 10) -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def status(self, path: str) -> int:
        """HTTP status of ``path`` (for checking which handlers exist)."""
        request = urllib.request.Request(f"{self.url}{path}",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as err:
            return int(err.code)

    def descendants(self) -> set[int]:
        """Pids of the server and everything it started (kernels), remembered for stop()."""
        import psutil

        try:
            proc = psutil.Process(self.process.pid)
            self.pids |= {proc.pid, *(c.pid for c in proc.children(recursive=True))}
        except psutil.NoSuchProcess:
            pass
        return set(self.pids)

    def stop(self, timeout: float = 20) -> list[int]:
        """Shut down kernels and server by pid; returns pids that had to be killed."""
        import psutil

        pids = self.descendants()
        end_process(self.process, timeout,
                    polite=lambda: self.api("/api/shutdown", method="POST", timeout=5))
        killed = set()
        for pid in sorted(pids - {self.process.pid}):
            try:
                proc = psutil.Process(pid)
                proc.wait(timeout=5)
            except psutil.NoSuchProcess:
                continue
            except psutil.TimeoutExpired:
                proc.kill()
                killed.add(pid)
        for pid in processes_mentioning(str(self.state)):  # e.g. a kernel that was re-parented
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()
                killed.add(pid)
        return sorted(killed)


def start(root: Path, state: Path, *, learner: bool = True, env: dict[str, str] | None = None,
          timeout: float = 60, settings: dict[str, dict] | None = None,
          guard: bool = True) -> Server:
    """Start JupyterLab on 127.0.0.1 with a random port and token; wait until it answers.

    An instructor's lab gets the formgrader guard unless ``guard=False`` (tests' control).
    """
    if env is None:
        env = environment(state, config_dir=root / bundle.CONFIG_DIR_NAME if learner else None,
                          pythonpath=root if learner else None, settings=settings)
    if not learner and guard:
        env = with_formgrader_guard(env)
    port, token = free_port(), secrets.token_hex(16)
    log = state / "jupyterlab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command(root, port, token), cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(process, root, port, token, log, state)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited ({process.returncode}); see {log}:\n"
                               + log.read_text(errors="replace")[-3000:])
        try:
            server.api("/api/status", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s; see {log}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instructor", action="store_true",
                        help="serve the repository root with every nbgrader extension")
    parser.add_argument("--fresh", action="store_true",
                        help="learner: start over from the released notebooks")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    args = parser.parse_args(argv)
    port = args.port or free_port()
    token = secrets.token_hex(16)
    if args.instructor:
        root, env = COURSE_ROOT, with_formgrader_guard(dict(os.environ))
    else:
        root = learner_workspace(build_dir() / "lab", fresh=args.fresh)
        env = environment(build_dir() / "lab-state", config_dir=root / bundle.CONFIG_DIR_NAME,
                          pythonpath=root)
    print(f"Serving {root} ({'instructor' if args.instructor else 'learner'} view) at "
          f"http://127.0.0.1:{port}/lab?token={token}", flush=True)
    os.chdir(root)
    os.execve(sys.executable, command(root, port, token, open_browser=True), env)


if __name__ == "__main__":
    main()
