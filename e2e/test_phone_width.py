"""Phones: at a 390×844 viewport no page is wider than the screen.

The citizen, the operator and a visitor who is not logged in — and the county, township,
inspector and finance officials too — open every page of their menu, and from each of those
one page of every kind its links lead to (a record, a tab, a form), and the document's
``scrollWidth`` is at most 390 px: the menu collapses behind a button, tables scroll inside
their own box. The widths measured are written to
``e2e/screenshots/phone_widths.txt``; screenshots of the pages a newcomer meets first are saved
as ``e2e/screenshots/phone-*.png``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from e2e.support import SCREENSHOTS, log_in, playwright_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

expect = playwright_or_skip().expect

pytestmark = pytest.mark.e2e

WIDTH = 390
PUBLIC = [
    "/accounts/login/",
    "/calendar/",
    "/subsidy/quote/",
    "/supervision/public/",
    "/wildlife/estimate/",
    "/disability/postings/",
    "/demonstration/public/",
]
#: Links that are not pages to look at: files, actions, other languages, the admin.
SKIP = re.compile(
    r"(\.xlsx|\.csv|\.pdf|/export|/reveal/|/api/|/admin/|/i18n/|/accounts/logout/|/documents/"
    r"|/photos/|/evidence/\d+|/download|/media/|/static/|/pdf/)"
)


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": WIDTH, "height": 844},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _kind(url: str) -> str:
    """One page of each kind: ids become <id>, only the tab of a query string counts."""
    parts = urlsplit(url)
    kind = re.sub(r"/\d+(?=/)", "/<id>", parts.path)
    tab = parse_qs(parts.query).get("tab")
    return f"{kind}?tab={tab[0]}" if tab else kind


def _width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _menu_urls(page: Page) -> list[str]:
    hrefs = page.locator("nav.side a").evaluate_all("links => links.map(a => a.href)")
    return [urlsplit(h).path for h in hrefs if not SKIP.search(h)]


def _links(page: Page, origin: str) -> list[str]:
    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        if not href.startswith(origin) or SKIP.search(href):
            continue
        parts = urlsplit(href)
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _survey(page: Page, start: list[str], origin: str) -> dict[str, int]:
    """Visit the start pages and one page of every kind they link to; their widths by URL."""
    widths: dict[str, int] = {}
    seen = {_kind(url) for url in start}
    for url in start:
        page.goto(url)
        widths[url] = _width(page)
        for link in _links(page, origin):
            if _kind(link) in seen:
                continue
            seen.add(_kind(link))
            page.goto(link)
            widths[link] = _width(page)
    return widths


def _record(who: str, widths: dict[str, int]) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    with (SCREENSHOTS / "phone_widths.txt").open("a", encoding="utf-8") as out:
        for url, width in widths.items():
            out.write(f"{who}\t{width}\t{url}\n")


def _too_wide(widths: dict[str, int]) -> dict[str, int]:
    return {url: width for url, width in widths.items() if width > WIDTH}


Screenshot = Callable[[str], None]


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"phone-{name}.png", full_page=True)


def test_public_pages_fit_a_phone(
    phone: Page, demo_city: DemoContext, live_server: LiveServer
) -> None:
    widths = _survey(phone, PUBLIC, live_server.url)
    _record("anonymous", widths)

    assert _too_wide(widths) == {}
    assert set(PUBLIC) <= set(widths)

    phone.goto("/calendar/?start=2026-09-30&working_days=5")
    expect(phone.locator("#result")).to_contain_text("2026年10月13日")
    _shoot(phone, "calendar")
    phone.goto("/subsidy/quote/?birth_date=2023-12-15")
    expect(phone.locator("#result")).to_contain_text("7,200")
    assert _width(phone) <= WIDTH
    _shoot(phone, "subsidy-quote")
    phone.goto("/supervision/public/")
    _shoot(phone, "supervision-public")


def test_the_citizens_pages_fit_a_phone(
    phone: Page, demo_city: DemoContext, live_server: LiveServer
) -> None:
    from huimin.core.models import User

    log_in(phone, "citizen")
    own_record = f"/people/{User.objects.get(username='citizen').person_id}/"
    start = [*_menu_urls(phone), own_record, "/subsidy/apply/"]
    widths = _survey(phone, start, live_server.url)
    _record("citizen", widths)

    assert _too_wide(widths) == {}
    assert {"/home/", "/subsidy/apply/", own_record} <= set(widths)

    phone.goto("/subsidy/apply/")
    _shoot(phone, "citizen-apply")
    phone.goto(own_record)
    _shoot(phone, "citizen-record")


def test_the_operators_pages_fit_a_phone(
    phone: Page, demo_city: DemoContext, live_server: LiveServer
) -> None:
    log_in(phone, "operator")
    start = _menu_urls(phone)
    widths = _survey(phone, start, live_server.url)
    _record("operator", widths)

    assert _too_wide(widths) == {}
    assert "/home/" in widths
    assert len(widths) > len(start)  # the institution's tabs and records were visited too

    phone.goto("/home/")
    _shoot(phone, "operator-home")


def test_the_farmers_and_the_adjusters_pages_fit_a_phone(
    phone: Page, demo_city: DemoContext, live_server: LiveServer
) -> None:
    """The wildlife pages are used in the field: the farmer's report, claims and claim pages,
    the adjuster's inbox, a claim to accept or survey, a village's visit, batches."""
    log_in(phone, "farmer")
    start = [*_menu_urls(phone), "/wildlife/report/", "/wildlife/mine/"]
    farmer = _survey(phone, start, live_server.url)
    _record("farmer", farmer)
    phone.goto("/wildlife/report/")
    _shoot(phone, "farmer-report")
    phone.goto("/wildlife/mine/")
    _shoot(phone, "farmer-claims")
    phone.context.clear_cookies()
    log_in(phone, "adjuster")
    adjuster = _survey(phone, [*_menu_urls(phone), "/wildlife/claims/"], live_server.url)
    _record("adjuster", adjuster)
    phone.goto("/wildlife/claims/")
    _shoot(phone, "adjuster-inbox")

    assert _too_wide(farmer) == {}
    assert _too_wide(adjuster) == {}
    assert {"/wildlife/report/", "/wildlife/mine/"} <= set(farmer)
    assert any(_kind(url) == "/wildlife/claims/<id>/" for url in farmer)
    assert any(_kind(url) == "/wildlife/claims/<id>/" for url in adjuster)


def test_the_relatives_request_and_the_federations_pages_fit_a_phone(
    phone: Page, demo_city: DemoContext, live_server: LiveServer
) -> None:
    """The disability home service: a relative asks from a phone; the federation's queue, a
    case, a team's route, certificates and the dashboard are opened in the field too."""
    log_in(phone, "citizen")
    citizen = _survey(phone, [*_menu_urls(phone), "/disability/request/"], live_server.url)
    _record("citizen-disability", citizen)
    phone.goto("/disability/request/")
    _shoot(phone, "relative-disability-request")
    phone.context.clear_cookies()
    log_in(phone, "federation")
    federation = _survey(phone, [*_menu_urls(phone), "/disability/cases/"], live_server.url)
    _record("federation", federation)
    phone.goto("/disability/cases/")
    _shoot(phone, "federation-cases")

    assert _too_wide(citizen) == {}
    assert _too_wide(federation) == {}
    assert "/disability/request/" in citizen
    assert any(_kind(url) == "/disability/cases/<id>/" for url in federation)
    assert any(_kind(url) == "/disability/teams/<id>/" for url in federation)


