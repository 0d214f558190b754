"""Course settings from ``course.toml``: the one place for the pass mark and provider details."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from .paths import COURSE_ROOT


@cache
def settings(path: Path | None = None) -> dict[str, Any]:
    with (path or COURSE_ROOT / "course.toml").open("rb") as fh:
        return tomllib.load(fh)


def pass_mark() -> float:
    """Share of the assessment's points needed to pass (0.75 unless course.toml says otherwise)."""
    return float(settings()["assessment"]["pass_mark"])
