"""Where the course's files are, found from this package rather than the working directory.

nbgrader runs notebooks in ``autograded/<student>/<assignment>/``, JupyterLab in the
learner's folder and tests anywhere, so nothing may depend on the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The course repository (or student bundle) this package lives in.
COURSE_ROOT = PACKAGE_DIR.parent

#: Environment variable naming a shared, read-only data directory (a hub mounts one copy).
DATA_ENV = "NEGOTIATION_COURSE_DATA"


def data_dir() -> Path:
    """The data package directory: ``$NEGOTIATION_COURSE_DATA`` if set, else ``<course>/data``."""
    override = os.environ.get(DATA_ENV)
    return Path(override).expanduser().resolve() if override else COURSE_ROOT / "data"


def source_dir(root: Path | None = None) -> Path:
    return (root or COURSE_ROOT) / "source"


def release_dir(root: Path | None = None) -> Path:
    return (root or COURSE_ROOT) / "release"


def build_dir(root: Path | None = None) -> Path:
    return (root or COURSE_ROOT) / "build"


def assignments(root: Path | None = None) -> list[str]:
    """Assignment names in course order (folder names under ``source/``)."""
    src = source_dir(root)
    return sorted(p.name for p in src.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def closed_to_others(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that other accounts cannot enter (no
    ``o+x``), or None. Learners' servers on a hub and a non-root grader account run this
    course's venv as other Unix users: a checkout inside such a folder (``mktemp -d``
    makes one, 0700) cannot serve them."""
    path = Path(os.path.realpath(path))
    for folder in [*reversed(path.parents), path]:
        try:
            if not folder.stat().st_mode & 0o001:
                return folder
        except OSError:
            return folder
    return None
