"""万荣县 with a village of 解店镇 and 庙前村 of 荣河镇, a household of three there (a grandmother
with a disability, her son, his baby), the county official and a township official of 解店镇,
and 平陆县's county official (who may see nothing of 万荣县 and act on none of it)."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.core.models import Household, HouseholdMember, Person, Region, User
from huimin.core.services import region_create

WANRONG = "140822"
JIEDIAN = "140822100"  # 解店镇
DONGDU = "140822100201"  # 东杜村, 解店镇 (added here)
MIAOQIAN = "140822101201"  # 庙前村, 荣河镇
PINGLU = "140829"
#: The demo's day, and a day of the 2026 heating season
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def dongdu(city) -> Region:
    region = region_create(
        code=DONGDU, name="东杜村", level=Region.Level.VILLAGE, parent=city[JIEDIAN]
    )
    city[DONGDU] = region
    return region


@pytest.fixture
def county(make_user) -> User:
    return make_user("wr_county", User.Role.COUNTY_OFFICIAL, (WANRONG,), full_name="王志强")


@pytest.fixture
def township(make_user) -> User:
    return make_user("jd_town", User.Role.TOWNSHIP_OFFICIAL, (JIEDIAN,), full_name="解店镇刘洋")


@pytest.fixture
def pinglu(make_user) -> User:
    return make_user("pl_county", User.Role.COUNTY_OFFICIAL, (PINGLU,), full_name="孙立新")


@pytest.fixture
def family(make_person, dongdu) -> dict[str, Person]:
    """A household of 东杜村: 李秀英 (the head, 1950), her son 张建国 (1985), his son 张小宝
    (born 2025-03-10: under 3 on the demo day)."""
    grandmother = make_person(DONGDU, name="李秀英", sex="F", birth=dt.date(1950, 5, 3))
    son = make_person(DONGDU, name="张建国", sex="M", birth=dt.date(1985, 8, 1))
    baby = make_person(DONGDU, name="张小宝", sex="M", birth=dt.date(2025, 3, 10))
    household = Household.objects.create(region=dongdu)
    for person, relation in ((grandmother, "head"), (son, "child"), (baby, "grandchild")):
        HouseholdMember.objects.create(household=household, person=person, relation=relation)
    return {"grandmother": grandmother, "son": son, "baby": baby, "household": household}
