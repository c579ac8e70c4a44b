"""Shared Playwright fixtures: Debian's Chromium, headless, never a downloaded browser.

Without /usr/bin/chromium (or the playwright package) the browser tests skip with the
reason, except where ARCHIVE_REQUIRE_BROWSER=1 or CI=true (as in .ci/run): there a
missing browser fails them.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _browser_required() -> bool:
    return os.environ.get("ARCHIVE_REQUIRE_BROWSER") == "1" or os.environ.get("CI") == "true"


def _missing(reason: str):
    if _browser_required():
        pytest.fail(f"{reason}; the browser tests must run here")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium per test module.

    Not per session: while Playwright's sync API is running, its event loop makes
    Django refuse ORM calls in this thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set,
    and that variable must not outlive the browser tests (subprocesses inherit it,
    and ``check --deploy`` rightly rejects it).
    """
    if not shutil.which(CHROMIUM):
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls
    # stay synchronous, so Django's guard against ORM use in async code is lifted.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page (own cookies and storage) at a desktop size; a test whose pages
    broke the Content-Security-Policy (an inline script or style refused) fails."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.location}: {message.text[:80]}")
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not refused, refused


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go: $ARCHIVE_SCREENSHOTS (CI keeps them), else a new temporary
    folder."""
    folder = Path(os.environ.get("ARCHIVE_SCREENSHOTS") or tempfile.mkdtemp(prefix="screens-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
