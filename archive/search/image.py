"""The index as this process holds it: every episode's folded text and filter in
memory, read from ``SearchText`` once and then only where rows changed.

Searching reads no text from the database: the filters rule out most episodes, and
the texts of the rest are tested with ``bytes.find`` / ``bytes.count``. Before each
search one query (the highest row id and stamp, from indexes, and the row count)
tells whether another process wrote rows since; if so only the new rows are read.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Max

from archive.models import SearchText

from .packed import Unpacked, unpack
from .signature import Filters

REPAIR_EVERY = 60.0    # seconds between two repair checks of one process


@dataclass
class Image:
    generation: tuple = ()
    row_ids: dict[int, tuple] = field(default_factory=dict)      # episode id -> (row id, stamp)
    episodes: dict[int, Unpacked] = field(default_factory=dict)
    signatures: dict[int, bytes] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)                # episode ids, filter order
    filters: Filters | None = None
    repaired_at: float = float("-inf")


_image = Image()
_lock = threading.Lock()


def current(*, refresh: bool = True, repair: Callable[[], object] | None = None) -> Image:
    """The image, brought up to date with the rows, after ``repair`` (the index's) when
    REPAIR_EVERY passed since this process last ran it; ``refresh=False``: as it is,
    for the rest of a search that refreshed it."""
    with _lock:
        if refresh:
            if repair is not None:
                _repair_when_due(repair)
            _refresh(_image)
        return _image


def repair_when_due(repair: Callable[[], object]) -> None:
    """Run ``repair`` when REPAIR_EVERY passed since this process last did (or a
    failed pass asked for it: ``repair_soon``)."""
    with _lock:
        _repair_when_due(repair)


def _repair_when_due(repair: Callable[[], object]) -> None:
    if time.monotonic() - _image.repaired_at > REPAIR_EVERY:
        _image.repaired_at = time.monotonic()
        repair()


def repair_soon() -> None:
    """Make this process's next search repair the index first (an index pass failed)."""
    with _lock:
        _image.repaired_at = float("-inf")


def forget() -> None:
    """Drop the image (tests whose database rolled back under it)."""
    global _image
    with _lock:
        _image = Image()


def _refresh(image: Image) -> None:
    generation = generation_of_rows()
    if generation == image.generation:
        return
    load(image, current_rows())
    image.generation = generation


def current_rows() -> dict[int, tuple]:
    """Episode id -> (row id, stamp) of every row. A row is known by its id and
    stamp: ids of a rolled-back transaction come again."""
    return {episode_id: (pk, stamp) for episode_id, pk, stamp in
            SearchText.objects.values_list("episode_id", "id", "stamp")}


def generation_of_rows() -> tuple:
    """What changes whenever a row is written or deleted: one query, from indexes."""
    return tuple(SearchText.objects.aggregate(last=Max("id"), rows=Count("id"), stamp=Max("stamp")).values())


def load(image: Image, rows: dict[int, tuple]) -> None:
    """Make ``image`` hold exactly these rows (episode id -> (row id, stamp)),
    reading only those it does not hold yet."""
    for episode_id in set(image.row_ids) - set(rows):
        image.episodes.pop(episode_id, None)
        image.signatures.pop(episode_id, None)
    wanted = [row[0] for episode_id, row in rows.items() if image.row_ids.get(episode_id) != row]
    for start in range(0, len(wanted), 200):
        for episode_id, text, layout, signature in SearchText.objects.filter(
            id__in=wanted[start:start + 200]
        ).values_list("episode_id", "text", "layout", "signature"):
            image.episodes[episode_id] = unpack(bytes(text), bytes(layout))
            image.signatures[episode_id] = bytes(signature)
    image.row_ids = rows
    image.order = sorted(image.episodes)
    image.filters = Filters([image.signatures[episode_id] for episode_id in image.order])
