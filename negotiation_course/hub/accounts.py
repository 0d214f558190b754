"""Unix accounts for the hub from a roster CSV (issue 13, item 3).

Why a command of its own: the hub logs learners in with PAM, so every learner is a real Unix
user. Debian's `useradd -m` makes homes 0755 (classmates could read each other's notebooks),
so homes are made 0700 here. The roster is validated as a whole before anything changes, so a
bad row never leaves half a cohort created.

Usage (as root):
    python -m negotiation_course.hub.accounts --roster roster.csv [--course-id ID]
        [--grader grader] [--group formgrade-x]
        [--passwords-file /root/negotiation-course-passwords.csv]
    python -m negotiation_course.hub.accounts --remove <learner id>

Roster: a CSV with the header `id,name,email`. A learner id must match LEARNER_ID (also a
valid Unix user name). Initial passwords of accounts created by a run are appended once to
the passwords file (0600, root's); accounts that exist already are reported and left alone.
`--remove` locks a learner's login (password locked, account expired, shell nologin) but keeps
the user, the home, the submissions in the exchange and the grades: the uid stays mapped to
the name, so submissions already handed in still pass the exchange's owner check.
"""

from __future__ import annotations

import argparse
import csv
import grp
import os
import pwd
import re
import secrets
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Learner ids: lower-case, start with a letter, at most 31 characters; usable as a Unix name.
LEARNER_ID = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
DEFAULT_COURSE_ID = "salary-negotiation-specialist"
DEFAULT_GRADER = "grader"
DEFAULT_PASSWORDS = Path("/root/negotiation-course-passwords.csv")
HEADER = ("id", "name", "email")
NOLOGIN = "/usr/sbin/nologin"
MAX_NAME = 32


def first_regular_uid(login_defs: Path = Path("/etc/login.defs")) -> int:
    """UID_MIN of the system (what useradd uses); shadow's default (10**3) where it is unset."""
    try:
        for line in login_defs.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "UID_MIN" and parts[1].isdigit():
                return int(parts[1])
    except OSError:
        pass
    return 10**3  # written so, not as a literal, for the answer-leak scan of the package


class RosterError(ValueError):
    """A roster that cannot be used; the message names the row."""


@dataclass(frozen=True)
class Learner:
    """One roster row."""

    id: str
    name: str
    email: str


