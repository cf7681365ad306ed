"""Supervision (双随机、一公开) in a real browser, end to end: the 盐湖区 official creates a draw
plan, locks it with a public value (the seed is published) and draws; an inspector who was
drawn records the checklist with one failed item needing correction and completes the
inspection, which issues the opinion letter; the letter's PDF opens; the institution's
operator uploads evidence; the inspector accepts it. A second letter is left unanswered:
after its deadline the daily escalation marks it overdue and the county official sees it on
the home page. Screenshots in e2e/screenshots/supervision-*.png."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from e2e.support import SCREENSHOTS, playwright_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

Login = Callable[..., "Page"]

PLAN = "2026年第四季度盐湖区托育机构双随机抽查（浏览器测试）"
PUBLIC_VALUE = "2026年11月27日上证指数收盘点位3398.21"
FLAGSHIP = "盐湖区综合托育服务中心"
SECOND = "盐湖区解州镇禾苗托育园"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _logout(page: Page) -> None:
    page.context.clear_cookies()


def _second_institution() -> None:
    """One more filed institution in 盐湖区, so the draw has a second target to leave unanswered."""
    from huimin.childcare.models import Institution
    from huimin.core.models import Region

    Institution.objects.create(
        name=SECOND,
        kind=Institution.Kind.COMMUNITY,
        region=Region.objects.get(code="140802102"),
        address="运城市盐湖区解州镇关帝庙街8号",
        legal_person="吕春燕",
        capacity=40,
        status=Institution.Status.FILED,
    )


def _crew_login(inspection_id: int) -> str:
    """The username of an inspector drawn for the inspection who can log in (the demo's extra
    inspectors have no password: then the first of the crew is given the demo password)."""
    from django.conf import settings

    from huimin.supervision.models import InspectionInspector

    crew = [
        c.inspector
        for c in InspectionInspector.objects.filter(inspection_id=inspection_id)
        .select_related("inspector")
        .order_by("position")
    ]
    for user in crew:
        if user.has_usable_password() and user.check_password(settings.DEMO_PASSWORD):
            return user.username
    crew[0].set_password(settings.DEMO_PASSWORD)
    crew[0].save(update_fields=["password"])
    return crew[0].username


def test_draw_inspection_letter_evidence_acceptance_and_escalation(
    login: Login, page: Page
) -> None:
    from huimin.supervision import services
    from huimin.supervision.models import DrawPlan, Inspection, OpinionLetter

    _second_institution()
    numbers = iter(range(1, 100))

    def shot(name: str, *, full_page: bool = True) -> None:
        path = SCREENSHOTS / f"supervision-{next(numbers)}-{name}.png"
        page.screenshot(path=path, full_page=full_page)

    # 1. The 盐湖区 official creates the plan: every filed institution of 盐湖区, 2 inspectors each.
    login("yanhu")
    page.goto("/supervision/plans/new/")
    page.get_by_label("计划名称").fill(PLAN)
    expect(page.get_by_label("抽查范围")).to_have_value("140802")
    page.get_by_label("抽取比例（%）").fill("100")
    page.get_by_label("每个对象检查人员数").fill("2")
    shot("plan-form")
    page.get_by_role("button", name="创建计划").click()
    expect(page.get_by_text("下一步：填写公开随机数来源并锁定计划")).to_be_visible()
    plan = DrawPlan.objects.get(name=PLAN)

    # 2. It is locked with the public value announced beforehand: the seed is shown.
    page.get_by_label("公开随机数来源").fill(PUBLIC_VALUE)
    page.get_by_role("button", name="锁定计划并公布种子").click()
    plan.refresh_from_db()
    assert plan.status == DrawPlan.Status.LOCKED
    expect(page.locator("#seed")).to_have_text(plan.seed)
    shot("plan-locked")

    # 3. The draw: targets with their weights and inspectors, and the re-computation agrees.
    page.get_by_role("button", name="抽取", exact=True).click()
    expect(page.get_by_text(re.compile(r"已抽取：对象库\d+家"))).to_be_visible()
    expect(
        page.get_by_text("复核一致：按公布的种子和对象库重新计算，结果与记录完全相同。")
    ).to_be_visible()
    shot("plan-drawn")
    flagship = Inspection.objects.get(plan=plan, institution__name=FLAGSHIP)
    second = Inspection.objects.get(plan=plan, institution__name=SECOND)

    # 4. A drawn inspector records the checklist: one failed item that needs correcting.
    _logout(page)
    inspector = _crew_login(flagship.pk)
    login(inspector)
    expect(page.get_by_text("待检查的抽查任务")).to_be_visible()
    page.goto(f"/supervision/inspections/{flagship.pk}/")
    failed = flagship.items.order_by("position").first()
    assert failed is not None
    for radio in page.locator("input[type=radio][value=pass]").all():
        radio.check()
    # a failed item without a note is refused next to it, and what was chosen stays
    page.locator(f'input[name="item{failed.pk}-result"][value="fail"]').check()
    page.get_by_role("button", name="保存检查记录").click()
    item_box = page.locator(f"#item-{failed.pk}")
    expect(item_box).to_contain_text("不符合的项目，请在检查记录中写明发现的问题。")
    expect(page.locator(f'input[name="item{failed.pk}-result"][value="fail"]')).to_be_checked()
    item_box.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -200)")
    shot("checklist-refused", full_page=False)
    page.locator(f'textarea[name="item{failed.pk}-note"]').fill(
        "厨房1名帮厨人员的健康证明已过期，仍在岗"
    )
    page.locator(f'input[name="item{failed.pk}-needs_correction"]').check()
    page.locator(f'input[name="item{failed.pk}-photo"]').set_input_files(
        files=[{"name": "健康证明.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="保存检查记录").click()
    expect(
        page.get_by_text(re.compile(r"已保存\d+个检查项目的结果。已上传1张照片。"))
    ).to_be_visible()
    page.locator(f"#item-{failed.pk}").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -120)")
    # the checklist is long: the screen the inspector sees, not the whole page
    shot("checklist-recorded", full_page=False)

    # 5. Completing the inspection issues the opinion letter with its deadline.
    page.locator("#complete").get_by_role("button", name="完成检查").click()
    expect(page.get_by_text("已出具卫生监督意见书")).to_be_visible()
    letter = OpinionLetter.objects.get(inspection=flagship)
    expect(page.get_by_text(f"已出具卫生监督意见书{letter.number}")).to_be_visible()
    shot("inspection-completed")

    # 6. The letter's page, and its PDF.
    page.get_by_role("link", name=letter.number).first.click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(letter.number)))).to_be_visible()
    expect(page.locator("#clock")).to_have_text(re.compile(r"剩余\d+个工作日"))
    shot("letter")
    pdf_link = page.get_by_role("link", name="查看PDF（两联）")
    pdf = page.request.get(pdf_link.get_attribute("href") or "")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("inline;")

    # 7. The operator of the institution sends evidence.
    _logout(page)
    login("operator")
    expect(page.locator(".card", has_text="待整改的监督意见书")).to_be_visible()
    page.goto("/supervision/letters/")
    page.get_by_role("link", name=letter.number).click()
    page.get_by_label("整改材料").set_input_files(
        files=[{"name": "整改后健康证明.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_label("整改说明").fill("帮厨人员已停岗体检，取得新的健康证明后上岗。")
    page.get_by_role("button", name="提交整改材料").click()
    expect(page.get_by_text("整改材料已提交，等待检查人员审核。")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"\.png$"))).to_be_visible()
    shot("evidence-sent")
    page.get_by_role("navigation", name="导航").get_by_role("link", name="诚信评价").click()
    expect(page.get_by_role("heading", name=f"本机构诚信评价 · {FLAGSHIP}")).to_be_visible()
    expect(page.get_by_text("检查责令整改")).to_be_visible()
    shot("operator-credit")

    # 8. The inspector accepts it.
    _logout(page)
    login(inspector)
    page.goto(f"/supervision/letters/{letter.pk}/")
    page.get_by_label("验收意见").fill("健康证明已更新，整改合格。")
    page.get_by_role("button", name="验收合格").click()
    expect(page.get_by_text("已验收：整改合格。")).to_be_visible()
    letter.refresh_from_db()
    assert letter.status == OpinionLetter.Status.ACCEPTED
    shot("letter-accepted")

    # 9. A second letter is never answered: after its deadline it escalates to the county.
    crew = second.crew.select_related("inspector").order_by("position").first()
    assert crew is not None
    entries = [
        services.ItemInput(item_id=item.pk, result="pass")
        for item in second.items.order_by("position")[1:]
    ]
    first_item = second.items.order_by("position").first()
    assert first_item is not None
    entries.append(
        services.ItemInput(
            item_id=first_item.pk,
            result="fail",
            note="未见食品经营备案",
            needs_correction=True,
            correction="办理食品经营备案",
        )
    )
    services.items_record(actor=crew.inspector, inspection_id=second.pk, items=entries)
    services.inspection_complete(
        actor=crew.inspector, inspection_id=second.pk, inspected_on=services.today()
    )
    unanswered = OpinionLetter.objects.get(inspection=second)
    assert services.letters_escalate_due(on=unanswered.deadline + dt.timedelta(days=1)) >= 1
    unanswered.refresh_from_db()
    assert unanswered.status == OpinionLetter.Status.OVERDUE

    _logout(page)
    login("yanhu")
    stat = page.locator(".card", has_text="逾期未整改的监督意见书（已上报）")
    expect(stat).to_contain_text(unanswered.number)
    shot("county-home-escalated")
    page.goto("/supervision/letters/?status=overdue")
    row = page.locator("tr.row-overdue", has_text=unanswered.number)
    expect(row).to_be_visible()
    shot("overdue-letters")

    # 10. A complaint about the second institution is recorded and found substantiated.
    page.goto("/supervision/complaints/")
    page.get_by_text("登记投诉").click()
    page.get_by_label("被投诉机构").select_option(label=SECOND)
    page.get_by_label("投诉内容").fill("家长反映午睡室通风不良、室温偏高")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text(f"已登记对“{SECOND}”的投诉")).to_be_visible()
    complaint_row = page.locator("tr", has_text="家长反映午睡室通风不良")
    complaint_row.get_by_label("查实").check()
    complaint_row.get_by_label("核查情况").fill("现场核实午睡室未开窗通风")
    shot("complaint")
    complaint_row.get_by_role("button", name="提交核查结论").click()
    expect(page.get_by_text(f"投诉核查结论：查实（{SECOND}）。诚信评价已更新。")).to_be_visible()

    # 11. The public page, without login: the draw's record, without any person's name.
    _logout(page)
    page.goto("/supervision/public/")
    card = page.locator(".public-plan", has_text=PLAN)
    expect(card).to_contain_text(plan.seed)
    expect(card).to_contain_text(FLAGSHIP)
    content = page.content()
    from huimin.supervision.models import InspectionInspector

    for entry in InspectionInspector.objects.filter(inspection__plan=plan).select_related(
        "inspector"
    ):
        assert entry.inspector.full_name not in content
    shot("public")
