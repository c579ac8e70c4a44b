"""A re-import is kept in the episode's history (``archive.signals.file_reimported``):
the file it replaced and the file it brought are revisions, the import can be
reverted in the admin, and the next edit adds no duplicate."""
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Episode
from archive.signals import file_reimported
from editorial.edits.editing import render_episode
from editorial.models import Revision
from editorial.revisions import history as revisions
from tests.editorial.helpers import TranscriptForm
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db

FIXED = BILINGUAL.replace("第四句话。", "文件里改的第四句。")


def import_folder(folder):
    out = io.StringIO()
    try:
        call_command("import_markdown", str(folder), stdout=out, stderr=out)
    except SystemExit:
        pass
    return out.getvalue()


@pytest.fixture
def folder(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ep.md").write_text(BILINGUAL, encoding="utf-8")
    import_folder(notes)
    return notes


def history(episode):
    return list(
        Revision.objects.filter(episode=episode).order_by("version")
        .values_list("version", "kind", "summary")
    )


def test_a_reimport_keeps_the_old_file_and_the_new_one(folder):
    episode = Episode.objects.get(source_path__endswith="ep.md")
    assert not Revision.objects.filter(episode=episode).exists()
    (folder / "ep.md").write_text(FIXED, encoding="utf-8")
    import_folder(folder)
    episode.refresh_from_db()
    assert episode.version == 2
    assert history(episode) == [(1, "original", "As imported"), (2, "outside", "Imported from ep.md")]
    assert episode.revisions.get(version=1).text == BILINGUAL
    assert episode.revisions.get(version=2).text == FIXED == render_episode(episode.pk)


def test_an_import_can_be_reverted_in_the_admin(client, editor, folder):
    (folder / "ep.md").write_text(FIXED, encoding="utf-8")
    import_folder(folder)
    episode = Episode.objects.get(source_path__endswith="ep.md")
    client.force_login(editor)
    original = episode.revisions.get(version=1)
    client.post(reverse("admin:editorial_revert", args=[episode.pk, original.pk]), {"version": "2"})
    assert render_episode(episode.pk) == BILINGUAL
    assert [kind for _, kind, _ in history(episode)] == ["original", "outside", "revert"]


def test_edits_and_reimports_make_no_duplicate_revisions(client, editor, folder, tmp_path):
    episode = Episode.objects.get(source_path__endswith="ep.md")
    client.force_login(editor)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "后台改的一句。")
    form.post()
    out = tmp_path / "out"
    call_command("export_markdown", str(out), stdout=io.StringIO())
    exported = (out / "ep.md").read_text(encoding="utf-8")
    (folder / "ep.md").write_text(exported.replace("第三句话。", "文件改的第三句。"), encoding="utf-8")
    import_folder(folder)
    form = TranscriptForm(client, Episode.objects.get(pk=episode.pk))
    form.set(f"{form.key(2)}-tr", "再改一句。")
    form.post()
    kept = list(Revision.objects.filter(episode=episode).order_by("version"))
    assert [r.kind for r in kept] == ["original", "edit", "outside", "edit"]
    assert [r.version for r in kept] == [1, 2, 3, 4]
    texts = [r.text for r in kept]
    assert all(a != b for a, b in zip(texts, texts[1:]))


def test_the_receiver_sent_by_hand_keeps_both_files(editor):
    """The signal's contract alone, as archive.content.importing sends it."""
    from archive.codec import parse
    from archive.content.store import save_document

    episode = episode_from_text()
    save_document(parse(FIXED), source_path=episode.source_path, slug=episode.slug,
                  source_hash="x", episode=episode)
    Episode.objects.filter(pk=episode.pk).update(version=2)
    episode.refresh_from_db()
    file_reimported.send(sender=None, episode=episode, previous_text=BILINGUAL, text=FIXED,
                         path="ep.md")
    assert history(episode) == [(1, "original", "As imported"), (2, "outside", "Imported from ep.md")]
    # The next edit finds the import kept and adds only itself.
    revisions.revert(episode=episode, by=editor, revision=episode.revisions.get(version=1))
    assert [v for v, _, _ in history(episode)] == [1, 2, 3]


def test_a_reimport_after_edits_does_not_keep_the_old_file_twice(editor):
    from archive.codec import parse
    from archive.content.store import save_document

    episode = episode_from_text()
    revisions_before = Revision.objects.filter(episode=episode).count()
    from editorial.edits import front_matter as episode_edits

    episode_edits.episode_update(episode=episode, by=editor, version=1,
                                 columns={"title": "新标题"}, entities={})
    current = render_episode(episode.pk)
    save_document(parse(FIXED), source_path=episode.source_path, slug=episode.slug,
                  source_hash="y", episode=Episode.objects.get(pk=episode.pk))
    Episode.objects.filter(pk=episode.pk).update(version=3)
    episode.refresh_from_db()
    file_reimported.send(sender=None, episode=episode, previous_text=current, text=FIXED, path="ep.md")
    assert revisions_before == 0
    assert [(v, k) for v, k, _ in history(episode)] == [(1, "original"), (2, "edit"), (3, "outside")]




def test_a_reimported_reviewed_file_is_the_approved_version(publisher, folder):
    from editorial.review import state as reviewstate
    from editorial.review import workflow

    episode = Episode.objects.get(source_path__endswith="ep.md")
    workflow.episode_submit(episode=episode, by=publisher)
    workflow.episode_mark_reviewed(episode=episode, by=publisher)
    call_command("export_markdown", str(folder), stdout=io.StringIO())
    reviewed = (folder / "ep.md").read_text(encoding="utf-8")
    (folder / "ep.md").write_text(reviewed.replace("第四句话。", "仓库里改的。"), encoding="utf-8")
    import_folder(folder)
    episode.refresh_from_db()
    assert reviewstate.review_state(episode) == "reviewed"
    assert reviewstate.last_reviewed_version(episode) == episode.version
