"""The tables the lessons show, tidied in one named step each.

A lesson's data cell should read as one plain step, for example
``gaps = tables.npwf_cents(edition="2021-03")``, so a coach who has never used pandas can
see what is loaded without reading filters, pivots or date arithmetic. The tidying lives
here instead, with a docstring that says why it is done. Each function only selects,
reshapes and renames published rows read by :func:`negotiation_course.data.load`: no value
is rounded, converted or interpolated, except where a docstring says so (the Labor
Department's ratios shown as cents, as the lesson explains).

``tests/test_tables.py`` checks that every function returns exactly what the lesson cells
computed before the tidying moved here.
"""

from __future__ import annotations

import pandas as pd

from negotiation_course import data

__all__ = [
    "census_earnings_by_year",
    "dol_cents",
    "employer_cost_shares",
    "employer_costs_per_hour",
    "marks_harold_lifetime",
    "negotiated_by_ad_wording",
    "negotiated_by_ad_wording_rows",
    "negotiation_research",
    "npwf_cents",
    "npwf_lines_by_edition",
    "pew_by_age",
    "pew_by_age_rows",
    "pew_edition",
    "ratio_90_10_by_group",
    "shed_400_by_year",
    "shed_400_options",
    "shed_400_options_rows",
]

#: The data tables each helper reads, so a lesson's references can be checked against the
#: tables it shows (``tests/test_references.py``) without reading the helpers' code.
SOURCES: dict[str, tuple[str, ...]] = {
    "census_earnings_by_year": ("census_p60_282_a7_earnings_by_sex",),
    "dol_cents": ("dol_wb_2019_ratios_by_race",),
    "employer_cost_shares": ("bls_ecec_compensation",),
    "employer_costs_per_hour": ("bls_ecec_compensation",),
    "marks_harold_lifetime": ("negotiation_evidence",),
    "negotiated_by_ad_wording": ("negotiation_evidence",),
    "negotiated_by_ad_wording_rows": ("negotiation_evidence",),
    "negotiation_research": ("negotiation_evidence",),
    "npwf_cents": ("npwf_cents_on_dollar",),
    "npwf_lines_by_edition": ("npwf_cents_on_dollar",),
    "pew_by_age": ("pew_hourly_ratio_points",),
    "pew_by_age_rows": ("pew_hourly_ratio_points",),
    "pew_edition": ("pew_hourly_ratio_points",),
    "ratio_90_10_by_group": ("pew_2018_ratio_90_10",),
    "shed_400_by_year": ("shed_400_headline",),
    "shed_400_options": ("shed_400_how_would_pay",),
    "shed_400_options_rows": ("shed_400_how_would_pay",),
}

# ---------------------------------------------------------------------------------------------
# Lesson 1


def census_earnings_by_year() -> pd.DataFrame:
    """Census's women's and men's median earnings and their ratio, one row per year.

    Census printed 2013 and 2017 twice (it changed its questions and processing in those
    years); ``preferred_row`` keeps the version that matches the later years, so each year
    appears once. Full-time, year-round workers; earnings in 2023 dollars.
    """
    census = data.load("census_p60_282_a7_earnings_by_sex")
    census = census[census["preferred_row"]].set_index("year")
    return census[["female_ftyr_median_usd2023", "male_ftyr_median_usd2023",
                   "female_to_male_ratio_ftyr"]]


def pew_edition(edition: str = "2023-03", age_group: str | None = "16+") -> pd.DataFrame:
    """The points one Pew edition printed for women's hourly earnings as a percent of men's.

    Pew re-estimates its whole history in each edition, so a trend may only use one edition:
    the rows are filtered to one ``edition`` and one ``age_group`` (``None``: every age group).
    """
    pew = data.load("pew_hourly_ratio_points")
    rows = pew[pew["edition"] == edition]
    if age_group is not None:
        rows = rows[rows["age_group"] == age_group]
    return rows[["edition", "data_year", "women_pct_of_men", "flag"]]


def _npwf_primary() -> pd.DataFrame:
    """NPWF's rows seen on NPWF's own documents (flags P and P*), not news copies."""
    npwf = data.load("npwf_cents_on_dollar")
    return npwf[npwf["flag"].isin(["P", "P*"])]


