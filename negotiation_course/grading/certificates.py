"""Certificates of completion (COURSE.md §4), one per complete learner, and what others lack.

    python -m negotiation_course.grading.certificates --course-dir DIR

A learner is complete when every lesson worksheet is graded (hand-graded parts included),
the assessment is passed at the course's pass mark, the evaluation is submitted, the
instructor conversation (the mock negotiation) is recorded in ``DIR/conversations.csv``
(learner, date, instructor, rubric_score: the mock negotiation's total on the published
rubric, :mod:`.mock_negotiation`), and the gradebook holds the learner's name. The score is
recorded and checked, not a pass mark: a conversation with any valid score counts.
Complete learners get ``certificates/<id>.pdf`` and a row in
``certificates/register.csv``; a learner who already has a certificate keeps its id
(re-running never issues a duplicate). Everyone else gets a line in
``certificates/missing.csv``.

Provider name and number, the NBCC approval statement and the instructor come from
``course.toml`` [provider] (:attr:`negotiation_course.course.Course.provider`); an unset
provider field prints as a blank line to fill in by hand. NBCC is named (the approval
statement, "NBCC clock hours") only when both the provider number and the statement are
configured, and the certificate says that the course title is the provider's, not a
credential. Clock hours are computed from the
course's notebooks (:mod:`negotiation_course.hours`), including the conversation.

Names are the learners' own: one with control or reordering characters is not printed (a
line in ``missing.csv`` says why), names in any script print in a font that has them
(:mod:`.fonts`), or the learner is reported by id with what cannot be printed (exit code
1), and the register and ``missing.csv`` are written so a spreadsheet evaluates no cell.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from . import fonts, mock_negotiation
from .escaping import from_spreadsheet_cell, printable_problem, spreadsheet_cell
from .outcomes import GRADED, NEEDS_REVIEW, LearnerStatus

REGISTER_COLUMNS = ["certificate_id", "learner", "name", "course", "completion_date",
                    "clock_hours", "issued_at", "file"]
CONVERSATION_COLUMNS = ["learner", "date", "instructor", "rubric_score"]
BLANK = "_" * 34


class ConversationsError(ValueError):
    """``conversations.csv`` has problems; each message names the line and what to fix."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Conversation:
    learner: str
    date: date
    instructor: str
    rubric_score: int | None = None  # the mock negotiation's total; always set when read


def read_conversations(path: Path, known: set[str],
                       rubric: Path = mock_negotiation.RUBRIC_PATH) -> dict[str, Conversation]:
    """The instructor's record of conversations, validated (raises ConversationsError).

    Every line needs a rubric_score: a missing, fractional or out-of-range score is an
    error naming its line, never a conversation that silently counts.
    """
    if not path.exists():
        return {}
    problems: list[str] = []
    out: dict[str, Conversation] = {}
    maximum = mock_negotiation.max_score(rubric)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if sorted(header) != sorted(CONVERSATION_COLUMNS):
            extra = ("; add a rubric_score column with each mock negotiation's total "
                     f"(0 to {maximum}) from the rubric"
                     if sorted(header) == sorted(set(CONVERSATION_COLUMNS) - {"rubric_score"})
                     else "")
            raise ConversationsError([
                f"{path.name}: the first line must name the columns "
                f"{', '.join(CONVERSATION_COLUMNS)} (found: {', '.join(header) or 'nothing'})"
                + extra])
        for n, row in enumerate(reader, start=2):
            if None in row:  # more cells than columns: a comma inside a name, most often
                problems.append(f"{path.name} line {n}: more cells than the "
                                f"{len(CONVERSATION_COLUMNS)} columns; put a name that "
                                "holds a comma in double quotes")
                continue
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            learner, raw_date, instructor = row["learner"], row["date"], row["instructor"]
            where = f"{path.name} line {n}"
            if not learner:
                problems.append(f"{where}: the learner id is empty")
                continue
            if learner not in known:
                problems.append(f"{where}: unknown learner {learner!r} (ids are the folder "
                                "names under submitted/)")
            try:
                when = date.fromisoformat(raw_date)
            except ValueError:
                problems.append(f"{where}: date {raw_date!r} is not a date like 2026-03-20")
                continue
            if when > datetime.now(UTC).date():
                problems.append(f"{where}: date {raw_date} is in the future")
            if not instructor:
                problems.append(f"{where}: the instructor's name is empty")
            score = mock_negotiation.score_problem(row["rubric_score"], maximum)
            if score is not None:
                problems.append(f"{where} ({learner!r}): {score}")
                continue
            if learner in out:
                problems.append(f"{where}: {learner!r} already has a conversation on line "
                                "above; keep one line per learner")
            out[learner] = Conversation(learner, when, instructor, int(row["rubric_score"]))
    if problems:
        raise ConversationsError(problems)
    return out


