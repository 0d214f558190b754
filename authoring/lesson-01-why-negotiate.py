"""Build source/lesson-01-why-negotiate/lesson-01-why-negotiate.ipynb.

Run: .venv/bin/python authoring/lesson-01-why-negotiate.py

Content from the course owner's draft (seed 000, after the welcome) and COURSE.md, written
afresh in the course's words. Numbers in the Markdown are checked against data/ by
tests/test_content_lesson01.py. The estimated time is computed from the built notebook
(negotiation_course.hours) and written back into it, so it is never typed in.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from negotiation_course import hours
from negotiation_course.authoring import (activity, answer, code, md, notebook, readonly,
                                          reflection, tests, write)
from negotiation_course.objectives import OBJECTIVES

NAME = "lesson-01-why-negotiate"
PATH = Path(__file__).resolve().parents[1] / "source" / NAME / f"{NAME}.ipynb"
LESSON_OBJECTIVES = ["O1", "O2", "O3", "O4"]


def assesses(objective: str) -> str:
    """The line above a graded cell naming the objective it assesses (tag + text)."""
    return f"*Assesses objective {objective}: {OBJECTIVES[objective][1]}*"


def part(label: str, title: str, objective: str, minutes: int, prompt: str, scaffold: str,
         solution: str, check: str, hidden: str, points: float = 1) -> list:
    """One autograded worksheet part: the red activity with its prompt, answer and test cells."""
    gid = f"item1{label}"
    text = f"**Worksheet item 1{label}: {title}**\n\n{assesses(objective)}\n\n{prompt.strip()}"
    return [
        activity(minutes, "Answer", text),
        answer(f"{gid}-answer", f"{scaffold.strip()}\n### BEGIN SOLUTION\n{solution.strip()}"
                                "\n### END SOLUTION", objective),
        tests(f"{gid}-tests", f"{check.strip()}\n### BEGIN HIDDEN TESTS\n{hidden.strip()}"
                              "\n### END HIDDEN TESTS", points, objective),
    ]


def cells(estimate: str) -> list:
    objectives = "\n".join(f"{i}. {OBJECTIVES[k][1]} ({k})"
                           for i, k in enumerate(LESSON_OBJECTIVES, start=1))
    return [
        md(f"""
# Lesson 1: The importance of negotiating to career success

Why so many clients accept the first offer, what that costs them, and what they gain when they learn
to negotiate. The second half reads the published statistics on pay gaps and financial strain that
form the backdrop to every client's negotiation.

**Learning objectives.** By the end of this lesson you will be able to:

{objectives}

**Estimated time:** {estimate}

**Worksheet item 1** is spread through this lesson: parts 1a to 1m are short questions, each inside a
red **Activity (… minutes): Answer.** box, and parts 1n and 1o are two written reflections at the end.
When you run a check cell, it only tells you whether your answer is the right *kind* of answer.
**Hidden tests check the exact answers after you submit**; your instructor reads the reflections.
"""),
        readonly("setup", "from negotiation_course import checks, data, plots"),
        md("""
## Why clients hesitate to negotiate

Most clients know, at some level, that they could ask for more. Many still do not. In coaching
sessions the reasons tend to fall into two groups:

- **Fear of getting it wrong.** Clients worry that asking will make the employer withdraw the offer,
  or that raising pay or workload with a manager or colleague will damage the relationship.
- **Not knowing how.** Few people were ever taught what can be negotiated, when to raise it, or what
  words to use. Without a method, asking feels like a gamble.

When fear or uncertainty wins, the client falls back on the default: say yes to whatever is offered.
Accepting by default has costs that show up at once and keep growing:

- **Now:** a lower salary, fewer days off, or a schedule or role that does not suit the client.
- **Later:** the starting salary is the base on which future raises, bonuses and retirement
  contributions are calculated, so a shortfall at the start is carried into every later year. A
  client who never asks also never learns how much room the employer had.

Clients are often well aware of this. Some have found out that a colleague doing the same work earns
more, and regret not speaking up. Our job is to replace that regret with skill: when clients have
tools and some confidence, they become much more willing to try.
"""),
        *part("a", "why clients hesitate", "O1", 2, """
Which of these are reasons for hesitating that this lesson describes? Pick **all** that apply and
write their letters as a list, for example `["a", "e"]`.

- a. They fear the employer will withdraw the offer.
- b. They worry that asking will upset a manager or a co-worker.
- c. Negotiating a job offer is against the law in most U.S. states.
- d. They do not know how to go about negotiating.
- e. Employers never have any room to move on pay.
""",
              scaffold='hesitation_reasons = ...  # replace ... with a list such as ["a", "e"]',
              solution='hesitation_reasons = ["a", "b", "d"]',
              check="""
checks.choices(hesitation_reasons, name="hesitation_reasons", options=["a", "b", "c", "d", "e"],
               hint="Write the letters in quotes inside square brackets.")
""",
              hidden="""
checks.record("hesitation_reasons", hesitation_reasons)
# answer-key: {"id": "hesitation_reasons", "choices": ["a", "b", "d"]}
"""),
        md("""
## Five benefits of negotiating

Negotiation is not only about the salary line. Clients who build the habit of negotiating, from the
job offer to raises to the terms of leaving, tend to gain in five ways. Each benefit below comes with
a short coaching example; the examples are composites, not real clients.

