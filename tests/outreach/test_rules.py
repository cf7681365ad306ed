"""The working days a need gives its owner, and deadlines counted across holidays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huimin.core.selectors import WorkdayCalendar
from huimin.outreach import rules


@pytest.mark.parametrize(
    ("kind", "found_on", "days"),
    [
        ("heating", dt.date(2026, 11, 15), 5),  # first day of the heating season
        ("heating", dt.date(2026, 12, 30), 5),
        ("heating", dt.date(2027, 3, 15), 5),  # last day
        ("heating", dt.date(2027, 3, 16), 10),
        ("heating", dt.date(2026, 11, 14), 10),
        ("heating", dt.date(2026, 9, 30), 10),
        ("medical", dt.date(2026, 12, 30), 10),
        ("benefit", dt.date(2026, 12, 30), 10),
        ("repair", dt.date(2026, 6, 1), 10),
        ("other", dt.date(2026, 1, 10), 10),
    ],
)
def test_need_working_days(kind: str, found_on: dt.date, days: int) -> None:
    assert rules.need_working_days(kind, found_on) == days


@pytest.mark.django_db
def test_need_found_before_national_day_is_due_after_the_holiday() -> None:
    """Found on Wednesday 2026-09-30: 1–7 October are off, Saturday 10 October is a make-up
    workday; the 10 working days are 8, 9, 10, 12–16, 19, 20 October."""
    found = dt.date(2026, 9, 30)
    days = rules.need_working_days("medical", found)
    assert WorkdayCalendar().deadline(found, days) == dt.date(2026, 10, 20)


@pytest.mark.django_db
def test_heating_need_on_new_years_eve_is_due_in_five_working_days() -> None:
    """Found on 2025-12-31: 1–3 January 2026 are off, Sunday 4 January is a workday."""
    found = dt.date(2025, 12, 31)
    days = rules.need_working_days("heating", found)
    assert days == 5
    assert WorkdayCalendar().deadline(found, days) == dt.date(2026, 1, 8)


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (dt.date(2026, 11, 29), dt.date(2023, 11, 29)),
        (dt.date(2028, 2, 29), dt.date(2025, 2, 28)),
        (dt.date(2027, 3, 1), dt.date(2024, 3, 1)),
    ],
)
def test_under_three_cutoff(today: dt.date, cutoff: dt.date) -> None:
    assert rules.under_three_cutoff(today) == cutoff


def test_childcare_subsidy_only_for_a_child_under_three() -> None:
    today = dt.date(2026, 11, 29)
    assert (
        rules.benefit_problem("childcare_subsidy", birth_date=dt.date(2023, 11, 30), today=today)
        == ""
    )
    assert "已满3周岁" in rules.benefit_problem(
        "childcare_subsidy", birth_date=dt.date(2023, 11, 29), today=today
    )
    assert (
        rules.benefit_problem("disability_certificate", birth_date=dt.date(1950, 1, 1), today=today)
        == ""
    )


@pytest.mark.parametrize(
    ("hours", "days", "ok"),
    [
        (Decimal("1.5"), 1, True),
        (Decimal("24"), 1, True),
        (Decimal("24.5"), 1, False),
        (Decimal("48"), 2, True),
        (Decimal("0"), 1, False),
        (Decimal("1.2"), 1, False),
    ],
)
def test_volunteer_hours(hours: Decimal, days: int, ok: bool) -> None:
    assert (rules.volunteer_hours_problem(hours, days) == "") is ok


def test_transitions_open_only() -> None:
    assert rules.TRANSITIONS["open"] == {"done", "cancelled"}
    assert rules.TRANSITIONS["done"] == set()
    assert rules.TRANSITIONS["cancelled"] == set()
