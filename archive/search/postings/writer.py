"""Writing an index: from the ``SearchText`` rows to a directory of files, swapped in
atomically.

The directory holds the folded texts one after another (``text.bin``, each followed
by a NUL, so no match spans two episodes), a table of the episodes (``episodes.npy``:
episode id, row id, stamp, date, where its text starts and its length, where each
field starts), the sorted token keys and where each one's offsets start
(``keys.npy``, ``starts.npy``), the offsets (``positions.bin``: offsets in the
whole ``text.bin``, token by token, increasing), and the sorted words
(``words.bin``, one a line, and ``word_starts.npy``).

Built in two passes over the rows, a batch of texts at a time, so the whole archive's
postings are never in memory: the first writes the texts and counts each token's
occurrences; the second reads the texts back and puts each offset in its place.
The files are written under a temporary name, flushed to disk and renamed; then the
``current`` link is replaced (a rename too), so a reader sees an old index or the new
one, never half of one.
"""
from __future__ import annotations

import json
import mmap
import os
import secrets
import shutil
import time
from array import array
from pathlib import Path

import numpy as np
from django.conf import settings

from archive.models import SearchText

from ..documents import Field
from ..packed import decompress
from .tokens import WORD_BASE, tokens

CURRENT = "current"
BATCH_BYTES = 2 << 20           # folded text per batch: its tokens take about 40 times that
ROWS_PER_QUERY = 200
EPISODE_COLUMNS = ("episode_id", "row_id", "stamp", "day", "base", "length", *(f"start_{f.name.lower()}" for f in Field))
FORMAT = 1


def index_dir() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def write_index_if_used() -> Path | None:
    """``write_index()`` when the postings backend is the one searches use."""
    return write_index() if settings.SEARCH_BACKEND == "postings" else None


def write_index(directory: Path | None = None) -> Path:
    """Write a new index of the rows now in ``SearchText`` and make it current; its path."""
    directory = Path(directory or index_dir())
    directory.mkdir(parents=True, exist_ok=True)
    rows = list(SearchText.objects.order_by("episode_id").values_list("episode_id", "id", "stamp"))
    building = directory / f".building-{os.getpid()}-{secrets.token_hex(4)}"
    building.mkdir()
    try:
        table, keys, counts, words = _first_pass(rows, building)
        word_rank = {word: rank for rank, word in enumerate(sorted(words))}
        keys = _renumbered_words(keys, {number: word_rank[word] for word, number in words.items()})
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        _second_pass(table, keys, starts, word_rank, building)
        np.save(building / "episodes.npy", table)
        np.save(building / "keys.npy", keys)
        np.save(building / "starts.npy", starts)
        sorted_words = sorted(word_rank, key=word_rank.get)
        (building / "words.bin").write_bytes(b"".join(word + b"\n" for word in sorted_words))
        np.save(building / "word_starts.npy", np.concatenate(
            ([0], np.cumsum([len(word) + 1 for word in sorted_words]))).astype(np.int64))
        (building / "meta.json").write_text(json.dumps({"format": FORMAT, "episodes": len(table)}))
        for path in building.iterdir():
            _fsync(path)
        final = directory / f"index-{time.time_ns()}-{secrets.token_hex(4)}"
        building.rename(final)
        link = directory / f".{CURRENT}-{secrets.token_hex(4)}"
        link.symlink_to(final.name)
        link.rename(directory / CURRENT)
        _fsync(directory)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _remove_old(directory, keep={final.name})
    return final


def _first_pass(rows, building: Path):
    """Write the texts, count the tokens: (episode table, keys, counts, words)."""
    table, words = [], {}
    keys, counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)

    def word_keys(found: list[bytes]) -> np.ndarray:
        return WORD_BASE + np.array([words.setdefault(word, len(words)) for word in found], dtype=np.int64)

    base = 0
    with open(building / "text.bin", "wb") as out:
        for batch in _batches(rows):
            batch_keys = []
            for row, text, day, field_starts in batch:
                out.write(text + b"\0")
                table.append((*row, day, base, len(text), *field_starts))
                base += len(text) + 1
                batch_keys.append(tokens(text, word_keys)[0])
            found, found_counts = np.unique(np.concatenate(batch_keys or [keys[:0]]), return_counts=True)
            keys, inverse = np.unique(np.concatenate([keys, found]), return_inverse=True)
            counts = np.bincount(inverse, weights=np.concatenate([counts, found_counts]),
                                 minlength=len(keys)).astype(np.int64)
    return np.array(table, dtype=np.int64).reshape(-1, len(EPISODE_COLUMNS)), keys, counts, words


