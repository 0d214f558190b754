"""Lesson 1's text, figures, keys and structure agree with data/ and the course conventions.

Every number the lesson states in Markdown that comes from data/ is recomputed here from
``data.load``; every answer key is recomputed from the data it asks about; tolerances are
checked against alternative-correct and common wrong answers. No kernel is started (the
generic harness in test_assignments.py executes and grades the notebook).
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from negotiation_course import data, tables
from negotiation_course.course import objective_tags
from negotiation_course.grading.answer_key import Key, keys_in
from negotiation_course.instructor import clock_hours

from .conftest import ROOT, read_nb, release_path, source_path
from .support.course_model import OBJECTIVES
from .support.lesson_checks import (
    assert_figures_captioned_and_cited,
    assert_setup_imports_only_what_is_used,
)

NAME = "lesson-01-why-negotiate"
LESSON_OBJECTIVES = ["O1", "O2", "O3", "O4"]


@pytest.fixture(scope="module")
def nb() -> nbformat.NotebookNode:
    return read_nb(source_path(NAME))


def _plain(markdown: str) -> str:
    """Markdown as read: Jupyter's \\$ escapes undone, line breaks and spaces collapsed."""
    return " ".join(markdown.replace("\\$", "$").split())


@pytest.fixture(scope="module")
def text(nb) -> str:
    return _plain("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))


@pytest.fixture(scope="module")
def keys(nb) -> dict[str, Key]:
    return {k.id: k for c in nb.cells if c.cell_type == "code" for k in keys_in(c.source)}


def _census():
    c = data.load("census_p60_282_a7_earnings_by_sex")
    return c[c["preferred_row"]].set_index("year")


def _shed():
    s = data.load("shed_400_headline")
    s = s[(s["wave"] == "main") & (s["flag"] != "derived")]
    return s.pivot_table(index="survey_year", columns="measure", values="value_pct",
                         aggfunc="max", observed=True)


def _npwf_medians():
    d = data.load("npwf_dollar_figures")
    d = d[(d["publication_date"] == "2021-03") & (d["measure"] == "median_annual_earnings")]
    return d.set_index("group")["value"]


def _pew_90_10():
    p = data.load("pew_2018_ratio_90_10")
    return {(str(g), int(y)): v for g, y, v in zip(p["group"], p["year"], p["ratio_90_10"],
                                                   strict=True)}


def _stated_numbers() -> dict[str, str]:
    """Text as the lesson states it -> the same number formatted from data/."""
    c, s, r = _census(), _shed(), _pew_90_10()
    ratio = c["female_to_male_ratio_ftyr"]
    npwf = data.load("npwf_cents_on_dollar")
    cents = npwf[npwf["publication_date"] == "2021-03"].set_index("group")["cents_per_dollar"]
    dol = data.load("dol_wb_2019_ratios_by_race").set_index("group")["ratio_to_white_nh_men"]
    pew = data.load("pew_hourly_ratio_points")
    pew_2022 = pew[(pew["edition"] == "2023-03") & (pew["age_group"] == "16+")
                   & (pew["data_year"] == 2022)]["women_pct_of_men"].item()
    gap = c.loc[2023, "male_ftyr_median_usd2023"] - c.loc[2023, "female_ftyr_median_usd2023"]
    bls = data.load("bls_weekly_earnings_nominal")
    bls = bls[(bls["year"] == 2023) & (bls["sex"] == "men")].set_index("race_ethnicity")
    weekly = bls["median_weekly_usd"]
    opts = data.load("shed_400_how_would_pay")
    opts = opts[(opts["survey_year"] == 2018) & (opts["wave"] == "main")].set_index("option")
    opt = opts["value_pct"]
    return {
        "82.7%": f"{ratio[2023] * 100:.1f}%",
        "84.0% in 2022": f"{ratio[2022] * 100:.1f}% in 2022",
        "0.840 in 2022": f"{ratio[2022]:.3f} in 2022",
        "ratio for 2022 is 84.0%": f"ratio for 2022 is {ratio[2022] * 100:.1f}%",
        "earned $55,240 and the median man $66,790: a gap of $11,550 a year": (
            f"earned ${c.loc[2023, 'female_ftyr_median_usd2023']:,.0f} and the median man "
            f"${c.loc[2023, 'male_ftyr_median_usd2023']:,.0f}: a gap of ${gap:,.0f} a year"),
        "adds up\nto $462,000": f"adds up\nto ${gap * 40:,.0f}",
        "The $462,000 is the *raw* gap": f"The ${gap * 40:,.0f} is the *raw* gap",
        "what the $462,000 means": f"what the ${gap * 40:,.0f} means",
        "pay you $462,000 less": f"pay you ${gap * 40:,.0f} less",
        "near 0.6 from 1960": f"near {ratio[1960]:.1f} from 1960",
        "82% of what men earned in 2022": f"{pew_2022:.0f}% of what men earned in 2022",
        "white (79 cents), Black (63 cents) and Hispanic women or Latinas\n(55 cents)": (
            f"white ({cents['white']:.0f} cents), Black ({cents['black']:.0f} cents) and "
            f"Hispanic women or Latinas\n({cents['latina']:.0f} cents)"),
        "Labor Department reports 87 cents and NPWF 85 cents": (
            f"Labor Department reports {dol['Asian women'] * 100:.0f} cents and NPWF "
            f"{cents['aapi']:.0f} cents"),
        "highest among Asian Americans (10.7) and Black Americans\n(9.8)": (
            f"highest among Asian Americans ({r['asian', 2016]}) and Black Americans\n"
            f"({r['black', 2016]})"),
        "white and Hispanic Americans (7.8 each)": (
            f"white and Hispanic Americans ({r['white', 2016]} each)"
            if r["white", 2016] == r["hispanic", 2016] else "differ"),
        "8.7, up from 6.9 in 1970": f"{r['all', 2016]}, up from {r['all', 1970]} in 1970",
        "rose from 6.1 in 1970": f"rose from {r['asian', 1970]} in 1970",
        "a high of 68% in 2021": (
            f"a high of {s['cash_or_equivalent'].max():.0f}% in "
            f"{s['cash_or_equivalent'].loc[2013:2023].idxmax()}"),
        "63% in 2022 and 2023": (
            f"{s.loc[2022, 'cash_or_equivalent']:.0f}% in 2022 and 2023"
            if s.loc[2022, "cash_or_equivalent"] == s.loc[2023, "cash_or_equivalent"]
            else "differ"),
        "between 11% and 13% from 2018 on": (
            f"between {s['unable_to_pay'].loc[2018:2023].min():.0f}% and "
            f"{s['unable_to_pay'].loc[2018:2023].max():.0f}% from 2018 on"),
        "61% would pay entirely with cash or its\nequivalent, 27% would borrow or sell something, "
        "and 12% could not pay at all": (
            f"{s.loc[2018, 'cash_or_equivalent']:.0f}% would pay entirely with cash or its\n"
            f"equivalent, {s.loc[2018, 'borrow_or_sell']:.0f}% would borrow or sell something, "
            f"and {s.loc[2018, 'unable_to_pay']:.0f}% could not pay at all"),
        "credit card paid off over time (16%), a loan from\nfamily or friends (10%), selling "
        "something (6%), a bank loan or line of credit (3%) and a payday\nloan, deposit advance "
        "or overdraft (2%)": (
            f"credit card paid off over time ({opt['credit_card_pay_over_time']:.0f}%), a loan "
            f"from\nfamily or friends ({opt['borrow_friend_family']:.0f}%), selling something "
            f"({opt['sell_something']:.0f}%), a bank loan or line of credit "
            f"({opt['bank_loan_line_of_credit']:.0f}%) and a payday\nloan, deposit advance or "
            f"overdraft ({opt['payday_deposit_advance_overdraft']:.0f}%)"),
        "Only 12% said they could not pay": (
            f"Only {opt['unable_to_pay']:.0f}% said they could not pay"),
        "The 61% who would pay entirely with cash": (
            f"The {s.loc[2018, 'cash_or_equivalent']:.0f}% who would pay entirely with cash"),
        "The 27% who would borrow or sell something": (
            f"The {s.loc[2018, 'borrow_or_sell']:.0f}% who would borrow or sell something"),
        "The 12% who could not pay by any means": (
            f"The {s.loc[2018, 'unable_to_pay']:.0f}% who could not pay by any means"),
        "were $970 and $915, against\n$1,225 for white men": (
            f"were ${weekly['black']:,.0f} and ${weekly['hispanic']:,.0f}, against\n"
            f"${weekly['white']:,.0f} for white men"),
    }


def test_2018_split_adds_up_to_everyone():
    s = _shed().loc[2018]
    assert s["cash_or_equivalent"] + s["borrow_or_sell"] + s["unable_to_pay"] == 100


#: Issue 12 section 5: the look-up arithmetic items of the first edition, gone for good.
REMOVED_ANSWERS = {"ratio_2023", "points_since_1960", "gap_2023", "gap_40_years", "latina_gap",
                   "rose_most", "rise", "not_cash_2018", "cannot_pay_2018"}

#: answer id -> (key, objective): every autograded answer of Lesson 1 and what it assesses
ITEMS = {
    "hesitation_reasons": (("a", "b", "d"), "O1"),
    "situation_1": (("resilience",), "O2"),
    "situation_2": (("balance",), "O2"),
    "situation_3": (("fit",), "O2"),
    "study_finding": (("b",), "O1"),
    "benefit_1d": (("balance",), "O2"),
    "evidence_1d": (("b",), "O2"),
    "raw_gap_meaning": (("b",), "O3"),
    "measures_differ": (("c",), "O3"),
    "universe_change": (("b",), "O3"),
    "meaning_90_10": (("a",), "O3"),
    "question_1": (("pew",), "O3"),
    "question_2": (("90/10",), "O3"),
    "question_3": (("npwf",), "O3"),
    "question_4": (("census",), "O3"),
    "client_in_split": (("b",), "O4"),
    "accurate_headline": (("b",), "O4"),
}


def _objective_of_key(nb) -> dict[str, str]:
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            (obj,) = objective_tags(cell.metadata.get("tags", []))
            found |= {k.id: obj for k in keys_in(cell.source)}
    return found


def test_keys_and_objectives_are_the_planned_ones(nb, keys):
    assert not REMOVED_ANSWERS & set(keys)
    assert {k: (tuple(v.expected), o) for k, v in keys.items()
            for o in [_objective_of_key(nb)[k]]} == ITEMS
    assert all(key.kind != "number" for key in keys.values()), "no look-up arithmetic is graded"


def test_every_new_key_says_why(keys):
    """The items added for issue 12 carry their rationale with the key (TEAM.md format)."""
    raw = "\n".join(c.source for c in read_nb(source_path(NAME)).cells if c.cell_type == "code")
    new = ("study_finding", "benefit_1d", "evidence_1d", "raw_gap_meaning", "question_1",
           "question_2", "question_3", "question_4", "client_in_split")
    for answer in new:
        line = next(line for line in raw.splitlines() if f'"id": "{answer}"' in line
                    and "answer-key" in line)
        spec = json.loads(line.split("answer-key:", 1)[1])
        assert len(spec.get("why", "")) > 40, answer


def test_client_in_split_key_is_the_feds_borrowing_group(keys):
    """A card paid off over time is borrowing: option b names the borrow-or-sell share."""
    s = _shed().loc[2018]
    assert keys["client_in_split"].matches("b")
    option_b = "The 27% who would borrow or sell something"
    assert f"{s['borrow_or_sell']:.0f}%" in option_b
    opts = data.load("shed_400_how_would_pay")  # paying a card over time is its own option
    assert "credit_card_pay_over_time" in set(opts["option"].astype(str))


def test_raw_gap_sum_is_forty_times_the_yearly_gap():
    c = _census()
    gap = c.loc[2023, "male_ftyr_median_usd2023"] - c.loc[2023, "female_ftyr_median_usd2023"]
    assert gap * 40 == 462000


ALTERNATIVE_RIGHT = [
    ("hesitation_reasons", ["d", "B", "a"]),  # any order, any case
    ("study_finding", "B"),
    ("study_finding", " b "),
    ("benefit_1d", "Balance"),
    ("evidence_1d", "b "),
    ("raw_gap_meaning", "B"),
    ("question_2", "90/10 "),
    ("question_4", "Census"),
    ("client_in_split", "B"),
]
COMMON_WRONG = [
    ("study_finding", "a"),         # one in three: the fear taken as fact
    ("study_finding", "c"),
    ("study_finding", "d"),         # the discrepancy held for non-monetary asks too
    ("benefit_1d", "pay"),
    ("benefit_1d", "fit"),
    ("evidence_1d", "a"),           # "salary only": the abstract says otherwise
    ("evidence_1d", "c"),           # "never withdrawn": an overclaim
    ("raw_gap_meaning", "a"),       # the raw gap read as the same-job gap
    ("raw_gap_meaning", "c"),       # "only an illustration": the pattern still matters
    ("raw_gap_meaning", "d"),
    ("question_1", "census"),       # Census counts full-time workers only
    ("question_2", "npwf"),
    ("question_3", "census"),
    ("question_4", "pew"),
    ("client_in_split", "a"),       # a card paid over time is not "cash or its equivalent"
    ("client_in_split", "c"),
    ("accurate_headline", "a"),
    ("hesitation_reasons", ["a", "b", "c", "d"]),
]


@pytest.mark.parametrize(("answer", "value"), ALTERNATIVE_RIGHT)
def test_keys_accept_alternative_right_answers(keys, answer, value):
    assert keys[answer].matches(value)


@pytest.mark.parametrize(("answer", "value"), COMMON_WRONG)
def test_keys_reject_common_wrong_answers(keys, answer, value):
    assert not keys[answer].matches(value)


def test_title_and_objectives(nb, text):
    first = _plain(nb.cells[0].source)
    assert first.startswith("# Lesson 1: The importance of negotiating to career success")
    for k in LESSON_OBJECTIVES:
        assert f"{OBJECTIVES[k][1]} ({k})" in first
    assert OBJECTIVES["O1"][0] == NAME
    # the stated time is checked for every lesson by tests/test_lessons.py


def test_headings_never_skip_a_level(nb):
    levels = [len(m.group(1)) for c in nb.cells if c.cell_type == "markdown"
              for m in re.finditer(r"^(#+) ", c.source, re.M)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_every_graded_cell_names_its_objective_above_it(nb):
    graded = 0
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") or meta.get("solution")):
            continue
        (obj,) = objective_tags(cell.metadata.get("tags", []))
        assert obj in LESSON_OBJECTIVES
        above = next(_plain(c.source) for c in reversed(nb.cells[:i])
                     if c.cell_type == "markdown" and "Assesses objective" in c.source)
        assert f"Assesses objective {obj}: {OBJECTIVES[obj][1]}" in above
        assert clock_hours.ACTIVITY_RE.search(above), "graded cells sit under a red activity"
        graded += 1
    assert graded >= 2 * 6 + 2


def test_worksheet_has_eleven_autograded_parts_and_three_reflections(nb):
    auto = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            and c.cell_type == "code"]
    manual = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
              and c.cell_type == "markdown"]
    assert len(auto) == 11 and len(manual) == 3
    assert all(keys_in(c.source) for c in auto)
    assert not [c for c in auto if "checks.number" in c.source], "interpretation, not look-up"
    assert "hidden tests" in nb.cells[0].source.lower()
    labels = re.findall(r"\*\*Worksheet item (1[a-z]):", "\n".join(
        c.source for c in nb.cells if c.cell_type == "markdown"))
    assert labels == [f"1{chr(ord('a') + i)}" for i in range(14)]  # 1a to 1n, in order


