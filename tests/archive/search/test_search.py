"""Search: terms and phrases matched exactly in both scripts, ranked, following edits."""
from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import F

from archive.models import Episode, Person, SearchText, Turn
from archive.search import (
    follow,
    image,
    index,
    index_episodes,
    parse,
    plan_pass,
    rebuild_index,
    repair,
    search,
)
from archive.search.query import highlight, loosened
from archive.signals import episodes_changed
from tests.archive.public import fresh_page_cache, reindex  # noqa: F401
from tests.factories import make_episode, turn_style

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_image():
    image.forget()
    yield
    image.forget()


def found(query, **kwargs):
    page = search(query, Episode.objects.public(**kwargs), per_page=1000)
    return {result.episode.slug for result in page.object_list}


def turns(*texts):
    return [("一", [("Host", text, None) for text in texts])]


def test_a_phrase_matches_only_where_it_is_whole(reindex):
    make_episode("whole.md", sections=turns("我们需要向量数据库来检索。"))
    make_episode("apart.md", sections=turns("向量很重要，数据库也很重要。", "向量 数据库"))
    reindex()
    assert found("向量数据库") == {"whole"}
    assert found("向量") == {"whole", "apart"}


def test_space_separated_terms_are_all_required_in_any_order(reindex):
    make_episode("both.md", sections=turns("Nvidia 的估值", "这是泡沫吗"))
    make_episode("one.md", sections=turns("Nvidia 很强"))
    reindex()
    assert found("Nvidia 泡沫") == {"both"}
    assert found("泡沫 nvidia") == {"both"}
    assert found("nvidia") == {"both", "one"}


def test_quotes_make_one_phrase_with_its_spaces(reindex):
    make_episode("phrase.md", sections=[("一", [("Host", "中文。", "I don't think so")])])
    make_episode("apart.md", sections=[("一", [("Host", "中文。", "think: I don't")])])
    reindex()
    assert found('"I don\'t think"') == {"phrase"}
    assert found("“i don't think”") == {"phrase"}
    assert found("I don't think") == {"phrase", "apart"}
    assert found('"don\'t  think"') == {"phrase"}                 # white space runs


def test_a_match_never_spans_two_texts(reindex):
    make_episode("split.md", sections=turns("结尾是向量", "数据库开头"))
    reindex()
    assert found("向量数据库") == set()
    assert found("向量 数据库") == {"split"}


def test_simplified_and_traditional_are_folded_together(reindex):
    make_episode("simple.md", sections=turns("这是超级歪的说法"))
    make_episode("traditional.md", sections=turns("這是超級歪的說法"))
    reindex()
    assert found("超級歪") == {"simple", "traditional"}
    assert found("超级歪") == {"simple", "traditional"}


def test_english_in_any_case_and_exact(reindex):
    make_episode("en.md", sections=[("一", [("Host", "中文。", "We bought NVIDIA chips. Vector databases!")])])
    reindex()
    for query in ("nvidia", "NVIDIA", "Nvidia", '"vector databases"', "*S!"):
        assert found(query) == {"en"}, query
    assert found("vectors") == set()


def test_latin_terms_match_whole_words_unless_a_star_opens_an_end(reindex):
    make_episode("word.md", sections=turns("AI 的泡沫", "AIs everywhere"))
    make_episode("inside.md", sections=turns("OpenAI 的 chain 泡沫"))
    make_episode("mixed.md", sections=turns("这是AI泡沫吗"))
    reindex()
    assert found("AI") == {"word", "mixed"}
    assert found("ai*") == {"word", "mixed"}
    assert found("*ai") == {"word", "inside", "mixed"}
    assert found("*ai*") == {"word", "inside", "mixed"}
    assert found("chain") == {"inside"} and found("chai") == set() and found("chai*") == {"inside"}
    page = search("ai", Episode.objects.public(), per_page=1000)
    assert all(result.count == 1 for result in page.object_list)
    assert found("泡") == {"word", "inside", "mixed"}    # Chinese: no word boundaries


def test_a_star_is_kept_in_what_the_query_reads_back():
    terms = parse("ai* *x* 泡沫")
    assert [(t.folded, t.open_start, t.open_end) for t in terms] == [
        ("ai", False, True), ("x", True, True), ("泡沫", False, False)]
    assert parse(" ".join(t.shown for t in terms)) == terms


