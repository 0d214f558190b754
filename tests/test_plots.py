"""The shared plotting helpers keep the course's figure rules (docs/authoring.md, Figures)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from negotiation_course import plots  # noqa: E402

YEARS = pd.Series([0.60, 0.65, np.nan, 0.80, 0.83], index=[2000, 2001, 2002, 2003, 2004])


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts]


def test_palette_is_okabe_ito_and_every_series_gets_its_own_marker_and_hatch():
    assert {c.upper() for c in plots.PALETTE} == {c.upper() for c in plots.OKABE_ITO.values()}
    assert plots.OKABE_ITO["vermillion"] == "#D55E00"
    assert plots.OKABE_ITO["blue"] == "#0072B2"
    assert len(set(plots.MARKERS)) == len(plots.PALETTE) == len(set(plots.HATCHES))


def test_line_chart_returns_closed_figure_with_source_line_and_labels():
    fig = plots.line_chart(YEARS, source="U.S. Census Bureau, P60-282, Table A-7",
                           title="A title", xlabel="Year", ylabel="Ratio", label="women/men")
    assert isinstance(fig, Figure)
    assert not plt.fignum_exists(fig.number)  # closed: a notebook shows it once
    assert _texts(fig) == ["Source: U.S. Census Bureau, P60-282, Table A-7"]
    ax = fig.axes[0]
    assert (ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()) == (
        "A title", "Year", "Ratio")
    assert ax.get_legend() is None  # one series: no legend needed


def test_source_prefix_is_not_doubled_and_long_sources_wrap():
    assert plots.source_text("Source: Pew") == "Source: Pew"
    long = plots.source_text("word " * 60)
    assert long.startswith("Source: word") and "\n" in long
    assert max(len(line) for line in long.splitlines()) <= 110


def test_missing_source_is_refused():
    with pytest.raises(ValueError, match="source"):
        plots.line_chart(YEARS, source="  ")


def test_several_series_differ_in_colour_and_marker_and_have_a_legend():
    fig = plots.line_chart({"a": YEARS, "b": YEARS - 0.1, "c": YEARS - 0.2}, source="x")
    lines = fig.axes[0].get_lines()
    assert len({to_hex(line.get_color()) for line in lines}) == 3
    assert len({line.get_marker() for line in lines}) == 3
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b", "c"]


def test_nan_leaves_a_gap_rather_than_a_joined_line():
    (line,) = plots.line_chart(YEARS, source="x").axes[0].get_lines()
    assert np.isnan(line.get_ydata()).sum() == 1


def test_join_gaps_joins_across_missing_values_but_never_across_a_break():
    s = pd.Series([60, np.nan, 64, 55, np.nan, 57], index=[2018, 2019, 2020, 2024, 2025, 2026])
    lines = plots.line_chart(s, source="x", breaks=[2024], join_gaps=True).axes[0].get_lines()
    segments = sorted(tuple(ln.get_xdata()) for ln in lines if ln.get_linestyle() != ":")
    assert segments == [(2018, 2020), (2024, 2026)]


def test_breaks_split_a_series_into_unjoined_segments_with_one_legend_entry():
    s = pd.Series([60, 62, 64, 66, 55, 57], index=[2018, 2019, 2020, 2021, 2024, 2025])
    fig = plots.line_chart({"group": s, "other": s + 5}, source="x", breaks=[2024],
                           break_note="new universe")
    ax = fig.axes[0]
    data_lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2
                  or ln.get_linestyle() != ":"]
    xs = sorted(tuple(ln.get_xdata()) for ln in data_lines)
    assert (2018, 2019, 2020, 2021) in xs and (2024, 2025) in xs
    for ln in data_lines:  # no segment crosses the break
        x = list(ln.get_xdata())
        assert max(x) < 2024 or min(x) >= 2024
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["group", "other"]
    assert "new universe" in [t.get_text() for t in ax.texts]


def test_dataframe_columns_become_series():
    frame = pd.DataFrame({"men": [1, 2], "women": [0.5, 1.5]}, index=[2000, 2001])
    fig = plots.line_chart(frame, source="x")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["men", "women"]


def test_wrong_input_type_gets_a_plain_message():
    with pytest.raises(TypeError, match="Series"):
        plots.line_chart([1, 2, 3], source="x")


def test_bar_chart_labels_values_and_uses_hatches_for_groups():
    frame = pd.DataFrame({"1970": [6.9, 6.1], "2016": [8.7, 10.7]}, index=["All", "Asian"])
    fig = plots.bar_chart(frame, source="Pew Research Center", horizontal=True)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All", "Asian"]
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == ["10.7", "6.1", "6.9", "8.7"]
    hatches = {p.get_hatch() or "" for p in ax.patches}
    assert len(hatches) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1970", "2016"]
    assert _texts(fig) == ["Source: Pew Research Center"]


def test_bar_chart_single_series_with_missing_value_has_no_label_for_it():
    s = pd.Series([61.0, np.nan, 12.0], index=["cash", "unknown", "could not pay"])
    fig = plots.bar_chart(s, source="x", fmt="{:.0f}%")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cash", "unknown", "could not pay"]
    assert sorted(t.get_text() for t in ax.texts if t.get_text()) == ["12%", "61%"]
    assert ax.get_legend() is None


def test_figures_render_to_png():
    import io

    buf = io.BytesIO()
    plots.bar_chart(pd.Series([1, 2], index=["a", "b"]), source="x").savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")
