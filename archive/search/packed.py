"""An episode's searchable text packed for storage (``SearchText`` rows).

``text`` is the folded lines joined by line breaks, UTF-8, compressed.
``layout`` says where they came from: the episode's date (its proleptic ordinal, 0
for none: results are ranked by it), for each ``Field`` the byte offset in the text
where its lines start, then the heading or turn position of each line (-1 for the
episode's own fields), as 32-bit integers, compressed.

Both are zstandard frames (:func:`compress`). At level 6 the shared half's texts take
70.6 MB, where zlib's level 1 took 78.5, for under a second more of the import's CPU
(2.2-2.7 s against 1.8 s in all), and they read back four times as fast.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from array import array
from itertools import accumulate
from dataclasses import dataclass

import numpy as np
import zstandard

from .documents import NO_POSITION, Field, fold_lines

COMPRESSION_LEVEL = 6


def compress(data: bytes) -> bytes:
    return zstandard.compress(data, COMPRESSION_LEVEL)


def decompress(data: bytes) -> bytes:
    return zstandard.decompress(data)


@dataclass(frozen=True)
class Packed:
    text: bytes
    layout: bytes
    folded: str           # the folded text itself, for the filter


def pack(lines, date=None) -> Packed:
    """Pack ``[(field, position, shown text)]`` given in field order (no shown text
    holds a line break) and the episode's date."""
    folded = fold_lines("\n".join(text.replace("\n", " ") for _, _, text in lines))
    encoded = folded.encode()
    ends = list(accumulate(len(line) + 1 for line in encoded.split(b"\n")))
    starts, number = [], 0
    for field in Field:
        while number < len(lines) and lines[number][0] < field:
            number += 1
        starts.append(ends[number - 1] if number else 0)
    layout = array("i", [date.toordinal() if date else 0, *starts])
    layout.extend(NO_POSITION if position is None else position for _, position, _ in lines)
    return Packed(
        text=compress(encoded),
        layout=compress(layout.tobytes()),
        folded=folded,
    )


@dataclass(frozen=True)
class View:
    """A text to search in, and where each ``Field``'s lines start in it."""

    text: bytes | str
    starts: tuple[int, ...]


@dataclass(frozen=True)
class Unpacked:
    """An episode as searched: two narrow copies of its folded text, each exact for
    the terms it serves (``view_for``), and the whole text kept compressed."""

    compressed: bytes
    day: int                    # the date's ordinal, 0 for none
    starts: tuple[int, ...]     # byte offset where each Field's lines start in ``text``
    positions: array            # position of each line
    ascii: View                 # bytes: each run of non-ASCII bytes one \x01
    wide: View                  # str: each run of ASCII characters one \x01

    @property
    def text(self) -> bytes:
        """The folded text, UTF-8, lines separated by b"\n"."""
        return decompress(self.compressed)

    def view_for(self, term: str) -> tuple[View, bytes | str]:
        """(the view to search ``term`` in, the needle to search for). A term of ASCII
        characters only occurs in the ASCII copy exactly as often, and in the same
        fields, as in the text (its matches lie within runs of ASCII, which the copy
        keeps; a term never holds a control character); a term without any ASCII
        character likewise in the wide copy; any other term in the whole text."""
        if term.isascii():
            return self.ascii, term.encode()
        if not any(char.isascii() for char in term):
            return self.wide, term
        return View(self.text, self.starts), term.encode()


_NOT_ASCII = re.compile(b"[\x80-\xff]+")
_ASCII = re.compile("[\x00-\x7f]+")


def unpack(text: bytes, layout: bytes) -> Unpacked:
    numbers = array("i")
    numbers.frombytes(decompress(layout))
    fields = len(Field) + 1
    whole, starts = decompress(text), tuple(numbers[1:fields])
    bounds = [min(start, len(whole)) for start in starts] + [len(whole)]
    sections = [whole[low:high] for low, high in zip(bounds, bounds[1:])]
    return Unpacked(
        text, numbers[0], starts, numbers[fields:],
        ascii=_squeezed([_NOT_ASCII.sub(b"\x01", section) for section in sections], b""),
        wide=_squeezed([_ASCII.sub("\x01", section.decode()) for section in sections], ""),
    )


@dataclass(frozen=True)
class Shown:
    """An episode's folded text with its layout: what showing its hits needs (no
    narrow copies, which only searching needs)."""

    text: bytes
    starts: tuple[int, ...]
    positions: array


def unpack_shown(text: bytes, layout: bytes, *, compressed: bool = True) -> Shown:
    numbers = array("i")
    numbers.frombytes(decompress(layout))
    fields = len(Field) + 1
    return Shown(decompress(text) if compressed else text, tuple(numbers[1:fields]), numbers[fields:])


def _squeezed(parts: list, empty) -> View:
    return View(empty.join(parts), tuple(accumulate((len(part) for part in parts[:-1]), initial=0)))


def field_at(unpacked: Unpacked | View, offset: int) -> int:
    """The field of the line holding byte ``offset`` (an empty field starts where the
    next one does, so the last start at or before ``offset`` is the line's field)."""
    return bisect_right(unpacked.starts, offset) - 1


class Lines:
    """The lines of a folded text, found once: a match's line by bisection instead of
    counting the line breaks before it (an episode holding a common word thousands
    of times would count them again for each)."""

    def __init__(self, text: bytes):
        self.size = len(text)
        self.breaks = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n")).tolist()

    def at(self, offset: int) -> tuple[int, int, int]:
        """(line number, first byte, end byte) of the line holding byte ``offset``."""
        number = bisect_left(self.breaks, offset)
        first = self.breaks[number - 1] + 1 if number else 0
        return number, first, self.breaks[number] if number < len(self.breaks) else self.size
