"""The coach's calculators: known values worked by hand, edge cases, and clear errors."""

from __future__ import annotations

import math
import re

import pytest

from negotiation_course import data
from negotiation_course.calculators import (
    COLUMNS,
    compare_offers,
    lifetime_value,
    offer_value,
    place_in_range,
)

CLINIC = {"base_salary": 52000, "retirement_match": 0.04, "health_premium": 6500,
          "pto_days": 20, "bonus_target": 0.05, "sign_on": 0}
HOSPITAL = {"base_salary": 54600, "health_premium": 4000, "pto_days": 10, "sign_on": 3000}


def test_offer_value_by_hand() -> None:
    value = offer_value(CLINIC)
    # 52,000 / 260 = 200 a day; 20 days = 4,000; match 4% = 2,080; bonus 5% = 2,600
    assert value["retirement_match"] == pytest.approx(2080)
    assert value["paid_time_off"] == pytest.approx(4000)
    assert value["guaranteed_yearly"] == pytest.approx(52000 + 2080 + 6500 + 4000)
    assert value["yearly_with_bonus"] == pytest.approx(64580 + 2600)
    assert value["first_year"] == pytest.approx(67180)
    assert list(value) == list(COLUMNS)


def test_compare_ranks_by_guaranteed_value_not_base() -> None:
    table = compare_offers({"Hospital": HOSPITAL, "Clinic": CLINIC})
    # Hospital: 54,600 + 4,000 + 10 x 210 = 60,700; the Clinic's 64,580 ranks first
    assert list(table.index) == ["Clinic", "Hospital"]
    assert table.loc["Hospital", "guaranteed_yearly"] == pytest.approx(60700)
    assert table.loc["Hospital", "first_year"] == pytest.approx(63700)
    assert list(table.columns) == list(COLUMNS)


def test_missing_parts_count_as_zero_and_ties_keep_order() -> None:
    table = compare_offers({"A": {"base_salary": 50000}, "B": {"base_salary": 50000}})
    assert list(table.index) == ["A", "B"]
    assert table.loc["A", "guaranteed_yearly"] == 50000
    assert table.loc["A", "first_year"] == 50000


def test_work_days_basis_can_change() -> None:
    value = offer_value({"base_salary": 50000, "pto_days": 10}, work_days_per_year=250)
    assert value["paid_time_off"] == pytest.approx(2000)


def test_zero_salary_is_allowed() -> None:
    assert offer_value({"base_salary": 0, "sign_on": 500})["first_year"] == 500


@pytest.mark.parametrize(("offer", "error", "words"), [
    ({"base_salary": 50000, "retirement_match": 4}, ValueError, "write 4% as 0.04"),
    ({"base_salary": 50000, "bonus_target": 10}, ValueError, "write 4% as 0.04"),
    ({"base_salary": -1}, ValueError, "cannot be negative"),
    ({"base_salary": "50,000"}, TypeError, "must be a number"),
    ({"base_salary": True}, TypeError, "must be a number"),
    ({"base_salary": math.nan}, ValueError, "finite"),
    ({"health_premium": 5000}, ValueError, "needs a base_salary"),
    ({"base_salary": 50000, "salary": 1}, ValueError, "unknown offer part(s) salary"),
    ({"base_salary": 50000, "pto_days": 300}, ValueError, "cannot exceed"),
    ({"base_salary": 50000, "retirement_match": -0.01}, ValueError, "at least 0"),
])
def test_bad_offer_says_what_is_wrong(offer: dict, error: type, words: str) -> None:
    with pytest.raises(error, match="offer 'X'") as raised:
        compare_offers({"X": offer})
    assert words in str(raised.value)


def test_bad_offers_container() -> None:
    with pytest.raises(ValueError, match="no offers"):
        compare_offers({})
    with pytest.raises(TypeError, match="dict of name"):
        compare_offers([CLINIC])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dict of its parts"):
        compare_offers({"X": 50000})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="more than zero"):
        compare_offers({"X": CLINIC}, work_days_per_year=0)


COUNSELORS_2025 = {"a_pct10": 45020.0, "a_pct25": 51270.0, "a_median": 64330.0,
                   "a_pct75": 82870.0, "a_pct90": 104770.0}


@pytest.mark.parametrize(("salary", "band"), [
    (40000, "below the 10th percentile"),
    (45020, "at the 10th percentile"),
    (58000, "between the 25th percentile and the median"),
    (64330, "at the median"),
    (90000, "between the 75th percentile and the 90th percentile"),
    (120000, "above the 90th percentile"),
])
def test_place_in_range_bands(salary: float, band: str) -> None:
    assert place_in_range(salary, COUNSELORS_2025) == band


def test_place_in_range_reads_the_data_row() -> None:
    row = data.oews_range("21-1012", release="May 2025")
    assert row["flag"] == "P*"
    assert {k: row[k] for k in COUNSELORS_2025} == COUNSELORS_2025
    assert place_in_range(58000, row) == "between the 25th percentile and the median"