### 1. Higher pay

Clients who negotiate are more likely to receive higher offers and more frequent raises. Nothing is
guaranteed, but in practice an offer that is questioned politely and with evidence is often improved,
sometimes by a modest amount and sometimes by much more. Neither the client nor the coach knows how
much room the employer has until someone asks.

*Coaching example.* A hospital administrator was ready to accept an offer on the spot. Her coach
helped her gather salary ranges for the role and practise one sentence asking whether the base salary
had any flexibility. The employer raised the offer the same week.

### 2. Better work/life balance

For clients raising young children, caring for older parents or supporting a family member through
illness, flexibility and time off can be worth more than money. Working from home, additional
vacation days, time off for health reasons and non-standard hours are all open to discussion, and
they shape how a client's days actually feel.

*Coaching example.* A software tester caring for his father asked for two remote days a week before
accepting a new job. The employer agreed, and a year later he said the arrangement had mattered more
to his family than a higher salary would have.

### 3. Better job fit

Managers usually have wide discretion over who does which tasks. Clients who ask to shape their role
around their strengths and interests usually enjoy their work more, and a reasonable request is often
granted.

*Coaching example.* An analyst who loved teaching asked her manager to hand some routine reporting to
a colleague so she could run the team's onboarding sessions. Her manager agreed to a three-month trial.

### 4. A sense of agency

Clients who know they can handle a difficult conversation at work feel in charge of their careers.
They rarely remain for long in an underpaid or ill-fitting role, because they know they can ask for
change or go and find it.

*Coaching example.* After practising with his coach, a warehouse supervisor asked for a review of his
pay. Whatever the outcome, he said he no longer felt that his career simply happened to him.

### 5. Resilience

Plants close, companies are sold, contracts end and layoffs follow. No career avoids setbacks that
the client did not cause. Clients who trust their own toolkit recover faster when they are knocked
down, because they already know how to ask for what they need in the next job.

*Coaching example.* A marketing manager lost her job when her firm was bought. Having negotiated her
previous offer, she approached the severance discussion and her next job search with a plan instead
of panic.
"""),
        *part("b", "match the benefit", "O2", 3, """
Match each client situation to the benefit it shows most clearly. For each one, write one of these
words in quotes: `"pay"`, `"balance"`, `"fit"`, `"agency"` or `"resilience"`. All three must be
right for the point.

1. A client whose factory has just closed says that, having negotiated before, she knows she can
   land on her feet in a new job.
2. A client with a toddler asks for a compressed four-day week before accepting an offer.
3. A client asks her manager to swap data entry for the client-training projects she does best.
""",
              scaffold="""
situation_1 = ...  # replace each ... with one of the five words, in quotes
situation_2 = ...
situation_3 = ...
""",
              solution="""
situation_1 = "resilience"
situation_2 = "balance"
situation_3 = "fit"
""",
              check="""
words = ["pay", "balance", "fit", "agency", "resilience"]
checks.choice(situation_1, name="situation_1", options=words)
checks.choice(situation_2, name="situation_2", options=words)
checks.choice(situation_3, name="situation_3", options=words)
""",
              hidden="""
checks.record("situation_1", situation_1)
checks.record("situation_2", situation_2)
checks.record("situation_3", situation_3)
# answer-key: {"id": "situation_1", "text": ["resilience"]}
# answer-key: {"id": "situation_2", "text": ["balance"]}
# answer-key: {"id": "situation_3", "text": ["fit"]}
"""),
        md("""
## The wider economic context

There is a second reason to encourage clients to negotiate throughout their careers. Each raise or
better offer a client secures pushes back, a little, against large economic trends that touch every
client: persistent pay gaps between groups, growing inequality, and household finances with little room
for surprises. The four readings in this section describe those forces. For each one you will read
the article, look at the published figures behind it, and answer a short question.

A note on the numbers. Every figure here comes from the course's data folder, which records where
each number was published. Some figures were seen only in a news report or a reprint rather than on
the publisher's own page; the lesson says so ("as reported by ...") when it uses one.

### The gender pay gap
"""),
        activity(15, "Read", """Read Pew Research Center's article *The Narrowing, but Persistent,
Gender Gap in Pay* (March 2019; full citation in the References at the end). Note how Pew measures
the gap and how it changed since 1980."""),
        md("""
The most common way to describe the gender pay gap is a **ratio**: the median earnings of women
divided by the median earnings of men. A ratio of 1.0 would mean equal medians; 0.80 means that the
typical woman earns 80 cents for every dollar the typical man earns. The *median* is the middle
earner: half earn more and half earn less.

The U.S. Census Bureau publishes this ratio every year for people who work **full time, all year
round**, using their annual earnings. The cell below loads its table (one row per year from 1960)
and shows the latest years. Earnings are in 2023 dollars, so years can be compared.
"""),
        readonly("load-census", """
census = data.load("census_p60_282_a7_earnings_by_sex")
census = census[census["preferred_row"]].set_index("year")  # one row per year
earnings = census[["female_ftyr_median_usd2023", "male_ftyr_median_usd2023",
                   "female_to_male_ratio_ftyr"]]
earnings.head(3)
"""),
        md("""
Two years (2013 and 2017) appear twice in the Census table, because Census changed its questions and
its processing in those years; `preferred_row` keeps the version that matches the later years.
"""),
        code("""
