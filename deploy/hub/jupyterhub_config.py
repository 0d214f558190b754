"""JupyterHub configuration of the course on one machine (issue 13, item 2).

Started by `make hub` (negotiation_course.hub.serve), which sets the NEGOTIATION_* variables
read below; every one has the default a production machine would use.

- Listens on 127.0.0.1 only (the public side is the provider's TLS proxy, see README).
- PAM authentication of real Unix users; only regular accounts (uid >= UID_MIN) whose login
  shell is not nologin may log in (a learner removed with `accounts --remove` cannot).
- LocalProcessSpawner: each learner's JupyterLab runs as that learner's uid in their 0700 home,
  with the learners' global configuration (deploy/hub/learner/, copied to the share):
  only the Assignments list and Validate, the exchange and course id, and the course's
  learner package and data (the student bundle) read-only on PYTHONPATH.
- The formgrader runs as a hub service under the grader account in the grader's course
  folder, reachable only by the members of the grader group (JupyterHub sends
  `frame-ancestors 'none'`, so open it in its own tab: /services/formgrader/formgrader).
"""

import grp
import os
import pwd
import sys
from pathlib import Path

from jupyterhub.auth import PAMAuthenticator

c = get_config()  # noqa: F821 (provided by traitlets)
env = os.environ.get

STATE = Path(env("NEGOTIATION_HUB_STATE", "/var/lib/negotiation-course/hub"))
SHARE = Path(env("NEGOTIATION_HUB_SHARE", "/srv/negotiation-course"))
PORT = int(env("NEGOTIATION_HUB_PORT", "8000"))
EXCHANGE = env("NEGOTIATION_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
COURSE_ID = env("NEGOTIATION_COURSE_ID", "salary-negotiation-specialist")
GRADER = env("NEGOTIATION_GRADER", "grader")
GROUP = env("NEGOTIATION_GRADER_GROUP", "formgrade-negotiation")
GRADER_COURSE = env("NEGOTIATION_GRADER_COURSE", "")  # default: ~grader/course
PROXY = env("NEGOTIATION_HUB_PROXY", "configurable-http-proxy")
GUARD_CONFIG = env("NEGOTIATION_FORMGRADER_GUARD", "")
VENV_BIN = Path(sys.executable).parent  # the hub and every server run from the course venv
NOLOGIN = ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false")


def _uid_min() -> int:
    try:
        for line in Path("/etc/login.defs").read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "UID_MIN" and parts[1].isdigit():
                return int(parts[1])
    except OSError:
        pass
    return 1000


UID_MIN = _uid_min()


class CourseAuthenticator(PAMAuthenticator):
    """PAM, for regular accounts with a login shell only (never root or a system account)."""

    def check_allowed(self, username, authentication=None):
        try:
            user = pwd.getpwnam(username)
        except KeyError:
            return False
        return user.pw_uid >= UID_MIN and user.pw_shell not in NOLOGIN


# --- the hub, its proxy and its state -------------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{PORT + 1}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.command = [PROXY]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.debug = False
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner server
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.shutdown_on_logout = False
c.JupyterHub.template_vars = {"announcement_login": "Certified Salary Negotiation Specialist"}
c.JupyterHub.log_level = "INFO"

c.JupyterHub.authenticator_class = CourseAuthenticator
c.PAMAuthenticator.open_sessions = False  # no systemd-logind session per login
c.Authenticator.admin_users = set()

# --- learner servers ------------------------------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.args = ["--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                  # default settings for every learner (no "Jupyter news?" prompt); a learner's
                  # own settings still win
                  f"--LabApp.app_settings_dir={SHARE / 'learner-config' / 'lab-settings'}"]
c.Spawner.environment = {
    # The learners' global configuration: extensions, exchange, course id (read-only share).
    "JUPYTER_CONFIG_PATH": str(SHARE / "learner-config"),
    # The learner package and the data come from the student bundle (read-only), never from
    # the instructors' repository.
    "PYTHONPATH": str(SHARE / "course"),
    "NEGOTIATION_COURSE_DATA": str(SHARE / "course" / "data"),
    "NEGOTIATION_EXCHANGE_ROOT": EXCHANGE,
    "NEGOTIATION_COURSE_ID": COURSE_ID,
    "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
    "PYTHONDONTWRITEBYTECODE": "1",
}
c.Spawner.env_keep = ["LANG", "LC_ALL", "TZ"]

# --- the formgrader: a service run by the grader, for the grader group only -----------------
try:
    grader = pwd.getpwnam(GRADER)
except KeyError:
    grader = None
course_dir = Path(GRADER_COURSE or (Path(grader.pw_dir) / "course" if grader else "/nonexistent"))
try:
    members = sorted(set(grp.getgrnam(GROUP).gr_mem))
except KeyError:
    members = []
if grader is not None and (course_dir / "nbgrader_config.py").is_file():
    formgrader_env = {
        "JUPYTERHUB_DEFAULT_URL": "/formgrader",
        "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": grader.pw_dir,
    }
    if GUARD_CONFIG:  # the course's formgrader guard (escaping, sandboxed learner files)
        formgrader_env["JUPYTER_CONFIG_PATH"] = GUARD_CONFIG
    c.JupyterHub.services = [{
        "name": "formgrader",
        "url": f"http://127.0.0.1:{PORT + 3}",
        "command": [str(VENV_BIN / "jupyterhub-singleuser"), f"--ServerApp.root_dir={course_dir}",
                    "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={PORT + 3}"],
        "user": GRADER,
        "cwd": str(course_dir),
        "environment": formgrader_env,
        "oauth_no_confirm": True,
    }]
    c.JupyterHub.load_groups = {GROUP: {"users": members}}
    c.JupyterHub.load_roles = [{
        "name": "formgrade",
        "description": "Open the course's formgrader",
        "groups": [GROUP],
        "scopes": ["access:services!service=formgrader"],
    }]
