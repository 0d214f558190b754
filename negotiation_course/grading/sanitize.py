"""Learner content made inert before an instructor's browser renders it (issue 11.4).

Everything in an autograded notebook came from the learner's file or the learner's kernel:
Markdown (reflections and any prose cell the learner edited), raw cells, attachments, cell
and notebook metadata, and every output, since learner code can patch the course's helpers
and display anything. Formgrader and the feedback pages render that notebook in the
instructor's (or learner's) Jupyter origin, so an active byte there runs as that user.

:class:`SanitizeLearnerContent`, an nbgrader step registered in ``nbgrader_config.py``
right after ``SaveAutoGrades`` (so it never changes a score), rewrites the notebook
before it is stored in ``autograded/``:

* outputs keep only ``text/plain``, validated PNG/JPEG images (the course's plots) and the
  answer record the grader reads; HTML, JavaScript, SVG, Markdown, LaTeX, widgets and
  unknown types are dropped (a note in ``text/plain`` says so when nothing else is left);
  output metadata keeps numeric image sizes only (nbconvert writes ``width=`` unquoted);
* Markdown with raw HTML goes through bleach (as nbconvert's ``SanitizeHTML`` does, with the
  allow-lists below: formatting tags, a few CSS properties, links to http(s)/mailto/#,
  images from ``data:``/``attachment:`` only, no ``id``/``name``); Markdown that nbconvert
  would turn into active HTML by itself (``javascript:`` links, Mermaid blocks, ``\\href``
  in maths) is shown as plain text in a fenced block, so the instructor still reads it;
* raw cells are escaped, attachments keep valid images only, metadata keeps what nbgrader
  and the renderers need.

At render time :class:`SanitizeForBrowser` (``HTMLExporter.preprocessors``, so formgrader
and ``make feedback`` run it on every notebook, including ones graded before this step
existed) does the same and HTML-escapes the learner's id and names that formgrader's page
template prints unescaped; :func:`markdown2html` (``HTMLExporter.filters``) renders Markdown
with nbconvert's own renderer and sanitises the resulting HTML with the same policy, for
every Markdown cell and grader comment the templates show.
"""

from __future__ import annotations

import base64
import binascii
import functools
import html
import math
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import bleach
from bleach.css_sanitizer import CSSSanitizer
from jinja2 import pass_context
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.filters.markdown_mistune import InvalidNotebook, IPythonRenderer, MarkdownWithMath
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor

from .answer_key import ANSWER_MIME

#: Formatting tags a reflection or the course's own prose may use.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"})
#: Attributes per tag ("*": any tag). No event handlers, no id/name (they clobber the page's
#: own elements, e.g. formgrader's score inputs), no target/srcset/formaction.
ATTRIBUTES = {"*": {"class", "title", "lang", "style"}, "a": {"href"},
              "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan", "align"},
              "th": {"colspan", "rowspan", "align", "scope"}, "ol": {"start"}}
#: CSS a learner may set on their own elements (the course's red activity box uses the
#: first ones); nothing that positions an element over the instructor's page.
CSS_PROPERTIES = frozenset({
    "color", "background-color", "border", "border-left", "border-right", "border-top",
    "border-bottom", "border-color", "border-style", "border-width", "padding",
    "padding-left", "padding-right", "padding-top", "padding-bottom", "margin", "font-weight",
    "font-style", "font-size", "text-align", "text-decoration"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,",
                  "data:image/gif;base64,", "attachment:")
#: Output types kept: plain text, the course's plots, and the answer record the grader reads.
IMAGE_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
KEPT_MIMES = frozenset({"text/plain", ANSWER_MIME, *IMAGE_MAGIC})
CELL_METADATA = frozenset({"nbgrader", "tags", "jupyter", "collapsed", "scrolled",
                           "editable", "deletable"})
NOTEBOOK_METADATA = frozenset({"kernelspec", "language_info", "nbgrader", "jupytext"})
REMOVED_NOTE = ("[output removed by the grader: learner code displayed {kinds}; only text and "
                "images are shown]")
LITERAL_NOTE = ("**The grader shows this cell as plain text**: it held {why}, which could run "
                "a script in the reader's browser.")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
_MATH_LINK = re.compile(r"\\(?:href|url)\s*\{\s*([^}]*)\}")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.+-]{1,64}$")


