"""The offer preparation worksheet: what a coach and client write down before an offer call.

One list of sections (:data:`SECTIONS`) feeds both forms of the worksheet, so they never
disagree: the fillable notebook built here (:func:`notebook`, plain nbformat, so it works in
a learner's environment) and the printable PDF drawn with fpdf2 by
``negotiation_course.grading.worksheet_pdf``, which the instructors' bundle tool runs. ``make
student-bundle`` writes both into ``coach-tools/``. The worksheet is blank: it holds prompts,
never a client's figures or an answer to a course exercise.

In the notebook the figures are Python numbers (``target = ...``) so :func:`review` can check
that they fit together (walk-away at or above the budget floor, target at or above the
reasonable figure, and so on); everything else is written in Markdown cells.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TITLE = "Offer preparation worksheet"
INTRO = (
    "Fill this in with your client before they answer an offer or ask for a raise. Write each "
    "figure with the evidence behind it. Keep the walk-away point to yourselves: it is never "
    "told to the employer. Do not write anything here that could identify a client if the "
    "sheet is lost; use initials or a code."
)


@dataclass(frozen=True)
class Figure:
    """A dollar figure the client fills in (a notebook variable, a box on the PDF)."""

    name: str
    label: str


@dataclass(frozen=True)
class Section:
    """One part of the worksheet: its heading, why it matters, what to write."""

    heading: str
    why: str
    prompts: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    table: tuple[str, ...] = ()  # column headings of a table to fill in
    rows: int = 0


SECTIONS: tuple[Section, ...] = (
    Section(
        "1. Market range",
        "What employers pay for this work in this place, so the ask rests on evidence.",
        prompts=("Occupation and its code (for example the SOC code on the BLS site)",
                 "Area (metro area or national) and the release (for example May 2025)",
                 "Source and how firm it is (the BLS flag, the date you checked it)"),
        figures=(Figure("market_25th", "25th percentile, dollars a year"),
                 Figure("market_median", "Median, dollars a year"),
                 Figure("market_75th", "75th percentile, dollars a year")),
    ),
    Section(
        "2. Budget floor",
        "The least the client can live on: a bare-bones yearly budget before tax.",
        prompts=("What the budget includes (rent, food, transport, insurance, loans, care, a "
                 "small cushion)",),
        figures=(Figure("budget_floor", "Budget floor, dollars a year before tax"),),
    ),
    Section(
        "3. Target, reasonable and walk-away",
        "Three figures written down before the call, each with its reason.",
        prompts=("Evidence for the target (market range, experience, skills the job asks for)",
                 "Evidence for the reasonable figure",
                 "Why the walk-away point is where it is (budget floor, best alternative)"),
        figures=(Figure("target", "Target: the ambitious figure to open with"),
                 Figure("reasonable", "Reasonable: what a fair outcome looks like"),
                 Figure("walk_away", "Walk-away: below this the client says no")),
    ),
    Section(
        "4. Alternatives (BATNA)",
        "The client's best alternative if this deal does not happen; the better it is, the "
        "more calmly the client can ask.",
        prompts=("The best alternative today (current job, another offer, further study)",
                 "How the client could improve it before the call"),
        figures=(Figure("batna_value", "What the best alternative is worth, dollars a year"),),
    ),
    Section(
        "5. Priorities across the package",
        "What to ask for, in order: the parts of the offer that matter most to the client, "
        "with what each is worth.",
        table=("Part of the package", "Offered now", "What to ask for", "Worth a year", "Rank"),
        rows=7,
        prompts=("Parts to consider: base pay, retirement match, the employer's share of the "
                 "health premium, paid days off, bonus target, sign-on bonus, start date, "
                 "title, remote work, a pay review date",),
    ),
    Section(
        "6. Script notes",
        "The client's own words for the moments that matter, practised aloud.",
        prompts=('"What are your salary expectations?"',
                 "A question about salary history",
                 "The ask, with the figure and its evidence",
                 '"This is our best offer" (and what else to ask for)',
                 "Asking for time, and the date to answer by",
                 "A competing offer, stated truthfully",
                 "Closing: ask for the final offer in writing"),
    ),
)


def figure_names() -> list[str]:
    """The notebook's variables, in worksheet order."""
    return [f.name for s in SECTIONS for f in s.figures]


def _markdown_blank(section: Section) -> str:
    lines = [f"## {section.heading}", "", section.why, ""]
    if section.table:
        lines += ["| " + " | ".join(section.table) + " |",
                  "|" + "---|" * len(section.table)]
        lines += ["| " + " | ".join(" " for _ in section.table) + " |"] * section.rows
        lines.append("")
    for prompt in section.prompts:
        lines += [f"**{prompt}:**", "", "(double-click here and write)", ""]
    return "\n".join(lines).rstrip() + "\n"


def notebook() -> Any:
    """The fillable worksheet as a notebook (nbformat 4), blank: every figure is ``...``."""
    import nbformat

    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(
            f"# {TITLE}\n\n{INTRO}\n\n**How to fill it in.** Double-click a text cell to "
            "write in it, then press **Shift + Enter**. In a grey code cell, replace each "
            "`...` with a number without a dollar sign or commas (write 61,500 as `61500`) "
            "and run the cell. The last cell checks that the figures fit together."),
        v4.new_code_cell("from negotiation_course import offer_worksheet"),
    ]
    for section in SECTIONS:
        cells.append(v4.new_markdown_cell(_markdown_blank(section)))
        if section.figures:
            width = max(len(f.name) for f in section.figures)
            cells.append(v4.new_code_cell("\n".join(
                f"{f.name:<{width}} = ...  # {f.label}" for f in section.figures)))
    cells.append(v4.new_markdown_cell(
        "## Check the figures\n\nRun the cell below. It lists the figures still to fill in "
        "and anything that does not fit together. It changes nothing."))
    cells.append(v4.new_code_cell("offer_worksheet.review(globals())"))
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    return nb


def _filled(value: Any) -> float | None:
    """A usable figure, or None for a blank (``...``), a text or a nonsense number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return float(value)


def problems(values: Mapping[str, Any]) -> list[str]:
    """What is missing or does not fit, in plain words (empty when the figures agree)."""
    out = []
    labels = {f.name: f.label for s in SECTIONS for f in s.figures}
    got: dict[str, float] = {}
    for name in figure_names():
        raw = values.get(name, ...)
        number = _filled(raw)
        if number is None:
            if raw is ... or raw is None:
                out.append(f"not filled in yet: {labels[name]} ({name})")
            else:
                out.append(f"{name} should be a number of dollars such as 61500, not {raw!r}")
        else:
            got[name] = number

    def order(low: str, high: str, why: str) -> None:
        if low in got and high in got and got[low] > got[high]:
            out.append(f"{low} ({got[low]:,.0f}) is above {high} ({got[high]:,.0f}): {why}")

    order("market_25th", "market_median", "the percentiles must rise")
    order("market_median", "market_75th", "the percentiles must rise")
    order("budget_floor", "walk_away", "a walk-away point below the budget floor would not "
          "pay the bills")
    order("batna_value", "walk_away", "accepting less than the best alternative leaves the "
          "client worse off (compare the whole package, not only the base)")
    order("walk_away", "reasonable", "the walk-away point is the least the client accepts")
    order("reasonable", "target", "the target is the ambitious figure to open with")
    return out


def review(values: Mapping[str, Any]) -> None:
    """Print the checks of :func:`problems` for the notebook's last cell."""
    found = problems(values)
    if not found:
        print("All figures are filled in and fit together. Now practise the script aloud.")
        return
    print("To look at before the call:")
    for line in found:
        print(f"- {line}")
