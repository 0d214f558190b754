"""The instructor's round on the hub (issue 13, item 5), run by root, each step as the grader.

    python -m negotiation_course.hub.round setup|release|collect|grade|feedback|round
        [--grader grader] [--exchange /srv/nbgrader/exchange] [--course-id ID]
        [--course-dir ~grader/course] [--workers 2] [--force]

- `setup`: the grader's course folder (`~grader/course`, the grader's alone): the course's
  nbgrader_config.py with the hub's exchange settings (deploy/hub/nbgrader_config.py)
  appended, course.toml, source/ and release/ from this repository. Learners and their
  submissions already there are kept.
- `release`: `nbgrader release_assignment` for every assignment of release/.
- `collect`: `nbgrader collect --update` for every assignment, through the owner-checking
  collect (a learner who submitted twice: the newest counts; spoofed folders are refused).
- `grade`: `make grade COURSE_DIR=<course> WORKERS=N` (sandboxed), as the grader.
- `feedback`: the course's feedback (`python -m negotiation_course.grading.feedback`, never
  stock generate_feedback), `nbgrader release_feedback` (pages left 0600, the grader's) and,
  as root, each page handed to its learner alone (owner, 0400).
- `round`: collect, grade and feedback.

Nothing of the grader's runs as root: root only reads the grader's feedback folder as data.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from ..paths import COURSE_ROOT
from .accounts import DEFAULT_COURSE_ID, DEFAULT_GRADER

VENV_BIN = Path(sys.executable).parent
HUB_NBGRADER_CONFIG = COURSE_ROOT / "deploy" / "hub" / "nbgrader_config.py"
DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")


def default_course_dir(grader: str) -> Path:
    return Path(pwd.getpwnam(grader).pw_dir) / "course"


def as_user(user: str, argv: list[str], cwd: Path, timeout: float = 1800,
            check: bool = True) -> subprocess.CompletedProcess:
    """Run ``argv`` as ``user`` (runuser, a clean environment with the course venv on PATH)."""
    account = pwd.getpwnam(user)
    env = ["env", "-i", f"HOME={account.pw_dir}", f"USER={user}", f"LOGNAME={user}",
           f"PATH={VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
           "PYTHONDONTWRITEBYTECODE=1"]
    done = subprocess.run(["runuser", "-u", user, "--", *env, *argv], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} as {user} failed ({done.returncode}):\n"
                           f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def hub_course_config(exchange: Path, course_id: str) -> str:
    """The course's nbgrader_config.py followed by the hub's exchange settings."""
    course = (COURSE_ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    hub = HUB_NBGRADER_CONFIG.read_text(encoding="utf-8")
    return (f"{course}\n\n# ---- the hub's exchange: deploy/hub/nbgrader_config.py ----\n{hub}\n"
            f"c.CourseDirectory.course_id = {course_id!r}\n"
            f"c.Exchange.root = {str(exchange)!r}\n")


def setup_grader_course(grader: str = DEFAULT_GRADER, exchange: Path = DEFAULT_EXCHANGE,
                        course_id: str = DEFAULT_COURSE_ID, course: Path | None = None) -> Path:
    """Write or refresh the grader's course folder (root; see the module doc)."""
    account = pwd.getpwnam(grader)
    course = course or default_course_dir(grader)
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(hub_course_config(exchange, course_id),
                                               encoding="utf-8")
    shutil.copy2(COURSE_ROOT / "course.toml", course / "course.toml")
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("source", "release"):
        if (course / folder).exists():
            shutil.rmtree(course / folder)
        shutil.copytree(COURSE_ROOT / folder, course / folder, ignore=skip)
    for folder, _dirs, files in os.walk(course):
        os.chown(folder, account.pw_uid, account.pw_gid, follow_symlinks=False)
        for name in files:
            os.chown(os.path.join(folder, name), account.pw_uid, account.pw_gid,
                     follow_symlinks=False)
    course.chmod(0o700)
    return course


def assignments(course: Path) -> list[str]:
    release = course / "release"
    return sorted(p.name for p in release.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def steps(grader: str, course: Path, step: str, *names: str, force: bool = False) -> str:
    """nbgrader's exchange step for the given (default: every) assignment, as the grader."""
    done = as_user(grader, [str(VENV_BIN / "python"), "-m", "negotiation_course.hub.grader_steps",
                            step, *names, "--course-dir", str(course),
                            *(["--force"] if force else [])], cwd=course)
    return done.stdout + done.stderr


def release(grader: str, course: Path, force: bool = False) -> list[str]:
    """`nbgrader release_assignment` of every assignment (``force``: release again)."""
    steps(grader, course, "release", force=force)
    return assignments(course)


def collect(grader: str, course: Path) -> str:
    """`nbgrader collect --update` of every assignment, through the owner-checking collect."""
    return steps(grader, course, "collect")


def grade(grader: str, course: Path, workers: int = 2) -> subprocess.CompletedProcess:
    """`make grade` as the grader (its exit code 1 means some learner ended in error)."""
    stamp = VENV_BIN.parent / ".installed"
    newer = [n for n in ("requirements.txt", "pyproject.toml")
             if stamp.exists() and (COURSE_ROOT / n).stat().st_mtime > stamp.stat().st_mtime]
    if newer:  # make would try to rebuild the venv as the grader, and fail
        raise RuntimeError(f"the course venv {VENV_BIN.parent} is older than "
                           f"{', '.join(newer)}: run `make venv` as root first")
    return as_user(grader, ["make", "--no-print-directory", "-C", str(COURSE_ROOT), "grade",
                            f"COURSE_DIR={course}", f"WORKERS={workers}",
                            f"VENV={VENV_BIN.parent}"], cwd=course, check=False)


def feedback(grader: str, course: Path, exchange_course: Path, workers: int = 2) -> list[str]:
    from .exchange import hand_feedback_to_owners

    as_user(grader, [str(VENV_BIN / "python"), "-m", "negotiation_course.grading.feedback",
                     "--course-dir", str(course), "--workers", str(workers)], cwd=course)
    names = [n for n in assignments(course)
             if any((course / "feedback").glob(f"*/{n}/*.html"))]
    if not names:
        return ["no feedback to release"]
    steps(grader, course, "release_feedback", *names)
    report = []
    for name in names:
        report += hand_feedback_to_owners(course, exchange_course, name)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["setup", "release", "collect", "grade", "feedback",
                                         "round"])
    parser.add_argument("--grader", default=DEFAULT_GRADER)
    parser.add_argument("--exchange", type=Path, default=DEFAULT_EXCHANGE)
    parser.add_argument("--course-id", default=DEFAULT_COURSE_ID)
    parser.add_argument("--course-dir", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--force", action="store_true", help="release: release again")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("round: run as root (each step runs as the grader)", file=sys.stderr)
        return 1
    course = args.course_dir or default_course_dir(args.grader)
    code = 0
    if args.step == "setup":
        print(setup_grader_course(args.grader, args.exchange, args.course_id, course))
    if args.step == "release":
        print("released:", ", ".join(release(args.grader, course, args.force)))
    if args.step in ("collect", "round"):
        print(collect(args.grader, course))
    if args.step in ("grade", "round"):
        graded = grade(args.grader, course, args.workers)
        print(graded.stdout, graded.stderr, sep="\n")
        code = graded.returncode
    if args.step in ("feedback", "round"):
        print("\n".join(feedback(args.grader, course, args.exchange / args.course_id,
                                 args.workers)))
    return code


if __name__ == "__main__":
    sys.exit(main())