def test_wildcards_and_markup_are_plain_characters(reindex):
    make_episode("p.md", sections=turns("增长100%了", "a_b", "这是**AI泡沫**吗"))
    reindex()
    assert found("100%") == {"p"} and found("a%b") == set()
    assert found("ai泡沫吗") == {"p"} and found("**") == set()


def test_speaker_and_entity_names_are_found(reindex):
    make_episode("n.md", people=["Sam Altman"], companies=["OpenAI"], guest="Lex Fridman",
                 tags=["向量数据库"], sections=[("一", [("[Paul Iusztin]", "你好。", None)])])
    reindex()
    for query in ('"sam altman"', "openai", '"lex fridman"', '"paul iusztin"', "向量数据库"):
        assert found(query) == {"n"}, query


def test_comments_are_not_searched_and_raw_blocks_are(reindex):
    episode = make_episode("c.md", sections=turns("正文"))
    Turn.objects.create(episode=episode, position=50, kind=Turn.Kind.COMMENT, verbatim="<!-- 秘密注释 -->",
                        style=turn_style())
    Turn.objects.create(episode=episode, position=51, kind=Turn.Kind.RAW, verbatim="| 表格内容 |",
                        style=turn_style())
    reindex()
    assert found("秘密注释") == set()
    page = search("表格内容", Episode.objects.public())
    assert page.object_list[0].hits[0].url.endswith("#t-51")


def test_results_are_ranked_by_field_then_hits_and_highlighted(reindex):
    make_episode("in-turns.md", title="别的", date="2025-01-01",
                 sections=turns("泡沫一", "泡沫二", "泡沫三", "泡沫四"))
    make_episode("fewer.md", title="别的", date="2025-06-01", sections=turns("泡沫一"))
    make_episode("in-title.md", title="泡沫的历史", date="2024-01-01", sections=turns("无关"))
    make_episode("in-tags.md", title="其他", tags=["泡沫"], date="2024-01-01", sections=turns("无关"))
    make_episode("in-heading.md", title="再一个", date="2024-01-01",
                 sections=[("泡沫之问", [("Host", "无关", None)])])
    reindex()
    page = search("泡沫", Episode.objects.public())
    slugs = [result.episode.slug for result in page.object_list]
    assert slugs == ["in-title", "in-tags", "in-heading", "in-turns", "fewer"]
    in_turns = page.object_list[3]
    assert in_turns.count == 4 and len(in_turns.hits) == 3
    first = Episode.objects.get(slug="in-turns").turns.order_by("position").first()
    assert in_turns.hits[0].url == f"/episodes/in-turns/?from=search&hl=%E6%B3%A1%E6%B2%AB#t-{first.position}"
    assert "<mark>泡沫</mark>一" in in_turns.hits[0].snippet


def test_multi_word_queries_rank_terms_together_in_the_title_and_close(reindex):
    make_episode("both-in-title.md", title="AI 泡沫", date="2020-01-01", sections=turns("无关"))
    make_episode("close.md", title="别的", date="2025-01-01",
                 sections=turns("AI 泡沫就在眼前", "AI", "AI", "AI", "AI"))
    make_episode("same-turn.md", title="别的", date="2025-01-01",
                 sections=turns("AI 这个话题很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的泡沫"))
    make_episode("apart.md", title="别的", date="2025-06-01",
                 sections=turns("AI AI AI AI AI AI AI AI", "泡沫 泡沫 泡沫 泡沫"))
    make_episode("one-in-title.md", title="泡沫的历史", date="2019-01-01",
                 sections=turns("AI", "还有泡沫"))
    reindex()
    slugs = [result.episode.slug for result in search("AI 泡沫", Episode.objects.public()).object_list]
    assert slugs == ["both-in-title", "one-in-title", "close", "same-turn", "apart"]


def test_snippets_show_the_line_holding_the_most_terms(reindex):
    make_episode("e.md", title="别的", sections=turns(
        "AI 一", "AI 二", "AI 三", "AI 四", "其中" + "长" * 100 + "AI 也是泡沫"))
    reindex()
    hits = search("AI 泡沫", Episode.objects.public()).object_list[0].hits
    snippet = str(hits[0].snippet)
    assert "<mark>AI</mark> 也是<mark>泡沫</mark>" in snippet and snippet.startswith("…")


