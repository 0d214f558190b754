"""The course environment: pyproject.toml, the hashed locks, environment.yml and `make venv`.

Fast checks (no network, about 2 s) read the locks and the installed venv's metadata: every
group lock agrees with the full lock, holds exactly what its requirements need, and every
locked release accepts Python 3.11.2 (Debian 12) and 3.12 (Ubuntu 24.04); environment.yml is
what the locks generate; the Makefile picks the distribution's Python; a private interpreter
is refused. The ``slow`` + ``network`` checks do it for real: `make venv` with /usr/bin/python3
into a folder outside the clone, then other users run it (about 2 to 3 minutes, pip
downloads every wheel); pip installs the lock on Python 3.12 (dry run, about 1.5 minutes);
`make lock` into a copy changes no pin (about 30 s).
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from .conftest import ROOT


def _script(name: str):
    """A module of scripts/ (they are run as scripts, not installed)."""
    spec = importlib.util.spec_from_file_location(f"course_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


locks = _script("locks")
new_venv = _script("new_venv")
FULL = locks.read_lock(ROOT / locks.FULL_LOCK)
GROUPS = locks.groups(ROOT)
GROUP_PINS = {g: locks.read_lock(ROOT / locks.group_lock(g)) for g in GROUPS}
DEV_TOOLS = {"pytest", "pytest-xdist", "ruff", "playwright", "responses", "uv"}
PYTHONS = ("3.11.2", "3.12.1")  # Debian 12's python3; Ubuntu 24.04's is 3.12.3


def _applies_here(pin) -> bool:
    return not pin.marker or Marker(pin.marker).evaluate()


def _requirement_applies(req: Requirement, extras: Iterable[str] = ()) -> bool:
    return req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("", *extras))


@functools.cache
def _requires(name: str) -> tuple[str, ...]:
    return tuple(metadata.distribution(name).requires or ())


def _closure(requirements: Iterable[str]) -> dict[str, set[str]]:
    """Every distribution ``requirements`` pull in on this interpreter, with extras asked for,
    read from the installed packages' metadata."""
    seen: dict[str, set[str]] = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if not _requirement_applies(req):
            continue
        name = locks.normalize(req.name)
        extras = set(req.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        for line in _requires(name):
            dep = Requirement(line)
            if dep.marker is None or _requirement_applies(dep, seen[name]):
                todo.append(Requirement(str(dep).split(";")[0]))
    return seen


def _group_requirements(group: str) -> list[str]:
    project = locks.pyproject(ROOT)
    return [*project["dependencies"], *GROUPS[group]]


@pytest.fixture
def shared_dir():
    """A folder every user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="course-venv-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# --- the locks agree with each other and with pyproject.toml ----------------------------------


def test_every_group_lock_agrees_with_the_full_lock() -> None:
    assert set(GROUPS) == {"learner", "instructor", "grading", "research", "postgres", "hub",
                           "dev"}
    for group, pins in GROUP_PINS.items():
        assert pins, group
        for name, pin in pins.items():
            assert name in FULL, f"{group}: {name} is not in the full lock"
            assert (pin.version, pin.hashes) == (FULL[name].version, FULL[name].hashes), (
                f"{group}: {name} {pin.version} disagrees with the full lock")
    union = set().union(*GROUP_PINS.values())
    assert union == set(FULL), f"only in the full lock: {sorted(set(FULL) - union)}"
    assert all(pin.hashes for pin in FULL.values()), "a pin without hashes"


def test_each_lock_pins_what_pyproject_declares() -> None:
    for group in GROUPS:
        pins = GROUP_PINS[group]
        for line in _group_requirements(group):
            req = Requirement(line)
            pin = pins.get(locks.normalize(req.name))
            assert pin is not None, f"{group}: {req.name} is declared but not locked: make lock"
            assert req.specifier.contains(pin.version, prereleases=True), (
                f"{group}: {req.name}=={pin.version} does not satisfy {req}: make lock")


def test_each_lock_holds_exactly_what_its_requirements_need() -> None:
    """The closure of each group's requirements on this interpreter, from the installed
    metadata, is what the lock pins (packages for other platforms aside): a package missing,
    left over or hand-added shows here."""
    for group in GROUPS:
        pins = GROUP_PINS[group]
        needed = set(_closure(_group_requirements(group)))
        here = {name for name, pin in pins.items() if _applies_here(pin)}
        assert needed == here, (group, sorted(needed - here), sorted(here - needed))


def test_the_venv_holds_the_full_lock() -> None:
    wrong = {}
    for name, pin in FULL.items():
        if _applies_here(pin):
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                installed = None
            if installed != pin.version:
                wrong[name] = (pin.version, installed)
    assert not wrong, f"locked vs installed (run make venv): {wrong}"


def test_every_locked_release_accepts_debian_12_and_ubuntu_24_04_pythons() -> None:
    """Requires-Python of each installed locked release admits 3.11.2 and 3.12 (the check
    soupsieve 4.1.3, which needs 3.11.5, fails)."""
    refused = {}
    for name, pin in FULL.items():
        if not _applies_here(pin):
            continue
        needs = metadata.metadata(name).get("Requires-Python") or ""
        for python in PYTHONS:
            if not SpecifierSet(needs).contains(python):
                refused[f"{name}=={pin.version}"] = needs
    assert not refused, refused
    assert locks.FLOOR_PYTHON == "3.11.2"
    assert locks.pyproject(ROOT)["requires-python"] == ">=3.11"


def test_one_version_per_package_across_pythons(tmp_path: Path) -> None:
    forked = tmp_path / "forked.txt"  # what uv writes without requirements/constraints.in
    forked.write_text("soupsieve==2.10 ; python_full_version < '3.11.5' \\\n"
                      "    --hash=sha256:" + "a" * 64 + "\n"
                      "soupsieve==4.1.3 ; python_full_version >= '3.11.5' \\\n"
                      "    --hash=sha256:" + "b" * 64 + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="locked twice"):
        locks.read_lock(forked)
    assert "soupsieve<3" in (ROOT / locks.CONSTRAINTS).read_text()
    assert FULL["soupsieve"].version == "2.10" and not FULL["soupsieve"].marker


def test_learner_lock_is_the_runtime_dependencies_alone() -> None:
    learner = set(GROUP_PINS["learner"])
    for name in ("jupyterlab", "notebook", "nbgrader", "ipykernel", "pandas", "matplotlib"):
        assert name in learner
    assert not learner & (DEV_TOOLS | {"jupyterhub", "psycopg2-binary", "fpdf2", "pooch"})
    assert "jupyterhub" in GROUP_PINS["hub"]
    assert int(FULL["jupyterhub"].version.split(".")[0]) >= 5


#: The groups each folder of the package may draw on: learner code gets the learner lock only
#: (the student bundle ships it with that lock), the demo runs everything but dev.
AUDIENCES = {"learner": ["learner"], "instructor": ["instructor"], "grading": ["grading"],
             "research": ["research"], "hub": ["hub"],
             "demo": ["instructor", "grading", "research"]}


def _third_party_imports(folder: Path, top_level_only: bool) -> dict[str, set[str]]:
    """Modules imported anywhere (lazy imports too) by the package's files, by top name."""
    found: dict[str, set[str]] = {}
    files = folder.glob("*.py") if top_level_only else folder.rglob("*.py")
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "negotiation_course":
                    found.setdefault(top, set()).add(path.name)
    return found


def test_each_audience_imports_only_what_its_group_declares() -> None:
    package = ROOT / "negotiation_course"
    folders = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert folders <= set(AUDIENCES), f"a new folder needs its groups: {folders - set(AUDIENCES)}"
    owners = metadata.packages_distributions()
    project = locks.pyproject(ROOT)
    for audience, groups in AUDIENCES.items():
        folder = package if audience == "learner" else package / audience
        if not folder.is_dir():
            continue
        declared = [*project["dependencies"], *(r for g in groups for r in GROUPS.get(g, []))]
        available = set(_closure(declared))
        for module, files in _third_party_imports(folder, audience == "learner").items():
            dists = {locks.normalize(d) for d in owners.get(module, [module])}
            assert dists & available, (
                f"{audience} ({', '.join(sorted(files))}) imports {module}, which its groups "
                f"{groups} do not provide: add it to pyproject.toml and run make lock")


# --- environment.yml --------------------------------------------------------------------------


def test_environment_yml_is_generated_from_the_locks() -> None:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert text == locks.environment_yml(ROOT), "environment.yml is stale: run make lock"
    env = yaml.safe_load(text)
    assert "python=3.11" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip[-1] == "-e ."
    pinned = {}
    for line in pip[:-1]:
        req = Requirement(line)
        pinned[locks.normalize(req.name)] = str(req.specifier)
    expected = set().union(*(GROUP_PINS[g] for g in GROUPS if g not in locks.DEV_GROUPS))
    assert set(pinned) == expected  # every transitive pin, not only the top level
    assert all(pinned[n] == f"=={FULL[n].version}" for n in pinned)
    dev_only = set(GROUP_PINS["dev"]) - expected
    assert DEV_TOOLS <= dev_only and not dev_only & set(pinned)


# --- make venv: the distribution's Python, every user -----------------------------------------


def _make(*args: str, env: dict | None = None, timeout: float = 60,
          ) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in (env or os.environ).items()
             if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON", "VENV"}}
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args], env=clean,
                          capture_output=True, text=True, timeout=timeout)


