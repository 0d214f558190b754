"""The course's learning objectives, one id each.

Graded cells carry a tag ``objective:<id>`` naming the objective they assess; the final
assessment must cover every content objective (a test checks).
"""

from __future__ import annotations

#: id -> (lesson, objective). O0 is the course-skills objective of the welcome lesson.
OBJECTIVES: dict[str, tuple[str, str]] = {
    "O0": ("lesson-00-welcome",
           "Run, edit, check and submit a course notebook."),
    "O1": ("lesson-01-why-negotiate",
           "Explain why clients hesitate to negotiate and what accepting a first offer by "
           "default can cost them."),
    "O2": ("lesson-01-why-negotiate",
           "Describe the five benefits of negotiating and match each to a client situation."),
    "O3": ("lesson-01-why-negotiate",
           "Interpret published statistics on pay gaps by sex, race and ethnicity and on "
           "inequality within groups, and explain why different measures give different "
           "figures."),
    "O4": ("lesson-01-why-negotiate",
           "Evaluate a headline claim about financial fragility (the Federal Reserve's $400 "
           "question) against the published figures."),
    "O5": ("lesson-02-strategic-career",
           "Map a client's long-term aims backward to negotiable items beyond salary and "
           "classify a request as standard, an unusual arrangement or a new direction."),
    "O6": ("lesson-02-strategic-career",
           "Compare offers on total compensation and estimate the long-run value of a higher "
           "starting salary under stated assumptions."),
    "O7": ("lesson-02-strategic-career",
           "Use research on who asks and who receives to make negotiability explicit, gather "
           "range information and set specific, realistic targets with clients."),
}

#: Objectives the course teaches (O0 is a skill the welcome lesson practises, not content).
CONTENT_OBJECTIVES = [k for k in OBJECTIVES if k != "O0"]

TAG_PREFIX = "objective:"


def objective_tags(tags: list[str]) -> list[str]:
    """The objective ids named by a cell's tags."""
    return [t[len(TAG_PREFIX):] for t in tags if t.startswith(TAG_PREFIX)]
