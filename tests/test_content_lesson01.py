"""Lesson 1's text, figures, keys and structure agree with data/ and the course conventions.

Every number the lesson states in Markdown that comes from data/ is recomputed here from
``data.load``; every answer key is recomputed from the data it asks about; tolerances are
checked against alternative-correct and common wrong answers. No kernel is started (the
generic harness in test_assignments.py executes and grades the notebook).
"""

from __future__ import annotations

import re

import nbformat
import pytest

from negotiation_course import data
from negotiation_course.course import objective_tags
from negotiation_course.grading.answer_key import Key, keys_in
from negotiation_course.instructor import clock_hours

from .conftest import read_nb, source_path
from .support.course_model import OBJECTIVES

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
    pct = data.load("pew_2018_percentile_figures")
    white_change = pct[(pct["group"] == "white")
                       & (pct["measure"] == "pct_change_in_90_10_ratio")]["value"].item()
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
        "from 0.602 to 0.737, a rise of\n13.5 points": (
            f"from {ratio[1980]:.3f} to {ratio[2000]:.3f}, a rise of\n"
            f"{(ratio[2000] - ratio[1980]) * 100:.1f} points"),
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
        "from 6.3 in 1970 to 7.8 in 2016: a rise of\n1.5": (
            f"from {r['white', 1970]} in 1970 to {r['white', 2016]} in 2016: a rise of\n"
            f"{r['white', 2016] - r['white', 1970]:.1f}"),
        "a rise of 24% for white Americans": f"a rise of {white_change:.0f}% for white Americans",
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
        "were $970 and $915, against\n$1,225 for white men": (
            f"were ${weekly['black']:,.0f} and ${weekly['hispanic']:,.0f}, against\n"
            f"${weekly['white']:,.0f} for white men"),
    }


def test_2018_split_adds_up_to_everyone():
    s = _shed().loc[2018]
    assert s["cash_or_equivalent"] + s["borrow_or_sell"] + s["unable_to_pay"] == 100


def test_numeric_answer_keys_equal_the_data(keys):
    c, s, m, r = _census(), _shed(), _npwf_medians(), _pew_90_10()
    ratio = c["female_to_male_ratio_ftyr"]
    gap = c.loc[2023, "male_ftyr_median_usd2023"] - c.loc[2023, "female_ftyr_median_usd2023"]
    truth = {
        "ratio_2023": ratio[2023],
        "points_since_1960": (ratio[2023] - ratio[1960]) * 100,
        "gap_2023": gap,
        "gap_40_years": gap * 40,
        "latina_gap": m["white non-Hispanic men"] - m["Latinas"],
        "rise": r["asian", 2016] - r["asian", 1970],
        "not_cash_2018": 100 - s.loc[2018, "cash_or_equivalent"],
        "cannot_pay_2018": s.loc[2018, "unable_to_pay"],
    }
    numeric = {k for k, key in keys.items() if key.kind == "number"}
    assert numeric == set(truth)
    for name, value in truth.items():
        assert keys[name].matches(float(value)), f"{name}: key {keys[name].expected} vs {value}"


def test_latina_gap_is_the_gap_npwf_published(keys):
    d = data.load("npwf_dollar_figures")
    published = d[(d["publication_date"] == "2021-03") & (d["measure"] == "annual_earnings_gap")
                  & (d["group"] == "Latinas")]["value"].item()
    assert keys["latina_gap"].matches(published)


def test_rose_most_is_the_largest_rise_among_groups_with_both_years(keys):
    r = _pew_90_10()
    rises = {g: r[g, 2016] - r[g, 1970] for g, y in r if y == 1970}
    assert keys["rose_most"].matches(max(rises, key=rises.get))


