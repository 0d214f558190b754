"""Reading release and source notebooks for the learner's-path test (no browser here).

Answers come from the instructor's ``source/<a>/<a>.ipynb``: a learner who gets everything
right writes the source cell without its ``### BEGIN/END SOLUTION`` marker lines. Cells are
matched by nbgrader ``grade_id`` and found in the page by index, never by text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from learner_ui import _NOT_ANSWERED_RE, PLOT_RE, REFLECTION, STUB_ERRORS

from negotiation_course.instructor.bundle import assignments_in
from negotiation_course.paths import release_dir, source_dir
from tests.support import notebook_builders as A

_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
FIXTURE = "browser-fixture"


@dataclass(frozen=True)
class Answer:
    index: int
    grade_id: str
    markdown: bool
    text: str


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solved(source: str) -> str:
    """A source answer cell as a right answer: the solution without its marker lines."""
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in _MARKERS).strip("\n")


def answers(release: nbformat.NotebookNode, source: nbformat.NotebookNode) -> list[Answer]:
    """What to type into each answer cell of ``release`` (cells with nbgrader solution)."""
    by_id = {_nbgrader(c).get("grade_id"): c for c in source.cells}
    out = []
    for index, cell in enumerate(release.cells):
        meta = _nbgrader(cell)
        if not meta.get("solution"):
            continue
        grade_id = meta["grade_id"]
        markdown = cell.cell_type == "markdown"
        if markdown:
            text = REFLECTION
        else:
            assert grade_id in by_id, f"release cell {index} ({grade_id}) is not in source/"
            text = solved(by_id[grade_id].source)
        out.append(Answer(index, grade_id, markdown, text))
    return out


def first_code_cell(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first code cell; None for a notebook of prose only (the reference list)."""
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)


def figure_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and PLOT_RE.search(c.source)]


def errors(nb: nbformat.NotebookNode) -> dict[int, dict]:
    """Error outputs by cell index."""
    return {i: o for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"}


def is_stub_error(nb: nbformat.NotebookNode, index: int, error: dict) -> bool:
    """An error that only says an exercise is not answered yet.

    It is raised by an answer cell's stub, or by the check cell right after an answer cell
    still holding ``...``, with a "not answered" message.
    """
    text = " ".join([error.get("evalue", ""), *error.get("traceback", [])])
    if error.get("ename") not in STUB_ERRORS or not _NOT_ANSWERED_RE.search(text):
        return False
    if _nbgrader(nb.cells[index]).get("solution"):
        return True
    before = [c for c in nb.cells[:index] if c.cell_type == "code"]
    return bool(before) and bool(_nbgrader(before[-1]).get("solution"))


def first_run_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What is wrong with a release notebook after one Run All, as plain sentences."""
    problems = []
    errs = errors(nb)
    stop = min(errs) if errs else len(nb.cells)
    for i, err in errs.items():
        # Cells below the first error were queued when it happened: the kernel aborts them, but
        # under load one queued after the abort can still run and fail for want of an earlier
        # aborted cell (a NameError). Only the first error says something about the notebook.
        if i == stop and not is_stub_error(nb, i, err):
            problems.append(f"cell {i}: unexpected error {err.get('ename')}: "
                            f"{err.get('evalue', '')[:200]}")
    for i, cell in enumerate(nb.cells[:stop]):
        if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None:
            problems.append(f"cell {i}: did not run (it is above the first unanswered exercise)")
    for i in figure_cells(nb):
        if i < stop and not has_image(nb.cells[i]):
            problems.append(f"cell {i}: draws a figure but has no image output")
    return problems


def has_image(cell: nbformat.NotebookNode) -> bool:
    return any("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})
               for o in cell.get("outputs", []))


def fixture_notebooks() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """(source, release) of a tiny lesson: a figure, an Ellipsis stub, a raise stub, prose."""
    head = [
        A.md("# Browser fixture\n\nA tiny lesson for the browser test.\nIt has one of each."),
        A.readonly("setup", "import matplotlib.pyplot as plt\n"
                            "from negotiation_course import checks"),
        A.code('plt.plot([1, 2, 3], [2, 4, 3], marker="o")\nplt.title("A rising line")\n'
               "plt.show()"),
        A.md("*Figure 1.* The line rises from 2 to 4, then falls to 3."),
    ]
    tests_a = A.tests("fixture-total-tests",
                      'checks.number(total, name="total", low=0, high=10)\n'
                      "### BEGIN HIDDEN TESTS\n"
                      '# answer-key: {"id": "total", "number": 5, "tol": 0}\n'
                      "### END HIDDEN TESTS", 1, "O0")
    tests_b = A.tests("fixture-word-tests",
                      'checks.choice(word, name="word", options=["yes", "no"])\n'
                      "### BEGIN HIDDEN TESTS\n"
                      '# answer-key: {"id": "word", "text": ["yes"]}\n'
                      "### END HIDDEN TESTS", 1, "O0")
    source = A.notebook(head + [
        A.answer("fixture-total", "### BEGIN SOLUTION\ntotal = 2 + 3\n### END SOLUTION", "O0"),
        tests_a,
        A.answer("fixture-word", '### BEGIN SOLUTION\nword = "yes"\n### END SOLUTION', "O0"),
        tests_b,
        A.reflection("fixture-reflection", 1, "O0", model_answer="I will ask."),
        A.md("## After the worksheet\n\nThe end."),
    ])
    release = nbformat.from_dict(nbformat.reads(nbformat.writes(source), as_version=4))
    release.cells[4].source = "total = ...  # replace ... with your answer"
    release.cells[6].source = ("# YOUR ANSWER HERE: delete these two lines and write your answer\n"
                               'raise NotImplementedError("Not answered yet")')
    release.cells[8].source = "YOUR ANSWER HERE"
    for i in (5, 7):
        release.cells[i].source = release.cells[i].source.split("\n### BEGIN HIDDEN")[0]
    return source, release


def release_notebooks() -> list[tuple[str, str]]:
    """(assignment, notebook file name) for every notebook in release/, plus the fixture."""
    found = [(folder.name, nb.name) for folder in assignments_in(release_dir())
             for nb in sorted(folder.glob("*.ipynb"))]
    return [(FIXTURE, f"{FIXTURE}.ipynb"), *found]


def source_of(assignment: str, name: str, fixture_source: Path) -> Path:
    return fixture_source if assignment == FIXTURE else source_dir() / assignment / name


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)
