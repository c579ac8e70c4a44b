"""Every number an admin request carries is read by ``archive.site.params``: what is
not a whole number in range answers 400, on both databases, and changes nothing."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from archive.models import Episode
from editorial.models import Revision
from tests.editorial.helpers import TranscriptForm
from tests.factories import user_in

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["abc", "", "-1", "1.5", "٣", "²", "99999999999999999999", "2147483648"]


@pytest.fixture
def publisher_client():
    client = Client()
    client.force_login(user_in("Publisher", "pat"))
    return client


@pytest.fixture
def revised(publisher_client, episode):
    """An episode saved once: its first revision keeps the file as imported."""
    form = TranscriptForm(publisher_client, episode)
    form.set(f"{form.key(1)}-tr", "改过的一句。")
    assert form.post().status_code == 302
    return Episode.objects.get(pk=episode.pk)


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_speaker_rename_with_a_bad_version_is_a_bad_request(publisher_client, episode, value):
    url = reverse("admin:editorial_rename_speaker", args=[episode.pk])
    response = publisher_client.post(url, {"version": value, "old_label": "Speaker A", "new_label": "Host"})
    assert response.status_code == 400
    assert Episode.objects.get(pk=episode.pk).version == episode.version


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_revert_with_a_bad_version_is_a_bad_request(publisher_client, revised, value):
    revision = Revision.objects.get(episode=revised, version=1)
    url = reverse("admin:editorial_revert", args=[revised.pk, revision.pk])
    response = publisher_client.post(url, {"version": value})
    assert response.status_code == 400
    assert Episode.objects.get(pk=revised.pk).version == revised.version


@pytest.mark.parametrize("a, b", [("1", "99999999999999999999"), ("abc", "1"), ("1", "-2"), ("0x1", "1")])
def test_a_comparison_of_versions_that_are_no_numbers_is_a_bad_request(publisher_client, revised, a, b):
    url = reverse("admin:editorial_compare", args=[revised.pk])
    assert publisher_client.get(url, {"a": a, "b": b}).status_code == 400


def test_a_transcript_save_with_a_bad_version_is_a_bad_request(publisher_client, episode):
    url = reverse("admin:editorial_transcript", args=[episode.pk])
    assert publisher_client.post(url, {"version": "99999999999999999999"}).status_code == 400


@pytest.mark.parametrize("year", ["²⁰²⁴", "99999999999999999999"])
def test_a_year_filter_that_is_no_year_is_a_bad_request(publisher_client, episode, year):
    url = reverse("admin:archive_episode_changelist")
    assert publisher_client.get(url, {"year": year}).status_code == 400


@pytest.mark.parametrize("position", ["²", "99999999999999999999", "-1"])
def test_a_transcript_row_at_no_position_is_refused_with_a_message(publisher_client, episode, position):
    form = TranscriptForm(publisher_client, episode)
    first = next(i for i, (name, _) in enumerate(form.fields) if name == "row")
    form.fields[first][1] = f"{form.key(0)}:{position}"
    response = form.post()
    assert response.status_code == 302
    assert Episode.objects.get(pk=episode.pk).version == episode.version


@pytest.mark.parametrize("page", ["abc", "99999999999999999999", "-1", "²"])
def test_the_draft_queue_s_page_that_is_none_is_the_first(publisher_client, episode, page):
    url = reverse("admin:editorial_draft_queue")
    assert publisher_client.get(url, {"page": page}).status_code == 200
