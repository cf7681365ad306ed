"""The public childcare-subsidy calculator in a real browser: no login, a birth date in, the
years and the total out, through an htmx swap; a bad date answered next to the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from e2e.support import playwright_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

Screenshot = Callable[[str], None]


def test_anyone_can_quote_the_subsidy_for_a_child_born_2023_12(
    page: Page, transactional_db: None, screenshot: Screenshot
) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("navigation").get_by_role("link", name="育儿补贴测算").click()

    expect(page).to_have_url(re.compile(r"/subsidy/quote/$"))
    expect(page.get_by_role("heading", name="育儿补贴测算", exact=True)).to_be_visible()
    page.fill("input[name=birth_date]", "2023-12-15")
    page.get_by_role("button", name="测算").click()

    result = page.locator("#result")
    expect(result).to_contain_text("可领取育儿补贴 7,200 元，共 24 个月。")
    rows = result.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text(re.compile(r"2025年\s*12\s*3,600"))
    expect(rows.nth(1)).to_have_text(re.compile(r"2026年\s*12\s*3,600"))
    expect(result.locator("tfoot")).to_have_text(re.compile(r"合计\s*24\s*7,200"))
    expect(page).to_have_url(re.compile(r"/subsidy/quote/\?birth_date=2023-12-15$"))
    assert "/accounts/login/" not in page.url
    screenshot("subsidy_quote")

    # The pushed address is a page of its own: opened afresh it shows the same result.
    page.reload()
    expect(page.locator("#result")).to_contain_text("7,200")
    expect(page.locator("input[name=birth_date]")).to_have_value("2023-12-15")


def test_a_future_birth_date_is_answered_next_to_the_field(
    page: Page, transactional_db: None, screenshot: Screenshot
) -> None:
    page.goto("/subsidy/quote/")
    page.fill("input[name=birth_date]", "2099-01-01")
    page.get_by_role("button", name="测算").click()

    error = page.locator(".field.invalid .errorlist")
    expect(error).to_contain_text("出生日期2099-01-01晚于今天")
    expect(page.locator("#result")).not_to_contain_text("可领取")
    screenshot("subsidy_quote_future")


def test_a_child_who_turned_3_before_2025_is_told_why_there_is_nothing(
    page: Page, transactional_db: None, screenshot: Screenshot
) -> None:
    page.goto("/subsidy/quote/?birth_date=2021-12-31")

    result = page.locator("#result")
    expect(result).to_contain_text("不在育儿补贴范围内")
    expect(result).to_contain_text("2021年12月31日出生的孩子于2024年12月31日年满3周岁")
    expect(result.locator("table")).to_have_count(0)
    screenshot("subsidy_quote_not_eligible")