def _points_by_objective(nb) -> dict[str, int]:
    points: dict[str, int] = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            (obj,) = objective_tags(cell.metadata.get("tags", []))
            points[obj] = points.get(obj, 0) + meta["points"]
    return points


def test_coaching_objectives_weigh_at_least_as_much_as_statistics_in_lesson_1(nb):
    """Issue 12 section 5: O1 and O2 (coaching) at least as many points as O3 and O4."""
    points = _points_by_objective(nb)
    assert points == {"O1": 5, "O2": 5, "O3": 5, "O4": 5}
    assert points["O1"] + points["O2"] >= points["O3"] + points["O4"]


def test_reflection_prompts_ask_for_commitment_and_protect_clients(nb):
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "markdown":
            above = i - 2 if nb.cells[i - 1].metadata.get("rubric_for") else i - 1
            prompt = _plain(nb.cells[above].source)  # the prompt is above the rubric
            assert "commitment to change" in prompt and '"I will ..."' in prompt
            assert "could identify" in prompt


def test_every_figure_has_a_numbered_caption_and_a_cited_source(nb):
    assert_figures_captioned_and_cited(nb, expected=5)


def test_setup_imports_only_what_the_notebook_uses(nb):
    assert_setup_imports_only_what_is_used(nb, ('checks', 'data', 'plots', 'tables'))


