"""The supervision pages: each page for its roles with exact content, scoping (another
county's inspection or letter is a 404), refused forms that keep what was typed and say what
to fix, the letter PDF, and the public results page without login and without personal data.

Test data is built through the services (plan_create, plan_lock, plan_draw, items_record,
inspection_complete …)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huimin.childcare.models import Institution
from huimin.core.models import User
from huimin.supervision import rules, services
from huimin.supervision.models import (
    Complaint,
    Conflict,
    CreditRating,
    DrawPlan,
    Evidence,
    Inspection,
    InspectionItem,
    InspectionPhoto,
    OpinionLetter,
)
from tests.core.test_uploads import image_bytes
from tests.supervision.conftest import TODAY, WANRONG, YANHU, CountySetup, filed_institution

PUBLIC_VALUE = "2026年11月25日上证指数收盘点位3412.56"
PNG = image_bytes("PNG")  # a real picture: uploads are judged by their content


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible text: tags dropped, whitespace collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html(response), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def make_plan(setup: CountySetup, *, name: str = "2026年第四季度托育机构双随机抽查") -> DrawPlan:
    return services.plan_create(
        actor=setup.official,
        name=name,
        region_code=YANHU,
        target_percent=100,
        inspectors_per_target=2,
    )


def drawn_plan(setup: CountySetup) -> DrawPlan:
    plan = make_plan(setup)
    services.plan_lock(actor=setup.official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    return services.plan_draw(actor=setup.official, plan_id=plan.pk)


def inspection_of(plan: DrawPlan, institution: Institution) -> Inspection:
    return Inspection.objects.get(plan=plan, institution=institution)


def crew_of(inspection: Inspection) -> list[User]:
    return [c.inspector for c in inspection.crew.select_related("inspector").order_by("position")]


def judge_all(
    inspection: Inspection, *, fail: InspectionItem | None = None, needs: bool = True
) -> None:
    """Every item passes, except ``fail`` (failed, needing correction when ``needs``)."""
    entries = [
        services.ItemInput(
            item_id=item.pk,
            result="fail" if fail and item.pk == fail.pk else "pass",
            note="消毒记录缺失10天" if fail and item.pk == fail.pk else "",
            needs_correction=needs and bool(fail and item.pk == fail.pk),
            correction="补齐消毒记录并落实每日消毒" if fail and item.pk == fail.pk else "",
        )
        for item in inspection.items.all()
    ]
    services.items_record(actor=crew_of(inspection)[0], inspection_id=inspection.pk, items=entries)


def issue_letter(inspection: Inspection) -> OpinionLetter:
    judge_all(inspection, fail=inspection.items.order_by("position").first())
    services.inspection_complete(
        actor=crew_of(inspection)[0], inspection_id=inspection.pk, inspected_on=TODAY
    )
    return OpinionLetter.objects.get(inspection=inspection)


@pytest.fixture
def drawn(county_setup, fixed_now) -> DrawPlan:
    return drawn_plan(county_setup)


def items_post(inspection: Inspection, **overrides: dict[str, str]) -> dict[str, str]:
    """The item form as sent: every item 符合, with ``overrides`` per item id (``i<pk>``)."""
    data: dict[str, str] = {}
    for item in inspection.items.all():
        fields = {"result": "pass", "note": "", "correction": item.correction}
        fields.update(overrides.get(f"i{item.pk}", {}))
        for key, value in fields.items():
            data[f"item{item.pk}-{key}"] = value
    return data


def first_item(inspection: Inspection) -> InspectionItem:
    return inspection.items.order_by("position").first()  # type: ignore[return-value]


# --------------------------------------------------------------------------- plans


def test_official_creates_a_plan_and_lands_on_its_page(county_setup, fixed_now):
    client = client_for(county_setup.official)
    page = client.get(reverse("supervision_plan_create"))
    assert '<option value="140802" selected>盐湖区</option>' in html(page)
    response = client.post(
        reverse("supervision_plan_create"),
        {
            "name": "2026年第四季度双随机抽查",
            "region": YANHU,
            "kind": "",
            "inclusive": "",
            "target_count": "2",
            "target_percent": "",
            "inspectors_per_target": "2",
            "by_risk": "on",
        },
        follow=True,
    )
    plan = DrawPlan.objects.get()
    assert (plan.name, plan.region.code, plan.target_count, plan.target_percent) == (
        "2026年第四季度双随机抽查",
        YANHU,
        2,
        None,
    )
    assert (plan.by_county, plan.by_risk, plan.status) == (False, True, DrawPlan.Status.DRAFT)
    assert response.redirect_chain == [(f"/supervision/plans/{plan.pk}/", 302)]
    page_text = text(response)
    assert "已创建抽查计划“2026年第四季度双随机抽查”。下一步：填写公开随机数来源并锁定计划。" in (
        page_text
    )
    assert "抽取数量 2 家 每个对象检查人员数 2 名 分层 按风险等级" in page_text
    assert "锁定计划并公布种子" in page_text
    # the published weight table and the method are on the plan's page
    assert "有未整改的严重合规问题 +1" in page_text
    assert "诚信等级为D +2" in page_text
    assert "抽取方法（huimin-draw-v1）" in page_text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"target_count": "3", "target_percent": "50"},
            "target_count",
            "请填写抽取数量或抽取比例中的一项（只填一项）。",
        ),
        (
            {"target_count": "", "target_percent": "120"},
            "target_percent",
            "抽取比例应在1%至100%之间。",
        ),
        (
            {"target_count": "3", "inspectors_per_target": "1"},
            "inspectors_per_target",
            "每个检查对象应抽取2至5名检查人员，您填写的是1名。",
        ),
    ],
)
def test_plan_form_refuses_bad_numbers_keeps_what_was_typed_and_saves_nothing(
    county_setup, fixed_now, fields, field, message
):
    data = {
        "name": "第四季度抽查",
        "region": YANHU,
        "target_count": "",
        "target_percent": "",
        "inspectors_per_target": "2",
        **fields,
    }
    response = client_for(county_setup.official).post(reverse("supervision_plan_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert 'value="第四季度抽查"' in html(response)
    assert DrawPlan.objects.count() == 0


def test_plan_form_offers_only_the_users_county_and_the_city_to_the_city(
    county_setup, make_user, fixed_now
):
    page = client_for(county_setup.official).get(reverse("supervision_plan_create"))
    regions = [code for code, _label in page.context["form"].fields["region"].choices]
    assert regions == ["", YANHU]
    admin = make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",))
    page = client_for(admin).get(reverse("supervision_plan_create"))
    regions = [code for code, _label in page.context["form"].fields["region"].choices]
    assert regions[:3] == ["", "140800", YANHU]
    assert len(regions) == 15


def test_lock_needs_a_public_value_and_changes_nothing_without_one(county_setup, fixed_now):
    plan = make_plan(county_setup)
    client = client_for(county_setup.official)
    response = client.post(
        reverse("supervision_plan_lock", args=[plan.pk]), {"public_value": "123"}
    )
    assert response.status_code == 200
    assert response.context["lock_form"].errors["public_value"] == [
        "请填写锁定时公开的随机数来源（4至200个字符），例如当日上证指数收盘点位或公证处现场摇号结果。"
    ]
    plan.refresh_from_db()
    assert (plan.status, plan.seed, plan.public_value) == (DrawPlan.Status.DRAFT, "", "")


def test_lock_publishes_the_seed_then_the_draw_shows_targets_weights_and_verification(
    county_setup, fixed_now
):
    setup = county_setup
    # a recent complaint raises the weight of the second institution by the published table
    services.complaint_record(
        actor=setup.official,
        institution_id=setup.institutions[1].pk,
        received_on=TODAY,
        summary="家长反映午餐分量不足",
    )
    plan = make_plan(setup)
    client = client_for(setup.official)
    response = client.post(
        reverse("supervision_plan_lock", args=[plan.pk]),
        {"public_value": PUBLIC_VALUE},
        follow=True,
    )
    plan.refresh_from_db()
    assert plan.status == DrawPlan.Status.LOCKED
    assert plan.seed == rules.draw_seed(plan.spec(), PUBLIC_VALUE)
    assert f"计划已锁定，随机种子：{plan.seed}。现在可以抽取。" in text(response)
    assert f'<span class="hash" id="seed">{plan.seed}</span>' in html(response)

    response = client.post(reverse("supervision_plan_draw", args=[plan.pk]), follow=True)
    plan.refresh_from_db()
    assert plan.status == DrawPlan.Status.DRAWN
    page_text = text(response)
    assert "已抽取：对象库3家，抽中3家，已分派检查人员。" in page_text
    assert "抽取结果：对象库 3 家，抽中 3 家" in page_text
    drawn = {i.institution.name: i for i in Inspection.objects.filter(plan=plan)}
    assert set(drawn) == {i.name for i in setup.institutions}
    complained = drawn["北城街道小星星托育园"]
    crew = "、".join(u.full_name for u in crew_of(complained))
    assert (
        f"{complained.position} 北城街道小星星托育园 不分层 2 近一年有投诉 {crew} 待检查"
        in page_text
    )
    assert "复核一致：按公布的种子和对象库重新计算，结果与记录完全相同。" in page_text
    assert f"✓ 随机种子： 重算 {plan.seed[:16]}…，记录 {plan.seed[:16]}…" in page_text
    assert f"对象库与人员库摘要 {plan.pool_hash}" in page_text
    assert f"抽取结果摘要 {plan.result_hash}" in page_text
    assert "对象库（抽取时的快照，3 家）" in page_text
    assert "检查人员库（抽取时的快照，3 名）" in page_text
    # the plan's events are on its timeline
    assert "状态: 已锁定，待抽取 → 已抽取 对象库3家，人员库3人，抽中3家" in page_text


def test_verification_on_the_page_reports_a_candidate_changed_after_the_draw(county_setup, drawn):
    candidate = drawn.candidates.order_by("pk").first()
    candidate.weight = 5
    candidate.save(update_fields=["weight"])
    response = client_for(county_setup.official).get(
        reverse("supervision_plan_detail", args=[drawn.pk])
    )
    page_text = text(response)
    assert "复核不一致：重新计算的结果与记录不同，请核查。" in page_text
    assert "✗ 对象库与人员库摘要" in page_text


def test_a_draw_with_too_few_inspectors_says_why_and_draws_nothing(county_setup, fixed_now):
    setup = county_setup
    User.objects.filter(pk__in=[u.pk for u in setup.inspectors[1:]]).update(is_active=False)
    plan = make_plan(setup)
    services.plan_lock(actor=setup.official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    response = client_for(setup.official).post(reverse("supervision_plan_draw", args=[plan.pk]))
    assert response.status_code == 200
    assert "只有1名可抽取的检查人员" in response.context["draw_error"]
    assert "请补充检查人员库或减少每个对象的检查人员数" in text(response)
    plan.refresh_from_db()
    assert plan.status == DrawPlan.Status.LOCKED
    assert Inspection.objects.count() == 0


def test_cancel_needs_a_reason(county_setup, fixed_now):
    plan = make_plan(county_setup)
    services.plan_lock(actor=county_setup.official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    client = client_for(county_setup.official)
    url = reverse("supervision_plan_cancel", args=[plan.pk])
    response = client.post(url, {"reason": ""})
    assert response.context["cancel_form"].errors["reason"] == ["请填写作废原因。"]
    assert ' id="cancel" open' in html(response)
    plan.refresh_from_db()
    assert plan.status == DrawPlan.Status.LOCKED
    response = client.post(url, {"reason": "抽查范围有误，重新制定"}, follow=True)
    plan.refresh_from_db()
    assert plan.status == DrawPlan.Status.CANCELLED
    assert "计划“2026年第四季度托育机构双随机抽查”已作废。" in text(response)


def test_plan_list_filters_and_scopes(county_setup, drawn):
    setup = county_setup
    make_plan(setup, name="第二次抽查")
    client = client_for(setup.official)
    names = [p.name for p in client.get(reverse("supervision_plan_list")).context["page"]]
    assert names == ["第二次抽查", "2026年第四季度托育机构双随机抽查"]
    response = client.get(reverse("supervision_plan_list"), {"status": "drawn"})
    assert [p.name for p in response.context["page"]] == ["2026年第四季度托育机构双随机抽查"]
    response = client.get(reverse("supervision_plan_list"), {"q": "第二"})
    assert [p.name for p in response.context["page"]] == ["第二次抽查"]
    other = client_for(setup.other_official)
    assert list(other.get(reverse("supervision_plan_list")).context["page"]) == []
    assert other.get(reverse("supervision_plan_detail", args=[drawn.pk])).status_code == 404
    assert (
        other.post(reverse("supervision_plan_cancel", args=[drawn.pk]), {"reason": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["inspector", "operator"])
def test_plans_are_for_officials_only(county_setup, drawn, who):
    user = county_setup.inspectors[0] if who == "inspector" else county_setup.operator
    client = client_for(user)
    assert client.get(reverse("supervision_plan_list")).status_code == 403
    assert client.get(reverse("supervision_plan_detail", args=[drawn.pk])).status_code == 403


# --------------------------------------------------------------------------- inspections


def test_inspection_lists_are_scoped_by_role(county_setup, drawn):
    setup = county_setup
    url = reverse("supervision_inspection_list")
    official = client_for(setup.official).get(url)
    assert official.context["page"].paginator.count == 3
    assert client_for(setup.other_official).get(url).context["page"].paginator.count == 0
    operator = client_for(setup.operator).get(url)
    assert [i.institution.name for i in operator.context["page"]] == ["盐湖区综合托育服务中心"]
    assert "region" not in operator.context["form"].fields
    for inspector in setup.inspectors:
        mine = Inspection.objects.filter(crew__inspector=inspector).count()
        response = client_for(inspector).get(url)
        assert response.context["page"].paginator.count == mine
    # filters
    response = client_for(setup.official).get(url, {"q": "东城"})
    assert [i.institution.name for i in response.context["page"]] == ["东城街道阳光宝贝托育中心"]
    assert client_for(setup.official).get(url, {"region": WANRONG}).status_code == 404


def test_another_countys_inspection_is_404(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    url = reverse("supervision_inspection_detail", args=[inspection.pk])
    assert client_for(county_setup.other_official).get(url).status_code == 404
    other_operator = User.objects.create_user(
        username="op2", password="pw-Huimin-2026", role=User.Role.OPERATOR
    )
    assert client_for(other_operator).get(url).status_code == 404


def test_crew_sees_the_checklist_by_category_with_a_form_per_item(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    response = client_for(crew_of(inspection)[0]).get(
        reverse("supervision_inspection_detail", args=[inspection.pk])
    )
    groups = [g["label"] for g in response.context["groups"]]
    assert groups == [
        "食品安全",
        "卫生保健",
        "消防安全",
        "收托管理",
        "保育管理",
        "健康管理",
        "安全管理",
        "人员管理",
    ]
    item = first_item(inspection)
    page = html(response)
    assert f'name="item{item.pk}-result" value="fail"' in page
    assert f'name="item{item.pk}-photo"' in page
    assert "保存检查记录" in page
    assert "完成检查" in page
    assert response.context["counts"]["pending"] == inspection.items.count() == 16


def test_others_see_the_inspection_read_only_and_cannot_record(county_setup, drawn):
    setup = county_setup
    inspection = inspection_of(drawn, setup.institutions[0])
    crew = crew_of(inspection)
    outsider = next(u for u in setup.inspectors if u not in crew)
    url = reverse("supervision_inspection_detail", args=[inspection.pk])
    # not drawn for this one: not even in their scope
    assert client_for(outsider).get(url).status_code == 404
    for user in (setup.official, setup.operator):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response.context["can_record"] is False
        assert "保存检查记录" not in html(response)
    response = client_for(setup.official).post(
        reverse("supervision_inspection_items", args=[inspection.pk]), items_post(inspection)
    )
    assert response.status_code == 403
    assert not inspection.items.exclude(result="pending").exists()


def test_a_failed_item_without_a_note_is_refused_next_to_it_and_nothing_is_saved(
    county_setup, drawn
):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    item = first_item(inspection)
    data = items_post(inspection, **{f"i{item.pk}": {"result": "fail", "note": ""}})
    response = client_for(crew_of(inspection)[0]).post(
        reverse("supervision_inspection_items", args=[inspection.pk]), data
    )
    assert response.status_code == 200
    page = html(response)
    assert (
        "有1个检查项目需要补充：不符合的项目，请在检查记录中写明发现的问题。"
        == response.context["items_error"]
    )
    block = page[page.index(f'id="item-{item.pk}"') - 40 :]
    block = block[: block.index('<div class="item', 50)]
    assert 'class="item invalid"' in block
    assert "不符合的项目，请在检查记录中写明发现的问题。" in block
    assert f'name="item{item.pk}-result" value="fail" id="id_item{item.pk}-result_1" checked' in (
        block
    )
    assert not inspection.items.exclude(result="pending").exists()


@pytest.mark.parametrize("result", ["pass", "na"])
def test_an_item_ticked_for_correction_but_not_failed_is_refused_next_to_it(
    county_setup, drawn, result
):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    item = first_item(inspection)
    data = items_post(inspection, **{f"i{item.pk}": {"result": result, "needs_correction": "on"}})
    response = client_for(crew_of(inspection)[0]).post(
        reverse("supervision_inspection_items", args=[inspection.pk]), data
    )
    assert response.status_code == 200
    message = (
        "勾选了“需责令整改”的项目，检查结果应为“不符合”，并填写整改要求；不需整改的，请取消勾选。"
    )
    assert response.context["items_error"] == f"有1个检查项目需要补充：{message}"
    page = html(response)
    block = page[page.index(f'id="item-{item.pk}"') - 40 :]
    block = block[: block.index('<div class="item', 50)]
    assert message in block
    assert not inspection.items.exclude(result="pending").exists()


def test_crew_saves_results_and_a_photo(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    item = first_item(inspection)
    data = items_post(
        inspection,
        **{
            f"i{item.pk}": {
                "result": "fail",
                "note": "2名从业人员健康证明过期",
                "needs_correction": "on",
                "correction": "过期人员停止上岗，体检合格后再上岗",
            }
        },
    )
    data[f"item{item.pk}-photo"] = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    client = client_for(crew_of(inspection)[0])
    response = client.post(
        reverse("supervision_inspection_items", args=[inspection.pk]), data, follow=True
    )
    assert "已保存16个检查项目的结果。已上传1张照片。" in text(response)
    item.refresh_from_db()
    assert (item.result, item.note, item.needs_correction, item.correction) == (
        "fail",
        "2名从业人员健康证明过期",
        True,
        "过期人员停止上岗，体检合格后再上岗",
    )
    assert inspection.items.filter(result="pass").count() == 15
    photo = InspectionPhoto.objects.get(item=item)
    photo_url = reverse("supervision_inspection_photo", args=[inspection.pk, photo.pk])
    assert photo_url in html(response)
    download = client.get(photo_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert client_for(county_setup.other_official).get(photo_url).status_code == 404


def test_a_photo_of_the_wrong_kind_is_refused_next_to_its_item(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    item = first_item(inspection)
    data = items_post(inspection)
    data[f"item{item.pk}-photo"] = SimpleUploadedFile("记录.docx", b"x")
    response = client_for(crew_of(inspection)[0]).post(
        reverse("supervision_inspection_items", args=[inspection.pk]), data
    )
    assert response.status_code == 200
    assert response.context["items_error"] == "1张照片未能上传，请按提示重新选择。"
    assert "文件“记录.docx”的格式不支持，请上传 PDF、JPG 或 PNG 文件。" in text(response)
    assert InspectionPhoto.objects.count() == 0


def test_completing_with_items_left_says_how_many(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    response = client_for(crew_of(inspection)[0]).post(
        reverse("supervision_inspection_complete", args=[inspection.pk]),
        {"inspected_on": "2026-11-25", "working_days": "15"},
    )
    assert response.status_code == 200
    first = first_item(inspection).text
    assert response.context["complete_form"].non_field_errors() == [
        f"还有16个检查项目未填写结果（第一个：{first}），请逐项填写后再完成检查。"
    ]
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.ASSIGNED


def test_completing_a_future_date_is_refused_on_its_field(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    judge_all(inspection)
    response = client_for(crew_of(inspection)[0]).post(
        reverse("supervision_inspection_complete", args=[inspection.pk]),
        {"inspected_on": "2026-11-26", "working_days": "15"},
    )
    assert response.context["complete_form"].errors["inspected_on"] == ["检查日期不能晚于今天。"]
    assert 'value="2026-11-26"' in html(response)


def test_completing_with_a_failed_item_issues_the_letter(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    judge_all(inspection, fail=first_item(inspection))
    response = client_for(crew_of(inspection)[0]).post(
        reverse("supervision_inspection_complete", args=[inspection.pk]),
        {
            "inspected_on": "2026-11-25",
            "summary": "食品安全管理存在问题",
            "working_days": "15",
        },
        follow=True,
    )
    assert (
        "检查已完成，结果：责令限期整改。已出具卫生监督意见书运盐卫监意〔2026〕第0001号，"
        "整改期限至2026年12月16日。"
    ) in text(response)
    letter = OpinionLetter.objects.get(inspection=inspection)
    assert (letter.number, letter.deadline) == ("运盐卫监意〔2026〕第0001号", dt.date(2026, 12, 16))
    assert reverse("supervision_letter_detail", args=[letter.pk]) in html(response)


def test_official_publishes_a_result_and_the_public_page_shows_it(county_setup, drawn):
    inspection = inspection_of(drawn, county_setup.institutions[0])
    issue_letter(inspection)
    client = client_for(county_setup.official)
    url = reverse("supervision_inspection_detail", args=[inspection.pk])
    page = text(client.get(url))
    assert "应于2026年12月23日前公示（检查后20个工作日内）" in page
    assert "公示期限：2026年12月23日；到期未公示的，系统当日自动公示。" in page
    response = client.post(
        reverse("supervision_inspection_publish", args=[inspection.pk]), follow=True
    )
    assert "检查结果已公示（2026年11月25日）。" in text(response)
    assert "公示检查结果" not in text(response)
    public = text(Client().get(reverse("supervision_public")))
    assert "盐湖区综合托育服务中心 盐湖区 2026-11-25 责令限期整改 1 2026-11-25" in public
    # the crew cannot publish
    assert (
        client_for(crew_of(inspection)[0])
        .post(reverse("supervision_inspection_publish", args=[inspection.pk]))
        .status_code
        == 403
    )


# --------------------------------------------------------------------------- letters


@pytest.fixture
def letter(county_setup, drawn) -> OpinionLetter:
    return issue_letter(inspection_of(drawn, county_setup.institutions[0]))


def test_letter_page_shows_the_letter_deadline_and_working_days_left(county_setup, letter):
    response = client_for(county_setup.official).get(
        reverse("supervision_letter_detail", args=[letter.pk])
    )
    page = text(response)
    assert "卫生监督意见书 运盐卫监意〔2026〕第0001号 待整改" in page
    assert "签发单位 盐湖区卫生健康局" in page
    assert "整改期限 2026年12月16日 （15 个工作日） 距整改期限 剩余15个工作日" in page
    item = first_item(letter.inspection)
    assert f"经检查发现的问题 {item.text}：消毒记录缺失10天" in page
    assert "监督意见（整改要求） 补齐消毒记录并落实每日消毒" in page
    assert f"依据 {item.legal_basis}" in page
    assert "尚未提交整改材料。" in page
    assert reverse("supervision_letter_pdf", args=[letter.pk]) in html(response)
    # the county official neither sends evidence nor judges it
    assert not response.context["can_submit"]
    assert not response.context["can_judge"]


def test_letter_of_another_county_or_institution_is_404(county_setup, letter):
    url = reverse("supervision_letter_detail", args=[letter.pk])
    pdf = reverse("supervision_letter_pdf", args=[letter.pk])
    other_operator = User.objects.create_user(
        username="op2", password="pw-Huimin-2026", role=User.Role.OPERATOR
    )
    for user in (county_setup.other_official, other_operator):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).get(pdf).status_code == 404
    outsider = next(u for u in county_setup.inspectors if u not in crew_of(letter.inspection))
    assert client_for(outsider).get(url).status_code == 404


def test_letter_pdf_is_a_pdf_opened_inline_named_by_its_number(county_setup, letter):
    response = client_for(county_setup.operator).get(
        reverse("supervision_letter_pdf", args=[letter.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename*=utf-8''")
    assert "%E8%BF%90%E7%9B%90" in disposition  # 运盐… of the number


def test_operator_sends_evidence_and_a_missing_note_is_refused(county_setup, letter):
    client = client_for(county_setup.operator)
    url = reverse("supervision_letter_evidence", args=[letter.pk])
    upload = SimpleUploadedFile("整改照片.png", PNG, content_type="image/png")
    response = client.post(url, {"file": upload, "note": ""})
    assert response.status_code == 200
    assert response.context["evidence_form"].errors["note"] == [
        "请填写整改说明：对每个问题做了什么整改。"
    ]
    assert Evidence.objects.count() == 0
    upload = SimpleUploadedFile("整改照片.png", PNG, content_type="image/png")
    response = client.post(
        url, {"file": upload, "note": "已补齐消毒记录，每日专人消毒"}, follow=True
    )
    assert "整改材料已提交，等待检查人员审核。" in text(response)
    letter.refresh_from_db()
    assert letter.status == OpinionLetter.Status.SUBMITTED
    evidence = Evidence.objects.get()
    file_url = reverse("supervision_evidence_file", args=[letter.pk, evidence.pk])
    assert file_url in html(response)
    assert "1 已补齐消毒记录，每日专人消毒" in text(response)
    assert b"".join(client.get(file_url).streaming_content) == PNG
    assert client_for(county_setup.other_official).get(file_url).status_code == 404
    assert response.context["can_submit"] is False  # nothing more to send until judged


def test_inspector_reorders_with_a_new_deadline_then_accepts(county_setup, letter):
    services.evidence_submit(
        actor=county_setup.operator,
        letter_id=letter.pk,
        upload=SimpleUploadedFile("a.png", PNG),
        note="已整改",
    )
    inspector = client_for(crew_of(letter.inspection)[0])
    page = inspector.get(reverse("supervision_letter_detail", args=[letter.pk]))
    assert page.context["can_judge"] is True
    url = reverse("supervision_letter_reorder", args=[letter.pk])
    response = inspector.post(url, {"reason": "", "working_days": "10"})
    assert response.context["reorder_form"].errors["reason"] == [
        "请写明整改材料不合格的原因和还需整改的内容。"
    ]
    response = inspector.post(
        url,
        {"reason": "消毒记录仍不完整", "working_days": "10"},
        follow=True,
    )
    assert "已重新责令整改，新的整改期限至2026年12月09日。" in text(response)
    letter.refresh_from_db()
    assert (letter.status, letter.rounds, letter.deadline) == (
        OpinionLetter.Status.ISSUED,
        2,
        dt.date(2026, 12, 9),
    )
    services.evidence_submit(
        actor=county_setup.operator,
        letter_id=letter.pk,
        upload=SimpleUploadedFile("b.png", PNG),
        note="补齐全部记录",
    )
    response = inspector.post(
        reverse("supervision_letter_accept", args=[letter.pk]), {"note": ""}, follow=True
    )
    assert "已验收：整改合格。" in text(response)
    letter.refresh_from_db()
    assert (letter.status, letter.closed_on) == (OpinionLetter.Status.ACCEPTED, TODAY)
    # the operator cannot judge
    assert (
        client_for(county_setup.operator)
        .post(reverse("supervision_letter_accept", args=[letter.pk]))
        .status_code
        == 403
    )


def test_overdue_letters_are_red_on_the_list_and_on_the_county_officials_home(county_setup, letter):
    client = client_for(county_setup.official)
    assert services.letters_escalate_due(on=dt.date(2026, 12, 17)) == 1
    response = client.get(reverse("supervision_letter_list"))
    assert '<tr class="row-overdue">' in html(response)
    assert "运盐卫监意〔2026〕第0001号" in text(response)
    assert "逾期未整改（已上报）" in text(response)
    home = text(client.get(reverse("home")))
    assert (
        "逾期未整改的监督意见书（已上报） 1 份："
        "运盐卫监意〔2026〕第0001号（盐湖区综合托育服务中心）" in home
    )
    other_home = text(client_for(county_setup.other_official).get(reverse("home")))
    assert "逾期未整改的监督意见书（已上报） 0 份" in other_home


def test_letter_list_filters(county_setup, letter):
    client = client_for(county_setup.official)
    url = reverse("supervision_letter_list")
    assert client.get(url, {"status": "accepted"}).context["page"].paginator.count == 0
    assert client.get(url, {"status": "issued"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "第0001号"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "东城"}).context["page"].paginator.count == 0


# --------------------------------------------------------------------------- home pages


def test_home_pages_of_the_inspector_and_the_operator(county_setup, letter):
    crew = crew_of(letter.inspection)[0]
    assigned = Inspection.objects.filter(crew__inspector=crew, status="assigned").count()
    home = text(client_for(crew).get(reverse("home")))
    assert f"待检查的抽查任务 {assigned} 项" in home
    assert "待验收的整改材料 0 份" in home
    home = text(client_for(county_setup.operator).get(reverse("home")))
    assert "待整改的监督意见书 1 份：运盐卫监意〔2026〕第0001号（盐湖区综合托育服务中心）" in home
    assert "本机构诚信得分 90 分，A（诚信）" in home


def test_the_operators_home_calls_an_escalated_letter_overdue_not_to_be_corrected(
    county_setup, letter
):
    assert services.letters_escalate_due(on=dt.date(2026, 12, 17)) == 1

    home = text(client_for(county_setup.operator).get(reverse("home")))

    assert "待整改的监督意见书 0 份" in home
    assert (
        "逾期未整改的监督意见书（已上报） 1 份："
        "运盐卫监意〔2026〕第0001号（盐湖区综合托育服务中心）" in home
    )


# --------------------------------------------------------------------------- credit


def test_operator_reads_their_own_credit_and_no_one_elses(county_setup, letter):
    client = client_for(county_setup.operator)
    response = client.get(reverse("supervision_credit_mine"), follow=True)
    own = county_setup.institutions[0]
    assert response.redirect_chain == [(f"/supervision/credit/{own.pk}/", 302)]
    page = text(response)
    assert "本机构诚信评价 · 盐湖区综合托育服务中心" in page
    assert "当前得分 90 等级 A 诚信" in page
    assert "检查责令整改 1 -8 每项-8分" in page
    assert "检查不合格项 1 -2 每项-2分，最多-20分" in page
    assert "合计 90" in page
    assert "监督检查完成" in page
    other = county_setup.institutions[1]
    assert client.get(reverse("supervision_credit_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("supervision_credit_list"), follow=True).redirect_chain[-1][0] == (
        f"/supervision/credit/{own.pk}/"
    )


def test_credit_list_filters_by_level_and_scopes(county_setup, letter):
    services.credit_refresh_all()
    client = client_for(county_setup.official)
    url = reverse("supervision_credit_list")
    rows = client.get(url).context["page"]
    assert [(i.name, i.credit_score, i.credit_level) for i in rows] == [
        ("盐湖区综合托育服务中心", 90, "A"),
        ("北城街道小星星托育园", 100, "A"),
        ("东城街道阳光宝贝托育中心", 100, "A"),
    ]
    assert client.get(url, {"level": "B"}).context["page"].paginator.count == 0
    assert client.get(url, {"q": "东城"}).context["page"].paginator.count == 1
    other = client_for(county_setup.other_official).get(url).context["page"]
    assert [i.name for i in other] == ["万荣县解店镇童乐托育园"]
    assert (
        client_for(county_setup.other_official)
        .get(reverse("supervision_credit_detail", args=[county_setup.institutions[0].pk]))
        .status_code
        == 404
    )


# --------------------------------------------------------------------------- complaints, conflicts


def test_complaints_are_recorded_and_decided_with_errors_kept(county_setup, fixed_now):
    setup = county_setup
    client = client_for(setup.official)
    url = reverse("supervision_complaint_list")
    target = setup.institutions[1]
    response = client.post(
        url,
        {
            "institution_id": str(target.pk),
            "received_on": "2026-11-24",
            "summary": "",
        },
    )
    assert response.context["form"].errors["summary"] == ["请填写投诉内容。"]
    assert f'<option value="{target.pk}" selected>' in html(response)
    assert Complaint.objects.count() == 0
    # another county's institution is not offered
    choices = str(response.context["form"].fields["institution_id"].choices)
    assert "万荣县解店镇童乐托育园" not in choices
    response = client.post(
        url,
        {
            "institution_id": str(target.pk),
            "received_on": "2026-11-24",
            "summary": "家长反映午睡室通风不良",
        },
        follow=True,
    )
    assert "已登记对“北城街道小星星托育园”的投诉，请核查后填写结论。" in text(response)
    complaint = Complaint.objects.get()
    decide = reverse("supervision_complaint_decide", args=[complaint.pk])
    response = client.post(decide, {"outcome": "substantiated", "reason": ""})
    assert response.context["decide_for"] == complaint.pk
    assert "请填写核查结论。" in text(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN
    response = client.post(
        decide, {"outcome": "substantiated", "reason": "现场核实午睡室未开窗通风"}, follow=True
    )
    assert "投诉核查结论：查实（北城街道小星星托育园）。诚信评价已更新。" in text(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.SUBSTANTIATED
    assert CreditRating.objects.get(institution=target).score == 95
    assert client.get(url, {"status": "open"}).context["page"].paginator.count == 0
    # other county: not listed, not decidable
    other = client_for(setup.other_official)
    assert other.get(url).context["page"].paginator.count == 0
    assert other.post(decide, {"outcome": "unfounded", "reason": "x"}).status_code == 404


def test_inspectors_and_operators_do_not_record_complaints(county_setup, fixed_now):
    for user in (county_setup.inspectors[0], county_setup.operator):
        assert client_for(user).get(reverse("supervision_complaint_list")).status_code == 403


def test_inspector_declares_a_conflict_once_and_sees_only_their_own(county_setup, fixed_now):
    setup = county_setup
    url = reverse("supervision_conflict_list")
    client = client_for(setup.inspectors[0])
    target = setup.institutions[2]
    response = client.post(url, {"institution_id": str(target.pk), "reason": ""})
    assert response.context["form"].errors["reason"] == [
        "请写明利害关系，例如“近亲属在该机构任职”。"
    ]
    response = client.post(
        url,
        {"institution_id": str(target.pk), "reason": "配偶在该机构任职"},
        follow=True,
    )
    assert "已申报与“东城街道阳光宝贝托育中心”的利害关系，今后不会被抽中检查该机构。" in text(
        response
    )
    assert "东城街道阳光宝贝托育中心 配偶在该机构任职" in text(response)
    response = client.post(url, {"institution_id": str(target.pk), "reason": "再次申报"})
    assert "您已申报与“东城街道阳光宝贝托育中心”的利害关系。" in text(response)
    assert Conflict.objects.count() == 1
    assert client_for(setup.inspectors[1]).get(url).context["page"].paginator.count == 0
    assert client_for(setup.official).get(url).status_code == 403


# --------------------------------------------------------------------------- public page


@pytest.fixture
def personal_data(county_setup, make_person) -> dict[str, str]:
    """People's names, phones and resident IDs on the institutions, inspectors and operator."""
    setup = county_setup
    secrets: dict[str, str] = {}
    for n, institution in enumerate(setup.institutions + [setup.other_institution]):
        institution.legal_person = ["欧阳秀兰", "司马建国", "诸葛慧敏", "上官志远"][n]
        institution.phone = f"1393590{n:04d}"
        institution.save(update_fields=["legal_person", "phone"])
        secrets[f"legal_person{n}"] = institution.legal_person
        secrets[f"phone{n}"] = institution.phone
    for n, user in enumerate([*setup.inspectors, setup.operator, setup.official]):
        person = make_person("140802100", name=user.full_name, phone=f"1380359{n:04d}")
        user.person = person
        user.save(update_fields=["person"])
        secrets[f"name{n}"] = user.full_name
        secrets[f"resident_id{n}"] = person.resident_id
        secrets[f"person_phone{n}"] = person.phone
    return secrets


