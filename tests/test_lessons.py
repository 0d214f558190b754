"""Each lesson has one source, its Markdown: source/ is what the text generates.

Also the text that used to be computed at build time is checked here instead: every
lesson's stated time against the clock-hour computation (one rule for all), and the
objective lists against the course model.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from negotiation_course import hours
from negotiation_course.course import load
from negotiation_course.instructor import clock_hours, lessons
from negotiation_course.paths import assignments

NAMES = lessons.names()
COURSE = load()
#: "**Estimated time:** about 80 minutes: about 28 minutes of reading and 51 minutes of
#: activities, plus 5 assigned readings not counted yet" (the split is optional; the readings
#: part is there exactly when a reading's word count is not recorded yet)
STATED = re.compile(r"\*\*Estimated time:\*\* about (\d+) minutes?"
                    r"(?:: about (\d+) minutes? of reading and (\d+) minutes? of activities)?"
                    r"(?:,\s+plus (\d+)\s+assigned\s+readings?\s+not\s+counted\s+yet)?")
ROWS = {r.assignment: r for r in clock_hours.compute()}


def test_every_assignment_has_one_markdown_source():
    assert NAMES == sorted(assignments()) == sorted(COURSE.names())


@pytest.mark.parametrize("name", NAMES)
def test_source_is_what_the_markdown_generates(name):
    assert lessons.is_current(name), (
        f"source/{name} differs from lessons/{name}.md: run `make release` (or "
        "`make lessons-from-source` if you edited source/ in JupyterLab)")


@pytest.mark.parametrize("name", NAMES)
def test_markdown_round_trips_exactly(name):
    text = lessons.lesson_path(name).read_text(encoding="utf-8")
    assert lessons.markdown_of(lessons.notebook_of(text)) == text


def _copy_course(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "course"
    (root / "lessons").mkdir(parents=True)
    shutil.copy2(lessons.lesson_path(name), lessons.lesson_path(name, root))
    lessons.build(name, root)
    return root


def test_build_refuses_to_overwrite_a_master_edited_in_jupyterlab(tmp_path):
    name = "lesson-00-welcome"
    root = _copy_course(tmp_path, name)
    master, md = lessons.master_path(name, root), lessons.lesson_path(name, root)
    nb = nbformat.read(master, as_version=4)
    nb.cells[0].source += "\n\nAn edit made in JupyterLab."
    nbformat.write(nb, master)
    os.utime(md, (1, 1))  # the Markdown is older than the edit
    with pytest.raises(lessons.LessonEditedInSource, match="lessons-from-source"):
        lessons.build(name, root)
    assert "An edit made in JupyterLab." in master.read_text(encoding="utf-8")  # kept
    assert lessons.from_source(name, root)
    assert "An edit made in JupyterLab." in md.read_text(encoding="utf-8")
    assert lessons.is_current(name, root) and not lessons.build(name, root)


def test_markdown_edits_win_when_they_are_newer(tmp_path):
    name = "lesson-00-welcome"
    root = _copy_course(tmp_path, name)
    md = lessons.lesson_path(name, root)
    md.write_text(md.read_text(encoding="utf-8").replace(
        "# Welcome: how this course works", "# Welcome: how this course runs"),
        encoding="utf-8")
    assert lessons.build(name, root)
    nb = nbformat.read(lessons.master_path(name, root), as_version=4)
    assert nb.cells[0].source.startswith("# Welcome: how this course runs")
    assert all(c.get("outputs", []) == [] for c in nb.cells)


def test_a_lesson_opens_and_saves_as_a_notebook_in_jupyterlab(tmp_path):
    """jupytext's contents manager (JupyterLab's) edits the Markdown itself, metadata too.

    This is the author's JupyterLab path: open ``lessons/<a>.md`` as a notebook, change text
    and nbgrader settings (as the Create Assignment panel does), save.
    """
    from jupytext.sync_contentsmanager import TextFileContentsManager

    name = "lesson-00-welcome"
    root = _copy_course(tmp_path, name)
    manager = TextFileContentsManager(root_dir=str(root))
    path = f"lessons/{name}.md"
    model = manager.get(path, type="notebook")
    cells = model["content"].cells
    cells[0].source += "\n\nSaved in JupyterLab."
    graded = next(c for c in cells if c.metadata.get("nbgrader", {}).get("points"))
    graded.metadata["nbgrader"]["points"] = 7
    manager.save(model, path)
    master = lessons.notebook_of(lessons.lesson_path(name, root).read_text(encoding="utf-8"))
    assert master.cells[0].source.endswith("Saved in JupyterLab.")
    points = [c.metadata["nbgrader"]["points"] for c in master.cells
              if c.metadata.get("nbgrader", {}).get("grade_id") == graded.metadata[
                  "nbgrader"]["grade_id"]]
    assert points == [7]
    assert lessons.build(name, root)  # the next `make release` carries the edit to source/


def _opening(name: str) -> str:
    text = lessons.lesson_path(name).read_text(encoding="utf-8")
    return text.split("```{code-cell}", 1)[0]


def _expected_line(row) -> str:
    reading = hours.whole(row.reading_minutes + row.external_minutes)
    line = (f"**Estimated time:** about {hours.minutes_text(hours.about(row.minutes))}: about "
            f"{hours.minutes_text(reading)} of reading and "
            f"{hours.minutes_text(row.activity_minutes)} of activities")
    if row.unmeasured_readings:
        n = row.unmeasured_readings
        line += f", plus {n} assigned reading{'s' if n > 1 else ''} not counted yet"
    return line


@pytest.mark.parametrize("name", hours.counted_assignments())
def test_stated_time_is_the_computed_time(name):
    """One rule for every counted assignment: the total to 5 minutes; parts exact."""
    row = ROWS[name]
    stated = STATED.search(_opening(name))
    hint = f"{name}: the opening should say (the split is optional): {_expected_line(row)}"
    assert stated, hint
    assert int(stated.group(1)) == hours.about(row.minutes), hint
    if stated.group(2):
        assert int(stated.group(2)) == hours.whole(row.reading_minutes + row.external_minutes), hint
        assert int(stated.group(3)) == row.activity_minutes, hint
    unmeasured = int(stated.group(4)) if stated.group(4) else 0
    assert unmeasured == row.unmeasured_readings, hint


def test_uncounted_assignments_say_so():
    for name in COURSE.names():
        if name not in ROWS and COURSE.role_of(name) == "evaluation":
            assert "not counted in your clock hours" in _opening(name), name


@pytest.mark.parametrize("name", COURSE.names("lesson"))
def test_each_lesson_states_its_own_objectives(name):
    stated = set(re.findall(r"\((O\d+)\)", _opening(name)))
    assert stated == set(COURSE.objectives_of(name)), name


def test_the_welcome_lists_every_content_objective_in_the_course_models_words():
    opening = lessons.lesson_path("lesson-00-welcome").read_text(encoding="utf-8")
    listed = re.findall(r"^\d+\. (.+) \((O\d+)\)$", opening, re.M)
    assert [k for _, k in listed] == COURSE.content_objectives()
    assert all(text == COURSE.objectives[k].text for text, k in listed)


WELCOME_PART = re.compile(r"^- \*\*(?P<label>[^*]+)\*\*[^:\n]*: (?:about )?"
                          r"(?P<minutes>\d+) minutes(?:,\s+plus (?P<readings>\d+)\s+"
                          r"assigned\s+readings?\s+not\s+counted\s+yet)?", re.M)


def _welcome_parts() -> dict[str, tuple[int, int]]:
    text = lessons.lesson_path("lesson-00-welcome").read_text(encoding="utf-8")
    return {m["label"]: (int(m["minutes"]), int(m["readings"] or 0))
            for m in WELCOME_PART.finditer(text)}


def test_the_welcome_states_each_parts_time_in_prose():
    """Each counted part's line: its time as the lesson states it, its uncounted readings."""
    parts = _welcome_parts()
    for name in hours.counted_assignments():
        title = COURSE.title_of(name)
        labels = [k for k in parts if title == k or title.startswith(k + ":")]
        assert len(labels) == 1, f"the welcome needs one line '- **{title}**: about N minutes'"
        row = ROWS[name]
        assert parts[labels[0]] == (hours.about(row.minutes), row.unmeasured_readings), (
            name, parts[labels[0]], hours.about(row.minutes), row.unmeasured_readings)
    assert parts["Conversation with your instructor"] == (hours.CONVERSATION_MINUTES, 0)


