"""Fixtures of the supervision module.

``county_setup``: 盐湖区 with three filed institutions (the first bound to an operator), one
filed institution in 万荣县 (another county, for scoping), three city-level inspectors, the
盐湖区 and 万荣县 county officials. ``fixed_now`` pins the clock (services, auto_now fields and
the draw time alike) to a Wednesday morning, so deadlines are exact.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from huimin.childcare.models import Institution, OperatorBinding
from huimin.core.models import Region, User

YANHU = "140802"
BEICHENG = "140802100"
DONGCHENG = "140802101"
WANRONG = "140822"
CITY = "140800"

#: The pinned day: a Wednesday; 15 working days later is 2026-12-16.
TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def fixed_now(monkeypatch) -> dt.date:
    """Every ``timezone.now()`` is on TODAY (one second later on each call, so records keep
    their order); ``services.today()`` is TODAY."""
    ticks = itertools.count()
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: NOW + dt.timedelta(seconds=next(ticks))
    )
    monkeypatch.setattr("huimin.supervision.services.today", lambda: TODAY)
    monkeypatch.setattr("huimin.core.services.today", lambda: TODAY, raising=False)
    return TODAY


@dataclass
class CountySetup:
    regions: dict[str, Region]
    institutions: list[Institution]  # the three of 盐湖区, by name
    other_institution: Institution  # 万荣县
    inspectors: list[User]
    official: User  # 盐湖区
    other_official: User  # 万荣县
    operator: User  # bound to institutions[0]


def filed_institution(region: Region, name: str, **fields) -> Institution:
    return Institution.objects.create(
        name=name,
        kind=fields.pop("kind", Institution.Kind.INDEPENDENT),
        region=region,
        address=fields.pop("address", f"运城市{region.name}学苑路12号"),
        legal_person=fields.pop("legal_person", "张秀兰"),
        phone=fields.pop("phone", ""),
        capacity=fields.pop("capacity", 80),
        status=Institution.Status.FILED,
        **fields,
    )


@pytest.fixture
def county_setup(city, make_user) -> CountySetup:
    institutions = [
        filed_institution(city[BEICHENG], "盐湖区综合托育服务中心"),
        filed_institution(city[BEICHENG], "北城街道小星星托育园"),
        filed_institution(city[DONGCHENG], "东城街道阳光宝贝托育中心", kind="community"),
    ]
    other = filed_institution(city["140822100"], "万荣县解店镇童乐托育园")
    operator = make_user("operator", User.Role.OPERATOR, (YANHU,), full_name="郭敏")
    OperatorBinding.objects.create(user=operator, institution=institutions[0])
    inspectors = [
        make_user(username, User.Role.INSPECTOR, (CITY,), full_name=name)
        for username, name in (
            ("inspector", "陈国平"),
            ("inspector2", "刘建军"),
            ("inspector3", "王海燕"),
        )
    ]
    return CountySetup(
        regions=city,
        institutions=institutions,
        other_institution=other,
        inspectors=inspectors,
        official=make_user("yanhu", User.Role.COUNTY_OFFICIAL, (YANHU,), full_name="李晓梅"),
        other_official=make_user(
            "wanrong", User.Role.COUNTY_OFFICIAL, (WANRONG,), full_name="王志强"
        ),
        operator=operator,
    )
