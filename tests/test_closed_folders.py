"""A checkout in a folder other accounts cannot enter (``mktemp -d``: 0700) cannot serve
learners' servers or a non-root grader: found, named and refused with the reason."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from negotiation_course.paths import closed_to_others


@pytest.fixture
def tmp_path():
    """A folder others may enter (pytest's own base folder is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="nc-closed-", dir="/tmp"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_closed_folder_on_the_way_is_named(tmp_path):
    outer = tmp_path / "outer"
    inner = outer / "clone" / ".venv"
    inner.mkdir(parents=True)
    os.chmod(tmp_path, 0o755)
    os.chmod(outer, 0o700)
    assert closed_to_others(inner) == outer
    os.chmod(outer, 0o711)  # entering is enough; listing is not needed
    assert closed_to_others(inner) is None


def test_a_missing_folder_counts_as_closed(tmp_path):
    os.chmod(tmp_path, 0o755)
    assert closed_to_others(tmp_path / "nowhere") == tmp_path / "nowhere"


@pytest.mark.skipif(os.geteuid() != 0, reason="the hub starts as root only")
def test_the_hub_refuses_a_checkout_closed_to_learners(tmp_path, monkeypatch):
    from negotiation_course.hub import serve

    closed = tmp_path / "closed"
    (closed / "venv").mkdir(parents=True)
    os.chmod(closed, 0o700)
    monkeypatch.setattr(serve.sys, "prefix", str(closed / "venv"))
    proxy = tmp_path / "proxy"
    proxy.write_text("")
    with pytest.raises(SystemExit, match=f"{closed} is closed to other accounts"):
        serve.start(state=tmp_path / "state", proxy=proxy, prepare=False)
