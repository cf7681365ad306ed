"""Pure policy of community outreach (RULES.md §7, issue 16): what kinds of activity and of
need there are, how many working days each need gives its owner, how a follow-up moves, and
which benefit a "not yet claimed" need points to. No database here.

Source of the working days: no national rule fixes how fast a need found on a visit must be
answered. These are the platform's service commitment, chosen for issue 16 and stated here so
that a county can question them in one place:

- heating (取暖) in the heating season: **5 working days** — a cold home in winter cannot wait
  the usual fortnight (运城's heating season, 11月15日 to 3月15日, as the city's heating
  companies run it; the 万荣县 winter-warmth visits of the newspaper fall in it);
- every other need, and heating outside the season: **10 working days** (two working weeks,
  the rhythm of a township's fortnightly visit round).

Counted on the Chinese holiday calendar (core ``WorkdayCalendar``): the day the need is found
does not count, and a deadline never falls on a day off (RULES.md §1).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum


class ActivityKind(StrEnum):
    HOME_VISIT = "home_visit"  # 入户走访
    VOLUNTEER = "volunteer"  # 志愿服务
    CULTURAL = "cultural"  # 文化活动
    CLASS = "class"  # 课堂/讲座
    ON_SITE = "on_site"  # 现场服务


class NeedKind(StrEnum):
    HEATING = "heating"  # 取暖
    MEDICAL = "medical"  # 医疗
    BENEFIT = "benefit"  # 待遇未申领
    REPAIR = "repair"  # 房屋修缮
    OTHER = "other"  # 其他


class BenefitKind(StrEnum):
    CHILDCARE_SUBSIDY = "childcare_subsidy"  # 育儿补贴: a child under 3
    DISABILITY_CERTIFICATE = "disability_certificate"  # 残疾人证: a disabled person


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


#: The whole life of a follow-up: open until done or cancelled; both are final.
TRANSITIONS: dict[str, set[str]] = {
    FollowUpStatus.OPEN: {FollowUpStatus.DONE, FollowUpStatus.CANCELLED},
    FollowUpStatus.DONE: set(),
    FollowUpStatus.CANCELLED: set(),
}

HEATING_SEASON_WORKING_DAYS = 5
DEFAULT_WORKING_DAYS = 10
#: 运城's heating season: from 15 November to 15 March (both days in it).
HEATING_SEASON_START = (11, 15)
HEATING_SEASON_END = (3, 15)


def in_heating_season(day: dt.date) -> bool:
    """Is ``day`` within the heating season (15 November – 15 March)?"""
    md = (day.month, day.day)
    return md >= HEATING_SEASON_START or md <= HEATING_SEASON_END


def need_working_days(kind: str, found_on: dt.date) -> int:
    """Working days a need found on ``found_on`` gives its owner (see the module docstring)."""
    if kind == NeedKind.HEATING and in_heating_season(found_on):
        return HEATING_SEASON_WORKING_DAYS
    return DEFAULT_WORKING_DAYS


#: Under this age (whole years) a child may get the childcare subsidy (育儿补贴, RULES.md §3).
SUBSIDY_AGE_LIMIT_YEARS = 3


def under_three_cutoff(today: dt.date) -> dt.date:
    """Children born *after* this day are under 3 on ``today`` (a 29 February birthday counts
    on 28 February, as core's age does)."""
    try:
        return today.replace(year=today.year - SUBSIDY_AGE_LIMIT_YEARS)
    except ValueError:  # today is 29 February
        return dt.date(today.year - SUBSIDY_AGE_LIMIT_YEARS, 2, 28)


def benefit_problem(benefit: str, *, birth_date: dt.date, today: dt.date) -> str:
    """Why a "benefit not claimed" need cannot name this benefit for this person (empty when
    it can): the childcare subsidy is for a child under 3."""
    if benefit == BenefitKind.CHILDCARE_SUBSIDY and birth_date <= under_three_cutoff(today):
        return (
            f"育儿补贴只发给3周岁以下的婴幼儿，此人出生于{birth_date.isoformat()}，"
            "已满3周岁，请核对人员或改选其他待遇。"
        )
    return ""


#: Hours a volunteer may log for one activity: one day of at most 24 hours times its days.
VOLUNTEER_HOURS_MAX_PER_DAY = Decimal(24)


def volunteer_hours_problem(hours: Decimal, days: int) -> str:
    """Why hours logged for an activity lasting ``days`` days cannot be (empty when they can)."""
    if hours <= 0:
        return "服务时长应大于0小时。"
    if (hours * 2) % 1 != 0:
        return "服务时长按半小时计，例如1.5小时。"
    limit = VOLUNTEER_HOURS_MAX_PER_DAY * max(days, 1)
    if hours > limit:
        return f"活动共{days}天，服务时长不能超过{limit}小时。"
    return ""