def test_makefile_defaults_to_the_distribution_python_and_a_configurable_venv() -> None:
    probe = "--eval=probe: ; @echo $(PYTHON) $(BIN) $(STAMP)"
    out = _make(probe, "probe").stdout.split()
    expected = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else "python3"
    assert out == [expected, ".venv/bin", ".venv/.installed"]
    out = _make(probe, "probe", "VENV=/opt/negotiation-course/venv").stdout.split()
    assert out[1:] == ["/opt/negotiation-course/venv/bin",
                       "/opt/negotiation-course/venv/.installed"]
    text = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.txt" in text and "--no-deps -e ." in text
    assert "scripts/sysdeps.sh venv" in text and "scripts/new_venv.py" in text


def test_private_folders_and_programs_are_found(shared_dir: Path) -> None:
    (shared_dir / "bin").mkdir(mode=0o755)
    program = shared_dir / "bin" / "python"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    assert new_venv.not_runnable_by_others(program) == []
    (shared_dir / "bin").chmod(0o700)
    assert new_venv.not_runnable_by_others(program) == [
        f"{shared_dir / 'bin'} is not searchable by other users"]
    (shared_dir / "bin").chmod(0o755)
    program.chmod(0o750)
    assert new_venv.not_runnable_by_others(program) == [
        f"{program} cannot be run by other users"]