plots.line_chart(earnings["female_to_male_ratio_ftyr"], label="women's earnings / men's",
                 title="Women's median earnings as a share of men's, 1960-2023",
                 xlabel="Year", ylabel="Ratio (1.0 = equal)",
                 source=data.cite("census_p60_282_a7_earnings_by_sex"))
"""),
        md("""
*Figure 1.* Among full-time, year-round workers, women's median earnings as a share of men's stayed
near 0.6 from 1960 until about 1980, rose steadily to about 0.77 in the early 2000s, stalled for about
a decade, then rose again to 0.840 in 2022 before dipping in 2023. The gap has narrowed but never
closed.
"""),
        md("""
**Worked example.** For 2022, the ratio can be read from the table or computed from the two medians.
A change in a ratio is easiest to say in **percentage points**: multiply the ratio by 100 to get a
percent, then subtract. For instance, from 1980 to 2000 the ratio went from 0.602 to 0.737, a rise of
13.5 points.
"""),
        code("""
ratio_2022 = earnings.loc[2022, "female_to_male_ratio_ftyr"]
computed_2022 = earnings.loc[2022, "female_ftyr_median_usd2023"] / earnings.loc[2022, "male_ftyr_median_usd2023"]
points_1980_2000 = (earnings.loc[2000, "female_to_male_ratio_ftyr"] - earnings.loc[1980, "female_to_male_ratio_ftyr"]) * 100
print(ratio_2022, round(computed_2022, 3), round(points_1980_2000, 1))
"""),
        *part("c", "the 2023 ratio", "O3", 3, """
What was women's median earnings as a share of men's in **2023**? Give it as a **ratio between 0 and
1, to three decimal places** (like `0.840` for 2022), not as a percent. You may copy the line from
the worked example and change the year.
""",
              scaffold="ratio_2023 = ...  # replace ... with your answer",
              solution='ratio_2023 = earnings.loc[2023, "female_to_male_ratio_ftyr"]',
              check="""
checks.number(ratio_2023, name="ratio_2023", low=0, high=1,
              hint="Give a ratio, not a percent: if you have 82.5, divide by 100.")
""",
              hidden="""
checks.record("ratio_2023", ratio_2023)
# answer-key: {"id": "ratio_2023", "number": 0.827, "tol": 0.0006}
"""),
        *part("d", "the change since 1960", "O3", 3, """
By how many **percentage points** did the ratio change from **1960** to **2023**? Give a number of
points such as `13.5` (not `0.135`), positive for a rise. Follow the worked example.
""",
              scaffold="points_since_1960 = ...  # replace ... with your answer",
              solution="""
points_since_1960 = (earnings.loc[2023, "female_to_male_ratio_ftyr"]
                     - earnings.loc[1960, "female_to_male_ratio_ftyr"]) * 100
""",
              check="""
checks.number(points_since_1960, name="points_since_1960", low=1, high=100,
              hint="Subtract the 1960 ratio from the 2023 ratio, then multiply by 100.")
""",
              hidden="""
checks.record("points_since_1960", points_since_1960)
# answer-key: {"id": "points_since_1960", "number": 22.0, "tol": 0.15}
"""),
        md("""
A ratio hides the dollars. The yearly gap is men's median minus women's median. Over a working life
the gap adds up: as a simple illustration, assume the same gap (in 2023 dollars) every year for a
40-year career, with no raises and no interest.

**Worked example** for the year 2000:
"""),
        code("""
gap_2000 = earnings.loc[2000, "male_ftyr_median_usd2023"] - earnings.loc[2000, "female_ftyr_median_usd2023"]
print(gap_2000, gap_2000 * 40)
"""),
        *part("e", "the yearly gap in 2023", "O3", 2, """
How many dollars a year separated men's and women's median earnings in **2023** (full-time,
year-round workers, 2023 dollars)? Give the number of dollars without `$` or commas, for example
`16320`.
""",
              scaffold="gap_2023 = ...  # replace ... with your answer",
              solution="""
gap_2023 = earnings.loc[2023, "male_ftyr_median_usd2023"] - earnings.loc[2023, "female_ftyr_median_usd2023"]
""",
              check="""
checks.number(gap_2023, name="gap_2023", low=1000, high=50000,
              hint="Subtract women's median from men's median for 2023.")
""",
              hidden="""
checks.record("gap_2023", gap_2023)
# answer-key: {"id": "gap_2023", "number": 11550, "tol": 1}
"""),
        *part("f", "the gap over a 40-year career", "O3", 2, """
Using your yearly gap for 2023 and the same assumptions as the worked example (the same gap every
year, no raises, no interest), how many dollars would it add up to over a **40-year** career?
""",
              scaffold="gap_40_years = ...  # replace ... with your answer",
              solution="gap_40_years = gap_2023 * 40",
              check="""
checks.number(gap_40_years, name="gap_40_years", low=40000, high=2000000,
              hint="Multiply your yearly gap for 2023 by 40.")
""",
              hidden="""
checks.record("gap_40_years", gap_40_years)
# answer-key: {"id": "gap_40_years", "number": 462000, "tol": 250}
"""),
        md("""
**Why Pew's number is different.** Census puts the 2023 ratio at 82.7% (84.0% in 2022), while Pew
Research Center says women earned 82% of what men earned in 2022 (Pew's March 2023 analysis, as
reported by Axios). Neither is wrong; they measure different things:

