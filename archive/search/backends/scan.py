"""The scan backend: every episode's folded text in this process's memory (``image``),
per-episode filters to rule most out, and an exact scan of the rest."""
from __future__ import annotations

import numpy as np

from .. import image as index_image
from ..documents import Field
from ..index import repair
from ..packed import Unpacked, field_at
from ..ranking import Match, closeness


def matches(terms, episode_ids) -> list[Match]:
    if not terms:
        return []
    return scan(terms, index_image.current(repair=repair), episode_ids)


def unpacked(episode_ids) -> dict[int, Unpacked]:
    episodes = index_image.current(refresh=False).episodes
    return {pk: episodes[pk] for pk in episode_ids if pk in episodes}


def scan(terms, image, episode_ids) -> list[Match]:
    """The matches among ``image``'s episodes that are in ``episode_ids``."""
    allowed = np.isin(np.array(image.order, dtype=np.int64), np.fromiter(episode_ids, dtype=np.int64))
    for term in terms:
        allowed &= image.filters.may_hold(term.folded)
    found = []
    for index in np.flatnonzero(allowed):
        episode_id = image.order[index]
        episode = image.episodes[episode_id]
        best, counts, in_title = len(Field), [], 0
        for term in terms:
            view, _ = episode.view_for(term.folded)
            first = term.find(view.text)
            if first < 0:
                break
            best = min(best, field_at(view, first))
            in_title += 0 < view.starts[Field.NAMES] and 0 <= term.find(view.text, 0, view.starts[Field.NAMES])
            counts.append(term.count(view.text))
        else:
            near = closeness(terms, episode.text) if len(terms) > 1 else 0
            found.append(Match(episode_id, best, sum(counts), episode.day, in_title, near, min(counts)))
    return found