def test_references_cite_every_data_source_the_lesson_loads(nb, text):
    refs = _plain(nb.cells[-1].source)
    assert refs.startswith("## References")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    loaded = set(re.findall(r'data\.load\("([a-z0-9_]+)"\)', code))
    for helper in re.findall(r"tables\.([a-z0-9_]+)\(", code):
        loaded |= set(tables.SOURCES[helper])
    assert len(loaded) >= 7
    for name in loaded:
        publisher = data.describe(name)["sources"][0]["publisher"].split(" (")[0]
        assert publisher.split(",")[0] in refs, f"{name}: {publisher} not in References"
    for reading in ("Strain, M. R.", "Bloomberg Opinion", "Kochhar, R.", "federalreserve.gov",
                    "National Partnership for Women & Families", "gender gap in pay"):
        assert reading in refs


def test_secondary_figures_are_labelled(text):
    assert "as reported by Axios" in text
    assert text.count("as reported by") >= 4


def _npwf_cents(date: str, group: str) -> float:
    n = data.load("npwf_cents_on_dollar")
    return n[(n["publication_date"] == date) & (n["group"] == group)]["cents_per_dollar"].item()


def _pew_edition(edition: str, year: int) -> float:
    p = data.load("pew_hourly_ratio_points")
    row = p[(p["edition"] == edition) & (p["age_group"] == "16+") & (p["data_year"] == year)]
    return row["women_pct_of_men"].item()


