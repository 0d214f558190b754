"""Build source/evaluation/evaluation.ipynb (run: .venv/bin/python authoring/evaluation.py).

The questions come from ``negotiation_course.evaluation.FIELDS``, the same list the CSV
export reads, so the form and the export cannot drift apart. The answer cells are plain code
cells: nbgrader collects them with the notebook but grades nothing (0 points).
"""

from pathlib import Path

from negotiation_course.authoring import code, md, notebook, readonly, write
from negotiation_course.evaluation import FIELDS, RATING_HIGH, RATING_LOW
from negotiation_course.objectives import OBJECTIVES

NAME = "evaluation"
ratings = {f.name: f for f in FIELDS if f.kind == "rating"}
objective_rows = "\n".join(f"| `rating_objective_{k}` | {text} |"
                           for k, (_, text) in OBJECTIVES.items())
objective_lines = "\n".join(f"rating_objective_{k} = ...   # objective {k}" for k in OBJECTIVES)
course_names = [n for n in ratings if not n.startswith("rating_objective_")]
course_rows = "\n".join(f"| `{n}` | {ratings[n].question} |" for n in course_names)
course_lines = "\n".join(f"{n} = ..." for n in course_names)
hours = next(f for f in FIELDS if f.name == "hours_spent")

cells = [
    md(f"""
# Course evaluation

Tell us how well the course worked for you. Your answers help us improve the lessons, and
submitting this form is one of the steps to your certificate.

**What this form is for:** rating how well each learning objective was met, how relevant the
course is to your practice, how accurate our time estimates were and how well the material was
presented, plus any comments you want to add. Nothing here is graded: the form is worth 0 points
and there are no right or wrong answers.

**Estimated time:** about 10 minutes (not counted in your clock hours).
"""),
    readonly("setup", "from negotiation_course import evaluation"),
    md(f"""
## How to answer

Each question is a line of code such as `rating_relevance = ...`. Replace the three dots with a
whole number from {RATING_LOW} to {RATING_HIGH}, then run the cell (**Shift + Enter**):

| number | meaning |
|---|---|
| 1 | strongly disagree (not met at all) |
| 2 | disagree |
| 3 | neither agree nor disagree |
| 4 | agree |
| 5 | strongly agree (fully met) |

For example, if you agree that the course was relevant to your practice, the line becomes
`rating_relevance = 4`. If you would rather not answer a question, leave its three dots in place.

Your answers go to the course provider, who reads them together with other learners' answers.
Please do not include any detail that could identify a client.

## 1. Were the objectives met?

How far do you agree that the course enabled you to meet each objective?

| question | objective |
|---|---|
{objective_rows}
"""),
    code(objective_lines),
    md(f"""
## 2. The course as a whole

How far do you agree with each statement?

| question | statement |
|---|---|
{course_rows}

Each lesson states its estimated time under its title, and the welcome lesson shows the table of
clock hours; `rating_time_estimates` asks whether those times matched your experience.
"""),
    code(course_lines),
    md(f"""
## 3. Your time

{hours.question} Write digits only, without words or units; leave the three dots if you did not
keep track.
"""),
    code("hours_spent = ..."),
    md("""
## 4. Your comments

What worked well, what should change, what was missing, or anything else you want to tell us.
Type between the two lines of three quotation marks (`\"\"\"`), on as many lines as you like, and
keep both lines of quotation marks in place.
"""),
    code('comments = """\n\n"""'),
    md("""
## 5. Check and submit

Run the cell below. It lists any rating that is missing or not a whole number from 1 to 5; fix
those lines, run them again, then run this cell again. When you are happy, save the notebook and
submit it from the **Assignments** tab. Thank you for your time.
"""),
    readonly("review", "evaluation.review(globals())"),
]

write(notebook(cells), Path(__file__).resolve().parents[1] / "source" / NAME / f"{NAME}.ipynb")
