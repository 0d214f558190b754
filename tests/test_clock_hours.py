"""Clock hours a reviewer accepts: every learner task counts once (issue 12 §3).

Small fixture courses pin each rule (and show that a broken rule is caught); the real
course is then checked against the same rules: every Read activity names a registered
reading, every counted activity has something submitted, every activity's minutes cover
its own text, and the registry of readings is used exactly.
Cost: about a second (no kernels).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from negotiation_course import hours
from negotiation_course.course import load
from negotiation_course.instructor import clock_hours, readings
from negotiation_course.paths import COURSE_ROOT

from .support import notebook_builders as nbb
from .support.notebook_builders import activity, answer, md, notebook, reflection, write

NOT_COUNTED = "Nothing is submitted for this activity, so its minutes are not counted in your " \
              "clock hours."
NOTICE = "Hidden tests check the exact answers after you submit."
READINGS_HEADER = ["id", "lesson", "match", "citation", "part", "words", "counted_from",
                   "counted_on", "method", "note"]


def _course(root: Path, notebooks: dict[str, tuple[str, list]], registry: list[dict]) -> Path:
    """A course directory: course.toml with these assignments, source/, lessons/readings.csv."""
    toml = ['[course]\ntitle = "Test course"\n\n[assessment]\npass_mark = 0.75\n']
    for name, (role, cells) in notebooks.items():
        toml.append(f'[[assignments]]\nname = "{name}"\nrole = "{role}"\n')
        write(notebook(cells), root / "source" / name / f"{name}.ipynb")
    toml.append('[objectives.O1]\nlesson = "a"\ntext = "An objective."\n')
    (root / "course.toml").write_text("\n".join(toml), encoding="utf-8")
    (root / "lessons").mkdir(parents=True, exist_ok=True)
    with (root / "lessons" / readings.FILE_NAME).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, READINGS_HEADER)
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in READINGS_HEADER} for r in registry)
    return root


def _item(n: int, prompt: str) -> list:
    return [md(f"### Item {n}\n\n{prompt}"),
            answer(f"a{n}", f"x{n} = ...  # replace ...\n### BEGIN SOLUTION\nx{n} = 1\n"
                            "### END SOLUTION", "O1"),
            nbb.tests(f"t{n}", f'checks.record("x{n}", x{n})\n# answer-key: {{"id": "x{n}", '
                           f'"number": 1, "tol": 0}}', 1, "O1")]


LESSON = [
    md("# A lesson\n\nOne two three four five."),                         # 2 + 5 reading
    activity(3, "Answer", "Answer item 1 below."),                        # counted: 3 min
    *_item(1, "Which of these is a prompt?"),                             # inside its minutes
    md(NOTICE),                                                           # 9 reading words
    activity(10, "Journal", f"Write in your own notes. {NOT_COUNTED}"),   # not submitted
    activity(15, "Read", "Read *The Example Article* (2020)."),            # 1,200 words: 12 min
    activity(5, "Read", "Read *The Unmeasured Piece*."),                  # not measured yet
    md("## References\n\n- Someone, A. (2020). *The example article*. A Publisher."),
    md("## After the references\n\nBack to reading now."),                # 3 + 4 reading
]
ASSESSMENT = [
    md(f"# The assessment\n\n{NOTICE}"),                                  # 2 read, 9 repeated
    activity(15, "Answer", "Answer the questions below."),
    md("## Part 1"), *_item(2, "A question with several words in it?"),
    md("## Part 2"), *_item(3, "Another question for the learner?"),
]
REGISTRY = [
    {"id": "example-2020", "lesson": "a", "match": "The Example Article", "words": "1200",
     "citation": "Someone (2020)", "part": "the whole article"},
    {"id": "unmeasured-2021", "lesson": "a", "match": "Unmeasured Piece", "words": "",
     "citation": "Other (2021)", "part": "the whole piece"},
]


@pytest.fixture
def fixture_course(tmp_path) -> Path:
    return _course(tmp_path / "course", {"a": ("lesson", LESSON), "b": ("assessment", ASSESSMENT),
                                         "c": ("evaluation", [md("# Form\n\nMany words.")])},
                   REGISTRY)


def test_each_task_counts_once(fixture_course):
    a, b = clock_hours.compute(fixture_course)
    assert (a.assignment, b.assignment) == ("a", "b")  # the evaluation form is not counted
    assert a.reading_words == 2 + 5 + 9 + 3 + 4  # no prompt, no box, no references
    assert a.reference_words == 1 + 8  # the heading and the entry
    assert (a.activity_minutes, a.activities) == (3, 1)  # only the submitted activity
    assert (a.external_words, a.external_minutes) == (1200, 12.0)
    assert a.unmeasured_readings == 1
    assert a.uncounted_minutes == 10 + 5  # not submitted; reading not measured
    assert a.minutes == round(23 / 100 + 3 + 12, 1)
    # the assessment: its question text is its activity; the notice was read in "a" already
    assert (b.reading_words, b.repeated_words) == (2, 9)
    assert b.activity_words > 0 and (b.activity_minutes, b.activities) == (15, 1)


def test_every_activity_is_reported_with_what_became_of_it(fixture_course):
    found = [(x.verb, x.declared, x.counted, x.status, x.reading, x.answers)
             for a in clock_hours.analyse(fixture_course) for x in a.activities]
    assert found == [
        ("Answer", 3, 3.0, "counted", "", 1),
        ("Journal", 10, 0.0, "not submitted", "", 0),
        ("Read", 15, 12.0, "reading", "example-2020", 0),
        ("Read", 5, 0.0, "reading not measured", "unmeasured-2021", 0),
        ("Answer", 15, 15.0, "counted", "", 2),
    ]


def test_a_slightly_different_sentence_is_not_a_repeat(tmp_path):
    """Only the same words count once: a reworded notice is read, and counted, again."""
    course = _course(tmp_path / "c", {
        "a": ("lesson", [md(NOTICE)]),
        "b": ("lesson", [md(NOTICE.replace("exact", "final"))]),
    }, [])
    a, b = clock_hours.compute(course)
    assert a.reading_words == b.reading_words == 9 and b.repeated_words == 0


def test_a_notice_inside_a_longer_sentence_counts_once(tmp_path):
    course = _course(tmp_path / "c", {
        "a": ("lesson", [md(f"Read the text. {NOTICE}")]),
        "b": ("lesson", [md(NOTICE.rstrip(".") + "; your instructor reads the reflections.")]),
    }, [])
    _, b = clock_hours.compute(course)
    assert (b.reading_words, b.repeated_words) == (5, 9)


def test_an_unsubmitted_activity_is_not_counted_even_without_its_notice(tmp_path):
    """Counting follows what is submitted; the notice to learners is checked separately."""
    course = _course(tmp_path / "c", {"a": ("lesson", [
        activity(10, "Brainstorm", "List five ideas in your own notes.")])}, [])
    (act,) = clock_hours.analyse(course)[0].activities
    assert (act.status, act.counted, act.says_not_counted) == ("not submitted", 0.0, False)


def test_a_read_activity_naming_no_reading_is_not_counted(tmp_path):
    course = _course(tmp_path / "c", {"a": ("lesson", [
        activity(20, "Read", "Read a report nobody registered.")])}, REGISTRY)
    (row,) = clock_hours.compute(course)
    (act,) = clock_hours.analyse(course)[0].activities
    assert act.status == "unregistered" and row.minutes == 0 and row.uncounted_minutes == 20


def test_a_reflection_is_what_a_journal_submits(tmp_path):
    course = _course(tmp_path / "c", {"a": ("lesson", [
        activity(10, "Journal", "Write about a client."), reflection("r1", 3, "O1")])}, [])
    (act,) = clock_hours.analyse(course)[0].activities
    assert (act.status, act.answers) == ("counted", 1)


def test_measuring_a_reading_records_its_words_and_source(fixture_course, tmp_path):
    copy = tmp_path / "piece.html"
    copy.write_text("<html><head><style>p {color: red}</style><script>var x = 1;</script>"
                    "</head><body><h1>The Unmeasured Piece</h1><p>Seven words are in this "
                    "paragraph.</p></body></html>", encoding="utf-8")
    r = readings.measure("unmeasured-2021", copy, "https://example.org/piece",
                         fixture_course)
    assert r.words == 3 + 6 and r.counted_from == "https://example.org/piece"
    assert r.counted_on and "sha256" in r.method
    a = clock_hours.compute(fixture_course)[0]
    assert a.unmeasured_readings == 0 and a.external_words == 1200 + 9
    with pytest.raises(SystemExit, match="no reading with id"):
        readings.measure("nobody", copy, "", fixture_course)


def test_a_malformed_word_count_is_refused(tmp_path):
    course = _course(tmp_path / "c", {"a": ("lesson", [md("Text.")])},
                     [{**REGISTRY[0], "words": "about 1200"}])
    with pytest.raises(ValueError, match="whole number or blank"):
        readings.load(course)


# --- the real course ----------------------------------------------------------------------

ANALYSED = clock_hours.analyse(COURSE_ROOT)
ACTIVITIES = [x for a in ANALYSED for x in a.activities]


def _where(x) -> str:
    return f"{x.assignment} cell {x.cell} ({x.opening!r})"


def test_every_activity_block_has_minutes_and_every_read_names_a_reading():
    bad = [_where(x) + f": {x.status}" for x in ACTIVITIES
           if x.status in ("no minutes", "unregistered")]
    assert not bad, ("a Read activity needs a row in lessons/readings.csv whose 'match' "
                     f"occurs in its text; every block needs its minutes: {bad}")


def test_activities_not_counted_tell_learners_so_and_counted_ones_are_submitted():
    for x in ACTIVITIES:
        if x.verb == clock_hours.READ_VERB:
            continue
        if x.status == "not submitted":
            assert x.says_not_counted and x.answers == 0, (
                f"{_where(x)}: nothing is submitted for it, so its text must say its minutes "
                "are 'not counted in your clock hours'")
        else:
            assert x.answers and not x.says_not_counted, _where(x)


def test_every_counted_activity_has_minutes_for_its_own_text():
    """Its text is inside its minutes, so the minutes must at least cover reading it."""
    short = [f"{_where(x)}: {x.declared} min for {x.words} words"
             for x in ACTIVITIES if x.status == "counted"
             and x.declared < hours.reading_minutes(x.words)]
    assert not short


def test_the_registry_of_readings_is_used_exactly():
    used = [x.reading for x in ACTIVITIES if x.reading]
    registered = [r.id for r in readings.load()]
    assert sorted(used) == sorted(registered) and len(set(used)) == len(used)
    lessons_of = {r.id: r.lesson for r in readings.load()}
    assert all(lessons_of[x.reading] == x.assignment for x in ACTIVITIES if x.reading)


def test_a_measured_reading_states_its_counted_minutes():
    """Once its length is recorded, the box tells learners the minutes that count."""
    for x in ACTIVITIES:
        if x.status == "reading":
            assert x.declared == max(1, hours.whole(x.counted)), _where(x)


def test_unmeasured_readings_say_why():
    for r in readings.load():
        if not r.measured:
            assert r.note.startswith("Not measured"), r.id
        else:
            assert r.counted_from and r.counted_on and r.method, r.id


def test_readings_are_publications_of_the_data_package():
    publications = COURSE_ROOT / "data" / "publications.csv"
    if not publications.exists():  # until data/publications.csv lands: the registry's own
        assert all(r.citation for r in readings.load())
        return
    with publications.open(encoding="utf-8") as fh:
        ids = {row["id"] for row in csv.DictReader(fh)}
    assert {r.id for r in readings.load()} <= ids


def test_only_lessons_and_the_assessment_count():
    model = load()
    assert [a.name for a in ANALYSED] == [n for n in model.names()
                                          if model.role_of(n) in ("lesson", "assessment")]


def test_a_generated_reference_block_is_not_reading(tmp_path):
    """instructor/references.py writes lists between markers: not counted, wherever they sit."""
    block = ("<!-- references: begin (generated; edit only the ids)\nReadings: x-2020\n-->\n"
             "**Readings**\n\n- Someone, A. (2020). *A title*. A Publisher.\n"
             "<!-- references: end -->")
    course = _course(tmp_path / "c", {"a": ("lesson", [md(f"Read this first.\n\n{block}")])},
                     [])
    (row,) = clock_hours.compute(course)
    assert row.reading_words == 3 and row.reference_words == 1 + 7  # the comment is not read
