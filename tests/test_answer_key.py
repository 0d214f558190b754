"""Answer keys: parsed from hidden tests, stripped before execution, compared outside."""

from __future__ import annotations

import pytest

from negotiation_course.grading.answer_key import (
    ANSWER_MIME,
    AnswerKeyError,
    failures,
    graded_outputs,
    keys_in,
    parse_key,
    strip_keys,
)

CELL = '''checks.number(x, name="x", low=0, high=1)
### BEGIN HIDDEN TESTS
checks.record("x", x)
# answer-key: {"id": "x", "number": 0.827, "tol": 0.0005}
#answer-key:{"id": "q", "text": ["b"]}
# answer-key: {"id": "s", "choices": ["a", "c"]}
### END HIDDEN TESTS
'''


def _out(answer_id, value):
    return {"output_type": "display_data", "data": {ANSWER_MIME: {"id": answer_id,
                                                                  "value": value}}}


def test_keys_are_found_and_stripped():
    assert [k.id for k in keys_in(CELL)] == ["x", "q", "s"]
    stripped = strip_keys(CELL)
    assert "answer-key" not in stripped and "0.827" not in stripped
    assert 'checks.record("x", x)' in stripped


@pytest.mark.parametrize("outputs, n_failures", [
    ([_out("x", 0.827), _out("q", " B"), _out("s", ["c", "a"])], 0),
    ([_out("x", 0.8272), _out("q", "b"), _out("s", ["A", "C"])], 0),  # alternative-correct
    ([_out("x", 82.7), _out("q", "b"), _out("s", ["a", "c"])], 1),    # wrong unit
    ([_out("q", "b"), _out("s", ["a", "c"])], 1),                     # missing record
    ([_out("x", 0.827), _out("x", 0.5), _out("q", "b"), _out("s", ["a", "c"])], 1),  # twice
    ([_out("x", "0.827"), _out("q", ["b"]), _out("s", "a")], 3),      # wrong types
    ([_out("x", True), _out("q", "c"), _out("s", ["a"])], 3),
    ([_out("x", {"unsupported": "Anything"}), _out("q", "b"), _out("s", ["a", "c"])], 1),
    ([_out("x", 10 ** 400), _out("q", "b"), _out("s", ["a", "c"])], 1),  # beyond a float
    ([], 3),
])
def test_failures_count_every_unmet_key(outputs, n_failures):
    problems = failures(keys_in(CELL), outputs)
    assert len(problems) == n_failures
    assert not any("0.827" in p for p in problems)  # messages never reveal the key


@pytest.mark.parametrize("raw", ['{"id": 1, "number": 2}', '{"number": 2}', "{not json}",
                                 '{"id": "x", "text": "b"}', '{"id": "x"}',
                                 '{"id": "x", "number": "2"}'])
def test_malformed_keys_are_refused(raw):
    with pytest.raises(AnswerKeyError):
        parse_key(raw)


def test_only_the_key_comparison_survives_in_a_test_cells_outputs():
    hostile = [{"output_type": "execute_result", "data": {"text/plain": "'full marks'"},
                "execution_count": 1, "metadata": {}},
               {"output_type": "stream", "name": "stdout", "text": "checked\n"},
               {"output_type": "error", "ename": "AnswerCheckFailed", "evalue": "not yet",
                "traceback": []}]
    kept, problems = graded_outputs(keys_in(CELL), hostile)
    assert len(problems) == 3
    assert {o["output_type"] for o in kept} == {"stream"}
    assert "not yet" in "".join(o["text"] for o in kept)  # the learner still reads it
    right = [_out("x", 0.827), _out("q", "b"), _out("s", ["a", "c"]), *hostile]
    kept, problems = graded_outputs(keys_in(CELL), right)
    assert problems == [] and all(o["output_type"] == "stream" for o in kept)
    assert not any("answer+json" in str(o) for o in kept)


def test_a_test_cell_without_keys_fails_closed():
    assert graded_outputs([], [_out("x", 1)])[1]


