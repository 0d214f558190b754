"""The course model's objectives in the shapes the tests compare against."""

from negotiation_course.course import load

OBJECTIVES = {k: (o.lesson, o.text) for k, o in load().objectives.items()}
CONTENT_OBJECTIVES = load().content_objectives()
