"""The printable offer preparation worksheet (PDF), drawn from the same sections as the notebook.

It lives beside the certificates because both need fpdf2, which only the grading group
installs (the learner's environment does not have it): the bundle tool
(:mod:`negotiation_course.instructor.bundle`) runs it and ships the finished PDF
(``coach-tools/`` in the student bundle). The
sections, prompts and figures come from :mod:`negotiation_course.offer_worksheet`, so the
paper and the notebook ask for the same things. The body font is the certificates' first
installed face (Debian's Noto Sans, else the DejaVu Sans that matplotlib bundles).

    python -m negotiation_course.grading.worksheet_pdf OUT.pdf
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from .. import offer_worksheet as sheet
from . import fonts

FILE_NAME = "offer-preparation-worksheet.pdf"
#: A fixed creation date: the same worksheet gives the same PDF on every build.
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
WIDTH = 180  # mm of writing width on A4 portrait with 15 mm margins


def render(path: Path) -> Path:
    """Write the blank worksheet to ``path`` (A4 portrait) and return it."""
    from fpdf import FPDF

    faces = fonts.chain()
    if not faces:
        raise fonts.FontCoverageError(f"no font found for the worksheet; install "
                                      f"{fonts.PACKAGES} (make sysdeps)")
    face = faces[0]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_title(sheet.TITLE)
    pdf.set_lang("en")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font(face.family, "", str(face.regular), collection_font_number=face.index)
    bold = face.bold if face.bold and face.bold.exists() else face.regular
    pdf.add_font(face.family, "B", str(bold), collection_font_number=face.index)
    family = face.family
    pdf.add_page()

    def text(value: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(WIDTH, size * 0.5, value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def writing_lines(count: int) -> None:
        for _ in range(count):
            pdf.ln(7)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + WIDTH, pdf.get_y())
        pdf.ln(3)

    text(sheet.TITLE, 18, "B", 2)
    text(sheet.INTRO, 9.5, gap=2)
    text("Client (initials or code): ______________    Date: ____________    "
         "Offer from: ______________________", 10, gap=3)
    for section in sheet.SECTIONS:
        if pdf.get_y() > 235:  # keep a heading with the space to write under it
            pdf.add_page()
        text(section.heading, 13, "B", 0.5)
        text(section.why, 9.5, gap=1.5)
        for figure in section.figures:
            text(f"{figure.label}:  $ ____________________", 10, gap=1.5)
        if section.table:
            pdf.set_font(family, "B", 9)
            widths = [WIDTH * w for w in (0.30, 0.18, 0.22, 0.16, 0.14)]
            for heading, width in zip(section.table, widths, strict=True):
                pdf.cell(width, 7, heading, border=1)
            pdf.ln(7)
            for _ in range(section.rows):
                for width in widths:
                    pdf.cell(width, 8, "", border=1)
                pdf.ln(8)
            pdf.ln(2)
        for prompt in section.prompts:
            if pdf.get_y() > 255:  # a prompt never sits alone at the foot of a page
                pdf.add_page()
            text(prompt, 10, gap=0)
            writing_lines(1 if section.table else 2)
    text("Printed from the course's offer preparation worksheet; the fillable notebook "
         "beside it asks for the same things and checks that the figures fit together.",
         8, gap=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write the PDF")
    args = parser.parse_args(argv)
    print(f"Offer preparation worksheet written to {render(args.out)}")


if __name__ == "__main__":
    main()
