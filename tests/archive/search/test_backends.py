"""The postings backend answers every query exactly as the scan backend does: the same
episodes, each with the same field, counts, closeness and title hits, so the same
ranked list; and it follows edits, imports and deletions made after its index was
written.

Run over the corpus (always) with terms drawn from its texts, and over the shared
half of the archive (when present) with the bench's and the recall test's queries.
"""
from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from archive.models import Episode, SearchText, Turn
from archive.search import index_episodes, parse, search
from archive.search.backends import backend, postings
from archive.search.packed import unpack
from archive.search.postings.writer import CURRENT, write_index
from tests.archive.search.imported import imported

QUERIES = [
    # The bench's queries.
    "the", "的", "AI", "泡沫", "人工智能", "向量数据库", "Nvidia", "超級歪",
    "Nvidia 泡沫", "英伟达 护城河", "AI 泡沫 芯片",
    '"I don\'t think"', '"the data center is the computer"', "“人工智能的发展”",
    "zzqqxx", '"泡沫 zzqqxx"', "没有这个词语的节目",
    # The recall test's.
    "泡沫 nvidia", "open ai", "the of and", '"data center"', '"向量数据库"', "“人工智能”", '"of the"',
    "超级歪", "數據", "臺灣", "人工智慧", "。", "ai*", "*ai", "*ai*", "chain*", "AI泡沫", "gpt-4",
    # Words cut by wildcards, punctuation, mixed scripts, self-overlapping terms.
    "a*", "*ing", "*tion*", "*e*", "c++", "++", "...", "哈哈", "啊啊啊", "“", "i.e.", "ai 的 the",
    "*ai泡沫", "gpt*", "1", "*0*", "2025", "open-source", "don't", "what's the", "e", "嗯，",
]


def _public_ids():
    return list(Episode.objects.public().values_list("pk", flat=True))


def _ranked(name: str, query: str, ids) -> list:
    return sorted(backend(name).matches(parse(query), ids), key=lambda match: match.rank)


def assert_same(query: str, ids=None) -> list:
    ids = _public_ids() if ids is None else ids
    expected = _ranked("scan", query, ids)
    assert _ranked("postings", query, ids) == expected, query
    return expected


def _imported(folder: Path, index_folder: Path):
    """``folder`` imported and indexed (rows and postings), rolled back after."""
    with imported(folder), override_settings(SEARCH_INDEX_DIR=index_folder):
        write_index()
        postings.forget()
        try:
            yield
        finally:
            postings.forget()


@pytest.fixture(scope="module")
def corpus(corpus_dir, django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        for _ in _imported(corpus_dir / "real", tmp_path_factory.mktemp("postings")):
            texts = [unpack(bytes(text), bytes(layout)).text.decode()
                     for text, layout in SearchText.objects.values_list("text", "layout")]
            yield texts


@pytest.fixture(scope="module")
def shared_archive(archive_notes_dir, django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        yield from _imported(archive_notes_dir, tmp_path_factory.mktemp("postings"))


_TRADITIONAL = opencc.OpenCC("s2t")
_PIECE = re.compile(r"[0-9a-z]+|[^\x00-\x7f]+")


@st.composite
def queries(draw, texts):
    """A query of one to three terms, each a piece of some text (a whole word or run,
    or any slice), written as a reader might: quoted, with wildcards, upper case,
    in traditional characters."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from(texts))
        if draw(st.booleans()):
            pieces = _PIECE.findall(text) or [text]
            piece = draw(st.sampled_from(pieces))
            start = draw(st.integers(0, max(0, len(piece) - 1)))
            piece = piece[start:start + draw(st.integers(1, 8))] if not piece.isascii() else piece
        else:
            start = draw(st.integers(0, max(0, len(text) - 1)))
            piece = text[start:start + draw(st.integers(1, 16))].replace("\n", " ")
        form = draw(st.sampled_from(["plain", "quoted", "end", "start", "both", "upper", "traditional"]))
        piece = {
            "quoted": f'"{piece}"', "end": f"{piece}*", "start": f"*{piece}", "both": f"*{piece}*",
            "upper": piece.upper(), "traditional": _TRADITIONAL.convert(piece),
        }.get(form, piece)
        terms.append(f'"{piece}"' if " " in piece and form != "quoted" else piece)
    return " ".join(terms)


@pytest.mark.django_db
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_postings_answer_as_the_scan_does_for_terms_drawn_from_the_texts(corpus, data):
    assert_same(data.draw(queries(corpus)))


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_postings_answer_the_listed_queries_as_the_scan_does(corpus, query):
    assert_same(query)


@pytest.mark.django_db
def test_only_the_allowed_episodes_are_found(corpus):
    ids = _public_ids()
    some = ids[::3]
    assert assert_same("the", some)
    assert {match.episode_id for match in _ranked("postings", "the", some)} <= set(some)
    assert _ranked("postings", "the", []) == []


@pytest.mark.django_db
def test_the_corpus_has_what_the_queries_test(corpus):
    """The comparisons mean something: common terms find many episodes, several terms
    rank by closeness, wildcards and overlapping terms find what exact words do not."""
    assert len(assert_same("the")) > 20
    assert {match.closeness for match in assert_same("AI 模型")} >= {0}
    assert len(assert_same("*ing")) > len(assert_same("ing"))
    assert any(match.in_title for match in assert_same("AI"))


@pytest.mark.django_db
def test_pages_show_the_same_results_and_hits(corpus):
    public = Episode.objects.public()
    for query in ["AI 泡沫", "the", '"I don\'t think"']:
        pages = []
        for name in ("scan", "postings"):
            with override_settings(SEARCH_BACKEND=name):
                page = search(query, public)
                pages.append([(r.episode.pk, r.count, r.best, [(h.field, h.position, h.snippet) for h in r.hits])
                              for r in page.object_list])
        assert pages[0] == pages[1]


@pytest.mark.django_db
def test_edits_imports_and_deletions_after_the_index_are_followed(corpus):
    episode = Episode.objects.order_by("pk").first()
    turn = episode.turns.filter(kind=Turn.Kind.TURN).exclude(translation=None).first()
    Turn.objects.filter(pk=turn.pk).update(translation="独一无二的新词语 zqxwords")
    Episode.objects.filter(pk=episode.pk).update(version=episode.version + 1)
    index_episodes([episode.pk])
    assert [match.episode_id for match in assert_same("zqxwords 独一无二")] == [episode.pk]
    old = turn.translation[:6].strip()
    if old:
        assert_same(old)

    deleted = Episode.objects.order_by("-pk").first()
    assert deleted.pk in {match.episode_id for match in assert_same("the")} | {deleted.pk}
    Episode.objects.filter(pk=deleted.pk).delete()
    index_episodes([deleted.pk])
    assert deleted.pk not in {match.episode_id for match in assert_same("the", _public_ids() + [deleted.pk])}


@pytest.mark.django_db
def test_a_half_written_index_is_never_read(corpus, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path
    postings.forget()
    (tmp_path / ".building-1-dead").mkdir()          # a build killed midway
    assert assert_same("the")                        # no index yet: every row as the delta
    write_index()
    assert (tmp_path / CURRENT).is_symlink()
    assert assert_same("the")
    write_index()
    write_index()
    assert len(list(tmp_path.glob("index-*"))) == 2  # the current one and the one before
    postings.forget()


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_postings_answer_as_the_scan_does_on_the_shared_archive(shared_archive, query):
    assert_same(query)