- **Census** compares *annual* earnings of people who work *full time, all year round*.
- **Pew** compares *hourly* earnings of *all* wage and salary workers, full time and part time.
  Looking at hourly pay removes the effect of women working fewer hours on average, while including
  part-timers brings in many lower-paid jobs.
- Pew also **re-estimates its whole history in each edition**, so a figure from one Pew article
  should not be joined to a figure from another into one trend line.

When a client quotes "the" pay gap, it helps to ask which measure it is.
"""),
        readonly("load-pew", """
pew = data.load("pew_hourly_ratio_points")
pew[(pew["edition"] == "2023-03") & (pew["age_group"] == "16+")][
    ["edition", "data_year", "women_pct_of_men", "flag"]]
"""),
        *part("g", "why the measures differ", "O3", 2, """
Census's ratio for 2022 is 84.0%; Pew's is 82%. Which explanation is right? Write one letter in
quotes, for example `"a"`.

- a. One of the two sources made an arithmetic mistake.
- b. Pew counts only full-time workers, while Census counts everyone with earnings.
- c. Census compares yearly earnings of full-time, year-round workers; Pew compares hourly earnings
  of all workers, part-time included, so they measure different things.
- d. Pew states earnings in 2023 dollars and Census in 2022 dollars.
""",
              scaffold="measures_differ = ...  # replace ... with one letter in quotes",
              solution='measures_differ = "c"',
              check="""
checks.choice(measures_differ, name="measures_differ", options=["a", "b", "c", "d"])
""",
              hidden="""
checks.record("measures_differ", measures_differ)
# answer-key: {"id": "measures_differ", "text": ["c"]}
"""),
        md("""
### The gap by race and ethnicity
"""),
        activity(10, "Read", """Read the National Partnership for Women & Families' fact sheet
*Quantifying America's Gender Wage Gap by Race/Ethnicity* (March 2021). Look for the cents each group
of women is paid for every dollar paid to white, non-Hispanic men."""),
        md("""
