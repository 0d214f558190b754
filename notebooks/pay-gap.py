# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The gender pay gap: every series in `data/`, checked against the publishers
#
# Lesson 1 quotes the pay gap from five publishers that measure it differently: the Census
# Bureau (annual earnings of full-time, year-round workers), the Bureau of Labor Statistics
# (weekly earnings of full-time wage and salary workers), the Pew Research Center (hourly
# earnings of full- and part-time workers), the National Partnership for Women & Families
# (NPWF) and the Labor Department's Women's Bureau (annual earnings by race and ethnicity),
# and Pew's 2018 report on income inequality within racial and ethnic groups.
#
# This notebook draws every series and checks each figure the publishers state in words
# against the value computed from the tables in `data/`. A check is a `match` when the two
# agree within the published rounding (plus what the rounding of the table's own inputs
# allows); otherwise the notebook states why they differ. `make reproduce` collects the
# checks into `build/reproduce/report.md`.
#
# Rules kept throughout (see `data/README.md`): never join different Pew editions into one
# series; never join NPWF figures across the 2024 change from full-time, year-round workers
# to all workers; keep Census's method breaks visible; keep quarterly BLS figures out of the
# annual series.

# %%
from itertools import product

import pandas as pd
from IPython.display import display

from negotiation_course import data, plots
from negotiation_course.research.reproduce import report_row, save_figure


def with_rounding(f, *inputs):
    """f at the printed inputs, and how far f can move within their rounding.

    Each input is a (value, half_unit) pair: a median printed to the nearest $10 has
    half_unit 5. Evaluating f at every corner bounds it for the monotone formulas used here.
    """
    centre = f(*(v for v, _ in inputs))
    corners = (f(*(v + s * h for (v, h), s in zip(inputs, signs)))
               for signs in product((-1, 1), repeat=len(inputs)))
    return centre, max(abs(c - centre) for c in corners)


def sources(*names: str) -> str:
    """One source line for a figure drawn from several tables."""
    return "; ".join(data.cite(n).removeprefix("Source: ").rstrip(".") for n in names)


# %% [markdown]
# ## 1. Census: the female-to-male earnings ratio, 1960-2023
#
# Table A-7 of *Income in the United States: 2023* (P60-282) gives real median earnings of
# full-time, year-round workers by sex and the ratio of women's to men's. Census marks years
# where its methods changed with footnotes (`census_footnote`); 2013 and 2017 appear twice,
# once on each side of a change, and `preferred_row` picks the row comparable with later years.

# %%
census = data.load("census_p60_282_a7_earnings_by_sex")
census["ratio_from_medians"] = (census["female_ftyr_median_usd2023"]
                                / census["male_ftyr_median_usd2023"])
census[["year", "census_footnote", "preferred_row", "male_ftyr_median_usd2023",
        "female_ftyr_median_usd2023", "female_to_male_ratio_ftyr", "ratio_from_medians"]].head(8)

# %% [markdown]
# Census computes the ratio from unrounded medians and prints medians to the nearest \$10, so
# the ratio from the printed medians may differ from the printed ratio by its own rounding
# (0.0005) plus what \$5 on each median can move. Every row should fall within that:

# %%
def census_ratio_bounds(row) -> tuple[float, float]:
    return with_rounding(lambda f, m: f / m, (row["female_ftyr_median_usd2023"], 5),
                         (row["male_ftyr_median_usd2023"], 5))


bounds = census.apply(census_ratio_bounds, axis=1, result_type="expand")
census["allowed_gap"] = 0.0005 + bounds[1]
census["gap"] = (census["ratio_from_medians"] - census["female_to_male_ratio_ftyr"]).abs()
outside = census[census["gap"] > census["allowed_gap"] + 1e-12]
print(f"{len(census)} rows; largest gap {census['gap'].max():.5f}; "
      f"rows outside the rounding allowance: {len(outside)}")

# %%
report_row("census_a7_ratio_column", "U.S. Census Bureau (P60-282, Table A-7)", 0, len(outside),
           0, description="rows (of 66) whose printed ratio is not the ratio of the printed "
           "medians within rounding (published: none)",
           method="female / male FTYR median per row; allowance 0.0005 + $5 on each median")

# %%
text = data.load("census_p60_282_text_figures")


def census_text(year: int, measure: str) -> float:
    hit = text[(text["year"] == year) & (text["measure"] == measure)]
    assert len(hit) == 1, (year, measure)
    return float(hit["value"].iloc[0])


def medians(year: int) -> tuple[float, float]:
    row = census[(census["year"] == year) & census["preferred_row"]]
    assert len(row) == 1, year
    return (float(row["female_ftyr_median_usd2023"].iloc[0]),
            float(row["male_ftyr_median_usd2023"].iloc[0]))


