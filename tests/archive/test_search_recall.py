"""Search recall on the real corpus equals a plain substring scan, query by query."""
from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction

from archive.models import Episode
from archive.rendering import fold
from archive.search import matching_documents, normalise_query, search
from archive.search_index import documents_of, rebuild_index
from tests.archive.public import fresh_page_cache  # noqa: F401

QUERIES = [
    # Two-character Chinese words, phrases, single characters.
    "泡沫", "芯片", "模型", "数据", "美国", "向量数据库", "人工智能", "数据中心", "机器学习",
    "泡", "的", "。",
    # English in any case, short and long.
    "AI", "ai", "NVIDIA", "bubble", "Data Center", "the", "I don't think", "go",
    # Names, punctuation and characters with a meaning elsewhere.
    "Gavin Baker", "Karpathy", "%", "_", "&", "(", '"', "'s", ">>", "Speaker A",
]
CJK = re.compile(r"^[\u4e00-\u9fff]+$")


@pytest.fixture(scope="module")
def corpus_archive(django_db_setup, django_db_blocker, corpus_dir):
    """The corpus imported and indexed once for the module, rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("import_markdown", str(corpus_dir), stdout=io.StringIO())
            rebuild_index()
            texts = documents_of(Episode.objects.public().values_list("pk", flat=True))
            yield corpus_dir, texts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def scan(texts, query: str) -> set[tuple[int, int, int | None]]:
    """Every (episode, field, position) whose shown text contains the query: the plain
    substring scan, over every text of every public episode, without the index."""
    wanted = normalise_query(query)
    if not wanted:
        return set()
    return {(pk, field, position) for pk, field, position, text in texts if wanted in text}


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_recall_equals_a_substring_scan(corpus_archive, query):
    documents = matching_documents(normalise_query(query), Episode.objects.public())
    found = set(documents.values_list("episode_id", "field", "position"))
    assert found == scan(corpus_archive[1], query)
    page = search(query, Episode.objects.public())
    assert page.paginator.count == len({episode_id for episode_id, _, _ in found})


@pytest.mark.django_db
@pytest.mark.parametrize("query", [query for query in QUERIES if CJK.match(query)])
def test_chinese_recall_equals_a_scan_of_the_files(corpus_archive, query):
    """Against the markdown files themselves: every file whose text (comments and bold
    markers aside) holds the query, and no other, is found."""
    expected = set()
    corpus_dir = corpus_archive[0]
    for path in corpus_dir.rglob("*.md"):
        text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        if query in text.replace("**", ""):
            expected.add(path.relative_to(corpus_dir).as_posix())
    documents = matching_documents(query, Episode.objects.public())
    found = set(documents.values_list("episode__source_path", flat=True))
    assert found == expected
    assert expected or query == "机器学习"


@pytest.mark.django_db
def test_the_corpus_phrase_is_exact(corpus_archive):
    """A phrase never matches its words apart, on real text."""
    for document in matching_documents("数据中心", Episode.objects.public()):
        assert "数据中心" in document.text
    apart = [
        d for d in matching_documents("数据", Episode.objects.public())
        if "中心" in d.text and "数据中心" not in d.text
    ]
    found = set(matching_documents("数据中心", Episode.objects.public()).values_list("pk", flat=True))
    assert apart and not found & {d.pk for d in apart}
    assert fold("ÀB") == "àb"