def test_public_page_shows_draws_results_and_credit_without_personal_data(
    county_setup, personal_data, drawn
):
    setup = county_setup
    inspection = inspection_of(drawn, setup.institutions[0])
    letter = issue_letter(inspection)
    services.evidence_submit(
        actor=setup.operator,
        letter_id=letter.pk,
        upload=SimpleUploadedFile("a.png", PNG),
        note="已整改",
    )
    services.inspection_publish(actor=setup.official, inspection_id=inspection.pk)
    services.credit_refresh_all()
    anonymous = Client()
    pages_seen = [
        anonymous.get(reverse("supervision_public")),
        anonymous.get(reverse("supervision_public_plan", args=[drawn.pk])),
        anonymous.get(reverse("supervision_public_plan_record", args=[drawn.pk])),
    ]
    for response in pages_seen:
        assert response.status_code == 200
        body = (
            html(response)
            if response["Content-Type"].startswith("text/html")
            else (response.content.decode())
        )
        for label, secret in personal_data.items():
            assert secret not in body, f"{label} ({secret}) on {response.request['PATH_INFO']}"
        assert "张秀兰" not in body
    public = text(pages_seen[0])
    assert (
        "2026年第四季度托育机构双随机抽查 盐湖区 · 2026年11月25日抽取 "
        f"公开随机数来源 {PUBLIC_VALUE}" in public
    )
    assert f"随机种子 {drawn.seed}" in public
    assert f"对象库与人员库摘要 {drawn.pool_hash}" in public
    assert "对象库 3 家，抽中 3 家" in public
    for institution in setup.institutions:
        assert institution.name in public
    assert "盐湖区综合托育服务中心 盐湖区 2026-11-25 责令限期整改 1 2026-11-25" in public
    assert "盐湖区综合托育服务中心 盐湖区 A 诚信" in public
    record = pages_seen[2].json()
    assert record["seed"] == drawn.seed
    assert record["pool_hash"] == rules.pool_hash(
        [
            rules.Candidate(
                c["id"], c["region_path"], c["county"], c["weight"], tuple(c["reasons"])
            )
            for c in record["candidates"]
        ],
        [
            rules.InspectorEntry(i["id"], tuple(i["region_paths"]), tuple(i["conflicts"]))
            for i in record["inspectors"]
        ],
    )
    assert "复核一致" in text(pages_seen[1])


