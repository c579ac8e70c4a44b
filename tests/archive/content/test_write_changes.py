"""An edited document written back: only the rows of blocks that changed, in place."""
import dataclasses

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.codec import Heading as HeadingBlock
from archive.codec import Turn as TurnBlock
from archive.codec import edited_turn, new_heading, new_turn, parse, rebuilt, render, with_value
from archive.content.entity_lists import list_of
from archive.content.store import (
    Written,
    episode_rows,
    load_document,
    with_rows_of,
    write_changes,
    written_unsaved,
)
from archive.models import Appearance, Episode, Heading, Turn
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


def test_a_changed_guest_is_written_to_its_column_its_line_and_its_appearances():
    episode = episode_from_text()
    before = fresh(episode)
    after = dataclasses.replace(
        before, front_matter=with_value(before.front_matter, "guest", "Lin Wei, Ada Park")
    )
    written = write_changes(episode, before, after)
    assert written.keys_changed == ("guest",)
    assert episode.guest == Episode.objects.get(pk=episode.pk).guest == "Lin Wei, Ada Park"
    guests = Appearance.objects.filter(episode=episode, role=Appearance.Role.GUEST)
    assert sorted(guests.values_list("speaker__name", flat=True)) == ["Ada Park", "Lin Wei"]
    assert render(fresh(episode)) == render(after)
    assert "guest: 'Lin Wei, Ada Park'\n" in render(after)


def test_an_entity_list_is_rewritten_in_its_new_order_and_others_are_untouched():
    episode = episode_from_text()
    before = fresh(episode)
    after = dataclasses.replace(
        before, front_matter=with_value(before.front_matter, "tags", ["vectors", "databases"])
    )
    with CaptureQueriesContext(connection) as queries:
        written = write_changes(episode, before, after)
    assert written.keys_changed == ("tags",)
    assert writes(queries, "archive_personlink") == []
    assert list_of(episode, "tags") == ["vectors", "databases"]
    assert list_of(episode, "people") == ["Ada Park"]
    assert fresh(episode) == after


def test_an_unchanged_document_writes_nothing():
    episode = episode_from_text()
    before = fresh(episode)
    with CaptureQueriesContext(connection) as queries:
        written = write_changes(episode, before, fresh(episode))
    assert written == Written()
    assert not [q for q in queries.captured_queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]


# Any edit of front matter and body: loading what was written gives the document back,
# and the rows derived from it (appearances, entity links, turns' speakers) show it.
_names = st.text(
    alphabet=st.sampled_from("Ada Lin Wei 林伟 Zoë-Park."), min_size=1, max_size=12
).map(str.strip).filter(lambda name: name and "," not in name)


@st.composite
def edits(draw, document):
    front_matter = document.front_matter
    for key in draw(st.lists(st.sampled_from(["speaker", "guest", "title", "summary"]), unique=True)):
        front_matter = with_value(front_matter, key, ", ".join(draw(st.lists(_names, max_size=3))))
    for key in draw(st.lists(st.sampled_from(["tags", "people", "companies_orgs"]), unique=True)):
        front_matter = with_value(front_matter, key, draw(st.lists(_names, max_size=3, unique=True)))
    for key in draw(st.lists(st.sampled_from(["draft", "exclude"]), unique=True)):
        front_matter = with_value(front_matter, key, draw(st.booleans()))
    blocks = list(document.blocks)
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["insert", "delete", "edit"]))
        index = draw(st.integers(0, max(len(blocks) - 1, 0)))
        if action == "insert":
            label = draw(st.sampled_from(["", "Speaker B", "Lin Wei"]))
            blocks.insert(index, new_turn(label=label, text=draw(_names) + "。", english=None))
        elif blocks and action == "delete":
            del blocks[index]
        elif blocks and isinstance(blocks[index], TurnBlock) and blocks[index].label:
            turn = blocks[index]
            blocks[index] = edited_turn(turn, label=draw(_names), text=turn.text,
                                        english=turn.english.text if turn.english else None)
    return rebuilt(dataclasses.replace(document, front_matter=front_matter), blocks)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_loading_what_was_written_gives_the_document_and_derived_rows_follow_it(data):
    with transaction.atomic():
        episode = episode_from_text()
        before = fresh(episode)
        after = data.draw(edits(before))
        write_changes(episode, before, after)
        loaded = fresh(episode)
        assert loaded == after
        assert render(loaded) == render(after)
        rows = episode_rows(after)
        appearances = set(Appearance.objects.filter(episode=episode).values_list("role", "speaker__name"))
        assert appearances == {
            *((Appearance.Role.HOST, name) for name in rows.hosts),
            *((Appearance.Role.GUEST, name) for name in rows.guests),
        }
        for key, names in rows.entities.items():
            assert list_of(episode, key) == names
        speaking = list(Turn.objects.filter(episode=episode, kind=Turn.Kind.TURN)
                        .order_by("position").values_list("speaker__name", flat=True))
        assert speaking == [turn[4] for turn in rows.turns if turn[2] == Turn.Kind.TURN]
        fields = Episode.objects.filter(pk=episode.pk).values("draft", "exclude", "guest").get()
        assert fields == {key: rows.columns[key] for key in fields}
        transaction.set_rollback(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_document_without_rows_takes_each_row_at_most_once_and_writes_back_whole(data):
    """What a re-import and a revert do: the file parsed again, matched to the rows."""
    with transaction.atomic():
        episode = episode_from_text()
        before = fresh(episode)
        after = data.draw(edits(before))
        parsed = parse(render(after))
        matched = with_rows_of(before, parsed)
        claimed = [(isinstance(b, HeadingBlock), b.row) for b in matched.blocks if b.row is not None]
        assert len(claimed) == len(set(claimed))
        write_changes(episode, before, matched)
        assert render(fresh(episode)) == render(after)
        assert fresh(episode) == parsed
        transaction.set_rollback(True)