def test_place_in_range_bad_input() -> None:
    with pytest.raises(ValueError, match="no a_pct90"):
        place_in_range(50000, {k: v for k, v in COUNSELORS_2025.items() if k != "a_pct90"})
    with pytest.raises(ValueError, match="increasing"):
        place_in_range(50000, {**COUNSELORS_2025, "a_pct25": 99999.0})
    with pytest.raises(KeyError, match="no OEWS row"):
        data.oews_range("99-9999")


# --- lifetime_value: every known value below is worked by hand in its comment -----------

@pytest.mark.parametrize("args, kwargs, expected", [
    ((50000, 0, 3), {}, 150000),                       # 3 x 50,000, no raise
    ((50000, 0.10, 2), {}, 105000),                    # 50,000 + 55,000
    ((50000, 0.10, 3), {}, 165500),                    # 50,000 + 55,000 + 60,500
    ((50000, 0.10, 2), {"inflation": 0.10}, 100000),   # the raise only keeps up with prices
    ((50000, 0.02, 2), {"inflation": 0.04}, 50000 + 51000 / 1.04),  # 99,038.46
    ((60000, 0.03, 40), {"inflation": 0.03}, 60000 * 40),
    ((50000, -0.05, 2), {}, 97500),                    # a pay cut: 50,000 + 47,500
    ((5000, 0.05, 40), {}, 5000 * (1.05 ** 40 - 1) / 0.05),  # geometric series: 603,998.87
])
def test_lifetime_value_known_values(args: tuple, kwargs: dict, expected: float) -> None:
    assert lifetime_value(*args, **kwargs) == pytest.approx(expected, abs=0.005)


def test_lifetime_value_is_nominal_by_default_and_real_is_lower_with_inflation() -> None:
    nominal = lifetime_value(58000, 0.03, 30)
    assert nominal == lifetime_value(58000, 0.03, 30, inflation=0.0)
    real = lifetime_value(58000, 0.03, 30, inflation=0.025)
    assert real < nominal
    assert lifetime_value(58000, 0.03, 30, inflation=-0.01) > nominal  # falling prices
    assert isinstance(nominal, float)


def test_lifetime_value_of_a_higher_start_is_the_value_of_the_difference() -> None:
    """Why Lesson 2 item 2g can call it with the $5,000 difference as the start."""
    gap = lifetime_value(55000, 0.05, 40) - lifetime_value(50000, 0.05, 40)
    assert gap == pytest.approx(lifetime_value(5000, 0.05, 40))
    assert round(lifetime_value(5000, 0.05, 40), 2) == 603998.87


def test_lifetime_value_edges() -> None:
    assert lifetime_value(50000, 0.03, 0) == 0
    assert lifetime_value(50000, 0.03, 1, inflation=0.5) == 50000  # year 1 is today
    assert lifetime_value(0, 0.03, 10) == 0
    assert lifetime_value(50000.0, 0.0, 2) == 100000  # floats and ints alike
    import numpy as np

    assert lifetime_value(np.float64(50000), np.float64(0.1), np.int64(2)) == pytest.approx(105000)


@pytest.mark.parametrize("args, kwargs, error, words", [
    ((50000, 3, 10), {}, ValueError, "write 3% as 0.03"),
    ((50000, 0.03, 10), {"inflation": 2.5}, ValueError, "write 3% as 0.03"),
    ((50000, -1, 10), {}, ValueError, "annual_raise must be at least -0.99"),
    ((50000, 0.03, 10), {"inflation": -1}, ValueError, "inflation must be at least -0.99"),
    ((-50000, 0.03, 10), {}, ValueError, "start_salary cannot be negative"),
    (("50000", 0.03, 10), {}, TypeError, "start_salary must be a number"),
    ((50000, "3%", 10), {}, TypeError, "annual_raise must be a number"),
    ((50000, 0.03, 10), {"inflation": None}, TypeError, "inflation must be a number"),
    ((math.nan, 0.03, 10), {}, ValueError, "finite"),
    ((50000, 0.03, 10.0), {}, TypeError, "whole number of years"),
    ((50000, 0.03, "40"), {}, TypeError, "whole number of years"),
    ((50000, 0.03, True), {}, TypeError, "whole number of years"),
    ((50000, 0.03, -1), {}, ValueError, "years cannot be negative"),
])
def test_lifetime_value_bad_input(args: tuple, kwargs: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=re.escape(words)):
        lifetime_value(*args, **kwargs)


def test_lifetime_value_inflation_is_named_never_positional() -> None:
    """A fourth positional number is refused: 0.03 could be read as a raise or as inflation."""
    with pytest.raises(TypeError):
        lifetime_value(50000, 0.03, 10, 0.02)  # type: ignore[misc]


def test_the_offer_fractions_still_say_four_percent() -> None:
    with pytest.raises(ValueError, match=re.escape("write 4% as 0.04")):
        offer_value({"base_salary": 50000, "retirement_match": 4})
