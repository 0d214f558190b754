"""Build source/lesson-02-strategic-career/lesson-02-strategic-career.ipynb.

Run: .venv/bin/python authoring/lesson-02-strategic-career.py

The lesson follows seed 001, which closely follows Bowles & Thomason (2021); the text is
written afresh. Numbers in the text are computed in the cell above them or cited, and
tests/test_content_lesson02.py checks the computed ones against data/.
"""

from pathlib import Path

from negotiation_course.authoring import (activity, answer, code, md, notebook, readonly,
                                          reflection, tests, write)
from negotiation_course.objectives import OBJECTIVES

NAME = "lesson-02-strategic-career"
HBR = ("Bowles, H. R., & Thomason, B. (2021). Negotiating your next job. *Harvard Business "
       "Review*, January-February 2021. https://hbr.org/2021/01/negotiating-your-next-job")
REQUEST_KINDS = '["standard", "unusual arrangement", "new direction"]'

cells = [
    md(f"""
# Lesson 2: Negotiating your career strategically

A job offer or a promotion talk is one step in a longer career. This lesson shows how to help
clients start from where they want to be, negotiate for more than salary, and ask in ways that work.

**Learning objectives.** By the end of this lesson you will be able to:

1. map a client's long-term aims backward to negotiable items beyond salary, and classify a
   request as standard, an unusual arrangement or a new direction (O5);
2. compare job offers on total compensation using published benefit costs, and estimate the
   long-run value of a higher starting salary under stated assumptions (O6);
3. use research on who asks and who receives to make negotiability explicit, gather range
   information and set specific, realistic targets with clients (O7).

**Estimated time:** about 3 hours, including the reading and worksheet item 2 (the clock-hour
table in the welcome notebook gives the exact figure).

**How this lesson works.** Read the text, do the activities in the red boxes, and answer the parts
of **worksheet item 2** at the end of each section. Each code cell is short; run it with
**Shift + Enter**. When you run a check cell it tells you whether your answer is the right *kind*
of answer. **Hidden tests check the exact answers after you submit**, and your instructor reads
your two reflections.
"""),
    readonly("setup", "import pandas as pd\n\nfrom negotiation_course import checks, data, plots"),

    # ------------------------------------------------------------------ 1. long-term aims
    md("""
## 1. Start from where the client wants to be

Clients usually arrive with the decision in front of them: an offer to accept, a counter-offer to
answer, a promotion conversation next week. It is natural to prepare for that one conversation.
The risk is that the client wins a point on this offer and loses sight of where the career is meant
to go.

A strategic negotiator works the other way round. First ask what the client wants their working
life to look like in a few years: the kind of work, the level of responsibility, where they live,
how much they travel, what their family needs. Then **map backward**: what experience, skills,
contacts or credentials would that future require, and which of them could this negotiation
help secure? The answers become the items to negotiate, and salary is only one of them.

### An example of mapping backward

Take a fictional client, a training coordinator who hopes to lead a learning-and-development
department within five years and who cares for a parent two evenings a week.

| long-term aim | what it requires | what to negotiate now |
|---|---|---|
| lead a learning department | experience managing people and a budget | supervision of the two new trainers; a small budget of her own |
| be seen as a senior expert | a recognised credential | employer funding and study time for a certification |
| keep caring for her parent | predictable evenings | core hours that end at 5 p.m. on two days a week |

None of the items in the last column is salary, and each of them moves her toward the aim in the
first column. Salary still matters, and later sections show why, but a client who negotiates only
pay may leave more valuable things on the table.
"""),
    activity(25, "Read", f"""Read the article this lesson is built on:

{HBR}

As you read, note the four principles the authors propose and one example that reminds you of a
client. (If your organisation has no subscription, the article can be bought as a single reprint
from the publisher, and many public and university libraries give free access.)"""),
    activity(10, "Journal", """Think of a client (or yourself) facing a career decision. Write, in
your own notes, one long-term aim and two things the next negotiation could secure that would move
the client toward it. You will use this thinking in the reflections at the end of the lesson."""),

    # ------------------------------------------------------------------ 2. four principles
    md("""
## 2. Four principles for negotiating a career move

Bowles and Thomason draw four principles from research and from their work with professionals. In
our words:

### Think broadly

Look past the offer to the client's longer aims, and past pay to the whole package: the role and
its scope of authority, the responsibilities, the chances to learn and be seen, the schedule and
location, and the path the job opens. Negotiating the **role** (what the client will be responsible
for and how they will develop) often does more for a career than a few extra dollars of salary.

### Know what kind of request it is

How a request should be argued depends on how unusual it is for the organisation:

| kind of request | what it looks like | how to argue it |
|---|---|---|
| **standard** | something others in the same role usually get: a salary within the posted range, a common benefit, a routine title | use market information and precedent: what is normal for this role, here and elsewhere |
| **unusual arrangement** | something the organisation can grant but rarely does, tailored to this person: a special schedule, remote work no one else on the team has, an unusual start date | explain why it matters, show how the work will still get done and who benefits, and offer a trial period with a review |
| **new direction** | a change to how the organisation works: a new role, team, service or practice | make the business case, link it to the organisation's goals, and find people with influence who support it |

Clients often argue an unusual request as if it were standard ("everyone gets this"), and are
turned down because the decision-maker sees a precedent being set. Naming the kind of request helps
the client choose the right argument.

### Reduce ambiguity

Negotiations go wrong when the client does not know what is possible, who can decide, or what
the other side is worried about. Before asking, help the client gather information: what the
range for the role is, what others have negotiated, which terms are fixed by policy and which are
flexible, and who actually has the authority to agree. Good information also makes an unusual
request sound less risky.

### Enlist people who can help

Careers are not negotiated alone. Mentors, sponsors, former colleagues, human-resources partners
and future teammates can share information, vouch for the client and carry a proposal into rooms
the client is not in. Treating the negotiation as part of a working relationship, not a contest,
makes these allies easier to keep.
"""),
    activity(5, "Answer", """Answer worksheet parts 2a and 2b below. For each, type one of
`"standard"`, `"unusual arrangement"` or `"new direction"` (with the quotation marks), run the
cell, then run its check cell."""),
    md("""
### Worksheet item 2a: what kind of request? (O5)

A project manager has been offered a job. She would like to work from home two days a week during
her first year while she cares for her father after surgery. No one on the new team works this way
yet, though the manager has the authority to allow it. What kind of request is this?

Here is how a worked answer looks for a different request, a salary in the middle of the range
posted in the job advertisement: `example_kind = "standard"`.
"""),
    answer("answer-2a", """
request_2a = ...  # replace ... with one of the three kinds, in quotes
### BEGIN SOLUTION
request_2a = "unusual arrangement"
### END SOLUTION
""", "O5"),
    tests("tests-2a", f"""
checks.choice(request_2a, name="request_2a", options={REQUEST_KINDS},
              hint="Is this something others usually get, a tailored exception, or a change "
                   "to how the organisation works?")
### BEGIN HIDDEN TESTS
checks.record("request_2a", request_2a)
# answer-key: {{"id": "request_2a", "text": ["unusual arrangement"]}}
### END HIDDEN TESTS
""", 1, "O5"),
    md("""
### Worksheet item 2b: what kind of request? (O5)

An analyst in a hospital's finance office is in line for promotion. Instead of the usual senior
analyst post, he proposes to set up and lead a small team that would use billing data to find and
fix delays in patient payments. No such team or role exists. What kind of request is this?
"""),
    answer("answer-2b", """
request_2b = ...  # replace ... with one of the three kinds, in quotes
### BEGIN SOLUTION
request_2b = "new direction"
### END SOLUTION
""", "O5"),
    tests("tests-2b", f"""
checks.choice(request_2b, name="request_2b", options={REQUEST_KINDS},
              hint="Does the request change what the organisation does?")
### BEGIN HIDDEN TESTS
checks.record("request_2b", request_2b)
# answer-key: {{"id": "request_2b", "text": ["new direction"]}}
### END HIDDEN TESTS
""", 1, "O5"),

    # ------------------------------------------------------------------ 3. work-life conflict
    md("""
## 3. Role and workload when work and life collide

Work and private life change together. People move to remote or flexible arrangements, are
redeployed to new priorities, or start working across functions and countries; at the same time
they relocate, go through periods of intense commitment to their job, or take on sudden caregiving.
At such moments the most important negotiation may not be about pay at all.

When a client's work and life are in conflict, negotiating the **workload** and the conditions
around it (which responsibilities they keep, where they work, how much they travel, when they are
reachable) can be what keeps them in work and on their path. A client who leaves a good employer
because the schedule became impossible may lose more than any raise could repay. Help such clients
see these terms as negotiable, and frame the request around how the work will get done.
"""),
    activity(10, "Brainstorm", """A client has just become the main carer for a family member and
is thinking of resigning. List, in your own notes, at least five terms of their job that could be
renegotiated instead (for example, the days they are in the office). Next to each, write which
kind of request it would be for their employer: standard, unusual arrangement or new direction."""),

    # ------------------------------------------------------------------ 4. total compensation
    md("""
## 4. More than salary: total compensation

An offer's salary is the number clients see first, but employers also pay for benefits: paid leave,
bonuses, health insurance, retirement contributions, and the contributions the law requires. The
U.S. Bureau of Labor Statistics (BLS) measures what employers spend on each of these in its
**Employer Costs for Employee Compensation** (ECEC) survey.

The cell below loads the June 2025 figures and arranges them as a small table: one row per sector,
one column per part of compensation, in dollars per hour worked.
"""),
    code("""
ecec = data.load("bls_ecec_compensation")
june_2025 = ecec[(ecec["reference_period"] == "2025-06")
                 & (ecec["measure"] == "cost_per_hour_worked")]
dollars = june_2025.pivot(index="sector", columns="component", values="value")
main_parts = dollars[["wages_and_salaries", "benefits", "total_compensation"]]
main_parts
"""),
    md("""
To read one number from the table, give its row and column to `.loc`. For example, what employers
in private industry spent per hour on wages and salaries, and on everything together:
"""),
    code("""
private_wages = main_parts.loc["private industry", "wages_and_salaries"]
private_total = main_parts.loc["private industry", "total_compensation"]
print("Private industry: wages", private_wages, "of a total", private_total, "dollars per hour")
print("Benefits share:", round(main_parts.loc["private industry", "benefits"] / private_total * 100, 1), "%")
"""),
    md("""
In June 2025, private employers spent on average \\$45.65 per hour worked on compensation, of which
\\$32.07 was wages and salaries and \\$13.58 benefits. For state and local governments the total was
\\$63.94, of which \\$24.63 was benefits. The shares printed by BLS are in the data too:
"""),
    code("""
shares = ecec[(ecec["reference_period"] == "2025-06")
              & (ecec["measure"] == "share_of_total_compensation")]
shares.pivot(index="sector", columns="component", values="value")[["wages_and_salaries", "benefits"]]
"""),
    md("""
BLS printed a benefit share of 29.8% for private industry and 38.5% for state and local government;
the 31.3% for all civilian workers was computed by the data's compilers from the dollar figures
(its `flag` is `computed`). Computing a share yourself from the rounded dollars can differ from
the printed share by a tenth of a point, as the cell above shows for private industry (29.7%
against 29.8%): BLS works from unrounded figures.
"""),
    code("""
plots.bar_chart(main_parts[["wages_and_salaries", "benefits"]]
                .rename(columns={"wages_and_salaries": "Wages and salaries", "benefits": "Benefits"}),
                source=data.cite("bls_ecec_compensation"),
                title="Employer costs per hour worked, June 2025",
                ylabel="Dollars per hour worked", fmt="${:.2f}")
"""),
    md("""
*Figure 1.* Employer costs per hour worked in June 2025, split into wages and salaries and
benefits, for all civilian workers, private industry, and state and local government. Benefits cost
state and local governments \\$24.63 an hour, against \\$13.58 in private industry, so the public
sector puts a larger part of compensation into benefits.

### What the benefits are

The next cell shows how private employers' benefit costs split into their parts.
"""),
    code("""
benefit_parts = ["paid_leave", "supplemental_pay", "insurance",
                 "retirement_and_savings", "legally_required_benefits"]
private_benefits = dollars.loc["private industry", benefit_parts]
plots.bar_chart(private_benefits.rename(lambda part: part.replace("_", " ").capitalize()),
                source=data.cite("bls_ecec_compensation"), horizontal=True,
                title="Private industry: benefit costs per hour worked, June 2025",
                xlabel="Dollars per hour worked", fmt="${:.2f}")
"""),
    md("""
*Figure 2.* Private employers' benefit costs per hour worked in June 2025, by type. Paid leave and
insurance cost \\$3.44 an hour each and legally required benefits \\$3.31; supplemental pay (such as
overtime, shift differentials and bonuses) cost \\$1.84 and retirement and savings \\$1.54.

Some of these parts are negotiable and some are not. Legally required benefits (Social Security,
Medicare, unemployment insurance and workers' compensation) are set by law. Paid leave, bonuses,
the employer's retirement match, the start date of insurance cover, and extras such as training
budgets or relocation help often have room to move, especially when the salary does not.

Two cautions when you use these figures with clients. ECEC measures what benefits **cost the
employer**, not what they are worth to a particular client: a client already covered by a partner's
health plan may value insurance much less. And the figures are averages over all workers in a
sector; the real offer's benefit summary always beats an average.

### Valuing an offer's benefits

When an offer gives only a salary, the ECEC averages give a rough first estimate of the benefits
that come with it: for each dollar of wages, how many dollars of benefits does the sector pay? A
worked example for all civilian workers, and a salary of \\$60,000:
"""),
    code("""
civilian_benefits_per_wage_dollar = (main_parts.loc["civilian workers", "benefits"]
                                     / main_parts.loc["civilian workers", "wages_and_salaries"])
example_salary = 60000
example_total = example_salary * (1 + civilian_benefits_per_wage_dollar)
print("Benefits per wage dollar (civilian workers):", round(civilian_benefits_per_wage_dollar, 4))
print("Estimated total compensation of a $60,000 salary:", round(example_total))
"""),
    activity(15, "Answer", """Answer worksheet parts 2c to 2e below, following the worked example
above. Use the unrounded numbers from the table (do not round until the end)."""),
    md("""
### Worksheet item 2c: benefits per wage dollar in private industry (O6)

Compute, for **private industry**, the dollars of benefits employers pay for each dollar of wages
and salaries. Replace the `...` after `private_benefits_per_wage_dollar =` with your calculation,
using `main_parts.loc[...]` as in the worked example.
"""),
    answer("answer-2c", """
private_benefits_per_wage_dollar = ...  # replace ... with your calculation
### BEGIN SOLUTION
private_benefits_per_wage_dollar = (main_parts.loc["private industry", "benefits"]
                                    / main_parts.loc["private industry", "wages_and_salaries"])
### END SOLUTION
""", "O6"),
    tests("tests-2c", """
checks.number(private_benefits_per_wage_dollar, name="private_benefits_per_wage_dollar",
              low=0.05, high=1,
              hint="Divide private industry's benefits by its wages and salaries "
                   "(not by total compensation).")
### BEGIN HIDDEN TESTS
checks.record("private_benefits_per_wage_dollar", private_benefits_per_wage_dollar)
# answer-key: {"id": "private_benefits_per_wage_dollar", "number": 0.423449, "tol": 0.0005}
### END HIDDEN TESTS
""", 1, "O6"),
    md("""
### Worksheet item 2d: compare two offers on total compensation (O6)

A client has two offers for similar work:

- **Offer A**, from a private company: a salary of \\$72,000;
- **Offer B**, from a county government: a salary of \\$66,000.

Neither offer lists its benefits yet. Estimate each offer's total compensation (salary plus
estimated benefits), using your private-industry figure from 2c for Offer A and the same
calculation for **state and local government** for Offer B.
"""),
    answer("answer-2d", """
offer_a_total = ...  # replace ... with your calculation
offer_b_total = ...  # replace ... with your calculation
### BEGIN SOLUTION
offer_a_total = 72000 * (1 + private_benefits_per_wage_dollar)
government_benefits_per_wage_dollar = (main_parts.loc["state and local government", "benefits"]
                                       / main_parts.loc["state and local government",
                                                        "wages_and_salaries"])
offer_b_total = 66000 * (1 + government_benefits_per_wage_dollar)
### END SOLUTION
""", "O6"),
    tests("tests-2d", """
checks.number(offer_a_total, name="offer_a_total", low=72000, high=150000,
              hint="Multiply 72000 by (1 + benefits per wage dollar in private industry).")
checks.number(offer_b_total, name="offer_b_total", low=66000, high=150000,
              hint="Multiply 66000 by (1 + benefits per wage dollar in state and local "
                   "government).")
### BEGIN HIDDEN TESTS
checks.record("offer_a_total", offer_a_total)
checks.record("offer_b_total", offer_b_total)
# answer-key: {"id": "offer_a_total", "number": 102488.31, "tol": 40}
# answer-key: {"id": "offer_b_total", "number": 107352.84, "tol": 40}
### END HIDDEN TESTS
""", 2, "O6"),
    md("""
### Worksheet item 2e: which offer is worth more? (O6)

On these estimates, which offer gives the higher total compensation? Answer `"A"` or `"B"`.
"""),
    answer("answer-2e", """
higher_total_offer = ...  # replace ... with "A" or "B"
### BEGIN SOLUTION
higher_total_offer = "B"
### END SOLUTION
""", "O6"),
    tests("tests-2e", """
checks.choice(higher_total_offer, name="higher_total_offer", options=["A", "B"],
              hint="Compare offer_a_total with offer_b_total.")
### BEGIN HIDDEN TESTS
checks.record("higher_total_offer", higher_total_offer)
# answer-key: {"id": "higher_total_offer", "text": ["B"]}
### END HIDDEN TESTS
""", 1, "O6"),
    md("""
The lower salary can be the better offer once benefits are counted, which is why a client should
ask for the full benefit summary before comparing offers, and why benefits are worth negotiating
when the salary is fixed. Remember the cautions: these are sector averages of employer costs, not
the value of a particular plan to a particular client.
"""),

    # ------------------------------------------------------------------ 5. trajectory
    md("""
## 5. Role and trajectory: the age profile of the pay gap

Women are often told to negotiate harder to close the gender pay gap. Yet research finds that much
of the gap comes from differences in careers (who moves into which jobs and levels, who works
which hours, whose career is interrupted) more than from different pay for the same job. If that
is so, negotiating the role, the responsibilities and the chances to develop matters as much as
negotiating pay.

The Pew Research Center's 2023 analysis of median hourly earnings shows one sign of this. The
figures below are from that edition only (Pew re-estimates its whole history in each edition, so
editions must not be mixed). They were seen in secondary copies, not on Pew's own page, so we label
them as reported by those copies.
"""),
    code("""
pew = data.load("pew_hourly_ratio_points")
by_age = pew[(pew["edition"] == "2023-03") & (pew["data_year"] == 2022)]
by_age = by_age.set_index("age_group")["women_pct_of_men"]
by_age = by_age.rename({"16+": "All ages (16+)"})
print("Source flag of these rows:", sorted(set(pew[pew["edition"] == "2023-03"]["flag"])))
by_age
"""),
    code("""
plots.bar_chart(by_age, source=data.cite("pew_hourly_ratio_points")
                + " 2023 edition, as reported in secondary copies.",
                title="Women's median hourly earnings as a percent of men's, by age, 2022",
                ylabel="Percent of men's earnings", fmt="{:.0f}%")
"""),
    md("""
*Figure 3.* Women's median hourly earnings as a percent of men's in 2022, by age, as reported from
Pew's 2023 analysis. Women aged 25 to 34 earned 92% of what men of the same age earned, against
82% for all workers aged 16 and over; the ratio is 83% at ages 35 to 54 and 79% at 55 to 64.

The gap is small at the start of a career and wider later. A snapshot like this compares different
generations in one year rather than following the same women over time, so it does not prove
that each woman's gap widens. But it fits the research on trajectories: differences build up as
careers unfold, through promotions, roles, hours and interruptions. For a client, that is a reason
to negotiate from the start for the role, the responsibilities and the development that lead
where they want to go, not only for the starting figure.

The **gap** is what is missing from the dollar: 100 minus the ratio, in cents per dollar. The worked
example below computes the gap at ages 25 to 34 and for all ages, and how many times wider the
all-ages gap is.
"""),
    code("""
gap_25_34 = 100 - by_age["25-34"]
gap_all_ages = 100 - by_age["All ages (16+)"]
print("Gap at ages 25-34:", gap_25_34, "cents per dollar; all ages:", gap_all_ages)
print("The all-ages gap is", gap_all_ages / gap_25_34, "times the gap at ages 25-34")
"""),
    md("""
The gap is 8 cents per dollar at ages 25 to 34 and 18 cents for all ages: 2.25 times as wide.
"""),
    activity(5, "Answer", "Answer worksheet part 2f below."),
    md("""
### Worksheet item 2f: how much wider is the gap later in a career? (O5)

How many times wider is the gap at ages **55 to 64** than at ages 25 to 34? Compute it from
`by_age`, following the worked example (first the gap at ages 55 to 64, then divide).
"""),
    answer("answer-2f", """
times_wider_at_55_64 = ...  # replace ... with your calculation
### BEGIN SOLUTION
times_wider_at_55_64 = (100 - by_age["55-64"]) / (100 - by_age["25-34"])
### END SOLUTION
""", "O5"),
    tests("tests-2f", """
checks.number(times_wider_at_55_64, name="times_wider_at_55_64", low=0.1, high=20,
              hint="Divide the gap at ages 55-64 (100 minus its ratio) by the gap at ages 25-34.")
### BEGIN HIDDEN TESTS
checks.record("times_wider_at_55_64", times_wider_at_55_64)
# answer-key: {"id": "times_wider_at_55_64", "number": 2.625, "tol": 0.005}
### END HIDDEN TESTS
""", 1, "O5"),

    # ------------------------------------------------------------------ 6. lifetime value
    md("""
## 6. What a higher starting salary is worth over a career

Pay rises are usually a percentage of current pay, so a higher starting salary raises every later
salary too. Marks and Harold (2011) illustrate this at the start of their study of salary
negotiation: two people start work at 25, one on \\$50,000 and one on \\$55,000, and both receive 5%
raises every year until they retire at 65. By then, they report, the first person has earned
\\$634,198 less.

Numbers like this appear in many negotiation talks, often without their assumptions. In this
section you will write a short **function**, a reusable recipe, that does the calculation, so you
can see how the answer depends on the assumptions and explain it to clients.

### The year-by-year gap

With a starting difference of \\$5,000 and 5% raises, the gap is \\$5,000 in the first year, 5% more
(\\$5,250) in the second year, 5% more again in the third, and so on. In Python, `**` means "to the
power of", so the gap in year number `year` (counting the first year as 0) is
`difference * (1 + raise_rate) ** year`:
"""),
    code("""
difference = 5000
raise_rate = 0.05
for year in range(3):   # year = 0, 1, 2: the first three years
    print("year", year + 1, "gap", round(difference * (1 + raise_rate) ** year, 2))
"""),
    md("""
A **function** packages such a calculation under a name, so it can be reused with other numbers.
Here is a worked example that returns the gap in one given year:

```python
def gap_in_year(difference, raise_rate, year):
    return difference * (1 + raise_rate) ** year
```

`gap_in_year(5000, 0.05, 2)` then gives 5512.5, the third-year gap.
"""),
    activity(20, "Answer", """Answer worksheet parts 2g and 2h below. Part 2g is the one place in
the course where you write a few lines of a function; everything around the blank is written for
you."""),
    md("""
### Worksheet item 2g: your lifetime-value function (O6)

Complete the function `lifetime_value(difference, raise_rate, years)`. It should return the total
extra pay, over `years` years, of a starting salary that is `difference` dollars higher, when both
salaries rise by `raise_rate` every year. Use these **timing assumptions**: the first year is paid
at the starting difference, each later year is one raise higher, and there is no interest, tax or
inflation adjustment.

The function loops over the years; inside the loop, add that year's gap to `total`. Replace the
two marked lines with one line of the form `total = total + ...`, using the year-by-year formula
above.
"""),
    answer("answer-2g", """
def lifetime_value(difference, raise_rate, years):
    total = 0
    for year in range(years):
        ### BEGIN SOLUTION
        total = total + difference * (1 + raise_rate) ** year
        ### END SOLUTION
    return total
""", "O6"),
    tests("tests-2g", """
checks.function(lifetime_value, name="lifetime_value", example=(5000, 0.05, 40),
                low=200000, high=2000000,
                hint="Inside the loop, add difference * (1 + raise_rate) ** year to total.")
### BEGIN HIDDEN TESTS
checks.record("lifetime_a", lifetime_value(5000, 0.05, 40))
checks.record("lifetime_b", lifetime_value(1000, 0, 10))
checks.record("lifetime_c", lifetime_value(4000, 0.03, 43))
checks.record("lifetime_d", lifetime_value(2500, 0.02, 1))
checks.record("lifetime_e", lifetime_value(5000, 0.05, 41))
# answer-key: {"id": "lifetime_a", "number": 603998.87, "tol": 1}
# answer-key: {"id": "lifetime_b", "number": 10000, "tol": 0.01}
# answer-key: {"id": "lifetime_c", "number": 341935.57, "tol": 1}
# answer-key: {"id": "lifetime_d", "number": 2500, "tol": 0.01}
# answer-key: {"id": "lifetime_e", "number": 639198.81, "tol": 1}
### END HIDDEN TESTS
""", 2, "O6"),
    md("""
### How the assumptions change the answer

The cell below uses **your** function to compare three ways of counting the same career. If it
shows an error, check part 2g first.
"""),
    code("""
paper = data.load("negotiation_evidence")
paper = paper[paper["study"].isin(["marks_harold_2011", "marks_harold_2011_recomputed"])]
print(paper[["study", "claim", "figure", "flag"]].iloc[1:].to_string(index=False))
print()
print("A. 40 years, first year at the starting difference:", round(lifetime_value(5000, 0.05, 40)))
print("B. 40 years, a raise before the first year too:    ", round(lifetime_value(5000, 0.05, 40) * 1.05))
print("C. 41 years (every age from 25 to 65 inclusive):     ", round(lifetime_value(5000, 0.05, 41)))
"""),
    md("""
Counting 40 years with the first year at the starting difference (A) gives about \\$604,000;
counting 41 years of pay, every age from 25 to 65 inclusive (C), gives about \\$639,000. These are
the two recomputations in the course data, and neither matches the paper. Timing B, in which every
year's pay, the first included, is already one 5% raise higher, gives \\$634,198.81, which matches
the paper's \\$634,198 once the cents are dropped.
"""),
    md("""
### Worksheet item 2h: which assumption did the paper use? (O6)

Which timing reproduces the paper's \\$634,198? Answer with one letter: `"A"`, `"B"` or `"C"` from
the list printed above.
"""),
    answer("answer-2h", """
paper_timing = ...  # replace ... with "A", "B" or "C"
### BEGIN SOLUTION
paper_timing = "B"
### END SOLUTION
""", "O6"),
    tests("tests-2h", """
checks.choice(paper_timing, name="paper_timing", options=["A", "B", "C"],
              hint="Which of the three printed totals rounds to the paper's figure?")
### BEGIN HIDDEN TESTS
checks.record("paper_timing", paper_timing)
# answer-key: {"id": "paper_timing", "text": ["B"]}
### END HIDDEN TESTS
""", 1, "O6"),
    code("""
ages = list(range(25, 65))
cumulative = {age: lifetime_value(5000, 0.05, age - 24) for age in ages}
plots.line_chart(pd.Series(cumulative, name="Cumulative extra pay"),
                 source="Course calculation with your lifetime_value function (timing A); inputs "
                        "from Marks & Harold (2011), Journal of Organizational Behavior 32: 371-394.",
                 title="Cumulative extra pay from a $5,000 higher starting salary, 5% raises",
                 xlabel="Age at the end of the year", ylabel="Dollars (not adjusted for inflation)")
"""),
    md("""
*Figure 4.* Cumulative extra pay from a starting salary \\$5,000 higher at age 25, with 5% raises
every year (timing A). The curve bends upward: most of the difference builds up in the second half
of the career, because each raise is a percentage of a larger salary.

**What to tell clients.** The message is sound: a starting salary is the base for every later raise,
so a few thousand dollars at the start can add up to hundreds of thousands over a career. The exact
figure is not a fact but the result of assumptions: steady raises at the same rate, a career with
one employer or its equivalent, no interruptions, and dollars not adjusted for inflation or
invested. Quote a range with its assumptions, and be wary of figures given without any (the
"\\$1.2 million" sometimes attributed to a \\$5,000 higher start comes with no stated method).
"""),

    # ------------------------------------------------------------------ 7. who asks
    md("""
## 7. Who asks and who receives

A widely repeated claim comes from Babcock and Laschever's book *Women Don't Ask* (2003): among
Carnegie Mellon master's graduates, 57% of the men but only 7% of the women had negotiated their
first job offer. The figures come from the book, not from a peer-reviewed paper, and later research
paints a more nuanced picture. The cell below lists the studies this section uses, from the course
data; the `flag` column shows which figures are primary (`P`) and which were seen only in
secondary reports (`S`).
"""),
    code("""
evidence = data.load("negotiation_evidence")
studies = ["babcock_laschever_2003", "leibbrandt_list_2015", "artz_goodall_oswald_2018",
           "kugler_et_al_2018", "mazei_et_al_2015", "bowles_babcock_lai_2007"]
research = evidence[evidence["study"].isin(studies)
                    & ~evidence["claim"].str.contains("alternative|lifetime|average increase|premium")]
research[["study", "claim", "group", "figure", "unit", "flag"]]
"""),
    md("""
What the later studies add:

- **When negotiability is explicit, the gap in asking shrinks or reverses.** In a natural field
  experiment with about 2,500 job seekers, Leibbrandt and List (2015) found that men were more
  likely than women to negotiate when a job advertisement said nothing about pay being negotiable;
  when the advertisement said pay was negotiable, the difference disappeared and even reversed
  slightly. The exact percentages in the data come from a secondary summary (`S`).
- **Asking is not the same as receiving.** In a survey of about 4,600 Australian employees, Artz,
  Goodall and Oswald (2018) found that women asked for raises as often as men once working hours
  were taken into account, but fewer of those who asked received one: 15% of women against 20% of
  men, as reported in the university's news release (`S`).
- **The average difference in initiating is small and shrinking.** A meta-analysis of 55 effect
  sizes (Kugler and colleagues, 2018) found women somewhat less likely to initiate negotiations
  (Hedges' g = 0.20, a small effect), less so when it was clear that negotiating was appropriate,
  and declining from 1977 to 2016.
- **Information narrows the gap in outcomes.** Mazei and colleagues' meta-analysis (2015) found
  that men obtain better economic outcomes on average, but the difference shrinks with
  negotiating experience, with information about the bargaining range, and when people negotiate
  on behalf of others.
- **Asking can carry a social cost.** In experiments by Bowles, Babcock and Lai (2007), evaluators
  penalised women more than men for initiating negotiations, so *how* a request is framed matters.
"""),
    code("""
ll = evidence[evidence["study"] == "leibbrandt_list_2015"]
ll = ll[ll["claim"].str.startswith("negotiated when")]
ll_table = ll.pivot(index="claim", columns="group", values="figure")
ll_table = ll_table.rename(index={
    "negotiated when the job ad did not say wages were negotiable": "Ad silent on pay",
    "negotiated when the job ad said wages were negotiable": "Ad says pay is negotiable"})
ll_table = ll_table.rename(columns={"men": "Men", "women": "Women"})[["Men", "Women"]]
plots.bar_chart(ll_table, source=data.cite("negotiation_evidence")
                + " Leibbrandt & List (2015), percentages as reported in a secondary summary.",
                title="Job seekers who negotiated pay, by what the advertisement said",
                ylabel="Percent who negotiated", fmt="{:.1f}%")
"""),
    md("""
*Figure 5.* Share of job seekers who negotiated pay in Leibbrandt and List's field experiment, as
reported in a secondary summary. When the advertisement was silent about pay, 10.6% of men and 8.2%
of women negotiated; when it said pay was negotiable, 22.0% of men and 23.9% of women did. Saying
that pay is negotiable more than doubled the share who negotiated, for men and for women, and
removed the men's lead.

### What a coach does with this research

- **Make negotiability explicit.** Many clients do not ask because they are not sure they are
  allowed to. Help them find out (ask the recruiter which terms have flexibility; read the
  advertisement and the offer letter for ranges) and treat reasonable requests as the normal part
  of hiring they are.
- **Get range information.** Posted pay ranges, salary surveys, professional associations and the
  client's network reduce ambiguity, and the meta-analysis suggests that range information narrows
  the gap in outcomes.
- **Frame requests with care.** Because some clients may face a social cost for asking, help them
  explain why the request is legitimate and how it serves the relationship and the work, and
  rehearse the conversation.
- **Keep the claim in proportion.** "Women don't ask" is too simple. Many clients of every gender do
  not ask; some ask and are refused. The coach's job is to help each client ask well, at the right
  time, with good information.
"""),
    code("""
example_gap_when_negotiable = ll_table.loc["Ad says pay is negotiable", "Men"] \\
    - ll_table.loc["Ad says pay is negotiable", "Women"]
print("Men minus women when the ad says pay is negotiable:", round(example_gap_when_negotiable, 1),
      "percentage points")
"""),
    activity(10, "Answer", "Answer worksheet parts 2i and 2j below."),
    md("""
### Worksheet item 2i: the gap when the advertisement is silent (O7)

The worked example above computes men's share minus women's share when the advertisement says pay
is negotiable (a negative number: women negotiated slightly more). Compute the same difference,
men minus women, for advertisements that are **silent** about pay, from `ll_table`.
"""),
    answer("answer-2i", """
gap_when_silent = ...  # replace ... with your calculation
### BEGIN SOLUTION
gap_when_silent = ll_table.loc["Ad silent on pay", "Men"] - ll_table.loc["Ad silent on pay", "Women"]
### END SOLUTION
""", "O7"),
    tests("tests-2i", """
checks.number(gap_when_silent, name="gap_when_silent", low=-30, high=30,
              hint='Use ll_table.loc["Ad silent on pay", "Men"] minus the same for "Women".')
### BEGIN HIDDEN TESTS
checks.record("gap_when_silent", gap_when_silent)
# answer-key: {"id": "gap_when_silent", "number": 2.4, "tol": 0.01}
### END HIDDEN TESTS
""", 1, "O7"),
    md("""
### Worksheet item 2j: advising a client (O7)

A client has an offer from an employer whose advertisement said nothing about whether pay is
negotiable. She has heard that women who negotiate are disliked and plans to accept as offered.
Which first step does the research in this section support best?

- `"a"`: Agree with her: the research shows that asking always backfires for women.
- `"b"`: Help her find out which terms are negotiable and what the usual range is, then prepare a
  specific, well-reasoned request framed around the work.
- `"c"`: Tell her to ask for much more than the range, since bold first requests always succeed.
- `"d"`: Suggest she waits for her first annual review, since the starting salary makes little
  difference over a career.
"""),
    answer("answer-2j", """
best_first_step = ...  # replace ... with one letter in quotes
### BEGIN SOLUTION
best_first_step = "b"
### END SOLUTION
""", "O7"),
    tests("tests-2j", """
checks.choice(best_first_step, name="best_first_step", options=["a", "b", "c", "d"],
              hint="Which option uses both explicit negotiability and range information?")
### BEGIN HIDDEN TESTS
checks.record("best_first_step", best_first_step)
# answer-key: {"id": "best_first_step", "text": ["b"]}
### END HIDDEN TESTS
""", 1, "O7"),

    # ------------------------------------------------------------------ 8. targets
    md("""
## 8. Specific, realistic targets, and following through

Good intentions to negotiate often fade. The offer deadline passes, the annual review is
postponed, daily work crowds out the bigger conversation. A target helps when it is:

- **specific**: what exactly the client will ask for, of whom, and by what date;
- **realistic**: grounded in the range information and the kind of request it is (an unusual
  arrangement needs more preparation than a standard one);
- **accountable**: written down, with a date in the calendar and someone (often you, the coach) who
  will ask how it went.

Compare "I'll ask for more development" with "By 30 June I will ask my manager to let me lead the
regional onboarding project and to fund one certification course; I will prepare two examples of
my results and practise the conversation with my coach on 20 June." The second can be done, checked
and learned from.

Careers are shaped together with employers, colleagues, partners and families. Negotiating well is
how clients find arrangements that work for them and for the people they work and live with.

### Worksheet item 2k: map a client's aim backward (O5)
"""),
    activity(15, "Journal", """Think of a client you have worked with (or a typical client of your
practice). In the cell below, describe one of their **long-term aims**, then map it backward to
**three negotiable items other than salary** that their next negotiation could secure, saying for
each how it moves them toward the aim and what kind of request it is (standard, unusual arrangement
or new direction). End with one sentence beginning "I will ..." that states what you will do
differently with clients. Please do not include names or any detail that could identify a client.
Your instructor reads and grades this answer."""),
    reflection("reflection-2k", 3, "O5", model_answer="""
A client in mid-career wants to move from classroom teaching into instructional design within three
years. Working backward: (1) ask to lead the school's move to a new online learning platform, which
gives design experience and visible results (a new direction); (2) ask for funding and two study days
for an instructional-design certificate (an unusual arrangement at her school, though common
elsewhere); (3) ask to be assigned as the department's mentor for new teachers' course materials,
which builds a portfolio (a standard request, since mentor roles exist already). I will start every
offer-stage session by asking clients where they want to be in three to five years before we look at
the offer itself."""),
    md("""
### Worksheet item 2l: a specific, realistic target (O7)
"""),
    activity(15, "Journal", """For the same client, or another, write one negotiation target that
is **specific** (what, of whom), **realistic** (what range information or precedent supports it)
and **dated** (by when the client will ask, written as a date). Add how you will help the client
follow through (for example, a check-in date). End with one sentence beginning "I will ..." that
states what you will do differently in your practice. Please do not include names or any detail that
could identify a client. Your instructor reads and grades this answer."""),
    reflection("reflection-2l", 3, "O7", model_answer="""
Target: by 15 March, the client will ask her director to raise her offer from $68,000 to $73,000,
the midpoint of the range posted for the role, and to add a training budget of $1,500. The range in
the advertisement and two salary surveys support the figure, and training budgets are standard in
her field. We will rehearse the conversation on 8 March, and I will call her on 16 March to hear how
it went and plan a next step if the answer is no. I will ask every client to write down one dated
target before they leave a session about an offer."""),

    md("""
## Summary

- Start from the client's long-term aims and map backward to what the next negotiation should
  secure; salary is one item among many.
- Think broadly, name the kind of request (standard, unusual arrangement, new direction) and argue
  accordingly, reduce ambiguity with information, and enlist allies.
- Compare offers on total compensation: benefits are about 30% of what private employers spend
  on compensation, and more in state and local government.
- The pay gap is small early in careers and wider later, so roles and trajectories deserve
  negotiation as much as pay.
- A higher starting salary compounds, but any lifetime figure depends on its assumptions: state
  them.
- Who asks, and who receives, depends on whether negotiability is explicit and on information:
  both are things a coach can change.
- Specific, realistic, dated targets turn good intentions into negotiations.

Save this notebook, press **Validate**, and submit it. Hidden tests check your answers after you
submit, and your instructor will read your reflections. Next: the **final assessment**.

## References
"""),
]


