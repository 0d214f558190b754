"""Lesson 3's text, keys and structure agree with data/ and the course conventions.

Every number the lesson states in Markdown is recomputed here: market figures from
``data.load("bls_oews_wages")``, law dates and counts from ``pay_law_context``, the evidence on
withdrawn offers from ``offer_rescission_evidence``, the offer comparison by hand (and with
``calculators.compare_offers``), and pay in today's dollars from the formula itself (the lesson
must work whether or not a packaged ``lifetime_value`` exists). Every answer key is recomputed;
tolerances are checked against alternative-correct and common wrong answers. No kernel is
started (the generic harness in test_assignments.py executes and grades the notebook).
"""

from __future__ import annotations

import json
import re
import tomllib

import nbformat
import pytest

from negotiation_course import calculators, data
from negotiation_course.course import objective_tags
from negotiation_course.grading.answer_key import KEY_RE, Key, keys_in
from negotiation_course.instructor import clock_hours
from negotiation_course.paths import COURSE_ROOT

from .conftest import read_nb, source_path
from .support.course_model import OBJECTIVES
from .support.lesson_checks import (
    assert_figures_captioned_and_cited,
    assert_setup_imports_only_what_is_used,
)

NAME = "lesson-03-negotiating-the-offer"
LESSON_OBJECTIVES = ["O8", "O9", "O10"]

# The case (a composite client): inputs of the exercises, stated in the lesson's own text.
OFFER = 112000
FLOOR, CURRENT = 95000, 104000
TARGET = 128000
NORTHFIELD = {"base_salary": 112000, "retirement_match": 0.04, "health_premium": 7200,
              "pto_days": 20, "bonus_target": 0.05}
BRIGHTLINE = {"base_salary": 118000, "retirement_match": 0.02, "health_premium": 4800,
              "pto_days": 10, "sign_on": 6000}
DIFFERENCE, RAISE, INFLATION = 6000, 0.03, 0.02  # inflation: the FOMC's longer-run 2% goal


@pytest.fixture(scope="module")
def nb() -> nbformat.NotebookNode:
    return read_nb(source_path(NAME))


def _plain(markdown: str) -> str:
    """Markdown as read: Jupyter's \\$ and \\* escapes undone, spaces and breaks collapsed."""
    return " ".join(markdown.replace("\\$", "$").replace("\\*", "*").split())


