"""Revisions: kept per save, listed, compared turn by turn, reverted as a new one."""
import pytest
from django.urls import reverse

from archive.models import Episode
from editorial import revisions
from editorial.editing import render_episode
from editorial.models import Revision
from tests.factories import BILINGUAL, episode_from_text

from .helpers import TranscriptForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_twice(client, editor, episode):
    client.force_login(editor)
    for text in ("第一次修改。", "第二次修改。"):
        form = TranscriptForm(client, episode)
        form.set(f"{form.key(1)}-tr", text)
        form.post()
    return episode


def test_every_save_keeps_a_revision_and_the_first_keeps_the_import(edited_twice):
    listed = list(Revision.objects.filter(episode=edited_twice).values_list("version", "kind"))
    assert listed == [(3, "edit"), (2, "edit"), (1, "original")]
    assert Revision.objects.get(episode=edited_twice, version=1).text == BILINGUAL


def test_the_diff_is_turn_by_turn(edited_twice):
    texts = {r.version: r.text for r in Revision.objects.filter(episode=edited_twice)}
    changes = revisions.diff_texts(texts[1], texts[3])
    assert len(changes) == 1
    change = changes[0]
    assert change.kind == "changed" and "Speaker A" in change.where
    assert "<del>一句话，谈到**TPU**</del>" in change.before
    assert "<ins>二次修改</ins>" in change.after


def test_added_and_removed_blocks_are_named():
    before = BILINGUAL
    after = BILINGUAL.replace("### 第二节\n\n", "")
    assert [(c.kind, c.where) for c in revisions.diff_texts(before, after)] == [
        ("removed", "block 5 · heading"),
    ]


def test_the_pages_list_compare_and_revert(client, edited_twice):
    episode = edited_twice
    listing = client.get(reverse("admin:editorial_revisions", args=[episode.pk])).content.decode()
    assert "As imported" in listing and "Revert to this" in listing
    compare = client.get(reverse("admin:editorial_compare", args=[episode.pk]), {"a": 1, "b": 3})
    assert compare.status_code == 200 and "<ins>二次修改</ins>" in compare.content.decode()
    original = episode.revisions.get(version=1)
    confirm = client.get(reverse("admin:editorial_revert", args=[episode.pk, original.pk]))
    assert confirm.status_code == 200 and "would change" in confirm.content.decode()
    client.post(reverse("admin:editorial_revert", args=[episode.pk, original.pk]), {"version": "3"})
    assert render_episode(episode.pk) == BILINGUAL
    newest = episode.revisions.first()
    assert (newest.version, newest.kind, newest.text) == (4, "revert", BILINGUAL)


def test_a_revert_keeps_the_review_decision(publisher):
    from editorial import workflow

    episode = episode_from_text()
    workflow.episode_submit(episode=episode, by=publisher)
    workflow.episode_mark_reviewed(episode=episode, by=publisher)
    revisions.revert(episode=episode, by=publisher, revision=episode.revisions.get(version=1))
    fresh = Episode.objects.get(pk=episode.pk)
    assert fresh.draft is False
    assert "draft: false" in render_episode(episode.pk)


def test_a_stale_revert_is_refused(client, edited_twice):
    original = edited_twice.revisions.get(version=1)
    client.post(reverse("admin:editorial_revert", args=[edited_twice.pk, original.pk]), {"version": "2"})
    assert Episode.objects.get(pk=edited_twice.pk).version == 3


def test_a_reimport_between_edits_gets_its_own_revision(client, editor, edited_twice):
    from archive.codec import parse
    from archive.store import save_document

    episode = Episode.objects.get(pk=edited_twice.pk)
    changed = BILINGUAL.replace("第四句话。", "文件里改的。")
    save_document(parse(changed), source_path=episode.source_path, slug=episode.slug,
                  source_hash="x", episode=episode)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "之后的修改。")
    form.post()
    kinds = list(Revision.objects.filter(episode=episode).values_list("version", "kind"))
    assert kinds[:2] == [(5, "edit"), (4, "outside")]
    assert "文件里改的。" in episode.revisions.get(version=4).text
