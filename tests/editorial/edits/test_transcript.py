"""The transcript editor: every edit, its effect on the file, and what a save writes."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Episode, Heading, Speaker, Turn
from archive.signals import episodes_changed
from editorial.edits import speaker_rename, transcript
from editorial.edits.editing import render_episode
from editorial.models import Revision
from tests.editorial.helpers import TranscriptForm, changed_lines
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def turn_updates(queries):
    """For each UPDATE of archive_turn: how many rows its WHERE names."""
    counts = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith('UPDATE "archive_turn"'):
            where = re.search(r'WHERE "archive_turn"\."id" IN \(([^)]*)\)', sql)
            counts.append(len(where.group(1).split(",")) if where else None)
    return counts


def test_the_editor_shows_every_block_as_a_row(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    assert len(form.rows) == 6
    first_turn = form.key(1)
    assert form.get(f"{first_turn}-label") == "Speaker A"
    assert form.get(f"{first_turn}-tr") == "第一句话，谈到**TPU**。"
    assert form.get(f"{first_turn}-en") == "**Speaker A**: The first sentence, about the **TPU**."
    assert form.get(f"{form.key(0)}-title") == "开场"


def test_saving_one_edited_turn_writes_that_turn_only(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    before = render_episode(episode.pk)
    key = form.key(2)
    form.set(f"{key}-tr", "第二句话（已修改），还有**Nvidia**。")
    with CaptureQueriesContext(connection) as queries:
        response = form.post()
    assert response.status_code == 302
    assert turn_updates(queries.captured_queries) == [1]
    assert not [q for q in queries.captured_queries if q["sql"].startswith(('INSERT INTO "archive_turn"', 'DELETE FROM "archive_turn"'))]
    after = render_episode(episode.pk)
    assert changed_lines(before, after) == [
        "-**Ada Park**: 第二句话，还有**Nvidia**。",
        "+**Ada Park**: 第二句话（已修改），还有**Nvidia**。",
    ]
    fresh = Episode.objects.get(pk=episode.pk)
    assert fresh.version == 2
    assert list(fresh.revisions.values_list("version", "kind")) == [(2, "edit"), (1, "original")]
    assert fresh.revisions.get(version=1).text == before
    assert fresh.revisions.get(version=2).text == after


def test_a_save_sends_episodes_changed(client_as, editor, episode):
    received = []

    def listener(sender, episode_ids, **kwargs):
        received.append(episode_ids)

    episodes_changed.connect(listener)
    try:
        form = TranscriptForm(client_as(editor), episode)
        form.set(f"{form.key(1)}-en", "**Speaker A**: The first sentence.")
        form.post()
    finally:
        episodes_changed.disconnect(listener)
    assert received == [[episode.pk]]


def test_a_save_that_changes_nothing_writes_nothing(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    with CaptureQueriesContext(connection) as queries:
        form.post()
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert [sql for sql in writes if "archive_" in sql and "django_session" not in sql] == []
    assert Episode.objects.get(pk=episode.pk).version == 1


def test_the_query_count_of_a_save_does_not_grow_with_the_episode(client_as, editor):
    small = episode_from_text(BILINGUAL)
    big = episode_from_text(long_episode(600))
    counts = []
    for episode in (small, big):
        form = TranscriptForm(client_as(editor), episode)
        form.set(f"{form.key(1)}-tr", "改过的一句话。")
        with CaptureQueriesContext(connection) as queries:
            assert form.post().status_code == 302
        counts.append(len(queries.captured_queries))
        assert turn_updates(queries.captured_queries) == [1]
    assert counts[0] == counts[1]
    assert counts[1] <= 60  # session and permissions, the edit, two renders of the file


def test_inserting_a_turn_takes_the_style_of_the_document(client_as, editor, episode):
    before = render_episode(episode.pk)
    form = TranscriptForm(client_as(editor), episode)
    form.insert_after(2, "n1", label="Speaker A", tr="插入的一句。", en="**Speaker A**: An inserted line.")
    assert form.post().status_code == 302
    after = render_episode(episode.pk)
    assert changed_lines(before, after) == [
        "+**Speaker A**: 插入的一句。",
        "+",
        "+<details>",
        "+<summary>Original English</summary>",
        "+",
        "+**Speaker A**: An inserted line.",
        "+",
        "+</details>",
        "+",
    ]
    positions = sorted(
        list(Turn.objects.filter(episode=episode).values_list("position", flat=True))
        + list(Heading.objects.filter(episode=episode).values_list("position", flat=True))
    )
    assert positions == list(range(7))
    inserted = Turn.objects.get(episode=episode, translation="插入的一句。")
    assert inserted.heading.title == "开场" and inserted.speaker is None


def test_deleting_and_moving_turns(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    form.set(f"{form.key(3)}-del", "on")
    form.move(5, 1)  # the last turn to the top of the first section
    assert form.post().status_code == 302
    turns = list(Turn.objects.filter(episode=episode).order_by("position"))
    assert [t.translation for t in turns] == ["第四句话。", "第一句话，谈到**TPU**。", "第二句话，还有**Nvidia**。"]
    assert [t.heading.title for t in turns] == ["开场", "开场", "开场"]
    text = render_episode(episode.pk)
    assert text.endswith("### 第二节\n")  # the file's ending moved to the new last block
    assert "第三句话" not in text


def test_the_last_block_keeps_the_files_ending(client_as, editor):
    episode = episode_from_text(BILINGUAL.rstrip("\n"))  # no final newline
    before = render_episode(episode.pk)
    form = TranscriptForm(client_as(editor), episode)
    form.insert_after(5, "n1", label="", tr="结尾的旁白。")
    form.post()
    after = render_episode(episode.pk)
    assert after == before + "\n\n结尾的旁白。"


def test_splitting_a_turn_is_an_edit_and_an_insert(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    key = form.key(1)
    form.set(f"{key}-tr", "第一句话，")
    form.set(f"{key}-en", "**Speaker A**: The first sentence,")
    form.insert_after(1, "n1", label="Speaker A", tr="谈到**TPU**。", en="about the **TPU**.")
    form.post()
    turns = list(Turn.objects.filter(episode=episode).order_by("position")[:2])
    assert [(t.speaker_label, t.translation) for t in turns] == [
        ("Speaker A", "第一句话，"), ("Speaker A", "谈到**TPU**。"),
    ]


def test_adding_and_renaming_headings_reassigns_sections(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    form.set(f"{form.key(0)}-title", "开场白")
    form.insert_after(2, "m1", title="中段", level="3")
    form.post()
    turns = list(Turn.objects.filter(episode=episode).order_by("position"))
    assert [t.heading.title for t in turns] == ["开场白", "开场白", "中段", "第二节"]
    text = render_episode(episode.pk)
    assert "### 开场白\n\n" in text and "### 中段\n\n**Speaker A**: 第三句话。" in text


def test_a_label_on_narration_gets_the_documents_bold_and_colon(client_as, editor):
    episode = episode_from_text(BILINGUAL.replace("**Speaker A**: 第三句话。", "第三句话。"))
    form = TranscriptForm(client_as(editor), episode)
    key = form.key(3)
    assert form.get(f"{key}-label") == ""
    form.set(f"{key}-label", "Grace Hopper")
    form.set(f"{form.key(1)}-label", "")
    form.post()
    text = render_episode(episode.pk)
    assert "\n**Grace Hopper**: 第三句话。\n" in text
    assert "\n第一句话，谈到**TPU**。\n" in text
    assert Turn.objects.get(episode=episode, translation="第三句话。").speaker.name == "Grace Hopper"


def test_an_emptied_turn_is_refused_and_the_text_stays_on_the_page(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    form.set(f"{form.key(1)}-tr", "")
    form.set(f"{form.key(1)}-en", "")
    form.set(f"{form.key(2)}-tr", "我在别处的修改。")
    response = form.post()
    assert response.status_code == 400
    assert "tick Delete" in response.content.decode()
    assert "我在别处的修改。" in response.content.decode()
    assert Episode.objects.get(pk=episode.pk).version == 1


def test_a_form_that_lacks_rows_is_refused(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    form.fields = [f for f in form.fields if not (f[0] == "row" and f[1] == form.rows[2])]
    assert form.post().status_code == 400
    assert Turn.objects.filter(episode=episode).count() == 4


def test_an_empty_new_row_is_dropped(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    form.insert_after(1, "n1", label="", tr="", en="")
    form.post()
    assert Episode.objects.get(pk=episode.pk).version == 1


def test_renaming_a_speaker_is_one_action(client_as, editor, episode):
    client = client_as(editor)
    before = render_episode(episode.pk)
    response = client.post(
        reverse("admin:editorial_rename_speaker", args=[episode.pk]),
        {"version": "1", "old_label": "Speaker A", "new_label": "Andy Pavlo", "in_originals": "1"},
    )
    assert response.status_code == 302
    turns = Turn.objects.filter(episode=episode, speaker_label="Andy Pavlo")
    assert turns.count() == 2
    assert {t.speaker.name for t in turns} == {"Andy Pavlo"}
    assert Speaker.objects.filter(name="Andy Pavlo").count() == 1
    lines = changed_lines(before, render_episode(episode.pk))
    assert len(lines) == 8 and all("Andy Pavlo" in line for line in lines if line[0] == "+")
    assert Episode.objects.get(pk=episode.pk).version == 2


def test_renaming_with_a_stale_version_is_refused(client_as, editor, episode):
    client = client_as(editor)
    client.post(
        reverse("admin:editorial_rename_speaker", args=[episode.pk]),
        {"version": "7", "old_label": "Speaker A", "new_label": "Andy Pavlo"},
    )
    assert not Turn.objects.filter(speaker_label="Andy Pavlo").exists()


def test_staff_without_a_role_cannot_open_the_editor(client_as, outsider, episode):
    response = client_as(outsider).get(reverse("admin:editorial_transcript", args=[episode.pk]))
    assert response.status_code == 403


def test_the_preview_shows_unsaved_edits_without_saving(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    form.set(f"{form.key(1)}-tr", "预览中的修改。")
    response = form.post("preview")
    html = response.content.decode()
    assert response.status_code == 200
    assert "预览中的修改。" in html and "nothing has been saved" in html
    assert Episode.objects.get(pk=episode.pk).version == 1
    assert not Turn.objects.filter(translation="预览中的修改。").exists()
    assert not Revision.objects.exists()


def long_episode(turns: int) -> str:
    head, body = BILINGUAL.split("---\n### ", 1)
    blocks = []
    for number in range(turns):
        if number % 25 == 0:
            blocks.append(f"### 第{number // 25}节\n\n")
        blocks.append(
            f"**Speaker {'AB'[number % 2]}**: 第{number}句话，说得很长很长很长很长很长很长很长很长。\n\n"
            "<details>\n<summary>Original English</summary>\n\n"
            f"**Speaker {'AB'[number % 2]}**: Sentence number {number}, a long one indeed.\n\n"
            "</details>\n\n"
        )
    return head + "---\n" + "".join(blocks)


def test_the_editor_of_a_thousand_turn_episode_takes_a_few_queries(client_as, editor):
    episode = episode_from_text(long_episode(1100))
    client = client_as(editor)
    url = reverse("admin:editorial_transcript", args=[episode.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="row"') == 1100 + 44 + 2  # turns, headings, templates
    assert len(queries.captured_queries) < 15


def test_saving_one_turn_of_the_largest_corpus_episode_updates_one_row(client_as, editor, corpus_dir):
    path = corpus_dir / "real" / "04-latent-space-general-agents.md"
    episode = episode_from_text(path.read_text(encoding="utf-8"), "latent.md")
    form = TranscriptForm(client_as(editor), episode)
    names = {name for name, _ in form.fields}
    turn = next(i for i in range(len(form.rows)) if f"{form.key(i)}-tr" in names and form.get(f"{form.key(i)}-tr"))
    form.set(f"{form.key(turn)}-tr", "一个改过的回合。")
    with CaptureQueriesContext(connection) as queries:
        assert form.post().status_code == 302
    assert turn_updates(queries.captured_queries) == [1]


def test_rows_from_post_reads_what_the_template_writes():
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist("row", ["h1:0", "t2:1", "n1"])
    data.update({"h1-title": " 标题 ", "h1-level": "9", "t2-tr": "a\r\nb", "n1-label": "X", "n1-tr": "c"})
    rows = transcript.rows_from_post(data)
    assert [(r.key, r.position) for r in rows] == [("h1", 0), ("t2", 1), ("n1", None)]
    assert rows[0].title == "标题" and rows[0].level == 6
    assert rows[1].translation == "a\nb"
    with pytest.raises(transcript.TranscriptError):
        data.setlist("row", ["x1"])
        transcript.rows_from_post(data)


def test_text_the_file_cannot_hold_as_typed_is_refused(client_as, editor, episode):
    form = TranscriptForm(client_as(editor), episode)
    form.set(f"{form.key(1)}-tr", "第一段。\n\n第二段。")
    response = form.post()
    assert "would read it back" in response.content.decode()
    assert Episode.objects.get(pk=episode.pk).version == 1
    assert not Turn.objects.filter(translation__contains="第二段").exists()


@pytest.mark.parametrize("label", ["Ho*st", "Host**: fake", "名" * 100, "A" * 100])
def test_renaming_to_a_label_the_file_cannot_hold_is_refused(client_as, editor, episode, label):
    client = client_as(editor)
    before = render_episode(episode.pk)
    response = client.post(
        reverse("admin:editorial_rename_speaker", args=[episode.pk]),
        {"version": "1", "old_label": "Speaker A", "new_label": label, "in_originals": "1"},
        follow=True,
    )
    assert "would read back differently" in response.content.decode()
    assert render_episode(episode.pk) == before
    assert Episode.objects.get(pk=episode.pk).version == 1


@pytest.mark.parametrize("label", ["Andy Pavlo", "主持人", "Dr. Ada Park-Smith"])
def test_renaming_to_a_plain_name_still_works(client_as, editor, episode, label):
    speaker_rename.rename_speaker(
        episode=episode, by=editor, version=1, old_label="Speaker A", new_label=label
    )
    assert Turn.objects.filter(episode=episode, speaker_label=label).count() == 2


def test_an_untouched_empty_turn_does_not_block_saving_the_others(client_as, editor):
    """A file may end with a label and nothing after it (``**Host**:``, as the
    archive's largest episode does); editing another turn must still save."""
    text = BILINGUAL + "\n**Host**:"
    episode = episode_from_text(text)
    form = TranscriptForm(client_as(editor), episode)
    form.set(f"{form.key(1)}-tr", "改过的一句。")
    assert form.post().status_code == 302
    assert changed_lines(text, render_episode(episode.pk)) == [
        "-**Speaker A**: 第一句话，谈到**TPU**。", "+**Speaker A**: 改过的一句。",
    ]


@pytest.mark.parametrize("at, anchor", [("2", "#row-2"), ("", ""), ("2x", ""), ("999999", ""), ("-1", ""), ("٣", "")])
def test_a_save_returns_to_the_row_the_editor_was_at(client, editor, episode, at, anchor):
    client.force_login(editor)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "改。")
    form.set("_at", at)
    response = form.post()
    assert response.url == reverse("admin:editorial_transcript", args=[episode.pk]) + anchor
    assert 'id="row-2"' in client.get(response.url).content.decode()
