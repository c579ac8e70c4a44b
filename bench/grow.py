"""A larger archive made from the shared half, the same every time, for benches at scale.

    python bench/grow.py N [--notes PATH] [--out DIR]

Writes ``DIR/xN/`` holding N times the archive of ``--notes`` (default
``$ARCHIVE_NOTES``, else ``../shared/archive/notes``): the files themselves, and N-1 copies of each
under new names (``<name>-g<k>.md``). A copy is no duplicate of its file: copy k of
file i keeps i's front matter (its title marked with the copy's number) and takes
its sections alternately from i and from another file, ``(i + k * STRIDE) mod n``
(even sections from i, odd ones from the other), so its text is two episodes'
turns interleaved and its size about the average of both. Sections are cut at the
``### `` headings of the body, so each piece is whole (a heading and its blocks)
and the copy parses as its parts do. A file without front matter is copied as it
is under its new name. Prints the size in files and MB. Deterministic: the same
input gives the same bytes.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STRIDE = 977                      # a prime: partners far apart in name order
_SECTION = re.compile(r"(?m)^(?=### )")
_TITLE = re.compile(r"(?m)^title:[ \t]*(.*)$")


def split(text: str) -> tuple[str, str, list[str]] | None:
    """(front matter with its closing line, preamble before the first heading,
    sections) or None for a file without front matter."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    front, body = text[: end + 5], text[end + 5:]
    pieces = _SECTION.split(body)
    return front, pieces[0], pieces[1:]


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


def copy_text(own: tuple, other: tuple, copy: int) -> str:
    front, preamble, sections = own
    theirs = other[2]
    mixed = []
    for number in range(max(len(sections), 1)):
        source = theirs if number % 2 and theirs else sections
        if source:
            mixed.append(source[number % len(source)])
    body = "".join(mixed)
    if body and not body.endswith("\n"):
        body += "\n"
    return retitled(front, copy) + preamble + body


def grow(notes: Path, out: Path, times: int) -> tuple[int, int]:
    """Write the archive; (files, bytes)."""
    paths = sorted(notes.glob("*.md"))
    out.mkdir(parents=True, exist_ok=True)
    texts = [path.read_bytes().decode("utf-8") for path in paths]
    parsed = [split(text) for text in texts]
    files = size = 0
    for index, (path, text) in enumerate(zip(paths, texts)):
        target = out / path.name
        shutil.copyfile(path, target)
        files, size = files + 1, size + len(text.encode())
        for copy in range(1, times):
            own = parsed[index]
            other = parsed[(index + copy * STRIDE) % len(paths)]
            made = text if own is None or other is None else copy_text(own, other, copy)
            data = made.encode("utf-8")
            (out / f"{path.stem}-g{copy}.md").write_bytes(data)
            files, size = files + 1, size + len(data)
    return files, size


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
    files, size = grow(args.notes, target, args.times)
    print(f"{target}: {files} files, {size / 1e6:.1f} MB ({args.times}x {args.notes})")


if __name__ == "__main__":
    main()