for year in (2023, 2022):
    women, men = medians(year)
    ours, moved = with_rounding(lambda f, m: f / m, (women, 5), (men, 5))
    report_row(f"census_ratio_{year}", "U.S. Census Bureau (P60-282, p. 10)",
               census_text(year, "female_to_male_earnings_ratio_ftyr"), ours, 0.0005 + moved,
               description=f"female-to-male earnings ratio, FTYR workers, {year}",
               method=f"Table A-7 medians: {women:,.0f} / {men:,.0f}")

w23, m23 = medians(2023)
w22, m22 = medians(2022)
ours, moved = with_rounding(lambda a, b, c, d: 100 * (1 - (a / b) / (c / d)),
                            (w23, 5), (m23, 5), (w22, 5), (m22, 5))
report_row("census_ratio_decrease_2023", "U.S. Census Bureau (P60-282, p. 10)",
           census_text(2023, "pct_decrease_in_ratio_from_2022"), ours, 0.05 + moved,
           description="percent decrease in the ratio from 2022 to 2023",
           method="from Table A-7 medians of 2022 and 2023")
ours, moved = with_rounding(lambda f, m: 100 * f / m, (w23, 5), (m23, 5))
report_row("census_ratio_2023_news", "news coverage of P60-282 (secondary)",
           census_text(2023, "women_pct_of_men_ftyr"), ours, 0.05 + moved,
           description="women's earnings as a percent of men's, 2023, as reported in news",
           method="Table A-7 medians, in percent");

# %% [markdown]
# The trend. Lines are not joined across 2013 and 2017, where Census changed its methods and
# printed both versions of the year (the earlier-method value is the open marker); the other
# footnoted years, where Census notes smaller changes (new samples or population controls,
# interviewing mode, top-codes, interpolation), are ringed.

# %%
preferred = census[census["preferred_row"]].set_index("year")["female_to_male_ratio_ftyr"]
earlier = census[~census["preferred_row"]].set_index("year")["female_to_male_ratio_ftyr"]
footnoted = census[census["preferred_row"] & census["census_footnote"].notna()]
fig = plots.line_chart(
    {"ratio (preferred row)": preferred, "same year, earlier method": earlier},
    breaks=[2013, 2017],
    source=data.cite("census_p60_282_a7_earnings_by_sex"),
    title="Women's to men's median earnings, full-time, year-round workers, 1960-2023",
    xlabel="year", ylabel="ratio (women / men)")
ax = fig.axes[0]
ax.scatter(footnoted["year"].astype(int), footnoted["female_to_male_ratio_ftyr"], s=90,
           facecolors="none", edgecolors="#000000", linewidths=1,
           label="year with a Census method footnote")
ax.plot([], [], color="#555555", linestyle=":", linewidth=1,
        label="method change: lines not joined (2013, 2017)")
ax.legend(frameon=False, loc="lower right")
save_figure(fig, "pay-gap-census-ratio")
fig

# %% [markdown]
# *Figure 1.* Women's median earnings rose from about 60% of men's in 1960 to 84.0% in 2022
# and 82.7% in 2023 (full-time, year-round workers, Census Table A-7); the 2023 drop of 1.5
# percent was the first statistically significant annual decline since 2003.

# %% [markdown]
# ## 2. BLS: weekly earnings ratios, by sex and by sex and race
#
# Median usual weekly earnings of full-time wage and salary workers (annual averages, current
# dollars). The ratio does not depend on the dollar basis. BLS states some ratios in its text;
# the table gives the medians they come from.

# %%
bls = data.load("bls_weekly_earnings_nominal")
weekly = bls.pivot_table(index="year", columns=["race_ethnicity", "sex"],
                         values="median_weekly_usd", observed=True)
ratio_all = 100 * weekly[("all", "women")] / weekly[("all", "men")]
ratio_all.tail()

# %%
published_bls = data.load("bls_weekly_earnings_ratios_published")
annual_ratios = published_bls[(published_bls["period"] == "annual")
                              & (published_bls["measure"] == "earnings_ratio")]
for _, row in annual_ratios.iterrows():
    year, value = int(row["year"]), float(row["value"])
    half = 0.5 if value.is_integer() else 0.05  # printed to a whole or to one decimal
    women, men = weekly.loc[year, ("all", "women")], weekly.loc[year, ("all", "men")]
    ours, moved = with_rounding(lambda f, m: 100 * f / m, (women, 0.5), (men, 0.5))
    report_row(f"bls_ratio_{year}", "U.S. Bureau of Labor Statistics"
               + ("" if row["flag"] == "P" else f" (flag {row['flag']}: as quoted)"),
               value, ours, half + moved,
               description=f"women's to men's median weekly earnings, {year}, annual average",
               method=f"weekly medians {women:,.0f} / {men:,.0f} (nominal table)")

