"""Queries: terms and phrases, matched exactly against the folded text, ranked.

The query language: terms separated by spaces, all required, in any order; text in
quotes (``"…"``, ``“…”``, ``「…」``) is one term, spaces included. A term matches an
episode when its folded form (``documents.fold``) occurs in one of the episode's
folded lines, and where the term begins or ends with a Latin letter or digit, that
end falls on a word boundary (no Latin letter or digit beside it): ``ai`` finds
``AI`` and ``AI泡沫``, not ``OpenAI`` or ``chain``. A ``*`` at either end of a term
lifts that end's boundary (``ai*`` finds ``AIs``, ``*ai*`` any ``ai``); Chinese ends
never have one. Precision and recall are those of a plain scan by that rule. Input is
cleaned first (control characters and lone surrogates dropped, at most MAX_QUERY
characters and MAX_TERMS terms), so no input can fail.

Ranking (``Match.rank``): the number of terms in the title, then how close the terms
come together (within NEAR bytes in one line, in one line, apart), then the best field
any term matched in (title, names, summary, headings, turns), then the occurrences of
the rarest term in the episode, then newest.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote

from django.core.paginator import Paginator
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.models import Episode, Heading, Turn
from archive.text import plain

from .backends import backend
from .documents import TURN_COLUMNS, Field, fold, names_of, turn_parts
from .packed import Lines, Shown, Unpacked
from .ranking import Match, ranked

MAX_QUERY = 200
MAX_TERMS = 8
RESULTS_PER_PAGE = 20
TURN_HITS_PER_EPISODE = 3
SNIPPET_CONTEXT = 60
FROM_SEARCH = "from=search"  # on a result's link: the site counts the reads searches bring
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


WILDCARD = "*"
_WORD = "0-9A-Za-z"


@dataclass(frozen=True)
class Term:
    shown: str        # as typed (cleaned), wildcards included
    folded: str       # as matched, wildcards removed
    phrase: bool      # written in quotes
    open_start: bool = False   # written with a leading ``*``: no boundary before
    open_end: bool = False     # written with a trailing ``*``: no boundary after

    @cached_property
    def bounded(self) -> bool:
        """Whether a match must also fall on a word boundary at some end."""
        return self._bounded_start or self._bounded_end

    @property
    def _bounded_start(self) -> bool:
        return not self.open_start and _is_word(self.folded[:1])

    @property
    def _bounded_end(self) -> bool:
        return not self.open_end and _is_word(self.folded[-1:])

    @cached_property
    def _patterns(self) -> dict:
        body = re.escape(self.folded)
        after = f"(?![{_WORD}])" if self._bounded_end else ""
        # The start's boundary is asked after the term (is the term, seen from its
        # end, preceded by a word character?), so the pattern opens with the term
        # itself and the regex engine scans for that literal at full speed.
        before = f"(?<![{_WORD}]{body})" if self._bounded_start else ""
        text = body + after + before
        return {str: re.compile(text), bytes: re.compile(text.encode())}

    def find(self, text, start: int = 0, end: int | None = None) -> int:
        """The offset of the first match in ``text[start:end]`` (str or UTF-8 bytes), or -1."""
        end = len(text) if end is None else end
        if not self.bounded:
            needle = self.folded if isinstance(text, str) else self.folded.encode()
            return text.find(needle, start, end)
        found = self._patterns[type(text)].search(text, start, end)
        return found.start() if found else -1

    def count(self, text) -> int:
        if not self.bounded:
            return text.count(self.folded if isinstance(text, str) else self.folded.encode())
        return len(self._patterns[type(text)].findall(text))

    def spans(self, text, limit: int | None = None):
        """(start, end) of the matches in ``text`` (str, or UTF-8 in any buffer), at
        most ``limit`` of them."""
        pattern = self._patterns[str if isinstance(text, str) else bytes]
        for number, found in enumerate(pattern.finditer(text)):
            if limit is not None and number >= limit:
                return
            yield found.span()


def _is_word(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalnum()


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
        bare = shown.strip(WILDCARD + " ")
        folded = fold(bare)
        term = Term(shown, folded, phrase, shown.startswith(WILDCARD), shown.endswith(WILDCARD))
        key = (term.folded, term.open_start, term.open_end)
        if folded.strip() and key not in {(t.folded, t.open_start, t.open_end) for t in terms}:
            terms.append(term)
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


def matches(terms: list[Term], episode_ids) -> Sequence[Match]:
    """Every episode of ``episode_ids`` holding all ``terms``, with its best field
    and the number of occurrences, unordered: the configured backend's answer."""
    return backend().matches(terms, episode_ids) if terms else []