def _issue12_numbers() -> dict[str, str]:
    """Issue 12 section 2: stated text -> the same text formatted from data/."""
    census24 = data.load("census_p60_2024_text_figures")
    ratio_2024 = census24[(census24["year"] == 2024) & (
        census24["measure"] == "female_to_male_earnings_ratio_ftyr")]["value"].item()
    pcc = data.load("pew_canonical_citations")
    pew_2018 = pcc[(pcc["row_type"] == "value") & (pcc["year"] == 2018)
                   & (pcc["measure"] == "women_pct_of_men_median_hourly")]["value"].item()
    shed = data.load("shed_2024_and_bills_followup").set_index(["survey_year", "measure"])
    v = shed["value_pct"]
    return {
        "63 cents (March 2021) to 66 cents (March 2024)": (
            f"{_npwf_cents('2021-03', 'black'):.0f} cents (March 2021) to "
            f"{_npwf_cents('2024-03-11', 'black'):.0f} cents (March 2024)"),
        "57 cents (January 2022) to 52 cents (March 2024)": (
            f"{_npwf_cents('2022-01', 'latina'):.0f} cents (January 2022) to "
            f"{_npwf_cents('2024-03-11', 'latina'):.0f} cents (March 2024)"),
        "85% of what men earned in 2018": f"{float(pew_2018):.0f}% of what men earned in 2018",
        "82% for 2022": f"{_pew_edition('2023-03', 2022):.0f}% for 2022",
        "85% for 2024": f"{_pew_edition('2025-03', 2024):.0f}% for 2024",
        "81% in 2003 to 85% in 2024": (
            f"{_pew_edition('2025-03', 2003):.0f}% in 2003 to {_pew_edition('2025-03', 2024):.0f}%"
            " in 2024"),
        "2024 ratio at 80.9%": f"2024 ratio at {float(ratio_2024):.1f}%",
        "17 percent of adults expected to forgo payment": (
            f"{v[2018, 'expect_to_forgo_some_bills_this_month']:.0f} percent of adults expected "
            "to forgo payment"),
        "63% of adults would have covered the $400 with cash or its equivalent and 13% could not": (
            f"{v[2024, 'cash_or_equivalent']:.0f}% of adults would have covered the $400 with cash"
            f" or its equivalent and {v[2024, 'unable_to_pay']:.0f}% could not"),
    }


