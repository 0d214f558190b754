"""Hostile submissions, generated from any assignment, for testing the graders.

Each case starts from the untouched release notebook (which scores zero) and adds one
attack, so a case that scores above zero has beaten the grader. Cases return the bytes of
the submitted file, because one of them is not valid JSON.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable

import nbformat
from nbformat import NotebookNode

SOLUTION_RE = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
ASSIGN_RE = re.compile(r"^([A-Za-z_]\w*)\s*=", re.M)
DEF_RE = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.M)


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_cells(nb: NotebookNode) -> list[NotebookNode]:
    """Autograded answer cells (code, solution, not graded)."""
    return [c for c in nb.cells if c.cell_type == "code" and _meta(c).get("solution")
            and not _meta(c).get("grade")]


def test_cells(nb: NotebookNode) -> list[NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and _meta(c).get("grade")
            and not _meta(c).get("solution")]


def answer_names(source_nb: NotebookNode) -> tuple[list[str], list[str]]:
    """Variables and functions the learner is asked to define (from the source solutions)."""
    variables, functions = [], []
    for cell in answer_cells(source_nb):
        for region in SOLUTION_RE.findall(cell.source):
            variables += ASSIGN_RE.findall(region)
            functions += DEF_RE.findall(region)
    return sorted(set(variables) - set(functions)), sorted(set(functions))


def _dump(nb: NotebookNode) -> bytes:
    return nbformat.writes(nb).encode()


def _with_code_in_answers(release: NotebookNode, code: str, first_only: bool = True) -> bytes:
    nb = copy.deepcopy(release)
    cells = answer_cells(nb)
    for cell in cells[:1] if first_only else cells:
        cell.source = code
    if not cells:  # nothing to answer: put the attack in a new cell at the end
        nb.cells.append(nbformat.v4.new_code_cell(code))
    return _dump(nb)


def _gaming_assignments(source: NotebookNode, value: str) -> str:
    variables, functions = answer_names(source)
    lines = [f"{v} = {value}" for v in variables]
    lines += [f"def {f}(*args, **kwargs):\n    return {value}" for f in functions]
    return "\n".join(lines)


ALWAYS_EQUAL = '''
class _Anything(float):
    """Claims to equal, contain and be anything."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return False
    def __gt__(self, other): return False
    def __le__(self, other): return True
    def __ge__(self, other): return True
    def __abs__(self): return 0.0
    def __sub__(self, other): return 0.0
    __rsub__ = __sub__
    def __hash__(self): return 0
    def __contains__(self, item): return True
    def lower(self): return self
    def strip(self): return self
    def casefold(self): return self
'''


def tests_edited_to_pass(source: NotebookNode, release: NotebookNode) -> bytes:
    nb = copy.deepcopy(release)
    for cell in test_cells(nb):
        cell.source = "pass"
    return _dump(nb)


def test_cell_deleted(source: NotebookNode, release: NotebookNode) -> bytes:
    nb = copy.deepcopy(release)
    nb.cells = [c for c in nb.cells if c not in test_cells(nb)]
    return _dump(nb)


def graded_cell_duplicated(source: NotebookNode, release: NotebookNode) -> bytes:
    nb = copy.deepcopy(release)
    graded = test_cells(nb) or answer_cells(nb)
    if graded:
        i = nb.cells.index(graded[0])
        dup = copy.deepcopy(graded[0])
        dup["id"] = dup.get("id", "cell") + "-copy"
        nb.cells.insert(i + 1, dup)
    return _dump(nb)


def infinite_loop(source: NotebookNode, release: NotebookNode) -> bytes:
    return _with_code_in_answers(release, "def spin():\n    while True:\n        pass\n\nspin()")


def os_exit(source: NotebookNode, release: NotebookNode) -> bytes:
    return _with_code_in_answers(release, "import os\nos._exit(1)")


def output_flood(source: NotebookNode, release: NotebookNode) -> bytes:
    code = ("import sys\nfor _ in range(200_000):\n    sys.stdout.write('flood ' * 20 + '\\n')\n"
            "print('x' * 5_000_000)")
    return _with_code_in_answers(release, code)


def invalid_json(source: NotebookNode, release: NotebookNode) -> bytes:
    return _dump(release)[: len(_dump(release)) // 2]


def always_equal(source: NotebookNode, release: NotebookNode) -> bytes:
    code = ALWAYS_EQUAL + "\n" + _gaming_assignments(source, "_Anything(0.5)")
    return _with_code_in_answers(release, code)


def redefined_builtins(source: NotebookNode, release: NotebookNode) -> bytes:
    code = ALWAYS_EQUAL + '''