def search(query: str | None, episodes, page_number=1, per_page=RESULTS_PER_PAGE):
    """A page of ``Result`` for ``query`` over ``episodes`` (a public queryset)."""
    terms = parse(query)
    found = ranked(matches(terms, episodes.order_by().values_list("pk", flat=True) if terms else []))
    page = Paginator(found, per_page).get_page(page_number)
    shown = list(page.object_list)
    by_id = Episode.objects.only(*RESULT_FIELDS).in_bulk([m.episode_id for m in shown])
    results = [Result(by_id[m.episode_id], m.count, m.best) for m in shown if m.episode_id in by_id]
    _attach_hits(terms, results, backend().unpacked([result.episode.pk for result in results]))
    page.object_list = results
    return page


# Hits and snippets -----------------------------------------------------------------

def _attach_hits(terms: list[Term], results: list[Result], texts: dict[int, Unpacked | Shown]) -> None:
    """The best matching line of each field of each result, and a few of its turns
    (those holding the most terms first), each with a highlighted snippet: a constant
    number of queries."""
    if not results:
        return
    places = {}
    for result in results:
        unpacked = texts.get(result.episode.pk)
        if unpacked is not None:
            places[result.episode.pk] = _matching_lines(unpacked, terms)
    texts = _shown_texts(places, {result.episode.pk: result.episode for result in results})
    for result in results:
        for field_, position, line in places.get(result.episode.pk, []):
            candidates = texts.get((result.episode.pk, field_, position), [])
            shown = next((text for text in candidates if fold(text) == line), None)
            if shown is None:
                shown = next(iter(candidates), line)
            anchor = {Field.TURN: f"#t-{position}", Field.HEADING: f"#s-{position}"}.get(field_, "")
            snippet = highlight(shown, terms)
            words = highlighted_words(shown, terms)
            marked = f"&{HIGHLIGHT_PARAM}={quote(' '.join(words))}" if words else ""
            result.hits.append(Hit(int(field_), position, snippet, result.url + marked + anchor))


HIGHLIGHT_PARAM = "hl"    # the words a hit's link asks its page to mark (static/archive/search.js)


def highlighted_words(text: str, terms: list[Term]) -> list[str]:
    """The distinct words of ``text`` that ``terms`` match, as written there (so the
    page marks the traditional or upper-case form it shows), without spaces."""
    folded = _aligned_fold(text)
    words = []
    for term in terms:
        for start, end in term.spans(folded, TURN_HITS_PER_EPISODE * 10):
            for word in text[start:end].split():
                if word not in words:
                    words.append(word)
    return words[:MAX_TERMS * 2]


LINES_WEIGHED = 200       # matching lines of a field weighed for the terms they hold


def _matching_lines(unpacked: Unpacked | Shown, terms: list[Term]) -> list[tuple]:
    """(field, position, folded line) of the lines to show for one episode: in each
    field the line holding the most terms (the first of them), and in the turns the
    TURN_HITS_PER_EPISODE such lines; those holding more terms first, then in order."""
    text, starts = unpacked.text, unpacked.starts
    lines_of_text = Lines(text)
    found = {}                                     # line number -> (field, first, end)
    for field_ in Field:
        low = starts[field_]
        high = starts[field_ + 1] if field_ < Field.TURN else len(text)
        wanted = TURN_HITS_PER_EPISODE if field_ == Field.TURN else 1
        lines = {}
        for term in terms:
            at, taken = term.find(text, low, high), 0
            while at >= 0 and taken < LINES_WEIGHED:
                number, first, end = lines_of_text.at(at)
                lines.setdefault(number, (field_, first, end))
                taken += 1
                at = term.find(text, end, high)
        held = {number: sum(term.find(text, first, end) >= 0 for term in terms)
                for number, (_, first, end) in lines.items()}
        for number in sorted(lines, key=lambda number: (-held[number], number))[:wanted]:
            found[number] = lines[number] + (held[number],)
    chosen, positions = [], set()
    for number in sorted(found, key=lambda number: (-found[number][3], number)):
        field_, first, end, _ = found[number]
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


def highlight(text: str, terms: list[Term], context: int = SNIPPET_CONTEXT) -> SafeString:
    """A window of ``text`` around the place where the most distinct terms match
    (the first such), every match in it wrapped in ``<mark>``, everything else escaped."""
    folded = _aligned_fold(text)
    spans = sorted((start, end, number) for number, term in enumerate(terms)
                   for start, end in term.spans(folded) if end > start)
    if not spans:
        return mark_safe(escape(text[: context * 2]) + ("…" if len(text) > context * 2 else ""))

    def held(span) -> int:
        return len({number for start, end, number in spans
                    if span[0] - context <= start and end <= span[1] + context})

    centre = max(spans, key=lambda span: (held(span), -span[0]))
    start = max(0, centre[0] - context)
    end = min(len(text), centre[1] + context)
    parts, at = [], start
    for begin, finish, _ in spans:
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
