"""Fixtures of the childcare module: an operator with a filed institution in 盐湖区, its
county official, a 托小班 with three caregivers."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.db import transaction

from huimin.childcare import services
from huimin.childcare.models import CareClass, Enrollment, Finding, Institution, Staff
from huimin.core import rules as core_rules
from huimin.core.models import User

TODAY = dt.date(2026, 11, 25)  # a Wednesday
ENROLLED_ON = dt.date(2026, 11, 16)  # the children of the fixtures came the week before


@pytest.fixture
def today(monkeypatch) -> dt.date:
    """Pin 'today' for services and selectors that ask for it."""
    monkeypatch.setattr(services, "today", lambda: TODAY)
    monkeypatch.setattr("huimin.core.services.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def operator(make_user) -> User:
    return make_user("operator", User.Role.OPERATOR, ("140802",), full_name="郭敏")


@pytest.fixture
def yanhu_official(make_user) -> User:
    return make_user("yanhu", User.Role.COUNTY_OFFICIAL, ("140802",), full_name="李晓梅")


@pytest.fixture
def institution(operator, today) -> Institution:
    """A registered (not yet filed) independent institution with safe defaults, an emergency
    plan and a recent drill: no findings."""
    institution = services.institution_register(
        actor=operator,
        region_code="140802100",
        name="盐湖区综合托育服务中心",
        kind="independent",
        address="运城市盐湖区北城街道学苑路12号",
        legal_person="张秀兰",
        capacity=120,
        fee_full_day=120_000,
        monitoring_coverage_percent=100,
        recording_retention_days=90,
        fire_safety_manager="王强",
        serves_meals=True,
        premises_owned=True,
    )
    for kind, title, day in (
        ("plan", "突发事件应急预案", dt.date(2026, 3, 1)),
        ("drill", "消防疏散演练", dt.date(2026, 10, 15)),
    ):
        services.safety_record_create(
            actor=operator, institution_id=institution.pk, kind=kind, on=day, title=title
        )
    with transaction.atomic():
        services.compliance_refresh(institution=institution)
    # start the tests from a clean slate: the plan and drill findings of registration are gone
    Finding.objects.filter(institution=institution).delete()
    return institution


@pytest.fixture
def filed_institution(institution, yanhu_official) -> Institution:
    Institution.objects.filter(pk=institution.pk).update(status=Institution.Status.FILED)
    institution.refresh_from_db()
    return institution


#: Sequence numbers for fresh IDs, reused round the session (each test has its own database).
_seq = itertools.cycle(range(100, 999))


def resident_id(birth: dt.date, county: str = "140802", male: bool = True) -> str:
    n = next(_seq)
    return core_rules.resident_id_build(county, birth, n * 2 % 1000 + (1 if male else 0))


@pytest.fixture
def hire(operator, today) -> Callable[..., Staff]:
    def _hire(
        institution: Institution, name: str = "保育员", role: str = "caregiver", **kw
    ) -> Staff:
        return services.staff_hire(
            actor=operator,
            institution_id=institution.pk,
            resident_id=resident_id(dt.date(1990, 5, 1), male=False),
            name=name,
            role=role,
            hired_on=dt.date(2025, 9, 1),
            health_cert_on=kw.pop("health_cert_on", TODAY),
            criminal_check_on=kw.pop("criminal_check_on", TODAY),
            **kw,
        )

    return _hire


@pytest.fixture
def toddler_class(institution, operator, hire) -> CareClass:
    carers = [hire(institution, "刘芳"), hire(institution, "陈静"), hire(institution, "赵敏")]
    return services.class_create(
        actor=operator,
        institution_id=institution.pk,
        name="小一班",
        kind="toddler",
        caregiver_ids=[c.pk for c in carers],
    )


@pytest.fixture
def enrol(operator, today) -> Callable[..., Enrollment]:
    def _enrol(care_class: CareClass, months: int = 18, name: str = "王小宝") -> Enrollment:
        birth = TODAY - dt.timedelta(days=int(months * 30.44) + 3)
        return services.enrollment_create(
            actor=operator,
            class_id=care_class.pk,
            child_resident_id=resident_id(birth),
            child_name=name,
            guardian_resident_id=resident_id(dt.date(1992, 3, 3), male=False),
            guardian_name="李娟",
            guardian_relation="母亲",
            enrolled_on=ENROLLED_ON,
            agreement_signed_on=ENROLLED_ON,
            admission_check_on=ENROLLED_ON,
            vaccination_complete=True,
        )

    return _enrol