@pytest.fixture(scope="module")
def text(nb) -> str:
    return _plain("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))


@pytest.fixture(scope="module")
def keys(nb) -> dict[str, Key]:
    return {k.id: k for c in nb.cells if c.cell_type == "code" for k in keys_in(c.source)}


@pytest.fixture(scope="module")
def raw_keys(nb) -> dict[str, dict]:
    return {spec["id"]: spec for c in nb.cells if c.cell_type == "code"
            for spec in (json.loads(m.group(1)) for m in KEY_RE.finditer(c.source))}


# --- the data ---------------------------------------------------------------------------

def _oews(area: str = "99", release: str = "May 2025"):
    return data.oews_range("15-1252", release=release, area_code=area)


def _law(jurisdiction: str, law_type: str):
    t = data.load("pay_law_context")
    rows = t[(t["jurisdiction"] == jurisdiction) & (t["law_type"] == law_type)]
    assert len(rows) == 1, (jurisdiction, law_type)
    return rows.iloc[0]


def _ban_count(which: str):
    t = data.load("pay_law_context")
    rows = t[(t["law_type"] == "salary_history_ban_count")
             & t["provision"].str.startswith(which) & (t["as_of_date"].astype(str) == "2024-05-08")]
    assert len(rows) == 1, which
    return rows.iloc[0]


def _rescission(study: str, claim_start: str):
    t = data.load("offer_rescission_evidence")
    rows = t[(t["study"] == study) & t["claim"].str.startswith(claim_start)]
    assert len(rows) == 1, (study, claim_start)
    return rows.iloc[0]


def _guaranteed(offer: dict) -> float:
    """The course's rule, by hand: base + match + health premium + days off at base / 260."""
    base = offer["base_salary"]
    return (base + base * offer.get("retirement_match", 0) + offer.get("health_premium", 0)
            + offer.get("pto_days", 0) * base / 260)


def _today(difference: float, raise_rate: float, years: int, inflation: float = 0.0) -> float:
    """The test's own total in today's dollars (no packaged lifetime_value is relied on)."""
    return sum(difference * (1 + raise_rate) ** t / (1 + inflation) ** t for t in range(years))


def _money(x: float, cents: bool = False) -> str:
    return f"${x:,.2f}" if cents else f"${x:,.0f}"


def _date(iso) -> str:
    d = str(iso)[:10]
    y, m, day = d.split("-")
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    return f"{int(day)} {months[int(m) - 1]} {y}"


# --- every number in the text -------------------------------------------------------------

STATED = [
    # market range (BLS OEWS May 2025; national P*, Columbus S)
    ("its median is $122,340 against $135,980 nationally", lambda: (
        _money(_oews("18140")["a_median"]), _money(_oews()["a_median"])),
     ("$122,340", "$135,980")),
    ("about 90% of the national median",
     lambda: round(_oews("18140")["a_median"] / _oews()["a_median"] * 100), 90),
    ("Its 25th percentile is $100,010", lambda: _money(_oews("18140")["a_pct25"]), "$100,010"),
    ("its 75th percentile $140,260", lambda: _money(_oews("18140")["a_pct75"]), "$140,260"),
    ("the Columbus median, $122,340", lambda: _money(_oews("18140")["a_median"]), "$122,340"),
    ("about $122,000 to $140,000", lambda: (round(_oews("18140")["a_median"], -3),
                                            round(_oews("18140")["a_pct75"], -3)),
     (122000, 140000)),
    ("about $122,000 and the 75th percentile at about $140,000",
     lambda: (round(_oews("18140")["a_median"], -3), round(_oews("18140")["a_pct75"], -3)),
     (122000, 140000)),
    ("The BLS median for software developers in Columbus is about $122,000 (May 2025)",
     lambda: round(_oews("18140")["a_median"], -3), 122000),
    # the target sits between the Columbus median and 75th percentile
    ("$128,000: between the Columbus median and 75th percentile",
     lambda: _oews("18140")["a_median"] < TARGET < _oews("18140")["a_pct75"], True),
    # the whole package
    ("A $4,000 raise to the base adds $4,467.69 a year",
     lambda: _money(_guaranteed(dict(NORTHFIELD, base_salary=OFFER + 4000))
                    - _guaranteed(NORTHFIELD), cents=True), "$4,467.69"),
    ("its guaranteed value is $2,596.92 a year higher",
     lambda: _money(_guaranteed(NORTHFIELD) - _guaranteed(BRIGHTLINE), cents=True), "$2,596.92"),
    ("Brightline's $129,698.46 a year guaranteed",
     lambda: _money(_guaranteed(BRIGHTLINE), cents=True), "$129,698.46"),
    # today's dollars
    ("adds up to $68,783.28 in nominal dollars but $62,717.46 in today's dollars",
     lambda: (_money(_today(DIFFERENCE, RAISE, 10), True),
              _money(_today(DIFFERENCE, RAISE, 10, INFLATION), True)),
     ("$68,783.28", "$62,717.46")),
    # laws, with their dates
    ("Colorado's took effect first, on 1 January 2021",
     lambda: _date(_law("Colorado", "pay_range_in_postings")["effective_date"]), "1 January 2021"),
    ("New York City followed on 1 November 2022",
     lambda: _date(_law("New York City", "pay_range_in_postings")["effective_date"]),
     "1 November 2022"),
    ("California and Washington on 1 January 2023",
     lambda: (_date(_law("California", "pay_range_in_postings")["effective_date"]),
              _date(_law("Washington", "pay_range_in_postings")["effective_date"])),
     ("1 January 2023", "1 January 2023")),
    ("New York State on 17 September 2023",
     lambda: _date(_law("New York State", "pay_range_in_postings")["effective_date"]),
     "17 September 2023"),
    ("Illinois on 1 January 2025",
     lambda: _date(_law("Illinois", "pay_range_in_postings")["effective_date"]), "1 January 2025"),
    ("Labor Code section 432.3, in force since 1 January 2018",
     lambda: _date(_law("California", "salary_history_ban")["effective_date"]), "1 January 2018"),
    ("counted 22 state-wide and 23 local bans when it was updated on 8 May 2024",
     lambda: (int(_ban_count("state-wide")["value"]), int(_ban_count("local")["value"]),
              _date(_ban_count("local")["as_of_date"])), (22, 23, "8 May 2024")),
    # the evidence on withdrawn offers
    ("In seven studies with 3,338 participants",
     lambda: int(_rescission("hart_bear_ren_2024", "total participants across seven")["figure"]),
     3338),
    ("had extended 26.9 job offers on average",
     lambda: _rescission("hart_bear_ren_2024", "job offers managers reported")["figure"], 26.9),
    ("withdrawn 1.73 of them",
     lambda: _rescission("hart_bear_ren_2024", "of those offers")["figure"], 1.73),
    ("of about 1,500 managers asked directly, 94% upheld their offers",
     lambda: (_rescission("hart_bear_ren_2024", "managers who upheld")["figure"],
              "about 1,500" in _rescission("hart_bear_ren_2024", "managers who upheld")[
                  "population"]), (94, True)),
    ("33% higher than managers'",
     lambda: _rescission("hart_bear_ren_2024", "candidates' estimate")["figure"], 33),
    ("87% of employers would not pull a job offer",
     lambda: _rescission("salary_com_employers", "employers who will not pull")["figure"], 87),
    ("47% of the employees who did not negotiate",
     lambda: _rescission("careerbuilder_harris", "non-negotiators")["figure"], 47),
]


@pytest.mark.parametrize(("snippet", "compute", "stated"), STATED, ids=[s[0][:50] for s in STATED])
def test_numbers_stated_in_the_text_equal_the_data(text, snippet, compute, stated):
    assert snippet in text, f"the lesson no longer says {snippet!r}"
    assert compute() == stated


def test_case_figures_in_the_text(text):
    """The composite case's own inputs, as the exercises use them."""
    for snippet in ("She now earns $104,000 a year", "a base salary of $112,000",
                    "For Dana it comes to $95,000", "| base salary | $112,000 | $118,000 |",
                    "| employer retirement match | 4% of base | 2% of base |",
                    "| employer's share of the health premium | $7,200 a year | $4,800 a year |",
                    "| paid days off (vacation, holidays, sick days) | 20 | 10 |",
                    "| bonus target (not guaranteed) | 5% of base | none |",
                    "| sign-on bonus (paid once) | none | $6,000 |",
                    "260 working days", "raises of 3% a year", "$6,000 more a year"):
        assert snippet in text, snippet
    assert "composite client" in text and "describe no real person" in text
    assert calculators.WORK_DAYS_PER_YEAR == 260
    assert "Brightline pays $6,000 more in base salary" in text
    assert BRIGHTLINE["base_salary"] - NORTHFIELD["base_salary"] == 6000
    assert "Columbus pays less than the national figures at every percentile" in text
    national, columbus = _oews(), _oews("18140")
    assert all(columbus[p] < national[p] for p in ("a_pct10", "a_pct25", "a_median", "a_pct75",
                                                   "a_pct90"))
    assert "between the 25th percentile and the median" in text  # the national placement, too
    assert national["a_pct25"] < OFFER < national["a_median"]
    # the ending names no figure: the mock negotiation replays Northfield's call, and the
    # employer's room to move stays with the instructor
    ending = text.split("**How Dana's case ended.**")[1].split("Clients rarely")[0]
    assert not re.search(r"\$\d", ending) and "signed offer" in ending


def test_inflation_assumption_is_cited_to_the_publisher(text, nb):
    pub = data.publications()["fomc-longer-run-goals"]
    assert pub["publisher"] == "Board of Governors of the Federal Reserve System"
    assert "2 percent" in pub["basis"] and pub["url"].startswith("https://www.federalreserve.gov/")
    assert ("inflation of 2% a year**, the rate the Federal Reserve's monetary-policy committee"
            in text)
    assert "It is a goal, not a forecast" in text
    assert "an assumption chosen for the example, not a published figure" in text
    assert "fomc-longer-run-goals" in nb.cells[-1].source  # the references block


def test_the_flags_are_labelled_where_figures_are_quoted(text):
    assert _oews()["flag"] == "P*" and _oews("18140")["flag"] == "S"
    assert "The national rows are flagged **P*" in text
    assert "The Columbus rows are flagged **S** (secondary)" in text
    assert "(BLS, May 2025, flag S, to be checked on the BLS site)" in text
    assert _ban_count("state-wide")["flag"] == "S"
    assert "(flag S: seen in a copy of the tracker" in text
    assert _law("California", "pay_range_in_postings")["flag"] == "S"
    assert _law("New York State", "pay_range_in_postings")["flag"] == "S"
    assert "Rows flagged S were read in law-firm or union summaries" in text
    assert _law("United States (federal)", "right_to_discuss_pay")["flag"] == "P"
    assert _law("United States (federal)", "right_to_discuss_pay_exclusions")["flag"] == "S"
    assert "this row of the course data is flagged S" in text
    t = data.load("offer_rescission_evidence")
    hart = t[t["study"] == "hart_bear_ren_2024"]
    assert set(hart.loc[hart["claim"].str.startswith(("total", "candidates perceive")), "flag"]) \
        == {"P*"}
    assert set(hart.loc[hart["claim"].str.startswith(("job offers", "of those", "managers who",
                                                      "candidates' estimate")), "flag"]) == {"S"}
    assert "(P*: read in the journal's abstract" in text
    assert "as reported in summaries of it (S)" in text
    assert set(t.loc[t["study"] != "hart_bear_ren_2024", "flag"]) == {"S"}
    assert "(both S;" in text
    # the managers' ratio is computed, not published: the lesson does not state it
    assert "about 6%" not in text and "6.4%" not in text


def test_legal_context_is_dated_cited_and_not_advice(text):
    assert "Laws change, and this is not legal advice" in text
    assert "most private-sector employees have the right to discuss their wages" in text
    assert '(National Labor Relations Board, "Your right to discuss wages")' in text
    assert "(California Labor Commissioner, Equal Pay Act FAQ)" in text
    assert "Ohio, which the course data do not cover" in text
    t = data.load("pay_law_context")
    assert "Ohio" not in set(t["jurisdiction"])
    # Colorado is the earliest posting rule in the data, as the text says
    postings = t[t["law_type"] == "pay_range_in_postings"]
    assert postings.sort_values("effective_date").iloc[0]["jurisdiction"] == "Colorado"


# --- answer keys ----------------------------------------------------------------------------

def test_numeric_answer_keys_equal_the_data(keys):
    columbus = _oews("18140")
    expected = {
        "below_columbus_median": columbus["a_median"] - OFFER,
        "walk_away": max(FLOOR, CURRENT),
        "northfield_guaranteed": _guaranteed(NORTHFIELD),
        "five_more_days": 5 * OFFER / 260,
        "real_30": _today(DIFFERENCE, RAISE, 30, INFLATION),
    }
    for answer_id, value in expected.items():
        key = keys[answer_id]
        assert key.kind == "number"
        assert abs(key.expected - value) <= min(key.tol, 0.01), (answer_id, key.expected, value)


def test_the_calculator_agrees_with_the_hand_computation(keys):
    table = calculators.compare_offers({"Northfield": NORTHFIELD, "Brightline": BRIGHTLINE})
    assert table.index[0] == "Northfield"
    assert table.loc["Northfield", "guaranteed_yearly"] == pytest.approx(_guaranteed(NORTHFIELD))
    assert table.loc["Brightline", "guaranteed_yearly"] == pytest.approx(_guaranteed(BRIGHTLINE))
    assert keys["first_offer"].expected == (table.index[0],)
    # Brightline's base is higher, and so is its first-year cash: the lesson's point
    assert BRIGHTLINE["base_salary"] > NORTHFIELD["base_salary"]


def test_text_and_choice_keys_follow_from_the_data(keys):
    columbus = _oews("18140")
    assert columbus["a_pct25"] < OFFER < columbus["a_median"]
    assert keys["columbus_band"].expected == (calculators.place_in_range(OFFER, columbus),)
    added = {
        "base": _guaranteed(dict(NORTHFIELD, base_salary=OFFER + 4000)) - _guaranteed(NORTHFIELD),
        "match": 0.02 * OFFER,
        "pto": _guaranteed(dict(NORTHFIELD, pto_days=25)) - _guaranteed(NORTHFIELD),
    }
    assert keys["biggest_ask"].expected == (max(added, key=added.get),)
    assert [round(added[k], 2) for k in ("base", "match", "pto")] == [4467.69, 2240.0, 2153.85]
    assert keys["percentile_statements"].expected == ("a", "c", "d")
    assert keys["salary_history_reply"].expected == ("b",)
    assert keys["not_covered"].expected == ("c",)  # government employees are excluded
    assert "government" in _law("United States (federal)",
                                "right_to_discuss_pay_exclusions")["provision"]
    assert keys["fear_answer"].expected == ("b",)


def test_every_key_gives_a_why_with_the_right_figures(raw_keys):
    assert set(raw_keys) == {"below_columbus_median", "columbus_band", "percentile_statements",
                             "walk_away", "northfield_guaranteed", "first_offer",
                             "five_more_days", "biggest_ask", "real_30", "salary_history_reply",
                             "not_covered", "fear_answer"}
    for spec in raw_keys.values():
        assert isinstance(spec.get("why"), str) and len(spec["why"].split()) >= 8, spec["id"]
    columbus = _oews("18140")
    why = {k: v["why"] for k, v in raw_keys.items()}
    assert _money(columbus["a_median"]) in why["below_columbus_median"]
    assert _money(columbus["a_pct25"]) in why["columbus_band"]
    assert _money(_guaranteed(NORTHFIELD), True) in why["northfield_guaranteed"]
    assert _money(_guaranteed(BRIGHTLINE), True) in why["first_offer"]
    assert _money(OFFER / 260, True) in why["five_more_days"]
    assert _money(5 * OFFER / 260, True) in why["five_more_days"]
    assert _money(5 * OFFER / 260, True) in why["biggest_ask"]
    assert _money(_today(DIFFERENCE, RAISE, 30, INFLATION), True) in why["real_30"]
    assert _money(_today(DIFFERENCE, RAISE, 30), True) in why["real_30"]


ALTERNATIVE_RIGHT = [
    ("below_columbus_median", 10340.0),
    ("walk_away", 104000),
    ("northfield_guaranteed", 132295),                      # rounded to the dollar
    ("northfield_guaranteed", 112000 * 1.04 + 7200 + 20 * 112000 / 260),
    ("five_more_days", 2153.8),
    ("five_more_days", 112000 / 52),                         # a week of pay = 5 days
    ("real_30", 208093),                                     # rounded to the dollar
    ("real_30", 6000 * sum((1.03 / 1.02) ** t for t in range(30))),
    ("columbus_band", " Between the 25th percentile and the median "),
    ("first_offer", "northfield"),
    ("biggest_ask", "BASE"),
    ("percentile_statements", ["d", "C", "a"]),
]
COMMON_WRONG = [
    ("below_columbus_median", 135980 - 112000),             # the national median
    ("below_columbus_median", 112000 - 122340),             # the wrong sign
    ("walk_away", 95000),                                   # the floor only
    ("walk_away", 112000),                                  # the offer
    ("northfield_guaranteed", 132295.38 + 5600),            # the bonus target counted
    ("northfield_guaranteed", 112000 + 4480 + 7200),        # days off left out
    ("northfield_guaranteed", 112000 * 1.04 + 7200 + 20 * 112000 / 365),  # calendar days
    ("five_more_days", 5 * 112000 / 365),                   # calendar days
    ("five_more_days", 112000 / 260),                       # one day
    ("real_30", 285452.49),                                 # nominal
    ("real_30", 62717.46),                                  # 10 years
    ("real_30", 292135.54),                                 # 40 years
    ("real_30", 6000 * sum(1.01 ** t for t in range(30))),  # raise minus inflation: close, not it
    ("columbus_band", "between the median and the 75th percentile"),
    ("first_offer", "Brightline"),
    ("biggest_ask", "match"),
    ("biggest_ask", "pto"),
    ("percentile_statements", ["a", "c"]),
    ("percentile_statements", ["a", "b", "c", "d"]),
]


@pytest.mark.parametrize(("answer", "value"), ALTERNATIVE_RIGHT)
def test_keys_accept_alternative_correct_answers(keys, answer, value):
    assert keys[answer].matches(float(value) if isinstance(value, int) else value)


@pytest.mark.parametrize(("answer", "value"), COMMON_WRONG)
def test_keys_reject_common_wrong_answers(keys, answer, value):
    assert not keys[answer].matches(value)


#: answer id -> plausible slips the visible check must reject
SLIPS = {
    "below_columbus_median": [135980 - 112000, -10340, 122340, 0],
    "walk_away": [95000, 112000, 0],
    "northfield_guaranteed": [112000, 132295.38 + 5600, 112000 + 4480 + 7200],
    "five_more_days": [5 * 112000 / 365, 112000 / 260, 0],
    "real_30": [285452.49, 62717.46, 292135.54, 6000 * 30],
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


# --- structure and conventions ----------------------------------------------------------------

def test_title_and_objectives_in_the_course_models_words(nb):
    first = _plain(nb.cells[0].source)
    assert first.startswith("# Lesson 3: Negotiating the offer")
    for k in LESSON_OBJECTIVES:
        assert OBJECTIVES[k][0] == NAME
        assert f"{OBJECTIVES[k][1]} ({k})" in first
    assert "hidden tests check the exact answers" in first.lower()


def test_course_model_has_the_shared_objective_texts():
    """Another helper adds the identical block: the texts must match byte for byte."""
    model = tomllib.loads((COURSE_ROOT / "course.toml").read_text(encoding="utf-8"))
    assert model["objectives"]["O8"]["text"] == (
        "Research a market pay range for a client's occupation and location, and state a target, "
        "a reasonable figure and a walk-away point with the evidence behind each.")
    assert model["objectives"]["O9"]["text"] == (
        "Compare real offers over the whole package and rank what to ask for.")
    assert model["objectives"]["O10"]["text"] == (
        "Plan and practise the negotiation conversation: the ask, the counter-offer, standard "
        "objections, deadlines and competing offers, and the written counter.")
    names = [a["name"] for a in model["assignments"]]
    assert names.index(NAME) == names.index("lesson-02-strategic-career") + 1
    entry = next(a for a in model["assignments"] if a["name"] == NAME)
    assert entry == {"name": NAME, "title": "Lesson 3: Negotiating the offer", "role": "lesson"}


def test_headings_never_skip_a_level(nb):
    levels = [len(m.group(1)) for c in nb.cells if c.cell_type == "markdown"
              for m in re.finditer(r"^(#+) ", c.source, re.M)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_every_graded_cell_names_its_objective_under_a_red_activity(nb):
    graded, seen = 0, set()
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
        seen.add(obj)
    assert seen == set(LESSON_OBJECTIVES)
    assert graded >= 2 * 12 + 2


def test_worksheet_parts(nb):
    auto = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            and c.cell_type == "code"]
    manual = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
              and c.cell_type == "markdown"]
    assert len(auto) == 12 and len(manual) == 2
    assert all(keys_in(c.source) for c in auto)
    assert len([c for c in auto if "checks.number" in c.source]) == 5
    ids = [c.metadata["nbgrader"]["grade_id"] for c in manual]
    assert ids == ["item3m-email", "item3n-reflection"]
    assert [c.metadata["nbgrader"]["points"] for c in manual] == [4, 3]
    for cell in manual:  # the read-only rubric sits directly above
        above = nb.cells[nb.cells.index(cell) - 1]
        assert above.metadata.get("rubric_for") == cell.metadata["nbgrader"]["grade_id"]
        assert above.metadata["nbgrader"]["locked"] and not above.metadata["nbgrader"]["grade"]


def test_the_email_prompt_and_the_reflection_prompt(nb):
    prompts = {}
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "markdown":
            prompts[meta["grade_id"]] = _plain(nb.cells[i - 2].source)
    email = prompts["item3m-email"]
    assert "Do not mention her current salary or her walk-away point" in email
    assert "Activity (20 minutes): Write." in email
    reflection = prompts["item3n-reflection"]
    assert "commitment to change" in reflection and '"I will ..."' in reflection
    assert "could identify a client" in reflection


def test_the_model_email_follows_its_own_rubric(nb):
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "item3m-email")
    body = _plain(cell.source)
    assert "$128,000" in body and "Bureau of Labor Statistics" in body and "Monday" in body
    assert "$104,000" not in body and "104" not in body  # no salary history, no walk-away
    words = len(body.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "").split())
    assert 120 <= words <= 200, words