def _offer_rows() -> dict[str, dict]:
    """Hart, Bear & Ren (2024) rows of offer_rescission_evidence, by the start of their claim."""
    rows = data.load("offer_rescission_evidence")
    rows = rows[rows["study"] == "hart_bear_ren_2024"]
    return {str(r["claim"]): r for r in rows.to_dict("records")}


def _offer(claim_start: str) -> dict:
    (row,) = [r for claim, r in _offer_rows().items() if claim.startswith(claim_start)]
    return row


def _offer_numbers() -> dict[str, str]:
    """Issue 12 section 5: the offer-withdrawal evidence, as the lesson states it."""
    total = _offer("total participants")
    extended = _offer("job offers managers reported extending")
    withdrawn = _offer("of those offers, average number withdrawn")
    half = _offer("candidates who accepted the initial offer")
    return {
        "seven\nstudies with 3,338 participants": (
            f"{'seven' if 'seven' in total['claim'] else '?'}\nstudies with "
            f"{total['figure']:,.0f} participants"),
        "extended 26.9 job offers": f"extended {extended['figure']} job offers",
        "withdrawn 1.73 of them": f"withdrawn {withdrawn['figure']} of them",
        "Nearly half of the candidates": (
            f"{half['qualifier'].split(' /')[0].capitalize()} of the candidates"),
    }


