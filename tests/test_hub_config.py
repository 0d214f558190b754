"""The hub's configuration files (issue 13, items 2 and 4), without starting a hub.

The learners' global configuration keeps only the learner tools; the Makefile pins the
proxy; released feedback is handed to its owner alone and a planted link is refused.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import stat
from pathlib import Path

import pytest

from negotiation_course.hub.exchange import hand_feedback_to_owners, released_feedback
from negotiation_course.hub.learner import (
    HUB_DISABLED_LAB_PLUGINS,
    HUB_DISABLED_SERVER_EXTENSIONS,
    LEARNER_SERVER_EXTENSIONS,
    MENU,
)

ROOT = Path(__file__).resolve().parents[1]
LEARNER = ROOT / "deploy" / "hub" / "learner"


def test_learner_servers_keep_only_the_learner_extensions():
    server = json.loads((LEARNER / "jupyter_server_config.json").read_text())
    enabled = server["ServerApp"]["jpserver_extensions"]
    assert all(enabled[name] is True for name in LEARNER_SERVER_EXTENSIONS)
    assert all(enabled[name] is False for name in HUB_DISABLED_SERVER_EXTENSIONS)
    lab = json.loads((LEARNER / "labconfig" / "page_config.json").read_text())
    assert set(lab["disabledExtensions"]) == set(HUB_DISABLED_LAB_PLUGINS)
    assert MENU not in lab["disabledExtensions"]


def test_learner_nbgrader_config_names_the_exchange_and_private_submit():
    text = (LEARNER / "nbgrader_config.py").read_text()
    assert "NEGOTIATION_EXCHANGE_ROOT" in text and "c.Exchange.root" in text
    assert "c.ExchangeFactory.submit = PrivateSubmit" in text


def test_hub_config_listens_on_localhost_with_pam_and_local_processes():
    text = (ROOT / "deploy" / "hub" / "jupyterhub_config.py").read_text()
    assert 'bind_url = f"http://127.0.0.1:{PORT}"' in text
    assert "class CourseAuthenticator(PAMAuthenticator)" in text
    assert "LocalProcessSpawner" in text
    assert '"scopes": ["access:services!service=formgrader"]' in text


def test_the_proxy_is_pinned_with_its_tree():
    package = json.loads((ROOT / "deploy" / "hub" / "proxy" / "package.json").read_text())
    version = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    lock = json.loads((ROOT / "deploy" / "hub" / "proxy" / "package-lock.json").read_text())
    packages = lock["packages"]
    assert packages["node_modules/configurable-http-proxy"]["version"] == version
    assert all(p.get("integrity") for name, p in packages.items() if name)
    assert "npm ci" in (ROOT / "Makefile").read_text()


def _feedback(course: Path, learner: str, assignment: str) -> None:
    folder = course / "feedback" / learner / assignment
    folder.mkdir(parents=True)
    (folder / "submission_secret.txt").write_text(learner * 20)
    (folder / f"{assignment}.html").write_text("<p>Score: 3 / 3</p>")


def test_feedback_goes_to_its_owner_alone_and_links_are_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("hands files to another user: run as root")
    course, outbound = tmp_path / "course", tmp_path / "exchange" / "c" / "feedback"
    outbound.mkdir(parents=True)
    _feedback(course, "nobody", "a1")
    _feedback(course, "daemon", "a1")
    names = released_feedback(course, "a1")
    (outbound / names["nobody"][0]).write_text("released page")
    target = tmp_path / "precious"
    target.write_text("root's")
    (outbound / names["daemon"][0]).symlink_to(target)  # a grader planting a link
    report = hand_feedback_to_owners(course, outbound.parent, "a1")
    page = (outbound / names["nobody"][0]).stat()
    assert page.st_uid == pwd.getpwnam("nobody").pw_uid and stat.S_IMODE(page.st_mode) == 0o400
    assert target.stat().st_uid == 0, "root followed the grader's link"
    assert any("daemon" in line and "refused" in line for line in report), report
