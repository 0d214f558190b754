"""The learners' global nbgrader configuration on the hub (JUPYTER_CONFIG_PATH of every learner
server, set by deploy/hub/jupyterhub_config.py; on a production machine it may live in
/etc/jupyter/). Learners only fetch, validate and submit: the exchange and the course id.

Submissions are made private: stock nbgrader leaves a learner's folder in the inbound
directory open to everyone (0777) and relies on its name staying secret. Here the folder is
closed to all but its owner and the grader's group (0770; the inbound folder is set-group-id,
so the new folder carries the grader's group): nobody else can enter it even if the name
leaks. Its files stay nbgrader's 0644 (some are written after the group bit is gone, so they
carry the learner's group; the folder is the barrier).
"""

import os

from nbgrader.exchange.default.submit import ExchangeSubmit

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = os.environ.get("NEGOTIATION_COURSE_ID",
                                             "salary-negotiation-specialist")
c.Exchange.root = os.environ.get("NEGOTIATION_EXCHANGE_ROOT", "/srv/nbgrader/exchange")


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission folder closed to all but owner and grader (0770)."""

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        if os.stat(dest).st_gid == os.stat(self.inbound_path).st_gid:
            os.chmod(dest, 0o770)
        else:  # the exchange was not made by negotiation_course.hub.exchange.prepare_exchange
            self.log.warning("inbound is not set-group-id: %s left as nbgrader made it", dest)


c.ExchangeFactory.submit = PrivateSubmit
