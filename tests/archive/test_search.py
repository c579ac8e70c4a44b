"""Search: exact substrings in both languages, ranked, grouped, following every edit."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Episode, SearchDocument, Turn
from archive.search import matching_documents, normalise_query, search
from archive.signals import episodes_changed
from tests.archive.public import fresh_page_cache, reindex  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db


def found(query, **kwargs):
    """(episode slug, position) of every matching document."""
    documents = matching_documents(normalise_query(query), Episode.objects.public(**kwargs))
    return {(slug, position) for slug, position in
            documents.values_list("episode__slug", "position")}


def turns(*texts):
    return [("一", [("Host", text, None) for text in texts])]


def test_a_phrase_matches_only_where_it_is_whole(reindex):
    make_episode("whole.md", sections=turns("我们需要向量数据库来检索。"))
    make_episode("apart.md", sections=turns("向量很重要，数据库也很重要。", "向量 数据库"))
    reindex()
    assert {slug for slug, _ in found("向量数据库")} == {"whole"}
    assert {slug for slug, _ in found("向量")} == {"whole", "apart"}


def test_two_character_words_find_every_turn_that_has_them(reindex):
    make_episode("a.md", sections=turns("泡沫一", "没有", "又是泡沫", "芯片"))
    make_episode("b.md", sections=turns("芯片和泡沫"))
    reindex()
    positions = [turn.position for turn in Episode.objects.get(slug="a").turns.order_by("position")]
    other = Episode.objects.get(slug="b").turns.get().position
    assert found("泡沫") == {("a", positions[0]), ("a", positions[2]), ("b", other)}
    assert {slug for slug, _ in found("芯片")} == {"a", "b"}
    assert found("泡") == found("泡沫")
    assert found("沫又") == set()


def test_english_in_any_case_and_exact(reindex):
    make_episode("en.md", sections=[("一", [("Host", "中文。", "We bought NVIDIA chips. Vector databases!")])])
    reindex()
    for query in ("nvidia", "NVIDIA", "Nvidia", "vector databases", "VECTOR DATABASES", "S!"):
        assert {slug for slug, _ in found(query)} == {"en"}, query
    assert found("vector  database") == found("vector database")      # white space runs
    assert found("vectors") == set()
    assert found("nvidia chips vector") == set()


def test_wildcards_and_quotes_are_plain_characters(reindex):
    make_episode("p.md", sections=turns("增长100%了", "增长1000倍", 'he said "yes"', "a_b"))
    reindex()
    assert len(found("100%")) == 1
    assert len(found("0%")) == 1
    assert len(found('said "yes')) == 1
    assert len(found("a_b")) == 1 and found("a%b") == set()
    assert len(found("“100%”")) == 1       # surrounding quotes are dropped


def test_markup_is_searched_as_it_reads(reindex):
    make_episode("m.md", sections=[("一", [("Host", "这是**AI泡沫**吗", "Hi<br>there &amp; **you**")])])
    reindex()
    assert found("ai泡沫吗")
    assert found("hi there & you")
    assert not found("**")
    assert not found("<br>")


def test_speaker_and_entity_names_are_found(reindex):
    make_episode("n.md", people=["Sam Altman"], companies=["OpenAI"], guest="Lex Fridman",
                 tags=["向量数据库"], sections=[("一", [("[Paul Iusztin]", "你好。", None)])])
    reindex()
    for query in ("sam altman", "openai", "lex fridman", "paul iusztin", "向量数据库"):
        assert {slug for slug, _ in found(query)} == {"n"}, query


def test_comments_are_not_searched_and_raw_blocks_are(reindex):
    episode = make_episode("c.md", sections=turns("正文"))
    Turn.objects.create(episode=episode, position=50, kind=Turn.Kind.COMMENT, verbatim="<!-- 秘密注释 -->")
    Turn.objects.create(episode=episode, position=51, kind=Turn.Kind.RAW, verbatim="| 表格内容 |")
    reindex()
    assert found("秘密注释") == set()
    assert found("表格内容") == {("c", 51)}


def test_results_are_grouped_ranked_and_highlighted(reindex):
    make_episode("in-turns.md", title="别的", date="2025-01-01",
                 sections=turns("泡沫一", "泡沫二", "泡沫三", "泡沫四"))
    make_episode("in-title.md", title="泡沫的历史", date="2024-01-01", sections=turns("无关"))
    make_episode("in-tags.md", title="其他", tags=["泡沫"], date="2024-01-01", sections=turns("无关"))
    make_episode("in-heading.md", title="再一个", date="2024-01-01",
                 sections=[("泡沫之问", [("Host", "无关", None)])])
    reindex()
    page = search("泡沫", Episode.objects.public())
    slugs = [result.episode.slug for result in page.object_list]
    assert slugs == ["in-title", "in-tags", "in-heading", "in-turns"]
    in_turns = page.object_list[-1]
    assert in_turns.count == 4
    assert len(in_turns.hits) == 3
    first = Episode.objects.get(slug="in-turns").turns.order_by("position").first()
    assert in_turns.hits[0].url == f"/episodes/in-turns/#t-{first.position}"
    assert "<mark>泡沫</mark>一" in in_turns.hits[0].snippet


def test_search_page_links_to_turn_anchors_and_paginates(client, reindex):
    for number in range(25):
        make_episode(f"e{number:02}.md", sections=turns(f"第{number}个芯片"))
    reindex()
    html = client.get("/search/?q=芯片").content.decode()
    assert "25 期节目含" in html
    position = Episode.objects.get(slug="e00").turns.get().position
    assert html.count('class="result"') == 20
    second = client.get("/search/?q=芯片&page=2").content.decode()
    assert second.count('class="result"') == 5
    assert f'href="/episodes/e00/#t-{position}"' in html + second


def test_snippet_is_cut_around_the_match():
    from archive.search import highlight
    text = "甲" * 200 + "目标" + "乙" * 200
    snippet = str(highlight(text, "目标"))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>目标</mark>" in snippet and len(snippet) < 160
    assert str(highlight("A <b> & a", "a")) == "<mark>A</mark> &lt;b&gt; &amp; <mark>a</mark>"


def test_empty_and_blank_queries_show_the_form(client):
    assert client.get("/search/").status_code == 200
    assert "期节目含" not in client.get("/search/?q=%20%22%22").content.decode()


def test_a_query_uses_the_index_not_a_scan(reindex):
    make_episode(sections=turns("芯片"))
    reindex()
    for query in ("芯", "芯片", "芯片组合"):
        with CaptureQueriesContext(connection) as captured:
            list(matching_documents(query, Episode.objects.public()))
        sql = captured.captured_queries[-1]["sql"]
        if connection.vendor == "sqlite":
            assert " MATCH " in sql
        else:
            assert "string_to_array" in sql if len(query) < 3 else "LIKE" in sql


# The index follows every edit ---------------------------------------------------------

def test_index_follows_saves_and_deletes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = make_episode("live.md", sections=turns("旧的说法"))
    assert found("旧的说法")
    turn = episode.turns.get()
    with django_capture_on_commit_callbacks(execute=True):
        turn.translation = "新的说法"
        turn.save()
    assert not found("旧的说法") and found("新的说法")
    with django_capture_on_commit_callbacks(execute=True):
        episode.exclude = True
        episode.save()
    assert not found("新的说法")
    with django_capture_on_commit_callbacks(execute=True):
        episode.exclude = False
        episode.title = "标题改了"
        episode.save()
    assert found("标题改了") and found("新的说法")
    with django_capture_on_commit_callbacks(execute=True):
        turn.delete()
    assert not found("新的说法")
    with django_capture_on_commit_callbacks(execute=True):
        episode.delete()
    assert not SearchDocument.objects.exists()
    assert not found("标题改了")


def test_index_follows_bulk_edits_announced_by_the_signal(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = make_episode("bulk.md", sections=turns("批量之前"))
    Turn.objects.filter(episode=episode).update(translation="批量之后")
    assert found("批量之前")
    with django_capture_on_commit_callbacks(execute=True):
        episodes_changed.send(sender=None, episode_ids=[episode.pk])
    assert not found("批量之前") and found("批量之后")


def test_index_follows_tag_edits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = make_episode("tags.md", people=["Ada Park"])
    with django_capture_on_commit_callbacks(execute=True):
        episode.people.add("Grace Hopper")
    assert found("grace hopper")
    from archive.models import Person
    with django_capture_on_commit_callbacks(execute=True):
        person = Person.objects.get(name="Ada Park")
        person.name = "Ada Lovelace"
        person.save()
    assert found("ada lovelace") and not found("ada park")


def test_reindexing_an_unchanged_episode_writes_nothing(reindex):
    make_episode(sections=turns("一", "二"))
    reindex()
    before = set(SearchDocument.objects.values_list("pk", flat=True))
    reindex()
    assert set(SearchDocument.objects.values_list("pk", flat=True)) == before


def test_rebuild_gives_the_same_results(reindex):
    from archive.search_index import rebuild_index
    make_episode("r.md", sections=turns("重建索引", "芯片"))
    reindex()
    before = found("芯片"), found("重建索引"), found("芯")
    rebuild_index()
    assert (found("芯片"), found("重建索引"), found("芯")) == before


def test_a_deferred_bulk_import_builds_the_index_once_at_the_end(django_capture_on_commit_callbacks):
    from archive.search_index import deferred
    with django_capture_on_commit_callbacks(execute=True):
        with deferred():
            make_episode("bulk-1.md", sections=turns("延后建立"))
            assert not SearchDocument.objects.exists()
    assert found("延后建立")


def test_private_use_characters_do_not_pass_for_ascii(reindex):
    make_episode("pua.md", sections=turns("\ue061\ue062 and \ue100x"))
    make_episode("ascii.md", sections=turns("ab"))
    reindex()
    assert {slug for slug, _ in found("ab")} == {"ascii"}
    assert {slug for slug, _ in found("\ue061\ue062")} == {"pua"}
    assert {slug for slug, _ in found("\ue100")} == {"pua"}
    assert {slug for slug, _ in found("\ue100x")} == {"pua"}