# %% [markdown]
# The second-quarter 2023 release gives medians and ratios for one quarter. The overall ratio
# can be recomputed from the release's own medians; the ratios by race cannot, because `data/`
# has no quarterly medians by race (and quarterly figures never go into the annual series).

# %%
quarter = published_bls[published_bls["period"] == "2023-Q2"]


def quarter_value(measure: str, group: str, comparison: str | None = None) -> float:
    hit = quarter[(quarter["measure"] == measure) & (quarter["group"] == group)]
    if comparison is not None:
        hit = hit[hit["comparison_group"] == comparison]
    assert len(hit) == 1, (measure, group, comparison)
    return float(hit["value"].iloc[0])


q_women = quarter_value("median_weekly_earnings", "women")
q_men = quarter_value("median_weekly_earnings", "men")
ours, moved = with_rounding(lambda f, m: 100 * f / m, (q_women, 0.5), (q_men, 0.5))
report_row("bls_ratio_2023q2", "U.S. Bureau of Labor Statistics (USDL-23-1586, via a repost)",
           quarter_value("earnings_ratio", "women", "men"), ours, 0.05 + moved,
           description="women's to men's median weekly earnings, second quarter 2023",
           method=f"the release's own medians {q_women:,.0f} / {q_men:,.0f}")
for _, row in quarter[(quarter["measure"] == "earnings_ratio")
                      & (quarter["group"] != "women")].iterrows():
    report_row(f"bls_ratio_2023q2_{row['group'].replace(' ', '_')}_vs_"
               f"{row['comparison_group'].replace(' ', '_')}",
               "U.S. Bureau of Labor Statistics (USDL-23-1586, via a repost)",
               float(row["value"]), None, 0.05,
               description=f"{row['group']} to {row['comparison_group']}, Q2 2023",
               not_run="quarterly medians by race are not in data/ (annual averages only)")

# %% [markdown]
# A news report (Bloomberg, reposted; flag S) gave women's 2023 median as \$1,031 and the ratio
# as 83.8%. The annual averages give \$1,005 and 83.6%; the story also quotes a "last quarter"
# figure, so its numbers are probably fourth-quarter values, not annual averages.

# %%
news = published_bls[published_bls["period"] == "as reported (period unclear)"]
news_ratio = float(news.loc[news["measure"] == "earnings_ratio", "value"].iloc[0])
news_women = float(news.loc[news["measure"] == "median_weekly_earnings", "value"].iloc[0])
why = ("the news figure is probably a fourth-quarter value; ours is the 2023 annual average "
       "(women $1,005, men $1,202)")
ours, moved = with_rounding(lambda f, m: 100 * f / m, (weekly.loc[2023, ("all", "women")], 0.5),
                            (weekly.loc[2023, ("all", "men")], 0.5))
report_row("bls_ratio_2023_news", "Bloomberg, reposted (secondary)", news_ratio, ours,
           0.05 + moved, description="women's to men's weekly earnings, 2023, as reported",
           method="annual-average medians, 2023", explanation=why)
report_row("bls_women_median_2023_news", "Bloomberg, reposted (secondary)", news_women,
           weekly.loc[2023, ("all", "women")], 0.5,
           description="women's median weekly earnings, 2023, as reported (dollars)",
           method="annual-average table, 2023", explanation=why);

# %%
published_points = (annual_ratios.set_index(annual_ratios["year"].astype(int))["value"]
                    .rename("ratio stated in BLS text (or quoted)"))
fig = plots.line_chart(
    {"ratio from the weekly medians": ratio_all, published_points.name: published_points},
    source=sources("bls_weekly_earnings_nominal", "bls_weekly_earnings_ratios_published"),
    title="Women's to men's median weekly earnings, full-time wage and salary workers",
    xlabel="year", ylabel="women's median as % of men's")
ax = fig.axes[0]
ax.lines[-1].set_linestyle("none")  # stated points are not a series: no line between them
ax.legend(frameon=False, loc="lower right")
save_figure(fig, "pay-gap-bls-ratio")
fig

# %% [markdown]
# *Figure 2.* Women's median weekly earnings rose from 62% of men's in 1979 to about 81-84%
# since 2005; every ratio BLS states in its text lies on the line computed from the medians.

# %%
races = ["white", "black", "hispanic", "asian"]
within = pd.DataFrame({r: 100 * weekly[(r, "women")] / weekly[(r, "men")] for r in races})
vs_white_men = pd.DataFrame({r: 100 * weekly[(r, "women")] / weekly[("white", "men")]
                             for r in races})
within.loc[[1979, 2000, 2018, 2023]].round(1)

