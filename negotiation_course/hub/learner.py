"""What a learner's server on the hub shows: nbgrader's learner tools and nothing else.

Same as the student bundle (:mod:`negotiation_course.instructor.bundle`), except that the
Nbgrader menu stays: in JupyterLab its "Assignment List" entry (and the command palette's,
which the menu plugin adds) is the only way to open the Assignments tab, so without it a
learner on the hub could not fetch or submit. The menu's formgrader, course-list and
create-assignment entries disappear with their plugins.
"""

from __future__ import annotations

from ..instructor.bundle import INSTRUCTOR_LAB_PLUGINS, INSTRUCTOR_SERVER_EXTENSIONS

MENU = "@jupyter/nbgrader:menu"
#: Lab plugins turned off for learners on the hub (deploy/hub/learner, deploy/kubernetes).
HUB_DISABLED_LAB_PLUGINS = tuple(p for p in INSTRUCTOR_LAB_PLUGINS if p != MENU)
#: Server extensions turned off for learners on the hub (as in the student bundle).
HUB_DISABLED_SERVER_EXTENSIONS = INSTRUCTOR_SERVER_EXTENSIONS
#: Server extensions learners need: the Assignments tab's endpoints and Validate.
LEARNER_SERVER_EXTENSIONS = ("nbgrader.server_extensions.assignment_list",
                             "nbgrader.server_extensions.validate_assignment")
