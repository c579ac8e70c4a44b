"""In a real browser, 1280 and 390 px wide: a Publisher starts a merge across the
archive and watches its job's page fill its bar; an Editor resolves a file changed
both in the repository and in the CMS, passage by passage. Screenshots go to
$ARCHIVE_SCREENSHOTS."""
from __future__ import annotations

import importlib
import os
import subprocess

import pytest
from django.core.management import call_command

from tests.browser.admin_login import PASSWORD, log_in
from tests.editorial.jobs.worker import run_queued_jobs
from tests.editorial.sync.test_syncing import edit_turn, git, note
from tests.factories import episode_markdown, user_in

EPISODES = 40


def roles():
    from django.apps import apps

    # A transactional test empties every table, the roles' groups included.
    importlib.import_module("editorial.migrations.0001_initial").create_groups(apps, None)


@pytest.fixture
def tagged_archive(tmp_path, transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles()
    folder = tmp_path / "notes"
    folder.mkdir()
    for number in range(EPISODES):
        (folder / f"e{number:02}.md").write_text(
            episode_markdown(title=f"第{number}期", companies=["OpenAI", "Google"]), encoding="utf-8"
        )
    call_command("import_markdown", str(folder), stdout=open(os.devnull, "w"))
    return user_in("Publisher", "pat", password=PASSWORD)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_publisher_starts_a_merge_and_watches_its_job(chromium_browser, live_server, tagged_archive, screenshots):
    from archive.models import Organization
    from editorial.jobs.models import Job

    page = log_in(chromium_browser, live_server, "pat", width=1280)
    page.goto(f"{live_server.url}/admin/archive/speaker/names/?kind=companies_orgs&source=OpenAI&target=BigTech")
    page.click("button[value=preview]")
    page.wait_for_selector("#names-preview")
    page.click("#confirm-names")
    page.wait_for_selector("#job-bar")
    job = Job.objects.get()
    assert page.url.endswith(job.get_absolute_url())
    assert page.locator("#job-status").get_attribute("class") == "job-status job-status-queued"
    page.screenshot(path=str(screenshots / "job-queued-1280.png"), full_page=True)

    run_queued_jobs()
    page.wait_for_selector(".job-status-done")
    assert page.evaluate("document.getElementById('job-bar').value") == EPISODES
    assert f"{EPISODES}" in page.locator("#job-count").inner_text()
    assert not Organization.objects.filter(name="OpenAI").exists()
    assert no_sideways_scroll(page)
    page.screenshot(path=str(screenshots / "job-done-1280.png"), full_page=True)

    narrow = log_in(chromium_browser, live_server, "pat", width=390)
    narrow.goto(f"{live_server.url}{job.get_absolute_url()}")
    assert no_sideways_scroll(narrow)
    narrow.screenshot(path=str(screenshots / "job-done-390.png"), full_page=True)
    narrow.goto(f"{live_server.url}/admin/jobs/job/")
    assert narrow.locator("#result_list").count() == 1
    narrow.screenshot(path=str(screenshots / "jobs-list-390.png"), full_page=True)


@pytest.fixture
def conflict(tmp_path, transactional_db, settings):
    """An episode whose turn 2 the pipeline and an editor both changed."""
    from archive.models import Episode
    from editorial.sync.syncing import Sync

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles()
    remote, pipeline, content = tmp_path / "remote.git", tmp_path / "pipeline", tmp_path / "content"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), str(pipeline))
    for folder in (pipeline,):
        git(folder, "config", "user.name", "Pipeline")
        git(folder, "config", "user.email", "pipeline@example.org")
    (pipeline / "notes").mkdir()
    (pipeline / "notes" / "n1.md").write_text(note(1), encoding="utf-8")
    git(pipeline, "add", "-A")
    git(pipeline, "commit", "--quiet", "-m", "First notes")
    git(pipeline, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(remote), str(content))
    git(content, "config", "user.name", "Archive CMS")
    git(content, "config", "user.email", "cms@example.org")
    settings.ARCHIVE_ROOT = str(content / "notes")
    sync = lambda: Sync(content / "notes", remote="origin", branch="main").run()  # noqa: E731
    sync()
    editor = user_in("Editor", "eddie", password=PASSWORD)
    edit_turn(Episode.objects.get(source_path="n1.md"), 2, "编辑认为这一句应当这样译。", by=editor)
    text = (pipeline / "notes" / "n1.md").read_text(encoding="utf-8")
    (pipeline / "notes" / "n1.md").write_text(
        text.replace("第1期第2句。", "管线重新翻译了这一句。").replace("第1期第0句。", "管线也改了开头。"),
        encoding="utf-8",
    )
    subprocess.run(["git", "commit", "--quiet", "-am", "Re-translation"], cwd=pipeline, check=True)
    subprocess.run(["git", "push", "--quiet"], cwd=pipeline, check=True)
    assert sync().conflicts == ["n1.md"]
    return sync


def test_an_editor_resolves_a_sync_conflict_turn_by_turn(chromium_browser, live_server, conflict, screenshots):
    from archive.models import Episode
    from editorial.edits import editing
    from editorial.sync.models import SyncConflict

    narrow = log_in(chromium_browser, live_server, "eddie", width=390)
    narrow.goto(f"{live_server.url}/admin/sync/syncconflict/")
    narrow.click("#result_list tbody a")
    narrow.wait_for_selector("#resolve-form")
    assert no_sideways_scroll(narrow)
    narrow.screenshot(path=str(screenshots / "sync-conflict-390.png"), full_page=True)

    page = log_in(chromium_browser, live_server, "eddie", width=1280)
    page.goto(narrow.url)
    rows = page.locator(".conflict-row")
    assert rows.count() == 1
    assert "编辑认为这一句应当这样译。" in rows.inner_text() and "管线重新翻译了这一句。" in rows.inner_text()
    # The pipeline's other change needs no choice: it is merged already.
    assert "管线也改了开头。" in page.locator(".settled-row").first.text_content()
    assert no_sideways_scroll(page)
    page.screenshot(path=str(screenshots / "sync-conflict-1280.png"), full_page=True)

    rows.locator("input[value=ours]").check()
    page.click("#resolve-merge")
    page.wait_for_selector(".messagelist .success")
    assert SyncConflict.objects.get().status == SyncConflict.Status.RESOLVED
    text = editing.render_episode(Episode.objects.get(source_path="n1.md").pk)
    assert "编辑认为这一句应当这样译。" in text and "管线也改了开头。" in text
    assert conflict().pushed
