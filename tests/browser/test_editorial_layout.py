"""The episode change page and the transcript editor in Chromium at 1280 and 1920 px:
the workflow buttons lie inside the window without sideways scrolling, the
unsaved-changes count is readable (contrast of at least 4.5:1, from computed
styles), and a reviewed episode edited by an Editor goes through the queue back to
reviewed. Screenshots go to $ARCHIVE_SCREENSHOTS (default: a temporary folder)."""
from __future__ import annotations

import importlib
import io

import pytest
from django.core.management import call_command

from tests.browser.admin_login import PASSWORD, log_in
from tests.factories import BILINGUAL, user_in

WIDTHS = [1280, 1920]
LONG_TITLE = "一个很长很长的标题，" * 6


@pytest.fixture
def archive(tmp_path, transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"
    from django.apps import apps

    roles = importlib.import_module("editorial.migrations.0001_initial")
    roles.create_groups(apps, None)
    folder = tmp_path / "notes"
    folder.mkdir()
    text = BILINGUAL.replace("title: 编辑测试", f"title: {LONG_TITLE}")
    body_mentions = "".join(f"**公司{n}** " for n in range(12))
    text = text.replace("**Speaker A**: 第三句话。", f"**Speaker A**: 第三句话。{body_mentions}")
    (folder / "layout.md").write_text(text, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=io.StringIO())
    user_in("Editor", "eddie", password=PASSWORD)
    user_in("Publisher", "pat", password=PASSWORD)
    return folder


def _luminance(rgb) -> float:
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# The text colour and the first opaque background behind the element, as computed.
COLOURS = """el => {
  const parse = c => c.match(/[\\d.]+/g).map(Number);
  let node = el, bg = null;
  while (node) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {fg: parse(getComputedStyle(el).color).slice(0, 3), bg: bg || [255, 255, 255]};
}"""


def episode():
    from archive.models import Episode

    return Episode.objects.get(slug="layout")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_workflow_buttons_are_inside_the_window(chromium_browser, live_server, archive, width, screenshots):
    page = log_in(chromium_browser, live_server, "pat", width)
    page.goto(f"{live_server.url}/admin/archive/episode/{episode().pk}/change/")
    page.screenshot(path=str(screenshots / f"change-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    buttons = page.locator(".workflow-panel button")
    assert buttons.count() >= 3
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, buttons.nth(index).inner_text()
    suggestions = page.locator(".suggestions-panel").bounding_box()
    assert suggestions["x"] + suggestions["width"] <= width
    assert suggestions["width"] >= 300
    # The object tools overlap no title.
    tools = page.locator(".object-tools").bounding_box()
    for heading in page.locator("#content h1, #content h2").all()[:2]:
        box = heading.bounding_box()
        apart = (tools["y"] >= box["y"] + box["height"] or box["y"] >= tools["y"] + tools["height"]
                 or tools["x"] >= box["x"] + box["width"])
        assert apart, heading.inner_text()
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_unsaved_count_is_readable(chromium_browser, live_server, archive, width, screenshots):
    page = log_in(chromium_browser, live_server, "eddie", width)
    page.goto(f"{live_server.url}/admin/archive/episode/{episode().pk}/transcript/")
    box = page.locator(".row.turn textarea[lang=zh]").nth(1)
    box.fill(box.input_value() + "改")
    count = page.locator(".dirty-count")
    assert count.is_visible() and "1 row(s) edited" in count.inner_text()
    colours = count.evaluate(COLOURS)
    assert contrast(colours["fg"], colours["bg"]) >= 4.5, colours
    save = page.locator(".transcript-toolbar button[value=save]").first
    styled = save.evaluate("el => getComputedStyle(el).backgroundColor")
    assert styled not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)"), styled
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # A Chinese box shows all of its text.
    for index in range(page.locator(".row.turn textarea[lang=zh]").count()):
        area = page.locator(".row.turn textarea[lang=zh]").nth(index)
        assert area.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    page.screenshot(path=str(screenshots / f"transcript-{width}.png"))
    page.context.close()


def test_submit_review_approve_and_changes_since_review(chromium_browser, live_server, archive, screenshots):
    from editorial.models import ReviewState
    from editorial.review.state import review_state

    pk = episode().pk
    page = log_in(chromium_browser, live_server, "eddie", 1280)
    page.goto(f"{live_server.url}/admin/archive/episode/{pk}/change/")
    page.fill(".workflow-actions input[name=comment]", "请看第三段")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Submitted for review.")
    page.context.close()

    page = log_in(chromium_browser, live_server, "pat", 1280)
    page.goto(f"{live_server.url}/admin/")
    page.click("#editorial-work a:has-text('Review queue')")
    assert "请看第三段" in page.locator(".review-queue").inner_text()
    page.screenshot(path=str(screenshots / "queue-1280.png"))
    page.click("button[value=mark_reviewed]")
    page.wait_for_selector("text=Nothing is waiting for review.")
    page.context.close()
    assert review_state(episode()) == ReviewState.REVIEWED

    # The Editor changes the reviewed episode; it waits for the Publisher again.
    page = log_in(chromium_browser, live_server, "eddie", 1280)
    page.goto(f"{live_server.url}/admin/archive/episode/{pk}/transcript/")
    page.locator(".row.turn textarea[lang=zh]").nth(0).fill("审校后又改了一句。")
    page.click(".transcript-toolbar button[value=save]")
    page.wait_for_selector("text=Saved version")
    page.context.close()
    assert review_state(episode()) == ReviewState.CHANGED

    page = log_in(chromium_browser, live_server, "pat", 1280)
    page.goto(f"{live_server.url}/admin/archive/episode/review-queue/")
    page.click("a:has-text('changes since review')")
    assert "审校后又改了一句" in page.locator("table.changes").inner_text()
    page.screenshot(path=str(screenshots / "changes-since-review-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/archive/episode/review-queue/")
    page.click("button:has-text('Approve the changes')")
    page.wait_for_selector("text=Nothing is waiting for review.")
    page.context.close()
    assert review_state(episode()) == ReviewState.REVIEWED