def test_the_welcome_states_the_total_and_the_rule_in_prose():
    text = " ".join(lessons.lesson_path("lesson-00-welcome").read_text(encoding="utf-8").split())
    total = re.findall(r"counts for \*\*([\d.]+) clock hours\*\*", text)
    assert [float(t) for t in total] == [hours.clock_hours(list(ROWS.values()))]
    assert f"{hours.WORDS_PER_HOUR:,} words per hour" in text
    assert hours.CONVERSATION_MINUTES == 30 and "half-hour conversation" in text
    unmeasured = sum(r.unmeasured_readings for r in ROWS.values())
    assert ('"not counted yet"' in text) == bool(unmeasured)


def test_the_welcome_prose_rule_can_fail(tmp_path):
    """The prose check reads the numbers: a stale minute count or total is caught."""
    text = lessons.lesson_path("lesson-00-welcome").read_text(encoding="utf-8")
    stale = re.sub(r"(\*\*Final assessment\*\*: about )(\d+)",
                   lambda m: m.group(1) + str(int(m.group(2)) + 5), text)
    assert stale != text
    parts = {m["label"]: int(m["minutes"]) for m in WELCOME_PART.finditer(stale)}
    assert parts["Final assessment"] != hours.about(ROWS["assessment"].minutes)


