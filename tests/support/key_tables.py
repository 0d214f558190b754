"""Answer keys against learner values, the way grading compares them, for the tables of
wrong, blank, hostile and alternative right answers (tests/test_content_lesson02.py,
tests/test_assessment.py).

A learner's value reaches the key in two steps: the hidden test's ``checks.record`` in the
kernel displays a JSON copy built from exact plain types, and the grader compares what it
reads from the notebook with the key (:func:`.answer_key.failures`, which calls
:meth:`.answer_key.Key.matches`). :func:`earns` runs both steps on ``value`` (the real
``checks.record``, its display captured); :func:`bare_match` is the comparison alone, which
a forged record reaches directly, so a hostile value must fail both.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any
from unittest import mock

import numpy as np

from negotiation_course import checks
from negotiation_course.grading.answer_key import Key, failures

#: What a learner leaves in an answer cell they never touched (``answer = ...``).
UNANSWERED = Ellipsis


def recorded(answer_id: str, value: Any) -> dict:
    """The output ``checks.record(answer_id, value)`` leaves in the notebook (as JSON)."""
    shown: list[dict] = []
    with mock.patch("IPython.display.display",
                    lambda data, raw=False: shown.append(data)):
        checks.record(answer_id, value)
    (data,) = shown
    return json.loads(json.dumps({"output_type": "display_data", "data": data,
                                  "metadata": {}}))


def earns(key: Key, value: Any) -> bool:
    """Whether the learner whose answer is ``value`` earns ``key``'s points when graded."""
    return not failures([key], [recorded(key.id, value)])


def bare_match(key: Key, value: Any) -> bool:
    """The key comparison alone, on ``value`` as it is (what a forged record reaches)."""
    return key.matches(value)


class AlwaysEqual:
    """Claims to equal anything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class SneakyStr(str):
    """A str subclass equal to anything, holding the right answer."""

    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class SneakyFloat(AlwaysEqual, float):
    """A float subclass equal to, and never less or greater than, anything."""

    def __lt__(self, other):
        return False

    def __gt__(self, other):
        return False

    def __le__(self, other):
        return True

    def __ge__(self, other):
        return True

    __hash__ = float.__hash__


class PosesAsStr(AlwaysEqual):
    """Fools ``isinstance(value, str)`` (not ``type(value) is str``)."""

    @property
    def __class__(self):
        return str


def hostile_text(right: str, other: str) -> list[tuple[str, Any]]:
    """(label, value): values that must never earn a text key whose answer is ``right``."""
    return [("equal to anything", AlwaysEqual()),
            ("poses as str", PosesAsStr()),
            ("str subclass", SneakyStr(right)),
            ("in a list", [right]),
            ("in a tuple", (right,)),
            ("in a set", {right}),
            ("right and wrong", [right, other]),
            ("both in one text", f"{right} {other}"),
            ("quoted", f'"{right}"'),
            ("a record's refusal", {"unsupported": "AlwaysEqual"}),
            ("True", True)]


def hostile_number(right: float) -> list[tuple[str, Any]]:
    """(label, value): values that must never earn a number key whose answer is ``right``."""
    return [("equal to anything", AlwaysEqual()),
            ("float subclass", SneakyFloat(right)),
            ("True", True),
            ("text", str(right)),
            ("in a list", [right]),
            ("numpy 0-d array", np.array(right)),
            ("numpy array", np.array([right])),
            ("Decimal", Decimal(str(right))),
            ("Fraction", Fraction(str(right))),
            ("nan", float("nan")),
            ("inf", float("inf")),
            ("an int beyond any float", 10 ** 400),
            ("a record's refusal", {"unsupported": "SneakyFloat"})]
