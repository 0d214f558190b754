"""release/ and the clock-hour table are generated, committed and kept in sync with source/."""

from __future__ import annotations

import nbformat
import pytest

from negotiation_course import hours
from negotiation_course.instructor import clock_hours
from negotiation_course.paths import assignments

from .conftest import ASSIGNMENTS, ROOT, read_nb, release_path


def _sources(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def test_release_has_exactly_the_source_assignments():
    released = sorted(p.name for p in (ROOT / "release").iterdir() if p.is_dir())
    assert released == ASSIGNMENTS


@pytest.mark.slow
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
    rows = [hours.Row("a", 6000, 60.0, 45, 3, 0, 0.0),
            hours.Row("b", 2000, 20.0, 14, 1, 1000, 10.0, activity_words=500,
                      repeated_words=40, reference_words=300, uncounted_minutes=20,
                      unmeasured_readings=1)]
    # 60 + 45 + 20 + 14 + 10 + 30 (conversation) = 179 minutes -> 2.98 h -> 2.75 h; the
    # words inside activities, repeated or in reference lists and uncounted minutes add nothing
    assert hours.total_minutes(rows) == 179
    assert hours.clock_hours(rows) == 2.75
    assert hours.clock_hours(rows, conversation=False) == 2.25
    path = tmp_path / "t.csv"
    clock_hours.write_table(rows, path)
    assert hours.read_table(path) == rows
    assert hours.is_provisional(rows)  # a reading of b is not measured yet


def test_stated_minutes_round_halves_up():
    assert [hours.about(m) for m in (2.4, 2.5, 12.5, 17.4, 17.5)] == [0, 5, 15, 15, 20]
    assert [hours.whole(m) for m in (27.5, 28.5, 28.4)] == [28, 29, 28]


def test_activity_minutes_and_words_are_read_from_markdown():
    text = ('<div class="activity">\n\n<strong>Activity (12 minutes): Read.</strong> '
            'See [the report](https://example.org/x).<!-- a note for authors -->\n\n</div>')
    assert clock_hours.activity_minutes(text) == [12]
    assert clock_hours.count_words(text) == 7  # Activity 12 minutes Read See the report


def test_welcome_lesson_shows_the_generated_table():
    welcome = read_nb(ROOT / "source" / "lesson-00-welcome" / "lesson-00-welcome.ipynb")
    assert any("hours.show_table()" in c.source for c in welcome.cells if c.cell_type == "code")
    table = hours.show_table()
    rows = hours.read_table()
    assert table.loc["total", "activity_minutes"] == sum(
        r.activity_minutes for r in rows) + hours.CONVERSATION_MINUTES
    assert table.loc["total", "minutes"] == hours.total_minutes(rows)


def test_provisional_until_every_lesson_exists_and_every_reading_is_measured():
    rows = clock_hours.compute(ROOT)
    missing = [a for a in hours.counted_assignments() if a not in assignments(ROOT)]
    unmeasured = sum(r.unmeasured_readings for r in rows)
    assert hours.is_provisional(rows) == bool(missing or unmeasured)
