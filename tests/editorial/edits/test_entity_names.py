"""One bound for an entity's name (``fields.ENTITY_NAME_LIMIT``), checked where an
editor's input enters, with a message, the same on both databases: whatever is saved
exports to a file that imports again."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.content import entity_lists, fields
from archive.models import Episode
from tests.editorial.helpers import read_form

pytestmark = pytest.mark.django_db

LONGEST = "t" * fields.ENTITY_NAME_LIMIT
TOO_LONG = "t" * 300


def post_change_form(client, episode, **changes):
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    form = dict(read_form(client.get(url).content.decode(), "episode_form"))
    return client.post(url, {**form, **changes})


@pytest.mark.parametrize("key", ["tags", "people"])
def test_a_name_past_the_bound_is_refused_in_the_change_form(client, editor, episode, key):
    client.force_login(editor)
    response = post_change_form(client, episode, **{key: f"ok, {TOO_LONG}"})
    assert response.status_code == 200
    assert "A name has at most 255 characters; this one has 300" in response.content.decode()
    assert Episode.objects.get(pk=episode.pk).version == episode.version
    assert TOO_LONG not in entity_lists.list_of(episode, key)


def test_a_name_past_the_bound_is_refused_by_the_add_button(client, editor, episode):
    client.force_login(editor)
    url = reverse("admin:editorial_add_entity", args=[episode.pk])
    response = client.post(url, {"key": "people", "name": TOO_LONG}, follow=True)
    assert response.status_code == 200
    assert "A name has at most 255 characters" in response.content.decode()
    assert Episode.objects.get(pk=episode.pk).version == episode.version


def test_the_longest_name_saved_exports_a_file_that_imports_again(client, editor, episode, tmp_path):
    client.force_login(editor)
    assert post_change_form(client, episode, tags=f"ok, {LONGEST}").status_code == 302
    call_command("export_markdown", str(tmp_path), stdout=io.StringIO())
    exported = list(tmp_path.rglob("*.md"))
    assert exported and LONGEST in exported[0].read_text(encoding="utf-8")
    Episode.objects.all().delete()
    call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    assert entity_lists.list_of(Episode.objects.get(), "tags")[-1] == LONGEST


def test_no_edit_saves_what_the_import_would_refuse(editor, episode):
    from editorial.edits.front_matter import episode_update

    with pytest.raises(ValueError, match="would not import again: .* longer than 255"):
        episode_update(episode=episode, by=editor, version=episode.version, columns={},
                       entities={"companies_orgs": ["Acme", TOO_LONG]})
    assert Episode.objects.get(pk=episode.pk).version == episode.version
