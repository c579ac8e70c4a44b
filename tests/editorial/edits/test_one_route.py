"""Every edit goes one way: a function from document to document, written whole by the
store. Whatever an editor changes reaches the file, the public page, search, feeds
and the entity pages alike."""
from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.codec import render
from archive.content.store import load_document
from archive.models import Episode, Person, Speaker
from editorial.edits import front_matter, speaker_rename, transcript
from editorial.models import Revision
from editorial.review import held, workflow
from editorial.revisions import history
from tests.editorial.helpers import read_form
from tests.factories import BILINGUAL, episode_from_text, user_in

pytestmark = pytest.mark.django_db


def public_page(client, episode) -> str:
    response = client.get(reverse("archive:episode", args=[episode.slug]))
    assert response.status_code == 200
    return response.content.decode()


def found(client, query: str) -> str:
    return client.get(reverse("archive:search"), {"q": query}).content.decode()


def test_a_guest_set_in_the_admin_reaches_the_file_the_public_page_and_search(
    tmp_path, django_capture_on_commit_callbacks,
):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "draft.md").write_text(BILINGUAL, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=open("/dev/null", "w"))
    episode = Episode.objects.get(slug="draft")
    assert episode.draft
    editor = Client()
    editor.force_login(user_in("Editor"))
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    data = dict(read_form(editor.get(url).content.decode(), "episode_form"))
    data["guest"] = "Lin Qiaowei"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(url, {**data, "_save": "Save"}).status_code == 302

    call_command("export_markdown", str(folder), stdout=open("/dev/null", "w"))
    assert "guest: 'Lin Qiaowei'\n" in (folder / "draft.md").read_text(encoding="utf-8")
    reader = Client()
    guest = Speaker.objects.get(name="Lin Qiaowei")
    assert reverse("archive:speaker", args=[guest.slug]) in public_page(reader, episode)
    assert episode.title in found(reader, "Lin Qiaowei")


# The law, for every kind of edit -----------------------------------------------------

def _front_matter(episode, by, name):
    front_matter.episode_update(
        episode=episode, by=by, version=episode.version,
        columns={"guest": name, "title": f"关于{name}"}, entities={"people": ["Ada Park", name]},
    )


def _tag(episode, by, name):
    front_matter.episode_add_entity(episode=episode, by=by, key="people", name=name)


def _transcript(episode, by, name):
    rows = transcript.rows_of(episode)
    rows.insert(1, transcript.EditorRow(key="n1", label=name, translation=f"{name}说的话。",
                                  english=f"{name} speaking."))
    transcript.save_transcript(episode=episode, by=by, version=episode.version, rows=rows)


def _speaker_rename(episode, by, name):
    speaker_rename.rename_speaker(
        episode=episode, by=by, version=episode.version, old_label="Ada Park", new_label=name,
    )


def _workflow(episode, by, name):
    workflow.episode_set_maturity(episode=episode, by=by, status="budding", comment=name)


def _revert(episode, by, name):
    _front_matter(episode, by, name)
    first = Revision.objects.filter(episode=episode).order_by("version").first()
    history.revert(episode=Episode.objects.get(pk=episode.pk), by=by, revision=first)


EDITS = {
    "front matter": _front_matter, "tag": _tag, "transcript": _transcript,
    "speaker rename": _speaker_rename, "workflow": _workflow, "revert": _revert,
}
_names = st.builds(
    lambda first, last: f"{first} {last}",
    st.sampled_from(["Lin", "Zoë", "Ada", "Wei"]), st.sampled_from(["Qiao", "Park-Li", "Tan"]),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(EDITS)), name=_names, draft=st.booleans())
def test_what_an_edit_wrote_loads_back_and_every_reader_shows_it(
    kind, name, draft, django_capture_on_commit_callbacks,
):
    with transaction.atomic():
        for cache in caches.all():
            cache.clear()
        the_law_holds_after(kind, name, draft, django_capture_on_commit_callbacks)
        transaction.set_rollback(True)


def the_law_holds_after(kind, name, draft, on_commit):
    text = BILINGUAL if draft else BILINGUAL.replace("draft: true", "draft: false")
    episode = episode_from_text(text)
    with on_commit(execute=True):
        EDITS[kind](episode, user_in("Publisher", "pub"), name)
    episode = Episode.objects.get(pk=episode.pk)
    # Editors' version (held for review when the episode was reviewed): the revision
    # is the file written, and loading it gives that file back.
    revision = Revision.objects.filter(episode=episode).order_by("-version").first()
    assert render(held.working_document(episode)) == revision.text
    # Readers' version: whatever the file says, every page that reads it shows.
    document = load_document(episode)
    shown = name in render(document)
    reader = Client()
    page = public_page(reader, episode)
    assert (name in page) == shown
    assert (episode.title in found(reader, f'"{name}"')) == shown
    for person in Person.objects.filter(name__in=document.front_matter.values.get("people", [])):
        assert person.name in page
        person_page = reader.get(reverse("archive:person", args=[person.slug])).content.decode()
        assert episode.title in person_page
    for speaker in episode.speakers.all():
        assert speaker.name in page
    assert episode.title in reader.get(reverse("archive:rss")).content.decode()
