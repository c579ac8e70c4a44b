"""Changes to a reviewed episode wait for review: readers, search and export keep the
reviewed version until a publisher approves; then the changes reach them. With
``ARCHIVE_PUBLISH_EDITS_AT_ONCE`` (and for drafts, always) edits reach them at once."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from archive.content import entity_lists
from archive import codec
from archive.models import Episode
from archive.search import index as search_index
from editorial.edits import transcript
from editorial.edits.editing import render_episode
from editorial.models import ReviewState, Revision
from editorial.names import merging as names
from editorial.review import held, workflow
from editorial.review.state import review_state
from editorial.revisions import history as revisions
from tests.editorial.helpers import TranscriptForm, read_form
from tests.factories import BILINGUAL

pytestmark = pytest.mark.django_db

REVIEWED = BILINGUAL.replace("draft: true", "draft: false")
OLD_WORDS, NEW_WORDS = "第三句话。", "第三句改写成了稀有的词组。"


@pytest.fixture
def folder(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "held.md").write_text(REVIEWED, encoding="utf-8")
    call_command("import_markdown", str(notes), stdout=open("/dev/null", "w"))
    return notes


@pytest.fixture
def live(folder):
    return Episode.objects.get(source_path="held.md")


def edit_as(user, episode, *, title="改过的标题", words=NEW_WORDS):
    """An editor's edit of the title and of one turn's words, through the admin."""
    client = Client()
    client.force_login(user)
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    fields = dict(read_form(client.get(url).content.decode(), "episode_form"))
    response = client.post(url, {**fields, "title": title})
    assert response.status_code == 302, response.content.decode()[:2000]
    form = TranscriptForm(client, episode)
    values = dict(form.fields)
    index = next(i for i in range(len(form.rows)) if values.get(f"{form.key(i)}-tr") == OLD_WORDS)
    form.set(f"{form.key(index)}-tr", words)
    assert form.post().status_code == 302
    return client


def public_page(episode) -> str:
    response = Client().get(reverse("archive:episode", args=[episode.slug]))
    assert response.status_code == 200
    return response.content.decode()


def search_hits(query: str) -> list[str]:
    """The titles of the episodes found, once the index has followed the commits."""
    search_index.repair()
    page = Client().get(reverse("archive:search"), {"q": query}).context["page"]
    return [hit.episode.title for hit in page.object_list]


def export(folder) -> str:
    call_command("export_markdown", str(folder), stdout=open("/dev/null", "w"))
    return (folder / "held.md").read_text(encoding="utf-8")


def test_readers_search_and_export_keep_the_reviewed_version_while_changes_wait(
    folder, live, editor
):
    client = edit_as(editor, live)

    page = public_page(live)
    assert "编辑测试" in page and "改过的标题" not in page
    assert OLD_WORDS in page and NEW_WORDS not in page
    assert search_hits("稀有的词组") == []
    assert search_hits("第三句话") == ["编辑测试"]
    assert export(folder) == REVIEWED

    # The editor goes on with their version, which waits in the review queue.
    episode = Episode.objects.select_related("review").get(pk=live.pk)
    assert review_state(episode) == ReviewState.CHANGED
    change = client.get(reverse("admin:archive_episode_change", args=[live.pk])).content.decode()
    assert 'value="改过的标题"' in change
    assert "Readers, search and export still get the reviewed version" in change
    assert NEW_WORDS in TranscriptForm(client, live).fields.__str__()
    latest = Revision.objects.filter(episode=live).order_by("-version").first()
    assert "改过的标题" in latest.text and NEW_WORDS in latest.text


def test_approving_publishes_the_changes_to_readers_search_and_export(folder, live, editor, publisher):
    edit_as(editor, live)
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=live.pk), by=publisher)

    page = public_page(live)
    assert "改过的标题" in page and NEW_WORDS in page and OLD_WORDS not in page
    assert search_hits("稀有的词组") == ["改过的标题"]
    written = export(folder)
    assert written == REVIEWED.replace("title: 编辑测试", "title: 改过的标题").replace(
        f"**Speaker A**: {OLD_WORDS}", f"**Speaker A**: {NEW_WORDS}"
    )
    assert held.pending_of(live) is None
    assert Episode.objects.count() == 1
    episode = Episode.objects.select_related("review").get(pk=live.pk)
    assert review_state(episode) == ReviewState.REVIEWED


def test_reverting_to_the_reviewed_version_drops_the_held_changes(folder, live, editor, publisher):
    edit_as(editor, live)
    approved = Revision.objects.filter(episode=live).order_by("version").first()
    revisions.revert(episode=Episode.objects.get(pk=live.pk), by=publisher, revision=approved)

    assert held.pending_of(live) is None
    episode = Episode.objects.select_related("review").get(pk=live.pk)
    assert review_state(episode) == ReviewState.REVIEWED
    assert export(folder) == REVIEWED


def test_with_the_setting_on_edits_reach_readers_at_once(folder, live, editor, settings):
    settings.ARCHIVE_PUBLISH_EDITS_AT_ONCE = True
    edit_as(editor, live)

    assert held.pending_of(live) is None
    assert "改过的标题" in public_page(live)
    assert NEW_WORDS in export(folder)
    episode = Episode.objects.select_related("review").get(pk=live.pk)
    assert review_state(episode) == ReviewState.CHANGED  # still waits for a look


def test_drafts_show_edits_at_once(tmp_path, editor):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "draft.md").write_text(BILINGUAL, encoding="utf-8")
    call_command("import_markdown", str(notes), stdout=open("/dev/null", "w"))
    draft = Episode.objects.get()
    edit_as(editor, draft)

    assert held.pending_of(draft) is None
    assert "改过的标题" in public_page(draft)


def test_unlisting_reaches_readers_at_once_and_survives_the_approval(folder, live, editor, publisher):
    edit_as(editor, live)
    workflow.episode_unlist(episode=Episode.objects.get(pk=live.pk), by=publisher)

    assert "编辑测试" not in Client().get(reverse("archive:home")).content.decode()
    assert "exclude: true" in held.working_text(live)
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=live.pk), by=publisher)
    episode = Episode.objects.get(pk=live.pk)
    assert episode.exclude is True and episode.title == "改过的标题"
    assert "exclude: true" in export(folder)


def test_a_merge_across_the_archive_reaches_readers_and_the_held_changes_alike(
    folder, live, editor, publisher
):
    edit_as(editor, live)
    plan = names.plan_rename(kind=names.SPEAKER, sources=["Ada Park"], target="Ada Parker")
    names.apply_rename(
        kind=names.SPEAKER, sources=["Ada Park"], target="Ada Parker", by=publisher,
        token=plan.token,
    )
    assert "**Ada Parker**: 第二句话" in export(folder)
    assert "改过的标题" not in export(folder)  # the held edit still waits
    pending = held.working_document(live)
    assert {block.label for block in pending.blocks if isinstance(block, codec.Turn)} == {
        "Speaker A", "Ada Parker",
    }

    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=live.pk), by=publisher)
    written = export(folder)
    assert "**Ada Parker**: 第二句话" in written and "改过的标题" in written


def test_a_forced_import_replaces_held_changes_and_keeps_them_as_a_revision(folder, live, editor):
    edit_as(editor, live)
    (folder / "held.md").write_text(REVIEWED.replace("第四句话", "第四句话（仓库）"), encoding="utf-8")
    call_command("import_markdown", str(folder), "--force", stdout=open("/dev/null", "w"))

    assert held.pending_of(live) is None
    assert "第四句话（仓库）" in public_page(live)
    kept = [r.text for r in Revision.objects.filter(episode=live)]
    assert any("改过的标题" in text for text in kept)
    episode = Episode.objects.select_related("review").get(pk=live.pk)
    assert review_state(episode) == ReviewState.REVIEWED


def test_an_import_without_force_leaves_held_changes_alone(folder, live, editor):
    edit_as(editor, live)
    (folder / "held.md").write_text(REVIEWED.replace("第四句话", "第四句话（仓库）"), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_markdown", str(folder), stdout=errors, stderr=errors)
    assert "held.md:1: conflict" in errors.getvalue()
    assert "waiting for review" in errors.getvalue()
    assert "title: 改过的标题" in held.working_text(live)
    assert "第四句话（仓库）" not in public_page(live)


def test_the_preview_shows_the_held_version_and_readers_do_not(folder, live, editor):
    client = edit_as(editor, live)
    frame = client.get(reverse("admin:editorial_preview", args=[live.pk])).content.decode()
    assert "稀有的词组" in frame
    assert "稀有的词组" not in public_page(live)


def test_a_one_turn_save_of_the_first_held_edit_changes_only_that_turn(live, editor):
    readers = render_episode(live.pk)
    rows = transcript.rows_of(live)
    index = next(i for i, row in enumerate(rows) if row.translation == OLD_WORDS)
    rows[index].translation = NEW_WORDS
    report = transcript.save_transcript(episode=live, by=editor, version=live.version, rows=rows)

    assert (report.turns_changed, report.turns_added, report.turns_deleted) == (1, 0, 0)
    assert render_episode(live.pk) == readers  # the rows are as readers have them
    assert held.working_text(live) == readers.replace(OLD_WORDS, NEW_WORDS)
    assert entity_lists.list_of(live, "people") == ["Ada Park"]
