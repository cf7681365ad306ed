"""A citizen's own page and inbox on a phone (issue 16 item 6), at 390×844: the demo's
guardian has a second child's application, the township approves it (through the service),
she logs in, sees the unread count in the header, opens the message about her subsidy (a
POST that marks it read), follows it to the application and opens 我的办事. Screenshots:
``e2e/screenshots/citizen-*.png``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from e2e.support import log_in, new_page, playwright_or_skip, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 390, 844


def _fits(page: Page) -> None:
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= WIDTH


def _second_child_approved() -> int:
    """The demo guardian files for a second child; 北城街道's official approves it."""
    from huimin.core import rules as core_rules
    from huimin.core.models import Person, User
    from huimin.subsidy import services

    citizen = User.objects.get(username="citizen")
    number = next(
        n
        for seq in range(1, 999, 2)
        if not Person.objects.filter(
            resident_id=(n := core_rules.resident_id_build("140802", dt.date(2025, 6, 18), seq))
        ).exists()
    )
    application = services.application_submit(
        actor=citizen,
        data=services.ApplicationInput(
            child_name="罗小禾",
            child_resident_id=number,
            birth_certificate="Q170000001",
            region_code="140802100",
            relation="mother",
            bank_name="中国农业银行运城分行",
            bank_account="6228480012348813",
        ),
    )
    services.application_review(
        actor=User.objects.get(username="beicheng"), application_id=application.pk, approve=True
    )
    return application.pk


def test_a_citizen_reads_the_message_about_her_subsidy_on_a_phone(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
) -> None:
    from huimin.core.models import Notification

    application_id = _second_child_approved()
    from huimin.core.models import User
    from huimin.subsidy import selectors

    citizen = User.objects.get(username="citizen")
    subsidy_count = selectors.applications_of_citizen(citizen).count()
    payment_count = selectors.payments_of_citizen(citizen).count()
    assert subsidy_count >= 2  # the demo's own application and the one made here
    unread = Notification.objects.filter(recipient__username="citizen", read_at__isnull=True)
    count = unread.count()
    assert count >= 2  # the demo's payment, the submission and now the township's approval

    page = new_page(browser, live_server.url, WIDTH, HEIGHT)
    log_in(page, "citizen")
    badge = page.locator("header .inbox-link .badge")
    expect(badge).to_have_text(str(count))
    expect(page.locator("#home-mine")).to_contain_text(f"{count}条未读消息")
    _fits(page)
    shoot(page, "citizen-0-home")

    page.locator("header .inbox-link").click()
    page.wait_for_url("**/me/inbox/")
    expect(page.locator("form.msg.unread")).to_have_count(count)
    _fits(page)
    shoot(page, "citizen-1-inbox")

    message = page.locator("form.msg", has_text="育儿补贴申请已通过乡镇审核")
    expect(message).to_contain_text("罗小禾")
    message.get_by_role("button").click()
    page.wait_for_url("**/me/inbox/*/")
    expect(page.locator("h1")).to_have_text("育儿补贴申请已通过乡镇审核")
    expect(page.locator("article")).to_contain_text("正在等待县级确认")
    expect(page.locator("header .inbox-link .badge")).to_have_text(str(count - 1))
    _fits(page)
    shoot(page, "citizen-2-message")
    assert (
        Notification.objects.get(
            recipient__username="citizen", title="育儿补贴申请已通过乡镇审核"
        ).read_at
        is not None
    )

    page.get_by_role("link", name="查看办理详情").click()
    page.wait_for_url(f"**/subsidy/apply/#application-{application_id}")
    expect(page.locator(f"#application-{application_id}")).to_contain_text("罗小禾")

    page.locator("nav.side a", has_text="我的办事").first.dispatch_event("click")
    page.wait_for_url("**/me/")
    mine = page.locator("main")
    expect(mine.locator(".matter", has_text="罗小禾的育儿补贴")).to_contain_text(
        "已通过乡镇审核，等待县级确认"
    )
    expect(mine.locator(".matter", has_text="罗小禾的育儿补贴")).to_contain_text("期限")
    expect(mine.locator(".matter[data-kind=subsidy]")).to_have_count(subsidy_count)
    expect(mine.locator(".matter[data-kind=payment]")).to_have_count(payment_count)
    _fits(page)
    shoot(page, "citizen-3-mine")
    page.context.close()
