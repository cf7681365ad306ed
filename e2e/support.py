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

import pytest

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
