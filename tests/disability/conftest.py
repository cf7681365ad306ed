"""万荣县 with two villages of 解店镇 and one of 荣河镇, the federation's staff member, an
assessing doctor, the county reviewer, and a helper that walks a case to any state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from huimin.core import rules as core_rules
from huimin.core.models import Person, Region, User
from huimin.core.services import region_create
from huimin.disability import services
from huimin.disability.models import Case, Team

BEIJING = ZoneInfo("Asia/Shanghai")
WANRONG = "140822"
JIEDIAN = "140822100"  # 解店镇
RONGHE = "140822101"  # 荣河镇
MIAOQIAN = "140822101201"  # 庙前村, 荣河镇
#: Friday 2025-09-26: the National Day holiday (1–8 Oct) and two make-up workdays follow.
VISIT_DAY = dt.date(2025, 9, 26)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


@pytest.fixture
def villages(city) -> dict[str, Region]:
    jiedian = city[JIEDIAN]
    out = {"庙前村": city[MIAOQIAN]}
    for code, name in (("140822100202", "北牛池村"), ("140822100201", "东杜村")):
        out[name] = region_create(code=code, name=name, level=Region.Level.VILLAGE, parent=jiedian)
        city[code] = out[name]
    return out


@pytest.fixture
def federation(make_user) -> User:
    return make_user("fed", User.Role.FEDERATION, (WANRONG,), full_name="韩冰")


@pytest.fixture
def doctor(make_user) -> User:
    return make_user("doc", User.Role.DOCTOR, ("140800",), full_name="马文斌")


@pytest.fixture
def reviewer(make_user) -> User:
    return make_user("wr_county", User.Role.COUNTY_OFFICIAL, (WANRONG,), full_name="王志强")


@pytest.fixture
def disabled(make_person, villages) -> Person:
    return make_person("140822100202", name="李秀英", sex="F", birth=dt.date(1948, 5, 3))


def request_input(person: Person, **overrides) -> services.RequestInput:
    fields = {
        "resident_id": person.resident_id,
        "name": person.name,
        "region_code": person.region.code,
        "requester": Case.Requester.RELATIVE,
        "requester_name": "张建国",
        "requester_phone": "13835901234",
        "condition": "脑出血后右侧偏瘫，长期卧床",
    }
    fields.update(overrides)
    return services.RequestInput(**fields)


def visit_input(person: Person, **overrides) -> services.VisitInput:
    fields = {
        "resident_id": person.resident_id,
        "name": person.name,
        "birth_date": person.birth_date,
        "address": f"{person.region.name}3组12号",
        "guardian_name": "张建国",
        "guardian_phone": "13835901234",
        "cause": "疾病",
        "visited_on": VISIT_DAY,
    }
    fields.update(overrides)
    return services.VisitInput(**fields)


@pytest.fixture
def team(federation, doctor, city) -> Team:
    return services.team_create(
        actor=federation,
        data=services.TeamInput(
            township_code=JIEDIAN,
            day=VISIT_DAY,
            staff_id=federation.pk,
            doctor_id=doctor.pk,
            hospital="万荣县人民医院",
        ),
    )


@pytest.fixture
def walk(federation, doctor, reviewer, team) -> Callable[..., Case]:
    """A case for ``person`` walked to ``to`` through the services."""

    def _walk(person: Person, to: str, impairments=((4, 1, "右侧肢体偏瘫，肌力2级"),)) -> Case:
        case = services.case_request(
            actor=federation, data=request_input(person), at=at(VISIT_DAY - dt.timedelta(days=3))
        )
        if to == Case.Status.REQUESTED:
            return case
        case = services.case_schedule(actor=federation, case_id=case.pk, team_id=team.pk)
        if to == Case.Status.SCHEDULED:
            return case
        case = services.case_visit(actor=federation, case_id=case.pk, data=visit_input(person))
        if to == Case.Status.VISITED:
            return case
        case = services.case_assess(
            actor=doctor,
            case_id=case.pk,
            impairments=[services.ImpairmentInput(c, g, b) for c, g, b in impairments],
            at=at(VISIT_DAY, 11),
        )
        if to == Case.Status.ASSESSED:
            return case
        case = services.case_post(actor=federation, case_id=case.pk, on=VISIT_DAY)
        if to == Case.Status.POSTED:
            return case
        case = services.case_review(
            actor=reviewer, case_id=case.pk, approve=True, on=dt.date(2025, 10, 13)
        )
        if to == Case.Status.APPROVED:
            return case
        services.certificate_issue(actor=federation, case_id=case.pk, on=dt.date(2025, 10, 15))
        case.refresh_from_db()
        return case

    return _walk


def id_ending_in_x(address: str, birth: dt.date) -> str:
    for seq in range(1, 1000):
        number = core_rules.resident_id_build(address, birth, seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")
