"""release/ and the clock-hour table are generated, committed and kept in sync with source/."""

from __future__ import annotations

import nbformat

from negotiation_course import hours
from negotiation_course.instructor import clock_hours
from negotiation_course.paths import assignments

from .conftest import ASSIGNMENTS, ROOT, read_nb, release_path


def _sources(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def test_release_has_exactly_the_source_assignments():
    released = sorted(p.name for p in (ROOT / "release").iterdir() if p.is_dir())
    assert released == ASSIGNMENTS


def test_committed_release_matches_a_fresh_nbgrader_release(scratch_course):
    for a in ASSIGNMENTS:
        fresh = read_nb(release_path(a, scratch_course))
        committed = read_nb(release_path(a))
        assert _sources(fresh) == _sources(committed), (
            f"release/{a} is stale: run `make release` and commit it")


def test_clock_hour_table_is_current():
    assert hours.read_table() == clock_hours.compute(ROOT), (
        "negotiation_course/clock_hours.csv is stale: run `make release` and commit it")


def test_clock_hours_follow_the_course_rule(tmp_path):
    rows = [hours.Row("a", 6000, 60.0, 45, 3), hours.Row("b", 3000, 30.0, 14, 1)]
    # 60 + 45 + 30 + 14 + 30 (conversation) = 179 minutes -> 2.98 h -> 2.75 h
    assert hours.total_minutes(rows) == 179
    assert hours.clock_hours(rows) == 2.75
    assert hours.clock_hours(rows, conversation=False) == 2.25
    path = tmp_path / "t.csv"
    clock_hours.write_table(rows, path)
    assert hours.read_table(path) == rows


def test_activity_minutes_and_words_are_read_from_markdown():
    text = ('<div class="activity">\n\n<strong>Activity (12 minutes): Read.</strong> '
            'See [the report](https://example.org/x).\n\n</div>')
    assert clock_hours.activity_minutes(text) == [12]
    assert clock_hours.lesson_words(text) == 7  # Activity 12 minutes Read See the report


def test_welcome_lesson_shows_the_generated_table():
    welcome = read_nb(ROOT / "source" / "lesson-00-welcome" / "lesson-00-welcome.ipynb")
    assert any("hours.show_table()" in c.source for c in welcome.cells if c.cell_type == "code")
    table = hours.show_table()
    assert table.loc["total", "activity_minutes"] == sum(
        r.activity_minutes for r in hours.read_table()) + hours.CONVERSATION_MINUTES


def test_provisional_until_every_planned_lesson_exists():
    rows = clock_hours.compute(ROOT)
    missing = [a for a in hours.counted_assignments() if a not in assignments(ROOT)]
    assert hours.is_provisional(rows) == bool(missing)
