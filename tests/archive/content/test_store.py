import difflib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.codec import parse, render
from archive.content.store import load_document, save_document
from archive.models import Episode, Speaker, Turn
from tests.factories import turn_style

from ..episode_texts import ALPHABETICAL_ERA, INSERTION_ERA, ODD_ENGLISH, replace_once

pytestmark = pytest.mark.django_db


def saved(text: str, path: str = "ep.md") -> Episode:
    return save_document(parse(text), source_path=path, slug=path[:-3], source_hash="")


def rendered(episode: Episode) -> str:
    return render(load_document(Episode.objects.get(pk=episode.pk)))


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize("text", [INSERTION_ERA, ALPHABETICAL_ERA, ODD_ENGLISH])
def test_saved_document_loads_back_to_the_same_bytes(text):
    assert rendered(saved(text)) == text


def test_every_corpus_file_survives_the_database(corpus_files):
    for number, path in enumerate(corpus_files):
        text = path.read_text(encoding="utf-8")
        episode = saved(text, f"corpus-{number}.md")
        assert rendered(episode) == text, path.name


def texts_and_renderings() -> tuple[dict, dict]:
    """What an export writes of each episode, and its loaded document rendered."""
    from archive.content.store import load_documents, load_texts

    episodes = list(Episode.objects.order_by("pk"))
    documents = load_documents(episodes)
    return load_texts(episodes), {pk: render(document) for pk, document in documents.items()}


def test_the_text_an_export_writes_is_the_loaded_document_rendered(corpus_files):
    for number, path in enumerate(corpus_files):
        saved(path.read_text(encoding="utf-8"), f"corpus-{number}.md")
    texts, renderings = texts_and_renderings()
    assert texts.keys() == renderings.keys()
    for pk, text in texts.items():
        assert text == renderings[pk], pk


def test_turns_no_template_fits_are_written_as_their_blocks():
    from django.db import connection

    odd, plain = saved(ODD_ENGLISH, "odd.md"), saved(INSERTION_ERA, "plain.md")
    odd.turns.filter(english__isnull=False).update(english="**Host**: Hello.")
    plain.turns.filter(position=1).update(translation=None, speaker_label="")
    if connection.vendor == "sqlite":  # PostgreSQL's text cannot hold the mark, a NUL
        plain.turns.filter(position=2).update(style=turn_style(trailing="\n\x00\n"))
    texts, renderings = texts_and_renderings()
    assert texts == renderings
    assert "**Host**: Hello." in texts[odd.pk] and "第一句话" not in texts[plain.pk]


_ROW_TEXT = st.text(alphabet="ab 中文*:：<>/\n#-", max_size=30)
_LABEL = st.text(alphabet="ab 中文*:：[]-", max_size=12)  # one line: a label across lines is refused


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=_LABEL, translation=st.none() | _ROW_TEXT, english=st.none() | _ROW_TEXT, odd=st.booleans())
def test_an_export_writes_any_turns_values_as_its_block_renders_them(label, translation, english, odd):
    """Whatever a turn row holds, the export's text is its block rendered, or both refuse it."""
    from archive.content.store import load_documents, load_texts

    Episode.objects.all().delete()
    episode = saved(ODD_ENGLISH if odd else INSERTION_ERA, "any.md")
    episode.turns.filter(position=1).update(speaker_label=label, translation=translation, english=english)
    try:
        expected = render(load_documents([episode])[episode.pk])
    except ValueError as refused:
        with pytest.raises(ValueError, match=re.escape(str(refused))):
            load_texts([episode])
    else:
        assert load_texts([episode])[episode.pk] == expected


def test_a_turn_row_no_block_can_hold_is_refused_by_the_export_as_by_loading():
    from archive.content.store import load_documents, load_texts

    episode = saved(INSERTION_ERA)
    episode.turns.filter(position=1).update(speaker_label="Ada\nPark")
    with pytest.raises(ValueError, match="one-line label"):
        load_documents([episode])
    with pytest.raises(ValueError, match="one-line label"):
        load_texts([episode])


def test_rows_hold_the_fields_of_the_file():
    episode = saved(INSERTION_ERA)
    assert episode.title == "测试：第一集"
    assert episode.draft is True and episode.status == "evergreen"
    assert str(episode.date) == "2026-01-05"
    turns = list(episode.turns.order_by("position"))
    assert [t.speaker_label for t in turns] == ["Ada Park", "Speaker B", "Ada Park"]
    assert turns[0].translation == "第一句话。"
    assert turns[0].english == "**Ada Park**: The first sentence."
    assert [t.heading.title for t in turns] == ["开场", "开场", "第二节"]
    assert list(episode.tags.names()) == ["first-tag", "second-tag"]
    assert list(episode.products_models.names()) == []


def test_generic_labels_link_to_no_speaker_and_names_do():
    episode = saved(INSERTION_ERA)
    turns = list(episode.turns.order_by("position"))
    assert turns[0].speaker.name == "Ada Park"
    assert turns[1].speaker is None
    assert Speaker.objects.filter(name="Test Cast").exists()


def test_unknown_status_and_bare_date_are_kept():
    episode = saved(ALPHABETICAL_ERA)
    assert episode.status == "evengreen"
    assert str(episode.date) == "2026-02-01"


def test_editing_one_turn_changes_only_its_line():
    episode = saved(INSERTION_ERA)
    turn = episode.turns.get(position=2)
    turn.translation = "改过的第二句话。"
    turn.save()
    after = rendered(episode)
    assert changed_lines(INSERTION_ERA, after) == [
        "-**Speaker B**: 第二句话。", "+**Speaker B**: 改过的第二句话。"
    ]