# %%
fig = plots.line_chart(
    within.rename(columns=str.capitalize),
    source=data.cite("bls_weekly_earnings_nominal"),
    title="Women's to men's median weekly earnings within each race or ethnic group",
    xlabel="year", ylabel="women's median as % of men's in the same group")
save_figure(fig, "pay-gap-bls-by-race-within")
fig

# %% [markdown]
# *Figure 3.* Within each group the gap is smaller for Black and Hispanic workers than for
# white and Asian workers, because Black and Hispanic men's medians are themselves lower.
# Groups as BLS defines them: White, Black and Asian include Hispanics of those races.

# %%
fig = plots.line_chart(
    vs_white_men.rename(columns=lambda r: f"{r.capitalize()} women"),
    source=data.cite("bls_weekly_earnings_nominal"),
    title="Women's median weekly earnings as a percent of white men's",
    xlabel="year", ylabel="% of white men's median")
save_figure(fig, "pay-gap-bls-by-race-vs-white-men")
fig

# %% [markdown]
# *Figure 4.* Against white men's median, Hispanic and Black women earn the least (below 70%
# in most years), white women about 80% and Asian women the most.

# %% [markdown]
# The constant-dollar table (a third party's transcription of BLS's *Highlights of Women's
# Earnings in 2023*, Table 18; flag S) does not state its units; `data/` infers 2023 dollars.
# Two checks of that table against the nominal one: a ratio within a year does not depend on
# the dollar basis, so every women-to-men ratio must agree within rounding; and in 2023 itself
# constant 2023 dollars are current dollars, so every 2023 cell must be equal.

# %%
real = data.load("bls_weekly_earnings_real_2023usd")
real_wide = real.pivot_table(index="year", columns=["race_ethnicity", "sex"],
                             values="median_weekly_usd2023", observed=True)
pairs = 0
outside = []
for race in ["all", *races]:
    for year in real_wide.index.intersection(weekly.index):
        cells = [real_wide.get((race, "women")), real_wide.get((race, "men")),
                 weekly.get((race, "women")), weekly.get((race, "men"))]
        values = [c.get(year) if c is not None else None for c in cells]
        if any(v is None or pd.isna(v) for v in values):
            continue
        pairs += 1
        ratio_real, moved_real = with_rounding(lambda f, m: 100 * f / m, (values[0], 0.5),
                                               (values[1], 0.5))
        ratio_nominal, moved_nominal = with_rounding(lambda f, m: 100 * f / m,
                                                     (values[2], 0.5), (values[3], 0.5))
        if abs(ratio_real - ratio_nominal) > moved_real + moved_nominal:
            outside.append((year, race))
print(f"{pairs} year-and-group ratios compared; outside rounding: {outside}")
report_row("bls_real_vs_nominal_ratios", "U.S. Bureau of Labor Statistics (Table 18 "
           "transcription, flag S, vs the nominal table)", 0, len(outside), 0,
           description=f"women-to-men ratios (of {pairs}) that differ between the constant- "
           "and current-dollar tables beyond rounding (expected: none)",
           method="same year and group in both tables; $0.50 rounding on each median")

both_2023 = real[real["year"] == 2023].merge(
    bls[bls["year"] == 2023], on=["sex", "race_ethnicity"])
both_2023 = both_2023.dropna(subset=["median_weekly_usd2023", "median_weekly_usd"])
unequal = int((both_2023["median_weekly_usd2023"] != both_2023["median_weekly_usd"]).sum())
report_row("bls_real_2023_equals_nominal", "U.S. Bureau of Labor Statistics (Table 18 "
           "transcription, flag S)", 0, unequal, 0,
           description=f"2023 cells (of {len(both_2023)}) where the constant-2023-dollar "
           "table differs from current dollars (expected: none if the units are 2023 dollars)",
           method="2023 rows of both tables; the Hispanic men cell is cut off in the source");

# %%
fig = plots.line_chart(
    {"men": real_wide[("all", "men")], "women": real_wide[("all", "women")]},
    source=data.cite("bls_weekly_earnings_real_2023usd"),
    title="Median weekly earnings, full-time wage and salary workers (2023 dollars, inferred)",
    xlabel="year", ylabel="dollars a week (2023 dollars)")
save_figure(fig, "pay-gap-bls-real-weekly")
fig

# %% [markdown]
# *Figure 5.* In constant (2023) dollars, women's median weekly earnings rose from \$717 in
# 1979 to \$1,005 in 2023, about 40%, while men's stayed between about \$1,060 and \$1,280
# (\$1,150 in 1979, \$1,202 in 2023): the gap narrowed mostly because women's earnings rose.

