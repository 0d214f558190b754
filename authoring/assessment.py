"""Build source/assessment/assessment.ipynb (run: .venv/bin/python authoring/assessment.py).

Fourteen autograded knowledge questions, at least one per content objective (O1-O7), one
point each. The answer key lives only in the hidden tests. The pass mark is never typed: the
notebook shows ``settings.pass_mark()``, read from course.toml [assessment] pass_mark.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from negotiation_course.authoring import (activity, answer, md, notebook, readonly, tests,
                                          write)
from negotiation_course.objectives import CONTENT_OBJECTIVES, OBJECTIVES

NAME = "assessment"
LETTERS = ["a", "b", "c", "d"]
BENEFITS = ["pay", "balance", "fit", "agency", "resilience"]
KINDS = ["standard", "unusual arrangement", "new direction"]


@dataclass(frozen=True)
class Question:
    objective: str
    var: str
    prompt: str
    options: list[str]
    key: list[str]
    many: bool = False  # pick all that apply (a list) instead of one answer


QUESTIONS = [
    # ------------------------------------------------------------- Lesson 1
    Question("O1", "q01", """
A client plans to accept a first offer without asking, because "it's only a small difference".
Which reason from Lesson 1 best explains why a lower starting salary keeps costing the client in
later years?

- `"a"`: Employers are not allowed to raise a salary during the first five years.
- `"b"`: Later raises, bonuses and retirement contributions are usually calculated from the salary,
  so the shortfall is carried into every later year.
- `"c"`: A lower salary is taxed at a higher rate.
- `"d"`: It does not keep costing: the difference disappears at the first annual review.
""", LETTERS, ["b"]),
    Question("O1", "q02", """
Lesson 1 groups the reasons clients hesitate to negotiate into two kinds. Which two? Pick **both**
and write their letters as a list, for example `["a", "d"]`.

- `"a"`: fear of getting it wrong, such as losing the offer or upsetting a manager;
- `"b"`: a legal ban on negotiating job offers in most states;
- `"c"`: not knowing how to negotiate: what can be asked for, when and in what words;
- `"d"`: employers' rule that every offer is final.
""", LETTERS, ["a", "c"], many=True),
    Question("O2", "q03", """
A client caring for a parent turned down two better-paid offers until she found an employer willing
to match the flexible schedule she had negotiated in her current job. Which of the five benefits of
negotiating does this show most clearly? Write one of `"pay"`, `"balance"`, `"fit"`, `"agency"` or
`"resilience"`.
""", BENEFITS, ["balance"]),
    Question("O2", "q04", """
After practising with his coach, a client asked for a review of his pay. Whatever the result, he says
he now feels in charge of his career instead of watching it happen to him. Which benefit of
negotiating is this? Write one of `"pay"`, `"balance"`, `"fit"`, `"agency"` or `"resilience"`.
""", BENEFITS, ["agency"]),
    Question("O3", "q05", """
A report says that the female-to-male earnings ratio for full-time, year-round workers is 0.83.
What does this mean?

- `"a"`: The typical (median) woman working full time, all year earns about 83 cents for every dollar
  the typical man earns.
- `"b"`: Women receive 83% of all the earnings paid in the country.
- `"c"`: 83% of women earn less than every man.
- `"d"`: Women's earnings grew 83% faster than men's.
""", LETTERS, ["a"]),
    Question("O3", "q06", """
Pew Research Center publishes the gender pay gap in a new article every few years. Why should the
figures from two different Pew articles not be joined into one trend line?

- `"a"`: Pew uses a different currency in each article.
- `"b"`: Each edition re-estimates the whole history, so points from different editions are not
  on the same footing.
- `"c"`: Pew only publishes figures for men.
- `"d"`: They can be joined; there is no reason not to.
""", LETTERS, ["b"]),
    Question("O3", "q07", """
The Census Bureau's ratio and Pew's ratio for the same year differ by a couple of points. Which
explanation did Lesson 1 give?

- `"a"`: One of them made a mistake.
- `"b"`: Census compares yearly earnings of full-time, year-round workers; Pew compares hourly
  earnings of all wage and salary workers, part-time included.
- `"c"`: Census counts only women and Pew only men.
- `"d"`: Pew's figures are adjusted for inflation and Census's are not.
""", LETTERS, ["b"]),
    Question("O4", "q08", """
Headlines about the Federal Reserve's 2018 survey said that four in ten Americans "can't come up
with \\$400". What does the critics' reading of the published figures say?

- `"a"`: The headline is right: four in ten adults could not pay a \\$400 expense by any means.
- `"b"`: About four in ten would not pay *entirely with cash or its equivalent*, but most of them
  would still pay (for example with a card paid off over time, a loan or a sale); about one in eight
  could not pay at all.
- `"c"`: Nobody in the survey would have had trouble with a \\$400 expense.
- `"d"`: The survey asked only about people with no bank account.
""", LETTERS, ["b"]),
    # ------------------------------------------------------------- Lesson 2
    Question("O5", "q09", """
A client asks for the relocation allowance that her new employer gives every manager who moves for
the job. What kind of request is this? Write one of `"standard"`, `"unusual arrangement"` or
`"new direction"`.
""", KINDS, ["standard"]),
    Question("O5", "q10", """
A client arrives with a job offer to answer by Friday. Following Lesson 2, which question should
come first in your session?

- `"a"`: "What is the highest salary you could possibly ask for?"
- `"b"`: "Where do you want your working life to be in a few years, and what would this job need to
  give you to get there?"
- `"c"`: "Is the employer's logo well known?"
- `"d"`: "Would you like to decline so that you keep your options open?"
""", LETTERS, ["b"]),
    Question("O6", "q11", """
