"""The output relays forked by each grading process's relay server (issue 16: ~40 ms of CPU
per kernel saved) still pass a kernel's output, still end on an oversized message, never
outlive their server or the grader, and fall back to a new interpreter when the server
cannot serve. Real processes and real ZeroMQ sockets."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import zmq

from negotiation_course.grading import relays

ENV = {"PATH": "/usr/bin:/bin"}


def _state(pid: int) -> str | None:
    """The process's state letter (None when there is no such process)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _gone(pid: int, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if _state(pid) in (None, "Z"):
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def ends(tmp_path):
    """A kernel-like publisher bound on ``up`` and the relay's ``down`` address."""
    ctx = zmq.Context()
    pub = ctx.socket(zmq.PUB)
    up, down = f"ipc://{tmp_path}/up", f"ipc://{tmp_path}/down"
    pub.bind(up)
    yield ctx, pub, up, down
    ctx.destroy(linger=0)


def _subscriber(ctx, down):
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.RECONNECT_IVL, 10)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(down)
    return sub


def _relayed(pub, sub, payload: bytes, seconds: float = 10.0) -> bytes | None:
    """Publish until the subscription has reached the publisher through the relay."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pub.send(payload)
        if sub.poll(50):
            return sub.recv()
    return None


@pytest.fixture(autouse=True)
def fresh_servers():
    relays.close_all()
    yield
    relays.close_all()


def test_a_forked_relay_passes_output_and_is_reaped_when_stopped(ends):
    ctx, pub, up, down = ends
    relay = relays.start_relay(up, down, 1024 * 1024, 100, ENV)
    assert isinstance(relay, relays.ForkedRelay)
    server = relays._SERVERS[0]
    assert int(Path(f"/proc/{relay.pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) \
        == server.proc.pid  # a child of the server, not of the grader
    assert _relayed(pub, _subscriber(ctx, down), b"hello") == b"hello"
    relay.stop()
    assert _state(relay.pid) is None  # killed and reaped: no zombie left behind
    again = relays.start_relay(up, down, 1024 * 1024, 100, ENV)
    assert again.pid != relay.pid and relays._SERVERS == [server]  # one server, reused
    again.stop()


def test_an_oversized_message_ends_the_relay_and_a_new_one_serves(ends):
    ctx, pub, up, down = ends
    relay = relays.start_relay(up, down, 1000, 100, ENV)
    sub = _subscriber(ctx, down)
    assert _relayed(pub, sub, b"small") == b"small"
    pub.send(b"x" * 5000)
    assert _gone(relay.pid), "the relay read past its limit instead of ending"
    assert _state(relay.pid) == "Z"  # not reaped before the grader stops it: pid not reused
    relay.stop()
    assert _state(relay.pid) is None
    relay = relays.start_relay(up, down, 1000, 100, ENV)
    assert _relayed(pub, sub, b"next") == b"next"
    relay.stop()


def test_relays_die_with_their_server(ends):
    _, _, up, down = ends
    relay = relays.start_relay(up, down, 1000, 100, ENV)
    server = relays._SERVERS[0]
    os.kill(server.proc.pid, signal.SIGKILL)
    assert _gone(relay.pid)
    relay.stop()  # a gone server is not an error
    replaced = relays.start_relay(up, down, 1000, 100, ENV)  # a new server
    assert isinstance(replaced, relays.ForkedRelay) and relays._SERVERS[0] is not server
    replaced.stop()


def test_closing_the_server_reaps_every_relay(ends):
    _, _, up, down = ends
    pids = [relays.start_relay(up, f"{down}-{i}", 1000, 100, ENV).pid for i in range(3)]
    server = relays._SERVERS[0]
    relays.close_all()
    assert server.proc.returncode is not None
    assert [_state(pid) for pid in pids] == [None, None, None]


def test_a_forked_grading_process_starts_its_own_server(ends):
    _, _, up, down = ends
    relays.start_relay(up, down, 1000, 100, ENV).stop()
    assert relays._SERVERS
    pid = os.fork()
    if pid == 0:
        os._exit(0 if not relays._SERVERS else 1)
    assert os.waitpid(pid, 0)[1] == 0


def test_a_server_that_cannot_serve_falls_back_to_a_new_interpreter(ends, monkeypatch):
    ctx, pub, up, down = ends
    monkeypatch.setattr(relays, "SERVER", "import sys; sys.exit(0)")  # ends at once
    relay = relays.start_relay(up, down, 1024 * 1024, 100, ENV)
    assert isinstance(relay, relays.SpawnedRelay)
    assert _relayed(pub, _subscriber(ctx, down), b"still") == b"still"
    relay.stop()
    assert relay.proc.returncode is not None


def test_an_address_with_white_space_is_never_sent_as_a_request(ends, tmp_path):
    ctx, pub, up, _ = ends
    down = f"ipc://{tmp_path}/with space"
    relay = relays.start_relay(up, down, 1024 * 1024, 100, ENV)
    assert isinstance(relay, relays.SpawnedRelay)
    assert _relayed(pub, _subscriber(ctx, down), b"spaced") == b"spaced"
    relay.stop()
