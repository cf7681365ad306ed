"""The working-day calendar past the package's last year, in a real browser: a provisional
deadline on the public calculator, the administrator's reminder, pasting a notice, previewing
the year and saving it (ADR 0010). The pages run on the real date: from December 2026, 2027
has no notice unless a test enters one (the example notice of tests/core/fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from e2e.support import playwright_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

Login = Callable[..., "Page"]
Screenshot = Callable[[str], None]

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "tests/core/fixtures/notice_2027_example.txt"
).read_text(encoding="utf-8")


def test_a_deadline_into_2027_is_shown_as_provisional(
    page: Page, demo_city: object, screenshot: Screenshot
) -> None:
    page.goto("/calendar/?start=2026-12-25&working_days=15")
    expect(page.locator("#result")).to_contain_text("期限为 2027年1月18日（星期一）")
    expect(page.locator("#result .tag.provisional")).to_have_text("暂定")
    expect(page.locator("#result")).to_contain_text("国务院尚未公布2027年的放假安排")
    expect(page.locator("table.calendar-years")).to_contain_text(
        "按《全国年节及纪念日放假办法》推算"
    )
    screenshot("calendar-provisional")


def test_the_administrator_enters_the_notice_from_the_reminder(
    login: Login, screenshot: Screenshot
) -> None:
    from huimin.core.selectors import WorkdayCalendar

    if not WorkdayCalendar().is_provisional(2027):
        pytest.skip("2027 is no longer provisional here (the package or a notice covers it)")
    page = login("admin")
    reminder = page.locator("#holiday-notice-missing")
    expect(reminder).to_contain_text("2027年放假安排尚未录入")
    screenshot("calendar-reminder")
    reminder.get_by_role("link", name="录入2027年放假通知").click()
    page.get_by_label("通知原文").fill(EXAMPLE)
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#preview")).to_contain_text("2027年放假安排（预览，尚未保存）")
    expect(page.locator("#preview")).to_contain_text("与现行安排不同的日子（11天）")
    screenshot("calendar-notice-preview")
    page.get_by_role("button", name="确认保存2027年放假安排").click()
    page.wait_for_url("**/calendar/2027/")
    expect(page.locator(".messages")).to_contain_text("已录入2027年放假安排")
    expect(page.locator("dl.facts")).to_contain_text(
        "已录入通知：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕99号）"
    )
    screenshot("calendar-2027-entered")
    page.goto("/home/")
    expect(page.locator("#holiday-notice-missing")).to_have_count(0)


def test_unreadable_notice_text_names_the_line(login: Login, screenshot: Screenshot) -> None:
    page = login("admin")
    page.goto("/calendar/notice/")
    page.get_by_label("通知原文").fill(
        EXAMPLE.replace("2月20日（周六）上班", "2月22日（周一）上班")
    )
    page.get_by_role("button", name="预览").click()
    expect(page.locator(".errorlist").first).to_contain_text("第6行无法识别")
    expect(page.locator(".errorlist").first).to_contain_text(
        "2月22日是工作日，调休上班日应为周六或周日。"
    )
    screenshot("calendar-notice-unreadable")
