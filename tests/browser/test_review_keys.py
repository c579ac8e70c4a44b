"""A real 195-turn bilingual episode reviewed by keys alone in Chromium: approving,
editing two turns, undoing, merging two turns, splitting one, dismissing a flag and
marking it reviewed; the exported file then differs from the imported one by exactly
those edits. Screenshots of a flagged turn at 1280 and 390 px."""
from __future__ import annotations

import importlib
import io
import shutil

import pytest
from django.core.management import call_command

from archive.models import Episode, TurnFlag
from tests.browser.admin_login import PASSWORD
from tests.browser.review_keys import expected_file, plan_for, review_by_keys
from tests.factories import user_in

EPISODE = "6EQryAQfgYI.md"     # 195 turns, speakers named, Style A originals


@pytest.fixture
def real_episode(archive_notes_dir, tmp_path, transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.apps import apps

    importlib.import_module("editorial.migrations.0001_initial").create_groups(apps, None)
    source = archive_notes_dir / EPISODE
    if not source.exists():
        pytest.skip(f"{EPISODE} is not in the shared archive")
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(source, folder / EPISODE)
    settings.ARCHIVE_ROOT = str(folder)
    call_command("import_markdown", str(folder), stdout=io.StringIO())
    user_in("Publisher", "pat", password=PASSWORD)
    return folder / EPISODE


def keyboard_login(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)      # approving 195 turns on a loaded machine
    page.goto(f"{live_server.url}/admin/login/")
    # Autofocus can land after the load event; keys typed before it go nowhere.
    page.wait_for_function("() => document.activeElement?.id === 'id_username'")
    page.keyboard.type("pat")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#user-tools")
    return page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_real_episode_reviewed_by_keys_exports_exactly_the_edits(
    chromium_browser, live_server, real_episode, screenshots, tmp_path,
):
    original = real_episode.read_text(encoding="utf-8")
    plan = plan_for(original)
    episode = Episode.objects.get()
    turns = episode.turns.filter(kind="turn").count()
    page = keyboard_login(chromium_browser, live_server, 1280)

    def at_flag(page):
        assert page.locator(".review-turn.current mark.review-diff").count() >= 1
        assert no_sideways_scroll(page)
        page.screenshot(path=str(screenshots / "review-flag-1280.png"))

    keys = review_by_keys(
        page, f"{live_server.url}/admin/archive/episode/{episode.pk}/review/", plan,
        turns=turns, on_flag=at_flag,
    )
    page.screenshot(path=str(screenshots / "review-reviewed-1280.png"))
    assert keys.count < 3 * turns
    assert TurnFlag.objects.filter(episode=episode, dismissed_at__isnull=False).count() == 1
    out = tmp_path / "out"
    call_command("export_markdown", str(out), stdout=io.StringIO())
    assert (out / EPISODE).read_text(encoding="utf-8") == expected_file(original, plan)


def test_the_review_view_at_390_px_shows_a_flagged_turn_and_the_keys(
    chromium_browser, live_server, real_episode, screenshots,
):
    episode = Episode.objects.get()
    page = keyboard_login(chromium_browser, live_server, 390)
    page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/review/")
    page.wait_for_function("() => document.getElementById('review').dataset.loaded === '1'")
    page.keyboard.press("n")
    current = page.locator(".review-turn.current")
    assert current.locator("mark.review-diff").count() >= 1
    assert no_sideways_scroll(page)
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=str(screenshots / "review-flag-390.png"))
    page.keyboard.press("?")
    assert page.locator("#review-help").is_visible()
    assert no_sideways_scroll(page)
    page.screenshot(path=str(screenshots / "review-help-390.png"))
    page.keyboard.press("Escape")
    assert not page.locator("#review-help").is_visible()
