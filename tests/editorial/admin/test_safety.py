"""Hostile input in the admin: unsafe link schemes, and the preview as the public
page's own rendering in a frame where nothing runs."""
import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from archive.models import Episode
from editorial.admin.safeurls import is_safe_link
from tests.editorial.helpers import TranscriptForm, framed_page, read_form
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db

HOSTILE_SOURCES = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https://",
]


def change_form(client, episode):
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    fields = dict(read_form(client.get(url).content.decode(), "episode_form"))
    return url, fields


@pytest.mark.parametrize("source", HOSTILE_SOURCES)
def test_the_change_form_refuses_unsafe_sources(client, editor, episode, source):
    client.force_login(editor)
    url, fields = change_form(client, episode)
    response = client.post(url, {**fields, "source": source})
    assert response.status_code == 200
    assert "http:// or https://" in response.content.decode()
    assert Episode.objects.get(pk=episode.pk).source == "https://www.youtube.com/watch?v=EDITORIAL01"


def test_the_change_form_takes_a_web_address(client, editor, episode):
    client.force_login(editor)
    url, fields = change_form(client, episode)
    response = client.post(url, {**fields, "source": "https://example.org/talk?id=1"})
    assert response.status_code == 302
    assert Episode.objects.get(pk=episode.pk).source == "https://example.org/talk?id=1"


@given(st.text(max_size=40))
def test_only_http_addresses_with_a_host_are_links(text):
    if is_safe_link(text):
        assert re.match(r"(?i)https?://[^\s/?#]", text)
        assert not any(ord(c) <= 32 for c in text)


@pytest.mark.parametrize("source", HOSTILE_SOURCES[:5])
def test_an_imported_unsafe_source_is_no_link_in_any_admin_page(client, publisher, source):
    text = BILINGUAL.replace(
        "source: https://www.youtube.com/watch?v=EDITORIAL01", f"source: '{source}'"
    )
    episode = episode_from_text(text)
    assert Episode.objects.get(pk=episode.pk).source == source
    client.force_login(publisher)
    for name in ("preview", "transcript", "revisions"):
        html = client.get(reverse(f"admin:editorial_{name}", args=[episode.pk])).content.decode()
        assert not re.search(r"(?i)href=\S*(java|vb)\s*script|href=\S*data:", html), name
    preview = client.get(reverse("admin:editorial_preview", args=[episode.pk])).content.decode()
    assert not re.search(r"(?i)href=\"\s*(java|vb|data)", framed_page(preview))
    change = client.get(reverse("admin:archive_episode_change", args=[episode.pk])).content.decode()
    assert not re.search(r"(?i)href=\"\s*(java|vb|data)", change)


def test_the_preview_is_the_public_page_in_a_frame_where_nothing_runs(client, publisher, episode):
    client.force_login(publisher)
    html = client.get(reverse("admin:editorial_preview", args=[episode.pk])).content.decode()
    assert re.search(r'<iframe class="public-preview" sandbox title="[^"]*" srcdoc=', html)
    # As readers get it: staff see their review progress above it besides.
    public = Client().get(reverse("archive:episode", kwargs={"slug": episode.slug}))
    assert framed_page(html) == public.content.decode()


def test_the_unsaved_preview_is_the_public_page_of_the_edit_and_saves_nothing(
    client, editor, episode
):
    client.force_login(editor)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "改过的**粗体**与<script>alert(1)</script>。")
    response = form.post("preview")
    page = framed_page(response.content.decode())
    assert "改过的<strong>粗体</strong>" in page
    assert "<script>alert(1)" not in page
    assert Episode.objects.get(pk=episode.pk).version == episode.version
    assert "改过的" not in client.get(
        reverse("archive:episode", kwargs={"slug": episode.slug})
    ).content.decode()


def test_every_admin_page_has_the_strict_csp_and_nothing_inline(client, publisher, episode):
    """The admin runs under the public pages' policy: no page of it needs an inline
    script, style or handler (JSON data blocks are not scripts)."""
    client.force_login(publisher)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "改过。")
    form.post()
    pages = [
        reverse("admin:index"), reverse("admin:archive_episode_changelist"),
        reverse("admin:archive_episode_change", args=[episode.pk]),
        reverse("admin:editorial_transcript", args=[episode.pk]),
        reverse("admin:editorial_revisions", args=[episode.pk]),
        reverse("admin:editorial_compare", args=[episode.pk]) + "?a=1&b=2",
        reverse("admin:editorial_preview", args=[episode.pk]),
        reverse("admin:editorial_review_queue"), reverse("admin:archive_speaker_changelist"),
        reverse("admin:editorial_names_merge"),
        reverse("admin:editorial_name_duplicates"),
    ]
    for url in [*pages, reverse("admin:login")]:
        response = (Client() if url == reverse("admin:login") else client).get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, url
        assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
        html = response.content.decode()
        assert not re.search(r'<script(?![^>]*\b(src=|type="application/json"))', html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=|<style", html), url
