"""The Certified Salary Negotiation Specialist course package, split by audience.

The top-level modules are the **learner** package, the only code the student bundle ships:
:mod:`.checks` (friendly answer checks), :mod:`.data` (the published statistics),
:mod:`.plots`, :mod:`.hours` (the clock-hour table), :mod:`.course` (the course model),
:mod:`.evaluation` and :mod:`.paths`. Nothing in them holds an answer key: keys live only
in the hidden tests of ``source/``.

The subpackages serve other audiences and never ship to learners: :mod:`.instructor`
(lessons, releases, the bundle, labs), :mod:`.grading` (autograding, feedback,
certificates), :mod:`.research` (the reproduction report, microdata) and :mod:`.demo`
(``make demo`` on a generated cohort).
"""

__version__ = "0.1.0"