def references() -> str:
    """The lesson's reference list: the reading, then every data source and study it cites."""
    return "\n".join(f"- {r}" for r in [
        HBR + " (the lesson's reading).",
        "U.S. Bureau of Labor Statistics (2025). *Employer Costs for Employee Compensation, June "
        "2025* (news release, September 12, 2025). https://www.bls.gov/news.release/ecec.nr0.htm",
        "Pew Research Center (2023). *The Enduring Grip of the Gender Pay Gap* and *Gender pay gap "
        "in U.S. hasn't changed much in two decades* (March 2023). Figures by age as reported in "
        "secondary copies: https://cloudflarepoc.newsmax.com/newsfront/pew-research-center/2023/"
        "03/02/id/1110856 and https://bitcoinethereumnews.com/?p=852470",
        "Marks, M., & Harold, C. (2011). Who asks and who receives in salary negotiation. "
        "*Journal of Organizational Behavior*, 32, 371-394. https://doi.org/10.1002/job.671",
        "Babcock, L., & Laschever, S. (2003). *Women Don't Ask: Negotiation and the Gender "
        "Divide*. Princeton University Press.",
        "Leibbrandt, A., & List, J. A. (2015). Do women avoid salary negotiations? Evidence from "
        "a large-scale natural field experiment. *Management Science*, 61(9), 2016-2024. "
        "https://doi.org/10.1287/mnsc.2014.1994 (percentages as reported at "
        "https://blog.dciconsult.com/blog/field-study-sheds-further-light-on-wage-gap)",
        "Artz, B., Goodall, A. H., & Oswald, A. J. (2018). Do women ask? *Industrial Relations* "
        "(working paper 2016). Figures as reported in the University of Wisconsin Oshkosh news "
        "release: https://uwosh.edu/today/59007/uw-oshkosh-college-business-research-finds-"
        "women-ask-raises-often-men-less-likely-receive/",
        "Kugler, K. G., Reif, J. A. M., Kaschner, T., & Brodbeck, F. C. (2018). Gender "
        "differences in the initiation of negotiations: A meta-analysis. *Psychological "
        "Bulletin*, 144(2), 198-222. https://epub.ub.uni-muenchen.de/49247/",
        "Mazei, J., Hüffmeier, J., Freund, P. A., Stuhlmacher, A. F., Bilke, L., & Hertel, G. "
        "(2015). A meta-analysis on gender differences in negotiation outcomes and their "
        "moderators. *Psychological Bulletin*, 141(1), 85-104.",
        "Bowles, H. R., Babcock, L., & Lai, L. (2007). Social incentives for gender differences in "
        "the propensity to initiate negotiations: Sometimes it does hurt to ask. *Organizational "
        "Behavior and Human Decision Processes*, 103, 84-103.",
        "AAUW (2010). Show me the money (web page, May 3, 2010), source of the \\$1.2 million "
        "claim, which states no method. http://www.aauw.org/2010/05/03/show-me-the-money/",
    ])


cells.append(md(references() + f"""

Course objectives assessed in this lesson: {", ".join(k for k, v in OBJECTIVES.items()
                                                     if v[0] == NAME)}.
"""))

write(notebook(cells), Path(__file__).resolve().parents[1] / "source" / NAME / f"{NAME}.ipynb")
