"""The student bundle holds what learners need and nothing of the instructors'.

Built from the real release/ into a temporary folder: no source/, no solution region, no
hidden test, no answer-key line anywhere; the learner-only Jupyter configuration; pins equal
to the course lock. The leak scanner is shown to find leaks in source/ and in a planted
file. About 2 s.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from negotiation_course.instructor import bundle
from negotiation_course.paths import COURSE_ROOT, release_dir, source_dir

_LEAK_RE = re.compile(r"^\s*(### BEGIN SOLUTION|### END SOLUTION|### BEGIN HIDDEN TESTS|"
                      r"### END HIDDEN TESTS|#\s*answer-key\s*:)")


def leaks(root: Path) -> list[str]:
    """Lines under ``root`` that reveal answers: solution regions, hidden tests, key lines.

    Notebooks are read cell by cell (their JSON escapes newlines); other files line by line.
    """
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            texts = [(f"cell {i + 1}", c.source) for i, c in enumerate(nb.cells)]
        else:
            try:
                texts = [("", path.read_text(encoding="utf-8"))]
            except UnicodeDecodeError:
                continue
        for where, text in texts:
            found += [f"{path.relative_to(root)} {where}: {line.strip()}"
                      for line in text.splitlines() if _LEAK_RE.match(line)]
    return found


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bundle.build(tmp_path_factory.mktemp("bundle") / "student")


def test_bundle_holds_every_release_notebook_and_the_learner_files(student: Path) -> None:
    released = sorted(p.relative_to(release_dir()) for p in release_dir().glob("*/*.ipynb"))
    assert released, "release/ holds no notebook yet"
    worksheet = Path(bundle.TOOLS_DIR_NAME) / bundle.WORKSHEET_NOTEBOOK  # the coach's tool
    assert sorted(p.relative_to(student) for p in student.glob("*/*.ipynb")) == sorted(
        [*released, worksheet])
    for name in ("README.md", "requirements.txt", "environment.yml",
                 "negotiation_course/__init__.py", "negotiation_course/checks.py",
                 "jupyter-config/jupyter_server_config.json",
                 "jupyter-config/labconfig/page_config.json",
                 "negotiation_course/offer_worksheet.py",
                 "coach-tools/offer-preparation-worksheet.pdf",
                 "mock-negotiation/learner-brief.md", "mock-negotiation/rubric.md"):
        assert (student / name).is_file(), name
    assert (student / "data").is_dir()
    assert not list(student.rglob("__pycache__"))


def test_bundle_holds_no_source_solutions_hidden_tests_or_keys(student: Path) -> None:
    assert not (student / "source").exists()
    assert not [p for p in student.rglob("*") if p.name in {"source", "gradebook.db",
                                                            "nbgrader_config.py"}]
    assert leaks(student) == []


def _rationales() -> list[str]:
    from negotiation_course.grading.answer_key import keys_in

    whys = []
    for path in sorted(source_dir().glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            whys += [k.why for k in keys_in(cell.source) if k.why] if cell.cell_type == "code" \
                else []
    return whys


def test_bundle_holds_no_rationale(student: Path) -> None:
    """The keys' "why" is for feedback after grading: never in what learners receive."""
    whys = _rationales()
    assert len(whys) >= 40
    texts = []
    for path in (p for p in student.rglob("*") if p.is_file()):
        if path.suffix == ".ipynb":
            texts += [c.source for c in nbformat.read(path, as_version=4).cells]
        else:
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue
    shipped = "\n".join(" ".join(t.split()) for t in texts)
    assert [w for w in whys if w in shipped] == []
    assert whys[0] in whys[0] + shipped  # the scan reads plain text as the rationale is written


def test_the_leak_scanner_finds_leaks(student: Path, tmp_path: Path) -> None:
    """The scanner above is not blind: it finds the answers in source/ and a planted key."""
    assert any("BEGIN SOLUTION" in line for line in leaks(source_dir()))
    planted = tmp_path / "copy"
    (planted / "lesson").mkdir(parents=True)
    (planted / "lesson" / "notes.py").write_text(
        'x = 1\n    # answer-key: {"id": "x", "number": 1}\n', encoding="utf-8")
    assert leaks(planted) == ['lesson/notes.py : # answer-key: {"id": "x", "number": 1}']


def test_bundle_jupyter_config_is_learner_only(student: Path) -> None:
    server = json.loads((student / "jupyter-config/jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    for name in bundle.INSTRUCTOR_SERVER_EXTENSIONS:
        assert extensions[name] is False, name
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True
    assert extensions["nbgrader.server_extensions.assignment_list"] is True
    page = json.loads((student / "jupyter-config/labconfig/page_config.json").read_text())
    assert {k for k, v in page["disabledExtensions"].items() if v} == set(
        bundle.INSTRUCTOR_LAB_PLUGINS)


def test_learner_pins_agree_with_the_course_lock(student: Path) -> None:
    shipped = student / "requirements.txt"
    pins = bundle.learner_pins(shipped)
    assert pins == bundle.learner_pins(bundle.LEARNER_LOCK)  # every package of the learner lock
    full = set(bundle.learner_pins(COURSE_ROOT / "requirements.txt"))
    assert set(pins) <= full  # the same versions as the course's own environment
    assert not {"pytest", "ruff", "playwright"} & {p.split("==")[0].lower() for p in pins}
    entries = [line for line in shipped.read_text(encoding="utf-8").splitlines()
               if re.match(r"[A-Za-z0-9]", line)]
    assert len(entries) == len(pins)
    assert all(line.endswith(" \\") for line in entries), "every pin carries its hashes"
    assert "-r requirements.txt" in (student / "environment.yml").read_text()


def test_rebuild_drops_stale_files_and_refuses_foreign_folders(tmp_path: Path) -> None:
    dest = bundle.build(tmp_path / "student")
    (dest / "stale.txt").write_text("old", encoding="utf-8")
    bundle.build(dest)
    assert not (dest / "stale.txt").exists()
    foreign = tmp_path / "someone-else"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit):
        bundle.build(foreign)
    assert (foreign / "thesis.txt").read_text() == "mine"


def test_lab_workspace_keeps_the_learners_work(tmp_path: Path) -> None:
    from negotiation_course.instructor.lab import learner_workspace

    ws = learner_workspace(tmp_path / "lab")
    notebook = sorted(ws.glob("*/*.ipynb"))[0]
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[0].source += "\n\nMy own note."
    nbformat.write(nb, notebook)
    learner_workspace(tmp_path / "lab")
    assert "My own note." in notebook.read_text(encoding="utf-8")
    learner_workspace(tmp_path / "lab", fresh=True)
    assert "My own note." not in notebook.read_text(encoding="utf-8")


def test_cli_writes_the_bundle(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bundle.main([str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert "Student bundle written to" in out and "coach-tools, " not in out
    assert f"{len(bundle.assignments_in(release_dir()))} assignment(s)" in out
    assert (tmp_path / "out" / "README.md").is_file()
