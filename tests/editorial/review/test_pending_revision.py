"""Changes held for review are a pending revision of the one episode row: editors see
and edit the pending document everywhere they work, readers (pages, search, feeds,
export) never do; approving writes exactly that document, rejecting drops it."""
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from archive.codec import parse, render
from archive.models import Episode, Heading, Turn, TurnFlag
from editorial.edits import transcript
from editorial.edits.editing import EditConflict, render_episode
from editorial.models import PendingRevision, ReviewState, Revision
from editorial.review import flags as turn_flags
from editorial.review import held, workflow
from editorial.review import turns as turn_states
from editorial.review.state import review_state
from editorial.revisions import history as revisions
from tests.editorial.helpers import TranscriptForm, read_form
from tests.editorial.review.test_held_changes import (  # noqa: F401  (fixtures)
    NEW_WORDS, OLD_WORDS, REVIEWED, edit_as, export, folder, live, public_page, search_hits,
)

pytestmark = pytest.mark.django_db

HELD_TITLE = "改过的标题"


def rows_of_episode(episode) -> list[tuple]:
    """Every row readers' version is made of, with its id and text."""
    return [
        *Heading.objects.filter(episode=episode).order_by("pk").values_list("pk", "position", "title"),
        *Turn.objects.filter(episode=episode).order_by("pk").values_list("pk", "position", "translation"),
    ]


def test_the_pending_revision_is_one_revision_of_the_one_row(live, editor):
    rows = rows_of_episode(live)
    edit_as(editor, live)

    assert Episode.objects.count() == 1
    assert rows_of_episode(live) == rows  # no cloned turns, readers' rows untouched
    pending = PendingRevision.objects.get(episode=live)
    latest = Revision.objects.filter(episode=live).order_by("-version").first()
    assert pending.revision == latest
    assert latest.text == REVIEWED.replace("title: 编辑测试", f"title: {HELD_TITLE}").replace(
        OLD_WORDS, NEW_WORDS
    )
    assert render(held.working_document(live)) == latest.text


def test_editors_see_the_pending_document_wherever_they_work(live, editor):
    client = edit_as(editor, live)

    change = client.get(reverse("admin:archive_episode_change", args=[live.pk])).content.decode()
    assert dict(read_form(change, "episode_form"))["title"] == HELD_TITLE
    form = dict(TranscriptForm(client, live).fields)
    assert NEW_WORDS in form.values() and OLD_WORDS not in form.values()
    turns = client.get(reverse("admin:editorial_review_turns", args=[live.pk])).json()["turns"]
    assert NEW_WORDS in [turn["zh"] for turn in turns] and OLD_WORDS not in [t["zh"] for t in turns]
    frame = client.get(reverse("admin:editorial_preview", args=[live.pk])).content.decode()
    assert HELD_TITLE in frame and NEW_WORDS in frame
    # The preview wrote nothing: its rows were rolled back.
    assert Episode.objects.get(pk=live.pk).title == "编辑测试"


def test_readers_search_feeds_and_export_never_see_it(folder, live, editor, tmp_path):
    edit_as(editor, live)

    page = public_page(live)
    assert HELD_TITLE not in page and NEW_WORDS not in page
    assert search_hits("稀有的词组") == []
    for feed in ("archive:rss", "archive:atom"):
        text = Client().get(reverse(feed)).content.decode()
        assert "编辑测试" in text and HELD_TITLE not in text
    assert export(folder) == REVIEWED
    out = tmp_path / "out"
    call_command("export_markdown", str(out), "--force", stdout=open(os.devnull, "w"))
    assert (out / "held.md").read_text(encoding="utf-8") == REVIEWED


