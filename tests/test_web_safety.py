"""Learner input reaches no instructor's page, spreadsheet or summary active (issue 11.4, 11.9).

The hostile web course (:mod:`tests.support.web_support`, graded through the real pipeline)
is checked file by file: each case's status and score, the stored autograded notebooks,
the feedback pages, the flags in the gradebook, and the CSV files ``nbgrader export``
writes through the course's plugins. Unit tests feed the sanitiser and the escaping
known-bad and known-good input, including every Markdown cell of the course itself, which
must pass unchanged. ``tests/browser/test_web_safety.py`` opens the same pages in Chromium.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt
from nbformat.notebooknode import from_dict

from negotiation_course.demo import web_cases
from negotiation_course.grading import sanitize
from negotiation_course.grading.answer_key import ANSWER_MIME
from negotiation_course.grading.escaping import (
    from_spreadsheet_cell,
    markdown_text,
    printable_problem,
    spreadsheet_cell,
)
from negotiation_course.grading.formgrader_guard import SUBMISSION_FILE
from negotiation_course.paths import COURSE_ROOT

from .support.grading_support import LESSON
from .support.web_support import BASELINE, BROKEN, COURSE_ID, NAMED, hostile_course

FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d")
PAYLOAD = re.compile(r"ncXss|atob\(|alert\(")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_course(tmp_path_factory)


# --- the graded hostile course ----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(web_cases.EXPECTED))
def test_each_web_case_ends_with_its_expected_status_and_score(hostile, case):
    assert hostile.status(f"w-{case}") == web_cases.EXPECTED[case]


def _autograded(hostile) -> dict[str, nbformat.NotebookNode]:
    return {p.parent.parent.name: nbformat.read(p, 4)
            for p in (hostile.course / "autograded").glob(f"*/{LESSON}/{LESSON}.ipynb")}


@pytest.mark.slow
def test_stored_notebooks_hold_only_inert_content(hostile):
    notebooks = _autograded(hostile)
    assert {f"w-{c}" for c in web_cases.EXPECTED} <= set(notebooks)
    for learner, nb in notebooks.items():
        assert set(nb.metadata) <= sanitize.NOTEBOOK_METADATA, learner
        for cell in nb.cells:
            if cell.cell_type == "markdown":  # a fixed point of the sanitiser: nothing left
                assert sanitize.sanitize_markdown(cell.source, cell.get("attachments", {})) \
                    == cell.source, (learner, cell.source[:200])
            for out in cell.get("outputs", []):
                assert set(out.get("data", {})) <= sanitize.KEPT_MIMES, (learner, out)
                for sizes in out.get("metadata", {}).values():
                    assert all(isinstance(v, int | float) for v in sizes.values()), learner
            assert not PAYLOAD.search(str(cell.get("attachments", ""))), learner
            assert not PAYLOAD.search(str(cell.metadata.get("tags", ""))), learner
    by_case = {k.removeprefix("w-"): v for k, v in notebooks.items()}
    shown = next(c.source for c in by_case["reflection-script-tags"].cells
                 if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "markdown")
    assert "I will ask every client" in shown and "&lt;script&gt;" in shown  # still readable
    links = "".join(c.source for c in by_case["reflection-script-links"].cells)
    assert "shows this cell as plain text" in links and "javascript:" in links


def test_the_course_plots_survive_and_answer_records_do_not(hostile):
    """Sanitising keeps the course's own figures; the answer records are consumed by the
    key comparison (negotiation_course.grading.answer_key), which rebuilds test-cell outputs,
    so none reaches formgrader or feedback."""
    nb = _autograded(hostile)[BASELINE]
    mimes = {m for c in nb.cells for o in c.get("outputs", []) for m in o.get("data", {})}
    assert ANSWER_MIME not in mimes and "text/plain" in mimes
    png = [o for c in _autograded(hostile)["w-display-svg-markdown"].cells
           for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(png) == 1 and png[0].metadata == {"image/png": {"height": 1}}


class _Markup(HTMLParser):
    """Script elements, frames, event handlers and script URLs in an HTML page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.bad = 0, []

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        if tag in ("iframe", "object", "embed", "base", "frame"):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or re.match(r"\s*(javascript|vbscript|data:text)",
                                                 value or "", re.I):
                self.bad.append(f"{tag} {name}={(value or '')[:40]}")


