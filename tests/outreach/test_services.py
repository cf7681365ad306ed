"""Visits whose needs become follow-ups, the follow-up's life, activities and their parts:
exact results, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huimin.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from huimin.core.models import Event, User
from huimin.outreach import services
from huimin.outreach.models import Activity, Beneficiary, FollowUp, Session, Visit, Volunteer
from tests.outreach.conftest import DONGDU, MIAOQIAN, TODAY, WANRONG

pytestmark = pytest.mark.django_db


def _visit(actor: User, person, **over) -> Visit:
    data = {
        "resident_id": person.resident_id,
        "visited_on": dt.date(2026, 9, 30),
        "situation": "老人独居，冬季取暖靠烧煤，子女在外打工",
        "needs": [
            services.NeedInput(kind="medical", description="高血压需定期随访"),
        ],
    }
    data.update(over)
    return services.visit_record(actor=actor, data=services.VisitInput(**data), today=TODAY)


def _events(followup: FollowUp) -> list[tuple[str, str, str]]:
    return [
        (e.from_status, e.to_status, e.reason)
        for e in Event.objects.filter(object_id=followup.pk, content_type__model="followup")
    ]


def test_a_need_becomes_a_follow_up_with_its_deadline_and_owner(county, township, family) -> None:
    visit = _visit(
        township,
        family["grandmother"],
        needs=[
            services.NeedInput(kind="medical", description="高血压需定期随访"),
            services.NeedInput(kind="heating", description="缺少取暖煤", owner_id=county.pk),
        ],
    )
    assert visit.household == family["household"]
    assert visit.region.code == DONGDU
    assert visit.county.code == WANRONG
    medical, heating = visit.followups.order_by("id")
    # found on 2026-09-30, before National Day: 10 working days end on 20 October
    assert (medical.deadline, medical.owner, medical.status) == (
        dt.date(2026, 10, 20),
        township,
        "open",
    )
    # heating outside the heating season: 10 working days too
    assert (heating.deadline, heating.owner) == (dt.date(2026, 10, 20), county)
    assert medical.deadline_provisional is False
    assert _events(medical) == [("", "open", "走访发现，10个工作日内办理，负责人解店镇刘洋")]


def test_heating_in_winter_gets_five_working_days(township, family) -> None:
    visit = _visit(
        township,
        family["grandmother"],
        visited_on=dt.date(2025, 12, 31),
        needs=[services.NeedInput(kind="heating", description="取暖炉损坏")],
    )
    assert visit.followups.get().deadline == dt.date(2026, 1, 8)


def test_refused_visit_saves_nothing(township, pinglu, family) -> None:
    before = (Visit.objects.count(), FollowUp.objects.count(), Event.objects.count())
    with pytest.raises(InvalidInput) as exc:
        _visit(township, family["grandmother"], needs=[services.NeedInput(kind="", description="")])
    assert set(exc.value.field_errors) == {"needs-0-kind", "needs-0-description"}
    with pytest.raises(InvalidInput):  # a date in the future
        _visit(township, family["grandmother"], visited_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(InvalidInput):  # the childcare subsidy for a grandmother
        _visit(
            township,
            family["grandmother"],
            needs=[
                services.NeedInput(
                    kind="benefit",
                    description="未申领育儿补贴",
                    benefit="childcare_subsidy",
                    person_resident_id=family["grandmother"].resident_id,
                )
            ],
        )
    with pytest.raises(InvalidInput):  # 平陆县 cannot find a 万荣县 person at all
        _visit(pinglu, family["grandmother"])
    assert (Visit.objects.count(), FollowUp.objects.count(), Event.objects.count()) == before


def test_owner_must_serve_the_region(township, pinglu, family) -> None:
    with pytest.raises(InvalidInput) as exc:
        _visit(
            township,
            family["grandmother"],
            needs=[services.NeedInput(kind="repair", description="屋顶漏雨", owner_id=pinglu.pk)],
        )
    assert "needs-0-owner" in exc.value.field_errors
    assert FollowUp.objects.count() == 0


def test_a_county_official_of_another_county_cannot_act(township, pinglu, family) -> None:
    """平陆县's official: the follow-up does not exist for them (404, never 403: existence does
    not leak), and nothing changes."""
    followup = _visit(township, family["grandmother"]).followups.get()
    with pytest.raises(NotFound):
        services.followup_transition(
            actor=pinglu, followup_id=followup.pk, to_status="done", reason="已送医"
        )
    with pytest.raises(NotFound):
        services.followup_check_claimed(actor=pinglu, followup_id=followup.pk)
    followup.refresh_from_db()
    assert (followup.status, followup.closed_on) == ("open", None)
    assert len(_events(followup)) == 1


def test_done_and_cancel_with_events(township, family) -> None:
    medical, repair = _visit(
        township,
        family["grandmother"],
        needs=[
            services.NeedInput(kind="medical", description="高血压需定期随访"),
            services.NeedInput(kind="repair", description="屋顶漏雨"),
        ],
    ).followups.order_by("id")
    services.followup_transition(
        actor=township,
        followup_id=medical.pk,
        to_status="done",
        reason="村医每月上门测血压",
        today=TODAY,
    )
    services.followup_transition(
        actor=township,
        followup_id=repair.pk,
        to_status="cancelled",
        reason="已纳入危房改造",
        today=TODAY,
    )
    medical.refresh_from_db()
    repair.refresh_from_db()
    assert (medical.status, medical.closed_on) == ("done", TODAY)
    assert (repair.status, repair.closed_on) == ("cancelled", TODAY)
    assert _events(medical)[1] == ("open", "done", "村医每月上门测血压")
    assert _events(repair)[1] == ("open", "cancelled", "已纳入危房改造")
    with pytest.raises(InvalidTransition):
        services.followup_transition(
            actor=township, followup_id=medical.pk, to_status="cancelled", reason="重复"
        )
    with pytest.raises(InvalidInput):
        services.followup_transition(
            actor=township, followup_id=repair.pk, to_status="done", reason=" "
        )
    medical.refresh_from_db()
    assert medical.status == "done"
    assert len(_events(medical)) == 2


def test_federation_user_cannot_without_the_grant(make_user, family) -> None:
    operator = make_user("op", User.Role.OPERATOR, (WANRONG,))
    with pytest.raises(Forbidden):
        _visit(operator, family["grandmother"])


def _activity(actor: User, **over) -> Activity:
    data = {
        "kind": "class",
        "title": "老年大学金融知识课堂",
        "organiser": "山西银行河津支行",
        "organiser_region": WANRONG,
        "region": MIAOQIAN,
        "starts_on": dt.date(2026, 3, 2),
        "ends_on": dt.date(2026, 6, 30),
        "partners": "府西社区",
    }
    data.update(over)
    return services.activity_create(actor=actor, data=services.ActivityInput(**data), today=TODAY)


def test_activity_with_sessions_volunteers_and_beneficiaries(county, family) -> None:
    activity = _activity(county)
    assert (activity.year, activity.county.code) == (2026, WANRONG)
    services.activity_session_add(
        actor=county,
        activity_id=activity.pk,
        held_on=dt.date(2026, 3, 5),
        topic="防范电信诈骗",
        attendance=68,
        today=TODAY,
    )
    services.activity_volunteer_add(
        actor=county,
        activity_id=activity.pk,
        hours=Decimal("3.5"),
        resident_id=family["son"].resident_id,
    )
    services.activity_volunteer_add(actor=county, activity_id=activity.pk, hours="2", name="王老师")
    services.activity_beneficiary_add(
        actor=county,
        activity_id=activity.pk,
        resident_id=family["son"].resident_id,
        whole_household=True,
    )
    assert list(Session.objects.values_list("attendance", flat=True)) == [68]
    assert sorted(Volunteer.objects.values_list("name", "hours")) == [
        ("张建国", Decimal("3.5")),
        ("王老师", Decimal("2.0")),
    ]
    assert Beneficiary.objects.get().household == family["household"]


def test_activity_refusals_change_nothing(county, township, family) -> None:
    activity = _activity(county)
    with pytest.raises(InvalidInput):  # outside the activity's dates
        services.activity_session_add(
            actor=county,
            activity_id=activity.pk,
            held_on=dt.date(2026, 7, 1),
            topic="x",
            attendance=1,
            today=TODAY,
        )
    with pytest.raises(InvalidInput):  # 20 hours in a 1-day event is fine, 25 is not
        services.activity_volunteer_add(
            actor=county,
            activity_id=_activity(county, kind="volunteer", ends_on=None).pk,
            hours="25",
            name="王老师",
        )
    with pytest.raises(NotFound):  # 庙前村 lies in 荣河镇, not the township's 解店镇
        services.activity_volunteer_add(
            actor=township, activity_id=activity.pk, hours="1", name="x"
        )
    with pytest.raises(InvalidInput):  # the township cannot hold an activity in 荣河镇
        _activity(township)
    assert Session.objects.count() == 0
    assert Volunteer.objects.count() == 0
    assert Activity.objects.count() == 2