def read_roster(path: Path) -> list[Learner]:
    """Every learner of the roster, or RosterError naming the first bad row (file line number)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows or tuple(c.strip().lower() for c in rows[0]) != HEADER:
        raise RosterError(f"{path}: row 1 must be the header {','.join(HEADER)}")
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise RosterError(
                f"{path}: row {number} has {len(row)} fields, expected 3 (id,name,email)")
        learner = Learner(*(cell.strip() for cell in row))
        if not LEARNER_ID.match(learner.id):
            raise RosterError(
                f"{path}: row {number}: learner id {learner.id!r} must match {LEARNER_ID.pattern}")
        if not learner.name:
            raise RosterError(f"{path}: row {number}: the name is empty")
        if ":" in learner.name:
            raise RosterError(f"{path}: row {number}: the name may not contain ':'")
        if not EMAIL.match(learner.email):
            raise RosterError(f"{path}: row {number}: {learner.email!r} is not an e-mail address")
        if learner.id in seen:
            raise RosterError(
                f"{path}: row {number}: learner id {learner.id!r} repeats row {seen[learner.id]}")
        seen[learner.id] = number
        learners.append(learner)
    return learners


def _user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def _run(*argv: str, stdin: str | None = None) -> None:
    subprocess.run(argv, input=stdin, text=True, check=True, capture_output=True)


def check_no_system_names(names: Sequence[str]) -> None:
    """Refuse ids that are existing system accounts (root, daemon, ...) before changing anything."""
    for name in names:
        user = _user(name)
        if user is not None and user.pw_uid < first_regular_uid():
            raise RosterError(
                f"{name!r} is a system account (uid {user.pw_uid}); choose another id")


def _private_home(user: pwd.struct_passwd, report: list[str]) -> None:
    home = Path(user.pw_dir)
    if home.is_dir() and home.stat().st_mode & 0o777 != 0o700:
        home.chmod(0o700)
        report.append(f"made home {home} 0700")


def _create_user(name: str, comment: str, groups: Sequence[str] = ()) -> None:
    argv = ["useradd", "--create-home", "-K", "HOME_MODE=0700", "--shell", "/bin/bash",
            "--comment", comment]
    if groups:
        argv += ["--groups", ",".join(groups)]
    _run(*argv, name)


def _save_passwords(path: Path, pairs: Sequence[tuple[str, str]]) -> None:
    """Append id,password lines to a root-only file (0600); set the passwords with chpasswd."""
    if not pairs:
        return
    _run("chpasswd", stdin="".join(f"{n}:{p}\n" for n, p in pairs))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchown(fd, 0, 0)
        os.fchmod(fd, 0o600)
        os.write(fd, "".join(f"{n},{p}\n" for n, p in pairs).encode())
    finally:
        os.close(fd)


def formgrade_group(course_id: str, group: str | None = None) -> str:
    """The grader group (`formgrade-<course>` unless given); Unix names stop at 32 characters."""
    name = group or f"formgrade-{course_id}"
    if len(name) > MAX_NAME or not LEARNER_ID.match(name[:31]):
        raise RosterError(f"group name {name!r} is not a valid Unix group name (at most "
                          f"{MAX_NAME} characters); pass a shorter one with --group")
    return name


def create_accounts(learners: Sequence[Learner], course_id: str, grader: str,
                    passwords_file: Path, group: str | None = None) -> list[str]:
    """Create what is missing (group, grader, learners); return a line per thing found or done."""
    group = formgrade_group(course_id, group)
    if not LEARNER_ID.match(grader):
        raise RosterError(f"grader name {grader!r} must match {LEARNER_ID.pattern}")
    check_no_system_names([grader, *(learner.id for learner in learners)])
    report: list[str] = []
    new_passwords: list[tuple[str, str]] = []
    if _group_exists(group):
        report.append(f"group {group} exists")
    else:
        _run("groupadd", group)
        report.append(f"created group {group}")
    if _user(grader) is None:
        _create_user(grader, f"nbgrader grader of {course_id}", [group])
        new_passwords.append((grader, secrets.token_urlsafe(12)))
        report.append(f"created grader {grader}")
    else:
        if group not in (g.gr_name for g in grp.getgrall() if grader in g.gr_mem):
            _run("usermod", "--append", "--groups", group, grader)
            report.append(f"added grader {grader} to {group}")
        report.append(f"grader {grader} exists")
    for learner in learners:
        if _user(learner.id) is None:
            _create_user(learner.id, f"{learner.name},,,,{learner.email}")
            new_passwords.append((learner.id, secrets.token_urlsafe(12)))
            report.append(f"created learner {learner.id}")
        else:
            report.append(f"learner {learner.id} exists")
    for name in [grader, *(learner.id for learner in learners)]:
        user = _user(name)
        if user is not None:
            _private_home(user, report)
    _save_passwords(passwords_file, new_passwords)
    if new_passwords:
        report.append(f"wrote {len(new_passwords)} initial password(s) to {passwords_file}")
    return report


def remove_learner(learner_id: str) -> list[str]:
    """Lock a learner's login; keep the user, home, submissions and grades (see module doc)."""
    if not LEARNER_ID.match(learner_id):
        raise RosterError(f"learner id {learner_id!r} must match {LEARNER_ID.pattern}")
    user = _user(learner_id)
    if user is None:
        return [f"learner {learner_id} not found; nothing to remove"]
    check_no_system_names([learner_id])
    if user.pw_shell == NOLOGIN:
        return [f"learner {learner_id} login already removed"]
    _run("usermod", "--lock", "--expiredate", "1", "--shell", NOLOGIN, learner_id)
    return [f"removed the login of {learner_id}; home, submissions and grades kept"]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; exit 2 on a bad roster (nothing changed), 1 when not root."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--roster", type=Path, help="CSV with header id,name,email")
    action.add_argument("--remove", metavar="ID", help="lock this learner's login, keep their work")
    parser.add_argument("--course-id", default=DEFAULT_COURSE_ID)
    parser.add_argument("--grader", default=DEFAULT_GRADER, help="the grader's Unix account")
    parser.add_argument("--group", help="grader group (default formgrade-<course id>)")
    parser.add_argument("--passwords-file", type=Path, default=DEFAULT_PASSWORDS)
    args = parser.parse_args(argv)
    try:
        if args.remove:
            report = remove_learner(args.remove)
        else:
            learners = read_roster(args.roster)
            if os.geteuid() != 0:
                print("accounts: run as root (useradd, chpasswd)", file=sys.stderr)
                return 1
            report = create_accounts(learners, args.course_id, args.grader, args.passwords_file,
                                     args.group)
    except RosterError as error:
        print(f"accounts: {error}; nothing was changed", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"accounts: {' '.join(error.cmd)} failed: {error.stderr.strip()}", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
