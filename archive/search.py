"""Search: exact substrings, in any language, through the index of ``search_index``.

A query matches a document when the folded query is a substring of the folded text,
nothing looser: ``向量数据库`` never matches ``向量`` and ``数据库`` apart, ``泡沫``
finds every ``泡沫``. A query of one or two characters is answered by the index of
character grams alone; a longer one narrows the candidates to documents holding
every character pair of the query (SQLite) or its trigrams (PostgreSQL), and a
substring test on the candidates decides. Never a scan of every turn.

Results are grouped by episode and ranked by the best field matched (title, names,
summary, heading, then turns), then by the number of matching texts, newest first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Count, F, Min, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Episode, Heading, SearchDocument, Turn
from .rendering import fold, plain
from .search_index import GRAMS_TABLE, TURN_COLUMNS, gram_token, names_of, turn_text

Field = SearchDocument.Field
MAX_QUERY = 200
TURN_HITS_PER_EPISODE = 3
RESULTS_PER_PAGE = 20
SNIPPET_CONTEXT = 60
RESULT_FIELDS = ("slug", "title", "date", "draft", "summary", "insight")
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
    short = len(query) <= 2
    if vendor == "sqlite":
        grams = [query] if short else sorted({query[i:i + 2] for i in range(len(query) - 1)})
        match = " AND ".join(f'"{gram_token(gram)}"' for gram in grams)
        documents = documents.filter(pk__in=RawSQL(
            f"SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH %s", [match]
        ))
    elif vendor == "postgresql" and short:
        # pg_trgm cannot use its index for fewer than three characters.
        documents = documents.filter(RawSQL(
            "string_to_array(\"archive_searchdocument\".\"grams\", ' ') @> ARRAY[%s]::text[]",
            [gram_token(query)], output_field=BooleanField(),
        ))
    if short and vendor in ("sqlite", "postgresql"):
        # A one- or two-character gram is in the index exactly where it is in the text.
        return documents
    return documents.filter(text__contains=query)


@dataclass
class Hit:
    field: int
    position: int | None
    snippet: SafeString
    url: str


@dataclass
class Result:
    episode: Episode
    count: int
    best: int
    hits: list[Hit] = field(default_factory=list)

    @cached_property
    def url(self) -> str:
        return reverse("archive:episode", args=[self.episode.slug])

    @cached_property
    def title(self) -> str:
        return plain(self.episode.title) or self.episode.slug

    @property
    def best_label(self) -> str:
        return Field(self.best).label


def search(query: str, episodes, page_number=1, per_page=RESULTS_PER_PAGE):
    """A page of ``Result`` for ``query`` over ``episodes`` (a public queryset)."""
    normalised = normalise_query(query)
    documents = matching_documents(normalised, episodes)
    # Every matching episode's rank in one query (a few thousand small rows at most),
    # paginated here: no separate count query.
    grouped = list(
        documents.values_list("episode_id")
        .annotate(best=Min("field"), count=Count("id"))
        .order_by("best", "-count", "-episode__date", "episode_id")
    )
    page = Paginator(grouped, per_page).get_page(page_number)
    rows = list(page.object_list)
    by_id = Episode.objects.only(*RESULT_FIELDS).in_bulk([episode_id for episode_id, _, _ in rows])
    results = [
        Result(episode=by_id[episode_id], count=count, best=best)
        for episode_id, best, count in rows if episode_id in by_id
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
        result.hits.append(Hit(field_, position, highlight(text, query), result.url + anchor))


def _display_texts(hits, by_episode) -> dict:
    """(episode, field, position) -> the shown texts that a document was made of."""
    texts: dict = {}
    wanted = {(episode_id, field_) for episode_id, field_, _ in hits}
    turn_keys = _positions(hits, Field.TURN)
    if turn_keys:
        turns = Turn.objects.filter(_at(turn_keys)).values_list(*TURN_COLUMNS, named=True)
        for turn in turns:
            texts[(turn.episode_id, Field.TURN, turn.position)] = [turn_text(turn)]
    heading_keys = _positions(hits, Field.HEADING)
    if heading_keys:
        headings = Heading.objects.filter(_at(heading_keys)).values_list("episode_id", "position", "title")
        for episode_id, position, title in headings:
            texts[(episode_id, Field.HEADING, position)] = [plain(title)]
    named = [episode_id for episode_id, field_ in wanted if field_ == Field.NAMES]
    if named:
        for episode_id, name in names_of(named):
            texts.setdefault((episode_id, Field.NAMES, None), []).append(name)
    for episode_id, field_ in wanted:
        episode = by_episode[episode_id].episode
        if field_ == Field.TITLE:
            texts[(episode_id, field_, None)] = [plain(episode.title)]
        elif field_ == Field.SUMMARY:
            texts[(episode_id, field_, None)] = [plain(episode.summary), plain(episode.insight)]
    return texts


def _positions(hits, field_) -> dict[int, list[int]]:
    """Episode id -> positions of the hits in ``field_``."""
    found: dict[int, list[int]] = {}
    for episode_id, hit_field, position in hits:
        if hit_field == field_:
            found.setdefault(episode_id, []).append(position)
    return found


def _at(positions: dict[int, list[int]]) -> RawSQL:
    """Rows at exactly these (episode, position) places (written as SQL: building as
    many ORM conditions cost more than the query)."""
    places = [(episode_id, position) for episode_id, wanted in positions.items() for position in wanted]
    sql = " OR ".join(["(episode_id = %s AND position = %s)"] * len(places))
    return RawSQL(f"({sql})", [value for place in places for value in place], output_field=BooleanField())


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
