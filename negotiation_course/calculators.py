"""Two calculators a coach can use with a client, in the course notebooks or anywhere else.

* :func:`compare_offers` puts job offers side by side over the whole package (base pay,
  employer retirement match, the employer's share of the health premium, paid time off
  valued in days of pay, bonus target, sign-on bonus), because offers that differ in base
  pay alone are rare and the highest base is not always the best offer.
* :func:`lifetime_value` adds up a salary over the years with a yearly raise, in today's
  dollars when an inflation rate is given, because a 40-year total quoted without its
  assumptions (and in dollars of 40 different years) misleads clients.
* :func:`place_in_range` says where a salary falls among an occupation's published OEWS
  wage percentiles.

Rates are fractions (4% is ``0.04``) and amounts are dollars per year unless a name says
otherwise. Bad input raises ``ValueError`` or ``TypeError`` with a message that says what
to write instead; the calculators never guess.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import pandas as pd

WORK_DAYS_PER_YEAR = 260  # 52 weeks x 5 days: the usual basis for a day of pay

# The fields an offer may have, in the order the comparison shows them.
OFFER_FIELDS = (
    "base_salary",        # dollars per year
    "retirement_match",   # employer match as a fraction of base pay (0.04 = 4%)
    "health_premium",     # employer's share of the health premium, dollars per year
    "pto_days",           # paid days off per year (vacation, holidays, sick days)
    "bonus_target",       # target bonus as a fraction of base pay (not guaranteed)
    "sign_on",            # one-time sign-on bonus, dollars
)

COLUMNS = (
    "base_salary", "retirement_match", "health_premium", "paid_time_off",
    "guaranteed_yearly", "bonus_target", "yearly_with_bonus", "sign_on", "first_year",
)


def _number(value: Any, what: str) -> float:
    """A finite real number, or a clear error (a bool or a text is not an amount)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return float(value)


def _amount(value: Any, what: str) -> float:
    """A dollar amount or a count: zero or more."""
    number = _number(value, what)
    if number < 0:
        raise ValueError(f"{what} cannot be negative (got {value!r})")
    return number


def _fraction(value: Any, what: str, *, low: float = 0.0,
              example: str = "4% as 0.04") -> float:
    """A rate written as a fraction; 4 instead of 0.04 is the common slip, so say so."""
    number = _number(value, what)
    if number > 1:
        raise ValueError(f"{what} is a fraction: write {example}, not {value!r}")
    if number < low:
        raise ValueError(f"{what} must be at least {low} (got {value!r})")
    return number


def offer_value(offer: Mapping[str, Any], *,
                work_days_per_year: int = WORK_DAYS_PER_YEAR) -> dict[str, float]:
    """The dollar value of each part of one offer, and the totals (see :data:`COLUMNS`).

    Paid time off is valued at a day of pay (base salary / work days per year) per day:
    a figure for comparing offers, not the employer's cost. The bonus is counted at its
    target, which is not a promise, so the guaranteed total leaves it out; the sign-on
    bonus is paid once, so only the first-year total includes it.
    """
    if not isinstance(offer, Mapping):
        raise TypeError(f"an offer is a dict of its parts, such as "
                        f"{{'base_salary': 60000}}, not {offer!r}")
    unknown = sorted(set(offer) - set(OFFER_FIELDS))
    if unknown:
        raise ValueError(f"unknown offer part(s) {', '.join(map(str, unknown))}; "
                         f"the parts are {', '.join(OFFER_FIELDS)}")
    if "base_salary" not in offer:
        raise ValueError("an offer needs a base_salary (dollars per year)")
    days = _amount(work_days_per_year, "work_days_per_year")
    if days == 0:
        raise ValueError("work_days_per_year must be more than zero")
    base = _amount(offer["base_salary"], "base_salary")
    match = _fraction(offer.get("retirement_match", 0), "retirement_match")
    health = _amount(offer.get("health_premium", 0), "health_premium")
    pto_days = _amount(offer.get("pto_days", 0), "pto_days")
    if pto_days > days:
        raise ValueError(f"pto_days ({pto_days:g}) cannot exceed the {days:g} work days "
                         "in a year")
    bonus = _fraction(offer.get("bonus_target", 0), "bonus_target")
    sign_on = _amount(offer.get("sign_on", 0), "sign_on")

    paid_time_off = pto_days * base / days
    guaranteed = base + base * match + health + paid_time_off
    with_bonus = guaranteed + base * bonus
    return {
        "base_salary": base,
        "retirement_match": base * match,
        "health_premium": health,
        "paid_time_off": paid_time_off,
        "guaranteed_yearly": guaranteed,
        "bonus_target": base * bonus,
        "yearly_with_bonus": with_bonus,
        "sign_on": sign_on,
        "first_year": with_bonus + sign_on,
    }


