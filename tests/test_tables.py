"""The course's table helpers return exactly what the lesson cells computed before.

Each ``_before_*`` function is the code a lesson's data cell held before its tidying moved
into :mod:`negotiation_course.tables` (copied from the cell, unchanged); the helper must give
the same object: same values, index, columns, names and dtypes.
"""

# The ``_before_*`` functions are the lesson cells' code copied unchanged, long lines included.
# ruff: noqa: E501

from __future__ import annotations

import pandas as pd
import pytest

from negotiation_course import data, tables


def _same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    else:
        pd.testing.assert_series_equal(a, b, check_exact=True)


# --- Lesson 1 ----------------------------------------------------------------------------------


def _before_census():
    census = data.load("census_p60_282_a7_earnings_by_sex")
    census = census[census["preferred_row"]].set_index("year")  # one row per year
    return census[["female_ftyr_median_usd2023", "male_ftyr_median_usd2023",
                   "female_to_male_ratio_ftyr"]]


def _before_pew():
    pew = data.load("pew_hourly_ratio_points")
    return pew[(pew["edition"] == "2023-03") & (pew["age_group"] == "16+")][
        ["edition", "data_year", "women_pct_of_men", "flag"]]


def _before_npwf():
    npwf = data.load("npwf_cents_on_dollar")
    return npwf[npwf["flag"].isin(["P", "P*"])]


def _before_npwf_2021():
    npwf_2021 = _before_npwf()
    npwf_2021 = npwf_2021[npwf_2021["publication_date"] == "2021-03"].set_index(
        "group")["cents_per_dollar"]
    return npwf_2021[["white", "black", "latina", "aapi"]]


def _before_dol_cents():
    dol = data.load("dol_wb_2019_ratios_by_race")
    return (dol.set_index("group")["ratio_to_white_nh_men"] * 100).round()


def _before_npwf_lines():
    npwf = _before_npwf()
    dated = npwf.dropna(subset=["publication_date"])
    dates = dated["publication_date"].astype("str")  # "2021-03" -> 2021.17 (year + month / 12)
    dated = dated.assign(edition=dates.str[:4].astype(float) + (dates.str[5:7].astype(float) - 1) / 12)
    groups = {"black": "Black women", "latina": "Latinas", "native_american": "Native American women",
              "white": "white non-Hispanic women"}
    return dated[dated["group"].isin(groups)].pivot_table(
        index="edition", columns="group", values="cents_per_dollar", observed=True).rename(columns=groups)


def _before_ratios():
    ratios = data.load("pew_2018_ratio_90_10").pivot_table(
        index="group", columns="year", values="ratio_90_10", observed=False)
    ratios.columns = ratios.columns.astype(str)
    return ratios


def _before_shed_table():
    shed = data.load("shed_400_headline")
    main = shed[(shed["wave"] == "main") & (shed["flag"] != "derived")
                & shed["survey_year"].between(2013, 2023)]
    return main.pivot_table(index="survey_year", columns="measure", values="value_pct",
                            aggfunc="max", observed=True)


def _before_options_2018():
    options = data.load("shed_400_how_would_pay")
    options_2018 = options[(options["survey_year"] == 2018) & (options["wave"] == "main")]
    options_2018 = options_2018.set_index("option")["value_pct"].dropna()
    options_2018.index = options_2018.index.astype(str).str.replace("_", " ")
    return options_2018


def _before_options_rows():
    options = data.load("shed_400_how_would_pay")
    return options[options["survey_year"] == 2018]


# --- Lesson 2 ----------------------------------------------------------------------------------


def _before_dollars():
    ecec = data.load("bls_ecec_compensation")
    june_2025 = ecec[(ecec["reference_period"] == "2025-06")
                     & (ecec["measure"] == "cost_per_hour_worked")]
    return june_2025.pivot(index="sector", columns="component", values="value")


def _before_shares():
    ecec = data.load("bls_ecec_compensation")
    shares = ecec[(ecec["reference_period"] == "2025-06")
                  & (ecec["measure"] == "share_of_total_compensation")]
    return shares.pivot(index="sector", columns="component", values="value")


def _before_by_age():
    pew = data.load("pew_hourly_ratio_points")
    by_age = pew[(pew["edition"] == "2023-03") & (pew["data_year"] == 2022)]
    by_age = by_age.set_index("age_group")["women_pct_of_men"]
    return by_age.rename({"16+": "All ages (16+)"})


def _before_by_age_rows():
    pew = data.load("pew_hourly_ratio_points")
    return pew[(pew["edition"] == "2023-03") & (pew["data_year"] == 2022)]


def _before_research():
    evidence = data.load("negotiation_evidence")
    studies = ["babcock_laschever_2003", "leibbrandt_list_2015", "artz_goodall_oswald_2018",
               "kugler_et_al_2018", "mazei_et_al_2015", "bowles_babcock_lai_2007"]
    research = evidence[evidence["study"].isin(studies)
                        & ~evidence["claim"].str.contains("alternative|lifetime|average increase|premium")]
    return research[["study", "claim", "group", "figure", "unit", "flag"]]


