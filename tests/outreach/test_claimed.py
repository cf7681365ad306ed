"""A "benefit not claimed" follow-up closes by itself once the benefit is claimed in its own
module (the daily command and the page's button), and the platform's own list of children
under 3 without a subsidy application."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, InvalidInput
from huimin.core.models import Event, Person, User
from huimin.disability.models import Case
from huimin.outreach import services
from huimin.outreach.models import FollowUp
from huimin.subsidy import selectors as subsidy_selectors
from huimin.subsidy.models import Application
from tests.outreach.conftest import DONGDU, JIEDIAN, MIAOQIAN, TODAY

pytestmark = pytest.mark.django_db


def _benefit_followup(actor: User, visited: Person, about: Person, benefit: str) -> FollowUp:
    visit = services.visit_record(
        actor=actor,
        data=services.VisitInput(
            resident_id=visited.resident_id,
            visited_on=dt.date(2026, 11, 20),
            situation="一家三口，老人行动不便，孩子一岁多",
            needs=[
                services.NeedInput(
                    kind="benefit",
                    description="未申领",
                    benefit=benefit,
                    person_resident_id=about.resident_id,
                )
            ],
        ),
        today=TODAY,
    )
    return visit.followups.get()


def _application(child: Person, applicant: Person, actor: User, status: str) -> Application:
    return Application.objects.create(
        child=child,
        child_birth_date=child.birth_date,
        birth_certificate=f"Q{child.pk:09d}",
        applicant=applicant,
        relation="father",
        region=child.region,
        bank_name="山西银行",
        bank_account="6217000011112222333",
        account_name=applicant.name,
        channel="counter",
        status=status,
        submitted_on=dt.date(2026, 11, 25),
        filed_by=actor,
    )


def _case(person: Person, status: str, number: str = "CJ2026000001") -> Case:
    return Case.objects.create(
        number=number,
        person=person,
        region=person.region,
        status=status,
        requester="relative",
        requester_name="张建国",
        requester_phone="13835901234",
        requested_at=dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC),
    )


def _reasons(f: FollowUp) -> list[str]:
    return list(
        Event.objects.filter(content_type__model="followup", object_id=f.pk).values_list(
            "reason", flat=True
        )
    )


def test_daily_command_closes_what_was_claimed_and_only_that(township, family) -> None:
    child = _benefit_followup(township, family["son"], family["baby"], "childcare_subsidy")
    disabled = _benefit_followup(
        township, family["grandmother"], family["grandmother"], "disability_certificate"
    )
    out = StringIO()
    call_command("outreach_daily", stdout=out)
    assert "自动办结：0 件" in out.getvalue()
    # a rejected application and a withdrawn case claim nothing
    _application(family["baby"], family["son"], township, "rejected")
    _case(family["grandmother"], "withdrawn")
    assert services.followups_resolve_claimed(today=TODAY) == 0
    # the application is entered, and the federation has the request
    app = _application(family["baby"], family["son"], township, "submitted")
    _case(family["grandmother"], "requested", number="CJ2026000002")
    out = StringIO()
    call_command("outreach_daily", stdout=out)
    assert "自动办结：2 件" in out.getvalue()
    child.refresh_from_db()
    disabled.refresh_from_db()
    assert (child.status, disabled.status) == ("done", "done")
    assert _reasons(child)[-1] == f"已在育儿补贴模块提交申请（申请#{app.pk}，待乡镇审核），自动办结"
    assert (
        _reasons(disabled)[-1]
        == "残联已受理：上门办证申请CJ2026000002（已申请，待安排上门），自动办结"
    )
    assert (
        Event.objects.filter(object_id=child.pk, content_type__model="followup").last().actor
        is None
    )
    assert services.followups_resolve_claimed(today=TODAY) == 0  # nothing twice


def test_check_button_closes_one_follow_up(township, county, family) -> None:
    child = _benefit_followup(township, family["son"], family["baby"], "childcare_subsidy")
    assert services.followup_check_claimed(actor=township, followup_id=child.pk) is False
    child.refresh_from_db()
    assert child.status == "open"
    _application(family["baby"], family["son"], township, "confirmed")
    assert services.followup_check_claimed(actor=township, followup_id=child.pk) is True
    child.refresh_from_db()
    assert child.status == "done"
    assert (
        Event.objects.filter(object_id=child.pk, content_type__model="followup").last().actor
        == township
    )


def test_check_refused_for_other_needs_and_for_viewers(township, make_user, family) -> None:
    visit = services.visit_record(
        actor=township,
        data=services.VisitInput(
            resident_id=family["son"].resident_id,
            visited_on=dt.date(2026, 11, 20),
            situation="—",
            needs=[services.NeedInput(kind="heating", description="缺煤")],
        ),
        today=TODAY,
    )
    heating = visit.followups.get()
    with pytest.raises(InvalidInput):
        services.followup_check_claimed(actor=township, followup_id=heating.pk)
    admin = make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",))
    with pytest.raises(Forbidden):  # the city sees follow-ups but does not handle them
        services.followup_transition(
            actor=admin, followup_id=heating.pk, to_status="done", reason="已送煤"
        )
    heating.refresh_from_db()
    assert heating.status == "open"


def test_children_under_three_without_an_application(
    township, county, make_person, family, city
) -> None:
    """Computed independently: every child of the registry in 解店镇 (the township's scope)
    born after 2023-11-29, alive, without an application other than a rejected one."""
    older = make_person(DONGDU, name="满三岁", birth=dt.date(2023, 11, 29))  # 3 today
    make_person(JIEDIAN, name="差一天", birth=dt.date(2023, 11, 30))
    applied = make_person(DONGDU, name="已申请", birth=dt.date(2024, 6, 1))
    refused = make_person(DONGDU, name="被退回", birth=dt.date(2025, 1, 2))
    elsewhere = make_person(MIAOQIAN, name="荣河镇", birth=dt.date(2025, 5, 5))
    dead = make_person(DONGDU, name="已故", birth=dt.date(2025, 2, 2), status="deceased")
    _application(applied, family["son"], township, "township_approved")
    _application(refused, family["son"], township, "rejected")
    found = list(subsidy_selectors.children_without_application(user=township, today=TODAY))
    # the township's own: 差一天 (born at the township), then 东杜村's by birth, youngest first
    assert [p.name for p in found] == ["差一天", "张小宝", "被退回"]
    county_found = {
        p.name for p in subsidy_selectors.children_without_application(user=county, today=TODAY)
    }
    assert county_found == {"差一天", "张小宝", "被退回", "荣河镇"}
    assert older.name not in county_found
    assert dead.name not in county_found
    assert elsewhere.region.code == MIAOQIAN
    only_rh = subsidy_selectors.children_without_application(
        user=county, today=TODAY, region="140822101"
    )
    assert [p.name for p in only_rh] == ["荣河镇"]
    assert (
        core_rules.Perm.SUBSIDY_VIEW
        in core_rules.ROLE_PERMISSIONS[core_rules.Role.TOWNSHIP_OFFICIAL]
    )
