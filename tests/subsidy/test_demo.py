"""The subsidy part of the small demo city: applications in every status across the counties,
the paid 2025 batch whose stored totals are the sum of its lines, the 2026 batch waiting for
the checker, and the demo guardian who can apply."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from huimin.core import rules as core_rules
from huimin.core.models import Person, User
from huimin.subsidy import selectors, services
from huimin.subsidy.demo import BEICHENG, BEICHENG_DESK, SCALES
from huimin.subsidy.models import Application, ApplicationDecision, PaymentBatch, PaymentLine
from tests.demo_snapshot import demo_city

DEMO_TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    """The small demo city, built once for this module in a transaction rolled back after it
    (each test still runs in its own savepoint through ``db``)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_city(seed=2025, scale="small", today=DEMO_TODAY, log=lambda _: None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def small_demo(_built, db):
    return None


def _count(**filters) -> int:
    return Application.objects.filter(**filters).count()


def test_the_small_demo_has_applications_in_every_status_across_the_counties(small_demo):
    scale = SCALES["small"]
    status = Application.Status
    assert _count(status=status.CONFIRMED) == scale.confirmed
    assert _count(status=status.REJECTED) == scale.rejected
    assert _count(status__in=[status.SUBMITTED, status.TOWNSHIP_APPROVED]) == scale.open
    assert _count(status=status.SUBMITTED) > 0
    assert _count(status=status.TOWNSHIP_APPROVED) > 0
    counties = {
        path.split("/")[1]
        for path in Application.objects.values_list("region__path", flat=True).distinct()
    }
    assert counties == {code for code, _name in core_rules.COUNTIES}
    assert set(Application.objects.values_list("channel", flat=True)) == set(
        Application.Channel.values
    )


def test_the_demo_township_official_has_overdue_and_provisional_applications(small_demo):
    desk = Application.objects.filter(region__code=BEICHENG, status="submitted")
    assert desk.count() >= len(BEICHENG_DESK)
    overdue = desk.filter(deadline__lt=DEMO_TODAY)
    assert overdue.count() >= 2
    # submitted on the demo day: its 30 working days end in 2027, whose notice is not entered
    assert desk.filter(submitted_on=DEMO_TODAY, deadline_provisional=True).count() == 1
    assert not desk.filter(deadline__isnull=True).exists()


def test_every_refusal_has_its_reason_and_every_confirmation_two_decisions(small_demo):
    refused = ApplicationDecision.objects.filter(outcome="reject")
    assert refused.count() == SCALES["small"].rejected
    assert not refused.filter(reason="").exists()
    confirmed = Application.objects.filter(status="confirmed")
    assert (
        ApplicationDecision.objects.filter(application__in=confirmed, outcome="approve").count()
        == 2 * confirmed.count()
    )


def test_the_demo_has_a_hukou_move_a_move_out_and_a_death(small_demo):
    moved = Application.objects.get(previous_region__isnull=False)
    assert (moved.previous_region.code, moved.region.code, moved.region_from_year) == (
        BEICHENG,
        "140829102",
        2027,
    )
    stopped = dict(
        Application.objects.filter(last_year__isnull=False).values_list("pk", "last_year")
    )
    assert sorted(stopped.values()) == [2025, 2026]
    dead = Application.objects.get(last_year=2025)
    assert dead.stop_reason == "孩子于2025-12-06死亡"
    assert Person.objects.get(pk=dead.child_id).status == Person.Status.DECEASED


def test_demo_ids_are_valid_and_birth_certificates_unique(small_demo):
    children = Application.objects.values_list(
        "child__resident_id", "child_birth_date", "birth_certificate"
    )
    for number, born, _certificate in children:
        parsed = core_rules.resident_id_parse(number, today=DEMO_TODAY)
        assert parsed.birth_date == born
        assert dt.date(2022, 1, 1) <= born <= dt.date(2026, 10, 31)
    certificates = [c for _n, _b, c in children]
    assert len(set(certificates)) == len(certificates)


def test_the_paid_2025_batch_stores_the_sum_of_its_lines(small_demo):
    batch = PaymentBatch.objects.get(year=2025)
    totals = selectors.batch_totals(batch)
    lines = list(batch.lines.values_list("status", "amount_fen"))
    assert batch.status == PaymentBatch.Status.SETTLED
    assert batch.line_count == len(lines) == SCALES["small"].confirmed
    assert batch.total_fen == sum(fen for _s, fen in lines) == totals.amount_fen
    assert batch.paid_fen == sum(fen for s, fen in lines if s == "paid")
    assert (batch.paid_count, batch.failed_count) == (
        SCALES["small"].confirmed - SCALES["small"].failures,
        SCALES["small"].failures,
    )
    assert totals.matches(batch)
    assert not batch.lines.filter(status="failed", failure_reason="").exists()
    assert list(batch.decisions.values_list("outcome", "actor__username")) == [
        ("approve", "finance2")
    ]


def test_the_2026_batch_waits_for_the_checker_finance2(small_demo):
    batch = PaymentBatch.objects.get(year=2026)
    assert (batch.status, batch.created_by.username) == (PaymentBatch.Status.BUILT, "finance")
    assert selectors.batch_totals(batch).matches(batch)
    assert batch.line_count == PaymentLine.objects.filter(batch=batch).count() > 0

    checker = User.objects.get(username="finance2")
    services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.APPROVED


def test_the_demo_citizen_is_a_mother_in_beicheng_who_can_apply(small_demo):
    citizen = User.objects.get(username="citizen")
    mother = citizen.person
    assert (mother.sex, mother.region.code) == ("F", BEICHENG)
    own = list(selectors.applications_of_citizen(citizen))
    assert [(a.status, a.relation) for a in own] == [("confirmed", "mother")]
    assert PaymentLine.objects.filter(application=own[0], year=2025, status="paid").count() == 1

    born = services.today() - dt.timedelta(days=120)
    second = services.application_submit(
        actor=citizen,
        data=services.ApplicationInput(
            child_name=mother.name[0] + "小妹",
            child_resident_id=core_rules.resident_id_build("140802", born, 2),
            birth_certificate="S140000001",
            region_code=BEICHENG,
            relation="mother",
            bank_name="中国农业银行运城分行",
            bank_account="6228480012345678901",
        ),
    )
    assert (second.status, second.applicant_id, second.filed_by_id) == (
        "submitted",
        mother.pk,
        citizen.pk,
    )