@dataclass
class Completion:
    learner: str
    name: str
    missing: list[str] = field(default_factory=list)
    completed_on: date | None = None
    instructor: str = ""

    @property
    def complete(self) -> bool:
        return not self.missing


def completion(learner: str, name: str, rows: list[LearnerStatus], pass_mark: float,
               conversation: Conversation | None,
               role_of: Callable[[str], str | None] | None = None) -> Completion:
    """What ``learner`` still lacks for a certificate (empty when complete).

    ``role_of`` names each assignment's role (course.toml); the package's course by default.
    """
    if role_of is None:
        from negotiation_course.course import load

        role_of = load().role_of
    result = Completion(learner, name)
    dates: list[date] = []
    by_assignment = {r.assignment: r for r in rows}
    for assignment, row in sorted(by_assignment.items()):
        if row.timestamp:
            dates.append(datetime.fromisoformat(row.timestamp).date())
        role = role_of(assignment)
        if role == "lesson":
            if row.status != GRADED:
                result.missing.append(f"{assignment}: worksheet {_why(row)}")
        elif role == "assessment":
            if row.status not in (GRADED, NEEDS_REVIEW):
                result.missing.append(f"assessment: {_why(row)}")
            elif row.max_score and row.score / row.max_score < pass_mark:
                result.missing.append(f"assessment: {row.score:g}/{row.max_score:g} is below "
                                      f"the pass mark of {pass_mark:.0%}")
        elif role == "evaluation" and row.status not in (GRADED, NEEDS_REVIEW):
            result.missing.append(f"evaluation: {_why(row)}")
    if conversation is None:
        result.missing.append("instructor conversation not recorded in conversations.csv")
    else:
        dates.append(conversation.date)
        result.instructor = conversation.instructor
    if not name.strip():
        result.missing.append("learner's name (set first and last name in the gradebook)")
    elif problem := printable_problem(name, "the learner's name"):
        result.missing.append(problem)
    result.completed_on = max(dates) if dates else None
    return result


def _why(row: LearnerStatus) -> str:
    if row.status == NEEDS_REVIEW:
        return "parts graded by hand are not graded yet"
    if row.status == "missing":
        return "not submitted"
    return row.status


# --- the PDF ----------------------------------------------------------------------------

NAME_MAX_WIDTH = 250  # mm: a long name is printed smaller rather than cut off


def _set_fonts(pdf, texts: dict[str, str]) -> str:
    """Register the fonts ``texts`` need (:mod:`.fonts`); returns the body family."""
    faces = fonts.faces_for(texts)
    for face in faces:
        pdf.add_font(face.family, "", str(face.regular), collection_font_number=face.index)
        bold = face.bold if face.bold and face.bold.exists() else face.regular
        pdf.add_font(face.family, "B", str(bold), collection_font_number=face.index)
    if len(faces) > 1:
        pdf.set_fallback_fonts([f.family for f in faces[1:]], exact_match=False)
    if fonts.shaping_available():
        pdf.set_text_shaping(True)
    return faces[0].family


def certificate_texts(learner: str, name: str, **fields: str) -> dict[str, str]:
    """What a certificate prints from people and configuration, by what it is."""
    texts = {f"the name of learner {learner!r}": name}
    texts.update({f"the {key.replace('_', ' ')}": value for key, value in fields.items()
                  if value})
    return texts