def test_the_menu_is_folded_behind_a_button_on_a_phone(phone: Page, demo_city: DemoContext) -> None:
    log_in(phone, "operator")
    menu = phone.locator("nav.side")
    toggle = phone.get_by_role("button", name="菜单")

    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    _shoot(phone, "operator-home-menu-closed")

    toggle.click()

    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    labels = menu.locator("a")
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        assert box is not None
        assert box["height"] < 48, labels.nth(i).inner_text()  # one line, not a column
    _shoot(phone, "operator-home-menu-open")
    menu.get_by_role("link", name="诚信评价").click()
    phone.wait_for_url("**/supervision/credit/**")
    expect(phone.locator("nav.side")).to_be_hidden()


@pytest.mark.parametrize("username", ["yanhu", "beicheng", "inspector", "finance", "evaluator"])
def test_the_officials_pages_fit_a_phone_too(
    phone: Page, demo_city: DemoContext, live_server: LiveServer, username: str
) -> None:
    log_in(phone, username)
    widths = _survey(phone, _menu_urls(phone), live_server.url)
    _record(username, widths)

    assert _too_wide(widths) == {}


def test_without_javascript_the_menu_stays_open_above_the_page(
    browser: Browser, live_server: LiveServer, demo_city: DemoContext
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": WIDTH, "height": 844},
        java_script_enabled=False,
    )
    page = context.new_page()
    try:
        log_in(page, "citizen")

        expect(page.locator("nav.side")).to_be_visible()
        expect(page.locator(".menu-toggle")).to_be_hidden()
        expect(page.locator("nav.side").get_by_role("link", name="申请育儿补贴")).to_be_visible()
        assert _width(page) <= WIDTH
    finally:
        context.close()
