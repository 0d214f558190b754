"""Accessibility checks of the course notebooks (COURSE.md §1, docs/authoring.md).

Learners are adults new to Python, some using screen readers, so every notebook must have:
one H1 and headings in order; alt text on every image; a ``*Figure N.*`` caption cell (or
alt text) after every cell that draws a figure; every activity in the course's one red block
with its minutes; well-formed links whose text is not "here". The reading level of the
lesson text (Flesch reading ease, Flesch-Kincaid grade) is reported, never enforced.

Markdown is parsed with markdown-it-py (CommonMark, the dialect JupyterLab renders), so code
spans and fenced code never count as headings or links. Cell numbers are 1-based, as in
JupyterLab's status bar ("Cell 3/17").

Usage: ``python -m negotiation_course.instructor.a11y [NOTEBOOK_OR_FOLDER ...] [--output F]``
(default: every notebook in ``source/`` and ``release/``); exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import nbformat
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..paths import COURSE_ROOT, release_dir, source_dir

ACTIVITY_COLOUR = "#B00020"
#: The one activity block of docs/authoring.md (the div, then the bold red opening).
ACTIVITY_DIV = (f'<div class="activity" style="border-left: 6px solid {ACTIVITY_COLOUR}; '
                'padding: 0.2em 1em;">')
ACTIVITY_OPENING_RE = re.compile(
    rf'<strong style="color: {ACTIVITY_COLOUR};">Activity \((\d+) minutes?\): '
    r"([A-Z][a-z]+)\.</strong>")
#: Cells that draw a figure (plotting helpers of the course package or matplotlib).
PLOT_RE = re.compile(r"\bplots\.|\bplt\.|\.plot\(")
CAPTION_RE = re.compile(r"^\s*\*{1,2}Figure\b")
ALT_IN_CODE_RE = re.compile(r"\balt(_text)?\s*=")
_RED_RE = re.compile(r"#b00020|#f00\b|#ff0000|\bred\b|rgb\(\s*255\s*,\s*0\s*,\s*0\s*\)|"
                     r"alert-danger", re.IGNORECASE)
_DIV_RE = re.compile(r"<div\b[^>]*>", re.IGNORECASE)
_HTML_HEADING_RE = re.compile(r"<h([1-6])\b", re.IGNORECASE)
_HTML_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ALT_RE = re.compile(r"""\balt\s*=\s*("[^"]*\S[^"]*"|'[^']*\S[^']*')""", re.IGNORECASE)
_HTML_LINK_RE = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_HREF_RE = re.compile(r"""\bhref\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]+>")
#: Link texts that say nothing out of context (a screen reader lists links by their text).
VAGUE_LINK_TEXT = {"here", "click here", "this link", "link", "this", "click"}
_md = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Finding:
    cell: int  # 1-based; 0 for the notebook as a whole
    rule: str
    message: str


@dataclass
class Report:
    """Findings and reading level of one notebook."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    words: int = 0
    reading_ease: float | None = None
    grade: float | None = None

    def add(self, cell: int, rule: str, message: str) -> None:
        self.findings.append(Finding(cell, rule, message))


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _headings(tokens: list[Token]) -> list[int]:
    """Heading levels in order: Markdown ``#`` headings and HTML ``<hN>`` tags."""
    levels = []
    for token in _walk(tokens):
        if token.type == "heading_open":
            levels.append(int(token.tag[1]))
        elif token.type in ("html_block", "html_inline"):
            levels += [int(m) for m in _HTML_HEADING_RE.findall(token.content)]
    return levels


def _check_headings(report: Report, cells: list[tuple[int, list[Token]]]) -> None:
    previous = 0
    h1 = []
    for number, tokens in cells:
        for level in _headings(tokens):
            if level == 1:
                h1.append(number)
            if previous == 0 and level != 1:
                report.add(number, "heading-order",
                           f"the first heading is H{level}; a notebook starts with its H1 title")
            elif level > previous + 1 and previous:
                report.add(number, "heading-order",
                           f"H{level} follows H{previous}: a heading level is skipped")
            previous = level
    if len(h1) != 1:
        where = ", ".join(map(str, h1)) or "none"
        report.add(0, "one-h1", f"{len(h1)} H1 headings (cells: {where}); a notebook has one")


