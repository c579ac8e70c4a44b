"""What follows a commit: the page cache and the search index each follow
``episodes_changed``, and a follower that fails leaves neither stale nor turns the
saved change into an error."""
from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from archive.models import Episode, Speaker
from archive.search import image as index_image
from archive.search import index as search_index
from archive.site import cache as page_cache
from tests.factories import BILINGUAL

REVIEWED = BILINGUAL.replace("draft: true", "draft: false")


@pytest.fixture
def reviewed(tmp_path):
    """A reviewed episode among others (so that one edit re-indexes only what it
    changed), imported and indexed in committed transactions."""
    (tmp_path / "reviewed.md").write_text(REVIEWED, encoding="utf-8")
    for number in range(3):
        other = BILINGUAL.replace("EDITORIAL01", f"OTHER{number}").replace("编辑测试", f"其他{number}")
        (tmp_path / f"other{number}.md").write_text(other, encoding="utf-8")
    call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    cache.clear()
    page_cache.recent.clear()
    index_image.forget()
    yield Episode.objects.get(source_path="reviewed.md")
    cache.clear()
    page_cache.recent.clear()
    index_image.forget()


def _change_form_fields(client, episode):
    from tests.editorial.helpers import read_form

    url = reverse("admin:archive_episode_change", args=[episode.pk])
    return url, dict(read_form(client.get(url).content.decode(), "episode_form"))


@pytest.mark.django_db(transaction=True)
def test_the_first_edit_of_a_reviewed_episode_is_saved_and_answered(reviewed):
    client = Client()
    # A superuser: a transactional test's database has no roles (created by a
    # migration, flushed after each such test); the edit is held all the same.
    client.force_login(User.objects.create_superuser("boss"))
    url, fields = _change_form_fields(client, reviewed)
    response = client.post(url, {**fields, "title": "第一次改动"})
    assert response.status_code == 302
    from editorial.review import held

    assert "title: 第一次改动" in held.working_text(reviewed)
    # Readers' search keeps the reviewed version.
    assert f"/episodes/{reviewed.slug}/" in Client().get("/search/?q=编辑测试").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_failing_index_pass_neither_stops_the_cache_nor_fails_the_change(reviewed, monkeypatch, caplog):
    """A speaker renamed while the index is down: readers see the new name at once
    (the page cache follows first, on its own), the failed pass is logged and marks
    the episodes for repair, and the next search repairs them."""
    reader = Client()
    assert "Test Cast" in reader.get(f"/episodes/{reviewed.slug}/").content.decode()
    reader.get("/search/?q=编辑测试")       # this process has just checked the index

    def broken(ids):
        raise RuntimeError("the index is down")

    monkeypatch.setattr(search_index, "follow", broken)
    speaker = Speaker.objects.get(name="Test Cast")
    speaker.name = "Renamed Cast"
    with caplog.at_level(logging.ERROR, logger="archive.signals"):
        speaker.save()
    assert "the index is down" in caplog.text
    assert "Renamed Cast" in reader.get(f"/episodes/{reviewed.slug}/").content.decode()
    assert reviewed.pk in search_index.stale_episodes()

    monkeypatch.undo()
    assert "编辑测试" in reader.get("/search/?q=Renamed Cast").content.decode()
    assert search_index.stale_episodes() == []
