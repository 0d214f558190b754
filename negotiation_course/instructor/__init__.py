"""Instructors' and authors' tools: build lessons and releases, the student bundle, labs.

Nothing here ships to learners (the student bundle carries only the learner modules of
:mod:`negotiation_course`).
"""