@pytest.mark.skipif(shutil.which("git") is None, reason="the git program is not installed")
def test_export_commit_commits_readers_version(folder, live, editor, publisher, monkeypatch, tmp_path):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))

    def git(*arguments):
        return subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True,
                              text=True).stdout

    git("init", "--quiet", "--initial-branch=main")
    git("config", "user.name", "Robot")
    git("config", "user.email", "robot@example.org")
    git("add", "--all")
    git("commit", "--quiet", "-m", "The archive as imported")
    edit_as(editor, live)
    # A step that reaches readers at once, while the edit still waits.
    workflow.episode_unlist(episode=Episode.objects.get(pk=live.pk), by=publisher)
    call_command("export_markdown", str(folder), "--commit", stdout=open(os.devnull, "w"))

    committed = git("show", "HEAD:held.md")
    assert committed == render_episode(live.pk) != REVIEWED
    assert "exclude: true" in committed
    assert HELD_TITLE not in committed and NEW_WORDS not in committed
    assert "exclude: true" in held.working_text(live) and HELD_TITLE in held.working_text(live)


def test_each_further_edit_updates_the_pending_revision_not_the_rows(live, editor):
    rows = rows_of_episode(live)
    client = edit_as(editor, live)
    first = PendingRevision.objects.get(episode=live)
    form = TranscriptForm(client, live)
    values = dict(form.fields)
    index = next(i for i in range(len(form.rows)) if values.get(f"{form.key(i)}-tr") == NEW_WORDS)
    form.set(f"{form.key(index)}-tr", "第三次的说法。")
    assert form.post().status_code == 302

    second = PendingRevision.objects.get(episode=live)
    assert second.revision.version == first.revision.version + 1
    assert second.block_rows == first.block_rows  # a block keeps its key from save to save
    assert "第三次的说法。" in second.revision.text and NEW_WORDS not in second.revision.text
    assert rows_of_episode(live) == rows


def test_a_stale_form_cannot_overwrite_newer_pending_work(live, editor, client):
    edit_as(editor, live)
    client.force_login(editor)
    stale, fresh = TranscriptForm(client, live), TranscriptForm(client, live)
    for form, words in ((fresh, "先保存的。"), (stale, "后保存的。")):
        values = dict(form.fields)
        index = next(i for i in range(len(form.rows)) if values.get(f"{form.key(i)}-tr") == NEW_WORDS)
        form.set(f"{form.key(index)}-tr", words)
    assert fresh.post().status_code == 302
    refused = stale.post()

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "后保存的。" in page and "先保存的。" in page  # both kept on the page to merge
    assert "先保存的。" in held.working_text(live) and "后保存的。" not in held.working_text(live)


def test_the_same_edit_counts_alike_on_a_held_and_a_live_episode(live, editor, settings):
    def edit_one(episode):
        rows = transcript.rows_of(episode)
        index = next(i for i, row in enumerate(rows) if row.translation == OLD_WORDS)
        rows[index].translation = NEW_WORDS
        rows[index + 1].delete = True
        rows.insert(index, transcript.EditorRow(key="n1", translation="新的一句。"))
        return transcript.save_transcript(episode=episode, by=editor, version=episode.version, rows=rows)

    held_report = edit_one(live)
    assert held.pending_of(live) is not None
    settings.ARCHIVE_PUBLISH_EDITS_AT_ONCE = True
    other = Episode.objects.get(pk=live.pk)
    revisions.revert(episode=other, by=editor, revision=Revision.objects.filter(episode=live).order_by("version").first())
    other.refresh_from_db()
    live_report = edit_one(other)
    assert str(held_report) == str(live_report) == (
        "2 turns changed, 1 turn added, 1 heading deleted"  # the next one moved up a place
    )


def test_approving_writes_exactly_the_pending_document(folder, live, editor, publisher):
    edit_as(editor, live)
    pending_text = held.working_text(live)
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=live.pk), by=publisher)

    assert held.pending_of(live) is None
    assert render_episode(live.pk) == pending_text == export(folder)
    latest = Revision.objects.filter(episode=live).order_by("-version").first()
    assert latest.text == pending_text and latest.kind == Revision.Kind.WORKFLOW
    assert NEW_WORDS in public_page(live)


