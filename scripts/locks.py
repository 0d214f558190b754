"""Compile the course's hashed locks from ``pyproject.toml`` and write ``environment.yml``.

Why one script: the locks must agree with each other and with ``pyproject.toml``, so one
place knows the groups, the order (the full lock first, then each group constrained by it) and
the uv options; ``make lock`` runs it, and ``tests/test_environment.py`` uses its readers to
check that nothing was edited by hand or left stale.

- ``requirements.txt``: the full lock (every extra), what ``make venv`` installs.
- ``requirements/<group>.txt``: ``learner`` (the runtime dependencies alone) and one per
  extra of ``[project.optional-dependencies]`` (the runtime dependencies plus that extra),
  each compiled with the full lock as a constraint, so a package has one version everywhere.
- ``requirements/constraints.in``: hand-written constraints with their reasons.
- ``environment.yml``: every package of the non-development groups at its full-lock version,
  for conda, Binder and JupyterHub images.

The resolution is universal (markers for other platforms and Pythons are kept) with Debian
12's Python 3.11.2 as the floor. Usage::

    python scripts/locks.py compile [--upgrade | --upgrade-package NAME ...]
    python scripts/locks.py environment      # rewrite environment.yml from the locks only

Standard library only (plus ``uv`` for ``compile``), so any Python 3.11 runs it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_LOCK = "requirements.txt"
GROUP_DIR = "requirements"
CONSTRAINTS = f"{GROUP_DIR}/constraints.in"
ENVIRONMENT = "environment.yml"
#: The group of the runtime dependencies alone (``[project] dependencies``).
LEARNER = "learner"
#: Groups whose packages stay out of environment.yml (tests, linters, browser drivers).
DEV_GROUPS = ("dev",)
#: The oldest Python the locks must install on: Debian 12's python3.
FLOOR_PYTHON = "3.11.2"
UV_OPTIONS = ("--quiet", "--no-config", "--universal", "--python-version", FLOOR_PYTHON,
              "--generate-hashes", "--annotation-style", "line",
              "--custom-compile-command", "make lock")

_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
_HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")


def normalize(name: str) -> str:
    """PEP 503 name: ``Jinja2`` and ``jinja2``, ``typing_extensions`` and ``typing-extensions``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    """One locked package: its name as written, version, environment marker and file hashes."""

    name: str
    version: str
    marker: str
    hashes: frozenset[str]

    @property
    def requirement(self) -> str:
        """``name==version`` with its marker, as a pip (or conda's pip) line."""
        return f"{self.name}=={self.version}" + (f" ; {self.marker}" if self.marker else "")


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a uv/pip-tools hashed lock, by normalized name."""
    entries: dict[str, tuple[str, str, str]] = {}
    hashes: dict[str, set[str]] = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _ENTRY.match(line)
        if match:
            key = normalize(match[1])
            if key in entries:
                raise ValueError(f"{path}: {match[1]} is locked twice (a forked resolution); "
                                 f"add a constraint to {CONSTRAINTS}")
            entries[key], hashes[key] = (match[1], match[2], (match[3] or "").strip()), set()
        elif key is not None and line.startswith("    --hash="):
            hashes[key].update(_HASH.findall(line))
        elif line and not line.startswith((" ", "#")):
            raise ValueError(f"{path}: cannot read line {line!r}")
    return {k: Pin(*entry, frozenset(hashes[k])) for k, entry in entries.items()}


def pyproject(root: Path = ROOT) -> dict:
    with (root / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


def groups(root: Path = ROOT) -> dict[str, list[str]]:
    """Each lock group and the requirements it adds to the runtime dependencies."""
    project = pyproject(root)
    return {LEARNER: [], **project.get("optional-dependencies", {})}


def group_lock(group: str) -> str:
    return f"{GROUP_DIR}/{group}.txt"


def all_locks(root: Path = ROOT) -> list[str]:
    """Every lock file, relative to ``root``: the full lock first."""
    return [FULL_LOCK, *(group_lock(g) for g in groups(root))]


def _uv() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        raise SystemExit("uv is not installed: run `make venv` (uv is in the dev group) "
                         "or `pip install uv`")
    return found


def compile_locks(root: Path = ROOT, extra: tuple[str, ...] = ()) -> None:
    """Recompile every lock in ``root`` (existing pins are kept where they still fit), then
    environment.yml. ``extra`` passes e.g. ``--upgrade`` to uv."""
    uv = [_uv(), "pip", "compile", "pyproject.toml", *UV_OPTIONS, "-c", CONSTRAINTS, *extra]
    (root / GROUP_DIR).mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    steps = [[*uv, "--all-extras", "-o", FULL_LOCK]]
    for group in groups(root):
        selection = [] if group == LEARNER else ["--extra", group]
        steps.append([*uv, *selection, "-c", FULL_LOCK, "-o", group_lock(group)])
    for step in steps:
        print("locking", step[-1], flush=True)
        subprocess.run(step, cwd=root, env=env, check=True)
    write_environment(root)


def environment_packages(root: Path = ROOT) -> list[Pin]:
    """The full-lock pins of every package in a non-development group, sorted by name."""
    full = read_lock(root / FULL_LOCK)
    names: set[str] = set()
    for group in groups(root):
        if group not in DEV_GROUPS:
            names |= set(read_lock(root / group_lock(group)))
    return [full[name] for name in sorted(names)]


def environment_yml(root: Path = ROOT) -> str:
    """The text of environment.yml, made from the locks alone (so a test can compare)."""
    kept = [g for g in groups(root) if g not in DEV_GROUPS]
    about = ("GENERATED by `make lock` (scripts/locks.py) from requirements.txt: every package "
             f"of the groups {', '.join(kept)} at its locked version, and no development "
             "tools. Do not edit: change pyproject.toml and run `make lock`.")
    lines = [
        "# The course's environment for conda, Binder (repo2docker) and JupyterHub images.",
        *(f"# {line}" for line in textwrap.wrap(about, 93)),
        "name: salary-negotiation-course",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={'.'.join(FLOOR_PYTHON.split('.')[:2])}",
        "  - pip",
        "  - pip:",
        *(f"      - {pin.requirement}" for pin in environment_packages(root)),
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


def write_environment(root: Path = ROOT) -> None:
    (root / ENVIRONMENT).write_text(environment_yml(root), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    lock = sub.add_parser("compile", help="recompile every lock, then environment.yml")
    lock.add_argument("--upgrade", action="store_true", help="move every pin to the newest")
    lock.add_argument("--upgrade-package", action="append", default=[], metavar="NAME",
                      help="move this package's pin to the newest that fits")
    lock.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    env = sub.add_parser("environment", help="rewrite environment.yml from the locks")
    env.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "compile":
        extra = ["--upgrade"] if args.upgrade else []
        for name in args.upgrade_package:
            extra += ["--upgrade-package", name]
        compile_locks(args.root, tuple(extra))
    else:
        write_environment(args.root)


if __name__ == "__main__":
    main()
