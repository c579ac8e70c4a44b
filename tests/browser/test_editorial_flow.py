"""A real browser through the editorial flow: an Editor edits a turn and submits for
review; a Publisher marks it reviewed and sets its maturity; the public page shows
the new text without the unreviewed notice; the exported file differs from the
imported one only in that turn and in draft/status.

Runs Debian's Chromium headless through Playwright; skipped where it is missing,
except in CI, where it must be there.
"""
import importlib
import os
import shutil

import pytest
from django.core.management import call_command

from tests.browser.admin_login import PASSWORD, log_in
from tests.editorial.helpers import changed_lines
from tests.factories import BILINGUAL, user_in

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium(request):
    """The shared session browser of tests/browser/conftest.py, else one of our own."""
    try:
        yield request.getfixturevalue("chromium_browser")
        return
    except pytest.FixtureLookupError:
        pass
    if not shutil.which(CHROMIUM):
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM
    # calls are still synchronous, so Django's async guard is lifted for them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def archive(tmp_path, transactional_db, settings):
    # Fast hashing: these users log in through the login form.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"  # the steps below read the admin's English
    # A transactional test empties every table, the roles' groups included.
    from django.apps import apps

    roles = importlib.import_module("editorial.migrations.0001_initial")
    roles.create_groups(apps, None)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "flow.md").write_text(BILINGUAL, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=open(os.devnull, "w"))
    user_in("Editor", "eddie", password=PASSWORD)
    user_in("Publisher", "pat", password=PASSWORD)
    return folder


def test_edit_review_publish_and_export(chromium, live_server, archive):
    from archive.models import Episode

    episode = Episode.objects.get(slug="flow")

    # The Editor fixes a turn in the transcript editor and submits for review.
    page = log_in(chromium, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/transcript/")
    box = page.locator(".row.turn textarea[lang=zh]").nth(2)
    assert box.input_value() == "第三句话。"
    box.fill("第三句话，经过人工校对。")
    assert "1 row(s) edited" in page.locator(".dirty-count").inner_text()
    page.click(".transcript-toolbar button[value=save]")
    page.wait_for_selector("text=Saved version 2")
    page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/change/")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Submitted for review.")
    assert "In review" in page.locator(".workflow-panel").inner_text()
    page.context.close()

    # The Publisher takes it from the review queue and sets its maturity.
    page = log_in(chromium, live_server, "pat")
    page.goto(f"{live_server.url}/admin/archive/episode/review-queue/")
    page.click("button[value=mark_reviewed]")
    page.wait_for_selector("text=Nothing is waiting for review.")
    page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/change/")
    assert "Reviewed" in page.locator(".workflow-panel").inner_text()
    page.click("button:has-text('Set maturity: Budding')")
    page.wait_for_selector("text=Set maturity.")
    page.context.close()

    # A reader sees the new text, with no unreviewed notice.
    reader = chromium.new_context().new_page()
    reader.goto(f"{live_server.url}/episodes/flow/")
    body = reader.locator("body").inner_text()
    assert "第三句话，经过人工校对。" in body
    assert reader.locator(".banner.draft").count() == 0
    reader.context.close()

    # The file follows: only that turn and the workflow keys changed.
    call_command("export_markdown", str(archive), stdout=open(os.devnull, "w"))
    exported = (archive / "flow.md").read_text(encoding="utf-8")
    assert changed_lines(BILINGUAL, exported) == [
        "-draft: true", "+draft: false",
        "-status: evergreen", "+status: budding",
        "-**Speaker A**: 第三句话。", "+**Speaker A**: 第三句话，经过人工校对。",
    ]


def test_the_editor_inserts_splits_and_moves_rows_with_the_buttons(chromium, live_server, archive):
    from archive.models import Episode, Turn

    episode = Episode.objects.get(slug="flow")
    page = log_in(chromium, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/transcript/")
    first = page.locator(".row.turn").nth(0)
    box = first.locator("textarea[lang=zh]")
    box.click()
    box.evaluate("el => el.setSelectionRange(5, 5)")  # after 第一句话，
    first.locator("button[data-op=split]").click()
    assert page.locator(".row.turn").count() == 5
    last = page.locator(".row.turn").nth(4)
    last.hover()  # a row gets its tools when pointed at
    last.locator("button[data-op=up]").click()
    page.locator(".row.turn").nth(0).hover()
    page.locator(".row.turn").nth(0).locator("button[data-op=turn]").click()
    page.locator(".row.turn").nth(1).locator("textarea[lang=zh]").fill("新插入的旁白。")
    page.click(".transcript-toolbar button[value=save]")
    page.wait_for_selector("text=Saved version 2")
    turns = Turn.objects.filter(episode=episode).order_by("position").select_related("heading")
    assert [(t.translation, t.heading.title) for t in turns] == [
        ("第一句话，", "开场"), ("新插入的旁白。", "开场"), ("谈到**TPU**。", "开场"),
        ("第二句话，还有**Nvidia**。", "开场"), ("第三句话。", "开场"), ("第四句话。", "开场"),
    ]
    page.context.close()


def test_an_edit_of_a_reviewed_episode_waits_for_the_publisher(chromium, live_server, archive, screenshots):
    from archive.models import Episode
    from editorial.review import workflow
    from tests.factories import user_in

    episode = Episode.objects.get(slug="flow")
    boss = user_in("Publisher", "boss")
    workflow.episode_submit(episode=episode, by=boss)
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=episode.pk), by=boss)

    # The Editor corrects a turn of the reviewed episode.
    page = log_in(chromium, live_server, "eddie", width=1280)
    page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/transcript/")
    page.locator(".row.turn textarea[lang=zh]").nth(2).fill("第三句话，改后待审。")
    page.click(".transcript-toolbar button[value=save]")
    page.wait_for_selector("text=Saved version")
    page.goto(f"{live_server.url}/admin/archive/episode/{episode.pk}/change/")
    notice = page.locator(".held-changes")
    assert "still get the reviewed version" in notice.inner_text()
    box = notice.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    notice.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "held-changes-1280.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".workflow-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "held-changes-390.png"), full_page=False)
    page.context.close()

    # Readers still read the reviewed text.
    reader = chromium.new_context().new_page()
    reader.goto(f"{live_server.url}/episodes/flow/")
    assert "第三句话。" in reader.locator("body").inner_text()
    assert "改后待审" not in reader.locator("body").inner_text()

    # The Publisher approves from the review queue; now readers get the change.
    page = log_in(chromium, live_server, "pat")
    page.goto(f"{live_server.url}/admin/archive/episode/review-queue/")
    page.click("button[value=mark_reviewed]")
    page.wait_for_selector("text=Nothing is waiting for review.")
    page.context.close()
    reader.context.close()
    reader = chromium.new_context().new_page()  # not the browser's cached copy
    reader.goto(f"{live_server.url}/episodes/flow/")
    assert "第三句话，改后待审。" in reader.locator("body").inner_text()
    reader.context.close()
