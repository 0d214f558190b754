"""The JupyterHub side of the course: learner accounts and a private nbgrader exchange.

Instructor/provider code only; nothing here ships in the student bundle.
"""
