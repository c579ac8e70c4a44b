"""Revisions: kept per save, listed, compared turn by turn, reverted as a new one."""
import pytest
from django.urls import reverse

from archive.models import Episode
from editorial.edits.editing import render_episode
from editorial.models import Revision
from editorial.revisions import history as revisions
from tests.editorial.helpers import TranscriptForm
from tests.factories import BILINGUAL, episode_from_text

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
    assert "<del>一句话，谈到TPU</del>" in change.before
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
    from editorial.review import workflow

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
    from archive.content.store import save_document

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


def test_the_comparison_shows_rendered_text_not_markup():
    after = BILINGUAL.replace("The third sentence.", "The third, corrected sentence.")
    (change,) = revisions.diff_texts(BILINGUAL, after)
    for html in (change.before, change.after):
        assert "<details>" not in html and "&lt;details" not in html
        assert "summary" not in html and "**" not in html
    assert "The third<ins>, corrected</ins> sentence." in change.after
    assert "<del>" not in change.before and "第三句话。" in change.before
    assert '<span class="text" lang="en">' in change.after


def test_english_is_marked_by_whole_words():
    before, after = revisions._marked("The quick brown fox", "The quick red fox")
    assert before == "The quick <del>brown</del> fox"
    assert after == "The quick <ins>red</ins> fox"


def test_chinese_is_marked_by_character_runs():
    before, after = revisions._marked("第三句话。", "第三句人工话。")
    assert after == "第三句<ins>人工</ins>话。" and before == "第三句话。"
    before, after = revisions._marked("模型很大", "模型很小")
    assert (before, after) == ("模型很<del>大</del>", "模型很<ins>小</ins>")


def test_tokens_rebuild_the_text():
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.text())
    def check(text):
        assert "".join(revisions.tokens(text)) == text

    check()


def test_revision_summaries_say_what_the_save_did(client, editor, episode):
    client.force_login(editor)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "修改。")
    form.post()
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    from tests.editorial.helpers import read_form

    fields = dict(read_form(client.get(url).content.decode(), "episode_form"))
    client.post(url, {**fields, "title": "新标题"})
    summaries = list(Revision.objects.filter(episode=episode).values_list("summary", flat=True))
    assert summaries[0] == "Edited title"
    assert summaries[1] == "Transcript: 1 turn changed"
    listing = client.get(reverse("admin:editorial_revisions", args=[episode.pk])).content.decode()
    assert "Transcript: 1 turn changed" in listing and "Edited title" in listing


def test_as_imported_is_dated_at_the_import(client, editor, episode):
    import datetime

    from django.utils import timezone

    imported_at = timezone.now() - datetime.timedelta(days=30)
    Episode.objects.filter(pk=episode.pk).update(synced_at=imported_at)
    client.force_login(editor)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "修改。")
    form.post()
    original = Revision.objects.get(episode=episode, kind="original")
    assert original.created_at == imported_at
    assert Revision.objects.get(episode=episode, kind="edit").created_at > imported_at


def test_revisions_are_stored_compressed_and_read_as_text(edited_twice):
    from django.db import connection

    revision = Revision.objects.get(episode=edited_twice, version=1)
    assert isinstance(revision.text, str) and revision.text == BILINGUAL
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT compressed FROM editorial_revision WHERE id = %s", [revision.pk]
        )
        stored = bytes(cursor.fetchone()[0])
    assert len(stored) < len(BILINGUAL.encode("utf-8")) * 0.7
    assert BILINGUAL[:20].encode("utf-8") not in stored


def test_a_small_edit_is_stored_as_a_small_delta(client, edited_twice):
    original, first, second = (
        Revision.objects.get(episode=edited_twice, version=v) for v in (1, 2, 3)
    )
    assert original.base_version is None
    assert (first.base_version, second.base_version) == (1, 1)
    assert len(bytes(second.compressed)) < 100 < len(bytes(original.compressed))
    fresh = Revision.objects.get(pk=second.pk)  # read back from the database alone
    assert "第二次修改。" in fresh.text and fresh.text == render_episode(edited_twice.pk)


def test_a_text_far_from_its_base_is_stored_whole(editor, episode):
    from editorial.edits import front_matter as episode_edits

    episode_edits.episode_update(
        episode=episode, by=editor, version=1, columns={"summary": "".join(chr(0x4E00 + i * 7919 % 20000) for i in range(3000))},
        entities={},
    )
    latest = Revision.objects.get(episode=episode, version=2)
    assert latest.base_version is None
    assert Revision.objects.get(pk=latest.pk).text == render_episode(episode.pk)


def test_revision_texts_read_back_for_any_edit():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from editorial.revisions import storage as revisiontext

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=300), st.text(max_size=300))
    def check(base, text):
        assert revisiontext.decompress(revisiontext.compress(text, base), base) == text
        assert revisiontext.decompress(revisiontext.compress(text)) == text

    check()
