"""``make grade``'s command line: ``python -m negotiation_course.grading.grade``.

    python -m negotiation_course.grading.grade --course-dir DIR --workers N

The grading run itself is :mod:`.runner`; this module only keeps the command (and the
``grade_course`` name) where the Makefile, scripts and instructors have always found it.
"""

from __future__ import annotations

import sys

from .runner import grade_course, main

__all__ = ["grade_course", "main"]

if __name__ == "__main__":
    sys.exit(main())
