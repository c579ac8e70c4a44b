"""An index's files opened read-only through ``mmap`` (shared by every process on the
machine through the page cache), and where a term occurs in them.

``occurrences(term)`` gives the offsets in ``text.bin`` of every match of a term
(``query.Term``: its folded text, its open ends), overlapping ones included, in
increasing order, decided from the tokens (``tokens``) wherever they can decide:

- a word whose both ends are fixed is the word's offsets; an end opened by ``*``
  takes every word of the vocabulary that starts / ends with it / holds it;
- a run of Chinese (any non-ASCII) characters is its character, or the offsets where
  each of its adjacent pairs lies at its distance from the first;
- ASCII characters other than letters and digits (spaces, punctuation) are then read
  in the text at their distance from the candidates;
- a term of such characters only is looked for in the whole text.
"""
from __future__ import annotations

import json
import mmap
import re
from functools import cached_property
from pathlib import Path

import numpy as np

from .tokens import NEWLINE, WORD_BASE, pair_key
from .writer import EPISODE_COLUMNS

_PIECES = re.compile(r"[0-9A-Za-z]+|[^\x00-\x7f]+|[\x00-\x7f]")
COLUMN = {name: number for number, name in enumerate(EPISODE_COLUMNS)}


def _mapped(path: Path):
    with open(path, "rb") as file:
        if file.seek(0, 2) == 0:
            return b""
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


class PostingsIndex:
    def __init__(self, path: Path):
        self.path = path
        self.meta = json.loads((path / "meta.json").read_text())
        self.episodes = np.load(path / "episodes.npy", mmap_mode="r")
        self.keys = np.load(path / "keys.npy", mmap_mode="r")
        self.starts = np.load(path / "starts.npy", mmap_mode="r")
        self.word_starts = np.load(path / "word_starts.npy", mmap_mode="r")
        self.words = _mapped(path / "words.bin")
        self.text = _mapped(path / "text.bin")
        self.bytes = np.frombuffer(self.text, dtype=np.uint8) if len(self.text) else np.zeros(0, np.uint8)
        positions = _mapped(path / "positions.bin")
        dtype = np.uint32 if len(self.bytes) < 2 ** 32 else np.int64
        self.positions = np.frombuffer(positions, dtype=dtype) if len(positions) else np.zeros(0, dtype)
        self._large = [mapped for mapped in (positions, self.text) if isinstance(mapped, mmap.mmap)]

    def release(self) -> None:
        """Unmap the pages of the large files this process read (they stay in the
        page cache, shared): a process's memory then stays what it holds itself, not
        every page any of its searches touched."""
        for mapped in self._large:
            mapped.madvise(mmap.MADV_DONTNEED)

    def column(self, name: str) -> np.ndarray:
        return self.episodes[:, COLUMN[name]]

    @cached_property
    def bases(self) -> np.ndarray:
        return np.ascontiguousarray(self.column("base"))

    @cached_property
    def newlines(self) -> np.ndarray:
        return self._token(NEWLINE)

    def _token(self, key: int) -> np.ndarray:
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return self.positions[:0]
        return self.positions[int(self.starts[at]):int(self.starts[at + 1])]

    def _word(self, rank: int) -> bytes:
        return self.words[int(self.word_starts[rank]):int(self.word_starts[rank + 1]) - 1]

    def _word_rank(self, word: bytes) -> int | None:
        low, high = 0, len(self.word_starts) - 1
        while low < high:
            middle = (low + high) // 2
            if self._word(middle) < word:
                low = middle + 1
            else:
                high = middle
        return low if low < len(self.word_starts) - 1 and self._word(low) == word else None

    def _words_like(self, pattern: bytes) -> list[tuple[int, bytes]]:
        """(rank, word) of every word matching ``pattern`` whole."""
        found = list(re.finditer(b"(?m)^" + pattern + b"$", self.words))
        ranks = np.searchsorted(self.word_starts, [match.start() for match in found])
        return [(int(rank), match.group()) for rank, match in zip(ranks, found)]

    def _latin(self, word: str, fixed_start: bool, fixed_end: bool) -> np.ndarray:
        """Offsets where ``word`` lies in the text, its ends fixed as given."""
        needle = word.encode()
        if fixed_start and fixed_end:
            rank = self._word_rank(needle)
            return self.positions[:0] if rank is None else self._token(WORD_BASE + rank)
        body = re.escape(needle)
        pattern = (b"" if fixed_start else b"[0-9A-Za-z]*") + body + (b"" if fixed_end else b"[0-9A-Za-z]*")
        parts = []
        for rank, found in self._words_like(pattern):
            offsets = self._token(WORD_BASE + rank).astype(np.int64)
            if fixed_start:
                parts.append(offsets)
            elif fixed_end:
                parts.append(offsets + (len(found) - len(needle)))
            else:
                at = found.find(needle)
                while at >= 0:
                    parts.append(offsets + at)
                    at = found.find(needle, at + 1)
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)

    def _wide(self, run: str) -> list[tuple[int, np.ndarray]]:
        """(distance from the run's start, offsets) that pin ``run`` down."""
        if len(run) == 1:
            return [(0, self._token(ord(run)))]
        found, distance = [], 0
        for first, second in zip(run, run[1:]):
            found.append((distance, self._token(pair_key(first, second))))
            distance += len(first.encode())
        return found

    def occurrences(self, term) -> np.ndarray:
        """Every offset in the text where ``term`` matches, increasing (in the type the
        offsets are stored in, or int64)."""
        folded = term.folded
        pieces = [(match.start(), match.group()) for match in _PIECES.finditer(folded)]
        required, checked, distance = [], [], 0
        for number, (_, piece) in enumerate(pieces):
            if piece[0].isascii() and piece[0].isalnum():
                fixed_start = number > 0 or not term.open_start
                fixed_end = number < len(pieces) - 1 or not term.open_end
                required.append((distance, self._latin(piece, fixed_start, fixed_end)))
            elif not piece.isascii():
                required += [(distance + inner, offsets) for inner, offsets in self._wide(piece)]
            else:
                checked.append((distance, ord(piece)))
            distance += len(piece.encode())
        if not required:
            return np.array([start for start, _ in term.spans(self.text)], dtype=np.int64)
        if len(required) == 1 and not checked and required[0][0] == 0:
            return required[0][1]            # as stored: no copy of a common word's offsets
        required.sort(key=lambda item: len(item[1]))
        shift, smallest = required[0]
        candidates = smallest.astype(np.int64) - shift
        candidates = candidates[(candidates >= 0) & (candidates + len(folded.encode()) <= len(self.bytes))]
        for shift, offsets in required[1:]:
            if not len(candidates):
                break
            # Searched in the offsets' own type: another type would copy them whole.
            wanted = (candidates + shift).astype(offsets.dtype)
            at = np.searchsorted(offsets, wanted)
            inside = at < len(offsets)
            keep = np.zeros(len(candidates), dtype=bool)
            keep[inside] = offsets[at[inside]] == wanted[inside]
            candidates = candidates[keep]
        for shift, byte in checked:
            if not len(candidates):
                break
            candidates = candidates[self.bytes[candidates + shift] == byte]
        return candidates

