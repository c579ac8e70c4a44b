"""Search: exact substrings, in any language, through the index of ``search_index``.

A query matches a document when the folded query is a substring of the folded text,
nothing looser: ``向量数据库`` never matches ``向量`` and ``数据库`` apart, ``泡沫``
finds every ``泡沫``. The database index only narrows the candidates to documents
holding every character pair of the query (SQLite) or its trigrams (PostgreSQL),
never a scan of every turn; a substring test on the candidates decides.

Results are grouped by episode and ranked by the best field matched (title, names,
summary, heading, then turns), then by the number of matching texts, newest first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Count, F, Min, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Episode, Heading, SearchDocument, Turn
from .rendering import fold, plain
from .search_index import GRAMS_TABLE, gram_token, names_of, turn_text

Field = SearchDocument.Field
MAX_QUERY = 200
TURN_HITS_PER_EPISODE = 3
RESULTS_PER_PAGE = 20
SNIPPET_CONTEXT = 60
_QUOTES = "\"'“”‘’「」『』"


def normalise_query(query: str | None) -> str:
    """The query as matched: surrounding quotes dropped, white space runs one space,
    folded to lower case like the indexed text."""
    query = re.sub(r"\s+", " ", (query or "")).strip().strip(_QUOTES).strip()
    return fold(query[:MAX_QUERY])


def matching_documents(query: str, episodes):
    """The documents of ``episodes`` that contain the normalised ``query``."""
    documents = SearchDocument.objects.filter(episode_id__in=episodes.values("pk"))
    if not query:
        return documents.none()
    vendor = connection.vendor
    if vendor == "sqlite":
        grams = [query] if len(query) <= 2 else sorted({query[i:i + 2] for i in range(len(query) - 1)})
        match = " AND ".join(f'"{gram_token(gram)}"' for gram in grams)
        documents = documents.filter(pk__in=RawSQL(
            f"SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH %s", [match]
        ))
    elif vendor == "postgresql" and len(query) < 3:
        # pg_trgm cannot use its index for fewer than three characters.
        documents = documents.filter(RawSQL(
            "string_to_array(\"archive_searchdocument\".\"grams\", ' ') @> ARRAY[%s]::text[]",
            [gram_token(query)], output_field=BooleanField(),
        ))
    return documents.filter(text__contains=query)


@dataclass
class Hit:
    field: int
    position: int | None
    snippet: SafeString
    anchor: str


@dataclass
class Result:
    episode: Episode
    count: int
    best: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def best_label(self) -> str:
        return Field(self.best).label


def search(query: str, episodes, page_number=1, per_page=RESULTS_PER_PAGE):
    """A page of ``Result`` for ``query`` over ``episodes`` (a public queryset)."""
    normalised = normalise_query(query)
    documents = matching_documents(normalised, episodes)
    grouped = (
        documents.values("episode_id")
        .annotate(best=Min("field"), count=Count("id"))
        .order_by("best", "-count", "-episode__date", "episode_id")
    )
    page = Paginator(grouped, per_page).get_page(page_number)
    rows = list(page.object_list)
    by_id = Episode.objects.in_bulk([row["episode_id"] for row in rows])
    results = [
        Result(episode=by_id[row["episode_id"]], count=row["count"], best=row["best"])
        for row in rows if row["episode_id"] in by_id
    ]
    _attach_hits(normalised, documents, results)
    page.object_list = results
    return page


def _attach_hits(query: str, documents, results: list[Result]) -> None:
    """The first matching text of each field of each result, and the first few turns,
    with a highlighted snippet: a constant number of queries, whatever the hits."""
    if not results:
        return
    by_episode = {result.episode.pk: result for result in results}
    hits = list(
        documents.filter(episode_id__in=by_episode)
        .annotate(rank=Window(
            RowNumber(), partition_by=[F("episode_id"), F("field")], order_by=[F("position")]
        ))
        .filter(Q(rank=1) | Q(field=Field.TURN, rank__lte=TURN_HITS_PER_EPISODE))
        .values_list("episode_id", "field", "position")
        .order_by("episode_id", "field", "position")
    )
    texts = _display_texts(hits, by_episode)
    for episode_id, field_, position in hits:
        result = by_episode[episode_id]
        candidates = texts.get((episode_id, field_, position), [])
        text = next((text for text in candidates if query in fold(text)), "")
        if field_ == Field.TURN:
            anchor = f"#t-{position}"
        elif field_ == Field.HEADING:
            anchor = f"#s-{position}"
        else:
            anchor = ""
        result.hits.append(Hit(field_, position, highlight(text, query), anchor))


def _display_texts(hits, by_episode) -> dict:
    """(episode, field, position) -> the shown texts that a document was made of."""
    texts: dict = {}
    wanted = {(episode_id, field_) for episode_id, field_, _ in hits}
    turn_keys = {(e, p) for e, f, p in hits if f == Field.TURN}
    heading_keys = {(e, p) for e, f, p in hits if f == Field.HEADING}
    if turn_keys:
        turns = Turn.objects.filter(
            episode_id__in={e for e, _ in turn_keys}, position__in={p for _, p in turn_keys}
        ).only("episode_id", "position", "kind", "speaker_label", "translation", "english", "verbatim")
        for turn in turns:
            if (turn.episode_id, turn.position) in turn_keys:
                texts[(turn.episode_id, Field.TURN, turn.position)] = [turn_text(turn)]
    if heading_keys:
        headings = Heading.objects.filter(
            episode_id__in={e for e, _ in heading_keys}, position__in={p for _, p in heading_keys}
        ).only("episode_id", "position", "title")
        for heading in headings:
            texts[(heading.episode_id, Field.HEADING, heading.position)] = [plain(heading.title)]
    named = [episode_id for episode_id, field_ in wanted if field_ == Field.NAMES]
    if named:
        for episode_id, name in names_of(named):
            texts.setdefault((episode_id, Field.NAMES, None), []).append(name)
    for episode_id, result in by_episode.items():
        episode = result.episode
        texts[(episode_id, Field.TITLE, None)] = [plain(episode.title)]
        texts[(episode_id, Field.SUMMARY, None)] = [plain(episode.summary), plain(episode.insight)]
    return texts


def highlight(text: str, query: str, context: int = SNIPPET_CONTEXT) -> SafeString:
    """A window of ``text`` around the first match of ``query``, every match in it
    wrapped in ``<mark>``, everything else escaped."""
    folded = fold(text)
    first = folded.find(query) if query else -1
    if first < 0:
        return mark_safe(escape(text[: context * 2]))
    start = max(0, first - context)
    end = min(len(text), first + len(query) + context)
    parts, at = [], start
    while True:
        found = folded.find(query, at, end)
        if found < 0 or found + len(query) > end:
            break
        parts.append(escape(text[at:found]))
        parts.append(f"<mark>{escape(text[found:found + len(query)])}</mark>")
        at = found + len(query)
    parts.append(escape(text[at:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)
