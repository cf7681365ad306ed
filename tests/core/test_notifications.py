"""The citizen's inbox (issue 16 item 6): every change of state that concerns a citizen leaves
exactly one message for them (none for anyone else), written in the service's transaction
after its Event; e-mailed through Django's backend only when the account has an address; a
bank's result writes its messages in bulk and e-mails them from a background task."""

# ruff: noqa: F811 - the modules' fixtures are imported, then named as test arguments

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail

from huimin.core import services as core_services
from huimin.core.models import Event, Notification, User
from huimin.disability import services as disability_services
from huimin.disability.models import Case
from huimin.subsidy import services as subsidy_services
from huimin.subsidy.models import Application, PaymentBatch
from huimin.wildlife import services as wildlife_services
from huimin.wildlife.models import Claim
from tests.disability.conftest import (  # noqa: F401 - fixtures
    VISIT_DAY,
    disabled,
    doctor,
    federation,
    request_input,
    reviewer,
    team,
    villages,
    visit_input,
    walk,
)
from tests.disability.conftest import at as disability_at
from tests.subsidy.conftest import (  # noqa: F401 - fixtures
    apply,
    checker,
    confirmed,
    county,
    guardian,
    maker,
    today,
    township,
)
from tests.wildlife.conftest import (  # noqa: F401 - fixtures
    MONDAY,
    adjuster,
    admin_user,
    agreed,
    farmer,
    farmer_person,
    policy,
    report,
    surveyed,
)


def inbox(user: User) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("title", "url")
    )


def titles(user: User) -> list[str]:
    return [t for t, _u in inbox(user)]


@pytest.fixture
def other_citizen(make_person, make_user) -> User:
    person = make_person("140802100", name="赵敏", sex="F", birth=dt.date(1991, 1, 2))
    return make_user("zhaomin", User.Role.CITIZEN, (), person=person, email="zhaomin@example.cn")


# --------------------------------------------------------------------------- subsidy


def test_each_step_of_a_subsidy_application_leaves_one_message_for_the_guardian(
    apply, guardian, township, county, other_citizen
):
    application = apply(child_name="王小明")
    assert titles(guardian) == ["育儿补贴申请已受理"]
    subsidy_services.application_review(actor=township, application_id=application.pk, approve=True)
    assert titles(guardian) == ["育儿补贴申请已受理", "育儿补贴申请已通过乡镇审核"]
    subsidy_services.application_confirm(actor=county, application_id=application.pk, approve=True)
    url = f"/subsidy/apply/#application-{application.pk}"
    assert inbox(guardian) == [
        ("育儿补贴申请已受理", url),
        ("育儿补贴申请已通过乡镇审核", url),
        ("育儿补贴申请已确认", url),
    ]
    assert inbox(other_citizen) == []
    assert not Notification.objects.exclude(recipient=guardian).exists()  # officials neither
    # each message is tied to the Event of its change
    message = Notification.objects.filter(recipient=guardian).latest("id")
    assert message.event is not None
    assert (message.event.to_status, message.event.object_id) == ("confirmed", application.pk)
    assert (message.content_type.model, message.object_id) == ("application", application.pk)


def test_a_refusal_tells_the_guardian_the_reason(apply, guardian, township):
    application = apply(child_name="王小红")
    subsidy_services.application_review(
        actor=township, application_id=application.pk, approve=False, reason="出生医学证明编号有误"
    )
    message = Notification.objects.filter(recipient=guardian).latest("id")
    assert message.title == "育儿补贴申请未通过"
    assert "出生医学证明编号有误" in message.body
    assert Notification.objects.filter(recipient=guardian).count() == 2


def test_a_refused_change_leaves_no_message(apply, guardian, county):
    application = apply()
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the county cannot skip the township
        subsidy_services.application_confirm(
            actor=county, application_id=application.pk, approve=True
        )
    assert Notification.objects.count() == before


def test_an_application_filed_at_the_counter_for_someone_without_an_account_tells_nobody(
    township, make_person, today
):
    mother = make_person("140802100", name="刘娟", sex="F", birth=dt.date(1993, 2, 3))
    from tests.subsidy.conftest import child_id

    subsidy_services.application_submit(
        actor=township,
        data=subsidy_services.ApplicationInput(
            child_name="刘小宝",
            child_resident_id=child_id(dt.date(2024, 6, 1)),
            birth_certificate="Q150000001",
            region_code="140802100",
            relation="mother",
            bank_name="中国农业银行运城分行",
            bank_account="6228480012345678901",
            applicant_resident_id=mother.resident_id,
            applicant_name=mother.name,
        ),
    )
    assert Notification.objects.count() == 0


