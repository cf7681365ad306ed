"""Shared fixtures: the demo city's regions, users of every role, people with valid IDs."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from faker import Faker

from huimin.core import rules
from huimin.core.demo import DemoContext, build_regions
from huimin.core.models import Person, Region, User

WANRONG = "140822"
PINGLU = "140829"
YANHU = "140802"


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A page asked for in English leaves English active in the test thread; the next test
    starts in the default language again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the cached fragments (core.cache) of an earlier
    test's database are not this one's."""
    cache.clear()


@pytest.fixture
def city(db) -> dict[str, Region]:
    """The region tree of Yuncheng: the city, 13 counties, demo townships and villages."""
    ctx = DemoContext(
        seed=1,
        scale="small",
        rng=random.Random(1),
        faker=Faker("zh_CN"),
        today=dt.date(2026, 11, 29),
        log=lambda _: None,
    )
    build_regions(ctx)
    return ctx.regions


@pytest.fixture
def make_user(city) -> Callable[..., User]:
    def _make(username: str, role: str, regions: tuple[str, ...] = (), **fields) -> User:
        user = User.objects.create_user(
            username=username,
            password="pw-Huimin-2026",
            role=role,
            full_name=fields.pop("full_name", username),
            **fields,
        )
        user.regions.set([city[c] for c in regions])
        return user

    return _make


@pytest.fixture
def make_person(city) -> Callable[..., Person]:
    counter = iter(range(1, 999))

    def _make(
        region: str,
        name: str = "张三",
        birth: dt.date = dt.date(1990, 3, 7),
        sex: str = "M",
        **fields,
    ) -> Person:
        seq = next(counter) * 2 + (1 if sex == "M" else 0)
        number = rules.resident_id_build(region[:6], birth, seq % 1000)
        return Person.objects.create(
            resident_id=number,
            name=name,
            birth_date=birth,
            sex=sex,
            region=city[region],
            phone=fields.pop("phone", "13835901234"),
            bank_account=fields.pop("bank_account", "6217000012345678901"),
            **fields,
        )

    return _make


@pytest.fixture
def wanrong_official(make_user) -> User:
    return make_user("wanrong", User.Role.COUNTY_OFFICIAL, (WANRONG,))


@pytest.fixture
def pinglu_person(make_person) -> Person:
    return make_person("140829102", name="段卫东")


@pytest.fixture
def wanrong_person(make_person) -> Person:
    return make_person("140822101", name="李秀英", sex="F", birth=dt.date(1985, 12, 1))
