"""Fixtures of the demonstration module.

``demo_setup``: 盐湖区 with three filed, inclusive institutions (the first bound to an
operator), a 万荣县 institution, the city administrator, the 盐湖区 and 万荣县 officials, a
city administrator whose regions are 盐湖区 only (sees 盐湖区's applications, may not act on
the city's rounds), five evaluators, two city finance officers and a 盐湖区 one; the WS/T 821
default rubric published; a city-level round (award 50,000 yuan, budget 670,000 yuan).
``walk`` takes an application through submission, recommendation and scoring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from huimin.childcare.models import InclusiveRecognition, Institution, OperatorBinding, Staff
from huimin.core.models import Region, User
from huimin.demonstration import rules, services
from huimin.demonstration.models import Application, Assignment, Item, Round, Rubric

YANHU = "140802"
BEICHENG = "140802100"
WANRONG = "140822"
CITY = "140800"


def filed_institution(
    region: Region, name: str, *, by: User, inclusive: bool = True
) -> Institution:
    institution = Institution.objects.create(
        name=name,
        kind=Institution.Kind.INDEPENDENT,
        region=region,
        address=f"运城市{region.name}学苑路12号",
        legal_person="张秀兰",
        capacity=80,
        status=Institution.Status.FILED,
    )
    if inclusive:
        today = timezone.localdate()
        InclusiveRecognition.objects.create(
            institution=institution,
            status=InclusiveRecognition.Status.RECOGNISED,
            applied_by=by,
            valid_from=today - dt.timedelta(days=30),
            valid_to=today + dt.timedelta(days=700),
        )
    return institution


@dataclass
class DemoSetup:
    regions: dict[str, Region]
    institutions: list[Institution]
    other_institution: Institution
    admin: User
    admin_yanhu: User  # city administrator role, regions 盐湖区 only
    official: User
    other_official: User
    operators: list[User]
    evaluators: list[User]
    finance: User
    finance2: User
    finance_yanhu: User
    rubric: Rubric
    round: Round


@pytest.fixture
def demo_setup(city, make_user) -> DemoSetup:
    admin = make_user("demo_admin", User.Role.CITY_ADMIN, (CITY,), full_name="赵建华")
    institutions = [
        filed_institution(city[BEICHENG], "盐湖区综合托育服务中心", by=admin),
        filed_institution(city[BEICHENG], "北城街道小星星托育园", by=admin),
        filed_institution(city["140802101"], "东城街道阳光宝贝托育中心", by=admin),
    ]
    operators = []
    for n, institution in enumerate(institutions):
        operator = make_user(f"op{n}", User.Role.OPERATOR, (YANHU,), full_name=f"经办{n}")
        OperatorBinding.objects.create(user=operator, institution=institution)
        operators.append(operator)
    rubric = services.rubric_default_create(actor=admin)
    services.rubric_publish(actor=admin, rubric_id=rubric.pk)
    round_ = services.round_open(
        actor=admin,
        data=services.RoundInput(
            name="2026年市级示范托育机构创建",
            level=rules.Level.CITY,
            rubric_id=rubric.pk,
            deadline=timezone.localdate() + dt.timedelta(days=30),
            award_fen=50_000_00,
            budget_fen=670_000_00,
        ),
    )
    return DemoSetup(
        regions=city,
        institutions=institutions,
        other_institution=filed_institution(city["140822100"], "万荣县解店镇童乐托育园", by=admin),
        admin=admin,
        admin_yanhu=make_user("admin_yanhu", User.Role.CITY_ADMIN, (YANHU,)),
        official=make_user("yanhu", User.Role.COUNTY_OFFICIAL, (YANHU,), full_name="李晓梅"),
        other_official=make_user("wanrong", User.Role.COUNTY_OFFICIAL, (WANRONG,)),
        operators=operators,
        evaluators=[
            make_user(f"evaluator{n}", User.Role.EVALUATOR, (CITY,), full_name=name)
            for n, name in enumerate(("周敏", "吴海峰", "郑丽", "冯志远", "陈静"))
        ],
        finance=make_user("finance", User.Role.FINANCE, (CITY,), full_name="孙会计"),
        finance2=make_user("finance2", User.Role.FINANCE, (CITY,), full_name="钱出纳"),
        finance_yanhu=make_user("finance_yanhu", User.Role.FINANCE, (YANHU,)),
        rubric=rubric,
        round=round_,
    )


def points_for(rubric: Rubric, total: Decimal) -> dict[int, Decimal]:
    """Item scores adding up to ``total``: items filled to their maximum in code order."""
    left = Decimal(total)
    points: dict[int, Decimal] = {}
    for item in Item.objects.filter(rubric=rubric, veto=False).order_by("code"):
        take = min(Decimal(item.points), left)
        points[item.pk] = take
        left -= take
    assert left == 0
    return points


@pytest.fixture
def walk(demo_setup) -> Callable[..., Application]:
    """Submit for institution ``n``, recommend, assign ``len(totals)`` evaluators and submit
    their totals (``veto_by``: the indexes of evaluators who mark veto item V1)."""
    s = demo_setup

    def _walk(
        n: int = 0,
        totals: tuple[str, ...] | None = ("880", "900", "910"),
        veto_by: tuple[int, ...] = (),
        round_: Round | None = None,
    ) -> Application:
        round_ = round_ or s.round
        application = services.application_submit(
            actor=s.operators[n],
            round_id=round_.pk,
            self_score=900,
            self_assessment="按WS/T 821逐项自评，达到示范标准。",
        )
        services.application_recommend(
            actor=s.official, application_id=application.pk, recommend=True
        )
        if totals is None:
            return Application.objects.get(pk=application.pk)
        evaluators = s.evaluators[: len(totals)]
        services.evaluators_assign(
            actor=s.admin, application_id=application.pk, evaluator_ids=[e.pk for e in evaluators]
        )
        veto = Item.objects.get(rubric=round_.rubric, code="V1")
        for i, (evaluator, total) in enumerate(zip(evaluators, totals, strict=True)):
            assignment = Assignment.objects.get(application=application, evaluator=evaluator)
            services.assignment_score(
                actor=evaluator,
                assignment_id=assignment.pk,
                points=dict(points_for(round_.rubric, Decimal(total))),
                vetoes={veto.pk} if i in veto_by else set(),
                submit=True,
            )
        return Application.objects.get(pk=application.pk)

    return _walk


@pytest.fixture
def staff(demo_setup, make_person) -> list[Staff]:
    """Two caregivers of the first demo institution (the workforce tests)."""
    people = [make_person("140802100", name=n) for n in ("王丽", "李娜")]
    return [
        Staff.objects.create(
            institution=demo_setup.institutions[0],
            person=p,
            role=Staff.Role.CAREGIVER,
            hired_on=dt.date(2024, 3, 1),
        )
        for p in people
    ]
