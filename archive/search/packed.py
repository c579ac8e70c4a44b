"""An episode's searchable text packed for storage (``SearchText`` rows).

``text`` is the folded lines joined by line breaks, UTF-8, zlib-compressed.
``layout`` says where they came from: the episode's date (its proleptic ordinal, 0
for none: results are ranked by it), for each ``Field`` the byte offset in the text
where its lines start, then the heading or turn position of each line (-1 for the
episode's own fields), as 32-bit integers, zlib-compressed.
"""
from __future__ import annotations

import re
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
    ascii: "Unpacked | None" = None   # the same with each run of non-ASCII bytes one \x01


_NOT_ASCII = re.compile(b"[\x80-\xff]+")


def unpack(text: bytes, layout: bytes) -> Unpacked:
    numbers = array("i")
    numbers.frombytes(zlib.decompress(layout))
    fields = len(Field) + 1
    text, starts = zlib.decompress(text), tuple(numbers[1:fields])
    return Unpacked(text, numbers[0], starts, numbers[fields:], _ascii_only(text, starts))


def _ascii_only(text: bytes, starts: tuple[int, ...]) -> Unpacked:
    """The text with every run of non-ASCII bytes replaced by one \x01 byte, field by
    field: an ASCII term (never a control character) occurs in it exactly as often,
    and in the same fields, as in the text, in a third of the bytes to read."""
    bounds = [min(start, len(text)) for start in starts] + [len(text)]
    parts = [_NOT_ASCII.sub(b"\x01", text[low:high]) for low, high in zip(bounds, bounds[1:])]
    ascii_starts = tuple(accumulate((len(part) for part in parts[:-1]), initial=0))
    return Unpacked(b"".join(parts), 0, ascii_starts, array("i"))


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
