"""Plotting helpers shared by the lessons and the researchers' notebooks.

Every chart follows the course's figure rules (docs/authoring.md, COURSE.md §1):

- colours from the Okabe-Ito palette, which stays distinguishable for the common forms of
  colour blindness;
- a different marker (lines) or hatch (bars) for every series, so no chart relies on colour
  alone, plus a legend whenever there is more than one series;
- a ``Source: ...`` line under the plot, normally the text of ``data.cite(name)``.

Each helper builds one chart from tidy pandas data and returns the matplotlib ``Figure``.
The figure is closed in pyplot before it is returned, so a notebook cell that ends with the
call shows it exactly once, and a script or test that makes many charts does not pile up
open figures. The helpers only draw what they are given: they never select, compute or
round the figures a lesson asks about.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from itertools import cycle

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

#: The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colour order for series: strong contrasts first; yellow (weak on white) last.
PALETTE: list[str] = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green",
                                             "reddish_purple", "orange", "sky_blue",
                                             "black", "yellow")]
#: One marker per series, so lines differ in shape as well as colour.
MARKERS: list[str] = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: One hatch per bar series, so bars differ in texture as well as colour.
HATCHES: list[str] = ["", "//", "..", "xx", "\\\\", "--", "++", "oo"]

SOURCE_FONTSIZE = 8
_SOURCE_WRAP = 110  # characters per source line at the default 8-inch width

SeriesLike = pd.Series | pd.DataFrame | Mapping[str, pd.Series]


def _as_series_dict(data: SeriesLike, label: str | None) -> dict[str, pd.Series]:
    """Normalise one series, a DataFrame (one column per series) or a mapping of series."""
    if isinstance(data, pd.Series):
        return {label or str(data.name or ""): data}
    if isinstance(data, pd.DataFrame):
        return {str(col): data[col] for col in data.columns}
    if isinstance(data, Mapping):
        return {str(k): pd.Series(v) for k, v in data.items()}
    raise TypeError("give a pandas Series, a DataFrame or a dict of Series, "
                    f"not {type(data).__name__}")


def source_text(source: str) -> str:
    """The caption line under a figure: ``Source: ...``, wrapped to the figure width."""
    text = " ".join(str(source).split())
    if not text:
        raise ValueError("every course figure needs a source line (use data.cite(name))")
    if not text.lower().startswith("source"):
        text = "Source: " + text
    return "\n".join(textwrap.wrap(text, _SOURCE_WRAP))


def _new_figure(source: str, size: tuple[float, float]) -> tuple[Figure, plt.Axes]:
    """A figure with one axes and room at the bottom for the source line."""
    caption = source_text(source)
    lines = caption.count("\n") + 1
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    bottom = min(0.4, (0.12 + 0.16 * lines) / size[1])
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    fig.text(0.01, 0.01, caption, ha="left", va="bottom", fontsize=SOURCE_FONTSIZE,
             color="#333333")
    return fig, ax


def _finish(fig: Figure, ax: plt.Axes, *, title: str, xlabel: str, ylabel: str,
            legend: bool) -> Figure:
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend:
        ax.legend(frameon=False)
    plt.close(fig)  # shown once by the notebook's display, never twice
    return fig


def _segments(series: pd.Series, breaks: Sequence[float]) -> list[pd.Series]:
    """Split a series at each break so that no line segment crosses it."""
    s = series.sort_index()
    edges = [float("-inf"), *sorted(breaks), float("inf")]
    parts = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        part = s[(s.index >= lo) & (s.index < hi)]
        if len(part):
            parts.append(part)
    return parts


def line_chart(data: SeriesLike, *, source: str, title: str = "", xlabel: str = "",
               ylabel: str = "", label: str | None = None, breaks: Iterable[float] = (),
               break_note: str = "", join_gaps: bool = False,
               ylim: tuple[float, float] | None = None,
               size: tuple[float, float] = (8, 4.5)) -> Figure:
    """A line chart of one or several series, each with its own colour and marker.

    ``data``: a Series (index = x, e.g. years), a DataFrame with one column per series, or a
    dict ``{label: Series}``. Missing values (NaN) leave a gap, unless ``join_gaps`` is true:
    then the line runs straight from one observed point to the next (for series observed at
    irregular dates, such as a group missing from one edition of a fact sheet). ``breaks``:
    x values where the measure changes (a new survey universe, say); lines are never joined
    across them, and ``break_note`` labels a dotted vertical line at each break.
    """
    series = _as_series_dict(data, label)
    if not series:
        raise ValueError("line_chart needs at least one series")
    breaks = list(breaks)
    fig, ax = _new_figure(source, size)
    for (name, s), colour, marker in zip(series.items(), cycle(PALETTE), cycle(MARKERS)):
        for i, part in enumerate(_segments(s.dropna() if join_gaps else s, breaks)):
            ax.plot(part.index, part.to_numpy(dtype=float), color=colour, marker=marker,
                    markersize=4, linewidth=1.8, label=name if i == 0 else None)
    for b in breaks:
        ax.axvline(b, color="#555555", linestyle=":", linewidth=1)
        if break_note:
            ax.annotate(break_note, xy=(b, 1), xycoords=("data", "axes fraction"),
                        xytext=(4, -4), textcoords="offset points", ha="left", va="top",
                        fontsize=SOURCE_FONTSIZE, color="#333333")
    if ylim is not None:
        ax.set_ylim(*ylim)
    return _finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel,
                   legend=len(series) > 1)


def bar_chart(data: SeriesLike, *, source: str, title: str = "", xlabel: str = "",
              ylabel: str = "", label: str | None = None, horizontal: bool = False,
              value_labels: bool = True, fmt: str = "{:g}",
              size: tuple[float, float] = (8, 4.5)) -> Figure:
    """A bar chart: one Series (index = categories) or grouped bars (one column per group).

    Each group of bars gets its own colour and hatch and the legend names it; with
    ``value_labels`` every bar is labelled with its value (formatted with ``fmt``), so the
    numbers can be read without judging bar lengths or colours.
    """
    series = _as_series_dict(data, label)
    if not series:
        raise ValueError("bar_chart needs at least one series")
    frame = pd.DataFrame(series)
    fig, ax = _new_figure(source, size)
    n = len(frame.columns)
    width = 0.8 / n
    positions = range(len(frame.index))
    for j, (name, colour, hatch) in enumerate(zip(frame.columns, cycle(PALETTE),
                                                  cycle(HATCHES))):
        offsets = [p - 0.4 + width * (j + 0.5) for p in positions]
        values = frame[name].to_numpy(dtype=float)
        draw = ax.barh if horizontal else ax.bar
        bars = draw(offsets, values, width, color=colour, hatch=hatch, edgecolor="white",
                    label=name if n > 1 else None)
        if value_labels:
            texts = ["" if pd.isna(v) else fmt.format(v) for v in values]
            ax.bar_label(bars, labels=texts, padding=2, fontsize=9)
    ticks, names = list(positions), [str(i) for i in frame.index]
    if horizontal:
        ax.set_yticks(ticks, names)
        ax.invert_yaxis()  # first category on top, as read
    else:
        ax.set_xticks(ticks, names)
    fig = _finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, legend=n > 1)
    ax.grid(False, axis="y" if horizontal else "x")
    return fig