# %% [markdown]
# ## 3. Pew: hourly earnings, points by edition
#
# Pew states only some years in its text, and each edition re-estimates the whole history, so
# each edition is its own series (all workers aged 16 and over). Pew's medians come from CPS
# microdata that `data/` does not hold, so the stated points cannot be recomputed here; the
# checks below confirm what the course plots is what Pew printed, and recompute the one ratio
# whose hourly medians Pew printed beside it.

# %%
pew = data.load("pew_hourly_ratio_points")
pew_16 = pew[(pew["age_group"] == "16+") & pew["data_year"].notna()]
by_edition = {f"edition {e}": g.set_index(g["data_year"].astype(int))["women_pct_of_men"]
              .sort_index() for e, g in pew_16.groupby("edition", observed=True)}
pew_16.pivot_table(index="data_year", columns="edition", values="women_pct_of_men",
                   observed=True)

# %%
point_2022 = by_edition["edition 2023-03"].loc[2022]
report_row("pew_ratio_2022", "Pew Research Center (March 2023; seen via Axios, Newsmax: S)",
           82, point_2022, 0.5,
           description="women's median hourly earnings as % of men's, 2022, ages 16+",
           method="read back from data/ (the value plotted); Pew's CPS microdata are not in "
           "data/, so no recomputation")

hourly = data.load("pew_2016_hourly_earnings_by_race_sex").set_index(["race_ethnicity", "sex"])
by_race = data.load("pew_hourly_ratios_by_race")
stated = by_race[(by_race["edition"] == "2016-07") & (by_race["data_year"] == 2015)
                 & (by_race["group"] == "white women")]
ours, moved = with_rounding(lambda f, m: 100 * f / m,
                            (hourly.loc[("white", "women"), "median_hourly_usd"], 0.5),
                            (hourly.loc[("white", "men"), "median_hourly_usd"], 0.5))
report_row("pew_white_women_2015", "Pew Research Center (July 2016; via a copy: S)",
           float(stated["pct_of_comparison"].iloc[0]), ours, 0.5 + moved,
           description="white women's median hourly earnings as % of white men's, 2015",
           method="Pew's hourly medians $17 / $21, printed to whole dollars (hence the "
           "wide allowance)");

# %% [markdown]
# The chart shows the stated points only: no line joins them, within or across editions, and
# each edition's points are shifted slightly sideways (up to a year) so that equal values
# (64 in 1980 in four editions) do not hide each other.

# %%
offsets = {name: (i - (len(by_edition) - 1) / 2) * 0.3 for i, name in enumerate(by_edition)}
fig = plots.line_chart(
    {name: s.set_axis(s.index + offsets[name]) for name, s in by_edition.items()},
    source=data.cite("pew_hourly_ratio_points"),
    title="Women's median hourly earnings as % of men's, as stated in each Pew edition",
    xlabel="year (points of one edition shifted together, up to a year)",
    ylabel="women's median as % of men's")
ax = fig.axes[0]
for line in ax.lines:
    line.set_linestyle("none")
    line.set_markersize(6)
ax.legend(frameon=False, loc="lower right")
save_figure(fig, "pay-gap-pew-editions")
fig

# %% [markdown]
# *Figure 6.* Every Pew edition puts women's hourly earnings at 64-65% of men's around
# 1980-1982 and at 82-85% in its latest year (ages 16 and over); the points come from seven
# separately estimated editions and are never joined into one series.

# %% [markdown]
# Within one edition (March 2023, 2022 data), Pew also gives the ratio by age and by race and
# ethnicity (against white men); both are drawn from that edition only.

# %%
edition_2023 = pew[(pew["edition"] == "2023-03") & (pew["data_year"] == 2022)]
by_age = edition_2023.set_index(edition_2023["age_group"].astype(str))["women_pct_of_men"]
race_2022 = by_race[(by_race["edition"] == "2023-03") & (by_race["data_year"] == 2022)]
race_2022 = race_2022.set_index(race_2022["group"].astype(str).str.capitalize())[
    "pct_of_comparison"]
fig = plots.bar_chart(by_age.rename("2022"), source=data.cite("pew_hourly_ratio_points"),
                      title="Women's median hourly earnings as % of men's, by age, 2022 "
                      "(Pew, March 2023)", xlabel="age group", ylabel="% of men's median",
                      fmt="{:.0f}")
save_figure(fig, "pay-gap-pew-by-age-2022")
fig

# %% [markdown]
# *Figure 7.* In Pew's March 2023 edition, women aged 25-34 earned 92% of what men of the
# same age earned in 2022, against 83% at 35-54 and 79% at 55-64 (82% for all ages 16+):
# the gap widens with age.

# %%
fig = plots.bar_chart(race_2022.rename("2022"), source=data.cite("pew_hourly_ratios_by_race"),
                      title="Women's median hourly earnings as % of white men's, 2022 (Pew, "
                      "March 2023)", ylabel="% of white men's median", fmt="{:.0f}")
