"""The private exchange (issue 13, item 4): collect takes only what its owner submitted.

Real users: learner A submits with `nbgrader submit` as A; learner B submits as A with
`--student=A` (later, so stock nbgrader would let it win) and plants a symlink entry. The
owner-checking collect takes A's work, refuses both of B's entries and says so in its log.

Hostile content: B's own inbound folder (owner check passes) holds a notebook that is a link
to the grader's source notebook, a link to /dev/zero, a FIFO, or has a name nbgrader cannot
parse. Stock collect copies the model answers, fills the disk, or fails for everyone; here
each is refused and logged, nothing of B's reaches submitted/, and A's work is collected in the
same run. Collect runs with a 64 MB file-size limit so a regression fails instead of filling
the disk.
"""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from negotiation_course.hub.accounts import Learner, create_accounts
from negotiation_course.hub.exchange import Refused, copy_without_links, prepare_exchange
from tests.support.unix_users import remove_users, require_root, unique

pytestmark = pytest.mark.slow
ASSIGNMENT = "lesson-01"
REPO = str(Path(__file__).resolve().parents[1])  # this checkout's plugin
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))


def _notebook(path: Path, text: str, owner: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    nbformat.write(nb, path)
    user = pwd.getpwnam(owner)
    for p in (path.parent, path):
        os.chown(p, user.pw_uid, user.pw_gid)


def _as(user: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess:
    home = pwd.getpwnam(user).pw_dir
    return subprocess.run(["runuser", "-u", user, "--", "env", f"HOME={home}", *argv],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def exchange(tmp_path):
    """Learners A and B, a grader, a sticky exchange with lesson-01 released; all removed."""
    require_root()
    tag = unique()
    a, b, grader = f"{tag}-a", f"{tag}-b", f"{tag}-g"
    top = Path(tempfile.mkdtemp(prefix="nct-exchange-", dir="/tmp"))
    top.chmod(0o755)  # learners must reach the exchange inside it
    try:
        create_accounts([Learner(a, "A", "a@example.org"), Learner(b, "B", "b@example.org")],
                        tag, grader, tmp_path / "passwords.csv")
        course = prepare_exchange(top / "exchange", tag, grader)
        _notebook(course / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", "released", grader)
        yield {"a": a, "b": b, "course_id": tag, "root": top / "exchange", "course": course}
    finally:
        shutil.rmtree(top, ignore_errors=True)
        remove_users([a, b, grader], [f"formgrade-{tag}"])


def _submit(env: dict, who: str, text: str, *extra: str) -> None:
    home = Path(pwd.getpwnam(env[who]).pw_dir)
    _notebook(home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", text, env[who])
    done = _as(env[who], NBGRADER, "submit", ASSIGNMENT, "--course", env["course_id"],
               f"--Exchange.root={env['root']}", *extra, cwd=home)
    assert done.returncode == 0, done.stderr


def test_the_exchange_is_sticky_and_the_course_folder_the_graders(exchange):
    root, course = exchange["root"], exchange["course"]
    assert stat.S_IMODE(root.stat().st_mode) == 0o1777 and root.stat().st_uid == 0
    assert pwd.getpwuid(course.stat().st_uid).pw_name.endswith("-g")
    planted = _as(exchange["b"], "mv", str(course), str(root / "moved"), cwd=root)
    assert planted.returncode != 0 and course.is_dir()


def test_a_course_folder_a_learner_planted_is_refused_not_adopted(exchange):
    root, b = exchange["root"], exchange["b"]
    planted = _as(b, "mkdir", "-p", str(root / "other-course" / "outbound" / "fake"),
                  cwd=root)
    assert planted.returncode == 0, planted.stderr  # the sticky root lets anyone make one
    grader = pwd.getpwuid(exchange["course"].stat().st_uid).pw_name
    with pytest.raises(RuntimeError, match="was made by uid"):
        prepare_exchange(root, "other-course", grader)
    assert pwd.getpwuid((root / "other-course").stat().st_uid).pw_name == b  # not adopted
    assert prepare_exchange(root, exchange["course_id"], grader) == exchange["course"]


def test_collect_refuses_spoofed_and_symlinked_submissions(exchange, tmp_path):
    a, b = exchange["a"], exchange["b"]
    _submit(exchange, "a", "the work of A")
    time.sleep(1.1)  # B's spoof is newer: stock collect would take it
    _submit(exchange, "b", "B pretending to be A", f"--student={a}")
    inbound = exchange["course"] / "inbound"
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime(time.time() + 60))
    link = _as(b, "ln", "-s", str(Path(pwd.getpwnam(b).pw_dir) / ASSIGNMENT),
               str(inbound / f"{b}+{ASSIGNMENT}+{stamp}"), cwd=inbound)
    assert link.returncode == 0, link.stderr
    entries = sorted(p.name for p in inbound.iterdir())
    assert len(entries) == 3 and sum(e.startswith(f"{a}+") for e in entries) == 2

    course_dir = tmp_path / "course"
    course_dir.mkdir()
    collected = _collect(exchange, course_dir)
    assert collected.returncode == 0, collected.stderr
    log = collected.stdout + collected.stderr
    got = nbformat.read(course_dir / "submitted" / a / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    assert got.cells[0].source == "the work of A"
    assert not (course_dir / "submitted" / b).exists()
    assert f"is owned by {b}, not by {a}" in log, log
    assert "is a symlink" in log, log


def _limit_file_size() -> None:  # stock collect copying /dev/zero dies here, not the disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))


def _collect(env: dict, course_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NBGRADER, "collect", ASSIGNMENT, "--course", env["course_id"],
         f"--Exchange.root={env['root']}",
         "--ExchangeFactory.collect=negotiation_course.hub.exchange.OwnerCheckedCollect",
         f"--CourseDirectory.root={course_dir}",
         f"--CourseDirectory.db_url=sqlite:///{course_dir / 'gradebook.db'}"],
        cwd=course_dir, capture_output=True, text=True, timeout=120,
        preexec_fn=_limit_file_size,
        env={**os.environ, "PYTHONPATH": REPO,  # nbgrader's gradebook runs alembic from PATH
             "PATH": os.pathsep.join([str(Path(NBGRADER).parent), os.environ["PATH"]])})


def _inbound_of(env: dict, who: str) -> Path:
    found = sorted((env["course"] / "inbound").glob(f"{env[who]}+{ASSIGNMENT}+*"))
    assert len(found) == 1, found
    return found[0]


SOURCE_TEXT = "MODEL ANSWERS of the grader's source notebook"


@pytest.mark.parametrize("attack", ["source-link", "dev-zero", "fifo", "bad-name"])
def test_collect_refuses_links_fifos_and_bad_names_inside_a_learners_own_folder(
        exchange, tmp_path, attack):
    a, b = exchange["a"], exchange["b"]
    course_dir = tmp_path / "course"
    source = course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(SOURCE_TEXT)]), source)
    _submit(exchange, "a", "the work of A")
    _submit(exchange, "b", "the work of B")
    folder = _inbound_of(exchange, "b")  # B's own folder: the owner check passes
    notebook = folder / f"{ASSIGNMENT}.ipynb"
    if attack == "source-link":
        done = _as(b, "ln", "-sfn", str(source), str(notebook), cwd=folder)
        reason = f"{ASSIGNMENT}.ipynb is a symbolic link"
    elif attack == "dev-zero":
        done = _as(b, "ln", "-s", "/dev/zero", str(folder / "data.csv"), cwd=folder)
        reason = "data.csv is a symbolic link"
    elif attack == "fifo":
        done = _as(b, "mkfifo", str(folder / "pipe"), cwd=folder)
        reason = "pipe is a FIFO"
    else:  # a name whose timestamp nbgrader cannot parse crashed the whole stock collect
        done = _as(b, "mkdir", str(folder.with_name(f"{b}+{ASSIGNMENT}+not-a-time")),
                   cwd=folder)
        reason = "has a name nbgrader cannot read"
    assert done.returncode == 0, done.stderr

    collected = _collect(exchange, course_dir)
    assert collected.returncode == 0, (collected.returncode, collected.stderr[-3000:])
    log = collected.stdout + collected.stderr
    got = nbformat.read(course_dir / "submitted" / a / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    assert got.cells[0].source == "the work of A"
    assert "Refused submission" in log and reason in log, log
    if attack == "bad-name":  # B's honest folder is still collected, the bad one is not
        got = nbformat.read(course_dir / "submitted" / b / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
        assert got.cells[0].source == "the work of B"
    else:
        assert not (course_dir / "submitted" / b).exists()
    assert SOURCE_TEXT not in "".join(
        p.read_text(errors="replace") for p in (course_dir / "submitted").rglob("*")
        if p.is_file() and not p.is_symlink())
    assert not list(course_dir.glob(".collect-*"))


def test_copy_without_links_copies_files_and_folders_and_refuses_the_rest(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.ipynb").write_text("{}")
    (src / "sub" / "b.txt").write_text("b")
    (src / ".ipynb_checkpoints").mkdir()
    copy_without_links(str(src), str(tmp_path / "out"), exclude=[".ipynb_checkpoints"])
    assert (tmp_path / "out" / "sub" / "b.txt").read_text() == "b"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.ipynb", "sub"]

    secret = tmp_path / "secret"
    secret.write_text("SECRET")
    (src / "sub" / "link").symlink_to(secret)
    with pytest.raises(Refused, match="sub/link, a symbolic link"):
        copy_without_links(str(src), str(tmp_path / "out2"))
    (src / "sub" / "link").unlink()
    os.mkfifo(src / "sub" / "pipe")
    with pytest.raises(Refused, match="sub/pipe, a FIFO"):
        copy_without_links(str(src), str(tmp_path / "out3"))
    (src / "sub" / "pipe").unlink()
    (tmp_path / "dirlink").symlink_to(src, target_is_directory=True)
    with pytest.raises(Refused, match="without following links"):
        copy_without_links(str(tmp_path / "dirlink"), str(tmp_path / "out4"))
