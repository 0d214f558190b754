"""Issue 12 section 5: the coaching objectives weigh at least as much as the statistics ones.

Computed from the nbgrader masters in ``source/``: every graded cell of every lesson (the
worksheets; the welcome's O0 practice, the final assessment and the evaluation are not
worksheets), its ``objective:`` tag and its points. The coaching objectives are what a career
coach does with a client (why clients hesitate, the benefits of negotiating, mapping aims to
requests, making negotiability explicit); the statistics objectives read published figures.
An objective in neither group (O0, and any objective added later) is reported, not counted.
"""

from __future__ import annotations

from collections import Counter

from negotiation_course.course import load, objective_tags

from .conftest import read_nb, source_path

COURSE = load()
COACHING = frozenset({"O1", "O2", "O5", "O7"})
STATISTICS = frozenset({"O3", "O4", "O6"})


def points_by_objective(assignments: list[str]) -> Counter[str]:
    """Points of the graded cells of these assignments' masters, by objective tag."""
    points: Counter[str] = Counter()
    for name in assignments:
        for cell in read_nb(source_path(name)).cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade"):
                continue
            tags = objective_tags(cell.metadata.get("tags", []))
            assert len(tags) == 1, f"{name}/{meta.get('grade_id')}: one objective tag, got {tags}"
            points[tags[0]] += meta.get("points", 0)
    return points


def test_the_groups_are_course_objectives():
    objectives = set(COURSE.objectives)
    assert COACHING <= objectives and STATISTICS <= objectives
    assert not COACHING & STATISTICS


def test_coaching_weighs_at_least_as_much_as_statistics_across_the_worksheets():
    points = points_by_objective(COURSE.names("lesson"))
    coaching = sum(points[o] for o in COACHING)
    statistics = sum(points[o] for o in STATISTICS)
    print(f"worksheet points by objective: {dict(sorted(points.items()))}; "
          f"coaching {coaching}, statistics {statistics}")
    assert all(points[o] > 0 for o in COACHING | STATISTICS), "every objective is assessed"
    assert coaching >= statistics, (
        f"coaching objectives {sorted(COACHING)} have {coaching} points, statistics objectives "
        f"{sorted(STATISTICS)} {statistics}: add coaching items or cut statistics ones")


def test_the_count_reads_each_lesson_separately():
    """The sum is per cell: Lesson 1 alone is balanced (5 points for each of O1 to O4)."""
    assert points_by_objective(["lesson-01-why-negotiate"]) == {"O1": 5, "O2": 5, "O3": 5,
                                                                "O4": 5}
    total = points_by_objective(COURSE.names("lesson"))
    parts = sum((points_by_objective([n]) for n in COURSE.names("lesson")), Counter())
    assert total == parts
