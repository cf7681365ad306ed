"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Each test gets the small demo city (built in the test database, flushed after the test) and a
fresh browser context; screenshots go to ``e2e/screenshots/`` (gitignored) to be looked at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from e2e.support import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, browser_problem, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

    from huimin.core.demo import DemoContext

#: The demo city is built for a fixed seed and day, so every run sees the same people.
DEMO_SEED = 20261129
DEMO_TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    problem = browser_problem()
    if problem:
        # Only reached under CI=true: elsewhere the test modules skip themselves.
        pytest.fail(f"CI=true, so the browser tests must run, but {problem}", pytrace=False)
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    # Playwright's sync API keeps an asyncio loop in this thread; without this Django refuses
    # ORM calls from the tests and fixtures (SynchronousOnlyOperation).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def demo_city(transactional_db: None) -> DemoContext:
    """The small demo city: regions, one account per role (password DEMO_PASSWORD), people."""
    from tests.demo_snapshot import demo_city as demo_city_copy

    context = demo_city_copy(seed=DEMO_SEED, scale="small", today=DEMO_TODAY, log=lambda s: None)
    return context


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page: Page, demo_city: DemoContext) -> Callable[..., Page]:
    """Log the test's page in as a demo account through the login form; lands on /home/."""

    def login(username: str, password: str = settings.DEMO_PASSWORD) -> Page:
        return log_in(page, username, password)

    return login


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], None]:
    """Save the whole page as ``e2e/screenshots/<name>.png``."""

    def screenshot(name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return screenshot
