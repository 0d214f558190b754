"""The accessibility checker catches each kind of problem, and the course notebooks pass it.

Small notebooks built here break one rule each; the checker must name the rule and the cell.
The last tests run it over every notebook in source/ and release/ and write
build/a11y-report.md. About 3 s in all.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from negotiation_course.instructor import a11y
from negotiation_course.paths import build_dir
from tests.support.notebook_builders import activity

GOOD_ACTIVITY = activity(5, "Read", "Read the short case below.").source
GOOD = [
    "# Lesson 9: A title\n\nTwo lines of summary.\nSecond line.",
    "## A section\n\n![A bar chart of pay by sex](figure.png)\n\n"
    "See the [Census report on income](https://www.census.gov/library.html).",
    GOOD_ACTIVITY,
    "### A sub-section\n\n```python\n# not a heading\n```\n\nWrite to <mailto:a@b.org>.",
    ("code", 'plots.line_chart(table, source=data.cite("census"))'),
    "*Figure 1.* Women's median earnings rose from 60% to 83% of men's.",
    ("code", 'plt.bar([1, 2], [3, 4])\nplt.gca().set_title("x")'),
    "*Figure 2.* Two bars: the second is taller.",
    ("code", 'plt.savefig("chart.png")\n'
             'Image("chart.png", alt="A bar chart: the second bar is taller")'),
    "## References",
]


def _nb(tmp_path: Path, cells: list, name: str = "nb.ipynb") -> Path:
    nb = new_notebook(cells=[new_code_cell(c[1]) if isinstance(c, tuple) else
                             new_markdown_cell(c) for c in cells])
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def _found(tmp_path: Path, cells: list) -> set[tuple[int, str]]:
    return {(f.cell, f.rule) for f in a11y.check_notebook(_nb(tmp_path, cells)).findings}


def test_a_good_notebook_passes(tmp_path: Path) -> None:
    report = a11y.check_notebook(_nb(tmp_path, GOOD))
    assert report.findings == []
    assert report.words > 20 and report.reading_ease is not None and report.grade is not None


@pytest.mark.parametrize(("cells", "expected"), [
    (["# One", "# Two"], {(0, "one-h1")}),
    (["Some text", "## Only H2"], {(2, "heading-order"), (0, "one-h1")}),
    (["# Title", "### Skipped H2"], {(2, "heading-order")}),
    (["# Title", "## Section", "<h4>Skipped</h4>"], {(3, "heading-order")}),
    (["```\n# not a heading\n```", "# Title"], set()),
], ids=["two-h1", "no-h1", "skipped-h2", "skipped-html-h3", "code-fence"])
def test_headings(tmp_path: Path, cells: list, expected: set) -> None:
    assert _found(tmp_path, cells) == expected


@pytest.mark.parametrize("image", ["![](chart.png)", "![ ](chart.png)", '<img src="chart.png">',
                                   '<img src="chart.png" alt="">'])
def test_images_need_alt_text(tmp_path: Path, image: str) -> None:
    assert _found(tmp_path, ["# T", f"## S\n\n{image}"]) == {(2, "image-alt")}


@pytest.mark.parametrize(("cells", "expected"), [
    (["# T", ("code", "plots.line(t)"), "The chart shows a rise."], {(2, "figure-caption")}),
    (["# T", ("code", "ax = df.plot(kind='bar')")], {(2, "figure-caption")}),
    (["# T", ("code", "plt.show()"), ("code", "x = 1")], {(2, "figure-caption")}),
    (["# T", ("code", "plt.show()"), "*Figure 2.* It rises."], set()),
    (["# T", ("code", "plt.plot(t)\nImage('chart.png', alt='A rising line')")], set()),
    (["# T", ("code", "plt.plot(t)  # alt='A rising line'")], {(2, "figure-caption")}),
], ids=["prose-not-caption", "pandas-plot-last", "code-after", "caption", "alt-in-code",
        "alt-in-comment"])
def test_figures_need_a_caption(tmp_path: Path, cells: list, expected: set) -> None:
    assert _found(tmp_path, cells) == expected


@pytest.mark.parametrize(("block", "rule"), [
    ('<div style="color: red">\n\n**Activity (5 minutes): Read.** Text\n\n</div>',
     "activity-style"),
    ('<div class="alert alert-danger">Read this</div>', "activity-style"),
    (GOOD_ACTIVITY.replace("(5 minutes): Read.", ": Read."), "activity-opening"),
    (GOOD_ACTIVITY.replace("Read.", "read this."), "activity-opening"),
    ("**Activity (5 minutes): Read.** A bold opening without the red block.",
     "activity-opening"),
    ('<strong style="color: #B00020;">Activity (5 minutes): Read.</strong> No div.',
     "activity-style"),
])
def test_activities_use_the_one_block_style(tmp_path: Path, block: str, rule: str) -> None:
    assert (2, rule) in _found(tmp_path, ["# T", block])


@pytest.mark.parametrize(("text", "rule"), [
    ("Read it [here](https://www.census.gov/x.html).", "link-text"),
    ("[Click here](https://www.census.gov/x.html) to read.", "link-text"),
    ('Read <a href="https://www.census.gov/">here</a>.', "link-text"),
    ("[The report](https://) is long.", "link-target"),
    ("[The report](ftp://ftp.census.gov/x.csv) is long.", "link-target"),
    ("[The report](http:/www.census.gov/x.html) is long.", "link-target"),
    ("[The report](javascript:alert(1)) is long.", "link-syntax"),  # not rendered as a link
    ("[The report] (https://www.census.gov/x.html) is long.", "link-syntax"),
])
def test_links(tmp_path: Path, text: str, rule: str) -> None:
    assert (2, rule) in _found(tmp_path, ["# T", text])


def test_reading_level_orders_easy_and_hard_text() -> None:
    _, easy, easy_grade = a11y.reading_level("The cat sat on the mat. It was a sunny day.")
    _, hard, hard_grade = a11y.reading_level(
        "Institutional compensation negotiations necessitate comprehensive organisational "
        "preparation, sophisticated communication and considerable interpersonal adaptability.")
    assert easy is not None and hard is not None and easy > hard
    assert easy_grade is not None and hard_grade is not None and easy_grade < hard_grade


def test_cli_reports_cells_and_fails_on_problems(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    bad = _nb(tmp_path, ["# T", "### Skip", "[here](https://www.census.gov/)"], "bad.ipynb")
    good = _nb(tmp_path, GOOD, "good.ipynb")
    out = tmp_path / "report.md"
    assert a11y.main([str(bad), str(good), "--output", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "cell 2 [heading-order]" in printed and "cell 3 [link-text]" in printed
    assert out.read_text(encoding="utf-8") == printed
    assert a11y.main([str(good)]) == 0


def test_course_notebooks_are_accessible() -> None:
    """Every notebook in source/ and release/; the report goes to build/a11y-report.md."""
    paths = a11y.notebooks(a11y.default_paths())
    assert paths, "no notebooks found in source/ or release/"
    reports = [a11y.check_notebook(p) for p in paths]
    text = a11y.format_report(reports)
    out = build_dir() / "a11y-report.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    assert [r for r in reports if r.findings] == [], text
