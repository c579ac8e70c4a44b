"""The pages a newcomer meets, in Chromium at 1280 and 390 px: what each layout item
of the reading and editing pages promises, measured from the laid-out page, and a
screenshot of every page in light and dark (to $ARCHIVE_SCREENSHOTS)."""
from __future__ import annotations

import importlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.search import rebuild_index
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.browser.admin_login import PASSWORD, log_in
from tests.browser.test_editorial_layout import COLOURS, contrast
from tests.factories import make_episode, user_in

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def archive(tmp_path, transactional_db, settings):
    """A bilingual episode with contents and a heading in both languages, a file
    without front matter, a Publisher and an Editor."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.apps import apps

    importlib.import_module("editorial.migrations.0001_initial").create_groups(apps, None)
    sections = [
        (title, [("Host", f"{title}：第{n}段。" + "这一段说得很长，" * 6, f"{title}, line {n}. " * 5)
                 for n in range(6)])
        for title in ("开场", "压力与动力的流失 / Stress and the Loss of Motivation", "泡沫", "结尾")
    ]
    sections[0][1].append(("1. 多喝水", "多喝水。", None))
    make_episode("notes/wide01.md", title="布局测试：一期很长的节目", sections=sections, draft=True,
                 summary="一期用来测试布局的节目。", speaker="知行小酒馆")
    make_episode("notes/wide02.md", title="AI 泡沫的另一期", area='"finance-wealth"')
    (tmp_path / "Atw2h2qCL4o.md").write_text("----\ntitle: x\n----\n\n正文。\n", encoding="utf-8")
    call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    rebuild_index()
    user_in("Editor", "eddie", password=PASSWORD)
    user_in("Publisher", "pat", password=PASSWORD)


def _page(browser, width, scheme="light"):
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 500 else 900}, color_scheme=scheme,
        is_mobile=width < 500, locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _mode(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_timeout(100)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS.values())
def test_every_page_a_newcomer_sees(chromium_browser, live_server, archive, screenshots, width, scheme):
    public = {
        "home": "/", "episode": "/episodes/wide01/", "no-front-matter": "/content/notes/Atw2h2qCL4o/",
        "speakers": "/all-speakers/", "areas": "/all-areas/", "search": "/search/?q=泡沫",
    }
    context, page = _page(chromium_browser, width, scheme)
    try:
        for name, path in public.items():
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            page.screenshot(path=str(screenshots / f"newcomer-{name}-{width}-{scheme}.png"))
        page.goto(live_server.url + "/episodes/wide01/")
        for mode in ("对照", "原文"):
            _mode(page, mode)
            page.locator("h2.section").nth(1).scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / f"newcomer-episode-{mode}-{width}-{scheme}.png"))
        page.goto(live_server.url + "/admin/login/")
        page.screenshot(path=str(screenshots / f"newcomer-admin-login-{width}-{scheme}.png"))
    finally:
        context.close()
    page = log_in(chromium_browser, live_server, "pat", width)
    try:
        page.emulate_media(color_scheme=scheme)
        from archive.models import Episode

        pk = Episode.objects.get(slug="wide01").pk
        admin = {
            "admin-home": "/admin/", "admin-episodes": "/admin/archive/episode/",
            "admin-episode": f"/admin/archive/episode/{pk}/change/",
            "admin-transcript": f"/admin/archive/episode/{pk}/transcript/",
            "admin-duplicates": reverse("admin:editorial_name_duplicates") + "?kind=speaker",
        }
        for name, path in admin.items():
            page.goto(live_server.url + path)
            page.screenshot(path=str(screenshots / f"newcomer-{name}-{width}-{scheme}.png"),
                            full_page=name != "admin-transcript")
    finally:
        page.context.close()


def test_the_contents_column_stays_put_whatever_the_mode(chromium_browser, live_server, archive):
    context, page = _page(chromium_browser, 1280)
    try:
        page.goto(live_server.url + "/episodes/wide01/")
        where = [page.locator(".sidebar-toc").bounding_box()["x"]]
        for mode in ("对照", "原文", "中文"):
            _mode(page, mode)
            where.append(page.locator(".sidebar-toc").bounding_box()["x"])
        assert max(where) - min(where) < 1, where
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS.values())
def test_the_sticky_switch_hides_what_scrolls_under_it(chromium_browser, live_server, archive, width):
    context, page = _page(chromium_browser, width)
    try:
        page.goto(live_server.url + "/episodes/wide01/")
        page.mouse.wheel(0, 2500)
        page.wait_for_timeout(300)
        bar = page.locator(".reading-switch").bounding_box()
        assert bar["y"] <= 1
        text = page.locator(".turn .zh").first.bounding_box()
        # Wherever the text column runs, the point just inside the bar is the bar's.
        for x in (text["x"] + 2, text["x"] + text["width"] - 2):
            owner = page.evaluate(
                f"document.elementFromPoint({x}, {bar['y'] + bar['height'] - 3}).closest('.reading-switch') !== null"
            )
            assert owner, x
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS.values())
def test_headings_start_where_the_text_starts_and_speak_the_modes_language(
        chromium_browser, live_server, archive, width):
    context, page = _page(chromium_browser, width)
    try:
        page.goto(live_server.url + "/episodes/wide01/")
        heading = page.locator("h2.section").nth(1)
        start = heading.evaluate(
            "h => { const r = document.createRange(); r.selectNodeContents(h.querySelector('.heading-zh'));"
            " return r.getBoundingClientRect().left; }"
        )
        assert abs(start - page.locator(".turn .zh").first.bounding_box()["x"]) < 2
        shown = ("h => [...h.querySelectorAll('span')].filter(s => getComputedStyle(s).display !== 'none')"
                 ".map(s => s.textContent).join('')")
        assert heading.evaluate(shown) == "压力与动力的流失"
        _mode(page, "原文")
        assert heading.evaluate(shown) == "Stress and the Loss of Motivation"
        _mode(page, "对照")
        assert heading.evaluate(shown) == "压力与动力的流失 / Stress and the Loss of Motivation"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlights_and_a_linked_turn_can_be_seen(chromium_browser, live_server, archive, scheme):
    context, page = _page(chromium_browser, 1280, scheme)
    try:
        page.goto(live_server.url + "/search/?q=泡沫")
        colours = page.locator("mark").first.evaluate(COLOURS)
        page_bg = page.evaluate("getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number)")
        assert contrast(colours["bg"], page_bg[:3]) >= 1.25
        page.goto(live_server.url + "/episodes/wide01/#t-3")
        outline = page.locator(".turn:target").evaluate(
            "e => ({w: parseFloat(getComputedStyle(e).outlineWidth),"
            " c: getComputedStyle(e).outlineColor.match(/[\\d.]+/g).map(Number)})"
        )
        assert outline["w"] >= 2 and contrast(outline["c"][:3], page_bg[:3]) >= 3
    finally:
        context.close()


def test_suggestions_on_a_phone_keep_the_link_to_all_results(chromium_browser, live_server, archive, screenshots):
    context, page = _page(chromium_browser, 390)
    try:
        page.goto(live_server.url + "/")
        page.fill("#site-search", "泡沫")
        link = page.locator(".search-suggestions li.all")
        link.wait_for()
        box = link.bounding_box()
        assert box["y"] + box["height"] <= 844
        assert page.evaluate(
            f"document.elementFromPoint({box['x'] + 10}, {box['y'] + box['height'] / 2}).closest('li.all') !== null"
        )
        page.screenshot(path=str(screenshots / "suggestions-390.png"))
    finally:
        context.close()


def test_the_episode_list_keeps_badges_and_short_values_on_one_line(chromium_browser, live_server, archive):
    page = log_in(chromium_browser, live_server, "pat", 1280)
    try:
        page.goto(live_server.url + "/admin/archive/episode/")
        badge = page.locator(".review-state").first.bounding_box()
        assert badge["height"] < 30 and badge["width"] > badge["height"]
        for column in ("date", "file_status"):
            assert page.locator(f"td.field-{column}").first.bounding_box()["height"] < 45, column
        # Every column in view, the titles a few lines at most.
        assert page.evaluate("(r => r.scrollWidth <= r.clientWidth)(document.querySelector('.results'))")
        assert page.locator("th.field-title_or_slug").first.bounding_box()["height"] < 80
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.goto(live_server.url + reverse("admin:editorial_name_duplicates") + "?kind=speaker")
        buttons = page.locator(".names-report .button").all()
        assert buttons
        for button in buttons[:5]:
            assert button.bounding_box()["height"] < 40
    finally:
        page.context.close()


def test_on_a_phone_every_workflow_button_is_whole(chromium_browser, live_server, archive):
    from archive.models import Episode

    page = log_in(chromium_browser, live_server, "pat", 390)
    try:
        page.goto(f"{live_server.url}/admin/archive/episode/{Episode.objects.get(slug='wide01').pk}/change/")
        buttons = page.locator(".workflow-actions button")
        assert buttons.count() >= 2
        for button in buttons.all():
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        page.context.close()


def test_the_transcript_editor_on_a_phone(chromium_browser, live_server, archive, screenshots):
    from archive.models import Episode

    episode = Episode.objects.get(slug="wide01")
    page = log_in(chromium_browser, live_server, "eddie", 390)
    try:
        page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/transcript/")
        chinese = page.locator("textarea[name$='-tr']").first
        assert chinese.bounding_box()["width"] > 300
        # Tools at each row's end without pointing at it, as the help says.
        assert page.locator(".row .row-tools").first.is_visible()
        row = page.locator(".transcript .row.turn").nth(15)
        number = row.get_attribute("id")
        row.scroll_into_view_if_needed()
        row.locator("textarea[name$='-tr']").fill("改过的一段。")
        with page.expect_navigation():
            page.locator("button[value=save]").first.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"#{number}")
        assert page.locator(f"#{number}").evaluate(
            "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
        )
        page.screenshot(path=str(screenshots / "transcript-after-save-390.png"))
    finally:
        page.context.close()