def test_public_page_filters_by_county_and_paginates(county_setup, drawn):
    setup = county_setup
    for n in range(25):
        filed_institution(setup.regions["140802101"], f"测试托育园{n:02d}")
    services.credit_refresh_all()
    anonymous = Client()
    response = anonymous.get(reverse("supervision_public"))
    assert response.context["credit"].paginator.count == 29
    assert len(response.context["credit_rows"]) == 20
    assert "credit_page=2" in html(response)
    response = anonymous.get(reverse("supervision_public"), {"county": WANRONG})
    assert [r["name"] for r in response.context["credit_rows"]] == ["万荣县解店镇童乐托育园"]
    assert response.context["plans"].paginator.count == 0
    response = anonymous.get(reverse("supervision_public"), {"q": "阳光宝贝"})
    assert [r["name"] for r in response.context["credit_rows"]] == ["东城街道阳光宝贝托育中心"]
    assert [p.drawn_count for p in response.context["plans"]] == [3]


def test_a_plan_not_drawn_is_not_public(county_setup, fixed_now):
    plan = make_plan(county_setup)
    assert Client().get(reverse("supervision_public_plan", args=[plan.pk])).status_code == 404


# --------------------------------------------------------------------------- navigation


def test_menus_follow_the_role(county_setup, fixed_now):
    def menu(user: User | None) -> list[str]:
        client = client_for(user) if user else Client()
        return [
            str(item.label)
            for item in client.get(reverse("supervision_public")).context["nav_items"]
        ]

    official = menu(county_setup.official)
    assert {"双随机抽查", "监督检查", "监督意见书", "诚信评价", "投诉登记"} <= set(official)
    assert "利害关系申报" not in official
    inspector = menu(county_setup.inspectors[0])
    assert {"监督检查", "监督意见书", "利害关系申报"} <= set(inspector)
    assert "双随机抽查" not in inspector
    operator = menu(county_setup.operator)
    assert {"监督检查", "监督意见书", "诚信评价"} <= set(operator)
    assert "双随机抽查" not in operator
    operator_items = client_for(county_setup.operator).get(reverse("home")).context["nav_items"]
    credit = next(item for item in operator_items if str(item.label) == "诚信评价")
    assert credit.url_name == "supervision_credit_mine"
    assert "抽查结果公示" in menu(None)
    assert "数据管理" not in menu(None)


