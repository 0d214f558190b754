"""Instructor tools around nbgrader: answer keys, grading, feedback, certificates."""
