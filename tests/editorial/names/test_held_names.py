"""A rename across the archive covers every version an episode has: readers' version
and the changes waiting for review alike (a tag only the held changes use included)."""
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from archive.content.store import entity_list
from archive.models import Episode, Topic
from editorial.names import merging as names
from editorial.review import held, workflow
from tests.editorial.helpers import read_form
from tests.factories import BILINGUAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "draft.md").write_text(BILINGUAL, encoding="utf-8")
    (notes / "reviewed.md").write_text(BILINGUAL.replace("draft: true", "draft: false"), encoding="utf-8")
    call_command("import_markdown", str(notes), stdout=open("/dev/null", "w"))
    return notes


def add_tag(user, episode, tag: str) -> None:
    client = Client()
    client.force_login(user)
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    fields = dict(read_form(client.get(url).content.decode(), "episode_form"))
    tags = ", ".join(filter(None, [fields.get("tags", ""), tag]))
    response = client.post(url, {**fields, "tags": tags})
    assert response.status_code == 302, response.content.decode()[:2000]


def exported(folder, tmp_path) -> dict[str, str]:
    out = tmp_path / "out"
    call_command("export_markdown", str(out), "--force", stdout=open("/dev/null", "w"))
    return {path.name: path.read_text(encoding="utf-8") for path in out.glob("*.md")}


def test_a_rename_previews_and_changes_the_held_copy_and_survives_approval(
    folder, tmp_path, editor, publisher, client
):
    draft = Episode.objects.get(source_path="draft.md")
    reviewed = Episode.objects.get(source_path="reviewed.md")
    add_tag(editor, draft, "oldname")
    add_tag(editor, reviewed, "oldname")
    assert held.pending_of(reviewed) is not None
    assert "oldname" in entity_list(held.working_document(reviewed), "tags")
    assert "oldname" not in reviewed.tags.names()

    plan = names.plan_rename(kind="tags", sources=["oldname"], target="newname")
    by_id = {episode.episode_id: episode for episode in plan.episodes}
    assert set(by_id) == {draft.pk, reviewed.pk}
    assert by_id[reviewed.pk].lines == ()  # readers' version does not name it
    assert [(line.before, line.after) for line in by_id[reviewed.pk].held.lines] == [
        ("  - oldname", "  - newname")
    ]
    client.force_login(publisher)
    preview = client.post(reverse("admin:editorial_names_merge"), {
        "kind": "tags", "sources": "oldname", "target": "newname", "_action": "preview",
    }).content.decode()
    assert "Changes waiting for review" in preview and "  - newname" in preview

    names.apply_rename(kind="tags", sources=["oldname"], target="newname", by=publisher, token=plan.token)

    assert "newname" in entity_list(held.working_document(reviewed), "tags")
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=reviewed.pk), by=publisher)
    files = exported(folder, tmp_path)
    assert "  - newname" in files["reviewed.md"] and "oldname" not in files["reviewed.md"]
    assert "  - newname" in files["draft.md"] and "oldname" not in files["draft.md"]
    assert not Topic.objects.filter(name="oldname").exists()
    assert client.get("/tags/oldname/").status_code == 404


def test_a_tag_only_the_held_changes_use_is_renamed_there(folder, tmp_path, editor, publisher):
    reviewed = Episode.objects.get(source_path="reviewed.md")
    add_tag(editor, reviewed, "heldonly")
    assert not Topic.objects.filter(name="heldonly").exists()  # readers' rows lack it

    plan = names.plan_rename(kind="tags", sources=["heldonly"], target="shown")
    [planned] = plan.episodes
    assert planned.episode_id == reviewed.pk and planned.lines == ()
    assert [(line.before, line.after) for line in planned.held.lines] == [
        ("  - heldonly", "  - shown")
    ]
    names.apply_rename(kind="tags", sources=["heldonly"], target="shown", by=publisher, token=plan.token)
    assert entity_list(held.working_document(reviewed), "tags")[-1] == "shown"
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=reviewed.pk), by=publisher)
    assert "  - shown" in exported(folder, tmp_path)["reviewed.md"]