ALTERNATIVE_RIGHT = [
    ("ratio_2023", 55240 / 66790),      # computed from the medians instead of read off
    ("ratio_2023", 0.827),
    ("points_since_1960", (55240 / 66790 - 27560 / 45430) * 100),  # from the medians
    ("gap_40_years", (1 - 0.827) * 66790 * 40),  # via the rounded ratio
    ("rise", 10.7 - 6.1),               # floating point: 4.6000000000000005
    ("not_cash_2018", 39),
]
COMMON_WRONG = [
    ("ratio_2023", 82.7),               # a percent, not a ratio
    ("ratio_2023", 0.840),              # 2022
    ("points_since_1960", 0.22),        # a ratio difference, not points
    ("points_since_1960", 22.0 - 1),
    ("gap_2023", 66790),                # men's median
    ("gap_40_years", 11550 * 30),
    ("latina_gap", 65208 * (1 - 0.55)),  # from rounded cents, not the medians
    ("rise", 77),                       # Pew's percent change
    ("not_cash_2018", 61),
    ("not_cash_2018", 0.39),
    ("cannot_pay_2018", 27),
]


@pytest.mark.parametrize(("answer", "value"), ALTERNATIVE_RIGHT)
def test_tolerances_accept_alternative_correct_answers(keys, answer, value):
    assert keys[answer].matches(float(value))


@pytest.mark.parametrize(("answer", "value"), COMMON_WRONG)
def test_tolerances_reject_common_wrong_answers(keys, answer, value):
    assert not keys[answer].matches(float(value))


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


def test_worksheet_has_six_autograded_parts_and_two_reflections(nb):
    auto = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            and c.cell_type == "code"]
    manual = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
              and c.cell_type == "markdown"]
    assert len(auto) >= 6 and len(manual) >= 2
    assert all(keys_in(c.source) for c in auto)
    data_parts = [c for c in auto if "checks.number" in c.source]
    knowledge = [c for c in auto if "checks.choice" in c.source]
    assert len(data_parts) >= 3 and len(knowledge) >= 3
    assert "hidden tests" in nb.cells[0].source.lower()


def test_reflection_prompts_ask_for_commitment_and_protect_clients(nb):
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "markdown":
            above = i - 2 if nb.cells[i - 1].metadata.get("rubric_for") else i - 1
            prompt = _plain(nb.cells[above].source)  # the prompt is above the rubric
            assert "commitment to change" in prompt and '"I will ..."' in prompt
            assert "could identify" in prompt


def test_every_figure_has_a_numbered_caption_and_a_cited_source(nb):
    n = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "plots." in cell.source:
            n += 1
            assert "source=data.cite(" in cell.source
            assert nb.cells[i + 1].cell_type == "markdown"
            assert nb.cells[i + 1].source.startswith(f"*Figure {n}.*")
    assert n == 5


def test_setup_imports_only_what_the_notebook_uses(nb):
    setup = nb.cells[1]
    assert setup.metadata["nbgrader"]["locked"]
    assert setup.source == "from negotiation_course import checks, data, plots"
    code = "\n".join(c.source for c in nb.cells[2:] if c.cell_type == "code")
    for module in ("checks", "data", "plots"):
        assert f"{module}." in code
    assert "import" not in code


def test_references_cite_every_data_source_the_lesson_loads(nb, text):
    refs = _plain(nb.cells[-1].source)
    assert refs.startswith("## References")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    loaded = set(re.findall(r'data\.load\("([a-z0-9_]+)"\)', code))
    assert len(loaded) >= 8
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


def _all_stated_numbers() -> dict[str, str]:
    """Every number the lesson states, with the text the data give for it."""
    return {**_stated_numbers(), **_issue12_numbers()}


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


#: answer id -> plausible slips the visible check must reject (issue 12 section 6)
SLIPS = {
    "ratio_2023": [82.7, 1 / 0.827, 0.173, 0.5],
    "points_since_1960": [0.22, 2.2, 82.7],
    "gap_2023": [1155, 115500, 66790],
    "gap_40_years": [11550, 46200, 4620000],
    "latina_gap": [2909.8, 290980, 55000],
    "rise": [0.046, 46, 0.0],
    "not_cash_2018": [0.39, 61, 100],
    "cannot_pay_2018": [0.12, 88, 2],
}


def test_check_ranges_hold_the_key_and_reject_slips(nb, keys):
    from .support.check_ranges import ranges

    found = ranges(nb)
    assert set(SLIPS) <= set(found), set(SLIPS) - set(found)
    for name, wrong in SLIPS.items():
        low, high = found[name]
        assert low <= keys[name].expected <= high, name
        for value in wrong:
            assert not low <= value <= high, f"{name}: the slip {value} gets a green tick"