def test_lesson_text_never_names_the_approving_body():
    """NBCC is named only by the configured provider facts (negotiation_course.welcome)."""
    for name in NAMES:
        text = lessons.lesson_path(name).read_text(encoding="utf-8")
        assert "NBCC" not in text and "National Board for Certified" not in text, name


#: A count of minutes whose noun disagrees with it: "1 minutes" or "5 minute" (not "5-minute").
WRONG_NUMBER = re.compile(r"(?<![\d.,-])(?:1 minutes|(?!1 )\d+ minute(?![s-]))\b")


def _learner_texts() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parents[1]
    texts = [(str(p), p.read_text(encoding="utf-8"))
             for p in sorted((root / "lessons").glob("*.md"))]
    for name in NAMES:
        path = root / "release" / name / f"{name}.ipynb"
        if path.exists():
            nb = nbformat.read(path, as_version=4)
            texts.append((str(path), "\n".join(c.source for c in nb.cells)))
    return texts


def test_minutes_agree_in_number_everywhere_learners_read():
    """'Activity (1 minute)', never 'Activity (1 minutes)'; the time helper writes it right."""
    assert hours.minutes_text(1) == "1 minute" and hours.minutes_text(15) == "15 minutes"
    assert WRONG_NUMBER.search("Activity (1 minutes): Notice.")
    assert WRONG_NUMBER.search("about 5 minute of reading")
    assert not WRONG_NUMBER.search("Activity (1 minute): Notice. A 5-minute call, 11 minutes.")
    assert clock_hours.ACTIVITY_RE.search("Activity (1 minute): Notice.")
    bad = [(path, m.group(0)) for path, text in _learner_texts()
           for m in WRONG_NUMBER.finditer(text)]
    assert not bad, bad


def _release_answer_cells() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parents[1]
    cells = []
    for name in NAMES:
        path = root / "release" / name / f"{name}.ipynb"
        if path.exists():
            nb = nbformat.read(path, as_version=4)
            cells += [(f"{name}:{c.metadata['nbgrader']['grade_id']}", c.source) for c in nb.cells
                      if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    return cells


def test_release_answer_cells_print_nothing_and_show_one_blank_per_answer():
    """Run All shows no `Ellipsis`: the cell ends in a statement, and each `...` is a scaffold."""
    import ast

    cells = _release_answer_cells()
    assert len(cells) >= 20
    for where, source in cells:
        body = ast.parse(source).body
        assert body and not isinstance(body[-1], ast.Expr), f"{where} prints its last value"
        assert "YOUR ANSWER HERE" not in source, where
        for line in source.splitlines():
            if "..." in line:
                assert re.fullmatch(r"\s*\w+ = \.\.\.(\s+#.*)?", line), (where, line)

def _pass_mark_problem(text: str, mark: float) -> str | None:
    """None when the text states ``mark`` (and only it) as the pass mark, else what to write."""
    stated = re.findall(r"reaches \*\*(\d+)% of the points\*\*", text)
    if stated == [f"{mark:.0%}".rstrip("%")]:
        return None
    return f"write once: You pass when your score reaches **{mark:.0%} of the points**"


def test_the_assessment_states_the_pass_mark_the_certificates_use():
    """Stated in prose (the sandbox has no course.toml to read at grading time)."""
    text = lessons.lesson_path("assessment").read_text(encoding="utf-8")
    assert _pass_mark_problem(text, load().pass_mark) is None, (
        _pass_mark_problem(text, load().pass_mark))
    assert _pass_mark_problem(text, 0.8) is not None  # the check can fail


@pytest.mark.parametrize("name", NAMES)
def test_no_lesson_code_reads_the_course_file(name):
    """Learner code runs in the grading sandbox, where course.toml is not: no cell reads it."""
    nb = nbformat.read(lessons.master_path(name), as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"\bcourse\.load\(|course\.toml", code), name


def test_the_welcome_practice_check_holds_the_key_and_rejects_slips():
    """Item 0a's friendly range passes 52000 x 1.06 and gives the hint for the plausible slips."""
    from negotiation_course.grading.answer_key import keys_in

    from .conftest import read_nb, source_path
    from .support.check_ranges import ranges

    nb = read_nb(source_path("lesson-00-welcome"))
    low, high = ranges(nb)["new_salary"]
    (key,) = [k for c in nb.cells for k in keys_in(c.source) if k.id == "new_salary"]
    assert low <= key.expected <= high
    # 6 or 0.06 added instead of a raise of 6%, no raise, the raise alone, the worked
    # example's 10% raise, 60% or 600% instead of 6%
    for slip in (52000 + 6, 52000 + 0.06, 52000, 52000 * 0.06, 52000 * 1.10, 52000 * 1.6,
                 52000 * 6):
        assert not low <= slip <= high, f"the slip {slip} gets a green tick"
