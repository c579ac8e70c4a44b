"""A Publisher merges two speakers through the admin in a real browser, 1280 wide:
from the speaker list to the preview of every changed line, then the confirmation;
a screenshot of the preview goes to $ARCHIVE_SCREENSHOTS (default: the temp folder).

Confirming starts a job (``editorial.jobs``), whose page follows it until done.

Debian's Chromium through Playwright (tests/browser/conftest.py); skipped where it is
missing, except in CI.
"""
from __future__ import annotations

import importlib
import os

import pytest
from django.core.management import call_command

from tests.browser.admin_login import PASSWORD
from tests.editorial.jobs.worker import run_queued_jobs
from tests.factories import user_in

FIRST = """\
---
title: 第一集
speaker: Dwarkesh Podcast
guest: Dwarkesh
---
**Dwarkesh**: 欢迎收听。

<details>
<summary>Original English</summary>

**Dwarkesh**: Welcome.

</details>

**Guest**: 谢谢。
"""

SECOND = """\
---
title: 第二集
speaker: Dwarkesh Podcast
guest: Dwarkesh Patel
---
**Dwarkesh Patel**: 又见面了。

**Dwarkesh**: 开始吧。
"""


@pytest.fixture
def archive(tmp_path, transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.apps import apps

    # A transactional test empties every table, the roles' groups included.
    roles = importlib.import_module("editorial.migrations.0001_initial")
    roles.create_groups(apps, None)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "first.md").write_text(FIRST, encoding="utf-8")
    (folder / "second.md").write_text(SECOND, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=open(os.devnull, "w"))
    user_in("Publisher", "pat", password=PASSWORD)
    return folder


def test_a_publisher_merges_two_speakers_with_a_preview(browser_page, live_server, archive, screenshots):
    from archive.models import Speaker, Turn

    page = browser_page
    assert page.viewport_size["width"] == 1280
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "pat")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    page.goto(f"{live_server.url}/admin/archive/speaker/")
    page.click("a[href^='/admin/archive/speaker/names/?kind=speaker']")
    page.fill("#id_sources", "Dwarkesh")
    page.fill("#id_target", "Dwarkesh Patel")
    page.click("button[value=preview]")
    preview = page.wait_for_selector("#names-preview")
    text = preview.inner_text()
    # What will be done, not yet what was.
    assert "将要合并：Dwarkesh 并入“Dwarkesh Patel”" in text and "Merged" not in text
    assert "**Dwarkesh Patel**: Welcome." in text
    assert page.locator("#names-preview tbody tr").count() == 4
    # Nothing sideways: the preview fits the window.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(screenshots / "names-merge-preview-1280.png"), full_page=True)
    assert Turn.objects.filter(speaker_label="Dwarkesh").count() == 2

    # Confirming starts a job and shows its page at once; a worker applies it.
    page.click("#confirm-names")
    page.wait_for_selector("#job-bar")
    assert "/admin/jobs/job/" in page.url
    assert Turn.objects.filter(speaker_label="Dwarkesh").count() == 2
    run_queued_jobs()
    page.wait_for_selector(".job-status-done")  # the page follows the job by itself
    assert not Turn.objects.filter(speaker_label="Dwarkesh").exists()
    assert not Speaker.objects.filter(name="Dwarkesh").exists()
