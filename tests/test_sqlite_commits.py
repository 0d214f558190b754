"""Gradebook commits in write-ahead-log mode (grading processes), and a gradebook file that
is whole on its own once a run has folded the log back (so a copy of it is a backup)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import text

from negotiation_course.grading import sqlite_commits
from negotiation_course.instructor.nbgrader_cli import ensure_venv_on_path


@pytest.mark.slow  # nbgrader's gradebook runs alembic: seconds, not milliseconds
def test_grading_connections_commit_without_a_flush_and_the_file_is_whole_after(tmp_path):
    db = tmp_path / "gradebook.db"
    ensure_venv_on_path()  # nbgrader runs alembic from the venv
    sqlite_commits.enable()
    with Gradebook(f"sqlite:///{db}", "course") as gb:
        mode = gb.db.execute(text("PRAGMA journal_mode")).scalar()
        sync = gb.db.execute(text("PRAGMA synchronous")).scalar()
        gb.add_student("ada", first_name="Ada")
        gb.add_assignment("lesson")
        assert (mode, sync) == ("wal", 1)  # 1 = NORMAL: no flush per commit
        sqlite_commits.checkpoint(str(db))
        wal = tmp_path / "gradebook.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0  # everything is in the file
        copy = tmp_path / "backup.db"
        shutil.copy(db, copy)  # the file alone, while the grader still has it open
    with sqlite3.connect(copy) as con:
        assert con.execute("SELECT id FROM student").fetchall() == [("ada",)]
        assert con.execute("SELECT name FROM assignment").fetchall() == [("lesson",)]


def test_a_server_database_url_is_left_alone():
    class NotSqlite:
        def cursor(self):
            raise AssertionError("no pragma may reach a server database")

    sqlite_commits._pragmas(NotSqlite(), None)
