"""Queries: terms and phrases, matched exactly against the folded text, ranked.

The query language: terms separated by spaces, all required, in any order; text in
quotes (``"…"``, ``“…”``, ``「…」``) is one term, spaces included. A term matches an
episode when its folded form (``documents.fold``) is a substring of one of the
episode's folded lines: precision and recall are those of a plain scan. Input is
cleaned first (control characters and lone surrogates dropped, at most MAX_QUERY
characters and MAX_TERMS terms), so no input can fail.

Ranking (``Match.rank``): the best field any term matched in (title, names, summary,
headings, turns), then the total number of occurrences of the terms, then newest.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.core.paginator import Paginator
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.models import Episode, Heading, Turn
from archive.site.readership import FROM_SEARCH
from archive.site.rendering import plain

from . import image as index_image
from .documents import TURN_COLUMNS, Field, fold, names_of, turn_parts
from .packed import Unpacked, field_at, line_at

MAX_QUERY = 200
MAX_TERMS = 8
RESULTS_PER_PAGE = 20
TURN_HITS_PER_EPISODE = 3
SNIPPET_CONTEXT = 60
RESULT_FIELDS = ("slug", "title", "date", "draft", "summary", "insight")
_QUOTES = {'"': '"', "“": "”", "”": "”", "「": "」", "『": "』", "＂": "＂"}
_QUOTE_CHARACTERS = "".join(_QUOTES) + "".join(_QUOTES.values())


def clean(query: str | None) -> str:
    """The query with what no text holds removed: control characters (white space
    becomes a space), lone surrogates, unassigned code points; cut to MAX_QUERY."""
    kept = []
    for char in (query or "")[: MAX_QUERY * 2]:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(" ")
        elif category not in ("Cc", "Cs", "Cn"):
            kept.append(char)
    return "".join(kept)[:MAX_QUERY].strip()


@dataclass(frozen=True)
class Term:
    shown: str        # as typed (cleaned)
    folded: str       # as matched
    phrase: bool      # written in quotes


def parse(query: str | None) -> list[Term]:
    """The distinct terms of a query, in the order written."""
    text, terms, at = clean(query), [], 0
    while at < len(text):
        char = text[at]
        if char in _QUOTES:
            end = text.find(_QUOTES[char], at + 1)
            end = len(text) if end < 0 else end
            piece, phrase, at = text[at + 1:end], True, end + 1
        elif char == " ":
            at += 1
            continue
        else:
            end = at
            while end < len(text) and text[end] != " " and text[end] not in _QUOTES:
                end += 1
            piece, phrase, at = text[at:end], False, end
        shown = " ".join(piece.split()).strip(_QUOTE_CHARACTERS + " ")
        folded = fold(shown)
        if folded.strip() and folded not in {term.folded for term in terms}:
            terms.append(Term(shown, folded, phrase))
    return terms[:MAX_TERMS]


def unparse(terms: list[Term]) -> str:
    return " ".join(f'"{term.shown}"' if term.phrase and " " in term.shown else term.shown
                    for term in terms)


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
        return f"{self.episode.get_absolute_url()}?{FROM_SEARCH}"

    @cached_property
    def title(self) -> str:
        return plain(self.episode.title) or self.episode.slug


@dataclass(frozen=True)
class Match:
    episode_id: int
    best: int
    count: int
    day: int

    @property
    def rank(self) -> tuple:
        return (self.best, -self.count, -self.day, self.episode_id)


def matches(terms: list[Term], episode_ids) -> list[Match]:
    """Every episode of ``episode_ids`` holding all ``terms``, with its best field
    and the number of occurrences, unordered."""
    if not terms:
        return []
    image = index_image.current()
    allowed = np.isin(np.array(image.order, dtype=np.int64), np.fromiter(episode_ids, dtype=np.int64))
    for term in terms:
        allowed &= image.filters.may_hold(term.folded)
    found = []
    for index in np.flatnonzero(allowed):
        episode_id = image.order[index]
        unpacked = image.episodes[episode_id]
        best, count = len(Field), 0
        for term in terms:
            view, needle = unpacked.view_for(term.folded)
            first = view.text.find(needle)
            if first < 0:
                break
            best = min(best, field_at(view, first))
            count += view.text.count(needle)
        else:
            found.append(Match(episode_id, best, count, unpacked.day))
    return found


def search(query: str | None, episodes, page_number=1, per_page=RESULTS_PER_PAGE):
    """A page of ``Result`` for ``query`` over ``episodes`` (a public queryset)."""
    terms = parse(query)
    found = matches(terms, episodes.order_by().values_list("pk", flat=True) if terms else [])
    found.sort(key=lambda match: match.rank)
    page = Paginator(found, per_page).get_page(page_number)
    shown = list(page.object_list)
    by_id = Episode.objects.only(*RESULT_FIELDS).in_bulk([m.episode_id for m in shown])
    results = [Result(by_id[m.episode_id], m.count, m.best) for m in shown if m.episode_id in by_id]
    _attach_hits(terms, results, index_image.current(refresh=False))
    page.object_list = results
    return page


# Hits and snippets -----------------------------------------------------------------

def _attach_hits(terms: list[Term], results: list[Result], image) -> None:
    """The first matching line of each field of each result, and its first few
    turns, each with a highlighted snippet: a constant number of queries."""
    if not results:
        return
    needles = [term.folded.encode() for term in terms]
    places = {}
    for result in results:
        unpacked = image.episodes.get(result.episode.pk)
        if unpacked is not None:
            places[result.episode.pk] = _matching_lines(unpacked, needles)
    texts = _shown_texts(places, {result.episode.pk: result.episode for result in results})
    for result in results:
        for field_, position, line in places.get(result.episode.pk, []):
            candidates = texts.get((result.episode.pk, field_, position), [])
            shown = next((text for text in candidates if fold(text) == line), None)
            if shown is None:
                shown = next(iter(candidates), line)
            anchor = {Field.TURN: f"#t-{position}", Field.HEADING: f"#s-{position}"}.get(field_, "")
            snippet = highlight(shown, [term.folded for term in terms])
            result.hits.append(Hit(int(field_), position, snippet, result.url + anchor))


def _matching_lines(unpacked: Unpacked, needles: list[bytes]) -> list[tuple]:
    """(field, position, folded line) of the lines to show for one episode: the first
    match in each field, and the first TURN_HITS_PER_EPISODE matching turns."""
    text, starts = unpacked.text, unpacked.starts
    found = {}                                     # line number -> (field, first, end)
    for field_ in Field:
        low = starts[field_]
        high = starts[field_ + 1] if field_ < Field.TURN else len(text)
        wanted = TURN_HITS_PER_EPISODE if field_ == Field.TURN else 1
        lines = {}
        for needle in needles:
            at, taken = text.find(needle, low, high), 0
            while at >= 0 and taken < wanted:
                number, first, end = line_at(text, at)
                lines.setdefault(number, (field_, first, end))
                taken += 1
                at = text.find(needle, end, high)
        for number in sorted(lines)[:wanted]:
            found[number] = lines[number]
    chosen, positions = [], set()
    for number in sorted(found):
        field_, first, end = found[number]
        position = unpacked.positions[number]
        if (field_, position) in positions:
            continue                               # another part of the same turn
        positions.add((field_, position))
        chosen.append((field_, None if position < 0 else position, text[first:end].decode()))
    return chosen


def _shown_texts(places: dict, episodes: dict) -> dict:
    """(episode, field, position) -> the shown texts that line may be."""
    texts: dict = {}
    turns = [(e, p) for e, lines in places.items() for f, p, _ in lines if f == Field.TURN]
    headings = [(e, p) for e, lines in places.items() for f, p, _ in lines if f == Field.HEADING]
    named = [e for e, lines in places.items() if any(f == Field.NAMES for f, _, _ in lines)]
    if turns:
        rows = Turn.objects.filter(episode_id__in={e for e, _ in turns}, position__in={p for _, p in turns})
        for turn in rows.values_list(*TURN_COLUMNS):
            texts[(turn[0], Field.TURN, turn[1])] = turn_parts(turn)
    if headings:
        rows = Heading.objects.filter(episode_id__in={e for e, _ in headings}, position__in={p for _, p in headings})
        for episode_id, position, title in rows.values_list("episode_id", "position", "title"):
            texts[(episode_id, Field.HEADING, position)] = [plain(title)]
    if named:
        for episode_id, name in names_of(named):
            texts.setdefault((episode_id, Field.NAMES, None), []).append(" ".join((name or "").split()))
    for episode_id, episode in episodes.items():
        texts[(episode_id, Field.TITLE, None)] = [plain(episode.title)]
        texts[(episode_id, Field.SUMMARY, None)] = [plain(episode.summary), plain(episode.insight)]
    return texts


def _aligned_fold(text: str) -> str:
    """``fold`` of ``text`` with one character for one, so offsets carry over to the
    shown text: the whole text's fold where it keeps the length, else character by
    character (a phrase conversion that changed the length)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join(single if len(single := fold(char)) == 1 else char for char in text)


