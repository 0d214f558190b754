"""Notes about one learner's grading, collected while nbgrader runs it in this process.

The sandbox (wall-clock kill) and the repair preprocessors run deep inside nbgrader, which
only reports success or a traceback; they leave a note here, and the worker reads and
clears the notes after each learner to give a precise status reason.
"""

from __future__ import annotations

import threading

_NOTES: list[str] = []
_LOCK = threading.Lock()


def record_event(text: str) -> None:
    with _LOCK:
        _NOTES.append(text)


def take_events() -> list[str]:
    """The notes since the last call (and forget them)."""
    with _LOCK:
        out = list(_NOTES)
        _NOTES.clear()
    return out
