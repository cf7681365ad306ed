"""The supervision part of the small demo city: every draw verifies (and a changed candidate
does not), inspections and letters in every state, conflicts never drawn, complaints, a credit
rating for every filed institution, all made through the services."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from huimin.childcare.models import Institution, OperatorBinding
from huimin.core.demo import DEMO_ACCOUNTS
from huimin.core.models import User
from huimin.supervision import selectors
from huimin.supervision.models import (
    Complaint,
    Conflict,
    CreditRating,
    DrawCandidate,
    DrawPlan,
    Evidence,
    Inspection,
    InspectionInspector,
    OpinionLetter,
)
from tests.demo_snapshot import demo_city

DEMO_TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo city, built once for this module in a transaction rolled back after it
    (each test still runs in its own savepoint through ``db``)."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        demo_city(seed=2025, scale="small", today=DEMO_TODAY, log=lambda _: None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def small_demo(_built, db):
    return None


def verify_all() -> str:
    out = StringIO()
    call_command("supervision_verify_draw", "--all", stdout=out, no_color=True)
    return out.getvalue()


def test_every_demo_draw_verifies(small_demo):
    drawn = list(DrawPlan.objects.filter(status="drawn").order_by("pk"))
    assert [(p.region.code, p.by_county) for p in drawn] == [("140800", True), ("140802", False)]

    printed = verify_all()

    assert printed.count("  结论：一致\n") == len(drawn) == 2
    assert "不一致（" not in printed
    assert printed.endswith("共复核 2 个已抽取的计划：2 个一致，0 个不一致。\n")
    assert DrawPlan.objects.filter(status="locked").count() == 1


def test_a_demo_candidate_whose_weight_changes_fails_verification_with_status_1(small_demo):
    plan = DrawPlan.objects.filter(status="drawn").order_by("pk").first()
    candidate = DrawCandidate.objects.filter(plan=plan).order_by("pk").first()
    candidate.weight += 1
    candidate.save()
    out = StringIO()

    with pytest.raises(CommandError) as info:
        call_command("supervision_verify_draw", "--all", stdout=out, no_color=True)

    assert info.value.returncode == 1
    assert str(info.value) == f"抽取复核不一致：计划 #{plan.pk}。"
    printed = out.getvalue()
    assert "  对象库与人员库摘要：不一致（" in printed
    assert printed.count("  结论：不一致\n") == 1
    assert printed.endswith("共复核 2 个已抽取的计划：1 个一致，1 个不一致。\n")


def test_the_city_draw_takes_one_institution_per_county_with_two_inspectors_each(small_demo):
    plan = DrawPlan.objects.get(status="drawn", region__code="140800")
    # the demonstration demo's 16 institutions are added after the draw
    filed = Institution.objects.filter(status="filed", demonstration_titles__isnull=True)
    assert plan.candidate_count == filed.count() == 11
    counties = [i.institution.region.path.split("/")[1] for i in plan.inspections.all()]
    assert sorted(counties) == sorted({i.region.path.split("/")[1] for i in filed})
    for inspection in Inspection.objects.all():
        assert inspection.crew.count() == 2


def test_inspections_and_letters_are_in_every_state(small_demo):
    states = set(Inspection.objects.values_list("status", "outcome"))
    assert states == {
        ("assigned", ""),
        ("completed", "pass"),
        ("completed", "warning"),
        ("completed", "rectify"),
    }
    letters = sorted(OpinionLetter.objects.values_list("status", "rounds"))
    assert letters == [
        ("accepted", 1),
        ("issued", 1),
        ("issued", 2),  # evidence not enough: ordered again
        ("overdue", 1),  # the demo operator's: 盐湖区's official sees it escalated
        ("overdue", 1),
        ("submitted", 1),
    ]
    for overdue in OpinionLetter.objects.filter(status="overdue"):
        assert overdue.escalated_at is not None
        assert overdue.deadline < DEMO_TODAY
    for letter in OpinionLetter.objects.filter(status="issued"):
        assert letter.deadline >= DEMO_TODAY
    assert OpinionLetter.objects.get(status="accepted").closed_on is not None
    evidence = Evidence.objects.all()
    assert evidence.count() == 3  # the submitted, the accepted and the reordered letters'
    for row in evidence:
        with row.file.open("rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_results_are_published_and_a_warning_never_is(small_demo):
    warning = Inspection.objects.get(outcome="warning")
    assert (warning.published_on, warning.publish_due) == (None, None)
    published = Inspection.objects.filter(published_on__isnull=False)
    assert published.count() >= 2
    assert set(published.values_list("outcome", flat=True)) <= {"pass", "rectify"}
    pending = Inspection.objects.filter(
        status="completed", published_on__isnull=True, outcome="pass"
    )
    assert pending.exists()  # completed on the demo day: that night's run publishes it
    assert list(selectors.public_inspections()) == list(published.order_by("-published_on", "-pk"))


def test_no_demo_result_is_late_each_published_by_the_run_of_its_day(small_demo):
    completed = Inspection.objects.filter(status="completed").exclude(outcome="warning")
    assert completed.count() >= 5
    for inspection in completed:
        if inspection.published_on is None:
            assert inspection.inspected_on == DEMO_TODAY
        elif inspection.published_on <= DEMO_TODAY:  # not the official's own publication
            assert inspection.published_on == inspection.inspected_on
        assert inspection.publish_due > DEMO_TODAY or inspection.published_on is not None
    yanhu = User.objects.get(username="yanhu")
    assert list(selectors.inspections_publish_overdue_for_user(user=yanhu, today=DEMO_TODAY)) == []


def test_plans_locked_after_the_same_close_show_the_same_public_value(small_demo):
    values: dict[str, set[str]] = {}
    for value in DrawPlan.objects.exclude(public_value="").values_list("public_value", flat=True):
        day, _sep, close = value.partition("上证指数收盘")
        values.setdefault(day, set()).add(close)
    assert sum(len(v) for v in values.values()) >= 2
    assert {day: len(closes) for day, closes in values.items()} == dict.fromkeys(values, 1)


def test_the_demo_operator_has_an_overdue_letter_to_answer_and_yanhu_sees_it(small_demo):
    operator = User.objects.get(username="operator")
    centre = OperatorBinding.objects.get(user=operator).institution
    letter = OpinionLetter.objects.get(institution=centre)
    assert (letter.status, letter.number) == ("overdue", "运盐卫监意〔2026〕第0001号")
    assert list(selectors.letter_list_for_user(user=operator)) == [letter]
    yanhu = User.objects.get(username="yanhu")
    assert list(selectors.letters_escalated_for_user(yanhu)) == [letter]


def test_declared_conflicts_are_never_drawn(small_demo):
    conflicts = list(Conflict.objects.values_list("inspector__username", "institution_id"))
    assert len(conflicts) >= 2
    assert "inspector3" in {username for username, _i in conflicts}
    for inspector_id, institution_id in Conflict.objects.values_list(
        "inspector_id", "institution_id"
    ):
        assert not InspectionInspector.objects.filter(
            inspector_id=inspector_id, inspection__institution_id=institution_id
        ).exists()


def test_complaints_are_substantiated_unfounded_and_open(small_demo):
    assert sorted(Complaint.objects.values_list("status", flat=True)) == [
        "open",
        "substantiated",
        "unfounded",
    ]


def test_every_filed_institution_has_a_credit_rating_and_they_differ(small_demo):
    filed = set(
        Institution.objects.filter(status="filed", demonstration_titles__isnull=True).values_list(
            "pk", flat=True
        )
    )  # the demonstration demo's 16 institutions are added after the ratings
    rated = set(CreditRating.objects.values_list("institution_id", flat=True))
    assert filed <= rated
    levels = {institution.credit_level for institution in selectors.public_credit()}
    assert len(levels) >= 3
    for overdue in OpinionLetter.objects.filter(status="overdue"):
        current = selectors.credit_current(overdue.institution)
        assert current is not None
        assert {c["code"]: c["count"] for c in current.contributions}["overdue_letters"] == 1


def test_the_demo_inspectors_log_in_and_the_others_cannot(small_demo):
    demo = {a.username for a in DEMO_ACCOUNTS if a.role == User.Role.INSPECTOR}
    assert demo == {"inspector", "inspector2", "inspector3"}
    inspectors = User.objects.filter(role=User.Role.INSPECTOR)
    assert {u.username for u in inspectors if u.has_usable_password()} == demo
    assert inspectors.count() > len(demo)
    chen = User.objects.get(username="inspector")
    assert selectors.inspection_list_for_user(user=chen).exists()
