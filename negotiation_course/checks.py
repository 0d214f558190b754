"""Friendly answer checks for learners, and the answer recorder the hidden tests use.

Visible checks test the type first, then a plausible range, and say what to do in plain
words. They never know the exact answer: expected values live only in the hidden tests
of ``source/``, and are compared outside the learner's kernel by
:mod:`negotiation_course.grading.answer_key`.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable
from typing import Any

#: MIME type of the answer records that the grader reads from test-cell outputs.
ANSWER_MIME = "application/vnd.negotiation-course.answer+json"

NOT_ANSWERED = (
    "You have not answered yet: replace the ... with your answer, "
    "then run your answer cell and this cell again."
)


class CheckFailed(AssertionError):
    """A visible check did not pass. Shown as its message alone, without a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return ["\x1b[0;31mNot yet:\x1b[0m " + str(self)]


def _fail(message: str) -> None:
    raise CheckFailed(message)


def _ok(name: str, what: str) -> None:
    print(f"\u2714 {name}: {what}. The exact answer is checked by hidden tests after you submit.")


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, bool):
        return f"True/False ({value})"
    return f"a {type(value).__name__}"


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def number(value: Any, *, name: str, low: float, high: float, hint: str = "") -> None:
    """Check that ``value`` is a number between ``low`` and ``high`` (inclusive)."""
    if value is Ellipsis:
        _fail(NOT_ANSWERED)
    if not _is_number(value):
        _fail(f"{name} should be a number, but it is {_describe(value)}. "
              "Write digits without quotes, % signs or commas, e.g. 0.83 or 12500.")
    if math.isnan(float(value)):
        _fail(f"{name} is 'nan' (not a number): check that you picked an existing row.")
    if not low <= float(value) <= high:
        _fail(f"{name} should be a number between {low:g} and {high:g}, "
              f"but it is {float(value):g}. {hint}".strip())
    _ok(name, f"{float(value):g} is a number between {low:g} and {high:g}")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def choice(value: Any, *, name: str, options: Iterable[str], hint: str = "") -> None:
    """Check that ``value`` is one of the option letters or words offered."""
    options = list(options)
    if value is Ellipsis:
        _fail(NOT_ANSWERED)
    if not isinstance(value, str):
        _fail(f"{name} should be text in quotes, such as \"{options[0]}\", "
              f"but it is {_describe(value)}.")
    if _norm(value) not in {_norm(o) for o in options}:
        shown = ", ".join(f'"{o}"' for o in options)
        _fail(f"{name} should be one of {shown}, but it is {value!r}. {hint}".strip())
    _ok(name, f"{value!r} is one of the options")


def choices(value: Any, *, name: str, options: Iterable[str], hint: str = "") -> None:
    """Check that ``value`` is a list of option letters (pick all that apply)."""
    options = list(options)
    if value is Ellipsis:
        _fail(NOT_ANSWERED)
    if isinstance(value, str) or not isinstance(value, (list, tuple, set)):
        _fail(f"{name} should be a list in square brackets, such as [\"{options[0]}\"], "
              f"but it is {_describe(value)}.")
    allowed = {_norm(o) for o in options}
    wrong = [v for v in value if not isinstance(v, str) or _norm(v) not in allowed]
    if wrong or not value:
        shown = ", ".join(f'"{o}"' for o in options)
        _fail(f"{name} should list one or more of {shown}. {hint}".strip())
    _ok(name, f"{len(value)} option(s) chosen")


def text(value: Any, *, name: str, min_words: int = 1) -> None:
    """Check that ``value`` is a written answer of at least ``min_words`` words."""
    if value is Ellipsis:
        _fail(NOT_ANSWERED)
    if not isinstance(value, str):
        _fail(f"{name} should be text in quotes, but it is {_describe(value)}.")
    if len(value.split()) < min_words:
        _fail(f"{name} should be at least {min_words} words long.")
    _ok(name, "an answer is written")


def function(fn: Any, *, name: str, example: tuple, low: float, high: float,
             hint: str = "") -> None:
    """Check that ``fn`` is a function that returns a plausible number for ``example``."""
    if fn is Ellipsis:
        _fail(NOT_ANSWERED)
    if not callable(fn):
        _fail(f"{name} should be a function (start it with 'def'), but it is {_describe(fn)}.")
    try:
        result = fn(*example)
    except NotImplementedError:
        _fail(NOT_ANSWERED)
    except TypeError as exc:  # a `...` left in the body ends up in arithmetic: not answered yet
        if "ellipsis" in str(exc):
            _fail(NOT_ANSWERED)
        _fail(f"{name}{example} stopped with an error: {type(exc).__name__}: {exc}")
    except Exception as exc:  # the learner's function broke: say how, kindly
        _fail(f"{name}{example} stopped with an error: {type(exc).__name__}: {exc}")
    if result is None:
        _fail(f"{name}{example} gave no answer: did you forget 'return'?")
    number(result, name=f"{name}{example}", low=low, high=high, hint=hint)


# --- used by hidden tests ------------------------------------------------------------

_PLAIN = (int, float, bool, str)


def _plain(value: Any) -> Any:
    """A JSON-safe copy of ``value`` built only from exact plain types.

    Objects that claim to equal anything, subclasses and containers of them are recorded
    as their type name, so they can never match a key.
    """
    kind = type(value)
    if kind in _PLAIN:
        if kind is float and not math.isfinite(value):
            return {"unsupported": "non-finite number"}
        return value
    if kind.__module__ == "numpy" and hasattr(kind, "item") and kind.__name__ != "ndarray":
        import numpy as np

        return _plain(np.generic.item(value))
    if kind in (list, tuple, set, frozenset):
        return [_plain(v) for v in value]
    return {"unsupported": f"{kind.__module__}.{kind.__qualname__}"}


def record(answer_id: str, value: Any) -> None:
    """Record an answer for the grader, which compares it with the key outside the kernel."""
    from IPython.display import display

    payload = {"id": str(answer_id), "value": _plain(value)}
    display({ANSWER_MIME: json.loads(json.dumps(payload)),
             "text/plain": f"Answer '{answer_id}' recorded for grading."}, raw=True)


