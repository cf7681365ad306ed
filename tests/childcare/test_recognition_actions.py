"""A recognised (普惠) institution with open serious findings (issue 11, item 16): its pages say
it is recognised and at risk, and the county acts — a deadline to correct, suspension of the
operating subsidy, revocation, restoration — each an audited transition through
``recognition_transition`` (transition table, row lock, event row); refused actions change
nothing."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from huimin.childcare import selectors, services
from huimin.childcare.models import Finding, InclusiveRecognition, Institution
from huimin.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from huimin.core.models import Event, User

D = dt.date
R = InclusiveRecognition.Status


def events(obj) -> list[tuple[str | None, str, str, str]]:
    rows = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("pk")
    return [
        (e.actor.username if e.actor else None, e.from_status, e.to_status, e.reason) for e in rows
    ]


def state(recognition: InclusiveRecognition) -> tuple:
    """Everything a refused action must leave as it was."""
    recognition.refresh_from_db()
    return (
        recognition.status,
        recognition.correct_by,
        recognition.history.count(),
        Event.objects.count(),
    )


@pytest.fixture
def recognised(filed_institution, operator, yanhu_official, toddler_class, enrol):
    """Recognised on 2026-11-25 with one child enrolled, then its fire-safety manager is
    removed: one open serious finding."""
    enrol(toddler_class)
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    recognition = services.recognition_decide(
        actor=yanhu_official, recognition_id=application.pk, recognise=True, reasons="符合条件"
    )
    services.institution_update(
        actor=operator, institution_id=filed_institution.pk, fire_safety_manager=""
    )
    assert list(
        Finding.objects.filter(status="open", severity="serious").values_list("rule", flat=True)
    ) == ["fire_safety_manager"]
    return recognition


def act(actor: User, recognition: InclusiveRecognition, to_status: str, **kw):
    return services.recognition_transition(
        actor=actor,
        recognition_id=recognition.pk,
        to_status=to_status,
        reason=kw.pop("reason", "消防安全管理人空缺"),
        **kw,
    )


def monthly_fen(user: User, institution: Institution) -> int:
    return selectors.operating_subsidy_for_user(
        user=user, institution_id=institution.pk, today=D(2026, 11, 25)
    ).monthly_fen


# --------------------------------------------------------------------------- pages


def test_the_recognition_page_says_recognised_and_at_risk_and_offers_the_actions(
    client, recognised, yanhu_official
):
    client.force_login(yanhu_official)

    content = client.get(f"/childcare/recognitions/{recognised.pk}/").content.decode()

    assert "不符合条件" not in content
    assert "已认定为普惠托育机构，有效期 2026-11-25 至 2029-11-24。" in content
    assert "运营补贴照常发放：在托 1 人，每月 500 元。" in content
    assert "普惠认定面临风险：有未整改的严重合规问题" in content
    assert "消防安全管理人" in content
    for value, label in (
        ("correcting", "限期整改（保留认定和运营补贴）"),
        ("suspended", "暂停运营补贴"),
        ("revoked", "撤销普惠认定"),
    ):
        assert f'value="{value}"' in content
        assert label in content
    assert 'value="recognised"' not in content  # nothing to restore from


def test_the_institution_page_links_the_risk_to_the_recognition(client, recognised, yanhu_official):
    client.force_login(yanhu_official)

    content = client.get(f"/childcare/institutions/{recognised.institution_id}/").content.decode()

    assert "普惠认定面临风险：有 1 项未整改的严重合规问题。" in content
    assert f'href="/childcare/recognitions/{recognised.pk}/#standing"' in content


def test_the_countys_home_page_counts_recognised_institutions_at_risk(
    client, recognised, yanhu_official, operator
):
    stat = (
        '<div class="muted small">有严重问题的普惠机构</div><div class="stat">{n}</div>'
        '<div class="muted small">家，请处理其普惠认定</div>'
    )
    client.force_login(yanhu_official)
    assert stat.format(n=1) in client.get("/home/").content.decode()

    services.institution_update(
        actor=operator, institution_id=recognised.institution_id, fire_safety_manager="王强"
    )

    assert stat.format(n=0) in client.get("/home/").content.decode()


def test_the_operator_sees_the_risk_but_no_actions(client, recognised, operator):
    client.force_login(operator)

    content = client.get(f"/childcare/recognitions/{recognised.pk}/").content.decode()

    assert "普惠认定面临风险：有未整改的严重合规问题" in content
    assert 'name="to_status"' not in content


def test_the_county_suspends_the_subsidy_through_the_page(client, recognised, yanhu_official):
    client.force_login(yanhu_official)

    response = client.post(
        f"/childcare/recognitions/{recognised.pk}/",
        {"to_status": "suspended", "reason": "逾期未整改"},
    )

    assert response.status_code == 302
    recognised.refresh_from_db()
    assert recognised.status == R.SUSPENDED
    content = client.get(f"/childcare/recognitions/{recognised.pk}/").content.decode()
    assert "运营补贴已暂停，恢复前不予发放。" in content
    page = client.get(f"/childcare/institutions/{recognised.institution_id}/").content.decode()
    assert "运营补贴已暂停，恢复前不予发放。" in page


def test_a_page_action_without_a_reason_is_shown_and_changes_nothing(
    client, recognised, yanhu_official
):
    client.force_login(yanhu_official)
    before = state(recognised)

    response = client.post(
        f"/childcare/recognitions/{recognised.pk}/", {"to_status": "revoked", "reason": ""}
    )

    assert response.status_code == 200
    assert "请写明处理理由，机构将看到这段说明。" in response.content.decode()
    assert state(recognised) == before


# --------------------------------------------------------------------------- services


def test_a_deadline_to_correct_keeps_recognition_and_subsidy_with_an_event(
    recognised, yanhu_official
):
    paid = monthly_fen(yanhu_official, recognised.institution)

    done = act(yanhu_official, recognised, "correcting", correct_by=D(2026, 12, 25))

    done.refresh_from_db()
    assert (done.status, done.correct_by) == (R.CORRECTING, D(2026, 12, 25))
    assert events(done)[-1] == (
        "yanhu",
        "recognised",
        "correcting",
        "限期至2026-12-25整改：消防安全管理人空缺",
    )
    assert done.history.first().history_user == yanhu_official
    assert paid == 50_000
    assert monthly_fen(yanhu_official, recognised.institution) == 50_000
    assert selectors.recognition_current(recognised.institution, D(2026, 11, 25)) == done


def test_a_suspension_stops_the_subsidy_but_the_institution_stays_inclusive(
    recognised, yanhu_official
):
    done = act(yanhu_official, recognised, "suspended", reason="逾期未整改")

    assert events(done)[-1] == ("yanhu", "recognised", "suspended", "逾期未整改")
    assert monthly_fen(yanhu_official, recognised.institution) == 0
    assert selectors.recognition_current(recognised.institution, D(2026, 11, 25)) == done
    listed = selectors.institution_list_for_user(
        user=yanhu_official,
        today=D(2026, 11, 25),
        filters=selectors.InstitutionFilters(inclusive="yes"),
    )
    assert list(listed.values_list("pk", flat=True)) == [recognised.institution_id]


def test_a_revocation_ends_the_recognition_for_good(recognised, yanhu_official):
    act(yanhu_official, recognised, "correcting", correct_by=D(2026, 12, 25))
    done = act(yanhu_official, recognised, "revoked", reason="逾期仍未整改")

    assert [e[1:3] for e in events(done)] == [
        ("applied", "recognised"),
        ("recognised", "correcting"),
        ("correcting", "revoked"),
    ]
    assert selectors.recognition_current(recognised.institution, D(2026, 11, 25)) is None
    assert monthly_fen(yanhu_official, recognised.institution) == 0
    before = state(recognised)
    with pytest.raises(InvalidTransition):
        act(yanhu_official, recognised, "recognised")
    assert state(recognised) == before


def test_a_revocation_also_revokes_a_renewal_granted_to_follow_on(recognised, yanhu_official):
    renewal = InclusiveRecognition.objects.create(
        institution=recognised.institution,
        applied_by=yanhu_official,
        status=R.RECOGNISED,
        valid_from=D(2029, 11, 25),
        valid_to=D(2032, 11, 24),
    )

    act(yanhu_official, recognised, "revoked", reason="逾期仍未整改")

    renewal.refresh_from_db()
    assert renewal.status == R.REVOKED
    assert events(renewal) == [
        ("yanhu", "recognised", "revoked", f"随第{recognised.pk}号认定一并撤销：逾期仍未整改")
    ]
    assert selectors.recognition_current(recognised.institution, D(2030, 1, 1)) is None


def test_restoring_is_refused_while_a_serious_finding_is_open_and_allowed_after(
    recognised, yanhu_official, operator
):
    act(yanhu_official, recognised, "correcting", correct_by=D(2026, 12, 25))
    before = state(recognised)

    with pytest.raises(InvalidInput) as info:
        act(yanhu_official, recognised, "recognised", reason="已整改")

    assert info.value.message == "机构仍有1项未整改的严重合规问题，整改完成后才能恢复为已认定。"
    assert state(recognised) == before
    services.institution_update(
        actor=operator, institution_id=recognised.institution_id, fire_safety_manager="王强"
    )
    done = act(yanhu_official, recognised, "recognised", reason="已整改")
    done.refresh_from_db()
    assert (done.status, done.correct_by) == (R.RECOGNISED, None)
    assert events(done)[-1] == ("yanhu", "correcting", "recognised", "已整改")


@pytest.mark.parametrize(
    ("to_status", "kw", "field", "message"),
    [
        ("suspended", {"reason": " "}, "reason", "请写明处理理由，机构将看到这段说明。"),
        ("correcting", {}, "correct_by", "限期整改时请填写整改期限。"),
        (
            "correcting",
            {"correct_by": D(2026, 11, 25)},
            "correct_by",
            "整改期限2026-11-25应晚于今天。",
        ),
        (
            "expired",
            {},
            "to_status",
            "请选择处理方式：限期整改、暂停运营补贴、撤销认定或恢复。",
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    recognised, yanhu_official, to_status, kw, field, message
):
    before = state(recognised)
    with pytest.raises(InvalidInput) as info:
        act(yanhu_official, recognised, to_status, **kw)
    assert info.value.field_errors == {field: message}
    assert state(recognised) == before


def test_only_the_institutions_county_acts_and_nothing_changes_otherwise(
    recognised, operator, make_user
):
    wanrong = make_user("wanrong", User.Role.COUNTY_OFFICIAL, ("140822",))
    before = state(recognised)
    with pytest.raises(Forbidden):
        act(operator, recognised, "suspended")
    with pytest.raises(NotFound):
        act(wanrong, recognised, "suspended")
    assert state(recognised) == before


def test_an_application_not_yet_decided_cannot_be_suspended(
    filed_institution, operator, yanhu_official
):
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    before = state(application)
    with pytest.raises(InvalidTransition):
        act(yanhu_official, application, "suspended")
    assert state(application) == before


def test_a_suspended_recognition_still_expires_at_its_end(recognised, yanhu_official):
    act(yanhu_official, recognised, "suspended")

    assert services.recognition_expire_due(on=D(2029, 11, 25)) == 1

    recognised.refresh_from_db()
    assert recognised.status == R.EXPIRED


# --------------------------------------------------------------------------- API


def test_the_api_acts_on_a_recognition_and_reports_the_suspended_subsidy(
    client, recognised, yanhu_official
):
    client.force_login(yanhu_official)

    response = client.post(
        f"/api/childcare/recognitions/{recognised.pk}/transition",
        {"to_status": "correcting", "reason": "消防安全管理人空缺", "correct_by": "2026-12-25"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["correct_by"]) == (
        "correcting",
        "2026-12-25",
    )
    response = client.post(
        f"/api/childcare/recognitions/{recognised.pk}/transition",
        {"to_status": "suspended", "reason": "逾期未整改"},
        content_type="application/json",
    )
    assert response.json()["status_label"] == "已认定，暂停运营补贴"
    subsidy = client.get(f"/api/childcare/institutions/{recognised.institution_id}/subsidy")
    out = subsidy.json()
    assert (out["inclusive"], out["subsidy_suspended"], out["monthly_amount"]) == (
        True,
        True,
        "0.00",
    )