def highlight(text: str, needles: list[str], context: int = SNIPPET_CONTEXT) -> SafeString:
    """A window of ``text`` around the first match of any needle, every match in it
    wrapped in ``<mark>``, everything else escaped."""
    folded = _aligned_fold(text)
    spans = []
    for needle in needles:
        at = folded.find(needle) if needle else -1
        while at >= 0:
            spans.append((at, at + len(needle)))
            at = folded.find(needle, at + len(needle))
    if not spans:
        return mark_safe(escape(text[: context * 2]) + ("…" if len(text) > context * 2 else ""))
    spans.sort()
    start = max(0, spans[0][0] - context)
    end = min(len(text), spans[0][1] + context)
    parts, at = [], start
    for begin, finish in spans:
        if begin < at or finish > end:
            continue
        parts.append(escape(text[at:begin]))
        parts.append(f"<mark>{escape(text[begin:finish])}</mark>")
        at = finish
    parts.append(escape(text[at:end]))
    return mark_safe(("…" if start else "") + "".join(parts) + ("…" if end < len(text) else ""))


# Loosening a query that found nothing ---------------------------------------------

def loosened(terms: list[Term]) -> list[tuple[str, str]]:
    """(label, query) of looser queries: each term dropped; quotes removed."""
    suggestions = []
    if len(terms) > 1:
        for term in terms:
            rest = [other for other in terms if other is not term]
            suggestions.append((f"去掉「{term.shown}」", unparse(rest)))
    for term in terms:
        if term.phrase and " " in term.shown:
            words = [Term(word, fold(word), False) for word in term.shown.split()]
            others = [other for other in terms if other is not term]
            suggestions.append((f"拆开「{term.shown}」", unparse(others + words)))
    return suggestions