def _all_stated_numbers() -> dict[str, str]:
    """Every number the lesson states, with the text the data give for it."""
    return {**_stated_numbers(), **_issue12_numbers(), **_offer_numbers()}


def test_offer_evidence_is_labelled_as_the_brief_flags_it(text):
    """P* findings are the article's own, read in a copy; S figures only in news summaries."""
    flags = {claim: row["flag"] for claim, row in _offer_rows().items()}
    article = [c for c in flags if c.startswith(("total participants", "candidates perceive"))]
    news = [c for c in flags if c.startswith(("job offers managers", "of those offers",
                                              "candidates who accepted"))]
    assert {flags[c] for c in article} == {"P*"} and {flags[c] for c in news} == {"S"}
    assert ("These findings, and the number of studies and participants above, are the "
            "article's own, from its published abstract, which the course read in a copy rather "
            "than on the journal's site") in text
    assert "These figures were seen only in news summaries of the study" in text
    # the article's abstract: the inflated perception, and that it held for non-monetary asks
    highlights = _offer("candidates perceive")["note"]
    assert "inflated" in highlights and "non-monetary" in highlights
    assert "even when the request was not about money" in text


def test_offer_evidence_cites_the_journal_never_the_copies(nb, text):
    """Learners see the OBHDP article; no host the figures were read on appears anywhere."""
    refs = _plain(nb.cells[-1].source)
    assert "Hart, E., Bear, J. B., & Ren, Z. (2024" in refs
    assert "Organizational Behavior and Human Decision Processes" in refs
    assert "10.1016/j.obhdp.2024.104319" in refs
    rows = data.load("offer_rescission_evidence")
    hosts = set()
    for cell in list(rows["source_url"].dropna()) + list(rows["other_sources"].dropna()):
        hosts |= set(re.findall(r"https?://(?:www\.)?([^/\s]+)", str(cell)))
    assert {"adigaskell.org", "cdpc-cedc.ca", "bvbvf1.bib-bvb.de"} <= hosts
    release = release_path(NAME).read_text(encoding="utf-8")
    lesson = (ROOT / "lessons" / f"{NAME}.md").read_text(encoding="utf-8")
    for host in hosts:
        assert host not in lesson and host not in release, host
    for outlet in ("Adi Gaskell", "Business Insider", "George Mason", "cdpc", "Physician"):
        assert outlet not in lesson and outlet not in release, outlet


def test_offer_evidence_states_no_figure_the_brief_did_not_clear(text):
    """No computed share of the two averages (about 6%), and not the 94% or 33% the brief says
    to confirm in the paper before quoting."""
    section = text.split("## \"But what if I lose the offer?\"")[1].split("## The wider")[0]
    assert "1.73" in section
    for figure in ("6%", "6 percent", "94%", "94 percent", "33%", "33 percent", "one in 16"):
        assert figure not in section, figure


@pytest.mark.parametrize("stated", list(_all_stated_numbers()))
def test_numbers_stated_in_the_text_equal_the_data(text, stated):
    computed = _plain(_all_stated_numbers()[stated])
    assert computed == _plain(stated), f"the data give {computed!r}"
    assert computed in text, f"the lesson no longer states {stated!r}"


def test_issue12_corrected_claims(text):
    """No direction for NPWF's break, no 'official version', the BLS base and raw gap named."""
    assert "lowers the figures" not in text
    assert "lower values after the dotted line" not in text
    assert "official version of the same" not in text
    assert "both tabulate the same Census Bureau survey" in text
    assert 'BLS\'s "white men" include Hispanic white men' in text
    assert "not the gap between a woman and a man in the same job" in text
    assert "Never join editions" in text
    assert "federalreserve.gov" in text


def test_issue12_shares_the_fed_did_not_print_are_not_taught(text):
    """Strain's quoted 85/14 bills split has no printed Fed base: the lesson never states it."""
    shed = data.load("shed_2024_and_bills_followup")
    strain = shed[shed["measure"].str.contains("if_400_expense") & (shed["flag"] == "S")
                  & (shed["survey_year"] == 2018)]
    quoted = strain[strain["measure"] == "could_not_pay_some_bills_if_400_expense"]["value_pct"]
    assert f"{quoted.item():.0f}%" not in text
    assert "would still be able to pay all their bills" not in text.lower()
    assert "Eighty-five percent" not in text


def test_no_number_checks_are_left_to_reject_slips(nb):
    """Issue 12 section 6 (wide ranges) no longer applies: Lesson 1 grades no numbers."""
    from .support.check_ranges import ranges

    assert ranges(nb) == {}
