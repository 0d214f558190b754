"""One SQLAlchemy engine per gradebook URL in a grading process, not one per ``Gradebook``.

nbgrader opens a new ``Gradebook`` (so a new engine) about ten times per graded notebook:
once per preprocessor that records something, five times in ``init_assignment``. A new
engine starts with an empty cache of compiled SQL, so each of the ~90 queries of a notebook
was compiled again, and each opening re-read the schema: together about a sixth of the
grader's own CPU per notebook. Shared, the compiled statements are reused. Nothing else
changes: ``Gradebook.close()`` still disposes the engine's pool, so no connection outlives
the gradebook that opened it, and the next one connects afresh (with the same pragmas,
:mod:`.sqlite_commits`). A forked process drops its parent's engines (a connection must
never cross a fork) and makes its own.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy
from sqlalchemy.engine import Engine

_ENGINES: dict[tuple[str, tuple], Engine] = {}


def shared_engine(url: Any, **kwargs: Any) -> Engine:
    """``sqlalchemy.create_engine``, but the same engine again for the same arguments."""
    key = (str(url), tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = sqlalchemy.create_engine(url, **kwargs)
    return engine


def enable() -> None:
    """From now on, nbgrader's gradebooks in this process share engines (idempotent)."""
    from nbgrader import api

    api.create_engine = shared_engine


def enabled() -> bool:
    from nbgrader import api

    return api.create_engine is shared_engine


def _forget_after_fork() -> None:
    for engine in _ENGINES.values():
        engine.dispose(close=False)  # the parent's connections stay the parent's
    _ENGINES.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
