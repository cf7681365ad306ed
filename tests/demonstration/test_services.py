"""Rubrics, rounds, applications, scoring, decisions, awards and titles through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from huimin.childcare.models import Finding, InclusiveRecognition
from huimin.core.errors import (
    Duplicate,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    LimitExceeded,
    NotFound,
)
from huimin.demonstration import selectors, services
from huimin.demonstration.models import (
    Application,
    Assignment,
    Award,
    AwardDecision,
    Conflict,
    Item,
    ItemScore,
    Round,
    Title,
)
from huimin.supervision.models import Conflict as InspectorConflict
from huimin.supervision.models import CreditRating

pytestmark = pytest.mark.django_db

A = Application.Status


def snapshot(round_id: int) -> tuple:
    r = Round.objects.get(pk=round_id)
    return (
        r.reserved_fen,
        r.paid_fen,
        list(Award.objects.values_list("pk", "status", "paid_by_id")),
        AwardDecision.objects.count(),
        list(Application.objects.values_list("pk", "status")),
        Title.objects.count(),
    )


# --------------------------------------------------------------------------- rubrics


def test_default_rubric_has_7_dimensions_1000_points_and_veto_items(demo_setup):
    rubric = demo_setup.rubric
    assert rubric.dimensions.count() == 7
    assert sum(i.points for i in rubric.items.all()) == 1000
    assert sorted(rubric.items.filter(veto=True).values_list("code", flat=True)) == [
        "V1",
        "V2",
        "V3",
    ]


def test_a_published_rubric_in_use_cannot_be_edited(demo_setup):
    rubric = demo_setup.rubric
    assert rubric.rounds.exists()  # in use by the round
    before = list(Item.objects.filter(rubric=rubric).values_list("code", "text", "points"))
    with pytest.raises(InvalidTransition, match="已发布，不能再修改"):
        services.rubric_item_set(
            actor=demo_setup.admin, rubric_id=rubric.pk, code="1.1", text="改过的内容", points=10
        )
    with pytest.raises(InvalidTransition):
        services.rubric_publish(actor=demo_setup.admin, rubric_id=rubric.pk)
    assert list(Item.objects.filter(rubric=rubric).values_list("code", "text", "points")) == before


def test_a_new_version_is_an_editable_copy_and_the_old_stays(demo_setup):
    rubric = demo_setup.rubric
    draft = services.rubric_new_version(actor=demo_setup.admin, rubric_id=rubric.pk)
    assert (draft.version, draft.status) == (2, "draft")
    services.rubric_item_set(
        actor=demo_setup.admin, rubric_id=draft.pk, code="1.1", text="场地面积达标", points=60
    )
    assert draft.items.get(code="1.1").text == "场地面积达标"
    assert rubric.items.get(code="1.1").text == "场地面积、功能分区符合设置标准"
    # a draft whose dimension no longer adds up cannot be published
    services.rubric_item_set(
        actor=demo_setup.admin, rubric_id=draft.pk, code="1.1", text="场地面积达标", points=50
    )
    with pytest.raises(InvalidInput, match="办托条件"):
        services.rubric_publish(actor=demo_setup.admin, rubric_id=draft.pk)


def test_only_a_published_rubric_opens_a_round_and_a_city_award_is_at_least_50000(demo_setup):
    draft = services.rubric_new_version(actor=demo_setup.admin, rubric_id=demo_setup.rubric.pk)
    data = services.RoundInput(
        name="试点",
        level="city",
        rubric_id=draft.pk,
        deadline=timezone.localdate(),
        award_fen=50_000_00,
        budget_fen=0,
    )
    with pytest.raises(InvalidInput, match="已发布"):
        services.round_open(actor=demo_setup.admin, data=data)
    low = services.RoundInput(
        **{**data.__dict__, "rubric_id": demo_setup.rubric.pk, "award_fen": 40_000_00}
    )
    with pytest.raises(InvalidInput, match="不低于50,000元"):
        services.round_open(actor=demo_setup.admin, data=low)
    with pytest.raises(Forbidden):
        services.round_open(actor=demo_setup.admin_yanhu, data=low)


# --------------------------------------------------------------------------- applications


def test_an_eligible_application_is_submitted(demo_setup, walk):
    application = walk(totals=None)
    assert application.status == A.RECOMMENDED
    assert application.refusals == []
    assert application.region == demo_setup.institutions[0].region


def test_eligibility_is_checked_automatically(demo_setup):
    s = demo_setup
    InclusiveRecognition.objects.filter(institution=s.institutions[1]).delete()
    CreditRating.objects.create(
        institution=s.institutions[2], score=40, level="D", contributions={}, reason="测试"
    )
    Finding.objects.create(
        institution=s.institutions[0],
        rule="safety",
        severity=Finding.Severity.SERIOUS,
        subject="消防",
        message="消防通道堵塞",
        found="堵塞",
        required="畅通",
    )
    codes = []
    for n in range(3):
        application = services.application_submit(
            actor=s.operators[n], round_id=s.round.pk, self_score=900, self_assessment="自评"
        )
        assert application.status == A.INELIGIBLE
        codes.append([r["code"] for r in application.refusals])
    assert codes == [["veto_finding"], ["not_inclusive"], ["credit_barred"]]


def test_one_application_per_round_and_none_after_the_deadline(demo_setup):
    s = demo_setup
    services.application_submit(
        actor=s.operators[0], round_id=s.round.pk, self_score=900, self_assessment="自评"
    )
    with pytest.raises(Duplicate):
        services.application_submit(
            actor=s.operators[0], round_id=s.round.pk, self_score=900, self_assessment="自评"
        )
    Round.objects.filter(pk=s.round.pk).update(deadline=timezone.localdate() - dt.timedelta(1))
    with pytest.raises(InvalidTransition, match="已截止"):
        services.application_submit(
            actor=s.operators[1], round_id=s.round.pk, self_score=900, self_assessment="自评"
        )


def test_only_the_own_county_recommends(demo_setup):
    s = demo_setup
    application = services.application_submit(
        actor=s.operators[0], round_id=s.round.pk, self_score=900, self_assessment="自评"
    )
    with pytest.raises(NotFound):
        services.application_recommend(
            actor=s.other_official, application_id=application.pk, recommend=True
        )
    with pytest.raises(Forbidden):  # the city sees it but does not recommend
        services.application_recommend(actor=s.admin, application_id=application.pk, recommend=True)
    with pytest.raises(InvalidInput, match="县级意见"):
        services.application_recommend(
            actor=s.official, application_id=application.pk, recommend=False
        )
    application.refresh_from_db()
    assert application.status == A.SUBMITTED


# --------------------------------------------------------------------------- evaluators


def test_an_evaluator_with_a_conflict_is_never_assigned(demo_setup, walk):
    s = demo_setup
    application = walk(totals=None)
    Conflict.objects.create(
        evaluator=s.evaluators[1], institution=s.institutions[0], reason="曾任该机构顾问"
    )
    ids = [e.pk for e in s.evaluators[:3]]
    with pytest.raises(InvalidInput, match="吴海峰与盐湖区综合托育服务中心有利害关系"):
        services.evaluators_assign(actor=s.admin, application_id=application.pk, evaluator_ids=ids)
    InspectorConflict.objects.create(
        inspector=s.evaluators[3], institution=s.institutions[0], reason="亲属任职"
    )
    with pytest.raises(InvalidInput, match="冯志远"):
        services.evaluators_assign(
            actor=s.admin,
            application_id=application.pk,
            evaluator_ids=[s.evaluators[0].pk, s.evaluators[2].pk, s.evaluators[3].pk],
        )
    with pytest.raises(InvalidInput, match="至少指派3名"):
        services.evaluators_assign(
            actor=s.admin, application_id=application.pk, evaluator_ids=ids[:2]
        )
    with pytest.raises(Forbidden):  # sees 盐湖区's application, may not act on the city's round
        services.evaluators_assign(
            actor=s.admin_yanhu, application_id=application.pk, evaluator_ids=ids
        )
    assert Assignment.objects.count() == 0
    application.refresh_from_db()
    assert application.status == A.RECOMMENDED


def test_an_evaluator_sees_only_their_assignments(demo_setup, walk):
    s = demo_setup
    application = walk(totals=("880", "900", "910"))
    assert selectors.application_list_for_user(user=s.evaluators[0]).count() == 1
    assert selectors.application_list_for_user(user=s.evaluators[4]).count() == 0
    with pytest.raises(NotFound):
        selectors.application_get_for_user(user=s.evaluators[4], application_id=application.pk)


# --------------------------------------------------------------------------- scoring


def test_combined_score_worked_example_traceable_to_items(demo_setup, walk):
    application = walk(totals=("860", "930", "812", "845.5", "871"))
    assert application.status == A.SCORED
    assert application.score == Decimal("858.8")  # (845.5 + 860 + 871) / 3, drop 812 and 930
    assert application.grade == "B"
    assert not application.vetoed
    for assignment in application.assignments.all():
        items = ItemScore.objects.filter(assignment=assignment)
        assert assignment.total == sum(i.points for i in items)
        assert items.filter(item__veto=False).count() == 19


def test_mean_rule_with_three_evaluators(demo_setup, walk):
    Round.objects.filter(pk=demo_setup.round.pk).update(combine="mean")
    application = walk(totals=("800", "850", "905"))
    assert application.score == Decimal("851.7")


def test_a_score_above_an_items_points_is_refused_and_nothing_saved(demo_setup, walk):
    s = demo_setup
    application = walk(totals=None)
    services.evaluators_assign(
        actor=s.admin, application_id=application.pk, evaluator_ids=[e.pk for e in s.evaluators[:3]]
    )
    assignment = Assignment.objects.get(application=application, evaluator=s.evaluators[0])
    item = Item.objects.get(rubric=s.rubric, code="1.1")
    with pytest.raises(InvalidInput, match="1.1的得分应在0至60分之间"):
        services.assignment_score(
            actor=s.evaluators[0], assignment_id=assignment.pk, points={item.pk: "61"}
        )
    with pytest.raises(InvalidInput, match="请为"):
        services.assignment_score(
            actor=s.evaluators[0], assignment_id=assignment.pk, points={item.pk: "50"}, submit=True
        )
    with pytest.raises(NotFound):  # another evaluator's assignment
        services.assignment_score(
            actor=s.evaluators[1], assignment_id=assignment.pk, points={item.pk: "50"}
        )
    assert ItemScore.objects.filter(assignment=assignment).count() == 0


def test_a_veto_item_fails_an_application_whatever_its_score(demo_setup, walk):
    s = demo_setup
    application = walk(totals=("990", "995", "1000"), veto_by=(2,))
    assert application.score == Decimal("995.0")
    assert application.vetoed
    before = snapshot(s.round.pk)
    with pytest.raises(InvalidInput, match="一票否决"):
        services.application_decide(actor=s.admin, application_id=application.pk, approve=True)
    assert snapshot(s.round.pk) == before
    services.application_decide(
        actor=s.admin, application_id=application.pk, approve=False, reason="一票否决"
    )
    assert Application.objects.get(pk=application.pk).status == A.FAILED


def test_a_score_below_the_pass_mark_cannot_be_approved(demo_setup, walk):
    application = walk(totals=("800", "820", "840"))
    with pytest.raises(InvalidInput, match="低于合格分850"):
        services.application_decide(
            actor=demo_setup.admin, application_id=application.pk, approve=True
        )


# --------------------------------------------------------------------------- decisions, awards


def test_approval_reserves_the_award_and_starts_a_title(demo_setup, walk):
    s = demo_setup
    application = walk()
    services.application_decide(actor=s.admin, application_id=application.pk, approve=True)
    r = Round.objects.get(pk=s.round.pk)
    assert (r.reserved_fen, r.paid_fen, r.left_fen) == (50_000_00, 0, 620_000_00)
    award = Award.objects.get(application=application)
    assert (award.amount_fen, award.status) == (50_000_00, "reserved")
    title = Title.objects.get(application=application)
    today = timezone.localdate()
    assert (title.level, title.valid_from) == ("city", today)
    assert title.valid_to == today.replace(year=today.year + 3) - dt.timedelta(days=1)
    assert list(selectors.titles_current()) == [title]


def test_approval_beyond_the_budget_is_refused_and_nothing_changes(demo_setup, walk):
    s = demo_setup
    Round.objects.filter(pk=s.round.pk).update(budget_fen=49_999_99)
    application = walk()
    before = snapshot(s.round.pk)
    with pytest.raises(LimitExceeded, match="预算余额49,999.99元"):
        services.application_decide(actor=s.admin, application_id=application.pk, approve=True)
    assert snapshot(s.round.pk) == before


def test_seeing_is_not_acting_for_decisions_payments_and_revocation(demo_setup, walk):
    s = demo_setup
    application = walk()
    assert selectors.application_get_for_user(user=s.admin_yanhu, application_id=application.pk)
    before = snapshot(s.round.pk)
    with pytest.raises(Forbidden):
        services.application_decide(
            actor=s.admin_yanhu, application_id=application.pk, approve=True
        )
    assert snapshot(s.round.pk) == before
    services.application_decide(actor=s.admin, application_id=application.pk, approve=True)
    award = Award.objects.get(application=application)
    assert selectors.award_get_for_user(user=s.finance_yanhu, award_id=award.pk)
    before = snapshot(s.round.pk)
    with pytest.raises(Forbidden):
        services.award_pay_request(actor=s.finance_yanhu, award_id=award.pk)
    assert snapshot(s.round.pk) == before
    title = Title.objects.get(application=application)
    with pytest.raises(Forbidden):
        services.title_revoke(actor=s.admin_yanhu, title_id=title.pk, reason="严重问题")


def test_payment_needs_two_finance_officers(demo_setup, walk):
    s = demo_setup
    application = walk()
    services.application_decide(actor=s.admin, application_id=application.pk, approve=True)
    award = Award.objects.get(application=application)
    services.award_pay_request(actor=s.finance, award_id=award.pk)
    before = snapshot(s.round.pk)
    with pytest.raises(Forbidden, match="不能复核自己"):
        services.award_pay_decide(actor=s.finance, award_id=award.pk, approve=True)
    assert snapshot(s.round.pk) == before  # a refused payment changes nothing
    services.award_pay_decide(actor=s.finance2, award_id=award.pk, approve=True)
    r = Round.objects.get(pk=s.round.pk)
    assert (r.reserved_fen, r.paid_fen) == (0, 50_000_00)
    award.refresh_from_db()
    assert (award.status, award.requested_by, award.paid_by) == ("paid", s.finance, s.finance2)
    assert list(award.decisions.values_list("step", flat=True)) == ["request", "approve"]
    with pytest.raises(InvalidTransition):
        services.award_pay_decide(actor=s.finance2, award_id=award.pk, approve=True)


def test_a_returned_payment_changes_no_money(demo_setup, walk):
    s = demo_setup
    application = walk()
    services.application_decide(actor=s.admin, application_id=application.pk, approve=True)
    award = Award.objects.get(application=application)
    services.award_pay_request(actor=s.finance, award_id=award.pk)
    with pytest.raises(InvalidInput, match="意见"):
        services.award_pay_decide(actor=s.finance2, award_id=award.pk, approve=False)
    services.award_pay_decide(
        actor=s.finance2, award_id=award.pk, approve=False, reason="收款账户待核实"
    )
    r = Round.objects.get(pk=s.round.pk)
    assert (r.reserved_fen, r.paid_fen) == (50_000_00, 0)
    award.refresh_from_db()
    assert (award.status, award.paid_by) == ("reserved", None)


def test_the_database_refuses_a_ledger_above_the_budget(demo_setup):
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=demo_setup.round.pk).update(paid_fen=670_000_01)


# --------------------------------------------------------------------------- titles


def test_a_title_is_revoked_only_after_a_serious_finding(demo_setup, walk):
    s = demo_setup
    application = walk()
    services.application_decide(actor=s.admin, application_id=application.pk, approve=True)
    title = Title.objects.get(application=application)
    with pytest.raises(InvalidInput, match="没有严重问题"):
        services.title_revoke(actor=s.admin, title_id=title.pk, reason="复核")
    Finding.objects.create(
        institution=s.institutions[0],
        rule="safety",
        severity=Finding.Severity.SERIOUS,
        subject="监控",
        message="监控未全覆盖",
        found="60%",
        required="100%",
    )
    services.title_revoke(actor=s.admin, title_id=title.pk, reason="监控未全覆盖，严重问题")
    title.refresh_from_db()
    assert (title.status, title.revoked_by) == ("revoked", s.admin)
    assert list(selectors.titles_current()) == []
