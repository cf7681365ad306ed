"""Supervision through its services: plan → lock → draw → verify; inspection → letter →
evidence → acceptance; escalation, publication, credit. Dates are pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from huimin.childcare.models import Finding, Institution, OperatorBinding
from huimin.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from huimin.core.models import Event, HolidayYear, User
from huimin.supervision import rules, selectors, services
from huimin.supervision.models import (
    ChecklistItem,
    Complaint,
    CreditRating,
    DrawCandidate,
    DrawInspector,
    DrawPlan,
    Inspection,
    OpinionLetter,
)

TODAY = dt.date(2026, 11, 27)  # a Friday
PUBLIC_VALUE = "2026年11月26日上证指数收盘3976.52"


@pytest.fixture
def svc_today(monkeypatch) -> dt.date:
    monkeypatch.setattr(services, "today", lambda: TODAY)
    return TODAY


def _institution(city, name: str, township: str, status: str = "filed") -> Institution:
    return Institution.objects.create(
        name=name,
        kind="independent",
        region=city[township],
        address=f"运城市{name}路1号",
        legal_person="张秀兰",
        phone="13835901234",
        capacity=80,
        status=status,
    )


@pytest.fixture
def svc_world(city, make_user, svc_today):
    """盐湖区 with 4 filed institutions (and one only registered), 万荣县 with 2; three
    city inspectors and one of 万荣县; the 盐湖区 official; an operator of the first."""
    yanhu = [_institution(city, f"盐湖区第{n}托育园", "140802100") for n in range(1, 5)]
    _institution(city, "盐湖区未备案托育园", "140802100", status="registered")
    wanrong = [_institution(city, f"万荣县第{n}托育园", "140822100") for n in range(1, 3)]
    inspectors = [
        make_user(f"insp{n}", User.Role.INSPECTOR, ("140800",), full_name=f"检查员{n}")
        for n in range(1, 4)
    ]
    inspectors.append(
        make_user("insp_wr", User.Role.INSPECTOR, ("140822",), full_name="万荣检查员")
    )
    official = make_user("yanhu", User.Role.COUNTY_OFFICIAL, ("140802",), full_name="李晓梅")
    operator = make_user("op1", User.Role.OPERATOR, ("140802",), full_name="郭敏")
    OperatorBinding.objects.create(user=operator, institution=yanhu[0])
    return {
        "yanhu": yanhu,
        "wanrong": wanrong,
        "inspectors": inspectors,
        "official": official,
        "operator": operator,
    }


def _drawn(world, **kw) -> DrawPlan:
    official = world["official"]
    values = {"name": "2026年第四季度双随机抽查", "region_code": "140802", "target_count": 2}
    values.update(kw)
    plan = services.plan_create(actor=official, **values)
    services.plan_lock(actor=official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    return services.plan_draw(actor=official, plan_id=plan.pk)


def _fail_first(inspection: Inspection, *, needs_correction: bool = True) -> None:
    items = list(inspection.items.order_by("position"))
    entries = [services.ItemInput(i.pk, "pass") for i in items]
    entries[0] = services.ItemInput(
        items[0].pk,
        "fail",
        note="食品经营许可证已过期",
        needs_correction=needs_correction,
        correction="补办食品经营许可证",
    )
    crew = inspection.crew.order_by("position").first().inspector
    services.items_record(actor=crew, inspection_id=inspection.pk, items=entries)


def _complete(inspection: Inspection, **kw) -> Inspection:
    crew = inspection.crew.order_by("position").first().inspector
    return services.inspection_complete(
        actor=crew, inspection_id=inspection.pk, inspected_on=TODAY, **kw
    )


# --------------------------------------------------------------------------- plans and draws


def test_a_plan_is_drawn_only_after_it_is_locked_with_a_public_value(svc_world):
    official = svc_world["official"]
    plan = services.plan_create(actor=official, name="抽查", region_code="140802", target_count=2)
    with pytest.raises(InvalidTransition) as error:
        services.plan_draw(actor=official, plan_id=plan.pk)
    assert str(error.value) == "计划尚未锁定：请先填写公开随机数来源并锁定计划，再抽取。"
    with pytest.raises(InvalidInput, match="4至200个字符"):
        services.plan_lock(actor=official, plan_id=plan.pk, public_value="12")
    plan = services.plan_lock(actor=official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    assert plan.status == DrawPlan.Status.LOCKED
    assert plan.seed == rules.draw_seed(plan.spec(), PUBLIC_VALUE)
    event = Event.objects.filter(object_id=plan.pk, to_status="locked").get()
    assert event.reason == f"公开随机数来源：{PUBLIC_VALUE}；随机种子：{plan.seed}"
    assert not Inspection.objects.exists()


def test_draw_records_the_pools_and_makes_inspections_with_checklist_and_findings(svc_world):
    first = svc_world["yanhu"][0]
    Finding.objects.create(
        institution=first,
        rule="class_size",
        severity="serious",
        subject="小一班",
        message="小一班超员：在托22人，上限20人",
        found="22",
        required="≤ 20",
    )
    plan = _drawn(svc_world, target_count=4)
    assert plan.status == DrawPlan.Status.DRAWN
    assert plan.candidate_count == 4  # the registered one is not in the pool
    assert plan.inspector_count == 3  # the 万荣 inspector does not reach 盐湖区
    weights = dict(DrawCandidate.objects.filter(plan=plan).values_list("institution", "weight"))
    assert weights[first.pk] == 3  # open finding +1, serious +1
    candidate = DrawCandidate.objects.get(plan=plan, institution=first)
    assert candidate.reasons == ["open_findings", "serious_findings"]
    inspections = list(plan.inspections.order_by("position"))
    assert sorted(i.institution_id for i in inspections) == sorted(i.pk for i in svc_world["yanhu"])
    checklist = ChecklistItem.objects.filter(active=True).count()
    assert checklist == 16
    for inspection in inspections:
        assert inspection.crew.count() == 2
        expected = checklist + (1 if inspection.institution_id == first.pk else 0)
        assert inspection.items.count() == expected
    prefilled = Inspection.objects.get(plan=plan, institution=first).items.get(
        finding__isnull=False
    )
    assert prefilled.text == "复查合规问题：小一班超员：在托22人，上限20人"
    assert selectors.draw_verify(plan.pk).ok


def test_verify_reports_a_changed_candidate_after_the_draw(svc_world):
    plan = _drawn(svc_world)
    assert [c.ok for c in selectors.draw_verify(plan.pk).checks] == [True, True, True]
    candidate = DrawCandidate.objects.filter(plan=plan).order_by("pk").first()
    candidate.weight = 7
    candidate.save()
    report = selectors.draw_verify(plan.pk)
    assert not report.ok
    # the pools no longer hash to the published value; whether the result moves too
    # depends on the draw, so it is not asserted
    assert [(c.label, c.ok) for c in report.checks[:2]] == [
        ("随机种子", True),
        ("对象库与人员库摘要", False),
    ]


def test_verify_reports_a_candidate_whose_recorded_reasons_changed(svc_world):
    plan = _drawn(svc_world)
    DrawCandidate.objects.filter(plan=plan).update(reasons=["complaints"])
    report = selectors.draw_verify(plan.pk)
    assert [(c.label, c.ok) for c in report.checks] == [
        ("随机种子", True),
        ("对象库与人员库摘要", False),
        ("抽取结果", True),  # reasons do not enter the draw; weights do
    ]


def test_verify_reports_a_removed_candidate_and_a_changed_public_value(svc_world):
    plan = _drawn(svc_world)
    DrawCandidate.objects.filter(plan=plan).exclude(
        institution__in=plan.inspections.values("institution")
    ).first().delete()
    assert [c.ok for c in selectors.draw_verify(plan.pk).checks] == [True, False, True]
    DrawPlan.objects.filter(pk=plan.pk).update(public_value="2026年11月26日上证指数收盘3976.53")
    assert [c.ok for c in selectors.draw_verify(plan.pk).checks][0] is False


def test_verify_reports_a_swapped_inspector(svc_world):
    plan = _drawn(svc_world)
    inspection = plan.inspections.order_by("position").first()
    crew = {c.inspector_id for c in inspection.crew.all()}
    outsider = next(i for i in svc_world["inspectors"][:3] if i.pk not in crew)
    row = inspection.crew.order_by("position").first()
    row.inspector = outsider
    row.save()
    report = selectors.draw_verify(plan.pk)
    assert [c.ok for c in report.checks] == [True, True, False]
    assert len(report.differences) == 1
    assert report.differences[0].startswith("第1个：记录为机构")


def test_a_conflicted_inspector_is_never_drawn_for_that_institution(svc_world):
    first = svc_world["yanhu"][0]
    inspector = svc_world["inspectors"][0]
    services.conflict_declare(actor=inspector, institution_id=first.pk, reason="配偶在该机构任职")
    for n in range(12):
        plan = services.plan_create(
            actor=svc_world["official"], name=f"抽查{n}", region_code="140802", target_count=4
        )
        services.plan_lock(
            actor=svc_world["official"], plan_id=plan.pk, public_value=f"{PUBLIC_VALUE}-{n}"
        )
        services.plan_draw(actor=svc_world["official"], plan_id=plan.pk)
        inspection = Inspection.objects.get(plan=plan, institution=first)
        assert inspector.pk not in set(inspection.crew.values_list("inspector", flat=True))
        assert DrawInspector.objects.get(plan=plan, inspector=inspector).conflicts == [first.pk]
    with pytest.raises(Exception, match="您已申报"):
        services.conflict_declare(actor=inspector, institution_id=first.pk, reason="再次申报")


def test_draw_fails_whole_when_conflicts_leave_too_few_inspectors(svc_world):
    first = svc_world["yanhu"][0]
    for inspector in svc_world["inspectors"][:2]:
        services.conflict_declare(actor=inspector, institution_id=first.pk, reason="亲属任职")
    with pytest.raises(InvalidInput, match="只有1名可抽取的检查人员"):
        _drawn(svc_world, target_count=4)
    plan = DrawPlan.objects.get()
    assert plan.status == DrawPlan.Status.LOCKED
    assert not Inspection.objects.exists()
    assert not DrawCandidate.objects.exists()


def test_a_county_official_plans_only_in_their_county(svc_world):
    with pytest.raises(NotFound):
        services.plan_create(
            actor=svc_world["official"], name="越权", region_code="140822", target_count=1
        )
    with pytest.raises(Forbidden):
        services.plan_create(
            actor=svc_world["inspectors"][0], name="越权", region_code="140802", target_count=1
        )


def test_plan_create_refuses_one_inspector_and_a_township(svc_world):
    with pytest.raises(InvalidInput) as error:
        services.plan_create(
            actor=svc_world["official"],
            name="抽查",
            region_code="140802",
            target_count=2,
            inspectors_per_target=1,
        )
    assert error.value.field_errors == {
        "inspectors_per_target": "每个检查对象应抽取2至5名检查人员，您填写的是1名。"
    }
    with pytest.raises(InvalidInput) as error:
        services.plan_create(
            actor=svc_world["official"], name="抽查", region_code="140802100", target_count=2
        )
    assert error.value.field_errors == {"region": "抽查范围应为全市或一个县（市、区）。"}


def test_the_database_refuses_a_plan_with_one_inspector_per_target(svc_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        DrawPlan.objects.create(
            name="x",
            region=svc_world["yanhu"][0].region.county,
            target_count=1,
            inspectors_per_target=1,
            created_by=svc_world["official"],
        )


# --------------------------------------------------------------------------- inspections


def test_only_the_drawn_crew_records_and_every_item_needs_a_result(svc_world):
    plan = _drawn(svc_world, target_count=1)
    inspection = plan.inspections.get()
    crew = set(inspection.crew.values_list("inspector", flat=True))
    outsider = next(i for i in svc_world["inspectors"][:3] if i.pk not in crew)
    item = inspection.items.first()
    with pytest.raises(NotFound):  # not drawn: does not even see it
        services.items_record(
            actor=outsider,
            inspection_id=inspection.pk,
            items=[services.ItemInput(item.pk, "pass")],
        )
    member = User.objects.get(pk=min(crew))
    with pytest.raises(InvalidInput) as error:
        services.items_record(
            actor=member,
            inspection_id=inspection.pk,
            items=[services.ItemInput(item.pk, "fail", needs_correction=True)],
        )
    assert error.value.field_errors == {
        f"item_{item.pk}": "不符合且需责令整改的项目，请填写整改要求。"
    }
    with pytest.raises(InvalidInput) as error:
        _complete(inspection)
    assert str(error.value) == (
        f"还有16个检查项目未填写结果（第一个：{item.text}），请逐项填写后再完成检查。"
    )


@pytest.mark.parametrize(
    ("result", "correction"), [("pass", ""), ("na", ""), ("pass", "补办许可证"), ("fail", "  ")]
)
def test_an_item_marked_for_correction_needs_a_failed_result_and_what_to_correct(
    svc_world, result, correction
):
    inspection = _drawn(svc_world, target_count=1).inspections.get()
    item = inspection.items.order_by("position").first()
    crew = inspection.crew.order_by("position").first().inspector
    before = (item.history.count(), list(inspection.items.values_list("result", flat=True)))

    with pytest.raises(InvalidInput) as error:
        services.items_record(
            actor=crew,
            inspection_id=inspection.pk,
            items=[
                services.ItemInput(
                    item.pk, result, note="发现问题", needs_correction=True, correction=correction
                )
            ],
        )

    message = (
        "不符合且需责令整改的项目，请填写整改要求。"
        if result == "fail"
        else "勾选了“需责令整改”的项目，检查结果应为“不符合”，并填写整改要求；"
        "不需整改的，请取消勾选。"
    )
    assert error.value.field_errors == {f"item_{item.pk}": message}
    assert (
        item.history.count(),
        list(inspection.items.values_list("result", flat=True)),
    ) == before


def test_a_failed_item_needing_correction_issues_a_numbered_letter(svc_world):
    plan = _drawn(svc_world, target_count=2)
    first, second = plan.inspections.order_by("position")
    _fail_first(first)
    first = _complete(first)
    assert first.outcome == "rectify"
    assert first.publish_due == dt.date(2026, 12, 25)  # 20 working days after Friday 11-27
    letter = first.letter
    assert letter.number == "运盐卫监意〔2026〕第0001号"
    assert letter.issuer == "盐湖区卫生健康局"
    assert letter.deadline == dt.date(2026, 12, 18)  # 15 working days
    assert letter.lines("problems") == [
        "食品经营许可或备案有效，从业人员持健康证明上岗：食品经营许可证已过期"
    ]
    assert letter.lines("corrections") == ["补办食品经营许可证"]
    assert letter.lines("legal_basis") == ["《中华人民共和国食品安全法》第三十五条、第四十五条"]
    _fail_first(second)
    assert _complete(second).letter.number == "运盐卫监意〔2026〕第0002号"
    pdf = services.letter_pdf_bytes(letter)
    assert pdf.startswith(b"%PDF")


def test_letter_numbers_are_per_county_and_year(svc_world, make_user):
    plan = _drawn(svc_world, target_count=1)
    inspection = plan.inspections.get()
    _fail_first(inspection)
    _complete(inspection)
    wanrong_official = make_user("wanrong", User.Role.COUNTY_OFFICIAL, ("140822",))
    wanrong = _drawn(
        {"official": wanrong_official}, region_code="140822", target_count=1, name="万荣抽查"
    )
    inspection = wanrong.inspections.get()
    _fail_first(inspection)
    assert _complete(inspection).letter.number == "运万卫监意〔2026〕第0001号"


def test_failures_without_correction_are_a_warning_never_published(svc_world):
    plan = _drawn(svc_world, target_count=1)
    inspection = plan.inspections.get()
    _fail_first(inspection, needs_correction=False)
    inspection = _complete(inspection)
    assert inspection.outcome == "warning"
    assert inspection.publish_due is None
    assert not OpinionLetter.objects.exists()
    assert services.results_publish_due(on=dt.date(2027, 6, 1)) == 0
    with pytest.raises(InvalidInput, match="按规定不予公示"):
        services.inspection_publish(actor=svc_world["official"], inspection_id=inspection.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=inspection.pk).update(published_on=TODAY)


def test_results_are_published_at_the_first_daily_run_after_completion(svc_world):
    plan = _drawn(svc_world, target_count=1)
    inspection = plan.inspections.get()
    services.items_record(
        actor=inspection.crew.first().inspector,
        inspection_id=inspection.pk,
        items=[services.ItemInput(i.pk, "pass") for i in inspection.items.all()],
    )
    inspection = _complete(inspection)
    assert (inspection.outcome, inspection.publish_due) == ("pass", dt.date(2026, 12, 25))
    assert services.results_publish_due(on=dt.date(2026, 11, 26)) == 0  # before the inspection
    assert services.results_publish_due(on=TODAY) == 1  # that day's run, not the 20th day
    inspection.refresh_from_db()
    assert inspection.published_on == TODAY
    assert list(selectors.public_inspections()) == [inspection]
    assert services.results_publish_due(on=dt.date(2026, 12, 25)) == 0  # once


def test_a_result_past_its_publication_date_is_flagged_until_a_run_publishes_it(
    svc_world, client, monkeypatch
):
    official = svc_world["official"]
    inspection = _drawn(svc_world, target_count=1).inspections.get()
    _fail_first(inspection)
    inspection = _complete(inspection)
    assert inspection.publish_due == dt.date(2026, 12, 25)
    late_day = dt.date(2026, 12, 28)  # the daily runs have not run since the inspection
    monkeypatch.setattr(services, "today", lambda: late_day)
    assert (
        list(
            selectors.inspections_publish_overdue_for_user(
                user=official, today=dt.date(2026, 12, 25)
            )
        )
        == []
    )
    assert list(selectors.inspections_publish_overdue_for_user(user=official, today=late_day)) == [
        inspection
    ]
    client.force_login(official)

    home = client.get("/home/").content.decode()

    assert "逾期未公示的检查结果" in home
    assert f"{inspection.institution.name}（应于2026-12-25前公示）" in home
    assert services.results_publish_due(on=late_day) == 1
    assert list(selectors.inspections_publish_overdue_for_user(user=official, today=late_day)) == []
    assert f"{inspection.institution.name}（应于2026-12-25前公示）" not in (
        client.get("/home/").content.decode()
    )


def test_publication_date_in_a_year_without_a_notice_is_provisional(svc_world, monkeypatch):
    today = dt.date(2026, 12, 15)
    monkeypatch.setattr(services, "today", lambda: today)
    plan = _drawn(svc_world, target_count=1)
    inspection = plan.inspections.get()
    services.items_record(
        actor=inspection.crew.first().inspector,
        inspection_id=inspection.pk,
        items=[services.ItemInput(i.pk, "pass") for i in inspection.items.all()],
    )
    inspection = services.inspection_complete(
        actor=inspection.crew.first().inspector, inspection_id=inspection.pk, inspected_on=today
    )
    assert not HolidayYear.objects.filter(year=2027).exists()
    # 12-16..31: 12 working days; 2027-01-01 off by the law; 01-04..08, 01-11..13: 20
    assert (inspection.publish_due, inspection.publish_due_provisional) == (
        dt.date(2027, 1, 13),
        True,
    )


# --------------------------------------------------------------------------- rectification


@pytest.fixture
def svc_letter(svc_world) -> OpinionLetter:
    plan = _drawn(svc_world, target_count=4)
    inspection = plan.inspections.get(institution=svc_world["yanhu"][0])
    _fail_first(inspection)
    return _complete(inspection).letter


def _evidence(world, letter, note="已补办食品经营许可证"):
    return services.evidence_submit(
        actor=world["operator"],
        letter_id=letter.pk,
        upload=SimpleUploadedFile("许可证.pdf", b"%PDF-1.4 evidence", "application/pdf"),
        note=note,
    )


def test_evidence_then_acceptance_by_the_crew(svc_world, svc_letter):
    with pytest.raises(InvalidInput) as error:
        services.evidence_submit(
            actor=svc_world["operator"], letter_id=svc_letter.pk, upload=None, note="已整改"
        )
    assert str(error.value) == "请选择要上传的文件。"
    with pytest.raises(InvalidInput, match="格式不支持"):
        services.evidence_submit(
            actor=svc_world["operator"],
            letter_id=svc_letter.pk,
            upload=SimpleUploadedFile("a.exe", b"MZ"),
            note="已整改",
        )
    _evidence(svc_world, svc_letter)
    svc_letter.refresh_from_db()
    assert svc_letter.status == "submitted"
    crew = svc_letter.inspection.crew.order_by("position")
    outsider = next(
        i for i in svc_world["inspectors"][:3] if i.pk not in {c.inspector_id for c in crew}
    )
    with pytest.raises(NotFound):
        services.letter_accept(actor=outsider, letter_id=svc_letter.pk)
    letter = services.letter_accept(actor=crew[0].inspector, letter_id=svc_letter.pk)
    assert (letter.status, letter.closed_on) == ("accepted", TODAY)
    with pytest.raises(InvalidInput, match="不需要提交整改材料"):
        _evidence(svc_world, letter)


def test_reorder_sets_a_new_deadline_and_a_second_round(svc_world, svc_letter):
    _evidence(svc_world, svc_letter)
    inspector = svc_letter.inspection.crew.order_by("position")[0].inspector
    with pytest.raises(InvalidInput) as error:
        services.letter_reorder(
            actor=inspector, letter_id=svc_letter.pk, reason="许可证照片不清", working_days=61
        )
    assert str(error.value) == "整改期限应为1至60个工作日，您填写的是61。"
    letter = services.letter_reorder(
        actor=inspector, letter_id=svc_letter.pk, reason="许可证照片不清", working_days=5
    )
    assert (letter.status, letter.rounds, letter.deadline) == ("issued", 2, dt.date(2026, 12, 4))
    assert _evidence(svc_world, letter, note="重新上传清晰照片").round == 2


def test_another_countys_operator_and_official_do_not_see_the_letter(
    svc_world, svc_letter, make_user
):
    other = make_user("wr_official", User.Role.COUNTY_OFFICIAL, ("140822",))
    with pytest.raises(NotFound):
        selectors.letter_get_for_user(user=other, letter_id=svc_letter.pk)
    operator2 = make_user("op2", User.Role.OPERATOR, ("140802",))
    OperatorBinding.objects.create(user=operator2, institution=svc_world["yanhu"][1])
    with pytest.raises(NotFound):
        _evidence({"operator": operator2}, svc_letter)


def test_an_overdue_letter_escalates_once_and_lowers_the_credit(svc_world, svc_letter):
    institution = svc_letter.institution
    before = selectors.credit_current(institution)
    assert services.letters_escalate_due(on=dt.date(2026, 12, 18)) == 0  # the deadline day
    assert services.letters_escalate_due(on=dt.date(2026, 12, 19)) == 1
    assert services.letters_escalate_due(on=dt.date(2026, 12, 20)) == 0
    svc_letter.refresh_from_db()
    assert svc_letter.status == "overdue"
    assert svc_letter.escalated_at is not None
    event = Event.objects.get(object_id=svc_letter.pk, to_status="overdue")
    assert event.reason == "整改期限2026年12月18日已过，未提交整改材料，已上报县级卫生健康部门"
    assert list(selectors.letters_escalated_for_user(svc_world["official"])) == [svc_letter]
    after = selectors.credit_current(institution)
    assert after.score == before.score - 15
    overdue = next(c for c in after.contributions if c["code"] == "overdue_letters")
    assert overdue == {
        "code": "overdue_letters",
        "label": "逾期未整改的监督意见书",
        "count": 1,
        "points": -15,
        "rule": "每项-15分",
    }
    # late evidence is still judged; the overdue stays on the record
    _evidence(svc_world, svc_letter)
    inspector = svc_letter.inspection.crew.order_by("position")[0].inspector
    services.letter_accept(actor=inspector, letter_id=svc_letter.pk)
    assert selectors.credit_current(institution).score == after.score


def test_overdue_letters_raise_the_draw_weight(svc_world, svc_letter):
    services.letters_escalate_due(on=dt.date(2026, 12, 19))
    plan = _drawn(svc_world, target_count=1, name="复查")
    candidate = DrawCandidate.objects.get(plan=plan, institution=svc_letter.institution)
    assert "overdue_letters" in candidate.reasons
    assert candidate.weight >= 2


# --------------------------------------------------------------------------- credit, complaints


def test_credit_history_grows_only_when_the_score_changes(svc_world):
    institution = svc_world["yanhu"][1]
    services.credit_refresh(institution_id=institution.pk, reason="首次评价")
    services.credit_refresh(institution_id=institution.pk, reason="定期评价")
    assert CreditRating.objects.filter(institution=institution).count() == 1
    complaint = services.complaint_record(
        actor=svc_world["official"],
        institution_id=institution.pk,
        received_on=TODAY,
        summary="家长反映午餐分量不足",
    )
    services.complaint_decide(
        actor=svc_world["official"], complaint_id=complaint.pk, substantiated=True, reason="属实"
    )
    ratings = list(selectors.credit_history(institution))
    assert [(r.score, r.level, r.reason) for r in ratings] == [
        (95, "A", "投诉核查"),
        (100, "A", "首次评价"),
    ]
    assert Complaint.objects.get().status == "substantiated"


def test_complaints_weigh_in_the_next_draw(svc_world):
    institution = svc_world["yanhu"][2]
    services.complaint_record(
        actor=svc_world["official"],
        institution_id=institution.pk,
        received_on=TODAY,
        summary="投诉保育员态度粗暴",
    )
    plan = _drawn(svc_world, target_count=1)
    candidate = DrawCandidate.objects.get(plan=plan, institution=institution)
    assert (candidate.weight, candidate.reasons) == (2, ["complaints"])


def test_complaint_refuses_a_future_date_and_another_county(svc_world):
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        services.complaint_record(
            actor=svc_world["official"],
            institution_id=svc_world["yanhu"][0].pk,
            received_on=TODAY + dt.timedelta(days=1),
            summary="x",
        )
    with pytest.raises(NotFound):
        services.complaint_record(
            actor=svc_world["official"],
            institution_id=svc_world["wanrong"][0].pk,
            received_on=TODAY,
            summary="x",
        )