def test_a_hit_s_link_names_its_turn_and_the_words_to_mark_as_written_there(client, reindex):
    make_episode("h.md", title="别的", sections=turns("這是超級歪的 OpenAI 和 AI 泡沫"))
    reindex()
    hit = search("超级歪 ai", Episode.objects.public()).object_list[0].hits[0]
    path, _, anchor = hit.url.partition("#")
    assert anchor.startswith("t-") and client.get(path).status_code == 200
    from urllib.parse import parse_qs, urlsplit
    assert parse_qs(urlsplit(path).query)["hl"] == ["超級歪 AI"]
    html = client.get(path).content.decode()
    assert f'id="{anchor}"' in html


def test_snippets_mark_every_term_and_escape_the_rest():
    text = "甲" * 200 + "目标" + "乙" * 200
    snippet = str(highlight(text, parse("目标")))
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 160
    assert str(highlight("A <b> & a", parse("a"))) == "<mark>A</mark> &lt;b&gt; &amp; <mark>a</mark>"
    assert str(highlight("這是超級歪", parse("超级歪"))) == "這是<mark>超級歪</mark>"


def test_parse_reads_terms_phrases_and_drops_what_cannot_match():
    assert [t.folded for t in parse('Nvidia  "I don\'t think" 泡沫')] == ["nvidia", "i don't think", "泡沫"]
    assert [t.folded for t in parse("「超級 歪」 x X")] == ["超级 歪", "x"]
    assert parse('"" “” " ') == []
    assert parse("a\x00b \ud800 c") == parse("ab c")
    assert len(parse(" ".join(f"w{n}" for n in range(50)))) == 8
    assert sum(len(t.shown) for t in parse("长" * 10_000)) == 200


def test_loosening_suggests_dropping_terms_and_quotes():
    suggestions = dict(loosened(parse('泡沫 "vector database"')))
    assert suggestions == {
        "去掉「泡沫」": '"vector database"',
        "去掉「vector database」": "泡沫",
        "拆开「vector database」": "泡沫 vector database",
    }


def test_search_page_counts_links_and_paginates(client, reindex):
    for number in range(25):
        make_episode(f"e{number:02}.md", sections=turns(f"第{number}个芯片"))
    reindex()
    html = client.get("/search/?q=芯片").content.decode()
    assert "25 期节目含" in html and html.count('class="result"') == 20
    second = client.get("/search/?q=芯片&page=2").content.decode()
    assert second.count('class="result"') == 5
    position = Episode.objects.get(slug="e00").turns.get().position
    assert f'href="/episodes/e00/?from=search&amp;hl=%E8%8A%AF%E7%89%87#t-{position}"' in html + second


def test_no_results_page_says_so_and_suggests_looser_queries(client, reindex):
    make_episode("x.md", sections=turns("泡沫"))
    reindex()
    html = client.get("/search/", {"q": "泡沫 不存在的词"}).content.decode()
    assert "没有找到「泡沫」「不存在的词」" in html
    assert "去掉「不存在的词」" in html and "?q=%E6%B3%A1%E6%B2%AB" in html


@pytest.mark.parametrize("q", [
    "%00", "a%00b", "%22%22", "%22", "%E2%80%9C%E2%80%9D", "%ED%A0%80", "%F0%9F%98%80",
    "x" * 5000, "%C0%AF", "%0A%0D%09", "a" * 300 + "%00",
])
def test_invalid_input_gives_a_page(client, reindex, q):
    make_episode("y.md", sections=turns("正文"))
    reindex()
    for path in ("/search/", "/search/suggest/"):
        response = client.get(f"{path}?q={q}")
        # A NUL may be refused as a bad request (404) before the view; never a 500.
        assert response.status_code == (404 if "%00" in q else 200), (path, q)


def test_empty_and_blank_queries_show_the_form(client):
    assert client.get("/search/").status_code == 200
    assert "期节目含" not in client.get("/search/?q=%20%22%22").content.decode()
    assert "没有找到" not in client.get("/search/?q=%20%22%22").content.decode()


def test_suggest_answers_the_first_few_results_as_json(client, reindex):
    for number in range(7):
        make_episode(f"s{number}.md", title=f"<b>标题{number}</b>", sections=turns("边打边搜"))
    reindex()
    data = client.get("/search/suggest/", {"q": "边打边搜"}).json()
    assert data["count"] == 7 and len(data["results"]) == 5
    assert data["results"][0]["url"].startswith("/episodes/s")
    assert "<" not in data["results"][0]["snippet"] + data["results"][0]["title"]


