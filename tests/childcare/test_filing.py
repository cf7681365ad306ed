"""Filing (备案) and inclusive recognition (普惠认定) through the services: materials, the
working-day deadline across holidays, the county's decisions, refused transitions that change
nothing, change and closure filings, recognition criteria, renewal and expiry, and who may
decide."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from huimin.childcare import rules, selectors, services
from huimin.childcare.models import (
    Filing,
    FilingDocument,
    Finding,
    InclusiveRecognition,
    Institution,
)
from huimin.core.errors import Duplicate, Forbidden, InvalidInput, InvalidTransition, NotFound
from huimin.core.models import Event, User
from huimin.core.selectors import WorkdayCalendar

D = dt.date
ALL_MATERIALS = list(rules.FILING_MATERIALS)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pin_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(services, "today", lambda: day)
    monkeypatch.setattr("huimin.core.services.today", lambda: day)


def upload(actor: User, institution: Institution, materials=ALL_MATERIALS) -> None:
    for material in materials:
        services.document_upload(
            actor=actor,
            institution_id=institution.pk,
            material=material,
            upload=SimpleUploadedFile(f"{material}.pdf", b"%PDF-1.4\n", "application/pdf"),
        )


def events(obj) -> list[tuple[str | None, str, str, str]]:
    rows = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("pk")
    return [
        (e.actor.username if e.actor else None, e.from_status, e.to_status, e.reason) for e in rows
    ]


def state(institution: Institution) -> tuple:
    """Everything a refused action must leave as it was."""
    institution.refresh_from_db()
    return (
        institution.status,
        list(
            Filing.objects.order_by("pk").values_list(
                "pk", "kind", "status", "decided_by", "missing", "decision_note"
            )
        ),
        list(
            InclusiveRecognition.objects.order_by("pk").values_list(
                "pk", "status", "valid_from", "valid_to", "decided_by"
            )
        ),
        list(Finding.objects.order_by("pk").values_list("pk", "rule", "status")),
        Event.objects.count(),
        Institution.history.count(),
        Filing.history.count(),
        InclusiveRecognition.history.count(),
    )


@pytest.fixture
def submitted(institution, operator) -> Filing:
    upload(operator, institution)
    return services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")


@pytest.fixture
def township_official(make_user) -> User:
    return make_user("beicheng", User.Role.TOWNSHIP_OFFICIAL, ("140802",))


@pytest.fixture
def city_admin(make_user) -> User:
    return make_user("city", User.Role.CITY_ADMIN, ("140800",))


# --------------------------------------------------------------------------- submitting


def test_a_first_filing_without_materials_is_refused_with_the_list_and_nothing_changes(
    institution, operator
):
    before = state(institution)
    with pytest.raises(InvalidInput) as info:
        services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")
    assert info.value.message == (
        "还不能提交备案：缺少营业执照或事业单位法人证书；"
        "缺少场地证明（自有产权证明，或3年以上租赁合同）；"
        "缺少工作人员资格证书和健康合格证明；缺少卫生评价报告（结论为合格）；"
        "缺少消防安全检查合格证明；缺少食品经营许可证（提供餐食的）。"
    )
    assert state(institution) == before
    assert institution.status == Institution.Status.REGISTERED
    assert not Filing.objects.exists()


def test_a_lease_under_3_years_and_a_missing_food_licence_are_both_listed(institution, operator):
    services.institution_update(
        actor=operator, institution_id=institution.pk, premises_owned=False, lease_years=2
    )
    upload(operator, institution, [m for m in ALL_MATERIALS if m != "food_licence"])
    before = state(institution)
    with pytest.raises(InvalidInput) as info:
        services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")
    assert info.value.message == (
        "还不能提交备案：缺少食品经营许可证（提供餐食的）；"
        "场地为租赁的，租期应不少于3年，当前填写为2年。"
    )
    assert state(institution) == before


def test_no_food_licence_is_needed_without_meals_and_a_3_year_lease_is_enough(
    institution, operator
):
    services.institution_update(
        actor=operator,
        institution_id=institution.pk,
        serves_meals=False,
        premises_owned=False,
        lease_years=3,
    )
    upload(operator, institution, [m for m in ALL_MATERIALS if m != "food_licence"])
    filing = services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")
    assert filing.status == Filing.Status.SUBMITTED


@pytest.mark.parametrize(
    ("submitted_on", "deadline"),
    [
        # Tue 29 Sep: 30 Sep (1), 1–7 Oct off, 8 (2), 9 (3), Saturday 10 Oct make-up (4),
        # Sunday 11 off, Monday 12 Oct (5).
        (D(2026, 9, 29), D(2026, 10, 12)),
        # Thu 12 Feb: 13 (1), Saturday 14 make-up (2), 15–23 off, 24 (3), 25 (4), 26 (5).
        (D(2026, 2, 12), D(2026, 2, 26)),
        # a plain week: Wednesday 25 Nov + 5 = Wednesday 2 Dec
        (D(2026, 11, 25), D(2026, 12, 2)),
    ],
)
def test_a_complete_filing_is_submitted_with_a_5_working_day_deadline(
    institution, operator, monkeypatch, submitted_on, deadline
):
    upload(operator, institution)
    pin_today(monkeypatch, submitted_on)
    filing = services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")
    filing.refresh_from_db()
    institution.refresh_from_db()
    assert (filing.kind, filing.status, filing.deadline, filing.submitted_by) == (
        Filing.Kind.INITIAL,
        Filing.Status.SUBMITTED,
        deadline,
        operator,
    )
    assert institution.status == Institution.Status.FILING
    assert events(institution) == [("operator", "registered", "filing", "首次备案")]


def test_the_filing_clock_counts_working_days_down_and_flags_overdue(
    institution, operator, monkeypatch
):
    upload(operator, institution)
    pin_today(monkeypatch, D(2026, 9, 29))
    filing = services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")
    cal = WorkdayCalendar()
    clocks = [
        selectors.filing_clock(filing, today=day, calendar=cal)
        for day in (D(2026, 9, 29), D(2026, 10, 3), D(2026, 10, 10), D(2026, 10, 12))
    ]
    assert [(c.working_days_left, c.overdue) for c in clocks] == [
        (5, False),
        (4, False),  # from inside the holiday: 8, 9, 10 and 12 October remain
        (1, False),
        (0, False),
    ]
    late = selectors.filing_clock(filing, today=D(2026, 10, 13), calendar=cal)
    assert (late.deadline, late.working_days_left, late.overdue) == (D(2026, 10, 12), -1, True)


def test_uploads_are_checked_and_stored(institution, operator):
    with pytest.raises(InvalidInput) as info:
        services.document_upload(
            actor=operator,
            institution_id=institution.pk,
            material="business_licence",
            upload=SimpleUploadedFile("licence.docx", b"x"),
        )
    assert info.value.field_errors == {
        "file": "文件“licence.docx”的格式不支持，请上传 PDF、JPG 或 PNG 文件。"
    }
    with pytest.raises(InvalidInput) as info:
        services.document_upload(
            actor=operator,
            institution_id=institution.pk,
            material="passport",
            upload=SimpleUploadedFile("a.pdf", b"x"),
        )
    assert info.value.field_errors == {"material": "请选择材料类型。"}
    assert not FilingDocument.objects.exists()
    upload(operator, institution, ["fire_safety"])
    document = FilingDocument.objects.get()
    assert (document.material, document.original_name, document.uploaded_by) == (
        "fire_safety",
        "fire_safety.pdf",
        operator,
    )
    assert document.file.read() == b"%PDF-1.4\n"


# --------------------------------------------------------------------------- deciding


def test_the_county_acknowledges_and_the_institution_is_filed(
    institution, submitted, yanhu_official
):
    filing = services.filing_decide(
        actor=yanhu_official, filing_id=submitted.pk, acknowledge=True, note="材料齐全"
    )
    filing.refresh_from_db()
    institution.refresh_from_db()
    assert (filing.status, filing.decided_by, filing.missing, filing.decision_note) == (
        Filing.Status.ACKNOWLEDGED,
        yanhu_official,
        [],
        "材料齐全",
    )
    assert filing.decided_at is not None
    assert institution.status == Institution.Status.FILED
    assert events(filing) == [("yanhu", "submitted", "acknowledged", "材料齐全")]
    assert events(institution) == [
        ("operator", "registered", "filing", "首次备案"),
        ("yanhu", "filing", "filed", "首次备案已备案"),
    ]


def test_the_county_returns_a_filing_with_what_is_missing(
    institution, operator, submitted, yanhu_official
):
    filing = services.filing_decide(
        actor=yanhu_official,
        filing_id=submitted.pk,
        acknowledge=False,
        missing=["fire_safety", ""],
        note="消防安全检查合格证明已过期",
    )
    filing.refresh_from_db()
    institution.refresh_from_db()
    assert (filing.status, filing.missing, filing.decision_note, filing.decided_by) == (
        Filing.Status.RETURNED,
        ["fire_safety"],
        "消防安全检查合格证明已过期",
        yanhu_official,
    )
    assert institution.status == Institution.Status.REGISTERED
    assert events(institution)[-1] == ("yanhu", "filing", "registered", "首次备案已退回补正")
    # the operator files again
    again = services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")
    assert again.pk != filing.pk
    assert again.status == Filing.Status.SUBMITTED


def test_returning_with_only_missing_materials_is_enough(institution, submitted, yanhu_official):
    filing = services.filing_decide(
        actor=yanhu_official, filing_id=submitted.pk, acknowledge=False, missing=["premises"]
    )
    assert (filing.status, filing.missing, filing.decision_note) == ("returned", ["premises"], "")


@pytest.mark.parametrize(
    ("missing", "note", "field", "message"),
    [
        ((), "", "note", "退回补正时，请勾选缺少或不合格的材料，或写明需要补正的内容。"),
        ((), "   ", "note", "退回补正时，请勾选缺少或不合格的材料，或写明需要补正的内容。"),
        (("", ""), "", "note", "退回补正时，请勾选缺少或不合格的材料，或写明需要补正的内容。"),
        (("fire_safety", "passport"), "", "missing", "未知的材料类型：passport。"),
    ],
)
def test_returning_needs_missing_materials_or_a_note_and_nothing_changes(
    institution, submitted, yanhu_official, missing, note, field, message
):
    before = state(institution)
    with pytest.raises(InvalidInput) as info:
        services.filing_decide(
            actor=yanhu_official,
            filing_id=submitted.pk,
            acknowledge=False,
            missing=missing,
            note=note,
        )
    assert (info.value.message, info.value.field_errors) == (message, {field: message})
    assert state(institution) == before


@pytest.mark.parametrize(
    ("acknowledge", "note", "message"),
    [
        (True, "", "当前状态为“已备案”，不能变更为“已备案”。"),
        (False, "补正", "当前状态为“已备案”，不能变更为“已退回补正”。"),
    ],
)
def test_deciding_a_decided_filing_is_refused_and_changes_nothing(
    institution, submitted, yanhu_official, acknowledge, note, message
):
    services.filing_decide(actor=yanhu_official, filing_id=submitted.pk, acknowledge=True)
    before = state(institution)
    with pytest.raises(InvalidTransition) as info:
        services.filing_decide(
            actor=yanhu_official, filing_id=submitted.pk, acknowledge=acknowledge, note=note
        )
    assert info.value.message == message
    assert state(institution) == before
    assert institution.status == Institution.Status.FILED


def test_a_second_open_filing_is_refused_and_changes_nothing(institution, operator, submitted):
    before = state(institution)
    with pytest.raises(InvalidTransition) as info:
        services.filing_submit(actor=operator, institution_id=institution.pk, kind="initial")
    assert info.value.message == "当前状态为“备案审核中”，不能变更为“备案审核中”。"
    assert state(institution) == before


def test_a_closure_of_a_registered_institution_is_refused_and_changes_nothing(
    institution, operator
):
    before = state(institution)
    with pytest.raises(InvalidTransition) as info:
        services.filing_submit(
            actor=operator, institution_id=institution.pk, kind="closure", summary="停业"
        )
    assert info.value.message == "当前状态为“已登记，未备案”，不能变更为“注销审核中”。"
    assert state(institution) == before


def test_a_first_filing_of_a_filed_institution_is_refused_and_changes_nothing(
    filed_institution, operator
):
    upload(operator, filed_institution)
    before = state(filed_institution)
    with pytest.raises(InvalidTransition) as info:
        services.filing_submit(actor=operator, institution_id=filed_institution.pk, kind="initial")
    assert info.value.message == "当前状态为“已备案”，不能变更为“备案审核中”。"
    assert state(filed_institution) == before


@pytest.mark.parametrize(
    ("kind", "summary", "field", "message"),
    [
        ("change", "", "kind", "请选择首次备案或注销备案；变更在修改机构信息时自动提交。"),
        ("closure", "  ", "summary", "请说明注销原因和在托幼儿的安置情况。"),
    ],
)
def test_a_filing_of_the_wrong_kind_or_without_a_reason_is_refused(
    filed_institution, operator, kind, summary, field, message
):
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.filing_submit(
            actor=operator, institution_id=filed_institution.pk, kind=kind, summary=summary
        )
    assert info.value.field_errors == {field: message}
    assert state(filed_institution) == before


# --------------------------------------------------------------------------- changes and closure


def test_editing_a_filed_institution_opens_one_change_filing(
    filed_institution, operator, yanhu_official
):
    services.institution_update(
        actor=operator, institution_id=filed_institution.pk, capacity=150, fee_full_day=130_000
    )
    change = Filing.objects.get()
    assert (change.kind, change.status, change.summary, change.deadline) == (
        Filing.Kind.CHANGE,
        Filing.Status.SUBMITTED,
        "变更：核定托位数、全日托收费（分/月）",
        D(2026, 12, 2),
    )
    # a second edit while the change is open joins it; an edit that changes nothing is no edit
    services.institution_update(
        actor=operator, institution_id=filed_institution.pk, phone="03592021234"
    )
    services.institution_update(actor=operator, institution_id=filed_institution.pk, capacity=150)
    assert Filing.objects.count() == 1
    services.filing_decide(actor=yanhu_official, filing_id=change.pk, acknowledge=True)
    filed_institution.refresh_from_db()
    assert filed_institution.status == Institution.Status.FILED
    assert events(filed_institution) == []  # a change never moves the institution
    assert events(change) == [("yanhu", "submitted", "acknowledged", "")]


def test_editing_an_institution_not_yet_filed_files_nothing(institution, operator):
    services.institution_update(actor=operator, institution_id=institution.pk, capacity=150)
    assert not Filing.objects.exists()


def test_a_closure_while_a_change_is_open_is_refused_and_changes_nothing(
    filed_institution, operator
):
    services.institution_update(actor=operator, institution_id=filed_institution.pk, capacity=99)
    before = state(filed_institution)
    with pytest.raises(Duplicate) as info:
        services.filing_submit(
            actor=operator, institution_id=filed_institution.pk, kind="closure", summary="停业"
        )
    assert info.value.message == "该机构已有一份待县级审核的备案，请等待审核结果后再提交。"
    assert state(filed_institution) == before
    assert filed_institution.status == Institution.Status.FILED


def test_the_closure_flow(filed_institution, operator, yanhu_official):
    closure = services.filing_submit(
        actor=operator,
        institution_id=filed_institution.pk,
        kind="closure",
        summary="场地到期停业，在托幼儿已转至盐湖区第二托育中心。",
    )
    filed_institution.refresh_from_db()
    assert filed_institution.status == Institution.Status.CLOSING
    services.filing_decide(actor=yanhu_official, filing_id=closure.pk, acknowledge=True)
    filed_institution.refresh_from_db()
    assert filed_institution.status == Institution.Status.CLOSED
    assert events(filed_institution) == [
        ("operator", "filed", "closing", "注销备案"),
        ("yanhu", "closing", "closed", "注销备案已备案"),
    ]
    # a closed institution's records are frozen
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.institution_update(
            actor=operator, institution_id=filed_institution.pk, capacity=10
        )
    assert info.value.message == "该机构已注销，不能再修改记录。"
    assert state(filed_institution) == before


def test_a_returned_closure_leaves_the_institution_filed(
    filed_institution, operator, yanhu_official
):
    closure = services.filing_submit(
        actor=operator, institution_id=filed_institution.pk, kind="closure", summary="停业"
    )
    services.filing_decide(
        actor=yanhu_official, filing_id=closure.pk, acknowledge=False, note="请说明幼儿安置情况"
    )
    filed_institution.refresh_from_db()
    assert filed_institution.status == Institution.Status.FILED
    assert events(filed_institution)[-1] == ("yanhu", "closing", "filed", "注销备案已退回补正")


# --------------------------------------------------------------------------- who decides


@pytest.fixture
def wanrong_decider(make_user) -> User:
    return make_user("wanrong_official", User.Role.COUNTY_OFFICIAL, ("140822",))


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("wanrong_decider", NotFound, "未找到该记录，或您无权查看。"),
        ("operator", Forbidden, "只有县级卫生健康部门可以办理备案。"),
        ("township_official", Forbidden, "只有县级卫生健康部门可以办理备案。"),
        ("city_admin", Forbidden, "只有县级卫生健康部门可以办理备案。"),
    ],
)
def test_only_the_institutions_county_decides_a_filing(
    request, institution, submitted, who, error, message
):
    actor = request.getfixturevalue(who)
    before = state(institution)
    with pytest.raises(error) as info:
        services.filing_decide(actor=actor, filing_id=submitted.pk, acknowledge=True)
    assert info.value.message == message
    assert state(institution) == before


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("wanrong_decider", NotFound, "未找到该记录，或您无权查看。"),
        ("operator", Forbidden, "只有县级卫生健康部门可以认定普惠托育机构。"),
        ("township_official", Forbidden, "只有县级卫生健康部门可以认定普惠托育机构。"),
        ("city_admin", Forbidden, "只有县级卫生健康部门可以认定普惠托育机构。"),
    ],
)
def test_only_the_institutions_county_decides_a_recognition(
    request, filed_institution, operator, who, error, message
):
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    actor = request.getfixturevalue(who)
    before = state(filed_institution)
    with pytest.raises(error) as info:
        services.recognition_decide(actor=actor, recognition_id=application.pk, recognise=True)
    assert info.value.message == message
    assert state(filed_institution) == before


# --------------------------------------------------------------------------- inclusive


def test_only_a_filed_institution_may_apply(institution, operator):
    before = state(institution)
    with pytest.raises(InvalidInput) as info:
        services.recognition_apply(actor=operator, institution_id=institution.pk)
    assert info.value.message == "只有已备案的机构才能申请普惠认定，请先完成备案。"
    assert state(institution) == before


def test_a_second_open_application_is_a_duplicate(filed_institution, operator):
    services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    before = state(filed_institution)
    with pytest.raises(Duplicate) as info:
        services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    assert info.value.message == "已有一份待认定的申请，请等待县级认定结果。"
    assert state(filed_institution) == before


def test_an_institution_meeting_the_criteria_is_recognised_for_3_years(
    filed_institution, operator, yanhu_official
):
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    decided = services.recognition_decide(
        actor=yanhu_official, recognition_id=application.pk, recognise=True, reasons="符合条件"
    )
    decided.refresh_from_db()
    assert (decided.status, decided.valid_from, decided.valid_to, decided.decided_by) == (
        InclusiveRecognition.Status.RECOGNISED,
        D(2026, 11, 25),
        D(2029, 11, 24),
        yanhu_official,
    )
    assert events(decided) == [("yanhu", "applied", "recognised", "符合条件")]
    assert selectors.recognition_current(filed_institution, D(2029, 11, 24)) == decided
    assert selectors.recognition_current(filed_institution, D(2029, 11, 25)) is None


@pytest.mark.parametrize(
    ("fee", "message"),
    [
        (150_001, "不符合普惠认定条件：全日托收费1,500.01元/月，高于普惠价格上限1,500元/月。"),
        (200_000, "不符合普惠认定条件：全日托收费2,000元/月，高于普惠价格上限1,500元/月。"),
    ],
)
def test_a_fee_over_the_cap_refuses_recognition_and_nothing_changes(
    filed_institution, operator, yanhu_official, fee, message
):
    Institution.objects.filter(pk=filed_institution.pk).update(fee_full_day=fee)
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.recognition_decide(
            actor=yanhu_official, recognition_id=application.pk, recognise=True
        )
    assert info.value.message == message
    assert state(filed_institution) == before
    application.refresh_from_db()
    assert (application.status, application.valid_from) == ("applied", None)


def test_a_fee_at_the_cap_is_recognised(filed_institution, operator, yanhu_official):
    Institution.objects.filter(pk=filed_institution.pk).update(fee_full_day=150_000)
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    decided = services.recognition_decide(
        actor=yanhu_official, recognition_id=application.pk, recognise=True
    )
    assert decided.status == InclusiveRecognition.Status.RECOGNISED


def test_the_administrators_price_cap_is_applied(
    filed_institution, operator, yanhu_official, city_admin
):
    services.price_cap_set(actor=city_admin, care_type="full_day", cap_fen=110_000)
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    with pytest.raises(InvalidInput) as info:
        services.recognition_decide(
            actor=yanhu_official, recognition_id=application.pk, recognise=True
        )
    assert info.value.message == (
        "不符合普惠认定条件：全日托收费1,200元/月，高于普惠价格上限1,100元/月。"
    )


def test_an_open_serious_finding_refuses_recognition_and_nothing_changes(
    filed_institution, operator, yanhu_official
):
    services.institution_update(
        actor=operator, institution_id=filed_institution.pk, fire_safety_manager=""
    )
    assert list(Finding.objects.filter(status="open").values_list("rule", "severity")) == [
        ("fire_safety_manager", "serious")
    ]
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.recognition_decide(
            actor=yanhu_official, recognition_id=application.pk, recognise=True
        )
    assert info.value.message == "不符合普惠认定条件：有1项未整改的严重合规问题。"
    assert state(filed_institution) == before
    # named again, the finding resolves and the county can recognise
    services.institution_update(
        actor=operator, institution_id=filed_institution.pk, fire_safety_manager="王强"
    )
    decided = services.recognition_decide(
        actor=yanhu_official, recognition_id=application.pk, recognise=True
    )
    assert decided.status == InclusiveRecognition.Status.RECOGNISED


def test_a_refusal_needs_reasons(filed_institution, operator, yanhu_official):
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.recognition_decide(
            actor=yanhu_official, recognition_id=application.pk, recognise=False, reasons=" "
        )
    assert info.value.field_errors == {"reasons": "不予认定时请写明理由。"}
    assert state(filed_institution) == before
    refused = services.recognition_decide(
        actor=yanhu_official,
        recognition_id=application.pk,
        recognise=False,
        reasons="保育人员不足",
    )
    assert (refused.status, refused.valid_from, refused.reasons) == (
        "refused",
        None,
        "保育人员不足",
    )
    # a refused application can be followed by a new one
    assert services.recognition_apply(actor=operator, institution_id=filed_institution.pk).pk


@pytest.fixture
def recognised(filed_institution, operator, yanhu_official) -> InclusiveRecognition:
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    return services.recognition_decide(
        actor=yanhu_official, recognition_id=application.pk, recognise=True
    )


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (D(2026, 11, 25), False),
        (D(2029, 8, 25), False),  # 91 days before the last valid day
        (D(2029, 8, 26), True),  # 90 days before
        (D(2029, 11, 24), True),  # the last valid day
    ],
)
def test_renewal_opens_90_days_before_expiry(
    recognised, filed_institution, operator, monkeypatch, day, allowed
):
    pin_today(monkeypatch, day)
    if allowed:
        renewal = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
        assert renewal.status == InclusiveRecognition.Status.APPLIED
        return
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    assert (
        info.value.message == "已认定为普惠托育机构，有效期至2029-11-24；到期前90天内可申请续期。"
    )
    assert state(filed_institution) == before


def test_a_renewal_follows_on_from_the_current_period(
    recognised, filed_institution, operator, yanhu_official, monkeypatch
):
    pin_today(monkeypatch, D(2029, 10, 8))
    renewal = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    renewal = services.recognition_decide(
        actor=yanhu_official, recognition_id=renewal.pk, recognise=True
    )
    assert (renewal.valid_from, renewal.valid_to) == (D(2029, 11, 25), D(2032, 11, 24))


def test_recognitions_expire_the_day_after_their_last_valid_day(recognised):
    assert services.recognition_expire_due(on=D(2029, 11, 24)) == 0
    recognised.refresh_from_db()
    assert recognised.status == InclusiveRecognition.Status.RECOGNISED
    assert services.recognition_expire_due(on=D(2029, 11, 25)) == 1
    recognised.refresh_from_db()
    assert recognised.status == InclusiveRecognition.Status.EXPIRED
    assert events(recognised)[-1] == (None, "recognised", "expired", "有效期至2029-11-24，已到期")
    assert services.recognition_expire_due(on=D(2029, 11, 26)) == 0  # once only


def test_a_renewal_already_granted_is_not_applied_for_again(
    recognised, filed_institution, operator, yanhu_official, monkeypatch
):
    pin_today(monkeypatch, D(2029, 10, 8))
    renewal = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    services.recognition_decide(actor=yanhu_official, recognition_id=renewal.pk, recognise=True)
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    assert (
        info.value.message == "已认定为普惠托育机构，有效期至2032-11-24；到期前90天内可申请续期。"
    )
    assert state(filed_institution) == before


def test_an_institution_closed_since_it_applied_is_not_recognised(
    filed_institution, operator, yanhu_official
):
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    closure = services.filing_submit(
        actor=operator, institution_id=filed_institution.pk, kind="closure", summary="停业"
    )
    services.filing_decide(actor=yanhu_official, filing_id=closure.pk, acknowledge=True)
    before = state(filed_institution)
    with pytest.raises(InvalidInput) as info:
        services.recognition_decide(
            actor=yanhu_official, recognition_id=application.pk, recognise=True
        )
    assert info.value.message == (
        "不符合普惠认定条件：机构当前为“已注销”，只有已备案的机构才能认定。"
    )
    assert state(filed_institution) == before


def test_every_reason_against_recognition_is_given_in_one_sentence(
    filed_institution, operator, yanhu_official
):
    services.institution_update(
        actor=operator,
        institution_id=filed_institution.pk,
        fee_full_day=150_001,
        recording_retention_days=30,
        fire_safety_manager="",
    )
    application = services.recognition_apply(actor=operator, institution_id=filed_institution.pk)
    with pytest.raises(InvalidInput) as info:
        services.recognition_decide(
            actor=yanhu_official, recognition_id=application.pk, recognise=True
        )
    assert info.value.message == (
        "不符合普惠认定条件：全日托收费1,500.01元/月，高于普惠价格上限1,500元/月；"
        "有2项未整改的严重合规问题。"
    )