def _before_ll():
    evidence = data.load("negotiation_evidence")
    ll = evidence[evidence["study"] == "leibbrandt_list_2015"]
    return ll[ll["claim"].str.startswith("negotiated when")]


def _before_ll_table():
    ll_table = _before_ll().pivot(index="claim", columns="group", values="figure")
    ll_table = ll_table.rename(index={
        "negotiated when the job ad did not say wages were negotiable": "Ad silent on pay",
        "negotiated when the job ad said wages were negotiable": "Ad says pay is negotiable"})
    return ll_table.rename(columns={"men": "Men", "women": "Women"})[["Men", "Women"]]


def _before_marks_harold():
    paper = data.load("negotiation_evidence")
    paper = paper[paper["study"].isin(["marks_harold_2011", "marks_harold_2011_recomputed"])]
    return paper[["study", "claim", "figure", "flag"]].iloc[1:]


CASES = [
    (tables.census_earnings_by_year, _before_census),
    (tables.pew_edition, _before_pew),
    (lambda: tables.pew_edition(edition="2023-03"), _before_pew),
    (tables.npwf_cents, _before_npwf_2021),
    (lambda: tables.npwf_cents(edition="2021-03"), _before_npwf_2021),
    (tables.dol_cents, _before_dol_cents),
    (tables.npwf_lines_by_edition, _before_npwf_lines),
    (tables.ratio_90_10_by_group, _before_ratios),
    (tables.shed_400_by_year, _before_shed_table),
    (lambda: tables.shed_400_options(year=2018), _before_options_2018),
    (lambda: tables.shed_400_options_rows(year=2018), _before_options_rows),
    (lambda: tables.employer_costs_per_hour(period="2025-06"), _before_dollars),
    (lambda: tables.employer_cost_shares(period="2025-06"), _before_shares),
    (lambda: tables.pew_by_age(edition="2023-03", year=2022), _before_by_age),
    (lambda: tables.pew_by_age_rows(edition="2023-03", year=2022), _before_by_age_rows),
    (tables.negotiation_research, _before_research),
    (tables.negotiated_by_ad_wording_rows, _before_ll),
    (tables.negotiated_by_ad_wording, _before_ll_table),
    (tables.marks_harold_lifetime, _before_marks_harold),
]


@pytest.mark.parametrize(("helper", "before"), CASES,
                         ids=[b.__name__.removeprefix("_before_") for _, b in CASES])
def test_helper_returns_what_the_lesson_cell_computed(helper, before):
    _same(helper(), before())


def test_every_helper_is_tested_and_documented():
    import inspect

    for name in tables.__all__:
        func = getattr(tables, name)
        assert inspect.getdoc(func), f"{name} needs a docstring that says why"
        hints = inspect.get_annotations(func)
        assert "return" in hints, f"{name} needs type hints"
    tested = {c[0].__name__ for c in CASES if c[0].__name__ != "<lambda>"}
    called = " ".join(inspect.getsource(c[0]) for c in CASES if c[0].__name__ == "<lambda>")
    for name in tables.__all__:
        assert name in tested or f"tables.{name}(" in called, f"{name} has no test"


def test_the_helpers_do_not_change_published_values():
    """A helper selects and reshapes only: every Lesson 1 ratio is a printed value."""
    published = set(data.load("census_p60_282_a7_earnings_by_sex")["female_to_male_ratio_ftyr"])
    assert set(tables.census_earnings_by_year()["female_to_male_ratio_ftyr"]) <= published
    printed = set(data.load("shed_400_headline")["value_pct"].dropna())
    assert set(tables.shed_400_by_year().stack().dropna()) <= printed


def test_the_lesson_2_flag_line_is_unchanged():
    """Lesson 2 prints the source flags of the Pew edition it draws."""
    pew = data.load("pew_hourly_ratio_points")
    before = sorted(set(pew[pew["edition"] == "2023-03"]["flag"]))
    assert sorted(set(tables.pew_edition(edition="2023-03", age_group=None)["flag"])) == before


def test_sources_name_exactly_the_tables_each_helper_reads(monkeypatch):
    assert set(tables.SOURCES) == set(tables.__all__)
    real = data.load
    for name in tables.__all__:
        read: list[str] = []

        def spy(table, *args, _read=read, **kwargs):
            _read.append(table)
            return real(table, *args, **kwargs)

        monkeypatch.setattr(tables.data, "load", spy)
        getattr(tables, name)()
        assert set(read) == set(tables.SOURCES[name]), name
    monkeypatch.setattr(tables.data, "load", real)


def test_lesson_cells_read_as_one_plain_step():
    """Issue 12 section 6: no pivots, regular expressions or date arithmetic in Lessons 1 and 2."""
    import re

    from .conftest import read_nb, source_path

    for name in ("lesson-01-why-negotiate", "lesson-02-strategic-career"):
        nb = read_nb(source_path(name))
        for cell in nb.cells:
            if cell.cell_type != "code" or "BEGIN SOLUTION" in cell.source:
                continue
            for pattern in (r"\.pivot", r"\.str\.", r"\.isin\(", r"astype\(", r"dropna\(",
                            r"data\.load\("):
                assert not re.search(pattern, cell.source), (name, pattern, cell.source)
