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

from negotiation_course.course import load
from negotiation_course.instructor import clock_hours, lessons
from negotiation_course.paths import assignments

NAMES = lessons.names()
COURSE = load()
#: "**Estimated time:** about 160 minutes: about 49 minutes of reading and 111 minutes of
#: activities." (the split is optional)
STATED = re.compile(r"\*\*Estimated time:\*\* about (\d+) minutes"
                    r"(?:: about (\d+) minutes of reading and (\d+) minutes of activities)?")


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


@pytest.mark.parametrize("name", [n for n in NAMES
                                  if COURSE.role_of(n) not in ("evaluation", "reference")])
def test_stated_time_is_the_computed_time(name):
    """One rule for every counted assignment: the total rounded to 5 minutes; parts exact."""
    row = clock_hours.notebook_row(lessons.master_path(name))
    stated = STATED.search(_opening(name))
    assert stated, f"{name}: the opening needs '**Estimated time:** about N minutes'"
    total = row.reading_minutes + row.activity_minutes
    assert int(stated.group(1)) == 5 * round(total / 5), (name, total)
    if stated.group(2):
        assert int(stated.group(2)) == round(row.reading_minutes)
        assert int(stated.group(3)) == row.activity_minutes


@pytest.mark.parametrize("name", COURSE.names("lesson"))
def test_each_lesson_states_its_own_objectives(name):
    stated = set(re.findall(r"\((O\d+)\)", _opening(name)))
    assert stated == set(COURSE.objectives_of(name)), name


def test_the_welcome_lists_every_content_objective_in_the_course_models_words():
    opening = lessons.lesson_path("lesson-00-welcome").read_text(encoding="utf-8")
    listed = re.findall(r"^\d+\. (.+) \((O\d+)\)$", opening, re.M)
    assert [k for _, k in listed] == COURSE.content_objectives()
    assert all(text == COURSE.objectives[k].text for text, k in listed)