def test_editing_the_english_keeps_the_details_dialect():
    episode = saved(ALPHABETICAL_ERA)
    turn = episode.turns.get(kind=Turn.Kind.TURN, english__isnull=False)
    turn.english = "Tea bought horses."
    turn.save()
    assert changed_lines(ALPHABETICAL_ERA, rendered(episode)) == [
        '-<p class="english-text">On the frontier, tea was traded for horses.</p>',
        '+<p class="english-text">Tea bought horses.</p>',
    ]


def test_editing_a_malformed_original_drops_its_verbatim_copy():
    episode = saved(ODD_ENGLISH)
    turn = episode.turns.get(english__isnull=False)
    assert turn.verbatim is None or "</summary_" in turn.verbatim
    turn.english = "**Host**: Hello."
    turn.save()
    after = rendered(episode)
    assert "**Host**: Hello." in after and "Opening." not in after
    assert after.startswith(ODD_ENGLISH[: ODD_ENGLISH.index("<details>")])


def test_changing_a_column_rewrites_only_that_key_in_its_quoting():
    episode = saved(ALPHABETICAL_ERA)
    episode.area = "tech-insights"
    episode.draft = True
    episode.save()
    assert changed_lines(ALPHABETICAL_ERA, rendered(episode)) == [
        '-area: "society-thinking"', '+area: "tech-insights"', "-draft: false", "+draft: true",
    ]


def test_adding_a_tag_appends_it_in_the_list_style_of_the_file():
    episode = saved(INSERTION_ERA)
    episode.tags.add("third-tag")
    expected = replace_once(INSERTION_ERA, "  - second-tag\n", "  - second-tag\n  - third-tag\n")
    assert rendered(episode) == expected


def test_filling_an_empty_list_writes_block_items():
    episode = saved(ALPHABETICAL_ERA)
    episode.people.add("Lu Yu")
    assert changed_lines(ALPHABETICAL_ERA, rendered(episode)) == [
        "-people: []", "+people:", "+- Lu Yu",
    ]


def test_a_new_key_lands_in_alphabetical_place():
    text = replace_once(ALPHABETICAL_ERA, "draft: false\n", "")
    episode = saved(text)
    episode.draft = True
    episode.save()
    assert rendered(episode) == replace_once(text, "guest: ''\n", "draft: true\nguest: ''\n")


def test_resaving_replaces_all_rows():
    episode = saved(INSERTION_ERA)
    save_document(parse(ALPHABETICAL_ERA), source_path="ep.md", slug="ep", source_hash="", episode=episode)
    assert rendered(episode) == ALPHABETICAL_ERA
    assert list(episode.tags.names()) == ["tea"]
    assert episode.turns.filter(speaker_label="Ada Park").count() == 0


def test_loading_episodes_costs_the_same_queries_for_few_or_many():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from archive.content.exporting import chunks

    def queries_to_render_all() -> int:
        with CaptureQueriesContext(connection) as context:
            texts = [text for chunk in chunks() for _, text in chunk]
        assert texts == [INSERTION_ERA] * Episode.objects.count()
        return len(context)

    for number in range(3):
        saved(INSERTION_ERA, f"ep-{number}.md")
    few = queries_to_render_all()
    for number in range(3, 12):
        saved(INSERTION_ERA, f"ep-{number}.md")
    assert queries_to_render_all() == few


def test_every_writer_numbers_colliding_slugs_the_static_sites_way(django_assert_max_num_queries):
    """The import, the editor and a rename all take their slugs from one allocator:
    the second name of a slug is ``-1``, the third ``-2``, as the static site does."""
    import dataclasses

    from archive.codec import with_value
    from archive.content.named import ensure_named
    from archive.content.store import write_changes
    from archive.models import Topic

    episode = save_document(parse(INSERTION_ERA), source_path="ep.md", slug="ep", source_hash="")

    def set_entity_names(key, names):
        before = load_document(episode)
        after = dataclasses.replace(before, front_matter=with_value(before.front_matter, key, names))
        write_changes(episode, before, after)

    set_entity_names("tags", ["OpenAI"])
    set_entity_names("tags", ["OpenAI", "Open AI"])
    assert dict(Topic.objects.filter(name__in=["OpenAI", "Open AI"]).values_list("name", "slug")) == {
        "OpenAI": "open-ai", "Open AI": "open-ai-1",
    }
    many = [f"Open{' ' * n}AI" for n in range(2, 61)]
    with django_assert_max_num_queries(6):  # not one query per collision
        made = ensure_named(Topic, many)
    slugs = [made[name].slug for name in many]
    assert len(set(slugs)) == len(slugs)
    assert sorted(slugs, key=lambda s: int(s.rsplit("-", 1)[1])) == [f"open-ai-{n}" for n in range(2, 61)]


def test_rows_name_their_texts_for_their_readers():
    from archive.codec import parse
    from archive.content.store import episode_rows

    rows = episode_rows(parse(
        "---\ntitle: t\n---\n### 开场\n\n**Ada**: 你好。\n\n<!-- note -->\n"
    ))
    assert [tuple(h) for h in rows.heading_texts()] == [(0, "开场")]
    turn, comment = rows.turn_texts()
    assert (turn.position, turn.kind, turn.label, turn.translation) == (1, "turn", "Ada", "你好。")
    assert (comment.kind, comment.verbatim) == ("comment", "<!-- note -->")
