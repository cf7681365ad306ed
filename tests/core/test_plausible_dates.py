"""Core's rules for dates that cannot be, shared by the subsidy and childcare (issue 11 item
13)."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.core import rules
from huimin.subsidy import rules as subsidy_rules

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("day", "born", "message"),
    [
        (dt.date(2026, 12, 7), None, ""),
        (dt.date(2026, 12, 8), None, "入托日期2026-12-08晚于今天，请核对。"),
        (dt.date(1949, 12, 31), None, "入托日期1949-12-31早于1950年，请核对年份。"),
        (
            dt.date(2024, 1, 1),
            dt.date(2024, 1, 2),
            "入托日期2024-01-01早于幼儿的出生日期2024-01-02，请核对。",
        ),
        (dt.date(2024, 1, 2), dt.date(2024, 1, 2), ""),
    ],
)
def test_event_dates_that_cannot_be(day, born, message):
    assert (
        rules.event_date_problem("入托日期", day, today=TODAY, born=born, whose="幼儿") == message
    )


@pytest.mark.parametrize(
    ("birth", "adult"),
    [(dt.date(2008, 12, 7), True), (dt.date(2008, 12, 8), False), (dt.date(2025, 1, 1), False)],
)
def test_an_adult_is_18_on_the_day(birth, adult):
    assert (rules.adult_problem("监护人", birth, TODAY) == "") is adult


def test_the_subsidy_uses_cores_age_rule():
    assert subsidy_rules.age_years is rules.age_years
    assert subsidy_rules.APPLICANT_MIN_AGE_YEARS == rules.ADULT_AGE_YEARS == 18
    assert rules.age_years(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert rules.age_years(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18