def _scheme(value: str) -> tuple[str, str]:
    """The URL as a browser would read it (entities decoded, blanks gone) and its scheme."""
    url = _URL_JUNK.sub("", html.unescape(value))
    try:
        return url, urlsplit(url).scheme.lower()
    except ValueError:
        return url, "invalid"


def link_allowed(url: str) -> bool:
    """Links may go to a web page, an e-mail address or a place on the same page."""
    url, scheme = _scheme(url)
    return url.startswith("#") or scheme in LINK_SCHEMES


def image_allowed(url: str) -> bool:
    """Images come with the notebook (inline data or cell attachments), never from a server:
    a remote image would tell the learner when, and from where, the instructor looked."""
    url, _ = _scheme(url)
    return url.lower().startswith(IMAGE_PREFIXES)


def attribute_allowed(tag: str, name: str, value: str) -> bool:
    """bleach's attribute filter: the allow-list above plus the URL rules."""
    if name not in ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set()):
        return False
    if name == "href":
        return link_allowed(value)
    if name == "src":
        return image_allowed(value)
    return True


CLEANER = bleach.Cleaner(tags=TAGS, attributes=attribute_allowed,
                         protocols=[*LINK_SCHEMES, "data", "attachment"], strip=False,
                         strip_comments=True,
                         css_sanitizer=CSSSanitizer(allowed_css_properties=CSS_PROPERTIES))


def clean_html(text: str) -> str:
    """HTML with every tag, attribute, style and URL outside the policy escaped or removed."""
    return CLEANER.clean(text)


# --- Markdown ---------------------------------------------------------------------------

def _tokens(source: str) -> list[dict]:
    """nbconvert's own Markdown parser (the one formgrader and feedback render with)."""
    return MarkdownWithMath(renderer=None)(source)


def _walk(tokens: Iterable[dict]) -> Iterable[dict]:
    for token in tokens:
        yield token
        yield from _walk(token.get("children") or [])


def markdown_risks(source: str, attachments: Iterable[str] = ()) -> tuple[bool, list[str]]:
    """(has raw HTML, what nbconvert would turn into active HTML or fail to render)."""
    has_html, risks, attached = False, [], set(attachments)
    for token in _walk(_tokens(source)):
        kind, attrs = token.get("type", ""), token.get("attrs") or {}
        if kind in ("inline_html", "block_html"):
            has_html = True
        elif kind == "link" and not link_allowed(str(attrs.get("url", ""))):
            risks.append("a link to a script address")
        elif kind == "image" and not image_allowed(str(attrs.get("url", ""))):
            risks.append("an image from outside the notebook")
        elif kind == "image" and str(attrs.get("url", "")).startswith("attachment:") and (
                str(attrs["url"]).removeprefix("attachment:") not in attached):
            risks.append("a missing image attachment (nbconvert stops at it)")
        elif kind == "block_code" and str(attrs.get("info", "")).lower().startswith("mermaid"):
            risks.append("a Mermaid diagram (nbconvert inserts it unescaped)")
        elif kind in ("inline_math", "block_math") and any(
                not link_allowed(u) for u in _MATH_LINK.findall(token.get("raw", ""))):
            risks.append("a maths link to a script address")
    return has_html, sorted(set(risks))


def literal(source: str, why: str) -> str:
    """``source`` as a fenced block (inert in every Markdown renderer), with a note."""
    longest = max((len(m) for m in re.findall(r"~+", source)), default=0)
    fence = "~" * max(4, longest + 1)
    return f"{LITERAL_NOTE.format(why=why)}\n\n{fence}text\n{source}\n{fence}"


