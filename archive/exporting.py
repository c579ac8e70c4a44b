"""Write episodes back as markdown files: only what changed, atomically, never over
a file that changed on disk since it was last imported or exported."""
from __future__ import annotations

import dataclasses
import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from .codec import Document, render
from .models import Episode
from .store import load_documents
from .syncstate import sha256

WRITTEN, UNCHANGED, DIFFERS, CONFLICT, FAILED = "written", "unchanged", "differs", "conflict", "failed"
_CHUNK = 100


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: Path
    outcome: str
    message: str = ""


def documents(queryset: QuerySet | None = None) -> Iterator[tuple[Episode, Document]]:
    """Each episode with its document, loading a chunk of episodes per few queries."""
    queryset = Episode.objects.all() if queryset is None else queryset
    episodes = queryset.order_by("pk").iterator(chunk_size=_CHUNK)
    while chunk := list(itertools.islice(episodes, _CHUNK)):
        loaded = load_documents(chunk)
        for episode in chunk:
            yield episode, loaded[episode.pk]


def export_episode(
    episode: Episode, document: Document, outdir: Path, *, check: bool = False,
    force: bool = False, dry_run: bool = False,
) -> ExportResult:
    data = render(document).encode("utf-8")
    target = outdir / episode.source_path
    if not target.resolve().is_relative_to(outdir.resolve()):
        return ExportResult(target, CONFLICT, "its path leaves the output folder; not written")
    try:
        on_disk = target.read_bytes() if target.exists() else None
    except OSError as error:
        return ExportResult(target, FAILED, f"cannot read: {error.strerror or error}")
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
        try:
            write_atomically(target, data)
        except OSError as error:
            return ExportResult(target, FAILED, f"cannot write: {error.strerror or error}")
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
    """Write through a temporary file in the same folder, then rename over ``target``.

    Readers see the old file or the new one, never a part. There is no fsync per
    file: the database holds the content, and export rewrites any file that differs.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        os.unlink(handle.name)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
