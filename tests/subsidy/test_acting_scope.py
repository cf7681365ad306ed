"""Seeing is not acting (issue 11, item 1): after a child's hukou moves from 北城街道 (盐湖区)
to 解店镇 (万荣县), 盐湖区 still sees the application (it paid the year of the move) but no
longer handles it: review, confirmation, a further move, a death, a bank change are refused
with nothing changed — through the service and the API. 万荣县 handles it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from huimin.core.errors import Forbidden
from huimin.core.models import AccessLog, Event, Person, User
from huimin.subsidy import selectors, services
from huimin.subsidy.models import (
    Application,
    ApplicationDecision,
    BankResultImport,
    PaymentBatch,
    PaymentLine,
)

JIEDIAN = "140822100"  # 解店镇, 万荣县
REFUSAL = (
    "该记录属于解店镇，不在您负责的区域内：您可以查看，但不能办理。请由负责该区域的工作人员办理。"
)


@pytest.fixture
def moved(apply, county, make_user) -> Callable[[str], Application]:
    """An application whose child moved to 解店镇 this year, in the status asked for."""

    def _moved(status: str) -> Application:
        application = apply()
        services.application_hukou_move(
            actor=county,
            application_id=application.pk,
            moved_on=dt.date(2026, 9, 1),
            region_code=JIEDIAN,
        )
        if status == "township_approved":
            jiedian = make_user("jiedian", User.Role.TOWNSHIP_OFFICIAL, (JIEDIAN,))
            services.application_review(actor=jiedian, application_id=application.pk, approve=True)
        application.refresh_from_db()
        assert application.status == status
        assert (application.region.code, application.previous_region.code) == (
            JIEDIAN,
            "140802100",
        )
        return application

    return _moved


def snapshot(application_id: int) -> tuple:
    a = Application.objects.get(pk=application_id)
    return (
        a.status,
        a.region_id,
        a.previous_region_id,
        a.region_from_year,
        a.last_year,
        a.stop_reason,
        a.bank_name,
        a.bank_account,
        a.account_holder,
        Person.objects.get(pk=a.child_id).status,
        ApplicationDecision.objects.count(),
        Event.objects.count(),
    )


WRITES = [
    (
        "submitted",
        "township",
        "review",
        lambda a, i: services.application_review(actor=a, application_id=i, approve=True),
        {"approve": True},
    ),
    (
        "township_approved",
        "county",
        "confirm",
        lambda a, i: services.application_confirm(actor=a, application_id=i, approve=True),
        {"approve": True},
    ),
    (
        "submitted",
        "county",
        "hukou-move",
        lambda a, i: services.application_hukou_move(
            actor=a, application_id=i, moved_on=dt.date(2026, 10, 1), region_code="140802101"
        ),
        {"moved_on": "2026-10-01", "region_code": "140802101"},
    ),
    (
        "submitted",
        "county",
        "death",
        lambda a, i: services.application_child_death(
            actor=a, application_id=i, died_on=dt.date(2026, 10, 1)
        ),
        {"died_on": "2026-10-01"},
    ),
    (
        "submitted",
        "township",
        "bank",
        lambda a, i: services.application_bank_change(
            actor=a,
            application_id=i,
            bank_name="中国银行",
            bank_account="6216610012345678901",
            account_holder="applicant",
        ),
        {
            "bank_name": "中国银行",
            "bank_account": "6216610012345678901",
            "account_holder": "applicant",
        },
    ),
]


@pytest.mark.parametrize(("status", "who", "write", "call", "body"), WRITES)
def test_the_place_a_child_moved_from_sees_the_application_but_may_not_act(
    moved, township, county, status, who, write, call, body
):
    application = moved(status)
    actor = {"township": township, "county": county}[who]
    assert selectors.application_get_for_user(user=actor, application_id=application.pk)
    before = snapshot(application.pk)

    with pytest.raises(Forbidden) as error:
        call(actor, application.pk)

    assert str(error.value) == REFUSAL
    assert snapshot(application.pk) == before

    client = Client()
    client.force_login(actor)
    response = client.post(
        f"/api/subsidy/applications/{application.pk}/{write}",
        body,
        content_type="application/json",
    )
    assert (response.status_code, response.json()["detail"]) == (403, REFUSAL)
    assert snapshot(application.pk) == before


def test_the_place_the_child_moved_to_handles_it(moved, make_user):
    application = moved("submitted")
    jiedian = make_user("jiedian", User.Role.TOWNSHIP_OFFICIAL, (JIEDIAN,))

    reviewed = services.application_review(
        actor=jiedian, application_id=application.pk, approve=True
    )

    assert reviewed.status == "township_approved"


def test_the_page_offers_the_place_moved_from_no_action(moved, county):
    application = moved("township_approved")
    client = Client()
    client.force_login(county)

    response = client.get(f"/subsidy/applications/{application.pk}/")

    assert response.status_code == 200
    assert [
        response.context[k]
        for k in ("can_review", "can_confirm", "can_move", "can_death", "can_bank")
    ] == [False] * 5
    before = snapshot(application.pk)
    refused = client.post(
        f"/subsidy/applications/{application.pk}/confirm/", {"outcome": "approve"}
    )
    assert refused.status_code == 403
    assert snapshot(application.pk) == before


# --------------------------------------------------------------------------- payment batches


def batch_state(batch_id: int) -> tuple:
    return (
        tuple(PaymentBatch.objects.filter(pk=batch_id).values_list()),
        PaymentLine.objects.count(),
        BankResultImport.objects.count(),
        AccessLog.objects.count(),
        Event.objects.count(),
    )


BATCH_WRITES = {
    "batch_decide": lambda a, b: services.batch_decide(actor=a, batch_id=b, approve=True),
    "batch_bank_file": lambda a, b: services.batch_bank_file(actor=a, batch_id=b),
    "batch_result_apply": lambda a, b: services.batch_result_apply(
        actor=a, batch_id=b, results=[], file_name="回盘.xlsx", sha256="0" * 64
    ),
}


@pytest.mark.parametrize("write", list(BATCH_WRITES))
@pytest.mark.parametrize("who", ["city", "county"])
def test_officials_who_see_a_batch_may_not_approve_export_or_settle_it(
    confirmed, maker, county, make_user, who, write
):
    confirmed()
    batch = services.batch_create(actor=maker, year=2025, region_code="140802")
    actor = county if who == "county" else make_user("city", User.Role.CITY_ADMIN, ("140800",))
    assert selectors.batch_get_for_user(user=actor, batch_id=batch.pk) == batch
    before = batch_state(batch.pk)

    with pytest.raises(Forbidden):
        BATCH_WRITES[write](actor, batch.pk)

    assert batch_state(batch.pk) == before
