"""Fixtures of the subsidy module: a guardian with a citizen account, the 北城街道 township
official, the 盐湖区 county official, two finance officers (maker and checker), and a way to
build confirmed applications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from huimin.core import rules as core_rules
from huimin.core.models import Person, User
from huimin.subsidy import services
from huimin.subsidy.models import Application

TODAY = dt.date(2026, 10, 20)  # a Tuesday; its 30-working-day deadline is 2026-12-01
BEICHENG = "140802100"
JIEZHOU = "140802102"


@pytest.fixture
def today(monkeypatch) -> dt.date:
    """Pin 'today' for the services and selectors that ask for it."""
    monkeypatch.setattr(services, "today", lambda: TODAY)
    monkeypatch.setattr("huimin.core.services.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def guardian(make_person, make_user) -> User:
    mother = make_person(BEICHENG, name="王丽", sex="F", birth=dt.date(1994, 5, 6))
    return make_user("wangli", User.Role.CITIZEN, (), person=mother, full_name="王丽")


@pytest.fixture
def township(make_user) -> User:
    return make_user("beicheng", User.Role.TOWNSHIP_OFFICIAL, (BEICHENG,), full_name="赵丽娟")


@pytest.fixture
def county(make_user) -> User:
    return make_user("yanhu", User.Role.COUNTY_OFFICIAL, ("140802",), full_name="李晓梅")


@pytest.fixture
def maker(make_user) -> User:
    return make_user("finance", User.Role.FINANCE, ("140800",), full_name="周建军")


@pytest.fixture
def checker(make_user) -> User:
    return make_user("finance2", User.Role.FINANCE, ("140800",), full_name="刘芳")


_seq = iter(range(1, 100_000))


def child_id(birth: dt.date, region: str = BEICHENG, sex: str = "") -> str:
    """A valid resident ID born on ``birth`` in ``region``; odd sequence for "M", even for "F"."""
    n = next(_seq) % 500 * 2
    return core_rules.resident_id_build(region[:6], birth, n + (0 if sex == "F" else 1))


@pytest.fixture
def apply(guardian, today) -> Callable[..., Application]:
    """A guardian's online application for a child born on ``birth``."""

    def _apply(birth: dt.date = dt.date(2024, 3, 15), **fields) -> Application:
        n = next(_seq)
        data = services.ApplicationInput(
            child_name=fields.pop("child_name", f"王小{n}"),
            child_resident_id=fields.pop("child_resident_id", child_id(birth)),
            birth_certificate=fields.pop("birth_certificate", f"Q{140000000 + n}"),
            region_code=fields.pop("region_code", BEICHENG),
            relation=fields.pop("relation", "mother"),
            bank_name=fields.pop("bank_name", "中国农业银行运城分行"),
            bank_account=fields.pop("bank_account", "6228480012345678901"),
            **fields,
        )
        return services.application_submit(actor=guardian, data=data)

    return _apply


@pytest.fixture
def confirmed(apply, township, county) -> Callable[..., Application]:
    """An application reviewed by the township and confirmed by the county."""

    def _confirmed(birth: dt.date = dt.date(2024, 3, 15), **fields) -> Application:
        application = apply(birth, **fields)
        services.application_review(actor=township, application_id=application.pk, approve=True)
        return services.application_confirm(
            actor=county, application_id=application.pk, approve=True
        )

    return _confirmed


def person_of(application: Application) -> Person:
    return Person.objects.get(pk=application.child_id)
