"""A learner's HTTP session with the hub: the login form, then the server's REST endpoints.

Logs in exactly as a browser does (GET the login page for its _xsrf cookie, POST the form),
waits for the learner's server, and sends the server's _xsrf cookie back as X-XSRFToken on
every POST, as JupyterLab's Assignments tab does.
"""

from __future__ import annotations

import time

import requests


class HubSession:
    def __init__(self, base: str, user: str):
        self.base, self.user = base.rstrip("/"), user
        self.http = requests.Session()

    def login(self, password: str) -> requests.Response:
        page = self.http.get(f"{self.base}/hub/login", timeout=30)
        page.raise_for_status()
        xsrf = self.http.cookies.get("_xsrf", path="/hub/") or self.http.cookies.get("_xsrf")
        return self.http.post(f"{self.base}/hub/login?next=", timeout=120, allow_redirects=True,
                              data={"username": self.user, "password": password, "_xsrf": xsrf})

    def logged_in(self) -> bool:
        return any(c.name.startswith("jupyterhub-session") or c.name == "jupyterhub-hub-login"
                   for c in self.http.cookies)

    def wait_for_server(self, timeout: float = 120) -> float:
        """Seconds until the learner's server answers /api/status through the proxy."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            try:
                # A page (not an API call) goes through the hub's OAuth and sets the
                # server's cookies, as a browser's first visit does.
                answer = self.http.get(f"{self.base}/user/{self.user}/lab", timeout=30)
                if answer.status_code == 200 and answer.url.startswith(
                        f"{self.base}/user/{self.user}/lab"):
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.user}'s server did not answer within {timeout:.0f} s")

    def _xsrf(self) -> dict[str, str]:
        token = None
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and cookie.path.startswith(f"/user/{self.user}"):
                token = cookie.value
        return {"X-XSRFToken": token} if token else {}

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(f"{self.base}/user/{self.user}{path}", timeout=120, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.http.post(f"{self.base}/user/{self.user}{path}", timeout=300,
                              headers=self._xsrf(), **kw)

    def put(self, path: str, **kw) -> requests.Response:
        return self.http.put(f"{self.base}/user/{self.user}{path}", timeout=120,
                             headers=self._xsrf(), **kw)

    # the Assignments tab's endpoints (nbgrader's assignment_list server extension)
    def assignments(self, course: str) -> list[dict]:
        answer = self.get("/assignments", params={"course_id": course})
        answer.raise_for_status()
        body = answer.json()
        assert body["success"], body
        return body["value"]

    def action(self, action: str, course: str, assignment: str) -> dict:
        answer = self.post(f"/assignments/{action}",
                           data={"course_id": course, "assignment_id": assignment})
        answer.raise_for_status()
        return answer.json()

    def validate(self, path: str) -> dict:
        answer = self.post("/assignments/validate", data={"path": path})
        answer.raise_for_status()
        return answer.json()
