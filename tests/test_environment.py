"""environment.yml (conda, Binder, JupyterHub) and the pinned requirements agree."""

from __future__ import annotations

import re

from .conftest import ROOT

PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)", re.M)


def _pins(text: str) -> dict[str, str]:
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def test_environment_yml_and_requirements_agree():
    env = _pins((ROOT / "environment.yml").read_text())
    top = _pins((ROOT / "requirements.in").read_text())
    lock = _pins((ROOT / "requirements.txt").read_text())
    assert env == top, "environment.yml and requirements.in name different packages/versions"
    disagree = {k: (v, lock.get(k)) for k, v in env.items() if lock.get(k) != v}
    assert not disagree, f"environment.yml vs requirements.txt: {disagree}"


def test_python_version_agrees_with_pyproject():
    env = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in env
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text()


def test_makefile_refuses_old_python():
    text = (ROOT / "Makefile").read_text()
    assert "(3, 11)" in text and "Python 3.11 or newer is needed" in text
