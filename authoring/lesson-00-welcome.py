"""Build source/lesson-00-welcome/lesson-00-welcome.ipynb (run: .venv/bin/python authoring/lesson-00-welcome.py)."""

from pathlib import Path

from negotiation_course.authoring import (activity, answer, code, md, notebook, readonly,
                                          reflection, tests, write)
from negotiation_course.objectives import CONTENT_OBJECTIVES, OBJECTIVES

NAME = "lesson-00-welcome"
objectives = "\n".join(f"{i}. {OBJECTIVES[k][1]} ({k})"
                       for i, k in enumerate(CONTENT_OBJECTIVES, start=1))

cells = [
    md("""
# Welcome: how this course works

This course prepares career-services professionals to coach clients through salary and career
negotiations. This first notebook explains how the course runs and lets you practise with the tools.

**In this notebook you will:** meet the course objectives and lessons; learn how activities, the
worksheet, the instructor conversation and the certificate work; and practise running, checking and
submitting a notebook (O0).

**Estimated time:** about 20 minutes.
"""),
    readonly("setup", "from negotiation_course import checks, hours"),
    md("""
## Why negotiation matters

Many clients accept the first offer they receive. Some fear losing the offer or upsetting a manager;
others simply do not know how to ask. Accepting by default has a price: a lower starting salary is
the base for every later raise, and a role that fits poorly is hard to change once accepted.

Clients who learn to negotiate gain more than money. They also gain a sense of control over their
working lives. This course gives you the knowledge, the evidence and the practice to help them.

## Who this course is for

The course is written for career coaches, workshop facilitators, human-resources professionals,
counselors and psychologists. You may work inside an organisation or in private practice. You do not
need any programming experience: every piece of code is short, explained, and shown with a worked
example first.
"""),
    md(f"""
## What you will be able to do

By the end of the course you will be able to:

{objectives}
"""),
    md("""
## The lessons

The course has two lessons, a final assessment and a course evaluation:

1. **Lesson 1: The importance of negotiating to career success.** Why clients hesitate, five
   benefits of negotiating, and the economic context in published statistics.
2. **Lesson 2: Negotiating your career strategically.** Long-term aims, total compensation, role and
   trajectory, four principles, and the research on who asks and who receives.
3. **Final assessment.** Knowledge questions across all the objectives.
4. **Course evaluation.** Your views on the course, which we ask every learner to give.

The time each part takes is in the clock-hour table further down.

## Activities are marked in red

In each lesson you will be asked to read articles, reflect, journal, brainstorm and answer
questions. Each of these is an **activity**, shown in a box with a red bar on its left, the word
"Activity" and the minutes it should take. Here is what one looks like:
"""),
    activity(1, "Notice", """Boxes like this one mark something for you to do. The minutes help you
plan your time; they also count towards your clock hours."""),
    md("""
## The worksheet

Your worksheet is spread over the lessons: each lesson ends its sections with numbered **worksheet
items** (item 0 is the practice item below, item 1 is in Lesson 1, item 2 in Lesson 2). An item mixes
three kinds of question:

- **data answers**, where you run a short calculation on published statistics;
- **knowledge checks**, short multiple-choice or one-word answers;
- **reflections**, written in your own words and read by your instructor. Each ends with a
  commitment to change: one thing you will do differently in your practice.

When you run a check cell, it tells you in plain words whether your answer is the right *kind* of
answer (for example, a number between 0 and 1). The exact answers are checked by **hidden tests that
run only after you submit**, so a friendly message before submission does not yet mean the answer is
correct.

## Submitting and review

There is nothing to download or e-mail. When you finish a notebook, save it, press **Validate** to run
all its checks, and submit it from the **Assignments** tab. Your instructor's system grades the data
answers and knowledge checks automatically; your instructor reads and grades each reflection, then
returns feedback to you. You may resubmit until the deadline; the last submission counts.

## Your conversation with the instructor

Before your certificate is issued you will have a half-hour conversation with your instructor, by
phone or video. You will talk through your reflections and how you plan to use the course with your
clients. This half hour counts towards your clock hours.

## Your certificate and clock hours

When you have submitted every lesson's worksheet and had it reviewed, passed the final assessment,
submitted the course evaluation and held the instructor conversation, you will receive a certificate
of completion. It states the clock hours you earned, counted as the National Board for Certified
Counselors (NBCC) asks: one clock hour is 60 minutes of learning.

We do not type the hours in. They are computed from the lessons themselves: the words of lesson text
at a reading pace of 6,000 words per hour, plus the minutes of every activity, plus the half-hour
conversation, rounded down to the quarter hour. The table below shows the computation.
"""),
    readonly("clock-hours", "hours.show_table()"),
    md("""
## Copyright

The materials of this course are protected by copyright. They are for your own study: please do not
share them with anyone else. The published statistics in the lessons belong to the public domain or
to their publishers, who are cited wherever their figures appear.

## Jupyter in practice

This notebook is a **Jupyter notebook**: a page of text boxes ("cells") and code cells you can run.
Try the steps below; they take about ten minutes.
"""),
    activity(10, "Practise", """Work through the steps below.

1. Click the grey code cell just below this box, then press **Shift + Enter** to run it. The result
   appears underneath.
2. Change `12` to another number and run the cell again: the result changes.
3. Save with **Ctrl + S** (or **Cmd + S** on a Mac).
4. Answer worksheet item 0 below, then run its check cell.
5. Press **Validate** in the toolbar: it runs every check in the notebook and tells you if one fails.
6. Submit the notebook from the **Assignments** tab."""),
    code("""
months = 12
monthly_pay = 4500
months * monthly_pay
"""),
    md("""
### Worksheet item 0 (practice)

**0a. A quick calculation (O0).** A client earns \\$52,000 a year and is offered a raise of 6%. What would
the new yearly salary be? Here is a worked example with different numbers: a salary of \\$40,000 with a
raise of 10% becomes `40000 * 1.10`, which is 44,000. Replace the `...` after `new_salary =` with your calculation,
then run the cell, then run the check cell below it.
"""),
    answer("practice-answer", """
new_salary = ...  # replace ... with your calculation
### BEGIN SOLUTION
new_salary = 52000 * 1.06
### END SOLUTION
""", "O0"),
    tests("practice-tests", """
checks.number(new_salary, name="new_salary", low=52000, high=60000,
              hint="Multiply 52000 by 1.06 (a 6% raise).")
### BEGIN HIDDEN TESTS
checks.record("new_salary", new_salary)
# answer-key: {"id": "new_salary", "number": 55120, "tol": 0.5}
### END HIDDEN TESTS
""", 1, "O0"),
    md("""
**0b. Your starting point (O0).** In two or three sentences: what do you hope to do differently with
your clients after this course? Write your answer in the cell below, replacing its text, and finish
with one sentence that starts "I will ...". Please do not include names or any detail that could
identify a client. Your instructor reads this answer.
"""),
    reflection("practice-reflection", 1, "O0", model_answer="""
Many of my clients accept the first offer because they are afraid of losing it. After this course I
want to help them see which parts of an offer can be discussed and to practise asking. I will add a
short negotiation check-in to every offer-stage session."""),
    md("""
## What comes next

Open **Lesson 1: The importance of negotiating to career success** from the Assignments tab. Hidden
tests run after you submit each notebook; your instructor's feedback will follow.
"""),
]

write(notebook(cells), Path(__file__).resolve().parents[1] / "source" / NAME / f"{NAME}.ipynb")
