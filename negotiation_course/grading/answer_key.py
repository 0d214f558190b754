"""Answer keys kept out of the learner's kernel.

Hidden tests in ``source/`` hold lines ``# answer-key: {...}``. Before a submission runs,
:class:`StripAnswerKeys` removes them, so no learner code (input transformers, ``In``,
``_ih``) can see them. The hidden test only records the learner's value with
``checks.record``; after execution :class:`CheckAnswerKeys` reads the keys from the
gradebook and the records from the test cell's own outputs.

The key comparison is the only thing that scores an autograded cell. nbgrader's
``determine_grade`` gives full marks at the first ``execute_result`` of a test cell, and
learner code shares the kernel (a ``pre_run_cell`` hook, a patched ``checks.record``, a
custom display hook can all put outputs into a test cell). So :func:`graded_outputs`
rebuilds every autograded test cell's outputs from the comparison alone: learner-visible
text is kept as plain ``stdout`` text (it cannot change a score; a ``stderr`` stream
would zero the cell), every ``execute_result``, ``display_data`` and error of the kernel is
dropped, and one clean error is added when a key is not met. nbgrader then sees either no
error (full marks) or our error (zero).

Which records are trusted, and why no nonce: every byte a test cell outputs comes from a
kernel the learner controls, and a nonce placed in the hidden test's source would be read
by a ``pre_run_cell`` hook or an input transformer (they see the raw cell) just before the
cell runs, so it authenticates nothing. What the learner cannot get is the key: keys are
stripped before the kernel starts and compared in the parent. A record therefore passes only
if it carries the key's value, exactly one record per id is allowed in the test cell's own
outputs (a hook that adds guesses makes duplicates, which fail), and values must be exact
plain types. A forged record can thus score only by stating the right answer, which is what
answering is; it never scores for an untouched or wrong notebook.

A key may carry a rationale (``"why"``): :func:`graded_outputs` adds it to the graded test
cell as plain text, so the learner's feedback says why the right answer is right. It lives
only in the key line, so neither the release nor the learner's kernel ever holds it.
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
    why: str = ""  # the rationale the learner reads in feedback after grading

    def matches(self, value: Any) -> bool:
        if self.kind == "number":
            if type(value) not in (int, float):
                return False
            try:  # an int too large for any float (10 ** 400) is wrong, not a crash
                number = float(value)
            except OverflowError:
                return False
            return math.isfinite(number) and abs(number - self.expected) <= self.tol
        if self.kind == "text":
            return type(value) is str and _norm(value) in {_norm(e) for e in self.expected}
        if self.kind == "choices":
            return (type(value) is list and all(type(v) is str for v in value)
                    and {_norm(v) for v in value} == {_norm(e) for e in self.expected})
        return False


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


KINDS = ("number", "text", "choices")


def parse_key(raw: str) -> Key:
    """One key, written either ``{"id", "number"|"text"|"choices": value, "tol", "why"}``
    or ``{"id", "kind", "expected", "tol", "why"}`` (the same key, spelled out)."""
    try:
        spec = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AnswerKeyError(f"answer-key is not valid JSON: {raw!r} ({exc})") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
        raise AnswerKeyError(f"answer-key needs a string 'id': {raw!r}")
    why = spec.get("why", "")
    if not isinstance(why, str):
        raise AnswerKeyError(f"answer-key 'why' must be a string: {raw!r}")
    why = " ".join(why.split())
    if "kind" in spec or "expected" in spec:
        if spec.get("kind") not in KINDS or "expected" not in spec:
            raise AnswerKeyError(f"answer-key needs 'kind' (one of {', '.join(KINDS)}) and "
                                 f"'expected': {raw!r}")
        kind, value = spec["kind"], spec["expected"]
    else:
        found = [k for k in KINDS if k in spec]
        if len(found) != 1:
            raise AnswerKeyError(
                f"answer-key needs one of 'number', 'text', 'choices': {raw!r}")
        kind, value = found[0], spec[found[0]]
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerKeyError(f"answer-key 'number' must be numeric: {raw!r}")
        tol = spec.get("tol", 0.0)
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or tol < 0:
            raise AnswerKeyError(f"answer-key 'tol' must be a number >= 0: {raw!r}")
        return Key(spec["id"], "number", value, float(tol), why)
    if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        raise AnswerKeyError(f"answer-key '{kind}' must be a list of strings: {raw!r}")
    return Key(spec["id"], kind, tuple(value), 0.0, why)


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


def is_record(out: dict) -> bool:
    return ANSWER_MIME in (out.get("data") or {})


def _plain_text(out: dict) -> str:
    """The text a learner would have seen in an output, as plain text."""
    if out.get("output_type") == "stream":
        return str(out.get("text", ""))
    if out.get("output_type") == "error":
        return f"{out.get('ename', 'Error')}: {out.get('evalue', '')}\n"
    text = (out.get("data") or {}).get("text/plain", "")
    return ("".join(text) if isinstance(text, list) else str(text)) + "\n"


WHY_PREFIX = "Why the right answer is right: "


def rationale_outputs(keys: list[Key]) -> list[dict]:
    """One plain ``stream`` output per key that has a rationale, for the learner's feedback.

    Shown after grading whether the answer was right or not; it never quotes hidden-test
    code (the rationale is held in the key line, which the kernel never sees).
    """
    return [{"output_type": "stream", "name": "stdout", "text": f"{WHY_PREFIX}{key.why}\n"}
            for key in keys if key.why]


def graded_outputs(keys: list[Key], outputs: list[dict]) -> tuple[list[dict], list[str]]:
    """The outputs a test cell keeps for nbgrader, decided by the key comparison only.

    Returns plain ``stdout`` streams (what the learner's checks said, records left out,
    then each key's rationale) and the problems; learner text that was ``stderr`` is kept as
    ``stdout`` too, since nbgrader's ``determine_grade`` gives 0 for any ``stderr`` stream
    and so would let a warning zero a correct answer; the caller appends one error output when
    there are problems. With no keys at all the cell cannot be checked, so it fails closed.
    """
    problems = failures(keys, outputs) if keys else ["no answer key to check against"]
    kept = []
    for out in outputs:
        if is_record(out):
            continue
        text = _plain_text(out)
        if text.strip():  # always stdout: nbgrader scores a stderr stream 0, right or not
            kept.append({"output_type": "stream", "name": "stdout", "text": text})
    return kept + rationale_outputs(keys), problems
