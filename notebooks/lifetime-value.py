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
# # The lifetime value of a higher starting salary: Marks & Harold's $634,198
#
# Marks and Harold (2011) open their paper with an illustration: two people start work at
# age 25, one at \$50,000 and one at \$55,000; both get 5% raises every year until 65; by then
# the first has earned **\$634,198** less. The paper does not say exactly how the years are
# counted, and recomputations give anything from about \$604,000 to \$639,000. This notebook
# finds which timing and compounding assumptions give the published figure, and tabulates
# the alternatives, so Lesson 2 can state its assumptions plainly.
#
# The lifetime function is written here, in the notebook, on purpose: learners write their
# own in Lesson 2, so the course package must not contain one.
#
# `make reproduce` runs this notebook and collects the checks it reports into
# `build/reproduce/report.md`.

# %%
import math

import pandas as pd

from negotiation_course import data, plots
from negotiation_course.research.reproduce import report_row, save_figure

# %% [markdown]
# ## The published figure and its inputs
#
# The figure and two recomputations from one source consulted, as stored in `data/`
# (`negotiation_evidence`). The recomputations are flagged `computed`: no publisher
# printed them.

# %%
evidence = data.load("negotiation_evidence")
rows = evidence[evidence["study"].astype(str).str.startswith("marks_harold_2011")]
rows[["study", "claim", "figure", "unit", "qualifier", "flag"]]

# %%
def figure_of(study: str, needle: str) -> float:
    """The stored figure of the one row of `study` whose claim contains `needle`."""
    hit = evidence[(evidence["study"] == study)
                   & evidence["claim"].astype(str).str.contains(needle, regex=False)]
    assert len(hit) == 1, (study, needle, len(hit))
    return float(hit["figure"].iloc[0])


published = figure_of("marks_harold_2011", "career earnings lost")
recomputed_40 = figure_of("marks_harold_2011_recomputed", "t = 0..39")
recomputed_41 = figure_of("marks_harold_2011_recomputed", "t = 0..40")
published, recomputed_40, recomputed_41

# %% [markdown]
# ## The model
#
# Both salaries grow by the same 5% a year, so the yearly difference is itself \$5,000 growing
# at 5%, and the lifetime difference is the sum of those yearly differences. Only the
# counting is open:
#
# - does the first raise come **after** the first year (year 1 is paid at \$5,000 difference)
#   or is the first year's pay **already raised** (year 1 pays \$5,250 difference)?
# - is "age 25 to 65" **40** years of pay or **41** (both birthdays included)?
# - are raises compounded once a year, **monthly**, or **continuously**?

# %%
START_GAP = 55_000 - 50_000   # dollars a year at age 25
RAISE = 0.05                  # yearly raise


def annual(years: int, first_raise_in_year_1: bool) -> float:
    """Sum of yearly differences; year k pays START_GAP * 1.05**(k or k-1)."""
    shift = 1 if first_raise_in_year_1 else 0
    return sum(START_GAP * (1 + RAISE) ** (k + shift) for k in range(years))


def monthly(years: int, monthly_rate: float) -> float:
    """Pay a twelfth of the yearly difference each month, growing by `monthly_rate` a month."""
    return sum(START_GAP / 12 * (1 + monthly_rate) ** m for m in range(12 * years))


def continuous(years: int, rate: float) -> float:
    """The integral of START_GAP * e**(rate t) over the career (pay as a continuous flow)."""
    return START_GAP * (math.exp(rate * years) - 1) / rate


alternatives = pd.DataFrame([
    ("annual; first raise after year 1 (t = 0..39)", 40, annual(40, False)),
    ("annual; first year already raised (t = 1..40)", 40, annual(40, True)),
    ("annual; first raise after year 1, ages 25 and 65 both paid (t = 0..40)", 41,
     annual(41, False)),
    ("annual; first year already raised, 41 years (t = 1..41)", 41, annual(41, True)),
    ("monthly pay, raises compounded monthly at 1.05**(1/12) (5% a year effective)", 40,
     monthly(40, 1.05 ** (1 / 12) - 1)),
    ("monthly pay, raises compounded monthly at 5%/12 a month (5.12% a year effective)", 40,
     monthly(40, 0.05 / 12)),
    ("continuous growth at rate ln(1.05) (5% a year effective)", 40,
     continuous(40, math.log(1.05))),
    ("continuous growth at rate 0.05 (5.13% a year effective)", 40, continuous(40, 0.05)),
], columns=["assumption", "years", "lifetime_difference_usd"])
alternatives["minus_published_usd"] = alternatives["lifetime_difference_usd"] - published
alternatives = alternatives.sort_values("minus_published_usd", key=abs).reset_index(drop=True)
alternatives.style.format({"lifetime_difference_usd": "{:,.2f}",
                           "minus_published_usd": "{:+,.2f}"}).set_caption(
    "Lifetime difference of a $5,000 higher starting salary at age 25, 5% raises, to 65")