import builtins, math
from negotiation_course import checks
# shadow builtins in the namespace the tests run in, and patch the course helpers
isinstance = lambda *a, **k: True
abs = lambda x: 0
round = lambda *a, **k: 0
type = lambda *a: float
float = _Anything
builtins.round = lambda *a, **k: 0
math.isclose = lambda *a, **k: True
math.isfinite = lambda *a, **k: True
checks.number = checks.choice = checks.choices = checks.text = checks.function = \\
    lambda *a, **k: None
checks.record = lambda *a, **k: None
get_ipython().showtraceback = lambda *a, **k: None
''' + _gaming_assignments(source, "_Anything(0.5)")
    return _with_code_in_answers(release, code)


def input_transformer(source: NotebookNode, release: NotebookNode) -> bytes:
    code = '''
import json, re
_seen = []
def _rewrite(lines):
    text = "".join(lines)
    _seen.append(text)
    keys = re.findall(r"answer-key:\\s*(\\{.*\\})", text)
    if keys:  # try to answer from a leaked key
        out = []
        for raw in keys:
            spec = json.loads(raw)
            value = spec.get("number", (spec.get("text") or spec.get("choices") or [None])[0])
            out.append(f"checks.record({spec['id']!r}, {value!r})\\n")
        return out
    if "checks." in text:  # otherwise neuter every check
        return ["pass\\n"]
    return lines
get_ipython().input_transformers_post.append(_rewrite)
'''
    return _with_code_in_answers(release, code)


def print_history(source: NotebookNode, release: NotebookNode) -> bytes:
    nb = copy.deepcopy(release)
    nb.cells.append(nbformat.v4.new_code_cell(
        "print('\\n'.join(In))\nprint('\\n'.join(_ih))"))
    return _dump(nb)


#: Shown before every cell: an ``execute_result`` nbgrader's own rule took as full marks.
PRE_RUN_HOOK = '''
from IPython.display import display
def _claim(info):
    get_ipython().displayhook("full marks")
    display({"text/plain": "1"}, raw=True)
get_ipython().events.register("pre_run_cell", _claim)
'''

#: Every check passes silently and the recorder's return value is displayed by the cell.
PATCHED_RECORD = '''
from negotiation_course import checks
checks.number = checks.choice = checks.choices = checks.text = checks.function = \\
    lambda *a, **k: None
checks.record = lambda *a, **k: "full marks"
'''

#: Answer records made up before each hidden test (ids read from the test's own source,
#: a spread of guesses), with the real recorder silenced: records the hidden test did not
#: produce. (A forged record holding the key's exact value would pass: it states the
#: answer, see negotiation_course.grading.answer_key.)
FORGED_RECORD = '''
import re
from IPython.display import display
from negotiation_course import checks
_MIME = checks.ANSWER_MIME
checks.number = checks.choice = checks.choices = checks.text = checks.function = \\
    lambda *a, **k: None
checks.record = lambda *a, **k: None
def _forge(info):
    for answer_id in re.findall(r"record\\(\\s*[\"']([^\"']+)", info.raw_cell or ""):
        for guess in GUESSES:
            display({_MIME: {"id": answer_id, "value": guess},
                     "text/plain": "Answer recorded for grading."}, raw=True)
