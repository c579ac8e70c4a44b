"""Rows saved one at a time reach the page cache and the search index through the
one signal, naming the episodes they show on."""
from __future__ import annotations

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from archive.content.announcing import episodes_of
from archive.models import Episode, Person, Speaker
from archive.search import search
from archive.signals import episodes_changed
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db


def found(query):
    page = search(query, Episode.objects.public(), per_page=100)
    return {result.episode.slug for result in page.object_list}


@pytest.fixture
def announced():
    sent = []

    def listener(sender, episode_ids=None, **kwargs):
        sent.append(episode_ids)

    episodes_changed.connect(listener, dispatch_uid="test-announced")
    yield sent
    episodes_changed.disconnect(dispatch_uid="test-announced")


def test_a_speaker_renamed_in_the_admin_is_searched_under_the_new_name(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        episode = make_episode("guest.md", guest="Ada Park", sections=[("一", [("Ada Park", "你好。", None)])])
        other = make_episode("other.md", sections=[("一", [("Host", "无关。", None)])])
    speaker = Speaker.objects.get(name="Ada Park")
    assert episodes_of(speaker) == [episode.pk]
    with django_capture_on_commit_callbacks(execute=True):
        speaker.name = "Grace Hopper"
        speaker.save()
    assert found("Grace Hopper") == {"guest"}
    assert other.pk not in episodes_of(speaker)


def test_a_tag_names_the_episodes_it_is_listed_on():
    listed = make_episode("listed.md", people=["Ada Park"])
    make_episode("unlisted.md")
    assert episodes_of(Person.objects.get(name="Ada Park")) == [listed.pk]


def test_a_flat_page_saved_changes_the_public_page_at_once(client, django_capture_on_commit_callbacks, announced):
    with django_capture_on_commit_callbacks(execute=True):
        page = FlatPage.objects.create(url="/about/", title="关于", content="<p>第一版</p>")
        page.sites.add(Site.objects.get_current())
    assert "第一版" in client.get("/about/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page.content = "<p>第二版</p>"
        page.save()
    assert "第二版" in client.get("/about/").content.decode()
    assert [] in announced  # no episode's, but announced


def test_rows_written_by_loaddata_are_not_announced(announced):
    Speaker(name="Fixture", slug="fixture").save_base(raw=True)  # as loaddata saves
    assert announced == []
    Speaker(name="Typed", slug="typed").save()
    assert announced == [[]]
