"""Pages are cached for readers and dropped on every import and edit."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive import cache as page_cache
from archive.models import Episode
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import episode_markdown, make_episode

pytestmark = pytest.mark.django_db


def test_a_second_visit_runs_no_page_query(client, django_assert_max_num_queries):
    episode = make_episode(sections=[("一", [("A", "你好。", "Hello.")])])
    first = client.get(f"/episodes/{episode.slug}/")
    assert "public" in first["Cache-Control"]
    with django_assert_max_num_queries(1):      # at most the content version, once a second
        second = client.get(f"/episodes/{episode.slug}/")
    assert second.content == first.content


def test_edits_invalidate_cached_pages(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = make_episode(title="原标题")
    assert "原标题" in client.get(f"/episodes/{episode.slug}/").content.decode()
    assert "原标题" in client.get("/episodes/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        episode.title = "新标题"
        episode.save()
    assert "新标题" in client.get(f"/episodes/{episode.slug}/").content.decode()
    assert "新标题" in client.get("/episodes/").content.decode()
    turn = episode.turns.first()
    with django_capture_on_commit_callbacks(execute=True):
        turn.translation = "改过的译文"
        turn.save()
    assert "改过的译文" in client.get(f"/episodes/{episode.slug}/").content.decode()


def test_an_import_invalidates_cached_pages(client, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "imported.md"
    path.write_text(episode_markdown(title="第一版"), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    assert "第一版" in client.get("/episodes/imported/").content.decode()
    path.write_text(episode_markdown(title="第二版"), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    assert "第二版" in client.get("/episodes/imported/").content.decode()
    assert "第二版" in client.get("/search/?q=第二版").content.decode()


def test_another_process_change_is_seen_within_a_second(client, monkeypatch):
    episode = make_episode(title="甲")
    client.get(f"/episodes/{episode.slug}/")
    Episode.objects.filter(pk=episode.pk).update(title="乙")
    # Another process raised the version in the database; this one learns of it
    # when its memo of the version expires.
    from archive.models import PageCacheVersion
    PageCacheVersion.objects.update_or_create(pk=1, defaults={"version": 99})
    monkeypatch.setattr(page_cache, "VERSION_CHECK_SECONDS", 0)
    assert "乙" in client.get(f"/episodes/{episode.slug}/").content.decode()


def test_staff_are_never_served_or_stored_a_cached_page(client, settings):
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    episode = make_episode(title="草稿", draft=True)
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get(f"/episodes/{episode.slug}/").status_code == 200
    client.logout()
    assert client.get(f"/episodes/{episode.slug}/").status_code == 404