# %% [markdown]
# The closest assumption is the first row. It is also the only one within a dollar:

# %%
best = alternatives.iloc[0]
print(best["assumption"], f"{best['lifetime_difference_usd']:,.2f}",
      "truncated to whole dollars:", math.floor(best["lifetime_difference_usd"]))

# %% [markdown]
# **Finding.** Marks and Harold's \$634,198 is annual compounding over 40 years of pay in
# which even the first year's pay is already 5% above the starting gap (year *k* pays
# \$5,000 × 1.05^*k*, *k* = 1..40), i.e. \$5,250 × (1.05^40 − 1) / 0.05 = \$634,198.81,
# cut (not rounded) to whole dollars. Counting the first year at the unraised \$5,000 gives
# \$603,999 (40 years) or \$639,199 (41 years), the two recomputations recorded in `data/`.
# Monthly or continuous compounding gives values between about \$618,000 and \$639,000.
#
# The same difference, checked the long way: the two full salary paths, summed.

# %%
def career_total(start_salary: float, years: int = 40) -> float:
    """Total pay over the career with the paper's timing (first year already raised)."""
    return sum(start_salary * (1 + RAISE) ** k for k in range(1, years + 1))


long_way = career_total(55_000) - career_total(50_000)
print(f"{career_total(50_000):,.2f} vs {career_total(55_000):,.2f}: "
      f"difference {long_way:,.2f}")

# %% [markdown]
# ## Checks for the reproduction report

# %%
report_row("marks_harold_2011_634198", "Marks & Harold (2011), J. Organizational Behavior",
           published, best["lifetime_difference_usd"], 1.0,
           description="career earnings lost by 65: $50,000 vs $55,000 at 25, 5% raises",
           method=f"{best['assumption']}; the paper cuts the cents (634,198.81)")
report_row("marks_harold_2011_long_way", "Marks & Harold (2011), J. Organizational Behavior",
           published, long_way, 1.0,
           description="same figure from the two full salary paths ($55,000 path - $50,000 path)",
           method="sum of both salary paths, first year already raised, 40 years")
report_row("marks_harold_2011_recomputed_t0_39", "recomputation in one source consulted",
           recomputed_40, annual(40, False), 500.0,
           description="$5,000 x sum of 1.05^t, t = 0..39 (flag computed, 'about')",
           method="annual; first raise after year 1; 40 years; tolerance: rounded to $1,000")
report_row("marks_harold_2011_recomputed_t0_40", "recomputation in one source consulted",
           recomputed_41, annual(41, False), 500.0,
           description="$5,000 x sum of 1.05^t, t = 0..40 (flag computed, 'about')",
           method="annual; first raise after year 1; 41 years; tolerance: rounded to $1,000");

# %% [markdown]
# ## Figure: how the difference builds up over a career

# %%
by_50 = annual(25, True)
print(f"lost by age 50: {by_50:,.0f}; share of the loss after 50: "
      f"{1 - by_50 / annual(40, True):.0%}; yearly gap at 65: "
      f"{START_GAP * (1 + RAISE) ** 40:,.0f}")

# %%
ages = range(26, 66)
paths = {
    "first year already raised (paper: $634,198 at 65)":
        pd.Series([annual(a - 25, True) for a in ages], index=list(ages)),
    "first raise after year 1": pd.Series([annual(a - 25, False) for a in ages],
                                          index=list(ages)),
}
fig = plots.line_chart(
    {k: v / 1000 for k, v in paths.items()},
    source="Source: inputs from " + rows["citation"].iloc[0]
    + "; cumulative sums computed in notebooks/lifetime-value.ipynb",
    title="Cumulative earnings lost from a $5,000 lower starting salary (5% raises)",
    xlabel="age", ylabel="thousands of dollars")
save_figure(fig, "lifetime-value-cumulative")
fig

# %% [markdown]
# *Figure 1.* A \$5,000 lower starting salary at age 25, with 5% raises every year, adds up
# to about \$604,000 to \$634,000 less by age 65 depending only on whether the first year's
# pay already includes a raise; about 60% of the loss comes after age 50, because the
# yearly gap itself grows to about \$35,000 (computed just above the figure).
#
# ## References
#
# - Marks, M. & Harold, C. (2011). Who asks and who receives in salary negotiation.
#   *Journal of Organizational Behavior*, 32, 371-394. doi:10.1002/job.671