#: Markdown cells up to this size are remembered once sanitised (per process).
_REMEMBERED_CHARS = 20_000


def sanitize_markdown(source: str, attachments: Iterable[str] = ()) -> str:
    """Plain Markdown unchanged; raw HTML sanitised; script-capable Markdown made literal.

    ``attachments``: names of the cell's (already sanitised) image attachments.
    """
    attachments = frozenset(attachments)
    if isinstance(source, str) and len(source) <= _REMEMBERED_CHARS:
        return _sanitize_remembered(source, attachments)
    return _sanitize(source, attachments)


@functools.lru_cache(maxsize=4096)
def _sanitize_remembered(source: str, attachments: frozenset[str]) -> str:
    """Why: most Markdown cells are the lesson's own, the same in every submission; parsing
    each again is ~5% of a graded notebook's grader time. The result depends only on the
    text and the attachment names, so it is computed once per process."""
    return _sanitize(source, attachments)


def _sanitize(source: str, attachments: frozenset[str]) -> str:
    has_html, risks = markdown_risks(source, attachments)
    if not has_html and not risks:
        return source
    if risks:
        return literal(source, ", ".join(risks))
    cleaned = clean_html(source)
    _, risks = markdown_risks(cleaned, attachments)  # escaping adds no link; check anyway
    return literal(source, ", ".join(risks)) if risks else cleaned


@pass_context
def markdown2html(context: Any, source: str) -> str:
    """nbconvert's ``markdown2html`` filter, then :func:`clean_html` on what it rendered.

    Registered as ``HTMLExporter.filters["markdown2html"]``, so formgrader's and the
    feedback template's own Markdown blocks (which never call nbconvert's ``clean_html``)
    and the grader comments they print are sanitised too.
    """
    cell = context.get("cell", {}) or {}
    path = (context.get("resources", {}) or {}).get("metadata", {}).get("path", "")
    renderer = IPythonRenderer(escape=False, attachments=cell.get("attachments", {}) or {},
                               path=path)
    try:
        rendered = MarkdownWithMath(renderer=renderer).render(source or "")
    except InvalidNotebook:  # e.g. a missing attachment: show the text, not an error page
        return f"<pre>{html.escape(source or '')}</pre>"
    return clean_html(rendered)


# --- outputs ----------------------------------------------------------------------------

def _image(mime: str, data: Any) -> str | None:
    """Base64 image data, normalised, if it really is an image of that type."""
    if not isinstance(data, str):
        return None
    compact = "".join(data.split())
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
    return compact if raw.startswith(IMAGE_MAGIC[mime]) else None


def _size(value: Any) -> int | float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return value if ok and math.isfinite(value) and 0 < value < 100_000 else None


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


def clean_output(out: NotebookNode) -> NotebookNode | None:
    """One output reduced to what renders inertly (``None``: nothing left to show)."""
    kind = out.get("output_type")
    if kind == "stream":
        name = out.get("name") if out.get("name") in ("stdout", "stderr") else "stdout"
        return from_dict({"output_type": "stream", "name": name,
                          "text": _text(out.get("text", ""))})
    if kind == "error":
        return from_dict({"output_type": "error", "ename": _text(out.get("ename", "")),
                          "evalue": _text(out.get("evalue", "")),
                          "traceback": [_text(t) for t in out.get("traceback", []) or []]})
    if kind not in ("display_data", "execute_result"):
        return None
    data, metadata, dropped = {}, {}, []
    for mime, value in (out.get("data") or {}).items():
        if mime in IMAGE_MAGIC:
            image = _image(mime, value)
            if image is None:
                dropped.append(f"{mime} that is not a valid image")
                continue
            data[mime] = image
            sizes = (out.get("metadata") or {}).get(mime) or {}
            kept = {k: _size(sizes.get(k)) for k in ("width", "height")
                    if isinstance(sizes, dict)}
            if any(v is not None for v in kept.values()):
                metadata[mime] = {k: v for k, v in kept.items() if v is not None}
        elif mime == "text/plain":
            data[mime] = _text(value)
        elif mime == ANSWER_MIME:
            data[mime] = value
        else:
            dropped.append(str(mime))
    if dropped and "text/plain" not in data:
        data["text/plain"] = REMOVED_NOTE.format(kinds=", ".join(sorted(set(dropped))))
    if not data:
        return None
    clean = {"output_type": kind, "data": data, "metadata": metadata}
    if kind == "execute_result":
        count = out.get("execution_count")
        clean["execution_count"] = count if isinstance(count, int) else None
    return from_dict(clean)


