"""A reader in a real browser: the reading modes, the table of contents, search to a
turn's anchor, and an old static-site link."""
from __future__ import annotations

import re

import pytest

from archive.search_index import rebuild_index
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode


@pytest.fixture
def episode(transactional_db, live_server):
    sections = [
        ("开场", [("Host", f"第{n}段开场白。", f"Opening line {n}.") for n in range(6)]),
        ("向量检索", [
            ("Guest", "我们用向量数据库做检索。", "We use a vector database for retrieval."),
            *[("Host", f"第{n}段闲聊。", f"Small talk {n}.") for n in range(20)],
        ]),
        ("结尾", [("Host", "谢谢收听。", "Thanks for listening.")]),
    ]
    made = make_episode("notes/--Browser01.md", title="浏览器测试", sections=sections)
    rebuild_index()
    return made


def test_reading_modes_toc_search_and_old_links(browser_page, live_server, episode):
    page = browser_page
    page.goto(f"{live_server.url}/episodes/{episode.slug}/")
    first_zh = page.locator(".turn .zh").first
    first_en = page.locator(".turn .en-text").first

    # Chinese only, the English folded.
    assert page.locator(".reading-switch").is_visible()
    assert first_zh.is_visible() and not first_en.is_visible()

    # Side by side: the original unfolded beside the translation.
    page.get_by_role("button", name="中英对照").click()
    assert first_zh.is_visible() and first_en.is_visible()
    zh_box, en_box = first_zh.bounding_box(), first_en.bounding_box()
    assert en_box["x"] > zh_box["x"] + zh_box["width"] - 1
    assert abs(en_box["y"] - zh_box["y"]) < 40

    # English only, remembered across pages.
    page.get_by_role("button", name="English").click()
    assert first_en.is_visible() and not first_zh.is_visible()
    page.reload()
    assert page.locator("html").get_attribute("data-reading") == "en"
    assert first_en.is_visible() and not first_zh.is_visible()
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="中文").click()
    assert first_zh.is_visible() and not first_en.is_visible()

    # The table of contents leads to its section.
    page.locator(".toc a", has_text="结尾").click()
    assert re.search(r"#s-\d+$", page.url)
    assert page.locator("h2.section", has_text="结尾").is_visible()
    assert page.evaluate("document.querySelector(':target').textContent").endswith("结尾")

    # Search a Chinese phrase and follow the hit to its turn.
    page.fill("#site-search", "向量数据库")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    hit = page.locator(".hits a").filter(has_text="向量数据库").first
    assert hit.locator("mark").inner_text() == "向量数据库"
    hit.click()
    page.wait_for_url(re.compile(r"/episodes/.+/#t-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    target = page.locator(f"[id='{anchor}']")
    assert "我们用向量数据库做检索" in target.inner_text()
    assert target.evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )

    # An old address of the static site.
    response = page.goto(f"{live_server.url}/content/notes/--Browser01/")
    assert response.ok and page.url == f"{live_server.url}/episodes/{episode.slug}/"


def test_theme_toggle_and_phone_layout(chromium_browser, live_server, episode):
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/episodes/{episode.slug}/")
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("button", name="中英对照").click()
        assert page.locator(".turn .en-text").first.is_visible()
        page.locator("[data-theme-toggle]").click()
        assert page.locator("html").get_attribute("data-theme") in ("dark", "light")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.locator("[data-theme-toggle]").click()
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
    finally:
        context.close()


def test_reading_needs_no_javascript(chromium_browser, live_server, episode):
    context = chromium_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/episodes/{episode.slug}/")
        assert page.locator(".turn .zh").first.is_visible()
        page.locator("details.en summary").first.click()
        assert page.locator(".turn .en-text").first.is_visible()
        assert not page.locator(".reading-switch").is_visible()
    finally:
        context.close()