def _markup(path: Path) -> _Markup:
    parser = _Markup()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_feedback_pages_hold_no_learner_markup(hostile):
    pages = sorted((hostile.course / "feedback").glob(f"*/{LESSON}/{LESSON}.html"))
    baseline = _markup(hostile.course / "feedback" / BASELINE / LESSON / f"{LESSON}.html")
    assert len(pages) == len(web_cases.EXPECTED) + len(hostile.ids) + 1  # BROKEN: none
    for page in pages:
        found = _markup(page)
        assert found.scripts == baseline.scripts and found.bad == [], (page, found.bad)


def test_statuses_is_a_query_and_the_runner_flags_failures(hostile):
    from nbgrader.api import Gradebook

    from negotiation_course.grading.config import db_url_of
    from negotiation_course.grading.export import FLAG_PREFIX, flag_failures, statuses
    from negotiation_course.grading.outcomes import OutcomeStore

    db_url = db_url_of(hostile.course)

    def comments() -> list[str | None]:
        with Gradebook(db_url, COURSE_ID) as gb:
            sub = gb.find_submission(LESSON, BROKEN)
            return [c.auto_comment for nb in sub.notebooks for c in nb.comments]

    assert comments() and all(c.startswith(FLAG_PREFIX) for c in comments())  # the runner
    with Gradebook(db_url, COURSE_ID) as gb:
        for nb in gb.find_submission(LESSON, BROKEN).notebooks:
            for comment in nb.comments:
                comment.auto_comment = None
        gb.db.commit()
    rows = statuses(hostile.course, db_url, COURSE_ID, [LESSON], OutcomeStore(hostile.course))
    assert comments() == [None] * len(comments())  # a query wrote nothing
    assert flag_failures(db_url, COURSE_ID, rows) == 1
    assert all(c.startswith(FLAG_PREFIX) for c in comments())
    assert flag_failures(db_url, COURSE_ID, rows) == 0  # nothing to change on a re-run


def _cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.slow
def test_nbgrader_export_and_the_canvas_plugin_write_no_formula(hostile, tmp_path):
    from negotiation_course.grading.exporters import export_canvas
    from negotiation_course.instructor.nbgrader_cli import nbgrader

    stock, canvas = tmp_path / "stock.csv", tmp_path / "canvas.csv"
    nbgrader(hostile.course, "export", "--to", str(stock))
    nbgrader(hostile.course, "export", "--to", str(canvas),
             "--exporter=negotiation_course.grading.exporters.CanvasExport")
    direct = export_canvas(hostile.course, tmp_path / "direct.csv")
    assert canvas.read_text() == direct.read_text()  # the CLI and make demo agree
    for path in (stock, canvas):
        for row in _cells(path):
            assert not any(c.lstrip(" ").startswith(FORMULA) for c in row), (path, row)
    table = _cells(stock)
    assert table[0][:4] == ["assignment", "duedate", "timestamp", "student_id"]
    names = {r[3]: (r[5], r[4]) for r in table[1:]}
    first, last = web_cases.NAMES[0]
    assert names["w-reflection-script-tags"] == ("'" + first, last)
    assert names[NAMED] == web_cases.NAMES[-1]  # markup stays text: CSV is not HTML
    by_login = {r[3]: r[5:] for r in _cells(canvas)[2:]}
    assert by_login[BROKEN] == [""] and by_login[BASELINE] != [""]  # an error is blank


# --- units: the sanitiser ---------------------------------------------------------------