def test_a_bank_result_writes_one_message_per_line_in_bulk_and_emails_them_in_the_background(
    confirmed, guardian, maker, checker, other_citizen, django_capture_on_commit_callbacks
):
    guardian.email = "wangli@example.cn"
    guardian.save(update_fields=["email"])
    for name, birth in (("甲", dt.date(2023, 10, 21)), ("乙", dt.date(2024, 12, 31))):
        confirmed(birth, child_name=name)
    before = Notification.objects.filter(recipient=guardian).count()
    batch = subsidy_services.batch_create(actor=maker, year=2025, region_code="140800")
    subsidy_services.batch_run(batch_id=batch.pk)
    subsidy_services.batch_decide(actor=checker, batch_id=batch.pk, approve=True)
    failed = batch.lines.get(child__name="乙")
    results = [
        subsidy_services.BankResult(
            line_id=pk, paid=pk != failed.pk, reason="账户已销户" if pk == failed.pk else ""
        )
        for pk in batch.lines.values_list("pk", flat=True)
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        subsidy_services.batch_result_apply(
            actor=maker, batch_id=batch.pk, results=results, file_name="回盘.xlsx", sha256="x1"
        )
    assert PaymentBatch.objects.get(pk=batch.pk).status == PaymentBatch.Status.SETTLED
    rows = Notification.objects.filter(recipient=guardian).order_by("id")[before:]
    new = [(n.title, n.body, n.emailed_at) for n in rows]
    new_ids = [n.pk for n in rows]
    assert [(t, "甲" in b, "乙" in b) for t, b, _e in new] == [
        ("育儿补贴已发放", True, False),
        ("育儿补贴发放失败", False, True),
    ]
    assert "3,600元" in new[0][1]
    assert "账户已销户" in new[1][1]
    assert all(e is not None for _t, _b, e in new)  # sent by the task, marked
    assert sorted(m.subject for m in mail.outbox) == [
        "【惠民】育儿补贴发放失败",
        "【惠民】育儿补贴已发放",
    ]
    assert {tuple(m.to) for m in mail.outbox} == {("wangli@example.cn",)}
    assert inbox(other_citizen) == []
    # the task again sends nothing twice
    assert core_services.notification_emails_send(first_id=new_ids[0], last_id=new_ids[-1]) == 0


# --------------------------------------------------------------------------- e-mail


def test_a_message_is_emailed_once_committed_only_to_an_account_with_an_address(
    apply, guardian, township, county, django_capture_on_commit_callbacks
):
    application = apply()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        subsidy_services.application_review(
            actor=township, application_id=application.pk, approve=True
        )
    assert mail.outbox == []  # no address
    assert Notification.objects.filter(recipient=guardian, emailed_at__isnull=False).count() == 0

    guardian.email = "wangli@example.cn"
    guardian.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        subsidy_services.application_confirm(
            actor=county, application_id=application.pk, approve=True
        )
    assert len(callbacks) >= 1
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("【惠民】育儿补贴申请已确认", ["wangli@example.cn"])
    ]
    assert f"/subsidy/apply/#application-{application.pk}" in mail.outbox[0].body
    message = Notification.objects.filter(recipient=guardian).latest("id")
    assert message.emailed_at is not None


