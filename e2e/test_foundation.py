"""The foundation in a real browser: login, each role's home page, masked and revealed
numbers, the public working-day calculator and the language switch."""

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

Login = Callable[..., "Page"]
Screenshot = Callable[[str], None]

#: The home heading of every demo account not covered by its own test below.
HOME_HEADINGS = {
    "yanhu": "县级工作台",
    "pinglu": "县级工作台",
    "beicheng": "乡镇（街道）工作台",
    "operator": "托育机构工作台",
    "inspector": "监督检查工作台",
    "inspector2": "监督检查工作台",
    "inspector3": "监督检查工作台",
    "evaluator": "示范评估工作台",
    "finance": "财务工作台",
    "finance2": "财务工作台",
    "adjuster": "保险查勘工作台",
    "federation": "残联工作台",
    "doctor": "评残医生工作台",
    "citizen": "我的服务",
    "farmer": "我的服务",
}


def test_login_page_shows_chinese_title(page: Page, screenshot: Screenshot) -> None:
    page.goto("/accounts/login/")

    expect(page.get_by_role("heading", name="登录惠民平台")).to_be_visible()
    screenshot("login")


def test_city_admin_lands_on_city_workbench(login: Login, screenshot: Screenshot) -> None:
    page = login("admin")

    expect(page.locator("h1")).to_have_text("市级管理工作台")
    screenshot("home_city_admin")


def test_county_official_lands_on_county_workbench_of_wanrong(
    login: Login, screenshot: Screenshot
) -> None:
    page = login("wanrong")

    expect(page.locator("h1")).to_have_text("县级工作台")
    expect(page.locator("main")).to_contain_text("万荣县")
    screenshot("home_county_official")


def test_every_demo_account_has_a_home_heading_here() -> None:
    from huimin.core.demo import DEMO_ACCOUNTS

    covered = {"admin", "wanrong", *HOME_HEADINGS}
    assert covered == {account.username for account in DEMO_ACCOUNTS}


@pytest.mark.parametrize(("username", "heading"), HOME_HEADINGS.items(), ids=list(HOME_HEADINGS))
def test_each_role_lands_on_its_home(
    login: Login, screenshot: Screenshot, username: str, heading: str
) -> None:
    page = login(username)

    expect(page.locator("h1")).to_have_text(heading)
    screenshot(f"home_{username}")


def test_wrong_password_shows_chinese_error(
    page: Page, demo_city: object, screenshot: Screenshot
) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    screenshot("login_wrong_password")


def test_county_official_sees_masked_ids_and_reveal_is_logged(
    login: Login, screenshot: Screenshot
) -> None:
    from huimin.core.models import AccessLog, Person, User

    page = login("wanrong")
    page.goto("/people/")

    id_cells = page.locator("table.list tbody tr td:nth-child(2)")
    expect(id_cells.first).to_be_visible()
    masked = id_cells.all_inner_texts()
    assert len(masked) == 50  # a full first page: 万荣县's residents, children, guardians, staff
    assert all(re.fullmatch(r"1408\*{14}", text.strip()) for text in masked), masked
    screenshot("people_masked")

    first = page.locator("table.list tbody tr").first
    name = first.locator("td").first.inner_text().strip()
    first.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    person = Person.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert person.masked_resident_id == masked[0].strip()
    expect(page.locator("#numbers")).not_to_contain_text(person.resident_id)

    page.get_by_role("button", name="查看完整信息").click()

    expect(page.locator("#numbers")).to_contain_text(person.resident_id)
    assert re.fullmatch(r"140822\d{11}[0-9X]", person.resident_id)
    expect(page.get_by_text("本次查看已记入访问日志")).to_be_visible()
    user = User.objects.get(username="wanrong")
    log = AccessLog.objects.get(actor=user)
    assert (log.object_id, log.content_type.model) == (person.pk, "person")
    screenshot("person_revealed")


def test_calendar_is_public_and_counts_over_national_day(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/calendar/")
    page.fill("input[name=start]", "2026-09-30")
    page.fill("input[name=working_days]", "5")
    page.get_by_role("button", name="计算").click()

    result = page.locator("#result")
    expect(result).to_contain_text("期限为")
    expect(result).to_contain_text("2026年10月13日")
    assert "/accounts/login/" not in page.url
    screenshot("calendar")


def test_language_switch_to_english_sets_html_lang(login: Login, screenshot: Screenshot) -> None:
    page = login("admin")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.select_option("select[name=language]", "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.locator("h1")).to_have_text("City administration")
    screenshot("home_english")