save_figure(fig, "pay-gap-pew-by-race-2022")
fig

# %% [markdown]
# *Figure 8.* Against white men's median hourly earnings in 2022, Asian women earned 93%,
# white women 83%, Black women 70% and Hispanic women 65% (Pew, as reported by Axios and
# Newsmax; secondary).

# %% [markdown]
# ## 4. NPWF cents on the dollar, and the Labor Department's ratios by race
#
# NPWF's fact sheets compared full-time, year-round workers until 2022 and all workers
# (part-time and part-year included) from 2024. The two are never joined. Both rest on
# Census data, so several NPWF lines can be checked against Census Table A-7 (overall) and
# against the Women's Bureau's 2019 ratios (by race).

# %%
npwf = data.load("npwf_cents_on_dollar")
dol = data.load("dol_wb_2019_ratios_by_race")


def npwf_value(edition: str, group: str, universe: str) -> float:
    hit = npwf[(npwf["publication_date"] == edition) & (npwf["group"] == group)
               & (npwf["universe"] == universe)]
    assert len(hit) == 1, (edition, group, universe)
    return float(hit["cents_per_dollar"].iloc[0])


def census_ratio(year: int, column: str = "ftyr") -> tuple[float, float]:
    row = census[(census["year"] == year) & census["preferred_row"]].iloc[0]
    women, men = ((row["female_ftyr_median_usd2023"], row["male_ftyr_median_usd2023"])
                  if column == "ftyr" else
                  (row["female_allworkers_median_usd2023"], row["male_allworkers_median_usd2023"]))
    return with_rounding(lambda f, m: 100 * f / m, (women, 5), (men, 5))


for edition, data_year, universe, column in [("2021-03", 2019, "FTYR", "ftyr"),
                                             ("2024-09-10", 2023, "FTYR", "ftyr"),
                                             ("2024-09-10", 2023, "all_workers", "all"),
                                             ("2024-03-11", 2022, "all_workers", "all")]:
    ours, moved = census_ratio(data_year, column)
    note = ("" if edition != "2024-03-11" else
            "; NPWF's headline compares with 'a man', its body with white non-Hispanic men: "
            "the match with all men's median suggests the headline is right")
    report_row(f"npwf_overall_{edition}_{universe}", "National Partnership for Women & Families",
               npwf_value(edition, "overall", universe), ours, 0.5 + moved,
               description=f"women's cents per man's dollar, {universe}, {data_year} data",
               method=f"Census Table A-7 {data_year}, {column} medians{note}")

dol_groups = {"white": "white non-Hispanic women", "black": "Black women",
              "latina": "Hispanic women", "aapi": "Asian women"}
for group, dol_group in dol_groups.items():
    dol_value = float(dol.loc[dol["group"] == dol_group, "ratio_to_white_nh_men"].iloc[0])
    report_row(f"npwf_2021_{group}_vs_dol_2019", "National Partnership for Women & Families "
               "vs U.S. Department of Labor, Women's Bureau",
               npwf_value("2021-03", group, "FTYR"), 100 * dol_value, 0.5 + 0.5,
               description=f"{dol_group} per white non-Hispanic man's dollar, 2019 "
               "(NPWF March 2021 vs DOL)",
               method="DOL ratio (printed to 0.01) in cents; NPWF in whole cents",
               explanation=("NPWF's group is Asian American and Pacific Islander women, DOL's "
                            "is Asian women (Hispanics included): different groups"
                            if group == "aapi" else ""))

# %% [markdown]
# NPWF's dollar figures: the yearly gap should be the difference of the two medians NPWF
# prints beside it, and its cents per dollar their ratio. Two 2024 gaps can be compared with
# Census Table A-7's all-worker medians.

# %%
dollars = data.load("npwf_dollar_figures")


def npwf_dollars(edition: str, measure: str, group: str) -> float:
    hit = dollars[(dollars["publication_date"] == edition) & (dollars["measure"] == measure)
                  & (dollars["group"] == group)]
    assert len(hit) == 1, (edition, measure, group, len(hit))
    return float(hit["value"].iloc[0])


NATIVE_WHY = ("NPWF's Native American gap and cents imply a white non-Hispanic men's median of "
              "{implied:,.0f} ({women:,.0f} + {gap:,.0f}; {women:,.0f} / {implied:,.0f} = "
              "{cents:.1f} cents), not the {men:,.0f} of its Latina line: the two lines seem to "
              "rest on different data")
