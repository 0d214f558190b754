"""``make demo``: the instructor's whole round on a generated cohort (not for real learners).

:mod:`.run` drives it; :mod:`.cohort` writes the sample learners, :mod:`.hostile` and
:mod:`.sandbox_cases` the hostile ones among them, :mod:`.standin` plays the human grader.
"""
