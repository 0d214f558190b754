"""``make release``: lessons/*.md -> source/ -> release/, and the clock-hour table.

Steps: write each nbgrader master in ``source/`` from its Markdown lesson
(:mod:`.lessons`; refuses to overwrite a master edited in JupyterLab after its Markdown),
compute the clock-hour table the welcome lesson shows (:mod:`.clock_hours`), then run
``nbgrader generate_assignment`` for every assignment.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .. import hours
from ..paths import COURSE_ROOT, assignments, release_dir
from . import clock_hours, lessons
from .nbgrader_cli import nbgrader


def build_release(root: Path = COURSE_ROOT, force: bool = False) -> list[str]:
    """Masters from the Markdown, the clock-hour table, then nbgrader's release of each."""
    if lessons.lessons_dir(root).is_dir():
        orphans = [n for n in assignments(root) if n not in lessons.names(root)]
        if orphans:
            raise lessons.LessonEditedInSource(
                f"source/ holds {', '.join(orphans)} with no lessons/<name>.md: run "
                "`make lessons-from-source` to keep it, or delete its folder")
        lessons.build_all(root, force=force)
    rows = clock_hours.compute(root)
    clock_hours.write_table(rows, root / "negotiation_course" / "clock_hours.csv"
                            if (root / "negotiation_course").is_dir() else hours.TABLE_PATH)
    names = assignments(root)
    out = release_dir(root)
    for stale in (p for p in out.glob("*") if p.is_dir() and p.name not in names):
        shutil.rmtree(stale)
    nbgrader(root, "generate_assignment", "--force", "*")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=COURSE_ROOT)
    parser.add_argument("--force", action="store_true",
                        help="overwrite masters edited after their Markdown (loses the edit)")
    args = parser.parse_args(argv)
    root = args.course_dir.resolve()
    try:
        names = build_release(root, force=args.force)
    except lessons.LessonEditedInSource as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = clock_hours.compute(root)
    print(f"release/ regenerated for {len(names)} assignments: {', '.join(names)}")
    print(f"clock hours: {hours.clock_hours(rows):g}"
          + (" (provisional)" if hours.is_provisional(rows) else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