for edition, group, comparison, cents_group in [
        ("2017-04", "women", "men", "overall"), ("2019-04", "women", "men", "overall"),
        ("2021-03", "women", "men", "overall"),
        ("2021-03", "Latinas", "white non-Hispanic men", "latina"),
        ("2021-03", "Native American women", "white non-Hispanic men", "native_american"),
        ("2022-01", "Latinas", "white non-Hispanic men", "latina")]:
    women = npwf_dollars(edition, "median_annual_earnings", group)
    men = npwf_dollars(edition, "median_annual_earnings", comparison)
    published_gap = npwf_dollars(edition, "annual_earnings_gap", group)
    implied = women + published_gap
    why = (NATIVE_WHY.format(implied=implied, women=women, gap=published_gap, men=men,
                             cents=100 * women / implied)
           if group.startswith("Native") else "")
    tag = f"{edition}_{cents_group}"
    report_row(f"npwf_gap_{tag}", "National Partnership for Women & Families",
               published_gap, men - women, 1,
               description=f"yearly gap in dollars, {group} vs {comparison}, {edition} edition",
               method=f"NPWF's own medians {men:,.0f} - {women:,.0f}", explanation=why)
    ours, moved = with_rounding(lambda f, m: 100 * f / m, (women, 0.5), (men, 0.5))
    report_row(f"npwf_cents_from_medians_{tag}", "National Partnership for Women & Families",
               npwf_value(edition, cents_group, "FTYR"), ours, 0.5 + moved,
               description=f"cents per dollar, {group} vs {comparison}, {edition} edition",
               method=f"NPWF's own medians {women:,.0f} / {men:,.0f}", explanation=why)

census_2023 = census[(census["year"] == 2023) & census["preferred_row"]].iloc[0]
gap_2023 = census_2023["male_allworkers_median_usd2023"] - census_2023["female_allworkers_median_usd2023"]
report_row("npwf_gap_2024-09-10_all_workers", "National Partnership for Women & Families",
           npwf_dollars("2024-09-10", "annual_earnings_gap", "women"), gap_2023, 10,
           description="yearly gap, all women vs all men, all workers, 2023 data",
           method="Census Table A-7 2023 all-worker medians (2023 dollars = current dollars), "
           "printed to $10")
census_2022 = census[(census["year"] == 2022) & census["preferred_row"]].iloc[0]
gap_2022 = census_2022["male_allworkers_median_usd2023"] - census_2022["female_allworkers_median_usd2023"]
npwf_2022 = float(dollars[(dollars["publication_date"] == "2024-03-11")
                          & (dollars["measure"] == "annual_earnings_gap")
                          & (dollars["group"] == "women") & (dollars["flag"] == "S")]["value"].iloc[0])
report_row("npwf_gap_2024-03-11_all_workers", "National Partnership for Women & Families "
           "(as reported by Lassen News: S)", npwf_2022, gap_2022, 10,
           description="yearly gap, women vs men, all workers, 2022 data (in 2022 dollars)",
           method="Census Table A-7 2022 all-worker medians, which are in 2023 dollars",
           explanation=f"dollar basis: Census's table restates 2022 in 2023 dollars; "
           f"{gap_2022:,.0f} / {npwf_2022:,.0f} = {gap_2022 / npwf_2022:.3f}, in line with "
           "2022-23 consumer price inflation (about 4%), so NPWF's figure is the same gap in "
           "2022 dollars");

# %%
npwf_named = npwf[npwf["publication_date"].notna()
                  & npwf["group"].isin(["overall", "black", "latina", "asian", "aapi",
                                        "aanhpi", "white", "native_american"])]
for universe, label, fig_id in [("FTYR", "full-time, year-round workers", "pay-gap-npwf-ftyr"),
                                ("all_workers", "all workers (2024 editions)",
                                 "pay-gap-npwf-all-workers")]:
    table = (npwf_named[npwf_named["universe"] == universe]
             .pivot_table(index="group", columns="publication_date", values="cents_per_dollar",
                          observed=True))
    fig = plots.bar_chart(table, source=data.cite("npwf_cents_on_dollar"),
                          title=f"NPWF: women's cents per dollar, {label}",
                          ylabel="cents per dollar", fmt="{:.0f}")
    fig.axes[0].set_ylim(0, 115)  # room for the legend above the bars
    fig.axes[0].legend(frameon=False, loc="upper center", ncols=len(table.columns))
    save_figure(fig, fig_id)
    display(fig)

# %% [markdown]
# *Figures 9 and 10.* In NPWF's full-time, year-round editions, Latinas were paid 53-57
# cents and Black women 61-63 cents per dollar paid to white non-Hispanic men, against 80-83
# cents for women overall (per dollar paid to all men); the 2024 all-worker editions give
# lower figures (overall 75-78 cents) and are a different measure, not a decline.

