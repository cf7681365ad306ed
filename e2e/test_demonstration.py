"""Demonstration institutions in the browser (issue 15): the operator applies on a phone
(390×844), the county recommends, the city assigns evaluators, the ``evaluator`` login scores
item by item (the two other evaluators' scores go through the service), the city approves, one
finance officer requests the payment and another approves it; the dashboard shows the award.
Screenshots: ``e2e/screenshots/demonstration-*.png``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from e2e.support import log_in, new_page, playwright_or_skip, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

ROUND = "2026年市级示范托育机构创建"
CENTRE = "盐湖区综合托育服务中心"


def _context(browser: Browser, live_server: LiveServer, *, phone: bool) -> Page:
    return new_page(browser, live_server.url, *((390, 844) if phone else (1280, 900)))


def _log_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def _shoot(page: Page, name: str) -> None:
    shoot(page, f"demonstration-{name}")


def _points(rubric_id: int, total: Decimal) -> dict[int, Decimal]:
    from huimin.demonstration.models import Item

    left, points = total, {}
    for item in Item.objects.filter(rubric_id=rubric_id, veto=False).order_by("-points", "code"):
        points[item.pk] = min(Decimal(item.points), left)
        left -= points[item.pk]
    return points


def test_apply_recommend_score_approve_pay(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
) -> None:
    from huimin.core.models import User
    from huimin.demonstration import services
    from huimin.demonstration.models import Application, Assignment, Round

    phone = _context(browser, live_server, phone=True)
    _log_in(phone, "operator")
    expect(phone.get_by_text("新发布待阅知的政策文件")).to_be_visible()
    phone.goto("/demonstration/apply/")
    phone.select_option(
        "#round", label=f"{ROUND}（{Round.objects.get(name=ROUND).deadline:%Y-%m-%d} 截止）"
    )
    phone.fill("#self_score", "905")
    phone.fill("#self_assessment", "对照评估细则逐项自评：七个维度均达到示范标准。")
    assert int(phone.evaluate("document.documentElement.scrollWidth")) <= 390
    _shoot(phone, "apply-phone")
    phone.get_by_role("button", name="提交申报").click()
    expect(phone.get_by_text("申报已提交，等待县级推荐。")).to_be_visible()
    application = Application.objects.get(round__name=ROUND, institution__name=CENTRE)
    assert application.status == "submitted"

    desk = _context(browser, live_server, phone=False)
    _log_in(desk, "yanhu")
    desk.goto(f"/demonstration/applications/{application.pk}/")
    desk.get_by_role("button", name="推荐", exact=True).click()
    expect(desk.get_by_text("县级已推荐，待评估")).to_be_visible()

    _log_in(desk, "admin")
    desk.goto(f"/demonstration/applications/{application.pk}/")
    for username in ("evaluator", "evaluator2", "evaluator3"):
        desk.check(f"input[name=evaluator][value='{User.objects.get(username=username).pk}']")
    desk.get_by_role("button", name="指派").click()
    expect(desk.get_by_text("现场评估中")).to_be_visible()

    rubric_id = application.round.rubric_id
    for username, total in (("evaluator2", "912"), ("evaluator3", "896.5")):
        evaluator = User.objects.get(username=username)
        assignment = Assignment.objects.get(application=application, evaluator=evaluator)
        services.assignment_score(
            actor=evaluator,
            assignment_id=assignment.pk,
            points=dict(_points(rubric_id, Decimal(total))),
            submit=True,
        )
    _log_in(desk, "evaluator")
    mine = Assignment.objects.get(application=application, evaluator__username="evaluator")
    desk.goto(f"/demonstration/scoring/{mine.pk}/")
    for pk, value in _points(rubric_id, Decimal("905")).items():
        desk.fill(f"#item_{pk}", str(value))
    desk.locator("input.note").first.fill("场地宽敞，功能分区合理。")
    _shoot(desk, "scoring")
    desk.get_by_role("button", name="提交评分").click()
    expect(desk.get_by_text("评分已提交。")).to_be_visible()
    application.refresh_from_db()
    assert (application.status, application.score) == ("scored", Decimal("904.5"))

    _log_in(desk, "admin")
    desk.goto(f"/demonstration/applications/{application.pk}/")
    expect(desk.get_by_text("904.5")).to_be_visible()
    desk.get_by_role("button", name="审定通过").click()
    expect(desk.get_by_text("审定通过").first).to_be_visible()
    _shoot(desk, "application-approved")
    award = application.award

    _log_in(desk, "finance")
    desk.goto(f"/demonstration/awards/{award.pk}/")
    desk.get_by_role("button", name="提交拨付").click()
    desk.get_by_role("button", name="复核通过并拨付").click()
    expect(desk.get_by_text("不能复核自己提交的拨付")).to_be_visible()
    _log_in(desk, "finance2")
    desk.goto(f"/demonstration/awards/{award.pk}/")
    desk.get_by_role("button", name="复核通过并拨付").click()
    expect(desk.get_by_text("已拨付").first).to_be_visible()
    _shoot(desk, "award-paid")
    award.refresh_from_db()
    assert (award.status, award.amount_fen) == ("paid", 50_000_00)
    assert Round.objects.get(name=ROUND).paid_fen == 50_000_00

    _log_in(desk, "admin")
    desk.goto("/demonstration/dashboard/")
    expect(desk.locator("#paid-total")).to_have_text("720,000.00")
    desk.wait_for_timeout(800)  # the charts' animation
    _shoot(desk, "dashboard")
    phone.goto("/demonstration/public/")
    _shoot(phone, "public-phone")