def _renumbered_words(keys: np.ndarray, rank_of_number: dict[int, int]) -> np.ndarray:
    """Word keys by the words' sorted order instead of the order first seen."""
    if not rank_of_number:
        return keys
    ranks = np.empty(len(rank_of_number), dtype=np.int64)
    ranks[list(rank_of_number)] = list(rank_of_number.values())
    keys = keys.copy()
    is_word = keys >= WORD_BASE
    keys[is_word] = WORD_BASE + ranks[keys[is_word] - WORD_BASE]
    return keys


def _second_pass(table: np.ndarray, keys: np.ndarray, starts: np.ndarray, word_rank: dict, building: Path) -> None:
    total = int(starts[-1])
    text_size = int(table[-1, 4] + table[-1, 5] + 1) if len(table) else 0
    dtype = np.uint32 if text_size < 2 ** 32 else np.int64
    if total == 0:
        (building / "positions.bin").write_bytes(b"")
        return
    with open(building / "positions.bin", "w+b") as file:
        file.truncate(total * np.dtype(dtype).itemsize)
        mapped = mmap.mmap(file.fileno(), 0)
    positions = np.frombuffer(mapped, dtype=dtype)
    cursor = starts[:-1].copy()

    def word_keys(found: list[bytes]) -> np.ndarray:
        return WORD_BASE + np.array([word_rank[word] for word in found], dtype=np.int64)

    with open(building / "text.bin", "rb") as text_file:
        first = 0
        while first < len(table):
            last, size = first, 0
            while last < len(table) and (size < BATCH_BYTES or last == first):
                size += int(table[last, 5]) + 1
                last += 1
            batch_keys, batch_offsets = [], []
            for number in range(first, last):
                text = text_file.read(int(table[number, 5]) + 1)[:-1]
                found, offsets = tokens(text, word_keys)
                batch_keys.append(found)
                batch_offsets.append(offsets + table[number, 4])
            found, offsets = np.concatenate(batch_keys), np.concatenate(batch_offsets)
            order = np.argsort(found, kind="stable")
            found, offsets = found[order], offsets[order]
            which = np.searchsorted(keys, found)
            group = np.flatnonzero(np.concatenate(([True], found[1:] != found[:-1])))
            sizes = np.diff(np.concatenate((group, [len(found)])))
            rank = np.arange(len(found)) - np.repeat(group, sizes)
            positions[cursor[which] + rank] = offsets
            cursor[which[group]] += sizes
            first = last
            # Written pages leave this process for the page cache, which writes them
            # out (a shared mapping's dirty pages are kept when unmapped).
            mapped.madvise(mmap.MADV_DONTNEED)
    mapped.flush()
    del positions
    mapped.close()


def _batches(rows):
    """Batches of (row, folded text, date ordinal, field starts), BATCH_BYTES of text
    each; a row deleted since ``rows`` were listed is left out."""
    batch, size = [], 0
    for low in range(0, len(rows), ROWS_PER_QUERY):
        chunk = rows[low:low + ROWS_PER_QUERY]
        wanted = {pk: (episode_id, pk, stamp) for episode_id, pk, stamp in chunk}
        found = SearchText.objects.filter(id__in=list(wanted)).values_list("id", "stamp", "text", "layout")
        by_id = {pk: (stamp, text, layout) for pk, stamp, text, layout in found}
        for episode_id, pk, stamp in chunk:
            if pk not in by_id or by_id[pk][0] != stamp:
                continue
            text = decompress(bytes(by_id[pk][1]))
            numbers = array("i")
            numbers.frombytes(decompress(bytes(by_id[pk][2])))
            batch.append(((episode_id, pk, stamp), text, numbers[0], tuple(numbers[1:len(Field) + 1])))
            size += len(text)
            if size >= BATCH_BYTES:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_old(directory: Path, keep: set[str]) -> None:
    """Remove the indexes before the previous one (a reader may still be opening the
    previous one; one that has its files open keeps reading them after removal)."""
    indexes = sorted((path for path in directory.glob("index-*") if path.name not in keep),
                     key=lambda path: int(path.name.split("-")[1]))
    for path in indexes[:-1]:
        shutil.rmtree(path, ignore_errors=True)
    for path in directory.glob(".building-*"):
        if time.time() - path.stat().st_mtime > 24 * 3600:    # left by a killed build
            shutil.rmtree(path, ignore_errors=True)