get_ipython().events.register("pre_run_cell", _forge)
'''
#: What the forged records claim: several guesses per answer; or one number too large for
#: a float (the comparison once raised OverflowError, an error instead of a wrong answer).
MANY_GUESSES = "GUESSES = (0, 0.5, 1, 100, 'yes', ['a'])\n"
ONE_HUGE_NUMBER = "GUESSES = (10 ** 400,)\n"


def pre_run_hook(source: NotebookNode, release: NotebookNode) -> bytes:
    return _with_code_in_answers(release, PRE_RUN_HOOK)


def patched_record(source: NotebookNode, release: NotebookNode) -> bytes:
    # every name defined (wrongly), so the hidden test reaches the patched recorder
    code = PATCHED_RECORD + _gaming_assignments(source, "None")
    return _with_code_in_answers(release, code)


def forged_record(source: NotebookNode, release: NotebookNode) -> bytes:
    code = MANY_GUESSES + FORGED_RECORD + _gaming_assignments(source, "None")
    return _with_code_in_answers(release, code)


def forged_huge_number(source: NotebookNode, release: NotebookNode) -> bytes:
    code = ONE_HUGE_NUMBER + FORGED_RECORD + _gaming_assignments(source, "None")
    return _with_code_in_answers(release, code)


#: The learner's code replaces the course file its kernel reads (a copy in the kernel's
#: folder) and points the course package at a file of its own that sets the pass mark to 0.
COURSE_FILE_REWRITE = """import os, pathlib
mine = pathlib.Path('/tmp/course.toml')
mine.write_text('[grading]\\npass_mark = 0\\n')
os.environ['NEGOTIATION_COURSE_FILE'] = str(mine)
seen = pathlib.Path('/run/kernel/course.toml')
try:
    seen.unlink()
    seen.write_text(mine.read_text())
except OSError:
    pass
"""


def course_file_rewritten(source: NotebookNode, release: NotebookNode) -> bytes:
    return _with_code_in_answers(release, COURSE_FILE_REWRITE)


CASES: dict[str, Callable[[NotebookNode, NotebookNode], bytes]] = {
    "tests-edited-to-pass": tests_edited_to_pass,
    "test-cell-deleted": test_cell_deleted,
    "graded-cell-duplicated": graded_cell_duplicated,
    "infinite-loop": infinite_loop,
    "os-exit": os_exit,
    "output-flood": output_flood,
    "invalid-json": invalid_json,
    "always-equal": always_equal,
    "redefined-builtins": redefined_builtins,
    "input-transformer": input_transformer,
    "print-history": print_history,
    "pre-run-hook": pre_run_hook,
    "patched-record": patched_record,
    "forged-record": forged_record,
    "forged-huge-number": forged_huge_number,
    "course-file-rewritten": course_file_rewritten,
}

#: The status and score every case must end with when graded through the real pipeline
#: (``make grade``: intake, repair, sandbox, answer keys, output limits) on any assignment
#: (``{assignment}`` stands for its name; :func:`expected` fills it in):
#: each starts from the untouched release, so no case may score; the ones that only try to
#: score end ``graded`` with 0, and the ones that break the notebook end with a clear error.
GRADED_ZERO = ("graded", 0.0)
EXPECTED: dict[str, tuple[str, float]] = {
    "tests-edited-to-pass": GRADED_ZERO,  # OverwriteCells puts the hidden tests back
    "test-cell-deleted": GRADED_ZERO,  # OverwriteCells.add_missing_cells restores it
    "graded-cell-duplicated": GRADED_ZERO,  # repaired (noted), the last copy counts
    # nbgrader's per-cell limit interrupts the loop; the notebook is flagged
    "infinite-loop": ("error: timed out (a cell ran past the per-cell limit)", 0.0),
    "os-exit": ("error: kernel died", 0.0),
    "output-flood": GRADED_ZERO,  # cut to the byte limit (noted)
    # refused at intake, before nbformat or nbgrader reads it
    "invalid-json": ("error: invalid submission ({assignment}.ipynb is not valid JSON)", 0.0),
    "always-equal": GRADED_ZERO,
    "redefined-builtins": GRADED_ZERO,
    "input-transformer": GRADED_ZERO,  # the keys were stripped before the kernel ran
    "print-history": GRADED_ZERO,
    "pre-run-hook": GRADED_ZERO,  # only the key comparison scores, not execute_results
    "patched-record": GRADED_ZERO,
    "forged-record": GRADED_ZERO,
    "forged-huge-number": GRADED_ZERO,  # a wrong answer, not a grader error
    # the copy was its own kernel's; the grader reads the course's course.toml itself
    "course-file-rewritten": GRADED_ZERO,
}
assert set(EXPECTED) == set(CASES)


def expected(case: str, assignment: str) -> tuple[str, float]:
    """:data:`EXPECTED` of ``case`` on ``assignment`` (a status may name the notebook)."""
    status, score = EXPECTED[case]
    return status.format(assignment=assignment), score


def is_valid_notebook(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True