def render(path: Path, *, certificate_id: str, learner_name: str, course_title: str,
           delivery_format: str, completed_on: date, clock_hours: float, provider_name: str,
           provider_number: str, nbcc_statement: str, instructor: str,
           learner: str = "") -> None:
    """Write one certificate PDF (A4 landscape); :class:`fonts.FontCoverageError` when a
    text cannot be printed with the installed fonts."""
    from fpdf import FPDF

    from negotiation_course.welcome import title_disclaimer

    nbcc = bool(provider_number and nbcc_statement)

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    family = _set_fonts(pdf, certificate_texts(
        learner or certificate_id, learner_name, course_title=course_title,
        delivery_format=delivery_format, provider_name=provider_name,
        provider_number=provider_number, nbcc_statement=nbcc_statement,
        instructor=instructor))
    pdf.set_draw_color(0, 83, 155)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)

    def line(text: str, size: float, style: str = "", gap: float = 4) -> None:
        pdf.set_font(family, style, size)
        while size > 12 and pdf.get_string_width(text) > NAME_MAX_WIDTH:
            size -= 1
            pdf.set_font(family, style, size)
        pdf.cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(24)
    line("Certificate of Completion", 28, "B", 8)
    line("This certifies that", 13)
    line(learner_name, 24, "B", 6)
    line("has completed the continuing-education course", 13)
    line(course_title, 18, "B", 2)
    pdf.set_font(family, "", 9)
    pdf.set_x(30)
    pdf.multi_cell(237, 4.5, title_disclaimer(nbcc), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    line(f"Delivery format: {delivery_format}    Completion date: {completed_on.isoformat()}",
         12)
    line(f"{clock_hours:g} {'NBCC ' if nbcc else ''}clock hours", 14, "B", 6)
    line(f"Provider: {provider_name or BLANK}", 12)
    line(f"Provider number: {provider_number or BLANK}", 12)
    if nbcc:
        pdf.set_font(family, "", 10)
        pdf.set_x(30)
        pdf.multi_cell(237, 5, nbcc_statement, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_y(165)
    pdf.set_font(family, "", 12)
    pdf.set_x(30)
    pdf.cell(110, 6, "_" * 36, align="C")
    pdf.set_x(157)
    pdf.cell(110, 6, f"Certificate ID: {certificate_id}", align="C", new_x="LMARGIN",
             new_y="NEXT")
    pdf.set_x(30)
    pdf.cell(110, 6, f"{instructor or BLANK}, instructor (signature)", align="C")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


# --- the register -----------------------------------------------------------------------

def read_register(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: from_spreadsheet_cell(v or "") for k, v in row.items()}
                for row in csv.DictReader(fh)]


def _write_rows(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in rows)
    tmp.replace(path)


def next_id(register: list[dict[str, str]], year: int) -> str:
    """``CSNS-<year>-<nnnn>``, one more than the highest number ever issued."""
    numbers = [int(r["certificate_id"].rsplit("-", 1)[1]) for r in register
               if r.get("certificate_id", "").count("-") == 2]
    return f"CSNS-{year}-{max(numbers, default=0) + 1:04d}"


@dataclass
class IssueReport:
    issued: list[dict[str, str]] = field(default_factory=list)  # new this run
    kept: list[dict[str, str]] = field(default_factory=list)  # issued before
    incomplete: list[Completion] = field(default_factory=list)
    not_required: list[str] = field(default_factory=list)  # planned, not in source/ yet
    unprintable: list[str] = field(default_factory=list)  # complete, but fonts lack a glyph


def issue(course_dir: Path, rows: list[LearnerStatus], names: dict[str, str],
          today: date | None = None) -> IssueReport:
    """Issue certificates for complete learners; never twice for the same learner."""
    from negotiation_course import hours
    from negotiation_course.course import load
    from negotiation_course.instructor import clock_hours as hours_table

    model = load(course_dir)
    provider = model.provider
    course = model.section("course")
    pass_mark = model.pass_mark
    out_dir = course_dir / "certificates"
    register_path = out_dir / "register.csv"
    register = read_register(register_path)
    by_learner = {r["learner"]: r for r in register}
    learners = sorted({r.learner for r in rows})
    conversations = read_conversations(course_dir / "conversations.csv", set(learners))
    table = hours_table.compute(course_dir)
    clock_hours = hours.clock_hours(table, conversation=True)
    report = IssueReport(not_required=[a for a in hours.counted_assignments()
                                       if not (course_dir / "source" / a).is_dir()])
    today = today or datetime.now(UTC).date()
    missing_rows = []
    for learner in learners:
        state = completion(learner, names.get(learner, ""),
                           [r for r in rows if r.learner == learner], pass_mark,
                           conversations.get(learner), model.role_of)
        if not state.complete:
            report.incomplete.append(state)
            missing_rows.append({"learner": learner, "missing": "; ".join(state.missing)})
            continue
        instructor = provider.instructor.name or state.instructor
        try:  # before an id is assigned: a certificate that cannot print is not issued
            fonts.faces_for(certificate_texts(learner, state.name, instructor=instructor))
        except fonts.FontCoverageError as exc:
            report.unprintable.append(str(exc))
            missing_rows.append({"learner": learner, "missing": f"certificate: {exc}"})
            continue
        entry = by_learner.get(learner)
        if entry is None:
            entry = {"certificate_id": next_id(register, today.year), "learner": learner,
                     "name": state.name, "course": course.get("title", ""),
                     "completion_date": state.completed_on.isoformat(),
                     "clock_hours": f"{clock_hours:g}", "issued_at": today.isoformat(),
                     "file": ""}
            entry["file"] = f"{entry['certificate_id']}.pdf"
            register.append(entry)
            by_learner[learner] = entry
            report.issued.append(entry)
        else:
            report.kept.append(entry)
        pdf = out_dir / entry["file"]
        if not pdf.exists():
            render(pdf, certificate_id=entry["certificate_id"], learner_name=entry["name"],
                   course_title=entry["course"],
                   delivery_format=course.get("delivery_format", "home study"),
                   completed_on=date.fromisoformat(entry["completion_date"]),
                   clock_hours=float(entry["clock_hours"]),
                   provider_name=provider.name,
                   provider_number=provider.nbcc_provider_number,
                   nbcc_statement=provider.nbcc_approval_statement,
                   instructor=instructor, learner=learner)
    _write_rows(register_path, REGISTER_COLUMNS, register)
    _write_rows(out_dir / "missing.csv", ["learner", "missing"], missing_rows)
    return report


def learner_names(db_url: str, course_id: str) -> dict[str, str]:
    """Full names from the gradebook ("" where none is recorded)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        return {s.id: " ".join(p for p in (s.first_name, s.last_name) if p)
                for s in gb.students}


def issue_for_course(course_dir: Path) -> IssueReport:
    """Statuses from the gradebook and the grading store, then :func:`issue`."""
    from ..instructor.nbgrader_cli import ensure_venv_on_path
    from .config import db_url_of, load_config
    from .export import statuses
    from .outcomes import OutcomeStore
    from .runner import assignments

    ensure_venv_on_path()
    course_dir = course_dir.resolve()
    course_id = load_config(course_dir).CourseDirectory.get("course_id") or "default_course"
    db_url = db_url_of(course_dir)
    rows = statuses(course_dir, db_url, course_id, assignments(course_dir),
                    OutcomeStore(course_dir))
    return issue(course_dir, rows, learner_names(db_url, course_id))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    try:
        report = issue_for_course(args.course_dir)
    except ConversationsError as exc:
        print("error: conversations.csv needs fixing:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"{len(report.issued)} certificates issued, {len(report.kept)} issued before, "
          f"{len(report.incomplete)} learners not complete yet "
          f"(see {args.course_dir / 'certificates' / 'missing.csv'})")
    for problem in report.unprintable:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if report.unprintable else 0


if __name__ == "__main__":
    sys.exit(main())