Lesson 2 used the Bureau of Labor Statistics' Employer Costs for Employee Compensation to estimate
an offer's benefits. What do those figures measure?

- `"a"`: What employers in a sector spend on average, per hour worked, on wages and on each kind of
  benefit, not what a particular benefit is worth to a particular client.
- `"b"`: The exact benefits that every employer must offer by law.
- `"c"`: How much employees say their benefits are worth to them.
- `"d"`: The benefits of the single largest employer in each sector.
""", LETTERS, ["a"]),
    Question("O6", "q12", """
Two calculations of the career value of a \\$5,000 higher starting salary with 5% raises give about
\\$604,000 and \\$634,198. What explains the difference?

- `"a"`: One of them must contain an arithmetic error.
- `"b"`: Different timing assumptions: whether the first year's pay already includes a raise, and
  how many years are counted.
- `"c"`: One is in euros and the other in dollars.
- `"d"`: One includes the employer's benefits.
""", LETTERS, ["b"]),
    Question("O7", "q13", """
In Leibbrandt and List's field experiment with job seekers, what happened when the job
advertisement said that pay was negotiable?

- `"a"`: Fewer people applied and nobody negotiated.
- `"b"`: Men's lead in negotiating disappeared: women negotiated at least as often as men.
- `"c"`: Only men negotiated.
- `"d"`: Employers withdrew the offers of everyone who negotiated.
""", LETTERS, ["b"]),
    Question("O7", "q14", """
Which of these negotiation targets is specific, realistic and dated?

- `"a"`: "I'll try to get paid what I'm worth someday."
- `"b"`: "I will ask for double my salary at some point this year."
- `"c"`: "By 15 May I will ask my director to move my salary to the midpoint of the posted range for
  my role and to fund one conference, and I will rehearse with my coach on 8 May."
- `"d"`: "I will wait until my manager brings up a raise."
""", LETTERS, ["c"]),
]


def _check_line(q: Question) -> str:
    check = "choices" if q.many else "choice"
    return (f"checks.{check}({q.var}, name=\"{q.var}\", options={json.dumps(q.options)})")


def _key(q: Question) -> str:
    kind = "choices" if q.many else "text"
    return json.dumps({"id": q.var, kind: q.key})


def _hint(q: Question) -> str:
    if q.many:
        return "a list of letters such as [\"a\", \"d\"]"
    if q.options == LETTERS:
        return "one letter in quotes"
    return "one of the words above, in quotes"


def question_cells(number: int, q: Question) -> list:
    return [
        md(f"### Question {number} ({q.objective})\n\n{q.prompt.strip()}"),
        answer(f"answer-{q.var}", f"""
{q.var} = ...  # replace ... with {_hint(q)}
### BEGIN SOLUTION
{q.var} = {json.dumps(q.key if q.many else q.key[0])}
### END SOLUTION
""", q.objective),
        tests(f"tests-{q.var}", f"""
{_check_line(q)}
### BEGIN HIDDEN TESTS
checks.record("{q.var}", {q.var})
# answer-key: {_key(q)}
### END HIDDEN TESTS
""", 1, q.objective),
    ]


objective_list = "\n".join(f"- **{k}**: {OBJECTIVES[k][1]}" for k in CONTENT_OBJECTIVES)
lesson1 = [q for q in QUESTIONS if OBJECTIVES[q.objective][0] == "lesson-01-why-negotiate"]
lesson2 = [q for q in QUESTIONS if OBJECTIVES[q.objective][0] == "lesson-02-strategic-career"]

cells = [
    md(f"""
# Final assessment

A short test of what you learned in Lessons 1 and 2. Passing it is one of the steps to your
certificate of completion.

**What it covers.** {len(QUESTIONS)} questions, at least one for each course objective:

{objective_list}

**Estimated time:** about 30 minutes.

**How it is marked.** Every question is worth one point and is marked automatically. When you run a
check cell it only tells you whether your answer is the right *kind* of answer (for example, one of
the letters offered). **Hidden tests check the exact answers after you submit**, and your score
appears in your feedback. You pass when your score reaches the pass mark shown by the cell below,
and **passing counts for your certificate**. You may resubmit until the deadline; the last
submission counts.
"""),
    readonly("setup", """
from negotiation_course import checks, settings

print(f"Pass mark: {settings.pass_mark():.0%} of the points of this assessment.")
"""),
    md("""
## How to answer

Each question has an answer cell such as `q01 = ...`. Replace the three dots with your answer in
quotation marks, for example `q01 = "c"`, run the cell (**Shift + Enter**), then run the check cell
below it. For a "pick all that apply" question, write a list: `["a", "c"]`. You may look back at
the lessons while you answer.
"""),
    # Reading the questions is counted as lesson text (about 15 minutes at the course's reading
    # rate), so the activity adds only the time to think and answer.
    activity(15, "Answer", """Answer the fourteen questions below, then save the notebook, press
**Validate** and submit it."""),
    md("## Part 1: Lesson 1, the importance of negotiating to career success"),
]
for n, q in enumerate(lesson1, start=1):
    cells += question_cells(n, q)
cells.append(md("## Part 2: Lesson 2, negotiating your career strategically"))
for n, q in enumerate(lesson2, start=len(lesson1) + 1):
    cells += question_cells(n, q)
cells.append(md("""
## Submit

Save the notebook, press **Validate**, and submit it from the **Assignments** tab. Hidden tests run
after you submit; your feedback shows your score and which questions need another look.

## References

The questions draw on the readings and sources listed at the end of Lesson 1 and Lesson 2.
"""))

write(notebook(cells), Path(__file__).resolve().parents[1] / "source" / NAME / f"{NAME}.ipynb")
