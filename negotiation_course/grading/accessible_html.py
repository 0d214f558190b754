"""Colours for every HTML page the course renders for learners (feedback, rendered lessons).

axe-core found the stock pages below WCAG 2 AA: grey ``In [ ]:`` prompts (2.2:1), Pygments
comments (4.2:1) and numbers (4.3:1), and links told from text by colour alone. Here one
Pygments style whose every colour has at least 4.5:1 on the code backgrounds in use
(white to #eeeeee), prompt colours that do too, and underlined links. Contrast ratios are in
the comments so a change can be checked without a browser; tests/browser/test_axe.py checks
the rendered pages with axe-core in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from pygments.style import Style
from pygments.token import Comment, Error, Generic, Keyword, Name, Number, Operator, String, Token
from traitlets import Type, Unicode, Union
from traitlets.config import Config


class CourseHighlight(Style):
    """Pygments colours with >= 4.5:1 on #eeeeee (ratios on white / #eeeeee)."""

    name = "course-a11y-light"
    background_color = "#f7f7f7"
    highlight_color = "#fff3b0"
    styles = {
        Token: "#1f1f1f",                      # 16.5 / 14.2
        Comment: "italic #5e5e5e",             # 6.5 / 5.6
        Keyword: "bold #7928a1",               # 8.0 / 6.9
        Operator: "#1f1f1f",
        Operator.Word: "bold #7928a1",
        Name.Builtin: "#1b6b1b",               # 6.6 / 5.7
        Name.Function: "#0b5ea8",              # 6.6 / 5.7
        Name.Class: "bold #0b5ea8",
        Name.Namespace: "bold #0b5ea8",
        Name.Decorator: "#7928a1",
        Name.Exception: "bold #b3141b",        # 6.9 / 6.0
        String: "#1b6b1b",
        String.Escape: "bold #8a4b00",         # 6.8 / 5.9
        String.Interpol: "bold #8a4b00",
        Number: "#a0410d",                     # 6.5 / 5.6
        Generic.Heading: "bold #303f9f",       # 9.0 / 7.7
        Generic.Subheading: "bold #7928a1",
        Generic.Deleted: "#b3141b",
        Generic.Inserted: "#1b6b1b",
        Generic.Error: "#b3141b",
        Generic.Emph: "italic",
        Generic.Strong: "bold",
        Generic.Prompt: "bold #303f9f",
        Generic.Output: "#1f1f1f",
        Generic.Traceback: "#0b5ea8",
        Error: "#b3141b",
    }


#: Prompts, ANSI colours in outputs and links (ratios on white). ``!important`` because
#: the templates' own rules (``.jp-RenderedHTMLCommon a``, prompt opacity) come later.
EXTRA_CSS = """
div.prompt, div.input_prompt, div.prompt.empty,
.jp-InputPrompt, .jp-InputArea-prompt, .jp-Cell-inputArea .jp-InputPrompt {
  color: #303f9f !important; opacity: 1 !important; }                         /* 9.0 */
div.output_prompt, .jp-OutputPrompt, .jp-OutputArea-prompt {
  color: #b5360a !important; opacity: 1 !important; }                         /* 6.0 */
a, a:visited, .jp-RenderedHTMLCommon a, .jp-RenderedHTMLCommon a:visited,
div.nbgrader_cell .panel-heading a {
  color: #0b5ea8 !important; text-decoration: underline !important; }         /* 6.6 */
a:hover, a:focus { color: #082f5a !important; }
/* nbgrader's blue panel headings: white text and links (4.5:1 on #337ab7) */
div.nbgrader_cell.panel-primary > .panel-heading a { color: #ffffff !important; }
.ansi-green-fg { color: #1b6b1b !important; }
.ansi-red-fg { color: #b3141b !important; }
.ansi-yellow-fg { color: #8a4b00 !important; }
.ansi-blue-fg { color: #0b5ea8 !important; }
.ansi-cyan-fg { color: #0b5e6b !important; }
.ansi-magenta-fg { color: #7928a1 !important; }
.text-muted { color: #5e5e5e !important; }
/* IPython's 256-colour tracebacks print inline colours below 4.5:1 on the output grey */
span[style*="rgb(0,135,0)"] { color: #1b6b1b !important; }
span[style*="rgb(0,135,135)"] { color: #0b5e6b !important; }
span[style*="rgb(135,135,0)"] { color: #8a4b00 !important; }
span[style*="rgb(175,95,0)"] { color: #8a4b00 !important; }
span[style*="rgb(0,175,0)"] { color: #1b6b1b !important; }
span[style*="rgb(0,175,175)"] { color: #0b5e6b !important; }
.ansi-green-intense-fg { color: #1b6b1b !important; }
.ansi-cyan-intense-fg { color: #0b5e6b !important; }
.ansi-yellow-intense-fg { color: #8a4b00 !important; }
"""


class AccessibleCSS(CSSHTMLHeaderPreprocessor):
    """nbconvert's header CSS with the course's highlight style and :data:`EXTRA_CSS` last."""

    style = Union([Unicode(), Type(klass=Style)], default_value=CourseHighlight,
                  help="Pygments style").tag(config=True)

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        resources["inlining"]["css"].append(EXTRA_CSS)
        return nb, resources


def configure(config: Config) -> Config:
    """Make every HTML export under ``config`` use the accessible colours (runs last)."""
    config.CSSHTMLHeaderPreprocessor.style = CourseHighlight
    # nbconvert's own header preprocessor runs after the listed ones and would replace the
    # CSS: switch it off (the subclass's own section wins for AccessibleCSS).
    config.CSSHTMLHeaderPreprocessor.enabled = False
    config.AccessibleCSS.enabled = True
    existing = [p for p in config.HTMLExporter.get("preprocessors", []) if p is not AccessibleCSS]
    config.HTMLExporter.preprocessors = [*existing, AccessibleCSS]
    return config


def add_lang(html: str, lang: str = "en") -> str:
    """``html`` whose ``<html>`` element names its language (screen readers pick a voice)."""
    return html.replace("<html>", f'<html lang="{lang}">', 1)


def focusable_outputs(html: str) -> str:
    """Outputs a keyboard can reach and scroll (classic template: long tracebacks scroll)."""
    html = re.sub(r'<div class="(output_subarea[^"]*)"', r'<div tabindex="0" class="\1"', html)
    return html.replace("<pre>", '<pre tabindex="0">')


def finish_page(html: str) -> str:
    """What nbgrader's feedback template leaves out: the language, focusable outputs."""
    return focusable_outputs(add_lang(html))


def render_notebook(path: Path, template: str = "lab") -> str:
    """A lesson notebook as learner-safe, accessible HTML (nbconvert's default template)."""
    from nbconvert import HTMLExporter

    from . import sanitize

    config = Config()
    config.HTMLExporter.template_name = template
    config.HTMLExporter.preprocessors = [sanitize.SanitizeForBrowser]
    config.HTMLExporter.filters = {"markdown2html": sanitize.markdown2html}
    config.HTMLExporter.sanitize_html = True
    configure(config)
    body, _ = HTMLExporter(config=config).from_notebook_node(nbformat.read(path, as_version=4))
    return add_lang(body)
