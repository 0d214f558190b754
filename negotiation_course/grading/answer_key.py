"""Answer keys kept out of the learner's kernel.

Hidden tests in ``source/`` hold lines ``# answer-key: {...}``. Before a submission runs,
:class:`StripAnswerKeys` removes them, so no learner code (input transformers, ``In``,
``_ih``) can see them. The hidden test only records the learner's value with
``checks.record``; after execution :class:`CheckAnswerKeys` reads the keys from the
gradebook and the records from the test cell's own outputs, and adds an error output when
they disagree. nbgrader then scores the cell as usual.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

KEY_RE = re.compile(r"^[ \t]*#[ \t]*answer-key:[ \t]*(\{.*\})[ \t]*$", re.MULTILINE)
KEY_LINE_RE = re.compile(r"^[ \t]*#[ \t]*answer-key:.*(?:\n|$)", re.MULTILINE)
ANSWER_MIME = "application/vnd.negotiation-course.answer+json"
ERROR_NAME = "HiddenTestFailed"


class AnswerKeyError(ValueError):
    """An answer-key line in a source notebook is malformed."""


@dataclass(frozen=True)
class Key:
    id: str
    kind: str  # "number" | "text" | "choices"
    expected: Any
    tol: float = 0.0

    def matches(self, value: Any) -> bool:
        if self.kind == "number":
            return (type(value) in (int, float) and math.isfinite(value)
                    and abs(value - self.expected) <= self.tol)
        if self.kind == "text":
            return type(value) is str and _norm(value) in {_norm(e) for e in self.expected}
        if self.kind == "choices":
            return (type(value) is list and all(type(v) is str for v in value)
                    and {_norm(v) for v in value} == {_norm(e) for e in self.expected})
        return False


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def parse_key(raw: str) -> Key:
    try:
        spec = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AnswerKeyError(f"answer-key is not valid JSON: {raw!r} ({exc})") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
        raise AnswerKeyError(f"answer-key needs a string 'id': {raw!r}")
    if "number" in spec:
        if not isinstance(spec["number"], (int, float)):
            raise AnswerKeyError(f"answer-key 'number' must be numeric: {raw!r}")
        return Key(spec["id"], "number", spec["number"], float(spec.get("tol", 0.0)))
    for kind in ("text", "choices"):
        if kind in spec:
            values = spec[kind]
            if not (isinstance(values, list) and values and all(isinstance(v, str)
                                                                for v in values)):
                raise AnswerKeyError(f"answer-key '{kind}' must be a list of strings: {raw!r}")
            return Key(spec["id"], kind, tuple(values))
    raise AnswerKeyError(f"answer-key needs one of 'number', 'text', 'choices': {raw!r}")


def keys_in(source: str) -> list[Key]:
    """Every answer key in a cell's source."""
    return [parse_key(m.group(1)) for m in KEY_RE.finditer(source)]


def strip_keys(source: str) -> str:
    """The cell source without its answer-key lines."""
    return KEY_LINE_RE.sub("", source)


def records_in(outputs: list[dict]) -> dict[str, list[Any]]:
    """Answer records in a cell's outputs, by id (a list, so duplicates can be refused)."""
    found: dict[str, list[Any]] = {}
    for out in outputs:
        payload = (out.get("data") or {}).get(ANSWER_MIME)
        if isinstance(payload, dict) and isinstance(payload.get("id"), str):
            found.setdefault(payload["id"], []).append(payload.get("value"))
    return found


def failures(keys: list[Key], outputs: list[dict]) -> list[str]:
    """Learner-safe messages, one per key that the outputs do not satisfy.

    A message names the answer, never the expected value.
    """
    records = records_in(outputs)
    problems = []
    for key in keys:
        values = records.get(key.id, [])
        if len(values) != 1:
            problems.append(f"'{key.id}': no single recorded answer to check")
        elif not key.matches(values[0]):
            problems.append(f"'{key.id}' is not correct yet")
    return problems
