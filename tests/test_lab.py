"""The learner's lab hides nbgrader's instructor tools; the instructor's lab has them.

Starts JupyterLab twice (learner workspace, then the repository root as instructor, each
with fresh Jupyter directories) and reads what the server offers: the page config's
disabled lab plugins and whether the Formgrader answers. The instructor run is the control
that shows the learner check can fail. About 8 s.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from negotiation_course.instructor import bundle, lab
from negotiation_course.paths import COURSE_ROOT

pytestmark = pytest.mark.slow  # starts real JupyterLab servers

NBGRADER_PLUGINS = re.compile(r"^@jupyter/nbgrader:")


def _page_config(server: lab.Server) -> dict:
    request = urllib.request.Request(f"{server.url}/lab",
                                     headers={"Authorization": f"token {server.token}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        html = response.read().decode()
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      html, re.DOTALL)
    assert match, "no page config in /lab"
    return json.loads(match.group(1))


def _serve(root: Path, state: Path, env: dict[str, str] | None = None,
           learner: bool = True) -> tuple[dict, int, int]:
    """(page config, /formgrader status, /assignments status) of a lab; stops it after."""
    server = lab.start(root, state, learner=learner, env=env)
    try:
        return _page_config(server), server.status("/formgrader"), server.status("/assignments")
    finally:
        assert server.stop() == []
        assert server.process.poll() is not None


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lab.learner_workspace(tmp_path_factory.mktemp("lab") / "workspace")


def test_learner_lab_has_no_instructor_tools(workspace: Path, tmp_path: Path) -> None:
    config, formgrader, assignments = _serve(workspace, tmp_path / "state")
    disabled = {k for k in config["disabledExtensions"] if NBGRADER_PLUGINS.match(k)}
    assert disabled == set(bundle.INSTRUCTOR_LAB_PLUGINS)
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    assert formgrader == 404
    assert assignments != 404  # the learner's Assignment List is served


def test_instructor_lab_has_everything(tmp_path: Path) -> None:
    """The control: at the repository root with the normal config, Formgrader is there."""
    state = tmp_path / "state"
    env = lab.environment(state, config_dir=tmp_path / "empty-config", pythonpath=None)
    env["NEGOTIATION_COURSE_DB_URL"] = f"sqlite:///{tmp_path / 'gradebook.db'}"
    config, formgrader, _ = _serve(COURSE_ROOT, state, env=env, learner=False)
    assert {k for k in config["disabledExtensions"] if NBGRADER_PLUGINS.match(k)} == set()
    assert formgrader in (200, 302)


def test_learner_kernel_imports_the_workspace_copy_of_the_course_package(
        workspace: Path, tmp_path: Path) -> None:
    env = lab.environment(tmp_path / "state", config_dir=workspace / bundle.CONFIG_DIR_NAME,
                          pythonpath=workspace)
    out = subprocess.run([sys.executable, "-c", "import negotiation_course.paths as p; "
                          "print(p.PACKAGE_DIR); print(p.data_dir())"],
                         cwd=next(workspace.glob("*/*.ipynb")).parent, env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(workspace / "negotiation_course"), str(workspace / "data")]


def test_server_command_is_local_with_a_token(tmp_path: Path) -> None:
    args = lab.command(tmp_path, 8899, "secret")
    assert "--ServerApp.ip=127.0.0.1" in args and "--IdentityProvider.token=secret" in args
    assert "--LabApp.news_url=None" in args and "--no-browser" in args
