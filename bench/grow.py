"""A larger archive made from the shared half, the same every time, for benches at scale.

    python bench/grow.py N [--notes PATH] [--out DIR]

Writes ``DIR/xN/`` holding N times the archive of ``--notes`` (default
``$ARCHIVE_NOTES``, else ``../shared/archive/notes``): the files themselves, and N-1 copies of each
under new names (``<name>-g<k>.md``). A copy is no duplicate of its file: copy k of
file i keeps i's front matter (its title marked with the copy's number) and the
text before its first section, then takes sections alternately from i and from
another file of its kind, bilingual (turns with their English folded under them) or
not: if i is the r-th of the n files of its kind, the ``(r + k * STRIDE) mod n``-th,
each in its own order, as long as the copy stays within SLACK (1.2) times the turns
and the bytes of i's sections: a section that would take it past either is passed
over. So a copy holds two episodes' turns
interleaved and about as many as its file (median 1.0x, at most 1.2x), and no copy
is far larger than the largest real episode, as one was when a short file's many
small sections were paired round and round with a long file's few large ones
(15,532 turns against the real largest's 1,756), and no bilingual episode holds a
monolingual one's turns (which the translation checks rightly flag as missing their
originals: 475,424 such flags at 10x, against 1,591 in the shared half, when
partners were of any kind). Sections are cut at the ``### ``
headings of the body, so each piece is whole (a heading and its blocks) and the
copy parses as its parts do; turns are counted by the project's parser. A file
without front matter is copied as it is under its new name; one without sections
(87 of the shared half) keeps its body, retitled. Prints the size in files and MB
and the most turns in a file and in a copy. Deterministic: the same input gives
the same bytes.

The shared half at 10x: 46,540 files, 1,874.4 MB; the most turns in a copy 1,818
(its largest file has 1,756).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.codec import Turn, parse_body  # noqa: E402  (the project's parser, no Django)

STRIDE = 977                      # a prime: partners far apart in name order
# How far a copy may outgrow its file's sections, in turns and in bytes: without it,
# sections passed over leave copies short, and the whole well under N times the size.
SLACK = 1.2
_SECTION = re.compile(r"(?m)^(?=### )")
_TITLE = re.compile(r"(?m)^title:[ \t]*(.*)$")


@dataclass(frozen=True)
class Section:
    text: str
    turns: int
    originals: int                # turns with their English folded under them

    @classmethod
    def of(cls, text: str) -> Section:
        turns = [block for block in parse_body(text) if isinstance(block, Turn)]
        return cls(text, len(turns), sum(turn.english is not None for turn in turns))

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


@dataclass(frozen=True)
class Note:
    front: str                    # with its closing line
    preamble: Section             # the body before the first heading
    sections: tuple[Section, ...]

    @property
    def turns(self) -> int:
        return self.preamble.turns + sum(section.turns for section in self.sections)

    @property
    def bilingual(self) -> bool:
        return any(section.originals for section in (self.preamble, *self.sections))


def split(text: str) -> Note | None:
    """The note's parts, or None for a file without front matter."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    front, body = text[: end + 5], text[end + 5:]
    preamble, *sections = _SECTION.split(body)
    return Note(front, Section.of(preamble), tuple(map(Section.of, sections)))


def retitled(front: str, copy: int) -> str:
    """The front matter with `` (copy k)`` after the title, inside its quotes if
    it has them."""
    def mark(match: re.Match) -> str:
        value = match.group(1).rstrip()
        suffix = f" (copy {copy})"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            return f"title: {value[:-1]}{suffix}{value[-1]}"
        if not value:
            return match.group(0)
        return f"title: {value}{suffix}"
    return _TITLE.sub(mark, front, count=1)


def interleaved(own: Note, other: Note) -> list[Section]:
    """Sections taken alternately from ``own`` and ``other``, each in its order,
    while the copy stays within SLACK times ``own``'s turns and bytes; one that
    would not fit is passed over."""
    turns = SLACK * sum(section.turns for section in own.sections)
    size = SLACK * sum(section.size for section in own.sections)
    queues = (deque(own.sections), deque(other.sections)) if own.sections else ()
    taken: list[Section] = []
    which = 0
    while any(queues):
        section = (queues[which] or queues[1 - which]).popleft()
        if section.turns <= turns and section.size <= size:
            taken.append(section)
            turns, size = turns - section.turns, size - section.size
        which = 1 - which
    return taken


def copy_of(own: Note, other: Note, copy: int) -> tuple[str, int]:
    """Copy ``copy``'s text and its number of turns."""
    sections = interleaved(own, other)
    body = "".join(section.text for section in sections)
    if body and not body.endswith("\n"):
        body += "\n"
    turns = own.preamble.turns + sum(section.turns for section in sections)
    return retitled(own.front, copy) + own.preamble.text + body, turns


def grow(notes: Path, out: Path, times: int) -> tuple[int, int, int, int]:
    """Write the archive; (files, bytes, the most turns in a file of ``notes``, the
    most in a copy)."""
    paths = sorted(notes.glob("*.md"))
    out.mkdir(parents=True, exist_ok=True)
    texts = [path.read_bytes().decode("utf-8") for path in paths]
    parsed = [split(text) for text in texts]
    largest = max((note.turns for note in parsed if note), default=0)
    largest_copy = 0
    files = size = 0
    kinds = {kind: [i for i, note in enumerate(parsed) if note and note.bilingual == kind] for kind in (False, True)}
    rank = {index: number for kind in kinds.values() for number, index in enumerate(kind)}
    for index, (path, text) in enumerate(zip(paths, texts)):
        target = out / path.name
        shutil.copyfile(path, target)
        files, size = files + 1, size + len(text.encode())
        own = parsed[index]
        for copy in range(1, times):
            other = None
            if own is not None:
                kind = kinds[own.bilingual]
                other = parsed[kind[(rank[index] + copy * STRIDE) % len(kind)]]
            made, turns = (text, 0) if own is None or other is None else copy_of(own, other, copy)
            largest_copy = max(largest_copy, turns)
            data = made.encode("utf-8")
            (out / f"{path.stem}-g{copy}.md").write_bytes(data)
            files, size = files + 1, size + len(data)
    return files, size, largest, largest_copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("times", type=int)
    parser.add_argument("--notes", type=Path, default=Path(
        os.environ.get("ARCHIVE_NOTES") or REPO.parent / "shared" / "archive" / "notes"))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.times < 1:
        parser.error("N must be at least 1")
    target = args.out / f"x{args.times}"
    files, size, largest, largest_copy = grow(args.notes, target, args.times)
    print(f"{target}: {files} files, {size / 1e6:.1f} MB ({args.times}x {args.notes}); "
          f"the most turns in a file {largest}, in a copy {largest_copy}")


if __name__ == "__main__":
    main()
