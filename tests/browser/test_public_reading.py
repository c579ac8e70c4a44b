"""A reader in a real browser, at a desktop (1280 px) and a phone (390 px) width: the
contents beside the text (after the header on a phone) with back-to-top, the reading switch, search to a
turn's anchor, an old static-site link. Screenshots go to $ARCHIVE_SCREENSHOTS (a
temporary folder by default) so CI can keep them."""
from __future__ import annotations

import re

import pytest

from archive.search import rebuild_index
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def episode(transactional_db, live_server):
    sections = [
        (f"第{number}节 {title}", [
            ("Host", f"{title}：第{n}段。" + "这一段说得很长，" * 6, f"{title}, line {n}. " * 4)
            for n in range(8)
        ])
        for number, title in enumerate(["开场", "向量检索", "芯片", "泡沫", "结尾"], 1)
    ]
    sections[1][1].insert(0, ("Guest", "我们用向量数据库做检索。", "We use a vector database for retrieval."))
    made = make_episode(
        "notes/--Browser01.md", title="浏览器测试", sections=sections, area="科技",
        category="AI", projects=["测试专题"], summary="一期用来测试阅读的节目。", guest="Ada Park",
    )
    rebuild_index()
    return made


def _page(chromium_browser, width):
    size = WIDTHS[width]
    context = chromium_browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=width == "phone", locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _in_view(locator) -> bool:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_contents_stay_at_hand_and_lead_to_their_sections(chromium_browser, live_server, episode,
                                                          screenshots, width):
    context, page = _page(chromium_browser, width)
    try:
        page.goto(f"{live_server.url}/episodes/{episode.slug}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
        toc = page.locator(".sidebar-toc")
        page.screenshot(path=str(screenshots / f"episode-{width}-top.png"))
        text, sidebar = page.locator(".transcript").bounding_box(), toc.bounding_box()
        if width == "desktop":
            # Beside the text, and still in view far down the page.
            assert sidebar["x"] > text["x"] + text["width"] - 1
            page.mouse.wheel(0, 4000)
            page.wait_for_timeout(200)
            assert _in_view(toc.locator("a", has_text="结尾"))
            back = toc.locator(".back-to-top")
        else:
            # After the title, before the text, folded to one line; back to the top at
            # the end of the text, where it covers nothing.
            assert page.locator("h1").bounding_box()["y"] < sidebar["y"] < text["y"]
            assert sidebar["height"] < 80 and not toc.locator("details").evaluate("d => d.open")
            page.keyboard.press("End")
            page.wait_for_timeout(300)
            back = page.locator(".to-top .back-to-top")
        assert _in_view(back)
        assert page.evaluate(
            "[...document.querySelectorAll('body *')].filter("
            "e => getComputedStyle(e).position === 'fixed').length"
        ) == 0
        page.screenshot(path=str(screenshots / f"episode-{width}-scrolled.png"))
        back.click()
        page.wait_for_function("window.scrollY < 50")
        if width == "phone":
            toc.locator("summary").click()
        page.locator(".sidebar-toc a", has_text="芯片").click()
        assert re.search(r"#s-\d+$", page.url)
        heading = page.locator("h2.section", has_text="芯片")
        assert _in_view(heading)
        assert heading.evaluate("e => e.getBoundingClientRect().top >= 0")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_reading_switch_shows_each_mode_and_remembers_it(chromium_browser, live_server, episode,
                                                        screenshots, width):
    context, page = _page(chromium_browser, width)
    try:
        page.goto(f"{live_server.url}/episodes/{episode.slug}/")
        first_zh = page.locator(".turn .zh").first
        first_en = page.locator(".turn .en-text").first
        assert page.locator(".reading-switch").is_visible()
        assert first_zh.is_visible() and not first_en.is_visible()

        page.get_by_role("button", name="对照").click()
        assert first_zh.is_visible() and first_en.is_visible()
        zh_box, en_box = first_zh.bounding_box(), first_en.bounding_box()
        if width == "desktop":      # side by side
            assert en_box["x"] > zh_box["x"] + zh_box["width"] - 1
            assert abs(en_box["y"] - zh_box["y"]) < 40
        else:                       # one above the other
            assert en_box["y"] >= zh_box["y"] + zh_box["height"] - 1
        page.locator(".turn").nth(3).scroll_into_view_if_needed()
        assert _in_view(page.locator(".reading-switch"))      # sticky
        page.screenshot(path=str(screenshots / f"reading-both-{width}.png"))

        page.get_by_role("button", name="原文").click()
        assert first_en.is_visible() and not first_zh.is_visible()
        page.reload()
        assert page.locator("html").get_attribute("data-reading") == "en"
        assert first_en.is_visible() and not first_zh.is_visible()
        assert page.get_by_role("button", name="原文").get_attribute("aria-pressed") == "true"
        page.get_by_role("button", name="中文").click()
        assert first_zh.is_visible() and not first_en.is_visible()
    finally:
        context.close()


def test_search_leads_to_the_turn_and_old_links_still_work(browser_page, live_server, episode):
    page = browser_page
    page.goto(f"{live_server.url}/search/?q=向量数据库")
    hit = page.locator(".hits a").filter(has_text="向量数据库").first
    hit.click()
    page.wait_for_url(re.compile(r"/episodes/.+/\?from=search&hl=[^#]+#t-\d+$"))
    target = page.locator(f"[id='{page.url.rsplit('#', 1)[1]}']")
    assert "我们用向量数据库做检索" in target.inner_text()
    assert _in_view(target)
    assert target.locator("mark.search-term").all_inner_texts() == ["向量数据库"]
    assert page.locator("mark.search-term").count() == 1       # only in the turn linked
    response = page.goto(f"{live_server.url}/content/notes/--Browser01/")
    assert response.ok and page.url == f"{live_server.url}/episodes/{episode.slug}/"


def test_lists_and_directories_at_both_widths(chromium_browser, live_server, episode, screenshots):
    for width in WIDTHS:
        context, page = _page(chromium_browser, width)
        try:
            page.goto(f"{live_server.url}/")
            assert page.locator(".badge.area", has_text="科技").is_visible()
            assert page.locator(".badge.project", has_text="测试专题").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
            page.screenshot(path=str(screenshots / f"home-{width}.png"))
            page.goto(f"{live_server.url}/all-speakers/")
            page.fill(".list-filter-input", "ada")
            assert page.locator("#term-list li", has_text="Ada Park").is_visible()
            assert not page.locator("#term-list li", has_text="Test Cast").is_visible()
            page.screenshot(path=str(screenshots / f"directory-{width}.png"))
        finally:
            context.close()


def test_theme_toggle(chromium_browser, live_server, episode):
    context, page = _page(chromium_browser, "phone")
    try:
        page.goto(f"{live_server.url}/episodes/{episode.slug}/")
        page.locator("[data-theme-toggle]").click()
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
        page.locator("details.original summary").first.click()
        assert page.locator(".turn .en-text").first.is_visible()
        assert not page.locator(".reading-switch").is_visible()
        assert page.locator(".sidebar-toc a", has_text="结尾").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_search_as_you_type_lists_results_and_leads_to_them(chromium_browser, live_server, episode,
                                                            screenshots, width):
    context, page = _page(chromium_browser, width)
    try:
        page.goto(f"{live_server.url}/")
        box = page.locator("#site-search")
        box.click()
        box.type("向量数据库", delay=30)
        options = page.locator("#site-search-results [role=option]")
        options.first.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        assert "浏览器测试" in options.first.inner_text()
        assert "全部 1 期节目" in options.last.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]
        page.screenshot(path=str(screenshots / f"search-as-you-type-{width}.png"))
        box.press("ArrowDown")
        assert options.first.get_attribute("aria-selected") == "true"
        box.press("Enter")
        page.wait_for_url(re.compile(rf"/episodes/{re.escape(episode.slug)}/"))
    finally:
        context.close()


def test_the_header_search_is_a_plain_form_without_script(chromium_browser, live_server, episode):
    context = chromium_browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.locator("#site-search").fill("向量数据库")
        page.locator("#site-search").press("Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        assert page.locator("#site-search-results").count() == 0
        assert "浏览器测试" in page.locator("main").inner_text()
    finally:
        context.close()