The National Partnership for Women & Families (NPWF) compares the median earnings of each group of
women with those of **white, non-Hispanic men**, and states the result in **cents on the dollar**.
Its March 2021 fact sheets use full-time, year-round workers. The U.S. Department of Labor's Women's
Bureau publishes the official version of the same comparison for 2019 earnings; the table below puts
the two side by side (the Labor Department's ratios converted to cents).
"""),
        readonly("load-npwf", """
npwf = data.load("npwf_cents_on_dollar")
npwf = npwf[npwf["flag"].isin(["P", "P*"])]  # figures seen on NPWF's own documents
dol = data.load("dol_wb_2019_ratios_by_race")
npwf_2021 = npwf[npwf["publication_date"] == "2021-03"].set_index("group")["cents_per_dollar"]
dol_cents = (dol.set_index("group")["ratio_to_white_nh_men"] * 100).round()
print(npwf_2021[["white", "black", "latina", "aapi"]].to_string())
print(dol_cents.to_string())
"""),
        md("""
The two sources agree for white (79 cents), Black (63 cents) and Hispanic women or Latinas
(55 cents). For Asian women the Labor Department reports 87 cents and NPWF 85 cents for Asian American
and Pacific Islander women, a slightly different group.

In 2024 NPWF changed its method: it now counts **all** workers, including those who work part time or
part of the year. That lowers the figures, because part-time workers earn less over a year. The chart
therefore shows the editions up to 2022 and the 2024 editions as separate pieces that are **not
joined**.
"""),
        readonly("npwf-lines", """
dated = npwf.dropna(subset=["publication_date"])
dates = dated["publication_date"].astype("str")  # "2021-03" -> 2021.17 (year + month / 12)
dated = dated.assign(edition=dates.str[:4].astype(float) + (dates.str[5:7].astype(float) - 1) / 12)
groups = {"black": "Black women", "latina": "Latinas", "native_american": "Native American women",
          "white": "white non-Hispanic women"}
lines = dated[dated["group"].isin(groups)].pivot_table(
    index="edition", columns="group", values="cents_per_dollar", observed=True).rename(columns=groups)
"""),
        code("""
plots.line_chart(lines, breaks=[2024], break_note="from 2024: all workers", join_gaps=True,
                 title="Cents per dollar paid to white, non-Hispanic men, by NPWF edition",
                 xlabel="Edition (publication date)", ylabel="Cents on the dollar",
                 source=data.cite("npwf_cents_on_dollar"))
"""),
        md("""
*Figure 2.* In every NPWF edition from 2017 to 2024, Latinas, Native American women and Black women
were paid roughly 51 to 66 cents, and white women 73 to 79 cents, for every dollar paid to white,
non-Hispanic men. The 2024 editions count all workers, part-time included, and are shown unjoined: the
lower values after the dotted line reflect the change of method, not a change in pay.
"""),
        md("""
**Worked example.** Cents on the dollar become dollars when you go back to the medians. NPWF's March
2021 fact sheet gives the median yearly earnings for all women and all men who work full time, year
round; their difference is the yearly gap NPWF reports for women overall.
"""),
        readonly("load-npwf-dollars", """
dollars = data.load("npwf_dollar_figures")
medians = dollars[(dollars["publication_date"] == "2021-03")
                  & (dollars["measure"] == "median_annual_earnings")].set_index("group")["value"]
medians
"""),
        code("""
women_gap = medians["men"] - medians["women"]
women_gap
"""),
        *part("h", "the yearly loss for Latinas", "O3", 2, """
Using the medians in the same table, how many dollars a year less were Latinas paid than white,
non-Hispanic men? Give the number of dollars without `$` or commas.
""",
              scaffold="latina_gap = ...  # replace ... with your answer",
              solution='latina_gap = medians["white non-Hispanic men"] - medians["Latinas"]',
              check="""
checks.number(latina_gap, name="latina_gap", low=1000, high=60000,
              hint="Subtract the Latinas' median from white, non-Hispanic men's median.")
""",
              hidden="""
checks.record("latina_gap", latina_gap)
# answer-key: {"id": "latina_gap", "number": 29098, "tol": 1}
"""),
        *part("i", "reading across a change of method", "O3", 2, """
NPWF's figure for Black women is 63 cents in its March 2021 fact sheet and 66 cents in March 2024.
Which statement is right? Write one letter in quotes.

- a. Black women's pay rose by 3 cents on the dollar, relative to white men, between those editions.
- b. The 2024 figure counts all workers, part-time included, while the 2021 figure counts full-time,
  year-round workers, so the two cannot be read as a trend.
- c. The 2024 figure compares Black women with all men instead of white, non-Hispanic men.
""",
              scaffold="universe_change = ...  # replace ... with one letter in quotes",
              solution='universe_change = "b"',
              check="""
checks.choice(universe_change, name="universe_change", options=["a", "b", "c"])
""",
              hidden="""
checks.record("universe_change", universe_change)
# answer-key: {"id": "universe_change", "text": ["b"]}
"""),
        md("""
### Inequality within groups
"""),
        activity(10, "Read", """Read Pew Research Center's *Key Findings on the Rise in Income
Inequality Within America's Racial and Ethnic Groups* (July 2018). Note which group's inequality grew
fastest."""),
        md("""
Gaps *between* groups are only part of the picture: incomes also spread apart *within* each group.
Pew measures this with the **90/10 ratio**. Line up everyone in a group by household income (adjusted
for household size). The person 90% of the way up the line has an income at the 90th percentile; the
person 10% of the way up, at the 10th. The 90/10 ratio divides the first by the second: a ratio of 8
means that someone near the top has eight times the income of someone near the bottom.

Pew's 2016 ratios come from its own pages. The 1970 ratios were seen only in reprints of Pew's report
(as reported by AmRen and YubaNet), and Pew did not print 1970 levels for Black or Hispanic Americans,
so those bars are missing.
"""),
        readonly("load-pew-90-10", """
ratios = data.load("pew_2018_ratio_90_10").pivot_table(
    index="group", columns="year", values="ratio_90_10", observed=False)
ratios.columns = ratios.columns.astype(str)
ratios
"""),
        code("""
plots.bar_chart(ratios, horizontal=True, title="Income at the 90th percentile / income at the 10th",
                xlabel="90/10 ratio", source=data.cite("pew_2018_ratio_90_10"))
"""),
        md("""
*Figure 3.* In 2016 the 90/10 ratio was highest among Asian Americans (10.7) and Black Americans
(9.8), and lowest among white and Hispanic Americans (7.8 each); for the population as a whole it was
8.7, up from 6.9 in 1970. Among Asian Americans it rose from 6.1 in 1970, the largest increase of the
groups with figures for both years.
"""),
        md("""
**Worked example.** For white Americans the ratio went from 6.3 in 1970 to 7.8 in 2016: a rise of
1.5. Pew itself reports a rise of 24% for white Americans, computed from unrounded figures.
"""),
        code("""
white_rise = ratios.loc["white", "2016"] - ratios.loc["white", "1970"]
round(white_rise, 1)
"""),
        *part("j", "whose inequality rose most", "O3", 3, """
Of the three groups with a 1970 figure (`"all"`, `"asian"`, `"white"`), whose 90/10 ratio rose the
most from 1970 to 2016, and by how much? Set `rose_most` to the group's name in quotes, as written
in the table, and `rise` to the increase in the ratio (a number such as `1.5`).
""",
              scaffold="""
rose_most = ...  # replace ... with "all", "asian" or "white"
rise = ...       # replace ... with the increase, e.g. 1.5
""",
              solution="""
rises = ratios["2016"] - ratios["1970"]
rose_most = rises.idxmax()
rise = rises.max()
""",
              check="""
checks.choice(rose_most, name="rose_most", options=["all", "asian", "white"])
checks.number(rise, name="rise", low=0, high=10,
              hint="Subtract the 1970 ratio from the 2016 ratio for that group.")
""",
              hidden="""
checks.record("rose_most", rose_most)
checks.record("rise", rise)
# answer-key: {"id": "rose_most", "text": ["asian"]}
# answer-key: {"id": "rise", "number": 4.6, "tol": 0.05}
"""),
        *part("k", "what a 90/10 ratio means", "O3", 2, """
Which sentence says correctly what Pew's 2016 ratio of 8.7 for the whole population means? Write one
letter in quotes.

- a. People at the 90th percentile of income had about 8.7 times the income of people at the 10th
  percentile.
- b. The richest 10% of people held 8.7% of all income.
- c. Incomes grew 8.7% between 1970 and 2016.
""",
              scaffold="meaning_90_10 = ...  # replace ... with one letter in quotes",
              solution='meaning_90_10 = "a"',
              check="""
checks.choice(meaning_90_10, name="meaning_90_10", options=["a", "b", "c"])
""",
              hidden="""
checks.record("meaning_90_10", meaning_90_10)
# answer-key: {"id": "meaning_90_10", "text": ["a"]}
"""),
        md("""
### Financial fragility: the $400 question
"""),
        activity(15, "Read", """Read the section *Dealing with Unexpected Expenses* of the Federal
Reserve's *Report on the Economic Well-Being of U.S. Households in 2018* (May 2019)."""),
        activity(10, "Read", """Read Michael R. Strain's Bloomberg Opinion column *The $400 Emergency
Expense Story Is Wrong* (June 2019). Note what the critic says the headline gets wrong."""),
        md("""
Each year the Federal Reserve's Survey of Household Economics and Decisionmaking (SHED) asks adults:
suppose you had an emergency expense of $400; how would you pay for it? People may tick **several**
answers: cash or money in a bank account, a credit card paid off at the next statement, a credit card
paid off over time, a loan from a bank or from family and friends, a payday loan, selling something,
or "I could not pay for it right now". The Fed reports the share who would pay **entirely with cash
or its equivalent** (cash, bank money, or a card paid off in full at the next statement).
"""),
        readonly("load-shed", """
shed = data.load("shed_400_headline")
main = shed[(shed["wave"] == "main") & (shed["flag"] != "derived")
            & shed["survey_year"].between(2013, 2023)]
# aggfunc="max": for 2013 it keeps the Fed's later restatement ("half", 50) over the first 48.
shed_table = main.pivot_table(index="survey_year", columns="measure", values="value_pct",
                              aggfunc="max", observed=True)
shed_table[["cash_or_equivalent", "borrow_or_sell", "unable_to_pay"]]
"""),
        code("""
shed_lines = shed_table[["cash_or_equivalent", "unable_to_pay"]].rename(columns={
    "cash_or_equivalent": "would pay entirely with cash or its equivalent",
    "unable_to_pay": "could not pay by any means"})
plots.line_chart(shed_lines, title="Paying a $400 emergency expense, adults, 2013-2023",
                 xlabel="Survey year", ylabel="Percent of adults", ylim=(0, 100),
                 source=data.cite("shed_400_headline"))
"""),
        md("""
*Figure 4.* The share of adults who would cover a $400 emergency entirely with cash or its
equivalent rose from half in 2013 to a high of 68% in 2021, then fell back to 63% in 2022 and 2023.
The share who could not pay by any means stayed between 11% and 13% from 2018 on. The 2013 point uses
the Fed's later restatement ("half"); 2014, 2022 and 2023 were seen only as reported by news pages
quoting the Fed; 2015 and 2016 are blank because only other measures were published.
"""),
        md("""
In 2018 the Fed's answer split the adults three ways: 61% would pay entirely with cash or its
equivalent, 27% would borrow or sell something, and 12% could not pay at all. (The 27% was seen in a
copy of the Fed's press release.) Because people could tick several options, the shares of the
individual options below do not add up to 100.
"""),
        readonly("load-shed-options", """
split_2018 = shed_table.loc[2018, ["cash_or_equivalent", "borrow_or_sell", "unable_to_pay"]]
options = data.load("shed_400_how_would_pay")
options_2018 = options[(options["survey_year"] == 2018) & (options["wave"] == "main")]
options_2018 = options_2018.set_index("option")["value_pct"].dropna()
options_2018.index = options_2018.index.astype(str).str.replace("_", " ")
split_2018
"""),
        code("""
plots.bar_chart(options_2018, horizontal=True, fmt="{:.0f}%",
                title="How adults would pay a $400 emergency, 2018 (several answers allowed)",
                xlabel="Percent of adults", source=data.cite("shed_400_how_would_pay"))
"""),
        md("""
*Figure 5.* In 2018, 61% of adults would have paid a $400 emergency entirely with cash or its
equivalent, and 12% could not have paid it at all. The options in between were, as reported by a
secondary page summarising the Fed's figure: a credit card paid off over time (16%), a loan from
family or friends (10%), selling something (6%), a bank loan or line of credit (3%) and a payday
loan, deposit advance or overdraft (2%).

**What the critic says.** Headlines turned the Fed's finding into "four in ten Americans can't come
up with $400". Strain's column argues that this misreads the survey. The roughly four in ten who
would not pay *entirely with cash or its equivalent* are not four in ten who *cannot pay*: most of them
would still pay, by putting the cost on a card and paying it off over time, borrowing, or selling
something. Only 12% said they could not pay by any means. Both readings matter in coaching: a client
who must borrow to meet a small emergency is under real strain, even if not destitute.

**Worked example** with the 2019 survey, where the Fed also printed the complement itself:
"""),
        code("""
not_cash_2019 = 100 - shed_table.loc[2019, "cash_or_equivalent"]
unable_2019 = shed_table.loc[2019, "unable_to_pay"]
print(not_cash_2019, shed_table.loc[2019, "not_completely_cash_or_equivalent"], unable_2019)
"""),
        *part("l", "two readings of the 2018 split", "O4", 3, """
From the 2018 split (`split_2018` above), compute both readings, in **percent of adults** (a number
such as `37`, not `0.37`):

- `not_cash_2018`: the share who would **not** pay entirely with cash or its equivalent;
- `cannot_pay_2018`: the share who could **not** pay by any means.
""",
              scaffold="""
not_cash_2018 = ...    # replace ... with your answer
cannot_pay_2018 = ...  # replace ... with your answer
""",
              solution="""
not_cash_2018 = 100 - split_2018["cash_or_equivalent"]
cannot_pay_2018 = split_2018["unable_to_pay"]
""",
              check="""
checks.number(not_cash_2018, name="not_cash_2018", low=1, high=100,
              hint="Give a percent such as 37: subtract the cash share from 100.")
checks.number(cannot_pay_2018, name="cannot_pay_2018", low=1, high=100,
              hint="Give a percent such as 12, not 0.12.")
""",
              hidden="""
checks.record("not_cash_2018", not_cash_2018)
checks.record("cannot_pay_2018", cannot_pay_2018)
# answer-key: {"id": "not_cash_2018", "number": 39, "tol": 0.5}
# answer-key: {"id": "cannot_pay_2018", "number": 12, "tol": 0.5}
"""),
        *part("m", "choose the accurate headline", "O4", 2, """
Which headline states the 2018 finding accurately? Write one letter in quotes.

- a. "Four in ten Americans can't come up with $400 in an emergency."
- b. "About four in ten adults would not cover a $400 emergency entirely with cash or its
  equivalent; about one in eight could not pay it by any means."
- c. "Twelve percent of Americans would have to borrow to pay a $400 emergency."
- d. "Sixty-one percent of Americans keep at least $400 in a savings account."
""",
              scaffold="accurate_headline = ...  # replace ... with one letter in quotes",
              solution='accurate_headline = "b"',
              check="""
checks.choice(accurate_headline, name="accurate_headline", options=["a", "b", "c", "d"])
""",
              hidden="""
checks.record("accurate_headline", accurate_headline)
# answer-key: {"id": "accurate_headline", "text": ["b"]}
"""),
        md("""
## Context, not despair: what this means for coaching

These readings are not meant to make anyone despair, nor to set groups against one another. They
are background. Each client we coach negotiates inside an economy where women, and especially
Black, Latina and Native American women, are paid less than white men; where Black and Hispanic men
are also paid less than white men (in 2023 their median weekly earnings were $970 and $915, against
$1,225 for white men, as transcribed from BLS tables by a third party); where incomes within every group have spread apart; and where
many households have little slack for an unexpected bill. Ignoring that context would serve clients
poorly: a client who does not know the typical pay for a role, or who cannot afford to wait for a
better offer, negotiates from a weaker position.

The context is not a verdict on any single client. A white man can be underpaid and undervalued for
reasons of his own (a first offer accepted years ago, a role that grew without a raise, a sector in
decline), and that harm is just as real to him. Every client deserves our full support.

Whether most households are one $400 bill from trouble or somewhat better placed, nearly every
family would welcome more money coming in each month. We cannot change the economy our clients work
in. We can make sure they understand it, teach them what negotiation can gain them, and help them
build the skills to do better than the averages in these charts.
"""),
        md("""
## Worksheet item 1: reflections

Write each reflection in the cell under its prompt, replacing the text that is there. Your instructor
reads and grades them. **Please do not include names or any detail that could identify a client**:
describe situations in general terms.
"""),
        activity(10, "Journal", f"""**Worksheet item 1n: a first offer accepted**

{assesses("O2")}

Think of a client (or a composite of several clients) who accepted a first offer without
negotiating. In four to six sentences: why do you think they hesitated, and which of the five
benefits in this lesson would have mattered most to them? Finish with a commitment to change: one
sentence that starts "I will ..." saying what you will do differently with the next client in that
position. Do not include any detail that could identify the client."""),
        reflection("item1n-reflection", 3, "O2", model_answer="""
A client in an early-career administrative role accepted her first offer the same day because she
was afraid the employer would pick someone else, and she did not know that asking was normal. Higher
pay would have mattered, but flexibility mattered more: she was caring for a parent and later left
the job over its rigid hours. I will ask every client at the offer stage which parts of the offer
matter most to them beyond salary, and rehearse one request with them before they reply."""),
        activity(10, "Journal", f"""**Worksheet item 1o: using the wider context**

{assesses("O4")}

Choose one statistic from this lesson (a pay-gap figure, the 90/10 ratios or the $400 question). In
four to six sentences: how would you explain it to a client accurately (which measure it is, and what
it does and does not show), and how would you use it to encourage rather than discourage them?
Finish with a commitment to change: one sentence that starts "I will ...". Do not include any detail
that could identify a client."""),
        reflection("item1o-reflection", 3, "O4", model_answer="""
I would use the $400 question. I would explain that in 2018 about four in ten adults would not have
paid such a bill entirely from cash or savings, but that only about one in eight could not have paid
it at all; many would have borrowed or paid by card over time, which costs money. For a client living
close to the edge, this shows that even a modest raise buys real security. I will check the measure
and the source of any statistic before I quote it to a client, and pair it with one concrete step
the client can take."""),
        md("""
## Before you submit

Save the notebook, press **Validate**, and submit it from the **Assignments** tab. Remember that the
check cells only test the kind of answer: **the hidden tests run after you submit** and check the
exact answers; your instructor grades the two reflections. Next comes **Lesson 2: Negotiating your
career strategically**.
"""),
        md("""
## References

**Readings**

- Pew Research Center. (2019, March). *The narrowing, but persistent, gender gap in pay*. Fact Tank.
  Read via the Associated Press reprint:
  https://www.pabusinesscentral.com/articles/the-narrowing-but-persistent-gender-gap-in-pay/
- National Partnership for Women & Families. (2021, March). *Quantifying America's gender wage gap by
  race/ethnicity* [Fact sheet]. Copy: https://docslib.org/doc/10009740/quantifying-americas-gender-wage-gap-by-race-ethnicity
- Kochhar, R., & Cilluffo, A. (2018, July 12). *Key findings on the rise in income inequality within
  America's racial and ethnic groups*. Pew Research Center.
  https://pewresearch.org/fact-tank/2018/07/12/key-findings-on-the-rise-in-income-inequality-within-americas-racial-and-ethnic-groups
- Board of Governors of the Federal Reserve System. (2019, May). *Report on the economic well-being
  of U.S. households in 2018*, section "Dealing with unexpected expenses".
  https://federalreserve.gov/publications/2019-economic-well-being-of-us-households-in-2018-dealing-with-unexpected-expenses.htm
- Strain, M. R. (2019, June 4). The $400 emergency expense story is wrong. *Bloomberg Opinion*.
  https://www.bloomberg.com/opinion/articles/2019-06-04/the-400-emergency-expense-story-is-wrong

**Data sources** (the course's `data/` folder records every figure's address and flag)

- U.S. Census Bureau. (2024, September). *Income in the United States: 2023* (Current Population
  Reports P60-282), Appendix Table A-7: Number and real median earnings of total workers and
  full-time, year-round workers with earnings by sex and female-to-male earnings ratio, 1960 to 2023.
  Read from a copy of the PDF (kenrinzero/crossfoot, sources/census/p60-282.pdf).
- Pew Research Center. (2023, March). *Gender pay gap in U.S. hasn't changed much in two decades* and
  *The enduring grip of the gender pay gap*. As reported by Axios (2023, March 2):
  https://www.axios.com/2023/03/02/gender-pay-gap
- National Partnership for Women & Families. Wage-gap fact sheets and releases, 2017-2024, including
  *America's women and the wage gap* (2017, 2019), *Black women and the wage gap* (2020), the March
  2021 fact-sheet set, and the releases of 11 March 2024 and 10 September 2024
  (https://nationalpartnership.org/news_post/first-time-20-years-gender-wage-gap-widened-women-workers-paid-just-75-cents-to-mans-dollar).
- U.S. Department of Labor, Women's Bureau. *Women's earnings by race and ethnicity as a percentage
  of White, non-Hispanic men's earnings* (2019 earnings, CPS ASEC 2020).
  https://www.dol.gov/agencies/wb/data/earnings/race-percentage-white-hispanic
- Kochhar, R., & Cilluffo, A. (2018, July 12). *Income inequality in the U.S. is rising most rapidly
  among Asians*. Pew Research Center.
  https://www.pewresearch.org/social-trends/2018/07/12/income-inequality-in-the-u-s-is-rising-most-rapidly-among-asians/
  (1970 ratios as reported by reprints: https://www.amren.com/news/2018/07/income-inequality-in-the-u-s-is-rising-most-rapidly-among-asians/
  and https://yubanet.com/life/income-inequality-in-the-u-s-is-rising-most-rapidly-among-asians/).
- Board of Governors of the Federal Reserve System. *(Report on the) Economic well-being of U.S.
  households* in 2013 to 2023 (published 2014-2024), sections on unexpected expenses; 2014, 2022 and
  2023 figures as reported by news pages quoting the reports (listed in `data/datapackage.json`).
- U.S. Bureau of Labor Statistics. Current Population Survey, annual averages, table 37: median
  usual weekly earnings of full-time wage and salary workers by sex, race and Hispanic ethnicity, 2023.
  As transcribed by a third party (Akhil-Desai/STAT3080_Project on GitHub).
- Board of Governors of the Federal Reserve System. (2019, May). 2018 report, figure 11 (how adults
  would pay a $400 expense); option shares other than 61% and 12% as reported by
  https://www.factoftheday1.com/facts/dealing-with-unexpected-expenses
"""),
    ]


def estimate_text(path: Path) -> str:
    """'about N minutes (...)' from the built notebook, rounded to the nearest 5 minutes."""
    row = hours.notebook_row(path)
    total = 5 * round((row.reading_minutes + row.activity_minutes) / 5)
    return (f"about {total} minutes: about {round(row.reading_minutes)} minutes of reading and "
            f"{row.activity_minutes} minutes of activities.")


def escape_dollars(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Escape every $ in Markdown, so Jupyter never reads '$400 ... $1,225' as mathematics."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"(?<!\\)\$", r"\\$", cell.source)
    return nb


def build() -> None:
    write(escape_dollars(notebook(cells("about ... minutes"))), PATH)
    text = estimate_text(PATH)
    write(escape_dollars(notebook(cells(text))), PATH)  # the estimate's own words barely move the total
    assert estimate_text(PATH) == text, "estimated time did not settle; run again"


if __name__ == "__main__":
    build()
