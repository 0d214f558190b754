"""SYNTHETIC stand-in for the Fed's SHED 2018 public-use file: NOT Federal Reserve data.

The course machines have no internet, so the fetcher's tests (and the researchers' notebook,
when it cannot download the real file) need a file in the real file's layout: a zip holding
``public2018.csv`` (cp1252 text) with 11,316 rows and the $400-question columns. Every row
here is made up, built so that the Fed's split of the $400 question comes out at known,
round numbers that are deliberately NOT the published ones (the Fed reported 61% cash or
equivalent for 2018; this file gives 50%). Nothing computed from it is a finding.

Every file and frame made here is labelled: a ``SYNTHETIC`` column on every row, and a
``README_SYNTHETIC.txt`` inside the zip. :func:`negotiation_course.research.fetch.shed_400_split`
notices the column and says "SYNTHETIC" in its output.

Design (deterministic; rows shuffled with a fixed seed):

============================  ========  ===============  ==================================
block                         rows      mean weight2b    answers
============================  ========  ===============  ==================================
cash or equivalent            7,000     0.8              EF3_a, EF3_c, or both, nothing else
borrow or sell (remainder)    2,800     1.2              b, d, e, f, g; b+c; a+g; i (Other)
could not pay                 1,400     1.6              h; h+e; h+a; h+c
refused the whole question    16        1.0              EF3_Refused; options refused/skipped
selected nothing              100       1.0              every option No
============================  ========  ===============  ==================================

So the weighted split of the 11,200 in the base is exactly 50 / 30 / 20 percent (unweighted
62.5 / 25 / 12.5), every ``ppethm`` group has that same split, and by ``ppeducat`` the split
is 41.67 / 25 / 33.33 for the first two levels and 62.5 / 37.5 / 0 for the last two.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

#: The label carried by every synthetic row (column ``SYNTHETIC``) and output.
SYNTHETIC_LABEL = "SYNTHETIC: made-up rows, not Federal Reserve data"
SYNTHETIC_COLUMN = "SYNTHETIC"
N_ROWS = 11_316
OPTIONS = tuple(f"EF3_{letter}" for letter in "abcdefghi")

#: The split the synthetic file is built to give (weighted percent of the base).
SYNTHETIC_EXPECTED_SPLIT_PCT = {"cash_or_equivalent": 50.0, "borrow_or_sell": 30.0,
                                "could_not_pay": 20.0}
#: Unweighted counts by category, including the two groups left out of the base.
SYNTHETIC_EXPECTED_COUNTS = {"cash_or_equivalent": 7000, "borrow_or_sell": 2800,
                             "could_not_pay": 1400, "refused": 16, "nothing_selected": 100}
#: Respondents in the remainder who chose only "Other" (EF3_i).
SYNTHETIC_OTHER_ONLY = 350

ETHNICITY = ("White, Non-Hispanic", "Black, Non-Hispanic", "Other, Non-Hispanic", "Hispanic",
             "2+ Races, Non-Hispanic")
EDUCATION = ("Less than high school degree", "High school degree or GED",
             "Some college or Associate's degree", "Bachelor's degree or higher")
#: Weighted split by ``ppeducat`` label (percent), from the design above.
SYNTHETIC_EXPECTED_BY_EDUCATION = {
    EDUCATION[0]: {"cash_or_equivalent": 1400 / 33.6, "borrow_or_sell": 25.0,
                   "could_not_pay": 1120 / 33.6},
    EDUCATION[1]: {"cash_or_equivalent": 1400 / 33.6, "borrow_or_sell": 25.0,
                   "could_not_pay": 1120 / 33.6},
    EDUCATION[2]: {"cash_or_equivalent": 62.5, "borrow_or_sell": 37.5, "could_not_pay": 0.0},
    EDUCATION[3]: {"cash_or_equivalent": 62.5, "borrow_or_sell": 37.5, "could_not_pay": 0.0},
}
GENDER = ("Male", "Female")
AGE = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
INCOME = ("Less than $25,000", "$25,000 - $49,999", "$50,000 - $99,999", "$100,000 or more")

# (rows, low weight, high weight, answer patterns, education levels used)
_BLOCKS = {
    "cash_or_equivalent": (7000, 0.55, 1.05, [{"a"}, {"c"}, {"a", "c"}], 4),
    "borrow_or_sell": (2800, 0.95, 1.45,
                       [{"b"}, {"d"}, {"e"}, {"f"}, {"g"}, {"b", "c"}, {"a", "g"}, {"i"}], 4),
    "could_not_pay": (1400, 1.35, 1.85, [{"h"}, {"h", "e"}, {"h", "a"}, {"h", "c"}], 2),
    "refused": (16, 1.0, 1.0, [set()], 4),
    "nothing_selected": (100, 1.0, 1.0, [set()], 4),
}


def make_synthetic_shed(coding: str = "text", *, shuffle_seed: int | None = 2018) -> pd.DataFrame:
    """A SYNTHETIC SHED-2018-shaped frame (all cells text, as read from a CSV file).

    ``coding="text"`` writes answers as labels ("Yes", "No", "Refused") and demographics as
    labels; ``coding="numeric"`` writes 1 / 0 and negative codes (-1 refused, -2 skipped) and
    demographics as 1-based codes. Both give the same split (see the module docstring).
    """
    if coding not in ("text", "numeric"):
        raise ValueError("coding must be 'text' or 'numeric'")
    numeric = coding == "numeric"
    yes, no = ("1", "0") if numeric else ("Yes", "No")
    rows: list[dict[str, str]] = []
    for block, (count, low, high, patterns, levels) in _BLOCKS.items():
        for i in range(count):
            chosen = patterns[i % len(patterns)]
            row = {opt: (yes if opt[-1] in chosen else no) for opt in OPTIONS}
            row["EF3_Refused"] = no
            if block == "refused":
                skipped = numeric and i % 2 == 1
                code = ("-2" if skipped else "-1") if numeric else "Refused"
                row.update({opt: code for opt in OPTIONS})
                row["EF3_Refused"] = yes
            weight = low if (i // 4) % 2 == 0 else high
            demo = {
                "ppethm": i % 5, "ppeducat": i % levels, "ppgender": i % 2,
                "ppagecat": i % 7, "I40": i % 4,
            }
            labels = {"ppethm": ETHNICITY, "ppeducat": EDUCATION, "ppgender": GENDER,
                      "ppagecat": AGE, "I40": INCOME}
            for col, index in demo.items():
                row[col] = str(index + 1) if numeric else labels[col][index]
            row["weight2b"] = f"{weight:.2f}"
            rows.append(row)
    frame = pd.DataFrame(rows)
    if shuffle_seed is not None:
        order = np.random.default_rng(shuffle_seed).permutation(len(frame))
        frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "CaseID", [str(i + 1) for i in range(len(frame))])
    frame[SYNTHETIC_COLUMN] = SYNTHETIC_LABEL
    assert len(frame) == N_ROWS
    return frame


def synthetic_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as ``public2018.csv`` bytes (cp1252, like the real file)."""
    return frame.to_csv(index=False, lineterminator="\r\n").encode("cp1252")


def synthetic_shed_zip_bytes(frame: pd.DataFrame | None = None, *, member: str = "public2018.csv",
                             coding: str = "text") -> bytes:
    """A zip in the real download's layout holding the SYNTHETIC ``public2018.csv``."""
    frame = make_synthetic_shed(coding) if frame is None else frame
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, synthetic_csv_bytes(frame))
        archive.writestr("README_SYNTHETIC.txt", SYNTHETIC_LABEL + "\n" + (__doc__ or ""))
    return buffer.getvalue()


def write_synthetic_shed_zip(path: Path, coding: str = "text") -> Path:
    """Write the SYNTHETIC zip to ``path`` (for notebooks that cannot download the real one)."""
    path = Path(path)
    path.write_bytes(synthetic_shed_zip_bytes(coding=coding))
    return path