def test_a_key_may_be_spelled_out_and_carries_its_rationale():
    short = parse_key('{"id": "x", "number": 2, "tol": 0.5, "why": "Two  because\\n two."}')
    long = parse_key('{"id": "x", "kind": "number", "expected": 2, "tol": 0.5, '
                     '"why": "Two because two."}')
    assert short == long and short.why == "Two because two."
    assert parse_key('{"id": "q", "kind": "text", "expected": ["b"]}').expected == ("b",)
    assert parse_key('{"id": "q", "text": ["b"]}').why == ""


@pytest.mark.parametrize("raw", ['{"id": "x", "number": 1, "why": 3}',
                                 '{"id": "x", "kind": "number"}',
                                 '{"id": "x", "kind": "guess", "expected": 1}',
                                 '{"id": "x", "number": 1, "text": ["a"]}',
                                 '{"id": "x", "number": true}',
                                 '{"id": "x", "number": 1, "tol": -1}'])
def test_malformed_spelled_out_keys_and_rationales_are_refused(raw):
    with pytest.raises(AnswerKeyError):
        parse_key(raw)


def test_the_rationale_follows_the_graded_outputs_right_or_wrong():
    keys = keys_in('### BEGIN HIDDEN TESTS\n'
                   '# answer-key: {"id": "q", "text": ["b"], "why": "B names the cause."}\n'
                   '### END HIDDEN TESTS\n')
    for value, n_problems in (("b", 0), ("c", 1)):
        kept, problems = graded_outputs(keys, [_out("q", value)])
        assert len(problems) == n_problems
        assert [o["text"] for o in kept] == ["Why the right answer is right: B names the cause.\n"]
        assert "answer-key" not in str(kept)
    assert graded_outputs(keys_in(CELL), [])[0] == []  # no rationale, nothing added


def test_every_key_in_the_course_explains_why_the_right_answer_is_right():
    """Feedback after grading says why (issue 12, section 5); the release never holds it."""
    import nbformat

    from negotiation_course import course
    from negotiation_course.paths import COURSE_ROOT

    checked = 0
    for name in course.load().names():
        path = COURSE_ROOT / "source" / name / f"{name}.ipynb"
        if not path.exists():
            continue
        release_nb = nbformat.read(COURSE_ROOT / "release" / name / f"{name}.ipynb", as_version=4)
        # a rationale may repeat the lesson's own prose; it must not sit in any code cell
        release = "\n".join(c.source for c in release_nb.cells if c.cell_type == "code")
        assert '"why"' not in release and "answer-key" not in release, name
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for key in keys_in(cell.source):
                assert len(key.why.split()) >= 8, f"{name}: key {key.id!r} needs a 'why'"
                assert key.why[:50] not in release, f"{name}: rationale of {key.id!r} in release"
                checked += 1
    assert checked >= 40


@pytest.mark.parametrize("value, points", [("b", 2.0), ("c", 0.0)])
def test_a_stderr_line_never_decides_the_score(value, points):
    """Learner text on stderr (a warning, a ``print(..., file=sys.stderr)``, a hook) is kept
    for the learner to read, but the key comparison alone decides: nbgrader's
    ``determine_grade`` scores any kept ``stderr`` stream 0."""
    from nbformat.v4 import new_code_cell
    from nbgrader.utils import determine_grade

    from negotiation_course.grading.preprocessors import CheckAnswerKeys

    cell = new_code_cell('checks.record("q", q)')
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t",
                                 "points": 2}
    stderr = {"output_type": "stream", "name": "stderr", "text": "UserWarning: careful\n"}
    cell.outputs = [_out("q", value), stderr]
    checker = CheckAnswerKeys()
    checker._keys = {"t": keys_in('# answer-key: {"id": "q", "text": ["b"]}')}
    cell, _ = checker.preprocess_cell(cell, {}, 0)
    assert determine_grade(cell) == (points, 2.0)
    assert "UserWarning: careful" in "".join(o.get("text", "") for o in cell.outputs)
    assert all(o.get("name") != "stderr" for o in cell.outputs)
