"""The learners' global nbgrader configuration on the hub (JUPYTER_CONFIG_PATH of every learner
server, set by deploy/hub/jupyterhub_config.py; on a production machine it may live in
/etc/jupyter/). Learners only fetch, validate and submit: the exchange and the course id.

Submissions are made private: stock nbgrader leaves a learner's folder in the inbound
directory world-readable (0777, files 0644) and relies on the folder name being secret. Here
the folder and its files keep only the owner and the grader's group (the inbound folder is
set-group-id, so new entries carry the grader's group): nobody else can read them even if the
name leaks.
"""

import os

from nbgrader.exchange.default.submit import ExchangeSubmit

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = os.environ.get("NEGOTIATION_COURSE_ID",
                                             "salary-negotiation-specialist")
c.Exchange.root = os.environ.get("NEGOTIATION_EXCHANGE_ROOT", "/srv/nbgrader/exchange")


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then owner and grader group only (dirs 0770, files 0640)."""

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, dirs, files in os.walk(dest):
            for name in files:
                os.chmod(os.path.join(folder, name), 0o640)
            os.chmod(folder, 0o770)


c.ExchangeFactory.submit = PrivateSubmit
