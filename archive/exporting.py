"""Write episodes back as markdown files: only what changed, atomically, never over
a file that changed on disk since it was last imported or exported."""
from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from . import fields
from .codec import render
from .models import Episode
from .store import load_document
from .syncstate import sha256

WRITTEN, UNCHANGED, DIFFERS, CONFLICT = "written", "unchanged", "differs", "conflict"
_CHUNK = 100


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: Path
    outcome: str
    message: str = ""


def episodes_for_export(queryset: QuerySet | None = None) -> Iterator[Episode]:
    """Episodes with everything their file needs, a bounded number of queries per chunk."""
    queryset = Episode.objects.all() if queryset is None else queryset
    links = [f"{link._meta.model_name}_set__tag" for _, link in fields.ENTITY_KEYS.values()]
    return queryset.order_by("pk").prefetch_related("headings", "turns", *links).iterator(
        chunk_size=_CHUNK
    )


def export_episode(
    episode: Episode, outdir: Path, *, check: bool = False, force: bool = False,
    dry_run: bool = False,
) -> ExportResult:
    data = render(load_document(episode)).encode("utf-8")
    target = outdir / episode.source_path
    on_disk = target.read_bytes() if target.exists() else None
    if on_disk == data:
        if not (check or dry_run):
            _mark_synced(episode, data)
        return ExportResult(target, UNCHANGED)
    if check:
        return ExportResult(target, DIFFERS, "differs from the archive")
    if on_disk is not None and sha256(on_disk) != episode.source_hash and not force:
        return ExportResult(
            target, CONFLICT,
            "changed on disk since it was last imported or exported; import it first, "
            "or use --force to overwrite",
        )
    if not dry_run:
        write_atomically(target, data)
        _mark_synced(episode, data)
    return ExportResult(target, WRITTEN)


def _mark_synced(episode: Episode, data: bytes) -> None:
    source_hash = sha256(data)
    if episode.source_hash != source_hash:
        episode.source_hash = source_hash
        Episode.objects.filter(pk=episode.pk).update(
            source_hash=source_hash, synced_at=timezone.now()
        )


def write_atomically(target: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        os.unlink(handle.name)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
