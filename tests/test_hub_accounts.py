"""Accounts from a roster (issue 13, item 3): private homes, root-only passwords, idempotent."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

import pytest

from negotiation_course.hub import accounts
from negotiation_course.hub.accounts import RosterError, read_roster
from tests.support.unix_users import remove_users, require_root, unique


def _roster(path: Path, rows: list[str]) -> Path:
    path.write_text("id,name,email\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("row, says", [
    ("Alice,Alice A,a@example.org", "row 3: learner id 'Alice'"),
    ("9lives,Nine,n@example.org", "row 3: learner id '9lives'"),
    ("bob,,b@example.org", "row 3: the name is empty"),
    ("bob,Bob,not-an-address", "row 3: 'not-an-address' is not an e-mail"),
    ("amy,Amy again,amy2@example.org", "row 3: learner id 'amy' repeats row 2"),
    ("bob,Bob", "row 3 has 2 fields"),
])
def test_a_bad_row_is_named(tmp_path, row, says):
    roster = _roster(tmp_path / "r.csv", ["amy,Amy A,amy@example.org", row])
    with pytest.raises(RosterError, match=says):
        read_roster(roster)


def test_the_header_is_required(tmp_path):
    (tmp_path / "r.csv").write_text("amy,Amy,amy@example.org\n")
    with pytest.raises(RosterError, match="row 1 must be the header"):
        read_roster(tmp_path / "r.csv")


@pytest.fixture
def cohort(tmp_path):
    """Three fresh learner ids, a grader and a group; all removed afterwards."""
    require_root()
    tag = unique()
    names = {"learners": [f"{tag}-{i}" for i in range(3)], "grader": f"{tag}-g",
             "group": f"formgrade-{tag}", "course": tag}
    try:
        yield names
    finally:
        remove_users([*names["learners"], names["grader"]], [names["group"]])


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = accounts.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_roster_creates_private_accounts_once(tmp_path, capsys, cohort):
    learners = cohort["learners"]
    roster = _roster(tmp_path / "roster.csv",
                     [f"{n},Learner {n},{n}@example.org" for n in learners])
    secrets_file = tmp_path / "passwords.csv"
    argv = ["--roster", str(roster), "--course-id", cohort["course"], "--grader",
            cohort["grader"], "--passwords-file", str(secrets_file)]

    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    for name in [*learners, cohort["grader"]]:
        home = Path(pwd.getpwnam(name).pw_dir)
        assert stat.S_IMODE(home.stat().st_mode) == 0o700, name
        assert f"created {'grader' if name == cohort['grader'] else 'learner'} {name}" in out
    info = secrets_file.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_uid == 0
    lines = secrets_file.read_text().splitlines()
    assert sorted(line.split(",")[0] for line in lines) == sorted([*learners, cohort["grader"]])
    assert all(len(line.split(",")[1]) >= 12 for line in lines)
    assert cohort["group"] in os.popen(f"id -nG {cohort['grader']}").read()

    before = (secrets_file.read_bytes(), Path("/etc/passwd").read_bytes(),
              Path("/etc/shadow").read_bytes(), Path("/etc/group").read_bytes())
    code, again, err = _run(capsys, *argv)
    assert code == 0, err
    assert "created" not in again and "wrote" not in again
    assert all(f"learner {n} exists" in again for n in learners)
    assert (secrets_file.read_bytes(), Path("/etc/passwd").read_bytes(),
            Path("/etc/shadow").read_bytes(), Path("/etc/group").read_bytes()) == before


@pytest.mark.slow
def test_a_bad_row_creates_nobody(tmp_path, capsys, cohort):
    good, *_ = cohort["learners"]
    roster = _roster(tmp_path / "roster.csv", [f"{good},Good,g@example.org", "Bad Id,X,x@e.org"])
    code, _, err = _run(capsys, "--roster", str(roster), "--course-id", cohort["course"],
                        "--grader", cohort["grader"], "--passwords-file",
                        str(tmp_path / "p.csv"))
    assert code == 2
    assert "row 3" in err and "nothing was changed" in err
    for name in (good, cohort["grader"]):
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
    assert not (tmp_path / "p.csv").exists()


@pytest.mark.slow
def test_remove_locks_the_login_and_keeps_the_work(tmp_path, capsys, cohort):
    name = cohort["learners"][0]
    roster = _roster(tmp_path / "roster.csv", [f"{name},Leaving,l@example.org"])
    assert _run(capsys, "--roster", str(roster), "--course-id", cohort["course"], "--grader",
                cohort["grader"], "--passwords-file", str(tmp_path / "p.csv"))[0] == 0
    home = Path(pwd.getpwnam(name).pw_dir)
    work = home / "lesson-01" / "lesson-01.ipynb"
    work.parent.mkdir()
    work.write_text("{}")
    submitted = tmp_path / "course" / "submitted" / name / "lesson-01"
    submitted.mkdir(parents=True)
    (submitted / "lesson-01.ipynb").write_text("{}")

    code, out, err = _run(capsys, "--remove", name)
    assert code == 0, err
    assert "removed the login" in out
    user = pwd.getpwnam(name)
    assert user.pw_shell == accounts.NOLOGIN
    assert Path("/etc/shadow").read_text().split(f"\n{name}:", 1)[1].startswith("!")
    assert work.exists() and (submitted / "lesson-01.ipynb").exists()
    assert "already removed" in _run(capsys, "--remove", name)[1]