def compare_offers(offers: Mapping[str, Mapping[str, Any]], *,
                   work_days_per_year: int = WORK_DAYS_PER_YEAR) -> pd.DataFrame:
    """Offers side by side, one row each, best guaranteed yearly value first.

    ``offers`` maps a name to the offer's parts, for example::

        compare_offers({
            "Clinic": {"base_salary": 58000, "retirement_match": 0.04,
                       "health_premium": 6500, "pto_days": 20},
            "Hospital": {"base_salary": 61000, "health_premium": 4000,
                         "pto_days": 15, "sign_on": 3000},
        })

    Missing parts count as zero. Ranking by the guaranteed value (base, match, health
    premium, paid time off) keeps an uncertain bonus target and a one-time sign-on bonus
    from deciding the order; both are shown in their own columns.
    """
    if not isinstance(offers, Mapping):
        raise TypeError("give the offers as a dict of name -> offer parts, "
                        f"not {type(offers).__name__}")
    if not offers:
        raise ValueError("there are no offers to compare")
    rows = {}
    for name, offer in offers.items():
        try:
            rows[name] = offer_value(offer, work_days_per_year=work_days_per_year)
        except (TypeError, ValueError) as error:
            raise type(error)(f"offer {name!r}: {error}") from None
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(COLUMNS))
    table.index.name = "offer"
    return table.sort_values("guaranteed_yearly", ascending=False, kind="stable")


def lifetime_value(start_salary: float, annual_raise: float, years: int, *,
                   inflation: float = 0.0) -> float:
    """Total pay over ``years`` years with a yearly raise; in today's dollars with ``inflation``.

    Year 1 pays ``start_salary``; each later year pays ``annual_raise`` more than the one
    before (no raise before the first year, no interest or tax). Year *t* (counting from
    0) is divided by ``(1 + inflation) ** t`` so every year is in year-1 dollars; with
    ``inflation=0`` (the default) the total is nominal, the sum of the paychecks as
    written. A raise equal to inflation gives ``start_salary * years`` in today's dollars.
    Because the sum is proportional to ``start_salary``, the value of a higher start is
    this function applied to the difference between the two starts.
    """
    salary = _amount(start_salary, "start_salary")
    growth = _fraction(annual_raise, "annual_raise", low=-0.99, example="3% as 0.03")
    prices = _fraction(inflation, "inflation", low=-0.99, example="3% as 0.03")
    if isinstance(years, bool) or not isinstance(years, numbers.Integral):
        raise TypeError(f"years must be a whole number of years, such as 40, not {years!r}")
    if years < 0:
        raise ValueError(f"years cannot be negative (got {years!r})")
    return float(sum(salary * ((1 + growth) / (1 + prices)) ** t for t in range(int(years))))


PERCENTILE_LABELS = (
    ("a_pct10", "10th percentile"), ("a_pct25", "25th percentile"), ("a_median", "median"),
    ("a_pct75", "75th percentile"), ("a_pct90", "90th percentile"),
)


def place_in_range(salary: float, wages: Mapping[str, Any]) -> str:
    """Where a salary falls among an occupation's published wage percentiles, in words.

    ``wages`` is an OEWS row (``negotiation_course.data.oews_range``) or any mapping with
    ``a_pct10``, ``a_pct25``, ``a_median``, ``a_pct75`` and ``a_pct90``. The answer is a
    band ("between the 25th percentile and the median"), never an exact percentile: OEWS
    publishes five points, and anything between them would be an interpolation.
    """
    pay = _amount(salary, "salary")
    points = []
    for key, label in PERCENTILE_LABELS:
        if key not in wages:
            raise ValueError(f"the wage row has no {key}; pass an OEWS row")
        points.append((_amount(wages[key], key), label))
    if any(low > high for (low, _), (high, _) in zip(points, points[1:], strict=False)):
        raise ValueError("the wage percentiles are not in increasing order")
    if pay < points[0][0]:
        return "below the 10th percentile"
    if pay > points[-1][0]:
        return "above the 90th percentile"
    for value, label in points:
        if pay == value:
            return f"at the {label}"
    for (low, low_label), (high, high_label) in zip(points, points[1:], strict=False):
        if low < pay < high:
            return f"between the {low_label} and the {high_label}"
    raise AssertionError("unreachable: the bands cover every salary")
