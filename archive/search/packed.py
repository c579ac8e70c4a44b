"""An episode's searchable text packed for storage (``SearchText`` rows).

``text`` is the folded lines joined by line breaks, UTF-8, zlib-compressed.
``layout`` says where they came from: the episode's date (its proleptic ordinal, 0
for none: results are ranked by it), for each ``Field`` the byte offset in the text
where its lines start, then the heading or turn position of each line (-1 for the
episode's own fields), as 32-bit integers, zlib-compressed.
"""
from __future__ import annotations

import zlib
from bisect import bisect_right
from array import array
from itertools import accumulate
from dataclasses import dataclass

from .documents import NO_POSITION, Field, fold_lines

COMPRESSION_LEVEL = 1     # the text is read back whole; level 1 is 3x faster, 10% larger


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
        text=zlib.compress(encoded, COMPRESSION_LEVEL),
        layout=zlib.compress(layout.tobytes(), COMPRESSION_LEVEL),
        folded=folded,
    )


@dataclass(frozen=True)
class Unpacked:
    text: bytes                 # folded UTF-8, lines separated by b"\n"
    day: int                    # the date's ordinal, 0 for none
    starts: tuple[int, ...]     # byte offset where each Field's lines start
    positions: array            # position of each line


def unpack(text: bytes, layout: bytes) -> Unpacked:
    numbers = array("i")
    numbers.frombytes(zlib.decompress(layout))
    fields = len(Field) + 1
    return Unpacked(zlib.decompress(text), numbers[0], tuple(numbers[1:fields]), numbers[fields:])


def field_at(unpacked: Unpacked, offset: int) -> int:
    """The field of the line holding byte ``offset`` (an empty field starts where the
    next one does, so the last start at or before ``offset`` is the line's field)."""
    return bisect_right(unpacked.starts, offset) - 1


def line_at(unpacked: Unpacked, offset: int) -> tuple[int, int, int]:
    """(line number, first byte, end byte) of the line holding byte ``offset``."""
    text = unpacked.text
    first = text.rfind(b"\n", 0, offset) + 1
    end = text.find(b"\n", offset)
    return text.count(b"\n", 0, first), first, len(text) if end < 0 else end