def _clean_cell_metadata(meta: dict) -> dict:
    kept = {k: v for k, v in meta.items() if k in CELL_METADATA}
    if "tags" in kept:
        tags = kept["tags"] if isinstance(kept["tags"], list) else []
        kept["tags"] = [t for t in tags if isinstance(t, str) and _SAFE_NAME.match(t)]
    if "jupyter" in kept:
        jup = kept["jupyter"] if isinstance(kept["jupyter"], dict) else {}
        kept["jupyter"] = {k: bool(v) for k, v in jup.items()
                           if k in ("source_hidden", "outputs_hidden")}
    for flag in ("collapsed", "scrolled", "editable", "deletable"):
        if flag in kept and not isinstance(kept[flag], bool):
            del kept[flag]
    return kept


def _clean_notebook_metadata(meta: dict) -> dict:
    kept = {k: v for k, v in meta.items() if k in NOTEBOOK_METADATA}
    info = kept.get("language_info")
    if isinstance(info, dict):
        kept["language_info"] = {k: v for k, v in info.items()
                                 if isinstance(v, str) and _SAFE_NAME.match(v)}
    elif "language_info" in kept:
        del kept["language_info"]
    return kept


# --- the preprocessors ------------------------------------------------------------------

class SanitizeLearnerContent(NbGraderPreprocessor):
    """Store an autograded notebook with nothing active in it (see the module docstring)."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        nb.metadata = from_dict(_clean_notebook_metadata(dict(nb.get("metadata", {}))))
        for index, cell in enumerate(nb.cells):
            nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        return nb, resources

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        cell.metadata = from_dict(_clean_cell_metadata(dict(cell.get("metadata", {}))))
        source = _text(cell.get("source", ""))
        if "attachments" in cell:
            cell.attachments = self._attachments(cell.attachments)
        if cell.cell_type == "markdown":
            cell.source = sanitize_markdown(source, cell.get("attachments", {}))
        elif cell.cell_type == "raw":
            cell.source = clean_html(source)
        elif cell.cell_type == "code":
            cell.outputs = self.sanitize_code_outputs(cell.get("outputs", []))
        return cell, resources

    def sanitize_code_outputs(self, outputs: list) -> list:
        return [c for c in (clean_output(o) for o in outputs or []) if c is not None]

    @staticmethod
    def _attachments(attachments: Any) -> NotebookNode:
        kept = {}
        for name, bundle in (attachments or {}).items():
            if not isinstance(bundle, dict) or not _SAFE_NAME.match(str(name)):
                continue
            images = {m: img for m, img in ((m, _image(m, v)) for m, v in bundle.items()
                                             if m in IMAGE_MAGIC) if img}
            if images:
                kept[name] = images
        return from_dict(kept)


#: Values formgrader's submission page prints unescaped into HTML (text and attributes).
ESCAPED_RESOURCES = ("student", "first_name", "last_name", "notebook_path", "filename")


class SanitizeForBrowser(SanitizeLearnerContent):
    """At render time: the notebook as above, and the learner's id and names escaped."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        nb, resources = super().preprocess(nb, resources)
        if resources is not None and not resources.get("escaped_for_html"):
            for key in ESCAPED_RESOURCES:
                if isinstance(resources.get(key), str):
                    resources[key] = html.escape(resources[key], quote=True)
            resources["escaped_for_html"] = True
        return nb, resources
