"""Search finds exactly what a plain scan finds, on the shared half of the archive.

The scan reads every public episode's texts through the ORM, makes them readable with
``rendering.plain`` and folds them with ``str.lower`` and OpenCC, then keeps the
episodes in which each term is a substring of some text: no index, no filter.
"""
from __future__ import annotations

import re

import pytest

from archive.codec import speaker_name
from archive.models import Episode, Heading, Turn
from archive.search import parse, search
from archive.search.documents import names_of
from archive.search.query import matches
from archive.search.textfold import to_simplified
from archive.text import fold as lower
from archive.text import plain
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.archive.search.imported import imported

QUERIES = [
    # Multi-word, in any order and both languages.
    "Nvidia 泡沫", "泡沫 nvidia", "英伟达 护城河", "AI 泡沫 芯片", "open ai", "the of and",
    # Phrases, with and without spaces.
    '"I don\'t think"', '"data center"', '"向量数据库"', "“人工智能”", '"of the"',
    # Simplified and traditional folded together.
    "超級歪", "超级歪", "數據", "臺灣", "人工智慧",
    # Common, short, and absent.
    "the", "的", "AI", "泡沫", "。", "zzqqxx", '"泡沫 zzqqxx"',
    # Latin words whole, unless a * opens an end.
    "ai*", "*ai", "*ai*", "chain*", "AI泡沫", "gpt-4",
]


@pytest.fixture(scope="module")
def shared_archive(archive_notes_dir, django_db_setup, django_db_blocker):
    """The shared archive imported and indexed once for the module, rolled back after."""
    with django_db_blocker.unblock(), imported(archive_notes_dir):
        yield _readable_texts()


def _fold(text: str) -> str:
    return to_simplified(lower(text))


def _readable_texts() -> dict[int, list[str]]:
    """Episode id -> every folded text a reader sees of it (public episodes)."""
    texts: dict[int, list[str]] = {}
    episodes = Episode.objects.public()
    ids = list(episodes.values_list("pk", flat=True))
    for pk, title, summary, insight in episodes.values_list("pk", "title", "summary", "insight"):
        texts[pk] = [plain(title), plain(summary), plain(insight)]
    for episode_id, name in names_of(ids):
        texts[episode_id].append(" ".join(name.split()))
    for episode_id, title in Heading.objects.filter(episode_id__in=ids).values_list("episode_id", "title"):
        texts[episode_id].append(plain(title))
    rows = Turn.objects.filter(episode_id__in=ids).exclude(kind=Turn.Kind.COMMENT)
    for episode_id, kind, label, translation, english, verbatim in rows.values_list(
        "episode_id", "kind", "speaker_label", "translation", "english", "verbatim"
    ):
        if kind == Turn.Kind.RAW:
            texts[episode_id].append(plain(verbatim))
        else:
            texts[episode_id] += [speaker_name(label), plain(translation), plain(english)]
    return {pk: [_fold(text) for text in parts if text] for pk, parts in texts.items()}


def _word_pattern(term) -> re.Pattern:
    """A term's rule written out: a Latin letter or digit at an end of the term, unless
    a ``*`` stands there, has no Latin letter or digit beside it."""
    word = "[0-9a-z]"
    start = "" if term.open_start or not re.match(word, term.folded) else f"(?<!{word})"
    end = "" if term.open_end or not re.search(word + "$", term.folded) else f"(?!{word})"
    return re.compile(start + re.escape(term.folded) + end)


def scan(texts, query) -> set[int]:
    patterns = [_word_pattern(term) for term in parse(query)]
    return {pk for pk, parts in texts.items()
            if patterns and all(any(p.search(part) for part in parts) for p in patterns)}


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_what_a_scan_finds(shared_archive, query):
    public = Episode.objects.public()
    found = {match.episode_id for match in matches(parse(query), public.values_list("pk", flat=True))}
    expected = scan(shared_archive, query)
    assert found == expected
    assert search(query, public).paginator.count == len(expected)


@pytest.mark.django_db
def test_the_shared_archive_has_what_the_queries_test(shared_archive):
    """The queries mean something here: phrases are narrower than their words,
    traditional queries find simplified text, some queries find nothing."""
    assert scan(shared_archive, '"I don\'t think"') < scan(shared_archive, "I don't think")
    assert scan(shared_archive, "超級歪") and scan(shared_archive, "超級歪") == scan(shared_archive, "超级歪")
    assert scan(shared_archive, "Nvidia 泡沫") < scan(shared_archive, "泡沫")
    assert not scan(shared_archive, "zzqqxx")


@pytest.mark.django_db
def test_a_term_s_top_hit_stays_near_the_top_with_another_term(shared_archive):
    """Ranking rewards the terms together and in the title: the best episode for
    ``泡沫`` holds ``AI`` too, and stays among the first ten for ``AI 泡沫``."""
    public = Episode.objects.public()
    top = search("泡沫", public).object_list[0].episode.pk
    assert top in scan(shared_archive, "AI 泡沫")
    assert top in [result.episode.pk for result in search("AI 泡沫", public, per_page=10).object_list]
