"""``make release``: regenerate the clock-hour table and ``release/`` from ``source/``."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from . import hours
from .nbgrader_cli import nbgrader
from .paths import COURSE_ROOT, assignments, release_dir


def build_release(root: Path = COURSE_ROOT) -> list[str]:
    """Write the clock-hour table, then run ``nbgrader generate_assignment`` for every lesson."""
    rows = hours.compute(root)
    hours.write_table(rows, root / "negotiation_course" / "clock_hours.csv"
                      if (root / "negotiation_course").is_dir() else hours.TABLE_PATH)
    names = assignments(root)
    out = release_dir(root)
    for stale in (p for p in out.glob("*") if p.is_dir() and p.name not in names):
        shutil.rmtree(stale)
    nbgrader(root, "generate_assignment", "--force", "*")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--course-dir", type=Path, default=COURSE_ROOT)
    args = parser.parse_args()
    names = build_release(args.course_dir.resolve())
    rows = hours.compute(args.course_dir.resolve())
    print(f"release/ regenerated for {len(names)} assignments: {', '.join(names)}")
    print(f"clock hours: {hours.clock_hours(rows):g}"
          + (" (provisional)" if hours.is_provisional(rows) else ""))


if __name__ == "__main__":
    main()
