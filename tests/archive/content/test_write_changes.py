"""An edited document written back: only the rows of blocks that changed, in place."""
import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.codec import edited_turn, new_heading, new_turn, rebuilt, render
from archive.content.store import load_document, write_changes, written_unsaved
from archive.models import Episode, Heading, Turn
from tests.factories import episode_from_text

pytestmark = pytest.mark.django_db


def fresh(episode: Episode):
    return load_document(Episode.objects.get(pk=episode.pk))


def writes(queries, table: str) -> list[str]:
    return [
        q["sql"].split()[0] for q in queries.captured_queries
        if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"} and f'"{table}"' in q["sql"]
    ]


def test_one_edited_turn_is_one_update_of_that_row():
    episode = episode_from_text()
    before = fresh(episode)
    blocks = list(before.blocks)
    turn = blocks[1]
    blocks[1] = edited_turn(turn, label=turn.label, text="改过的话。", english=turn.english.text)
    after = rebuilt(before, blocks)
    with CaptureQueriesContext(connection) as queries:
        written = write_changes(episode, before, after)
    assert writes(queries, "archive_turn") == ["UPDATE"]
    assert writes(queries, "archive_heading") == []
    assert (written.turns_changed, written.turns_added, written.turns_deleted) == (1, 0, 0)
    assert render(fresh(episode)) == render(after)


def test_new_blocks_are_inserted_and_turns_follow_the_heading_above_them():
    episode = episode_from_text()
    before = fresh(episode)
    blocks = list(before.blocks)
    blocks[2:2] = [new_heading(level=3, text="中段"), new_turn(label="", text="新的旁白。", english=None)]
    after = rebuilt(before, blocks)
    written = write_changes(episode, before, after)
    assert (written.headings_added, written.turns_added) == (1, 1)
    assert render(fresh(episode)) == render(after)
    sections = dict(
        Turn.objects.filter(episode=episode).values_list("translation", "heading__title")
    )
    assert sections["新的旁白。"] == "中段"
    assert sections["第二句话，还有**Nvidia**。"] == "中段"
    positions = sorted(
        [*Turn.objects.filter(episode=episode).values_list("position", flat=True),
         *Heading.objects.filter(episode=episode).values_list("position", flat=True)]
    )
    assert positions == list(range(len(after.blocks)))


def test_a_deleted_heading_gives_its_turns_to_the_section_above():
    episode = episode_from_text()
    before = fresh(episode)
    second = next(i for i, b in enumerate(before.blocks) if i and b.__class__.__name__ == "Heading")
    after = rebuilt(before, [b for i, b in enumerate(before.blocks) if i != second])
    written = write_changes(episode, before, after)
    assert written.headings_deleted == 1
    assert set(Turn.objects.filter(episode=episode).values_list("heading__title", flat=True)) == {"开场"}
    assert render(fresh(episode)) == render(after)


def test_a_block_of_another_episodes_row_is_refused_and_nothing_is_written():
    episode, other = episode_from_text(), episode_from_text()
    before = fresh(episode)
    foreign = fresh(other).blocks[1]
    after = dataclasses.replace(before, blocks=(*before.blocks, foreign))
    with pytest.raises(ValueError, match="rows this episode does not have"):
        write_changes(episode, before, after)
    assert render(fresh(episode)) == render(before)


def test_unsaved_changes_are_seen_inside_the_block_and_gone_after_it():
    episode = episode_from_text()
    before = fresh(episode)
    after = rebuilt(before, [*before.blocks, new_turn(label="", text="只是预览。", english=None)])
    with written_unsaved(episode, before, after):
        assert Turn.objects.filter(episode=episode, translation="只是预览。").exists()
    assert not Turn.objects.filter(episode=episode, translation="只是预览。").exists()
    assert render(fresh(episode)) == render(before)
