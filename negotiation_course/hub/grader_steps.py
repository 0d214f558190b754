"""The grader's exchange steps in one process (run as the grader by :mod:`.round`).

    python -m negotiation_course.hub.grader_steps release|collect|release_feedback
        --course-dir DIR [--force] [ASSIGNMENT ...]

Why not one `nbgrader` command per assignment: each one imports nbgrader and reads the course
configuration again (several seconds on a busy machine); nbgrader's own NbGraderAPI (the one
formgrader uses) runs the same exchange classes, named in the course configuration, here
once for every assignment. Prints each step's log; exit 1 if any step failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def api_for(course_dir: Path, force: bool = False):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    if force:
        config.ExchangeReleaseAssignment.force = True
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(course_dir)
    return NbGraderAPI(coursedir=coursedir, config=config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["release", "collect", "release_feedback"])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--course-dir", type=Path, required=True)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    course_dir = args.course_dir.resolve()
    api = api_for(course_dir, args.force)
    names = args.assignments or sorted(
        p.name for p in (course_dir / "release").iterdir() if any(p.glob("*.ipynb")))
    failed = 0
    for name in names:
        if args.step == "release":
            result = api.release_assignment(name)
        elif args.step == "collect":
            result = api.collect(name, update=True)
        else:
            result = api.release_feedback(name)
        print(f"== {args.step} {name}: {'ok' if result['success'] else 'FAILED'}")
        print(result.get("log", ""))
        if not result["success"]:
            failed += 1
            print(result.get("error", ""), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