def test_suggestions_show_each_title_once(client, reindex):
    make_episode("t.md", title="泡沫的历史", sections=turns("这一段也谈泡沫"))
    make_episode("only.md", title="泡沫之外", sections=turns("无关"))
    reindex()
    results = {r["title"]: r for r in client.get("/search/suggest/", {"q": "泡沫"}).json()["results"]}
    assert results["泡沫的历史"]["snippet"] == "这一段也谈泡沫"
    assert "#t-" in results["泡沫的历史"]["url"]
    assert results["泡沫之外"]["snippet"] == ""


def test_the_header_loads_search_as_you_type_from_a_file(client):
    html = client.get("/search/").content.decode()
    assert 'src="/static/archive/search.js"' in html
    assert "<script>" not in html


# Following edits --------------------------------------------------------------

def test_the_listener_reindexes_after_the_commit(django_capture_on_commit_callbacks):
    episode = make_episode("live.md", sections=turns("旧的说法"))
    index_episodes([episode.pk])
    Turn.objects.filter(episode=episode).update(translation="新的说法")
    Episode.objects.filter(pk=episode.pk).update(version=F("version") + 1)
    with django_capture_on_commit_callbacks(execute=True):
        episodes_changed.send(sender=None, episode_ids=[episode.pk])
    assert found("新的说法") == {"live"} and found("旧的说法") == set()


def test_a_deleted_episode_leaves_the_index():
    episode = make_episode("gone.md", sections=turns("将被删除"))
    index_episodes([episode.pk])
    assert found("将被删除") == {"gone"}
    episode.delete()
    assert not SearchText.objects.exists() and found("将被删除") == set()
    index_episodes([episode.pk])          # indexing a deleted episode drops its row
    assert not SearchText.objects.exists()


