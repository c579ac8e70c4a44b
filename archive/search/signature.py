"""A small filter per episode that rules out, without reading its text, most
episodes that cannot hold a term.

It is a Bloom filter (two bits each, about three bits per character of text) of the
episode's grams: each character, each pair of adjacent characters, and each run of
three ASCII characters (English has few distinct pairs, so pairs alone would let
through nearly every English episode). A term is *possibly* in an episode when every
bit of each of its grams is set. There are no false negatives, so the substring test
that follows on the candidates keeps results exactly those of a scan; false
positives (a few per cent per gram) only cost a test.
"""
from __future__ import annotations

import numpy as np

BITS_PER_CHARACTER = 3
MIN_BITS = 64
_MULTIPLIER = 0x9E3779B97F4A7C15     # odd; the product's two halves are the two hashes
_MASK32 = (1 << 32) - 1
_MASK64 = (1 << 64) - 1


_TRIPLE = 1 << 42        # above every pair code: (0x110000 + 1) << 21 < 2 ** 42


def _codes(points: np.ndarray) -> np.ndarray:
    """The codes of every character, adjacent pair and ASCII triple (distinct ranges)."""
    pairs = ((points[:-1] + 1) << np.uint64(21)) | points[1:]
    ascii_ = points < 128
    both = ascii_[:-2] & ascii_[1:-1] & ascii_[2:]
    triples = (np.uint64(_TRIPLE) | (points[:-2] << np.uint64(14)) | (points[1:-1] << np.uint64(7))
               | points[2:])[both]
    return np.concatenate([points, pairs, triples])


def _points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def size_for(text: str) -> int:
    """The number of bits of the filter of ``text``."""
    return max(MIN_BITS, -(-BITS_PER_CHARACTER * len(text) // 8) * 8)


def build(text: str) -> bytes:
    """The filter of ``text``: ``size_for(text)`` bits, little-endian in each byte."""
    bits = size_for(text)
    bitmap = np.zeros(bits, dtype=bool)
    if text:
        product = _codes(_points(text)) * np.uint64(_MULTIPLIER)
        for hashed in (product >> np.uint64(32), product & np.uint64(_MASK32)):
            bitmap[(hashed * np.uint64(bits)) >> np.uint64(32)] = True
    return np.packbits(bitmap, bitorder="little").tobytes()


def term_codes(term: str) -> list[int]:
    """The codes a term needs: its pairs and ASCII triples, or its one character."""
    points = [ord(char) for char in term]
    if len(points) == 1:
        return points
    codes = {((a + 1) << 21) | b for a, b in zip(points, points[1:])}
    codes.update(_TRIPLE | a << 14 | b << 7 | c for a, b, c in zip(points, points[1:], points[2:])
                 if a < 128 and b < 128 and c < 128)
    return sorted(codes)


class Filters:
    """The filters of many episodes side by side, tested all at once."""

    def __init__(self, filters: list[bytes]):
        self.bits = np.array([len(one) * 8 for one in filters], dtype=np.uint64)
        self.offsets = np.cumsum([0] + [len(one) for one in filters[:-1]], dtype=np.uint64)
        self.data = np.frombuffer(b"".join(filters), dtype=np.uint8)

    def may_hold(self, term: str) -> np.ndarray:
        """A boolean per episode: False where the episode certainly lacks ``term``."""
        possible = np.ones(len(self.bits), dtype=bool)
        for code in term_codes(term):
            product = (code * _MULTIPLIER) & _MASK64
            for hashed in (np.uint64(product >> 32), np.uint64(product & _MASK32)):
                bit = (hashed * self.bits) >> np.uint64(32)
                byte = self.data[self.offsets + (bit >> np.uint64(3))]
                possible &= ((byte >> (bit & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)
        return possible
