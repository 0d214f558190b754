"""A Jupyter server extension for instructors' servers: two holes formgrader leaves shut.

* formgrader renders its own pages with a Jinja environment that does not escape, and
  prints ids into scripts (``var student_id = "{{ student_id }}";`` with the id from the
  URL): a link to ``.../formgrader/manage_students/x";fetch(...);"`` or a learner id with
  markup runs in the instructor's Jupyter origin. The guard turns escaping on.
* ``.../formgrader/submissions/<id>/<file>`` serves any file of a learner's autograded
  folder, in that origin: a learner's ``notes.html`` opened there could drive the server.
  The guard sends those files with ``Content-Security-Policy: sandbox`` (an origin of
  their own, no scripts).

Submission pages themselves are made safe by :mod:`.sanitize` (nbconvert renders them).
Enabled by :data:`CONFIG_PATH` on ``JUPYTER_CONFIG_PATH`` (``make instructor-lab`` does
that) or by ``{"ServerApp": {"jpserver_extensions": {"negotiation_course.grading.formgrader_guard":
true}}}`` in a server's own Jupyter configuration (a hub's formgrader service).
"""

from __future__ import annotations

import re
from pathlib import Path

from tornado import httputil
from tornado.web import OutputTransform

#: A Jupyter config folder whose jupyter_server_config.d enables this extension.
CONFIG_PATH = Path(__file__).with_name("jupyter_config")
SUBMISSION_FILE = re.compile(
    r"/formgrader/submissions/[^/]+/(?!(?:next|prev|next_incorrect|prev_incorrect)/?$).+")


class SandboxSubmissionFiles(OutputTransform):
    """Adds ``Content-Security-Policy: sandbox`` to learners' files served by formgrader."""

    def __init__(self, request: httputil.HTTPServerRequest):
        self.sandbox = bool(SUBMISSION_FILE.search(request.path))

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self.sandbox:
            headers["Content-Security-Policy"] = "sandbox"
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "negotiation_course.grading.formgrader_guard"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Runs after nbgrader's formgrader (extensions load in name order: nbgrader first)."""
    settings = serverapp.web_app.settings
    env = settings.get("nbgrader_jinja2_env")
    if env is None:
        serverapp.log.warning("formgrader guard: formgrader is not loaded; nothing to guard")
        return
    env.autoescape = True
    serverapp.web_app.add_transform(SandboxSubmissionFiles)
    serverapp.log.info("formgrader guard: pages escaped, learners' files sandboxed")