def test_a_private_interpreter_is_refused_with_a_clear_message(shared_dir: Path) -> None:
    home = shared_dir / "home"  # like /root: 0700, with an interpreter inside (pyenv, conda)
    home.mkdir(mode=0o700)
    shutil.copy2(os.path.realpath(sys.executable), home / "python3")
    assert new_venv.not_runnable_by_others(home / "python3") == [
        f"{home} is not searchable by other users"]
    pyenv = sorted(Path("/root/.pyenv/versions").glob("3.1[1-9]*/bin/python"))
    if not pyenv or os.stat("/root").st_mode & 0o001:
        pytest.skip("no interpreter inside a private /root on this machine")
    env = {k: v for k, v in os.environ.items() if k != "ALLOW_PRIVATE_PYTHON"}
    result = subprocess.run([str(pyenv[-1]), str(ROOT / "scripts" / "new_venv.py"),
                             str(shared_dir / "venv")], capture_output=True, text=True, env=env)
    assert result.returncode == 1, result.stderr
    assert "/root is not searchable by other users" in result.stderr
    assert "make venv PYTHON=/usr/bin/python3" in result.stderr
    assert not (shared_dir / "venv").exists()


def test_sysdeps_venv_installs_only_what_is_missing(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "sysdeps.sh"
    env = {**os.environ, "SYSDEPS_DRY_RUN": "1", "PYTHON": "/usr/bin/python3"}
    if Path("/usr/bin/python3").exists():
        result = subprocess.run(["bash", str(script), "venv"], env=env, capture_output=True,
                                text=True)
        has_venv = subprocess.run(["/usr/bin/python3", "-c", "import ensurepip"]).returncode == 0
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == ("" if has_venv
                                         else "Would install system packages: python3-venv")
    fake = tmp_path / "python3"  # an interpreter without ensurepip, from no Debian package
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(["bash", str(script), "venv"], env={**env, "PYTHON": str(fake)},
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "has no venv module (ensurepip)" in result.stderr
    assert "Would install" not in result.stdout  # nothing apt could give it


# --- for real: make venv, other users, Python 3.12, make lock ---------------------------------


def _reachable(host: str = "pypi.org", port: int = 443) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


def _needs_pypi() -> None:
    if not _reachable():
        pytest.skip("pypi.org:443 is not reachable from this machine")


def _as_nobody(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                           "--", *command], capture_output=True, text=True, cwd="/",
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"},
                          timeout=120)


@pytest.mark.slow
@pytest.mark.network
def test_make_venv_with_the_system_python_serves_every_user(shared_dir: Path) -> None:
    if not Path("/usr/bin/python3").exists():
        pytest.skip("this machine has no distribution python3")
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run the venv as another user")
    _needs_pypi()
    venv = shared_dir / "venv"
    made = _make("venv", f"VENV={venv}", timeout=1200)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert (venv / ".installed").exists()
    cfg = (venv / "pyvenv.cfg").read_text()
    assert f"executable = {os.path.realpath('/usr/bin/python3')}" in cfg
    system = subprocess.run(["/usr/bin/python3", "-c", "import platform; "
                             "print(platform.python_version())"], capture_output=True, text=True)
    assert f"version = {system.stdout.strip()}" in cfg
    check = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    freeze = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json",
                             "--exclude-editable"], capture_output=True, text=True, check=True)
    installed = {locks.normalize(d["name"]): d["version"] for d in json.loads(freeze.stdout)}
    for name, pin in FULL.items():
        if _applies_here(pin):
            assert installed.get(name) == pin.version, name
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import negotiation_course; print(negotiation_course.__file__)"],
                           capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).parent == ROOT / "negotiation_course"  # --no-deps -e .
    # Another user runs the interpreter, the libraries and a console script (a shebang line).
    imports = "import nbgrader, jupyterlab, pandas, matplotlib, jupyterhub, sys; print(sys.prefix)"
    run = _as_nobody(str(venv / "bin" / "python"), "-c", imports)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(venv)
    script = _as_nobody(str(venv / "bin" / "jupyter-nbconvert"), "--version")
    assert script.returncode == 0, script.stderr
    # The same check fails on a venv made from an interpreter in root's home (the control).
    pyenv = sorted(Path("/root/.pyenv/versions").glob("3.1[1-9]*/bin/python"))
    if pyenv:
        private = shared_dir / "private-venv"
        subprocess.run([str(pyenv[-1]), "-m", "venv", "--without-pip", str(private)],
                       check=True)
        denied = _as_nobody(str(private / "bin" / "python"), "-c", "pass")
        assert denied.returncode != 0  # "Permission denied", or its libpython cannot be read
        assert "Permission denied" in denied.stderr or "cannot open shared object" in (
            denied.stderr), denied.stderr