def _course_notebooks() -> list[Path]:
    return sorted(COURSE_ROOT.glob("source/*/*.ipynb")) + sorted(
        COURSE_ROOT.glob("release/*/*.ipynb"))


@pytest.mark.parametrize("path", _course_notebooks(), ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_the_course_own_markdown_looks_the_same_after_sanitising(path):
    """Its red activity boxes keep their style; bleach writes ``&`` as ``&amp;`` (rendered
    the same) and drops HTML comments (never shown), so the rendered HTML is compared."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    def render(text: str) -> str:
        html = re.sub(r"<!--.*?-->", "", markdown2html_mistune(text), flags=re.S)
        return re.sub(r">\s+<", "><", html).strip()

    nb = nbformat.read(path, 4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            clean = sanitize.sanitize_markdown(cell.source)
            assert render(clean) == render(cell.source), cell.source[:200]
            assert "shows this cell as plain text" not in clean


@pytest.mark.parametrize("text, kept", [
    ("<script>alert(1)</script> hi", "&lt;script&gt;alert(1)&lt;/script&gt; hi"),
    ('<img src="x" onerror="alert(1)">', "<img>"),
    ('<a href="JaVa\tscript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="https://www.bls.gov/cps/">BLS</a>', '<a href="https://www.bls.gov/cps/">BLS</a>'),
    ('<a href="notes.html">side file</a>', "<a>side file</a>"),
    ('<span id="practice-reflection">x</span>', "<span>x</span>"),
    ('<img src="https://example.org/pixel.gif">', "<img>"),
    ('<div style="position: fixed; color: red">x</div>', '<div style="color: red;">x</div>'),
])
def test_raw_html_in_markdown_is_escaped_or_stripped(text, kept):
    assert sanitize.sanitize_markdown(text) == kept


@pytest.mark.parametrize("text, why", [
    ("[notes](javascript:alert(1))", "a link to a script address"),
    ("<javascript:alert(1)>", "a link to a script address"),
    ("```mermaid\ngraph TD; A-->B; <img src=x onerror=alert(1)>\n```", "Mermaid"),
    ("$\\href{javascript:alert(1)}{x}$", "a maths link"),
    ("![chart](attachment:chart.png)", "missing image attachment"),
    ("![x](https://example.org/x.png)", "an image from outside"),
])
def test_markdown_nbconvert_would_make_active_is_shown_as_text(text, why):
    out = sanitize.sanitize_markdown(text)
    assert why in out and text in out and out.count("~~~~") == 2
    assert sanitize.markdown_risks(out) == (False, [])


def test_plain_markdown_and_good_links_pass_unchanged():
    text = ("> a quote & `a < b`\n\n**Bold** [BLS](https://www.bls.gov) and [top](#top)\n\n"
            "![plot](attachment:plot.png)")
    assert sanitize.sanitize_markdown(text, {"plot.png"}) == text


def test_the_render_filter_sanitises_what_nbconvert_renders():
    render = sanitize.markdown2html  # a Jinja filter taking (context, source)
    out = render({}, "# h\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert "javascript" not in out and "onerror" not in out and 'id="' not in out
    assert render({}, "![c](attachment:missing.png)").startswith("<pre>")


def _out(data: dict, metadata: dict | None = None, kind: str = "display_data"):
    return from_dict({"output_type": kind, "data": data, "metadata": metadata or {}})


def _real_png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.mark.parametrize("mime", ["text/html", "application/javascript", "image/svg+xml",
                                  "text/markdown", "text/latex", "application/json",
                                  "application/vnd.jupyter.widget-view+json", "text/x-made-up"])
def test_active_and_unknown_output_types_are_dropped_with_a_note(mime):
    kept = sanitize.clean_output(_out({mime: "<script>alert(1)</script>"}))
    assert list(kept.data) == ["text/plain"] and mime in kept.data["text/plain"]
    with_text = sanitize.clean_output(_out({mime: "<b>x</b>", "text/plain": "x"}))
    assert dict(with_text.data) == {"text/plain": "x"}


def test_plots_answer_records_and_plain_text_are_kept():
    png = _real_png()
    out = sanitize.clean_output(_out({"image/png": png, "text/plain": "<Figure>"},
                                     {"image/png": {"width": 300, "height": "1 onload=x"}}))
    assert out.data["image/png"] == png and out.metadata == {"image/png": {"width": 300}}
    record = {ANSWER_MIME: {"id": "q1", "value": 3}, "text/plain": "recorded"}
    assert dict(sanitize.clean_output(_out(record, kind="execute_result")).data) == record
    fake = base64.b64encode(b'"><script>alert(1)</script>').decode()
    assert "image/png" not in sanitize.clean_output(_out({"image/png": fake})).data


def test_resources_are_escaped_once_for_formgrader_templates():
    step = sanitize.SanitizeForBrowser()
    nb = nbformat.v4.new_notebook()
    resources = {"student": '<img src=x onerror="alert(1)">', "last_name": "O'Brien & Co",
                 "notebook_path": 'a/"b', "index": 0}
    for _ in range(2):
        nb, resources = step.preprocess(nb, resources)
    assert resources["student"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert resources["last_name"] == "O&#x27;Brien &amp; Co" and resources["index"] == 0


def test_the_guard_sandboxes_learner_files_but_not_formgrader_pages():
    assert SUBMISSION_FILE.search("/formgrader/submissions/abc123/notes.html")
    assert SUBMISSION_FILE.search("/user/x/formgrader/submissions/abc123/sub/notes.svg")
    for path in ("/formgrader/submissions/abc123/", "/formgrader/submissions/abc123/next",
                 "/formgrader/submissions/abc123/prev_incorrect", "/formgrader/gradebook"):
        assert not SUBMISSION_FILE.search(path), path


# --- units: spreadsheets, Markdown, PDFs ------------------------------------------------

@pytest.mark.parametrize("value, written", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'), ("+SUM(1)", "'+SUM(1)"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    (" =1", "' =1"), ("\uff1d1+1", "'\uff1d1+1"), ("'quoted", "''quoted"),
    ("Ada Lovelace", "Ada Lovelace"), ("12.5", "12.5"), ("-3", "-3"), ("", ""),
])
def test_spreadsheet_cells_never_start_a_formula_and_read_back(value, written):
    assert spreadsheet_cell(value) == written
    assert from_spreadsheet_cell(spreadsheet_cell(value)) == value


@pytest.mark.parametrize("value", ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
                                   "*bold* `code` <script>", "a\nb | c &amp;"])
def test_markdown_text_renders_as_the_same_text(value):
    rendered = MarkdownIt("commonmark").render(f"- {markdown_text(value)}")
    assert "<img" not in rendered and "<a" not in rendered and "<script" not in rendered
    assert "<em>" not in rendered and "<code>" not in rendered


def test_the_demo_summary_shows_hostile_ids_and_names_as_text(tmp_path):
    from negotiation_course.demo import run
    from negotiation_course.grading.outcomes import LearnerStatus

    bad = web_cases.hostile_ids()[0]
    rows = [LearnerStatus(bad, LESSON, 0, 2, "error: invalid learner id <b>")]
    run._finish(tmp_path, [], [], 0.0, rows)
    html = MarkdownIt("commonmark").render((tmp_path / "summary.md").read_text())
    assert "<img" not in html and "<b>" not in html and "&lt;img src=x" in html


@pytest.mark.parametrize("name, ok", [("Chloé Jovanović", True), ("فاطمة\u200c", True),
                                      ("Bob\u202eevil", False), ("A\u0000B", False)])
def test_printable_problem_refuses_only_hiding_characters(name, ok):
    assert (printable_problem(name) == "") is ok
