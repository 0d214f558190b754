"""Create (or re-create) the course virtualenv from the running interpreter, usable by every user.

Why: learners' servers, the grading account and the hub run the venv as other Unix users. A
venv made from an interpreter inside root's home (pyenv's, conda's) fails for them with "bad
interpreter: Permission denied", and files written under a private umask cannot be read. So
the Makefile runs this script with ``$(PYTHON)``: it refuses an old Python or one that other
users cannot run, writes with umask 022, and re-creates a venv that was made from a different
interpreter. Usage: ``python3 scripts/new_venv.py VENV`` (``ALLOW_PRIVATE_PYTHON=1`` accepts a
private interpreter for a venv only its owner uses).
"""

from __future__ import annotations

import os
import stat
import sys
import sysconfig
import venv
from pathlib import Path

MINIMUM = (3, 11)


def not_runnable_by_others(path: Path) -> list[str]:
    """Why users other than the owner cannot use ``path`` (empty when they can).

    Every folder from ``/`` down must be searchable by others (o+x) and the file itself
    readable, and executable if it is a program.
    """
    problems = []
    path = Path(os.path.realpath(path))
    folders = [*reversed(path.parents), *([path] if path.is_dir() else [])]
    for folder in folders:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            problems.append(f"{folder} is not searchable by other users")
    if path.is_file():
        mode = os.stat(path).st_mode
        if not mode & stat.S_IROTH or (os.access(path, os.X_OK) and not mode & stat.S_IXOTH):
            problems.append(f"{path} cannot be run by other users")
    return problems


def version_problem() -> str | None:
    if sys.version_info < MINIMUM:
        return (f"Python {MINIMUM[0]}.{MINIMUM[1]} or newer is needed (nbgrader 0.9.6 "
                f"requires it); {sys.executable} is {sys.version.split()[0]}")
    return None


def privacy_problems() -> list[str]:
    """What stops other users from running the running interpreter (and so a venv of it)."""
    problems: list[str] = []
    for path in (Path(sys.executable), Path(sysconfig.get_paths()["stdlib"])):
        problems += [p for p in not_runnable_by_others(path) if p not in problems]
    return problems


def made_from(venv_dir: Path) -> str | None:
    """The interpreter an existing venv was made from (``pyvenv.cfg``), or None."""
    cfg = venv_dir / "pyvenv.cfg"
    if not cfg.is_file():
        return None
    values = dict(line.split("=", 1) for line in cfg.read_text().splitlines() if "=" in line)
    values = {k.strip(): v.strip() for k, v in values.items()}
    if "executable" in values:
        return os.path.realpath(values["executable"])
    home = values.get("home")
    return os.path.realpath(Path(home) / "python3") if home else None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__.split("\n\n")[-1].strip(), file=sys.stderr)
        return 2
    target = Path(args[0]).absolute()
    old = version_problem()
    if old:
        print(f"{old}. Set PYTHON=/path/to/python3.11 (make venv PYTHON=...).", file=sys.stderr)
        return 1
    private = [] if os.environ.get("ALLOW_PRIVATE_PYTHON") else privacy_problems()
    if private:
        print(f"Cannot make the course venv from {sys.executable}:", file=sys.stderr)
        for problem in private:
            print(f"  - {problem}", file=sys.stderr)
        print("Other users (learners, the grader, the hub) could not run it: 'bad interpreter: "
              "Permission denied'. Use the distribution's Python (make venv "
              "PYTHON=/usr/bin/python3) or one installed outside any home folder; "
              "ALLOW_PRIVATE_PYTHON=1 accepts it for a venv only its owner uses.",
              file=sys.stderr)
        return 1
    os.umask(0o022)
    mine = os.path.realpath(sys.executable)
    before = made_from(target)
    if before is not None and (target / "bin" / "python").exists():
        if before == mine:
            return 0
        print(f"{target} was made from {before}; re-creating it from {mine}")
        venv.EnvBuilder(with_pip=True, clear=True, symlinks=True).create(target)
        return 0
    print(f"Creating {target} from {mine} (Python {sys.version.split()[0]})")
    venv.EnvBuilder(with_pip=True, symlinks=True).create(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