def test_rejecting_drops_the_pending_revision_and_keeps_its_text(folder, live, editor, publisher):
    edit_as(editor, live)
    pending_text = held.working_text(live)
    approved = Revision.objects.filter(episode=live).order_by("version").first()
    revisions.revert(episode=Episode.objects.get(pk=live.pk), by=publisher, revision=approved)

    assert held.pending_of(live) is None
    assert held.working_text(live) == REVIEWED == export(folder)
    assert pending_text in [revision.text for revision in Revision.objects.filter(episode=live)]
    episode = Episode.objects.select_related("review").get(pk=live.pk)
    assert review_state(episode) == ReviewState.REVIEWED
    # The next edit starts a pending revision afresh from readers' version.
    edit_as(editor, Episode.objects.get(pk=live.pk), title="又改了")
    assert "title: 又改了" in held.working_text(live) and export(folder) == REVIEWED


def test_a_stale_form_from_before_the_approval_is_refused(live, editor, publisher, client):
    edit_as(editor, live)
    client.force_login(editor)
    form = TranscriptForm(client, live)
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=live.pk), by=publisher)
    with pytest.raises(EditConflict):
        transcript.save_transcript(
            episode=live, by=editor, version=int(form.get("version")),
            rows=transcript.rows_from_post(_query(form.fields)),
        )


def _query(fields):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name, value in fields:
        data.appendlist(name, value)
    return data


def test_flags_follow_the_pending_document_and_a_dismissal_survives_approval(
    live, editor, publisher
):
    def mismatches(flags):
        return [flag for found in flags.values() for flag in found if flag.check == "number-mismatch"]

    assert mismatches(turn_flags.working_flags(live)[1]) == []
    rows = transcript.rows_of(live)
    index = next(i for i, row in enumerate(rows) if row.translation == OLD_WORDS)
    rows[index].translation = "第三句话，收入增长了30%。"
    rows[index].english = "The third sentence, revenue grew 40%."
    transcript.save_transcript(episode=live, by=editor, version=live.version, rows=rows)

    document, flags = turn_flags.working_flags(live)
    [flag] = mismatches(flags)
    assert not TurnFlag.objects.filter(episode=live, check_id="number-mismatch").exists()
    [row] = [row for row, found in flags.items() if flag in found]
    [print_] = [turn_states.block_fingerprint(b) for b in document.blocks if b.row == row]
    flagged_before = turn_states.progress_of([live])[live.pk].flagged
    turn_flags.set_dismissed(
        live, turn_states.rows_saying(live, print_), "number-mismatch", by=editor, dismissed=True,
    )
    assert [f.dismissed for f in mismatches(turn_flags.working_flags(live)[1])] == [True]
    assert turn_states.progress_of([live])[live.pk].flagged == flagged_before - 1

    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=live.pk), by=publisher)
    [stored] = TurnFlag.objects.filter(episode=live, check_id="number-mismatch")
    assert stored.dismissed_at is not None and stored.dismissed_by == editor


def test_a_rename_applies_to_the_pending_document_as_previewed(live, editor, publisher):
    from editorial.names import merging as names

    edit_as(editor, live)
    plan = names.plan_rename(kind="people", sources=["Ada Park"], target="Ada Parker")
    [planned] = plan.episodes
    names.apply_rename(kind="people", sources=["Ada Park"], target="Ada Parker", by=publisher,
                       token=plan.token)
    assert held.working_text(live) == planned.held.after_text
    assert render_episode(live.pk) == planned.after_text


def test_a_forced_reimport_drops_the_pending_revision_and_an_unforced_one_keeps_it(
    folder, live, editor
):
    edit_as(editor, live)
    (folder / "held.md").write_text(REVIEWED.replace("第四句话", "第四句话（仓库）"), encoding="utf-8")
    with pytest.raises(Exception):
        call_command("import_markdown", str(folder), stdout=open(os.devnull, "w"),
                     stderr=open(os.devnull, "w"))
    assert held.pending_of(live) is not None and NEW_WORDS in held.working_text(live)
    call_command("import_markdown", str(folder), "--force", stdout=open(os.devnull, "w"))
    assert held.pending_of(live) is None
    assert parse(held.working_text(live)) == parse(render_episode(live.pk))
