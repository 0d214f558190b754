"""The coach's calculators: known values worked by hand, edge cases, and clear errors."""

from __future__ import annotations

import math

import pytest

from negotiation_course import data
from negotiation_course.calculators import (
    COLUMNS,
    compare_offers,
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