# --------------------------------------------------------------------------- query counts


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_take_the_same_number_of_queries_for_more_rows(county_setup, drawn):
    setup = county_setup
    first = inspection_of(drawn, setup.institutions[0])
    issue_letter(first)
    services.inspection_publish(actor=setup.official, inspection_id=first.pk)
    client = client_for(setup.official)
    urls = [
        reverse("supervision_plan_list"),
        reverse("supervision_inspection_list"),
        reverse("supervision_letter_list"),
        reverse("supervision_credit_list"),
        reverse("supervision_public"),
    ]
    before = [_queries(client, url) for url in urls]
    second = drawn_plan(setup)
    issue_letter(inspection_of(second, setup.institutions[1]))
    issue_letter(inspection_of(second, setup.institutions[2]))
    services.credit_refresh_all()
    for inspection in Inspection.objects.filter(status="completed", published_on=None):
        services.inspection_publish(actor=setup.official, inspection_id=inspection.pk)
    after = [_queries(client, url) for url in urls]
    assert after == before


def test_htmx_filters_swap_only_the_rows(county_setup, drawn):
    response = client_for(county_setup.official).get(
        reverse("supervision_inspection_list"), {"q": "东城"}, HTTP_HX_REQUEST="true"
    )
    body = html(response)
    assert "<h1>" not in body
    assert body.count("<tbody>") == 1
    assert "东城街道阳光宝贝托育中心" in body
    assert "北城街道小星星托育园" not in body


def test_an_open_plan_shows_both_pools_as_they_stand_now(county_setup, fixed_now):
    from huimin.supervision import services

    first = county_setup.institutions[0]
    services.conflict_declare(
        actor=county_setup.inspectors[0], institution_id=first.pk, reason="配偶在该机构任职"
    )
    services.complaint_record(
        actor=county_setup.official,
        institution_id=first.pk,
        received_on=fixed_now,
        summary="家长反映午睡室通风不良",
    )
    plan = services.plan_create(
        actor=county_setup.official, name="预览", region_code=YANHU, target_count=1
    )
    page_text = text(
        client_for(county_setup.official).get(reverse("supervision_plan_detail", args=[plan.pk]))
    )
    assert "对象库预览（按当前数据，3 家；抽取时以当时数据为准）" in page_text
    assert f"{first.pk} 盐湖区综合托育服务中心 盐湖区 2 近一年有投诉" in page_text
    assert "检查人员库预览（按当前数据，3 名）" in page_text
    assert "陈国平 1" in page_text  # one declared conflict
