"""The postings backend: the index on disk (``archive.search.postings``), opened
through ``mmap`` so that every process shares one copy in the page cache, and a
query reads only the offsets of its terms' tokens.

The index covers the rows it was written from (episode id, row id, stamp). Before
each search one query tells whether rows changed since this process looked; if so,
the episodes whose row is not the one indexed (edited, imported or deleted since, or
left behind by a killed process and repaired) are left out of the index's answers,
and those that have a row are searched by the scan backend over their rows only: a
small delta in memory until the next ``write_search_index`` (``rebuild_index``
writes one too).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import numpy as np

from archive.models import SearchText

from .. import image as index_image
from ..documents import Field
from ..index import repair
from ..packed import Shown, unpack_shown
from ..postings.reader import COLUMN, PostingsIndex
from ..postings.writer import CURRENT, index_dir
from ..ranking import PROXIMITY_OCCURRENCES, Matches, closeness_of
from .scan import scan


@dataclass
class _State:
    link: str | None = None
    index: PostingsIndex | None = None
    generation: tuple = ()
    fresh: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    delta: index_image.Image = field(default_factory=index_image.Image)


_state = _State()
_lock = threading.Lock()


def forget() -> None:
    """Drop what this process holds (tests whose database or index changed under it)."""
    global _state
    with _lock:
        _state = _State()


def matches(terms, episode_ids) -> Matches:
    if not terms:
        return Matches.of([])
    state = _current()
    allowed = np.fromiter(episode_ids, dtype=np.int64)
    found = Matches.of(scan(terms, state.delta, allowed) if state.delta.order else [])
    if state.index is not None and len(state.fresh):
        searched = state.fresh & np.isin(state.index.column("episode_id"), allowed)
        found += _from_index(terms, state.index, searched)
        state.index.release()
    return found


def unpacked(episode_ids) -> dict[int, Shown]:
    """The episodes' texts from the index where it holds their rows as they are (no
    decompression), else from their rows."""
    state = _current(refresh=False)
    wanted = set(episode_ids)
    shown = {}
    if state.index is not None and len(state.fresh):
        index = state.index
        numbers = np.flatnonzero(state.fresh & np.isin(index.column("episode_id"), list(wanted)))
        layouts = dict(SearchText.objects.filter(
            id__in=index.column("row_id")[numbers].tolist()).values_list("id", "layout"))
        for number in numbers.tolist():
            episode_id, row_id, base, length = (int(index.episodes[number, COLUMN[name]])
                                                for name in ("episode_id", "row_id", "base", "length"))
            if row_id in layouts:
                shown[episode_id] = unpack_shown(index.text[base:base + length], bytes(layouts[row_id]),
                                                 compressed=False)
        index.release()
    rows = SearchText.objects.filter(episode_id__in=wanted - set(shown)).values_list("episode_id", "text", "layout")
    shown.update((episode_id, unpack_shown(bytes(text), bytes(layout))) for episode_id, text, layout in rows)
    return shown


def _current(*, refresh: bool = True) -> _State:
    """What this process holds, brought up to date with the rows (``refresh=False``:
    as it is, for the rest of a search that refreshed it)."""
    global _state
    if not refresh:
        return _state
    index_image.repair_when_due(repair)
    with _lock:
        link = _link()
        if link != _state.link:
            _state = _State(link=link, index=_open(link))
        generation = index_image.generation_of_rows()
        if generation != _state.generation:
            _follow_rows(_state)
            _state.generation = generation
        return _state


def _link() -> str | None:
    try:
        return os.readlink(index_dir() / CURRENT)
    except OSError:
        return None


def _open(link: str | None) -> PostingsIndex | None:
    if link is None:
        return None
    try:
        return PostingsIndex(index_dir() / link)
    except FileNotFoundError:       # removed by a newer index since the link was read
        return None


def _follow_rows(state: _State) -> None:
    """Mark the index's episodes whose row is still the one indexed; hold the rest."""
    rows = index_image.current_rows()
    indexed = set()
    if state.index is not None:
        table = state.index
        state.fresh = np.array([
            rows.get(episode_id) == (row_id, stamp) for episode_id, row_id, stamp in zip(
                table.column("episode_id").tolist(), table.column("row_id").tolist(), table.column("stamp").tolist())
        ], dtype=bool)
        indexed = set(table.column("episode_id")[state.fresh].tolist())
    index_image.load(state.delta, {pk: row for pk, row in rows.items() if pk not in indexed})


def _may_overlap(term) -> bool:
    """Whether two matches of ``term`` can overlap: it opens both ends (``*aa*``), or
    begins as it ends (``哈哈``, ``a.a``)."""
    needle = term.folded.encode()
    return (term.open_start and term.open_end) or any(
        needle[:size] == needle[-size:] for size in range(1, len(needle)))


def _apart(offsets: np.ndarray, length: int) -> np.ndarray:
    """The matches a left-to-right scan counts: none starting inside the one before
    (``哈哈`` in ``哈哈哈`` once)."""
    if len(offsets) < 2 or bool(np.all(np.diff(offsets) >= length)):
        return offsets
    kept, end = [], -1
    for offset in offsets.tolist():
        if offset >= end:
            kept.append(offset)
            end = offset + length
    return np.array(kept, dtype=np.int64)


def _from_index(terms, index: PostingsIndex, searched: np.ndarray) -> Matches:
    bases = index.bases
    found = []            # per term: (offsets, first offset of each episode, count of each episode, length)
    holding = searched.copy()
    for term in terms:
        length = len(term.folded.encode())
        offsets = index.occurrences(term)
        if _may_overlap(term):
            offsets = _apart(offsets, length)
        low = np.searchsorted(offsets, bases.astype(offsets.dtype))
        counts = np.diff(np.append(low, len(offsets)))
        holding &= counts > 0
        found.append((offsets, low, counts, length))
        if not holding.any():
            return Matches.of([])
    chosen = np.flatnonzero(holding)
    field_starts = np.stack([index.column(f"start_{f.name.lower()}")[chosen] for f in Field], axis=1)
    names = field_starts[:, Field.NAMES]
    best = np.full(len(chosen), len(Field))
    in_title = np.zeros(len(chosen), dtype=np.int64)
    for offsets, low, _, _ in found:
        first = offsets[low[chosen]] - bases[chosen]
        best = np.minimum(best, (field_starts <= first[:, None]).sum(axis=1) - 1)
        in_title += (names > 0) & (first < names)
    counts = np.stack([counts[chosen] for _, _, counts, _ in found])
    near = [_closeness(index, found, episode) for episode in chosen.tolist()] if len(terms) > 1 else 0
    return Matches(episode_id=index.column("episode_id")[chosen], best=best, count=counts.sum(axis=0),
                   day=index.column("day")[chosen], in_title=in_title,
                   closeness=np.broadcast_to(np.asarray(near, dtype=np.int64), len(chosen)), least=counts.min(axis=0))


def _closeness(index: PostingsIndex, found, episode: int) -> int:
    """``ranking.closeness`` of one episode, from the terms' offsets and the lines'."""
    places = []
    for number, (offsets, low, counts, length) in enumerate(found):
        first = int(low[episode])
        for start in offsets[first:first + min(int(counts[episode]), PROXIMITY_OCCURRENCES)].tolist():
            places.append((start, start + length, number))
    places.sort()
    newlines = index.newlines
    lines = np.searchsorted(newlines, np.array([place[0] for place in places], dtype=newlines.dtype))
    return closeness_of(len(found), places, lines.tolist())
