"""nbgrader configuration for the course on JupyterHub (the grader's side of the exchange).

Why a second file: the course's own nbgrader_config.py (repository root) describes the course
folder; on a hub the grader's copy of the course also needs the shared exchange and the
owner-checking collect. Put this beside (or load it after) the course config, e.g. in
~grader/.jupyter/nbgrader_config.py, and the learner-side global config
(/etc/jupyter/nbgrader_config.py) with the same Exchange.root and course id.

Setup, as root, in this order (the exchange refuses a folder of it that a learner made):
    python -m negotiation_course.hub.accounts --roster roster.csv --group formgrade-negotiation
    python -m negotiation_course.hub.exchange --root /srv/nbgrader/exchange --grader grader
"""

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = "salary-negotiation-specialist"
# Sticky (1777) root made by negotiation_course.hub.exchange.prepare_exchange.
c.Exchange.root = "/srv/nbgrader/exchange"
# Refuse and log a submission whose folder is a symlink or is not owned by the student it
# names (stock nbgrader only warns and then lets the spoofed folder win).
c.ExchangeFactory.collect = "negotiation_course.hub.exchange.OwnerCheckedCollect"
c.CollectApp.check_owner = True
# Released feedback pages stay the grader's (0600) until root gives each to its learner
# (python -m negotiation_course.hub.round feedback does both).
c.ExchangeFactory.release_feedback = "negotiation_course.hub.exchange.OwnerOnlyReleaseFeedback"
