"""Helpers of the Certified Salary Negotiation Specialist course.

Learners meet :mod:`negotiation_course.checks` (friendly answer checks) and the data
loaders; instructors use :mod:`negotiation_course.grading`; researchers the loaders and
:mod:`negotiation_course.reproduce`. Nothing in this package holds an answer key: keys
live only in the hidden tests of ``source/``.
"""

__version__ = "0.1.0"