# %%
dol_table = pd.DataFrame({
    "DOL Women's Bureau (2019)": {g: 100 * float(dol.loc[dol["group"] == d,
                                                          "ratio_to_white_nh_men"].iloc[0])
                                  for g, d in dol_groups.items()},
    "NPWF March 2021 (2019 data)": {g: npwf_value("2021-03", g, "FTYR") for g in dol_groups},
})
fig = plots.bar_chart(dol_table, source=sources("dol_wb_2019_ratios_by_race",
                                                "npwf_cents_on_dollar"),
                      title="Women's earnings per dollar of white non-Hispanic men's, 2019",
                      ylabel="cents per dollar", fmt="{:.0f}")
save_figure(fig, "pay-gap-dol-vs-npwf-2019")
fig

# %% [markdown]
# *Figure 11.* The Labor Department and NPWF agree for white (79), Black (63) and Hispanic women
# (55 cents per white non-Hispanic man's dollar, 2019); they differ for Asian women (87 vs 85)
# because NPWF's group also includes Pacific Islanders.

# %% [markdown]
# ## 5. Pew: income inequality within racial and ethnic groups (90/10 ratios)
#
# Pew's 2018 report gives the ratio of the 90th to the 10th income percentile within each
# group in 1970 and 2016, the percent change, and some of the percentile incomes. The ratios
# are printed to one decimal, so a percent change recomputed from them carries that rounding.

# %%
r9010 = data.load("pew_2018_ratio_90_10")
pct = data.load("pew_2018_percentile_figures")
ratios = r9010.pivot_table(index="group", columns="year", values="ratio_90_10", observed=True)
ratios

# %%
def pct_figure(group: str, measure: str, year: int) -> float:
    hit = pct[(pct["group"] == group) & (pct["measure"] == measure) & (pct["year"] == year)]
    assert len(hit) == 1, (group, measure, year)
    return float(hit["value"].iloc[0])


for group in ratios.dropna().index:
    ours, moved = with_rounding(lambda new, old: 100 * (new / old - 1),
                                (ratios.loc[group, 2016], 0.05), (ratios.loc[group, 1970], 0.05))
    report_row(f"pew_90_10_change_{group}", "Pew Research Center (2018)",
               pct_figure(group, "pct_change_in_90_10_ratio", 2016), ours, 0.5 + moved,
               description=f"percent change in the 90/10 income ratio, 1970-2016, {group}",
               method=f"ratios {ratios.loc[group, 2016]} / {ratios.loc[group, 1970]}, "
               "printed to one decimal")

for year in (1970, 2016):
    ours, moved = with_rounding(lambda p90, p10: p90 / p10,
                                (pct_figure("all", "income_at_p90", year), 0.5),
                                (pct_figure("all", "income_at_p10", year), 0.5))
    report_row(f"pew_90_10_all_{year}", "Pew Research Center (2018)",
               float(ratios.loc["all", year]), ours, 0.05 + moved,
               description=f"90/10 income ratio, all people, {year}",
               method="Pew's 90th and 10th percentile incomes (2016 dollars; via reprints); "
               "2016 gives 8.7501, on the rounding edge, within what $0.50 on each allows")

# %%
fig = plots.bar_chart(ratios.rename(index=str.capitalize).rename(columns=str),
                      source=data.cite("pew_2018_ratio_90_10"),
                      title="Income at the 90th percentile as a multiple of the 10th, "
                      "within each group", ylabel="90/10 ratio", fmt="{:.1f}")
save_figure(fig, "pay-gap-pew-90-10")
fig

# %% [markdown]
# *Figure 12.* Inequality within groups rose from 1970 to 2016 in every group Pew reports; by
# 2016 it was highest among Asian Americans (10.7) and Black Americans (9.8). Pew printed no
# 1970 ratio for Black or Hispanic people, so those bars are missing rather than zero.
#
# ## References
#
# - U.S. Census Bureau (2024). *Income in the United States: 2023* (P60-282), Table A-7 and p. 10.
# - U.S. Bureau of Labor Statistics. CPS annual averages of median usual weekly earnings;
#   *Highlights of Women's Earnings* (2013, 2016); release USDL-23-1586 (July 2023).
# - Pew Research Center. Gender pay gap analyses, editions 2013-2025; *Racial, gender wage
#   gaps persist in U.S. despite some progress* (2016); *Income Inequality in the U.S. Is Rising
#   Most Rapidly Among Asians* (2018).
# - National Partnership for Women & Families. Wage-gap fact sheets, 2016-2024.
# - U.S. Department of Labor, Women's Bureau. Women's earnings by race and ethnicity as a
#   percentage of White, non-Hispanic men's earnings (2019 data).
#
# Full source addresses for every row: `data/SOURCES.md` and `data/datapackage.json`.