def _python_312() -> Path | None:
    """A Python 3.12 that runs (a pyenv shim named python3.12 may not)."""
    candidates = ["/usr/bin/python3.12",
                  *map(str, sorted(Path("/root/.pyenv/versions").glob("3.12*/bin/python"))),
                  shutil.which("python3.12") or ""]
    for candidate in candidates:
        if not candidate or not Path(candidate).exists():
            continue
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 12)":
            return Path(candidate)
    return None


@pytest.mark.slow
@pytest.mark.network
def test_the_lock_installs_on_python_3_12(tmp_path: Path) -> None:
    python = _python_312()
    if python is None:
        pytest.skip("no Python 3.12 on this machine")
    _needs_pypi()
    venv = tmp_path / "venv312"
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    report = tmp_path / "report.json"
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--dry-run", "--ignore-installed",
         "--require-hashes", "--quiet", "--report", str(report), "-r",
         str(ROOT / locks.FULL_LOCK)], capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    chosen = {locks.normalize(item["metadata"]["name"]): item["metadata"]["version"]
              for item in json.loads(report.read_text())["install"]}
    version = subprocess.run([str(python), "-c", "import platform; "
                              "print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    env = {**default_environment(), "python_version": "3.12", "python_full_version": version}
    applies = {n for n, p in FULL.items() if not p.marker or Marker(p.marker).evaluate(env)}
    assert {n: chosen.get(n) for n in applies} == {n: FULL[n].version for n in applies}
    assert set(chosen) == applies  # nothing unlocked comes along


@pytest.mark.slow
@pytest.mark.network
def test_make_lock_into_a_copy_changes_no_pin(tmp_path: Path) -> None:
    _needs_pypi()
    copy = tmp_path / "copy"
    (copy / locks.GROUP_DIR).mkdir(parents=True)
    files = ["pyproject.toml", locks.ENVIRONMENT, locks.CONSTRAINTS, *locks.all_locks(ROOT)]
    for name in files:
        shutil.copy2(ROOT / name, copy / name)
    locks.compile_locks(copy)
    for name in locks.all_locks(ROOT):
        before, after = locks.read_lock(ROOT / name), locks.read_lock(copy / name)
        assert {k: (p.version, p.marker) for k, p in after.items()} == {
            k: (p.version, p.marker) for k, p in before.items()}, f"{name}: run make lock"
        lost = {k: p.hashes - after[k].hashes for k, p in before.items()
                if p.hashes - after[k].hashes}
        assert not lost, f"{name}: files no longer on the index: {lost}"
    assert (copy / locks.ENVIRONMENT).read_text() == (ROOT / locks.ENVIRONMENT).read_text()