def test_one_figure_with_caption_and_cited_source(nb):
    assert_figures_captioned_and_cited(nb, expected=1)


def test_setup_imports_only_what_the_notebook_uses(nb):
    assert_setup_imports_only_what_is_used(nb, ('calculators', 'checks', 'data', 'plots'))


def test_the_lesson_does_not_rely_on_a_packaged_lifetime_value(nb):
    """Real vs nominal is computed inline, so the lesson works before or after that calculator."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "lifetime_value" not in code
    assert "(1 + inflation) ** t" in code


def test_references_cite_every_table_the_lesson_loads(nb):
    refs = nb.cells[-2].source + nb.cells[-1].source
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "oews_range(" in code
    for pid in ("bls-oews-2025", "bls-oews-2025-msa", "nlrb-right-to-discuss-wages",
                "nlra-29-cfr-471-4",
                "ca-dlse-equal-pay-faq", "hart-bear-ren-2024", "hrdive-salary-history-tracker",
                "fastcompany-job-offer-negotiations", "ceb-careerbuilder-negotiate",
                "fomc-longer-run-goals"):
        assert pid in refs, pid
    for publisher in ("U.S. Bureau of Labor Statistics", "National Labor Relations Board",
                      "Hart, E., Bear, J. B., & Ren, Z.", "Board of Governors of the Federal"):
        assert publisher in refs, publisher


def test_the_welcome_lists_the_lesson():
    welcome = (COURSE_ROOT / "lessons" / "lesson-00-welcome.md").read_text(encoding="utf-8")
    assert "- **Lesson 3: Negotiating the offer**: about" in welcome
    assert "three lessons" in welcome and "item 3 in\nLesson 3" in welcome


def test_the_lesson_points_to_the_mock_negotiation_and_its_briefs():
    """Lesson 3's case is the one the instructor conversation plays out (issue 15 item 8)."""
    prose = "\n".join(c.source for c in read_nb(source_path(NAME)).cells
                      if c.cell_type == "markdown")
    assert "mock negotiation" in prose and "`mock-negotiation`" in prose
    assert (COURSE_ROOT / "student" / "mock-negotiation" / "learner-brief.md").is_file()
