"""A throwaway PostgreSQL server for gradebook tests (Debian's postgresql, loopback only).

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` system user, with a data directory that user owns under a world-traversable
directory (not inside pytest's private 0700 temp folders).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run 'make sysdeps' "
                           "(Debian package postgresql)")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql+psycopg2://postgres@127.0.0.1:<port>/gradebook`` on a fresh server."""
    base = Path(tempfile.mkdtemp(prefix="nc-pg-", dir="/tmp"))
    base.chmod(0o755)
    data = base / "data"
    data.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (base, data):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = _free_port()
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    try:
        subprocess.run(_as_server_user([_bin("initdb"), "-D", str(data), "-A", "trust",
                                        "-U", "postgres", "--no-sync"]), **run)
        subprocess.run(_as_server_user([
            _bin("pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "start",
            "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"]), **run)
        subprocess.run([_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                        "gradebook"], **run)
        # SQLAlchemy 2.1 maps plain postgresql:// to psycopg 3; the course pins psycopg2.
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "immediate",
                                        "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
