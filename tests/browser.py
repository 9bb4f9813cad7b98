"""Headless Chromium for tests that look at a page, shared by every such test.

Debian's ``chromium`` driven by Playwright for Python through ``executable_path``: Playwright
never downloads a browser of its own. Where Chromium or Playwright is missing the tests skip,
saying which (CI installs both: see .ci/run). tests/conftest.py loads this module as a
plugin: any test takes ``browser`` (one per session) or ``page`` (a fresh context each).
"""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ENV = "MLTRACK_CHROMIUM"  # another browser binary, where it is not /usr/bin/chromium
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium binary to drive, or None when there is none."""
    chosen = os.environ.get(CHROMIUM_ENV) or CHROMIUM
    return chosen if os.path.exists(chosen) else shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session (starting one costs about a second)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[test]')")
    path = chromium_path()
    if path is None:
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; or set {CHROMIUM_ENV})")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context: no cookies or storage carried between tests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()