def _check_images(report: Report, number: int, tokens: list[Token]) -> None:
    for token in _walk(tokens):
        if token.type == "image":
            alt = "".join(c.content for c in token.children or []) or token.attrGet("alt") or ""
            if not str(alt).strip():
                report.add(number, "image-alt",
                           f"image {token.attrGet('src')!r} has no alt text: write ![what it "
                           "shows](...)")
        elif token.type in ("html_block", "html_inline"):
            for img in _HTML_IMG_RE.findall(token.content):
                if not _HTML_ALT_RE.search(img):
                    report.add(number, "image-alt", f"{img[:60]} has no alt text")


def _link_problem(href: str) -> str | None:
    """Why a link target is malformed, or None."""
    if not href.strip():
        return "an empty link target"
    if any(ch.isspace() for ch in href):
        return f"a space in the link target {href!r}"
    parsed = urlparse(href)
    if parsed.scheme in ("http", "https"):
        return None if parsed.netloc and "." in parsed.netloc else f"no host in {href!r}"
    if parsed.scheme == "mailto":
        return None if "@" in parsed.path else f"no address in {href!r}"
    if parsed.scheme:
        return f"the link scheme {parsed.scheme!r} in {href!r} (use https)"
    return None  # a relative path or an #anchor inside the course


def _check_links(report: Report, number: int, tokens: list[Token]) -> None:
    links: list[tuple[str, str]] = []
    for token in tokens:
        if token.type != "inline":
            if token.type == "html_block":
                links += [(_HREF_RE.search(a).group(1) if _HREF_RE.search(a) else "", text)
                          for a, text in _HTML_LINK_RE.findall(token.content)]
            continue
        children = token.children or []
        for i, child in enumerate(children):
            if child.type == "link_open":
                text = []
                for inner in children[i + 1:]:
                    if inner.type == "link_close":
                        break
                    text.append(inner.content)
                links.append((str(child.attrGet("href") or ""), "".join(text)))
            elif child.type == "text" and re.search(r"\]\s*\(|\[[^\]]*\]\s+\(", child.content):
                report.add(number, "link-syntax",
                           f"a link that did not render: {child.content.strip()[:60]!r}")
        inline_html = "".join(c.content for c in children if c.type == "html_inline")
        links += [(_HREF_RE.search(a).group(1) if _HREF_RE.search(a) else "", text)
                  for a, text in _HTML_LINK_RE.findall(inline_html)]
    for href, text in links:
        problem = _link_problem(href)
        if problem:
            report.add(number, "link-target", f"link {text!r}: {problem}")
        words = " ".join(_TAG_RE.sub("", text).split()).strip(" .:!").casefold()
        if words in VAGUE_LINK_TEXT or not words:
            report.add(number, "link-text",
                       f"link text {text!r} says nothing out of context; name the destination")


def _check_activities(report: Report, number: int, source: str) -> None:
    divs = _DIV_RE.findall(source)
    activity_divs = [d for d in divs if 'class="activity"' in d or _RED_RE.search(d)]
    openings = ACTIVITY_OPENING_RE.findall(source)
    for div in activity_divs:
        if div != ACTIVITY_DIV:
            report.add(number, "activity-style",
                       f"{div[:70]}... is not the course's activity block (docs/authoring.md)")
    if activity_divs and len(openings) != len(activity_divs):
        report.add(number, "activity-opening",
                   "an activity block must open with <strong style=\"color: #B00020;\">"
                   "Activity (N minutes): Verb.</strong>")
    if openings and not activity_divs:
        report.add(number, "activity-style",
                   "an activity opening outside the course's red activity block")
    plain = _TAG_RE.sub("", source)
    stray = len(re.findall(r"\bActivity\s*\(\s*\d", plain)) - len(openings)
    if stray > 0:
        report.add(number, "activity-opening",
                   "an 'Activity (...)' opening not in the form 'Activity (N minutes): Verb.' "
                   "inside the course's block")