def test_an_email_that_fails_is_logged_and_the_message_stays(
    apply, guardian, township, county, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    guardian.email = "wangli@example.cn"
    guardian.save(update_fields=["email"])
    application = apply()

    def refuse(self, fail_silently=False):  # noqa: ANN001, ARG001
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with caplog.at_level(logging.ERROR, "huimin.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            subsidy_services.application_review(
                actor=township, application_id=application.pk, approve=True
            )
    assert Application.objects.get(pk=application.pk).status == "township_approved"
    message = Notification.objects.filter(recipient=guardian).latest("id")
    assert (message.title, message.emailed_at) == ("育儿补贴申请已通过乡镇审核", None)
    assert "not sent" in caplog.text


# --------------------------------------------------------------------------- wildlife


def test_each_step_of_a_wildlife_claim_leaves_one_message_for_the_farmer(
    surveyed, farmer, adjuster, other_citizen
):
    claim = surveyed()
    assert titles(farmer) == ["野生动物致害报案已接案", "查勘定损完成，请确认金额"]
    assert "定损金额" in Notification.objects.filter(recipient=farmer).latest("id").body
    wildlife_services.claim_confirm(actor=farmer, claim_id=claim.pk, at=MONDAY)
    assert len(titles(farmer)) == 2  # the farmer's own confirmation tells them nothing
    batch = wildlife_services.batch_create(actor=adjuster, policy_id=claim.policy_id, at=MONDAY)
    assert titles(farmer)[-1] == "赔款已列入发放批次"
    line = batch.lines.get()
    wildlife_services.batch_result_apply(
        actor=adjuster,
        batch_id=batch.pk,
        results=[wildlife_services.LineResult(line.pk, True)],
        at=MONDAY,
    )
    assert titles(farmer) == [
        "野生动物致害报案已接案",
        "查勘定损完成，请确认金额",
        "赔款已列入发放批次",
        "野生动物致害赔款已发放",
    ]
    assert {u for _t, u in inbox(farmer)} == {f"/wildlife/claims/{claim.pk}/"}
    assert inbox(other_citizen) == []
    assert Notification.objects.exclude(recipient=farmer).count() == 0


def test_a_refused_claim_tells_the_farmer_why(report, farmer, adjuster):
    claim = report()
    wildlife_services.claim_reject(
        actor=adjuster, claim_id=claim.pk, exclusion="provoked", note="驱赶时被咬"
    )
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.REJECTED
    message = Notification.objects.get(recipient=farmer)
    assert message.title == "野生动物致害报案不予受理"
    assert "驱赶时被咬" in message.body


# --------------------------------------------------------------------------- disability


def test_each_step_of_a_disability_case_tells_the_person_once(
    walk, disabled_with_account, other_citizen
):
    case = walk(disabled_with_account.person, Case.Status.CERTIFIED)
    assert titles(disabled_with_account) == [
        "上门办证已排期",
        "评残结果已出",
        "评残结果公示中",
        "县级审核通过，待发证",
        "残疾人证已发放",
    ]
    scheduled = Notification.objects.filter(recipient=disabled_with_account).order_by("id").first()
    assert scheduled is not None
    assert f"{VISIT_DAY:%Y年%m月%d日}" in scheduled.body
    issued = Notification.objects.filter(recipient=disabled_with_account).latest("id")
    assert case.person.resident_id in issued.body
    assert inbox(other_citizen) == []
    assert Notification.objects.exclude(recipient=disabled_with_account).count() == 0


def test_an_objection_reopens_the_case_and_says_so(walk, disabled_with_account, federation):
    case = walk(disabled_with_account.person, Case.Status.POSTED)
    disability_services.case_object(
        actor=federation,
        case_id=case.pk,
        raised_by_name="李建军",
        reason="等级偏重",
        on=VISIT_DAY,
    )
    assert titles(disabled_with_account)[-1] == "评残结果有异议，将重新评定"
    assert len(titles(disabled_with_account)) == 4


def test_a_relative_who_asked_is_told_too_and_each_only_once(
    make_person, make_user, villages, federation, team, disabled_with_account
):
    son_person = make_person("140822100202", name="张建国", birth=dt.date(1975, 4, 4))
    son = make_user("zhangjg", User.Role.CITIZEN, (), person=son_person)
    case = disability_services.case_request(
        actor=son,
        data=request_input(disabled_with_account.person),
        at=disability_at(VISIT_DAY - dt.timedelta(days=3)),
    )
    disability_services.case_schedule(actor=federation, case_id=case.pk, team_id=team.pk)
    assert titles(son) == ["上门办证已排期"]
    assert titles(disabled_with_account) == ["上门办证已排期"]
    event = Event.objects.filter(object_id=case.pk, to_status="scheduled").get()
    assert set(Notification.objects.values_list("event_id", flat=True)) == {event.pk}


@pytest.fixture
def disabled_with_account(disabled, make_user) -> User:
    return make_user("lixiuying", User.Role.CITIZEN, (), person=disabled)


# --------------------------------------------------------------------------- reading


def test_only_the_recipient_marks_a_message_read(apply, guardian, other_citizen):
    apply()
    message = Notification.objects.get(recipient=guardian)
    from huimin.core.errors import NotFound

    with pytest.raises(NotFound):
        core_services.notification_read(user=other_citizen, notification_id=message.pk)
    message.refresh_from_db()
    assert message.read_at is None
    core_services.notification_read(user=guardian, notification_id=message.pk)
    message.refresh_from_db()
    assert message.read_at is not None
