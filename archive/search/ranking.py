"""What a backend answers for each episode a query finds, and how close its terms come.

``Match.rank`` orders results: the number of terms in the title, then how close the
terms come together (within NEAR bytes in one line, in one line, apart), then the best
field any term matched in, then the occurrences of the rarest term, then newest.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

NEAR = 60                  # bytes of folded UTF-8 (20 Chinese characters) between terms
PROXIMITY_OCCURRENCES = 500  # occurrences of a term looked at for closeness


class Match(NamedTuple):
    """An episode a query found."""

    episode_id: int
    best: int
    count: int
    day: int
    in_title: int = 0        # terms found in the title
    closeness: int = 0       # 0: within NEAR in one line, 1: in one line, 2: apart
    least: int = 0           # occurrences of the rarest term

    @property
    def rank(self) -> tuple:
        return (-self.in_title, self.closeness, self.best, -self.least, -self.day, self.episode_id)


_RANK_COLUMNS = Match._fields


class Matches(Sequence):
    """Many matches as columns of numbers, a ``Match`` made only for those read (a
    page of them): a common word finds thousands of episodes, and as many objects
    per search kept the garbage collector busy walking them."""

    def __init__(self, **columns: np.ndarray):
        self.columns = {name: np.asarray(columns[name], dtype=np.int64) for name in _RANK_COLUMNS}

    @classmethod
    def of(cls, matches: list[Match]) -> Matches:
        return cls(**{name: [getattr(match, name) for match in matches] for name in _RANK_COLUMNS})

    def __len__(self) -> int:
        return len(self.columns["episode_id"])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Matches(**{name: column[index] for name, column in self.columns.items()})
        return Match(*(int(self.columns[name][index]) for name in _RANK_COLUMNS))

    def __add__(self, other: Matches) -> Matches:
        return Matches(**{name: np.concatenate([column, other.columns[name]])
                          for name, column in self.columns.items()})

    def ranked(self) -> Matches:
        """Sorted by ``Match.rank``."""
        c = self.columns
        order = np.lexsort((c["episode_id"], -c["day"], -c["least"], c["best"], c["closeness"], -c["in_title"]))
        return Matches(**{name: column[order] for name, column in c.items()})


def ranked(matches: Sequence[Match]) -> Sequence[Match]:
    """``matches`` in the order of ``Match.rank``."""
    if isinstance(matches, Matches):
        return matches.ranked()
    return sorted(matches, key=lambda match: match.rank)


def closeness(terms, text: bytes) -> int:
    """How close all ``terms`` come in the folded ``text``: 0 when some line holds
    them all within NEAR bytes, 1 when some line holds them all, else 2."""
    if len(terms) < 2:
        return 0
    places = sorted((start, end, number) for number, term in enumerate(terms)
                    for start, end in term.spans(text, PROXIMITY_OCCURRENCES))
    lines, line, previous = [], 0, 0
    for start, _, _ in places:
        line += text.count(b"\n", previous, start)
        previous = start
        lines.append(line)
    return closeness_of(len(terms), places, lines)


def closeness_of(terms: int, places: list[tuple], lines) -> int:
    """``closeness`` from the sorted (start, end, term number) of the first
    PROXIMITY_OCCURRENCES matches of each of ``terms`` terms and the line of each."""
    best = 2
    window: list[tuple] = []                      # (start, end, term, line), one line
    for (start, end, number), line in zip(places, lines):
        window = [place for place in window if place[3] == line] + [(start, end, number, line)]
        latest: dict[int, tuple] = {}
        for place in window:
            latest[place[2]] = place
        if len(latest) == terms:
            best = min(best, 1)
            first = min(place[0] for place in latest.values())
            if max(place[1] for place in latest.values()) - first <= NEAR:
                return 0
    return best