def _without_comments(source: str) -> str:
    """Code with its ``#`` comments removed: a comment is not alt text a reader gets."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return "\n".join(line.split("#", 1)[0] for line in source.splitlines())
    return tokenize.untokenize((t.type, t.string) for t in tokens if t.type != tokenize.COMMENT)


def _check_figure(report: Report, cells: list, index: int) -> None:
    cell = cells[index]
    if not PLOT_RE.search(cell.source) or ALT_IN_CODE_RE.search(_without_comments(cell.source)):
        return
    nxt = cells[index + 1] if index + 1 < len(cells) else None
    if nxt is None or nxt.cell_type != "markdown" or not CAPTION_RE.match(nxt.source):
        report.add(index + 1, "figure-caption",
                   "this cell draws a figure; the next cell must be Markdown starting "
                   "'*Figure N.*' that states the finding in words (or set alt text)")


def _prose(tokens: list[Token]) -> str:
    """The words a learner reads: text of paragraphs, headings and lists, no code or URLs."""
    parts = []
    for token in tokens:
        if token.type == "inline":
            text = " ".join(c.content for c in token.children or [] if c.type == "text")
            parts.append(re.sub(r"https?://\S+", "", text).strip())
    return "\n".join(p if p.endswith((".", "?", "!", ":")) else p + "." for p in parts if p)


def reading_level(text: str) -> tuple[int, float | None, float | None]:
    """(words, Flesch reading ease, Flesch-Kincaid grade) of English prose.

    Words and sentences are counted by textstat; syllables by pyphen's hyphenation
    dictionary (textstat's own fallback), because textstat 0.7.13 otherwise downloads NLTK's
    CMU dictionary from GitHub at first use and the build must work offline. The formulas
    are Flesch's (1948) and Kincaid et al.'s (1975).
    """
    import pyphen
    import textstat

    words = textstat.lexicon_count(text)
    if not words:
        return 0, None, None
    sentences = max(1, textstat.sentence_count(text))
    dic = pyphen.Pyphen(lang="en_US")
    tokens = re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", text)
    syllables = sum(len(dic.positions(w.lower())) + 1 for w in tokens)
    per_sentence, per_word = words / sentences, syllables / max(1, len(tokens))
    ease = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    grade = 0.39 * per_sentence + 11.8 * per_word - 15.59
    return words, round(ease, 1), round(grade, 1)


def check_notebook(path: Path) -> Report:
    """All checks of one notebook."""
    nb = nbformat.read(path, as_version=4)
    report = Report(path)
    parsed = []
    prose = []
    for index, cell in enumerate(nb.cells):
        number = index + 1
        if cell.cell_type == "markdown":
            tokens = _md.parse(cell.source)
            parsed.append((number, tokens))
            _check_images(report, number, tokens)
            _check_links(report, number, tokens)
            _check_activities(report, number, cell.source)
            prose.append(_prose(tokens))
        elif cell.cell_type == "code":
            _check_figure(report, nb.cells, index)
    _check_headings(report, parsed)
    report.words, report.reading_ease, report.grade = reading_level(
        "\n".join(p for p in prose if p))
    report.findings.sort(key=lambda f: (f.cell, f.rule))
    return report


def notebooks(paths: Iterable[Path]) -> list[Path]:
    """Notebooks named, or found under folders (checkpoints left out)."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb":
            found.append(path)
    return found


def default_paths(root: Path = COURSE_ROOT) -> list[Path]:
    return [p for p in (source_dir(root), release_dir(root)) if p.is_dir()]


def _name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(COURSE_ROOT))
    except ValueError:
        return str(path)


def format_report(reports: list[Report]) -> str:
    """A Markdown report: a summary table, then every finding by notebook and cell."""
    failing = sum(1 for r in reports if r.findings)
    lines = ["# Accessibility report", "",
             f"{len(reports)} notebook(s) checked, {failing} with problems. Cell numbers are "
             "1-based, as in JupyterLab's status bar. Reading level is for information: "
             "Flesch reading ease (higher is easier; 60-70 is plain English) and "
             "Flesch-Kincaid grade (US school grade).", "",
             "| notebook | problems | words | reading ease | grade |", "|---|---:|---:|---:|---:|"]
    for r in reports:
        lines.append(f"| {_name(r.path)} | {len(r.findings)} | {r.words} | "
                     f"{'' if r.reading_ease is None else r.reading_ease} | "
                     f"{'' if r.grade is None else r.grade} |")
    for r in reports:
        if r.findings:
            lines += ["", f"## {_name(r.path)}", ""]
            lines += [f"- {'notebook' if f.cell == 0 else f'cell {f.cell}'} [{f.rule}]: "
                      f"{f.message}" for f in r.findings]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks or folders (default: source/ and release/)")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    reports = [check_notebook(p) for p in notebooks(args.paths or default_paths())]
    text = format_report(reports)
    print(text, end="")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    return 1 if any(r.findings for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
