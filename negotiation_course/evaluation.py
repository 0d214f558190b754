"""The course evaluation: its questions and a friendly review of the learner's answers.

NBCC asks home-study providers to collect an evaluation from every learner. Learners answer
in plain code cells (``rating_relevance = 4``), which nbgrader collects like any notebook but
never grades. The questions live here so the notebook and the provider's export
(:mod:`negotiation_course.instructor.evaluation_export`) always agree. Learners also say how
many minutes each counted part of the course took them (one question per lesson and the
assessment, from the course model): the instructor's time report
(:mod:`negotiation_course.instructor.time_report`) sets those beside the declared times, the
pilot evidence a reviewer asks for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .course import load
from .hours import counted_assignments

ASSIGNMENT = "evaluation"
RATING_LOW, RATING_HIGH = 1, 5
#: Hours a learner may report having spent on the whole course (a plausibility bound).
HOURS_LOW, HOURS_HIGH = 0, 100
#: Minutes a learner may report for one lesson or the assessment (a plausibility bound).
MINUTES_LOW, MINUTES_HIGH = 0, 600
MINUTES_PREFIX = "minutes_"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "rating" | "hours" | "minutes" | "text"
    question: str
    assignment: str = ""  # for "minutes": the assignment it asks about


def _objective_texts() -> list[tuple[str, str]]:
    return [(k, o.text) for k, o in load().objectives.items()]


def minutes_field(assignment: str) -> str:
    """The answer name for one assignment's time: ``minutes_lesson_01_why_negotiate``."""
    return MINUTES_PREFIX + assignment.replace("-", "_")


def _time_questions() -> list[Field]:
    model = load()
    return [Field(minutes_field(a), "minutes",
                  f"{model.title_of(a)}: about how many minutes did it take you, its "
                  "readings and activities included?", a)
            for a in counted_assignments()]


#: Every question of the evaluation, in notebook order. The notebook and the export both
#: read this list, so a question added here appears in both.
FIELDS: list[Field] = [
    *(Field(f"rating_objective_{key}", "rating", text) for key, text in _objective_texts()),
    Field("rating_relevance", "rating",
          "The course is relevant to my practice with clients."),
    Field("rating_time_estimates", "rating",
          "The estimated times for lessons and activities were accurate."),
    Field("rating_author", "rating",
          "The author/presenter knew the subject and presented it clearly."),
    Field("rating_materials", "rating",
          "The readings, data and exercises were of good quality and up to date."),
    *_time_questions(),
    Field("hours_spent", "hours",
          "About how many hours did the whole course take you (a number such as 5.5)?"),
    Field("comments", "text", "Anything else you would like to tell us."),
]
FIELD_NAMES = [f.name for f in FIELDS]


def declared_minutes() -> dict[str, int]:
    """Each time question's field -> the minutes its part states (the clock-hour table)."""
    from .hours import about, read_table

    rows = {r.assignment: r for r in read_table()}
    return {f.name: about(rows[f.assignment].minutes) for f in FIELDS
            if f.kind == "minutes" and f.assignment in rows}
#: The value of a question left as ``...`` in the notebook.
UNANSWERED = Ellipsis


def _check(field: Field, value: Any) -> tuple[Any, str | None]:
    """(clean value or None, problem or None) for one answer."""
    if value is UNANSWERED or value is None:
        return None, None
    if field.kind == "text":
        if not isinstance(value, str):
            return None, f"{field.name}: should be text in quotes"
        return (value.strip() or None), None
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value)):
        return None, f"{field.name}: should be a number"
    if field.kind == "rating":
        if value != int(value) or not RATING_LOW <= value <= RATING_HIGH:
            return None, (f"{field.name}: should be a whole number "
                          f"from {RATING_LOW} to {RATING_HIGH}")
        return int(value), None
    if field.kind == "minutes":
        if not MINUTES_LOW < value <= MINUTES_HIGH:
            return None, (f"{field.name}: should be between {MINUTES_LOW} and "
                          f"{MINUTES_HIGH} minutes")
        return float(value), None
    if not HOURS_LOW < value <= HOURS_HIGH:
        return None, f"{field.name}: should be between {HOURS_LOW} and {HOURS_HIGH} hours"
    return float(value), None


def clean_answers(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validated answers (None where missing or invalid) and the problems found."""
    answers: dict[str, Any] = {}
    problems: list[str] = []
    for field in FIELDS:
        value, problem = _check(field, raw.get(field.name, UNANSWERED))
        answers[field.name] = value
        if problem:
            problems.append(problem)
    return answers, problems


def review(namespace: Mapping[str, Any]) -> None:
    """Tell the learner, in plain words, which answers are still missing or need a fix."""
    answers, problems = clean_answers({n: namespace.get(n, UNANSWERED) for n in FIELD_NAMES})
    missing = [f.name for f in FIELDS
               if answers[f.name] is None and not any(p.startswith(f.name + ":")
                                                       for p in problems)]
    for problem in problems:
        print("Please fix: " + problem + ".")
    optional = {f.name for f in FIELDS if f.kind != "rating"}
    required_missing = [n for n in missing if n not in optional]
    if required_missing:
        print("Not answered yet: " + ", ".join(required_missing) + ".")
    if not problems and not required_missing:
        print("Thank you: every rating is answered. Save the notebook and submit it.")
    else:
        print("You can still submit; the ratings above would help us most.")