def npwf_cents(edition: str = "2021-03",
               groups: tuple[str, ...] = ("white", "black", "latina", "aapi")) -> pd.Series:
    """Cents per dollar paid to white, non-Hispanic men, by group, in one NPWF edition.

    Only figures seen on NPWF's own documents are kept, and only one edition, because NPWF
    changed what it counts in 2024 (all workers instead of full-time, year-round workers).
    """
    npwf = _npwf_primary()
    cents = npwf[npwf["publication_date"] == edition].set_index("group")["cents_per_dollar"]
    return cents[list(groups)]


def dol_cents() -> pd.Series:
    """The Labor Department's 2019 ratios to white, non-Hispanic men, shown as whole cents.

    The Women's Bureau prints ratios (0.79); the lesson compares them with NPWF's cents, so
    they are multiplied by 100 and rounded to whole cents, as NPWF states its figures.
    """
    dol = data.load("dol_wb_2019_ratios_by_race")
    return (dol.set_index("group")["ratio_to_white_nh_men"] * 100).round()


#: The NPWF groups Figure 2 of Lesson 1 draws, with the names its legend shows.
NPWF_LINE_GROUPS = {"black": "Black women", "latina": "Latinas",
                    "native_american": "Native American women",
                    "white": "white non-Hispanic women"}


def npwf_lines_by_edition() -> pd.DataFrame:
    """NPWF's cents on the dollar for four groups, one row per edition, one column per group.

    The chart needs editions on a number line, so a publication date such as "2021-03"
    becomes 2021.17 (the year plus the month's share of a year). The rows keep NPWF's own
    documents only; the chart itself marks the 2024 change of method.
    """
    npwf = _npwf_primary()
    dated = npwf.dropna(subset=["publication_date"])
    dates = dated["publication_date"].astype("str")
    dated = dated.assign(edition=dates.str[:4].astype(float)
                         + (dates.str[5:7].astype(float) - 1) / 12)
    return dated[dated["group"].isin(NPWF_LINE_GROUPS)].pivot_table(
        index="edition", columns="group", values="cents_per_dollar",
        observed=True).rename(columns=NPWF_LINE_GROUPS)


def ratio_90_10_by_group() -> pd.DataFrame:
    """Pew's 90/10 income ratios, one row per group and one column per year ("1970", "2016").

    Pew did not print 1970 levels for Black or Hispanic Americans; those cells stay empty.
    """
    ratios = data.load("pew_2018_ratio_90_10").pivot_table(
        index="group", columns="year", values="ratio_90_10", observed=False)
    ratios.columns = ratios.columns.astype(str)
    return ratios


def shed_400_by_year(first: int = 2013, last: int = 2023) -> pd.DataFrame:
    """The Fed's answers to the $400 question, one row per survey year, one column per measure.

    Only the main survey waves and the published figures are kept (no ``derived``
    complements). For 2013 the Fed first printed 48 and later restated it as "half" (50);
    where a year has two printed values the later restatement, the larger, is kept.
    """
    shed = data.load("shed_400_headline")
    main = shed[(shed["wave"] == "main") & (shed["flag"] != "derived")
                & shed["survey_year"].between(first, last)]
    return main.pivot_table(index="survey_year", columns="measure", values="value_pct",
                            aggfunc="max", observed=True)


def shed_400_options_rows(year: int = 2018) -> pd.DataFrame:
    """Every published row of the Fed's ways of paying a $400 expense in one survey year
    (all waves), for the source line of a chart drawn from them."""
    options = data.load("shed_400_how_would_pay")
    return options[options["survey_year"] == year]


def shed_400_options(year: int = 2018) -> pd.Series:
    """The share of adults who would use each way of paying a $400 expense, main wave.

    People could tick several options, so the shares do not add up to 100. Options the Fed
    did not print a share for are left out; option names are written with spaces.
    """
    options = shed_400_options_rows(year)
    options = options[options["wave"] == "main"].set_index("option")["value_pct"].dropna()
    options.index = options.index.astype(str).str.replace("_", " ")
    return options


# ---------------------------------------------------------------------------------------------
# Lesson 2