def test_a_tag_rename_reaches_the_index_through_the_signal(django_capture_on_commit_callbacks):
    episode = make_episode("tags.md", people=["Ada Park"])
    index_episodes([episode.pk])
    Person.objects.filter(name="Ada Park").update(name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        episodes_changed.send(sender=None, episode_ids=[episode.pk])
    assert found('"ada lovelace"') == {"tags"} and found('"ada park"') == set()


def test_unlisted_and_draft_episodes_follow_visibility_without_reindexing(settings, reindex):
    make_episode("hidden.md", exclude=True, sections=turns("看不见"))
    make_episode("draft.md", draft=True, sections=turns("看不见"))
    reindex()
    assert found("看不见") == {"draft"}
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    assert found("看不见") == set()


def test_repair_finds_missing_lagging_and_nothing_else():
    one = make_episode("one.md", sections=turns("第一"))
    two = make_episode("two.md", sections=turns("第二"))
    assert repair() == 2
    assert repair() == 0
    Turn.objects.filter(episode=two).update(translation="改过")
    Episode.objects.filter(pk=two.pk).update(version=F("version") + 1)
    before = SearchText.objects.get(episode=one).pk
    assert repair() == 1
    assert SearchText.objects.get(episode=one).pk == before
    assert found("改过") == {"two"}


def test_the_policy_rebuilds_when_most_of_the_archive_changed():
    assert plan_pass(0, 0) == "update"
    assert plan_pass(1, 100) == "update"
    assert plan_pass(50, 100) == "update"
    assert plan_pass(51, 100) == "rebuild"
    assert plan_pass(1, 1) == "rebuild"


def test_follow_applies_the_policy(monkeypatch):
    episodes = [make_episode(sections=turns("政策")) for _ in range(3)]
    calls = []
    monkeypatch.setattr("archive.search.index.rebuild_index", lambda: calls.append("rebuild"))
    monkeypatch.setattr("archive.search.index.index_episodes", lambda ids: calls.append(sorted(ids)))
    follow([episodes[0].pk])
    follow([episode.pk for episode in episodes])
    follow(None)
    assert calls == [[episodes[0].pk], "rebuild", "rebuild"]


def test_the_changes_of_one_transaction_are_followed_once_after_it_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(index, "_following", index.AfterCommit(lambda ids: calls.append(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first = make_episode("one.md", sections=turns("一次"))
            second = make_episode("two.md", sections=turns("两次"))
            for episode in (first, second, first):
                episodes_changed.send(sender=None, episode_ids=[episode.pk])
            assert calls == []
    assert calls == [{first.pk, second.pk}]


def test_what_a_rolled_back_transaction_announced_is_followed_by_the_next_commit(
    django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            episode = make_episode("gone.md", sections=turns("回滚"))
            episodes_changed.send(sender=None, episode_ids=[episode.pk])
            raise RuntimeError
        kept = make_episode("kept.md", sections=turns("保留下来"))
        episodes_changed.send(sender=None, episode_ids=[kept.pk])
    assert found("保留下来") == {"kept"}
    assert found("回滚") == set()


def test_rebuild_gives_the_same_results(reindex):
    make_episode("r.md", sections=turns("重建索引", "芯片"))
    reindex()
    before = found("芯片"), found("重建索引"), found("芯")
    assert rebuild_index() == 1
    image.forget()
    assert (found("芯片"), found("重建索引"), found("芯")) == before


def test_another_process_writes_are_seen_by_the_next_search(reindex):
    make_episode("a.md", sections=turns("最初"))
    reindex()
    assert found("最初") == {"a"}
    make_episode("b.md", sections=turns("最初"))
    reindex()                       # as another process would: new rows, same image
    assert found("最初") == {"a", "b"}


def test_a_row_written_again_under_the_same_id_is_read_again():
    """After a rollback the database hands out the same ids again: the image must
    not take a new row for the old one."""
    from archive.search.index import COLUMNS, rows_for
    episode = make_episode("again.md", sections=turns("第一版"))
    index_episodes([episode.pk])
    assert found("第一版") == {"again"}
    old = SearchText.objects.get()
    Turn.objects.filter(episode=episode).update(translation="第二版")
    SearchText.objects.all().delete()
    SearchText.objects.create(id=old.pk, **dict(zip(COLUMNS, rows_for([episode.pk])[0])))
    assert found("第二版") == {"again"} and found("第一版") == set()


def test_filters_never_rule_out_an_episode_that_holds_the_term():
    """No false negatives, for any text and any substring of it (property)."""
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from archive.search.signature import Filters, build

    alphabet = st.sampled_from("abcAB the泡沫的𝄞\ue061 .'")

    @hypothesis_settings(max_examples=300, deadline=None)
    @given(st.text(alphabet, min_size=1, max_size=60), st.data())
    def holds(text, data):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        filters = Filters([build("other text"), build(text)])
        assert filters.may_hold(text[start:end])[1]

    holds()


def test_the_quick_reading_of_a_text_is_plain_s():
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from archive.search.documents import shown
    from archive.text import plain

    @hypothesis_settings(max_examples=500, deadline=None)
    @given(st.text(st.sampled_from("ab 泡\n\t\u3000*_<>[]()&;#x!-/"), max_size=40))
    def same(text):
        assert shown(text) == plain(text)

    same()


def test_the_narrow_copies_hold_their_terms_as_often_and_where_the_text_does():
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from archive.search.documents import Field
    from archive.search.packed import field_at, pack, unpack

    line = st.text(st.sampled_from("ab .泡沫é𝄞\x01"), min_size=1, max_size=12)

    @hypothesis_settings(max_examples=400, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(list(Field)), line), max_size=8),
           st.text(st.sampled_from("ab .泡沫é𝄞"), min_size=1, max_size=3))
    def same(lines, needle):
        lines = sorted(lines, key=lambda pair: pair[0])
        packed = pack([(field, None, text) for field, text in lines])
        unpacked = unpack(packed.text, packed.layout)
        whole, word = unpacked.text, needle.encode()
        view, wanted = unpacked.view_for(needle)
        assert whole.count(word) == view.text.count(wanted)
        if word in whole:
            assert field_at(unpacked, whole.find(word)) == field_at(view, view.text.find(wanted))

    same()


def test_a_match_s_line_is_the_line_around_its_offset():
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from archive.search.packed import Lines

    @hypothesis_settings(max_examples=300, deadline=None)
    @given(st.text(st.sampled_from("ab\n泡"), max_size=30), st.data())
    def around(text, data):
        encoded = text.encode()
        offset = data.draw(st.integers(0, len(encoded)))
        number, first, end = Lines(encoded).at(offset)
        assert encoded[:first].count(b"\n") == number
        assert first == 0 or encoded[first - 1:first] == b"\n"
        assert b"\n" not in encoded[first:end] and (end == len(encoded) or encoded[end:end + 1] == b"\n")
        assert first <= offset <= end

    around()
