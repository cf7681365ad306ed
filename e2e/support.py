"""Whether the browser tests can run here, shared by ``conftest.py`` and the test modules.

The tests drive Debian's Chromium through Playwright from PyPI (``playwright install`` would
download a browser, which these machines cannot). Without either, the tests are skipped with
the reason, except under ``CI=true``, where they must run and fail instead.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError as exc:
        return f"cannot import Playwright ({exc}); run: pip install -e '.[test]'"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing; run: apt-get install chromium fonts-noto-cjk"
    return None


def playwright_or_skip() -> ModuleType:
    """``playwright.sync_api`` for a test module; skips the module when the browser tests
    cannot run here (the reason is printed with ``-ra``), except under ``CI=true``."""
    problem = browser_problem()
    if problem and not in_ci():
        pytest.skip(f"browser tests skipped: {problem}", allow_module_level=True)
    # Under CI a missing Playwright fails this import (a collection error); a missing
    # Chromium fails the ``browser`` fixture with the reason.
    return importlib.import_module("playwright.sync_api")


def new_page(browser: Browser, base_url: str, width: int, height: int, **options: Any) -> Page:
    """A page in a context of its own, in Chinese, with the viewport of a phone or a tablet
    (touch, mobile) below 1000 px wide, of a desk above; ``options`` go to the context."""
    mobile = width < 1000
    context = browser.new_context(
        base_url=base_url,
        locale="zh-CN",
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        is_mobile=mobile,
        has_touch=mobile,
        **options,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page: Page, username: str, password: str | None = None) -> Page:
    """Log the page in as a demo account through the login form; lands on /home/."""
    from django.conf import settings

    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home/")
    return page


def shoot(page: Page, name: str) -> None:
    """The whole page as ``e2e/screenshots/<name>.png``, to be looked at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
