"""The tokens of a folded text (UTF-8) and the integer key of each.

- every non-ASCII character: its code point (>= 128);
- every pair of adjacent non-ASCII characters: ``PAIR_BASE + ((a + 1) << 21 | b)``;
- every Latin word (maximal run of ``[0-9A-Za-z]``): ``WORD_BASE`` + its number;
- every line break: ``NEWLINE`` (lines give closeness its lines).

A term's match is then decided from the offsets of its tokens (``reader``): a word
of the term that has a non-word character beside it in the term is a whole word
of the text, and the pairs of a run of Chinese characters pin down the run.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

NEWLINE = 10
PAIR_BASE = 1 << 22                  # above every code point
WORD_BASE = 1 << 44                  # above every pair: (0x110000 + 1) << 21 < 2 ** 42
WORD = re.compile(rb"[0-9A-Za-z]+")
_IS_WORD = np.zeros(256, dtype=bool)
for _char in b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
    _IS_WORD[_char] = True


def pair_key(first: str, second: str) -> int:
    return PAIR_BASE + ((ord(first) + 1) << 21 | ord(second))


def tokens(text: bytes, word_keys: Callable[[list[bytes]], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(keys, byte offsets) of every token of ``text``; ``word_keys`` gives the keys
    of a list of words. Within one key, offsets come in increasing order."""
    data = np.frombuffer(text, dtype=np.uint8)
    starts = np.flatnonzero((data & 0xC0) != 0x80)          # first byte of each character
    points = np.frombuffer(text.decode().encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    wide = points >= 128
    both = wide[:-1] & wide[1:]
    pairs = PAIR_BASE + (((points[:-1] + 1) << 21) | points[1:])
    newlines = np.flatnonzero(data == NEWLINE)
    is_word = _IS_WORD[data]
    word_starts = np.flatnonzero(is_word & ~np.concatenate(([False], is_word[:-1])))
    words = WORD.findall(text)
    return (
        np.concatenate([points[wide], pairs[both], np.full(len(newlines), NEWLINE, dtype=np.int64),
                        word_keys(words)]),
        np.concatenate([starts[wide], starts[:-1][both], newlines, word_starts]).astype(np.int64),
    )
