"""A private nbgrader filesystem exchange (issue 13, item 4).

Why: with stock nbgrader a learner can run `nbgrader submit --student=<classmate>` and the
collect step only warns, then takes the newest folder, so a classmate's work is replaced. Here
collect refuses (and logs) every inbound entry that is a symlink or whose owner (lstat uid) is
not the Unix user its name claims (`<student>+<assignment>+<timestamp>[+random]`), *before*
choosing the newest submission, so a spoofed later folder cannot shadow the real one.

Name it in the nbgrader config of the course (see deploy/hub/nbgrader_config.py):
    c.ExchangeFactory.collect = "negotiation_course.hub.exchange.OwnerCheckedCollect"

`prepare_exchange` makes the exchange root sticky (1777, so nobody removes or renames another
user's entries; nbgrader issue 1225) and the course folder with outbound/inbound/feedback owned
by the grader account before any learner exists, so no learner can plant a fake course folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import stat
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import check_mode

#: Modes nbgrader's own release step asks for (it refuses others), plus the sticky root.
ROOT_MODE = 0o1777
COURSE_MODE = 0o755
OUTBOUND_MODE = 0o755
INBOUND_MODE = 0o2733
FEEDBACK_MODE = 0o711


def owner_problem(path: str, claimed: str) -> str | None:
    """Why an inbound entry cannot be trusted as `claimed`'s submission, or None if it can."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "is a symlink"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        owner = f"uid {info.st_uid} (no such user)"
    if owner != claimed:
        return f"is owned by {owner}, not by {claimed}"
    return None


class OwnerCheckedCollect(ExchangeCollect):
    """nbgrader's filesystem collect, taking only entries owned by the student they name."""

    def init_src(self) -> None:
        """As nbgrader's init_src, but untrusted entries are refused before the newest is chosen."""
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = []
        for path in sorted(glob.glob(pattern)):
            record = self._path_to_record(path)
            problem = owner_problem(path, record["username"])
            if problem:
                self.log.warning("Refused submission %s: it %s", path, problem)
                continue
            records.append(record)
        usergroups = groupby(records, lambda item: item["username"])
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in usergroups.values():
            ordered = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in ordered if r["timestamp"] <= self.duedate]
                ordered = on_time or ordered
            self.src_records.append(ordered[0])


def _ensure(path: Path, mode: int, uid: int, gid: int) -> None:
    path.mkdir(exist_ok=True)
    if path.is_symlink():
        raise RuntimeError(f"{path} is a symlink; refusing to use it as part of the exchange")
    os.chown(path, uid, gid)
    path.chmod(mode)


def prepare_exchange(root: Path, course_id: str, grader: str) -> Path:
    """Sticky exchange root (root's) and the course folder (grader's); returns the course folder.

    Run as root before any learner has an account; safe to run again.
    """
    account = pwd.getpwnam(grader)
    root.mkdir(parents=True, exist_ok=True)
    _ensure(root, ROOT_MODE, 0, 0)
    course = root / course_id
    _ensure(course, COURSE_MODE, account.pw_uid, account.pw_gid)
    for name, mode in (("outbound", OUTBOUND_MODE), ("inbound", INBOUND_MODE),
                       ("feedback", FEEDBACK_MODE)):
        _ensure(course / name, mode, account.pw_uid, account.pw_gid)
    return course


def main(argv: list[str] | None = None) -> int:
    """`python -m negotiation_course.hub.exchange --root /srv/nbgrader/exchange --grader grader`."""
    import argparse

    from negotiation_course.hub.accounts import DEFAULT_COURSE_ID, DEFAULT_GRADER

    parser = argparse.ArgumentParser(description="Create the private exchange (as root).")
    parser.add_argument("--root", type=Path, default=Path("/srv/nbgrader/exchange"))
    parser.add_argument("--course-id", default=DEFAULT_COURSE_ID)
    parser.add_argument("--grader", default=DEFAULT_GRADER)
    args = parser.parse_args(argv)
    print(prepare_exchange(args.root, args.course_id, args.grader))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


class OwnerOnlyReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback, leaving every released page readable by nobody but the
    grader (0600) until root hands each one to its learner (:func:`hand_feedback_to_owners`).

    Stock nbgrader leaves the pages 0644 in a folder others may enter, guarded only by the
    secrecy of their names.
    """

    def copy_files(self) -> None:
        super().copy_files()  # shutil.copy keeps the page's own mode (0644); narrowed below
        for page in glob.glob(os.path.join(self.dest_path, "*.html")):
            info = os.lstat(page)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
                os.chmod(page, 0o600)


def released_feedback(course_dir: Path, assignment: str) -> dict[str, list[str]]:
    """learner -> the names (`<hash>.html`) nbgrader gives their feedback pages in the exchange."""
    from nbgrader.utils import notebook_hash

    pages: dict[str, list[str]] = {}
    for folder in sorted((course_dir / "feedback").glob(f"*/{assignment}")):
        secret_file = folder / "submission_secret.txt"
        if folder.is_symlink() or not secret_file.is_file() or secret_file.is_symlink():
            continue
        secret = secret_file.read_text()
        for page in sorted(folder.glob("*.html")):
            name = notebook_hash(secret=secret, notebook_id=page.stem)
            pages.setdefault(folder.parent.name, []).append(f"{name}.html")
    return pages


def hand_feedback_to_owners(course_dir: Path, exchange_course: Path,
                            assignment: str) -> list[str]:
    """As root: give each released feedback page to its learner alone (owner, mode 0400).

    Reads only data from the grader's course folder (never runs its configuration), refuses
    anything in the exchange that is not a regular file, and never follows a link.
    """
    import pwd as _pwd

    report = []
    outbound = exchange_course / "feedback"
    for learner, names in released_feedback(course_dir, assignment).items():
        try:
            owner = _pwd.getpwnam(learner)
        except KeyError:
            report.append(f"{learner}: no such user; feedback kept back")
            continue
        for name in names:
            page = outbound / name
            try:
                fd = os.open(page, os.O_RDONLY | os.O_NOFOLLOW)
            except FileNotFoundError:
                report.append(f"{learner}: {name} was not released")
                continue
            except OSError as error:
                report.append(f"{learner}: {name} refused ({error.strerror})")
                continue
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    report.append(f"{learner}: {name} is not a regular file; refused")
                    continue
                os.fchown(fd, owner.pw_uid, owner.pw_gid)
                os.fchmod(fd, 0o400)
            finally:
                os.close(fd)
            report.append(f"{learner}: {assignment} feedback {name} readable by {learner} only")
    return report
