"""The output relay between a kernel and the grader, forked from one small server per worker.

The relay (:data:`RELAY_MAIN`) is a process of its own between the kernel's output socket
and the grader: it refuses any message part over its limit (ZeroMQ drops it, and the
connection, before reading it whole) and queues few messages; on a dropped connection it
exits, so a learner's flood can end the relay (which the grader restarts), never the
grading worker. Subscriptions pass through (XSUB/XPUB), so the kernel's welcome does.

Started as a new interpreter for every kernel, a relay cost about 40 ms of CPU (Python's
start and the import of pyzmq), some 5% of a graded notebook. So each grading process
starts one :class:`RelayServer` (pyzmq imported once, no ZeroMQ context, no thread) and
asks it for a relay per kernel: the server forks, and the child makes its own context and
sockets. A relay still never serves two kernels, and it is still outside the grader. The
server reaps a relay only when the grader stops it, so a relay's pid is never reused while
the grader may still signal it; a relay dies with its server (``PR_SET_PDEATHSIG``) and the
server with the grader (end of its input). If the server cannot start, each relay is a
new interpreter again (:class:`SpawnedRelay`), as before.
"""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import sys
import threading
from pathlib import Path

import zmq

#: The relay's own work, in the forked child (or a new interpreter, the fallback).
RELAY_MAIN = """
def relay(up, down, max_bytes, hwm):
    import os, threading
    import zmq
    ctx = zmq.Context()
    front, back = ctx.socket(zmq.XSUB), ctx.socket(zmq.XPUB)
    front.setsockopt(zmq.MAXMSGSIZE, max_bytes)
    front.setsockopt(zmq.RCVHWM, hwm)
    front.setsockopt(zmq.RECONNECT_IVL, 10)  # started before the kernel: connect once it binds
    back.setsockopt(zmq.SNDHWM, hwm)
    monitor = front.get_monitor_socket(zmq.EVENT_DISCONNECTED)
    back.bind(down)
    front.connect(up)
    def watch():
        monitor.recv_multipart()
        os._exit(3)
    threading.Thread(target=watch, daemon=True).start()
    zmq.proxy(front, back)
"""

#: One relay as a new interpreter: ``up down max_bytes hwm zmq_folder``.
SPAWN = RELAY_MAIN + """
import sys
sys.path.insert(0, sys.argv[5])
relay(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
"""

#: The server: ``start up down max_bytes hwm`` forks a relay and answers its pid;
#: ``stop pid`` kills and reaps it and answers ``ok``. At the end of its input it kills and
#: reaps every relay it still has, then exits.
SERVER = RELAY_MAIN + """
import ctypes, os, signal, sys
sys.path.insert(0, sys.argv[1])
import zmq  # noqa: F401 (imported once here, inherited by every relay)
libc = ctypes.CDLL(None, use_errno=True)
server, children = os.getpid(), set()
def answer(text):
    os.write(1, (text + "\\n").encode())
def child(up, down, max_bytes, hwm):
    try:
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG: dies with the server
        if os.getppid() != server:
            os._exit(3)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.close(null)
        relay(up, down, max_bytes, hwm)
    finally:
        os._exit(3)
def stop(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    children.discard(pid)
for line in sys.stdin.buffer:
    words = line.decode().split()
    try:
        if words[0] == "start":
            pid = os.fork()
            if pid == 0:
                child(words[1], words[2], int(words[3]), int(words[4]))
            children.add(pid)
            answer(str(pid))
        elif words[0] == "stop":
            pid = int(words[1])
            if pid in children:
                stop(pid)
            answer("ok")
        else:
            answer("error unknown request")
    except (IndexError, ValueError, OSError) as exc:
        answer("error " + type(exc).__name__)
for pid in list(children):
    stop(pid)
"""

#: How long the grader waits for the server's answer before it starts the relay itself.
ANSWER_SECONDS = 10.0


def zmq_folder() -> str:
    """The folder pyzmq is installed in (the relay runs with ``-I -S``: no site folders)."""
    return str(Path(zmq.__file__).resolve().parent.parent)


class SpawnedRelay:
    """A relay that is a new interpreter of its own (the fallback)."""

    def __init__(self, up: str, down: str, max_bytes: int, hwm: int, env: dict) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", SPAWN, up, down, str(max_bytes), str(hwm),
             zmq_folder()],
            env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


class ForkedRelay:
    """A relay forked by this process's :class:`RelayServer`."""

    def __init__(self, server: RelayServer, pid: int) -> None:
        self.server, self.pid = server, pid

    def stop(self) -> None:
        self.server.stop(self.pid)


class RelayServer:
    """One grading process's relay server (see the module's docstring)."""

    def __init__(self, env: dict) -> None:
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", SERVER, zmq_folder()],
            env=dict(env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _ask(self, request: str) -> str:
        with self._lock:
            try:
                self.proc.stdin.write((request + "\n").encode())
                self.proc.stdin.flush()
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"the relay server is gone ({exc})") from exc
            return self._answer()

    def _answer(self) -> str:
        fd, got = self.proc.stdout.fileno(), b""
        while not got.endswith(b"\n"):
            ready, _, _ = select.select([fd], [], [], ANSWER_SECONDS)
            chunk = os.read(fd, 256) if ready else b""
            if not chunk:
                self.close()
                raise RuntimeError("the relay server did not answer")
            got += chunk
        return got.decode().strip()

    def start(self, up: str, down: str, max_bytes: int, hwm: int) -> ForkedRelay:
        answer = self._ask(f"start {up} {down} {max_bytes} {hwm}")
        if not answer.isdigit():
            raise RuntimeError(f"the relay server refused: {answer}")
        return ForkedRelay(self, int(answer))

    def stop(self, pid: int) -> None:
        try:
            self._ask(f"stop {pid}")
        except RuntimeError:
            pass  # the server is gone, and its relays with it (PR_SET_PDEATHSIG)

    def close(self) -> None:
        """Its input closed: it kills and reaps its relays, then exits."""
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_SERVERS: list[RelayServer] = []
_SERVERS_LOCK = threading.Lock()


def start_relay(up: str, down: str, max_bytes: int, hwm: int,
                env: dict) -> ForkedRelay | SpawnedRelay:
    """A relay from ``up`` (the kernel's output socket) to ``down`` (where the grader's
    client connects), forked by this process's server (started on first use)."""
    if any(c.isspace() for c in up + down):
        return SpawnedRelay(up, down, max_bytes, hwm, env)  # not a one-line request
    for _ in range(2):  # a server that died or refused is replaced once
        with _SERVERS_LOCK:
            if _SERVERS and not _SERVERS[0].alive():
                _SERVERS.pop().close()
            if not _SERVERS:
                try:
                    _SERVERS.append(RelayServer(env))
                except OSError:
                    break
            server = _SERVERS[0]
        try:
            return server.start(up, down, max_bytes, hwm)
        except RuntimeError:
            with _SERVERS_LOCK:
                if server in _SERVERS:
                    _SERVERS.remove(server)
            server.close()
    return SpawnedRelay(up, down, max_bytes, hwm, env)


def close_all() -> None:
    for server in _SERVERS:
        server.close()
    _SERVERS.clear()


def _forget_after_fork() -> None:
    _SERVERS.clear()  # the parent's server is not this process's child


atexit.register(close_all)
os.register_at_fork(after_in_child=_forget_after_fork)
