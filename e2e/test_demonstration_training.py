"""The demonstration module's workforce and evaluator pages in the browser: the ``operator``
login reads its staff's training hours on a phone (390×844, no sideways scrolling); the
``yanhu`` county official finds a staff member, enrols them on the city's course and records
their completion; the ``evaluator`` declares a conflict of interest on a phone. Screenshots:
``e2e/screenshots/demonstration-training-*.png``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from e2e.support import log_in, new_page, playwright_or_skip, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e


def _context(browser: Browser, live_server: LiveServer, *, phone: bool) -> Page:
    return new_page(browser, live_server.url, *((390, 844) if phone else (1280, 900)))


def _log_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def _shoot(page: Page, name: str) -> None:
    shoot(page, f"demonstration-training-{name}")


def test_hours_on_a_phone_enrolment_completion_and_a_conflict(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
):
    from huimin.demonstration.models import Conflict, CourseEnrolment

    phone = _context(browser, live_server, phone=True)
    _log_in(phone, "operator")
    phone.goto("/demonstration/training/mine/")
    expect(phone.get_by_role("heading", name="本机构培训学时")).to_be_visible()
    expect(phone.get_by_text("已达标")).to_have_count(1)
    assert int(phone.evaluate("document.documentElement.scrollWidth")) <= 390
    _shoot(phone, "operator-phone")

    desk = _context(browser, live_server, phone=False)
    _log_in(desk, "yanhu")
    desk.goto("/demonstration/training/courses/")
    desk.get_by_role("link", name="2026年婴幼儿回应性照护在岗培训").click()
    desk.fill("input[name=q]", "综合托育")
    desk.get_by_role("button", name="查找").click()
    before = CourseEnrolment.objects.count()
    desk.get_by_role("button", name="报名").first.click()
    expect(desk.get_by_text("已报名。")).to_be_visible()
    assert CourseEnrolment.objects.count() == before + 1
    desk.locator("form.inline-form input[name=certificate_no]").first.fill("YCYZ2026-0900")
    desk.locator("form.inline-form").first.get_by_role("button", name="记录结业").click()
    expect(desk.get_by_text("已记录结业，学时已计入培训记录。")).to_be_visible()
    _shoot(desk, "course")
    desk.goto("/demonstration/training/short/")
    expect(desk.get_by_role("cell", name="盐湖区综合托育服务中心")).to_be_visible()
    _shoot(desk, "short")

    _log_in(phone, "evaluator")
    phone.goto("/demonstration/conflicts/")
    phone.fill("input[name=q]", "永济市舜都")
    phone.get_by_role("button", name="查找").click()
    phone.fill("input[name=reason]", "配偶在该机构任保育员")
    phone.get_by_role("button", name="申报", exact=True).click()
    expect(phone.get_by_role("cell", name="配偶在该机构任保育员")).to_be_visible()
    assert Conflict.objects.filter(evaluator__username="evaluator").count() == 1
    assert int(phone.evaluate("document.documentElement.scrollWidth")) <= 390
    _shoot(phone, "conflict-phone")
