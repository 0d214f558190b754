"""The provider's facts as the welcome lesson shows them (issue 12 §4), from ``course.toml``.

Learners and reviewers see who wrote, presents and teaches the course, how to book the
instructor conversation, how to ask for accommodations or complain, the dates and the
conflict-of-interest statement. A fact the provider has not configured is shown as a
visible "to be completed by the provider" line, never filled in. The approving body is named
only once the provider has configured both its provider number and its approval statement,
and the course title is said plainly to be the provider's title, not a credential.
"""

from __future__ import annotations

from .course import Course, Person, Provider, load

TO_COMPLETE = "*to be completed by the provider*"


def _or_missing(value: str) -> str:
    return value if value else TO_COMPLETE


def _people(people: tuple[Person, ...]) -> str:
    return "; ".join(_or_missing(str(p)) for p in people) if people else TO_COMPLETE


def title_disclaimer(nbcc_approved: bool) -> str:
    """What the course title is not (the welcome and the certificate say the same)."""
    text = ("The course title is the provider's title for this course. It is not a "
            "certification, licence or credential")
    return text + ("; NBCC does not award or endorse it." if nbcc_approved else ".")


def title_note(title: str, provider: Provider) -> str:
    """The course title, and what it is not."""
    return f"*{title}*. {title_disclaimer(provider.nbcc_approved)}"


def facts(model: Course | None = None) -> list[tuple[str, str]]:
    """(label, Markdown value) for every fact, in the order the welcome shows them."""
    model = model or load()
    p = model.provider
    instructor = _or_missing(str(p.instructor))
    contact = _or_missing(p.instructor.contact)
    approval = (f"{p.nbcc_approval_statement} (NBCC provider number "
                f"{p.nbcc_provider_number})" if p.nbcc_approved else TO_COMPLETE)
    return [
        ("Provider", _or_missing(p.name)),
        ("Course title", title_note(model.title, p)),
        ("Continuing-education approval", approval),
        ("NBCC content area" if p.nbcc_approved else "Content area",
         _or_missing(p.content_area)),
        ("Authors", _people(p.authors)),
        ("Presenters", _people(p.presenters)),
        ("Assessment written by", _or_missing(str(p.assessment_author))),
        ("Instructor", instructor),
        ("Instructor's contact", contact),
        ("Booking the instructor conversation", _or_missing(p.booking)),
        ("Accommodations", _or_missing(p.accommodations)),
        ("Complaints", _or_missing(p.complaints)),
        ("Released", _or_missing(p.release_date)),
        ("Last reviewed", _or_missing(p.last_review_date)),
        ("Conflict of interest", _or_missing(p.conflict_of_interest)),
    ]


def provider_markdown(model: Course | None = None) -> str:
    """The facts as a Markdown list."""
    return "\n".join(f"- **{label}:** {value}" for label, value in facts(model)) + "\n"


#: Shown where this copy of the course has no course.toml (never a path or a traceback).
NO_COURSE_FILE = ("The provider's details are not in this copy of the course. Your instructor "
                  "can tell you where to find them.")


def show_provider():
    """The welcome lesson's "About the provider" cell (rendered Markdown in Jupyter)."""
    from IPython.display import Markdown

    try:
        return Markdown(provider_markdown())
    except FileNotFoundError:  # e.g. a copy made without course.toml: say so plainly
        return Markdown(NO_COURSE_FILE)
