"""Nothing shipped to learners (release/, the course package) holds an answer."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from negotiation_course.grading.answer_key import keys_in
from negotiation_course.paths import PACKAGE_DIR

from .conftest import ASSIGNMENTS, read_nb, release_path, source_path

HIDDEN_RE = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION_RE = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "answer-key")
#: A number in text, also one that ends a sentence ("... is 55120.5.").
NUMBER_RE = re.compile(r"(?<![\w.])-?\d[\d_]*(?:\.\d+)?(?!\w|\.\d)")


def _literals(code: str) -> set[str]:
    """Number and string literals of Python code (strings unquoted, numbers normalised)."""
    found: set[str] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.NUMBER:
                found.add(_num(tok.string))
            elif tok.type == tokenize.STRING and len(tok.string) > 4:
                found.add(tok.string.strip("'\"rbfRBF").casefold())
    except (tokenize.TokenError, IndentationError):
        pass
    return found


def _num(text: str) -> str:
    try:
        return repr(float(text.replace("_", "")))
    except ValueError:
        return text


def _text_literals(text: str) -> set[str]:
    return {_num(m) for m in NUMBER_RE.findall(text)} | {text.casefold()}


def _hidden_only_literals(assignment: str) -> set[str]:
    """Literals that appear in hidden tests and answer keys but nowhere a learner sees."""
    nb = read_nb(source_path(assignment))
    hidden: set[str] = set()
    public_text = []
    for cell in nb.cells:
        for block in HIDDEN_RE.findall(cell.source):
            hidden |= _literals(block)
            for key in keys_in(block):
                values = key.expected if isinstance(key.expected, tuple) else (key.expected,)
                hidden |= {_num(str(v)) if not isinstance(v, str) else v.casefold()
                           for v in values}
        visible = SOLUTION_RE.sub("", HIDDEN_RE.sub("", cell.source))
        public_text.append(visible)
    public = set().union(*(_literals(t) | _text_literals(t) for t in public_text))
    trivial = {repr(float(i)) for i in range(-1, 11)}
    return {x for x in hidden - public - trivial if len(x) > 1}


def _shipped_texts(assignment: str) -> list[tuple[str, str]]:
    files = [(str(p), p.read_text(encoding="utf-8")) for p in PACKAGE_DIR.rglob("*")
             if p.suffix in {".py", ".csv", ".json", ".txt", ".md"} and p.is_file()]
    rel = release_path(assignment)
    return [(str(rel), rel.read_text(encoding="utf-8"))] + files


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_markers_solutions_or_hidden_tests(assignment):
    text = release_path(assignment).read_text(encoding="utf-8")
    assert not [m for m in MARKERS if m in text]
    src = read_nb(source_path(assignment))
    for cell in src.cells:
        for region in SOLUTION_RE.findall(cell.source) + HIDDEN_RE.findall(cell.source):
            for line in region.splitlines():
                line = line.strip()
                if len(line) > 12 and not line.startswith("#"):
                    assert line not in text, f"{assignment}: release holds {line!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_hidden_only_literal_is_shipped(assignment):
    secrets = _hidden_only_literals(assignment)
    for path, text in _shipped_texts(assignment):
        if Path(path).name == "clock_hours.csv":
            # word counts and minutes computed by `make release` from the lessons' text: a
            # minutes figure that equals a key (2.4 minutes of reading, a 2.4-point gap) says
            # nothing about the answer; only its non-numeric cells are scanned
            text = NUMBER_RE.sub(" ", text)
        shipped = _literals(text) if path.endswith(".py") else _text_literals(text)
        if path.endswith(".ipynb"):  # what learners see: cell text, not ids like "cell-022"
            cells = "\n".join(c.source for c in read_nb(Path(path)).cells)
            shipped = {_num(m) for m in NUMBER_RE.findall(cells)}
        leaked = secrets & shipped
        assert not leaked, f"{Path(path).name} holds hidden-test literals {sorted(leaked)}"


def test_package_holds_no_markers():
    for path in PACKAGE_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            assert not stripped.startswith("### BEGIN SOLUTION"), path
            assert not re.match(r"#\s*answer-key:\s*\{", stripped), path


def _leaks(assignment: str, texts: list[tuple[str, str]]) -> set[str]:
    """Hidden-only literals found in ``texts`` (the check the shipping tests run)."""
    secrets, found = _hidden_only_literals(assignment), set()
    for path, text in texts:
        shipped = _literals(text) if path.endswith(".py") else _text_literals(text)
        if path.endswith(".ipynb"):
            cells = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
            shipped = {_num(m) for m in NUMBER_RE.findall(cells)}
        found |= secrets & shipped
    return found


def _numeric_secrets(assignment: str) -> list[str]:
    return sorted(x for x in _hidden_only_literals(assignment) if NUMBER_RE.fullmatch(x))


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if _numeric_secrets(a)])
def test_leak_detector_catches_a_literal_planted_in_a_release(assignment):
    """Plant one hidden-test answer into a copy of the real release: the check finds it."""
    release = release_path(assignment).read_text(encoding="utf-8")
    assert _leaks(assignment, [("release.ipynb", release)]) == set()
    secret = _numeric_secrets(assignment)[0]
    nb = nbformat.reads(release, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"A worked example gives {secret}."))
    planted = nbformat.writes(nb)
    assert _leaks(assignment, [("release.ipynb", planted)]) == {secret}
    module = f"ANSWER = {secret}\n"
    assert _leaks(assignment, [("helper.py", module)]) == {secret}


def test_key_lines_are_read_from_hidden_tests():
    code = 'x = 1\n### BEGIN HIDDEN TESTS\n# answer-key: {"id": "x", "number": 55120.5}\n'
    assert keys_in(code)[0].expected == 55120.5
