"""A private nbgrader filesystem exchange (issue 13, item 4).

Why: with stock nbgrader a learner can run `nbgrader submit --student=<classmate>` and the
collect step only warns, then takes the newest folder, so a classmate's work is replaced. Here
collect refuses (and logs) every inbound entry that is a symlink or whose owner (lstat uid) is
not the Unix user its name claims (`<student>+<assignment>+<timestamp>[+random]`), *before*
choosing the newest submission, so a spoofed later folder cannot shadow the real one.

Name it in the nbgrader config of the course (see deploy/hub/nbgrader_config.py):
    c.ExchangeFactory.collect = "negotiation_course.hub.exchange.OwnerCheckedCollect"

The learner owns their inbound folder and everything in it, and stock collect copies it with
``shutil.copytree``, which follows links, as the grader: a notebook that is a link to the
grader's ``source/`` notebook landed in ``submitted/`` as a regular file holding the model
answers, a link to ``/dev/zero`` filled the disk, a FIFO stopped the whole collect. So before
anything is copied, every candidate folder is walked without following links
(:func:`negotiation_course.grading.intake.submission_problem`: regular files and folders
only, within its depth, count and size caps) and a folder holding anything else is refused
and logged like a spoofed one; the learner id must pass ``intake.id_problem``. What passed is
then copied by :func:`copy_without_links`, which opens every entry relative to its parent's
descriptor with ``O_NOFOLLOW`` and enforces the same rules again, so a link swapped in after
the check is refused, never followed. The copy is made beside ``submitted/`` and moved in only
when complete, so a refused update leaves the learner's earlier collected copy in place.

Nothing else here copies a learner-controlled tree: release copies the grader's ``release/``,
release_feedback the grader's own feedback pages (:class:`OwnerOnlyReleaseFeedback`), and
:func:`hand_feedback_to_owners` opens each released page with ``O_NOFOLLOW``.

`prepare_exchange` makes the exchange root sticky (1777, so nobody removes or renames another
user's entries; nbgrader issue 1225) and the course folder with outbound/inbound/feedback owned
by the grader account, and refuses one it finds made by anyone else, so no learner can plant a
fake course folder.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import check_mode

from negotiation_course.grading import intake

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
        if student_id != "*" and intake.id_problem(student_id):
            self.fail(f"--student={student_id!r}: {intake.id_problem(student_id)}")
        pattern = os.path.join(self.inbound_path,
                               f"{glob.escape(student_id) if student_id != '*' else '*'}"
                               f"+{glob.escape(self.coursedir.assignment_id)}+*")
        records = []
        for path in sorted(glob.glob(pattern)):
            problem, record = self._check(path)
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

    def _check(self, path: str) -> tuple[str, dict | None]:
        """(why ``path`` must not be collected, or ''; its record)."""
        try:
            record = self._path_to_record(path)
        except Exception as exc:  # a learner-made name: a bad timestamp must not stop collect
            return f"has a name nbgrader cannot read ({type(exc).__name__})", None
        problem = intake.id_problem(record["username"])
        if problem:
            return f"names an {problem}", None
        problem = owner_problem(path, record["username"])
        if problem:
            return problem, None
        problem = intake.submission_problem(Path(path), need_notebook=False)
        if problem:
            return f"is an invalid submission ({problem})", None
        return "", record

    def copy_files(self) -> None:
        """As nbgrader's copy_files, but every copy is :func:`copy_without_links`, made aside
        and moved into ``submitted/`` only when complete; a refusal skips that learner."""
        assignment = self.coursedir.assignment_id
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", assignment,
                             self.coursedir.course_id)
        else:
            self.log.info("Processing %d submissions of '%s' for course '%s'",
                          len(self.src_records), assignment, self.coursedir.course_id)
        for rec in self.src_records:
            student_id = rec["username"]
            src_path = os.path.join(self.inbound_path, rec["filename"])
            dest_path = self.coursedir.format_path(self.coursedir.submitted_directory,
                                                   student_id, assignment)
            updating = os.path.isdir(dest_path)
            if updating:
                existing = self.coursedir.get_existing_timestamp(dest_path)
                new = rec["timestamp"]
                if not ((self.update and (existing is None or new > existing))
                        or (self.before_duedate and existing != new)):
                    self.log.info("%s: %s %s", "No newer submission to collect" if self.update
                                  else "Submission already exists, use --update to update",
                                  student_id, assignment)
                    continue
            staging = tempfile.mkdtemp(prefix=".collect-", dir=self.coursedir.root)
            copy = os.path.join(staging, "copy")
            try:
                copy_without_links(src_path, copy, owner_uid=pwd.getpwnam(student_id).pw_uid,
                                   exclude=self.coursedir.ignore,
                                   include=self.coursedir.include,
                                   max_file_size=self.coursedir.max_file_size, log=self.log)
            except Refused as why:
                self.log.warning("Refused submission %s: it %s; nothing of it collected",
                                 src_path, why)
                intake.remove_tree(Path(staging))
                continue
            self.log.info("%s submission: %s %s", "Updating" if updating else "Collecting",
                          student_id, assignment)
            if updating:
                intake.remove_tree(Path(dest_path))
            os.makedirs(os.path.dirname(dest_path), exist_ok=True)
            shutil.move(copy, dest_path)  # a rename, or a copy of our own link-free copy
            intake.remove_tree(Path(staging))
            if self.coursedir.groupshared:
                _make_groupshared(dest_path)


class Refused(Exception):
    """A submission that must not be collected; its text says why."""


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CHUNK = 1 << 20


def _open_same(name: str, dir_fd: int, flags: int, seen: os.stat_result, rel: str) -> int:
    """Open ``name`` in ``dir_fd`` without following a link; refuse if it is no longer the
    entry that was looked at (swapped since)."""
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        raise Refused(f"{rel} changed while it was copied ({exc.strerror})") from None
    info = os.fstat(fd)
    if (info.st_dev, info.st_ino) != (seen.st_dev, seen.st_ino) or \
            stat.S_IFMT(info.st_mode) != stat.S_IFMT(seen.st_mode):
        os.close(fd)
        raise Refused(f"{rel} changed while it was copied")
    return fd


def _copy_file(fd: int, dest: str, budget: int, rel: str, mode: int,
               times: tuple[int, int]) -> int:
    """Copy at most ``budget`` bytes of the open regular file ``fd`` to a new ``dest``."""
    out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                  0o600)
    copied = 0
    try:
        while True:
            chunk = os.read(fd, min(_CHUNK, budget - copied + 1))
            if not chunk:
                break
            copied += len(chunk)
            if copied > budget:
                raise Refused(f"is larger than {intake.MAX_TOTAL_BYTES // 1_000_000} MB in "
                              f"total (at {rel})")
            os.write(out, chunk)
        os.fchmod(out, (stat.S_IMODE(mode) & 0o777) | 0o600)
    finally:
        os.close(out)
    os.utime(dest, ns=times, follow_symlinks=False)
    return copied


def copy_without_links(src: str, dest: str, owner_uid: int | None = None,
                       exclude=(), include=(), max_file_size=None, log=None) -> None:
    """Copy the folder ``src`` to a new ``dest``, never following a link.

    Every entry is looked at with ``lstat`` and opened relative to its parent folder's
    descriptor with ``O_NOFOLLOW`` (refused if it is not what was looked at), so nothing
    outside ``src`` is ever read. Only regular files and folders are copied, within
    :mod:`negotiation_course.grading.intake`'s caps on depth, entries and total bytes; a file
    is read only as far as the byte cap still allows. nbgrader's ``CourseDirectory.ignore``
    (``exclude``), ``include`` and ``max_file_size`` (kB) are applied as its collect does.
    Raises :class:`Refused` with the reason (``dest`` is then partial: the caller removes it).
    """
    try:
        top = os.open(src, _DIR_FLAGS)
    except OSError as exc:
        raise Refused(f"cannot be opened as a folder without following links "
                      f"({exc.strerror})") from None
    if owner_uid is not None and os.fstat(top).st_uid != owner_uid:
        os.close(top)
        raise Refused("changed owner while it was collected")
    stack = [(top, dest, 0, "")]
    count = total = 0
    try:
        os.mkdir(dest, 0o700)
        os.chmod(dest, (stat.S_IMODE(os.fstat(top).st_mode) & 0o777) | 0o700)
        while stack:
            dfd, out, depth, prefix = stack.pop()
            try:
                for name in sorted(os.listdir(dfd)):
                    rel = prefix + name
                    if exclude and any(fnmatch.fnmatch(name, g) for g in exclude):
                        continue
                    count += 1
                    if count > intake.MAX_FILES:
                        raise Refused(f"has more than {intake.MAX_FILES} files")
                    seen = os.stat(name, dir_fd=dfd, follow_symlinks=False)
                    if stat.S_ISDIR(seen.st_mode):
                        if depth + 1 > intake.MAX_DEPTH:
                            raise Refused(f"has folders nested deeper than "
                                          f"{intake.MAX_DEPTH} levels")
                        child = _open_same(name, dfd, _DIR_FLAGS, seen, rel)
                        target = os.path.join(out, name)
                        stack.append((child, target, depth + 1, rel + "/"))
                        os.mkdir(target, 0o700)
                        os.chmod(target, (stat.S_IMODE(seen.st_mode) & 0o777) | 0o700)
                    elif stat.S_ISREG(seen.st_mode):
                        if include and not any(fnmatch.fnmatch(name, g) for g in include):
                            continue
                        if max_file_size and seen.st_size > 1000 * max_file_size:
                            if log:
                                log.warning("Ignoring file too large '%s' (see config option "
                                            "CourseDirectory.max_file_size)", rel)
                            continue
                        fd = _open_same(name, dfd, _FILE_FLAGS, seen, rel)
                        try:
                            total += _copy_file(fd, os.path.join(out, name),
                                                intake.MAX_TOTAL_BYTES - total, rel,
                                                seen.st_mode,
                                                (seen.st_atime_ns, seen.st_mtime_ns))
                        finally:
                            os.close(fd)
                    else:
                        raise Refused(f"holds {rel}, a {intake.kind_name(seen.st_mode)}")
            finally:
                os.close(dfd)
    finally:
        for dfd, *_ in stack:
            os.close(dfd)


def _make_groupshared(dest: str) -> None:
    """What nbgrader's do_copy does for a group-shared course: folders ug+rwx(s), files ug+rw."""
    for dirname, _, filenames in os.walk(dest):
        os.chmod(dirname, (os.lstat(dirname).st_mode | 0o2770) & 0o2777)
        for filename in filenames:
            path = os.path.join(dirname, filename)
            os.chmod(path, (os.lstat(path).st_mode | 0o660) & 0o777)


def _ensure(path: Path, mode: int, uid: int, gid: int) -> None:
    """``path`` as a folder of ``uid`` with ``mode``. One that already exists must be a
    plain folder made by root or by ``uid``: a folder a learner made (say, a course folder
    planted in the sticky root before this ran, with fake assignments in it) is refused,
    never adopted."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        path.mkdir()
        st = path.lstat()
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise RuntimeError(f"{path} is not a plain folder; refusing to use it as part of "
                           "the exchange")
    if st.st_uid not in (0, uid):
        raise RuntimeError(f"{path} was made by uid {st.st_uid}, not by root or the grader: "
                           "look at what is in it, remove it and run this again")
    os.chown(path, uid, gid, follow_symlinks=False)
    path.chmod(mode)


def prepare_exchange(root: Path, course_id: str, grader: str) -> Path:
    """Sticky exchange root (root's) and the course folder (grader's); returns the course folder.

    Run as root; safe to run again, also once learners have accounts: a folder of the
    exchange that someone else made is refused (see :func:`_ensure`).
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