def _ecec(period: str, measure: str) -> pd.DataFrame:
    ecec = data.load("bls_ecec_compensation")
    rows = ecec[(ecec["reference_period"] == period) & (ecec["measure"] == measure)]
    return rows.pivot(index="sector", columns="component", values="value")


def employer_costs_per_hour(period: str = "2025-06") -> pd.DataFrame:
    """BLS employer costs per hour worked, one row per sector, one column per component.

    One reference period only (BLS's quarterly figures are not mixed), in dollars per hour.
    """
    return _ecec(period, "cost_per_hour_worked")


def employer_cost_shares(period: str = "2025-06") -> pd.DataFrame:
    """Each component's share of total compensation, in percent, as BLS printed it."""
    return _ecec(period, "share_of_total_compensation")


def pew_by_age_rows(edition: str = "2023-03", year: int = 2022) -> pd.DataFrame:
    """Pew's rows for one edition and data year, every age group (the chart's source rows)."""
    pew = data.load("pew_hourly_ratio_points")
    return pew[(pew["edition"] == edition) & (pew["data_year"] == year)]


def pew_by_age(edition: str = "2023-03", year: int = 2022) -> pd.Series:
    """Women's median hourly earnings as a percent of men's, by age group, from one edition.

    The all-ages group "16+" is named "All ages (16+)" so a chart reads without a legend.
    """
    by_age = pew_by_age_rows(edition, year).set_index("age_group")["women_pct_of_men"]
    return by_age.rename({"16+": "All ages (16+)"})


#: Marks & Harold's paper and the recomputations of its lifetime figure in the course data.
LIFETIME_STUDIES = ("marks_harold_2011", "marks_harold_2011_recomputed")


def marks_harold_lifetime() -> pd.DataFrame:
    """Marks & Harold's (2011) lifetime figure beside the two recomputations of it, one row each.

    Lesson 2 sets these published figures next to the course calculator's totals, so a coach
    sees which counting of the years reproduces the paper. The paper's other row (the average
    raise its negotiators obtained) is left out: it is not a lifetime figure.
    """
    evidence = data.load("negotiation_evidence")
    paper = evidence[evidence["study"].isin(LIFETIME_STUDIES)
                     & ~evidence["claim"].str.startswith("average increase")]
    return paper[["study", "claim", "figure", "flag"]]


#: The studies Lesson 2's research table shows.
RESEARCH_STUDIES = ("babcock_laschever_2003", "leibbrandt_list_2015", "artz_goodall_oswald_2018",
                    "kugler_et_al_2018", "mazei_et_al_2015", "bowles_babcock_lai_2007")
#: Claims left out of the research table: they belong to other sections of Lesson 2.
_OTHER_SECTIONS = "alternative|lifetime|average increase|premium"


def negotiation_research() -> pd.DataFrame:
    """The published findings on who negotiates and who receives, one row per claim.

    Claims about lifetime earnings, raises and alternatives are left out here because
    other sections of the lesson treat them.
    """
    evidence = data.load("negotiation_evidence")
    research = evidence[evidence["study"].isin(RESEARCH_STUDIES)
                        & ~evidence["claim"].str.contains(_OTHER_SECTIONS)]
    return research[["study", "claim", "group", "figure", "unit", "flag"]]


#: Leibbrandt & List's two conditions, with the short names the chart shows.
AD_WORDING = {
    "negotiated when the job ad did not say wages were negotiable": "Ad silent on pay",
    "negotiated when the job ad said wages were negotiable": "Ad says pay is negotiable"}


def negotiated_by_ad_wording_rows() -> pd.DataFrame:
    """Leibbrandt & List's published rows on who negotiated (the chart's source rows)."""
    evidence = data.load("negotiation_evidence")
    ll = evidence[evidence["study"] == "leibbrandt_list_2015"]
    return ll[ll["claim"].str.startswith("negotiated when")]


def negotiated_by_ad_wording() -> pd.DataFrame:
    """Percent of job seekers who negotiated, by what the job ad said (rows) and sex (columns)."""
    table = negotiated_by_ad_wording_rows().pivot(index="claim", columns="group",
                                                  values="figure")
    table = table.rename(index=AD_WORDING)
    return table.rename(columns={"men": "Men", "women": "Women"})[["Men", "Women"]]
