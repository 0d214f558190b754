"""Without Chromium the browser test fails with a message naming what is missing (no skip);
leftover processes are found by the unique path on their command line. Under a second."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import browser


def test_missing_chromium_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(browser.ChromiumMissing, match=r"Chromium is not installed.*apt-get"):
        browser.start(tmp_path / "profile", tmp_path / "log")


def test_leftover_processes_are_found_by_path(tmp_path: Path) -> None:
    marker = str(tmp_path / "unique-marker")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", marker])
    try:
        assert browser.processes_mentioning(marker) == [proc.pid]
    finally:
        proc.kill()
        proc.wait()
    assert browser.processes_mentioning(marker) == []


def test_only_local_urls_count_as_local() -> None:
    assert browser.is_local("http://127.0.0.1:8888/lab")
    assert browser.is_local("ws://127.0.0.1:8888/api/kernels/x/channels")
    assert browser.is_local("data:image/png;base64,xx")
    assert not browser.is_local("https://jupyterlab.github.io/assets/feed.xml")
    assert not browser.is_local("http://127.0.0.1.evil.example/")
    assert not browser.is_local("http://localhost:8888/")
