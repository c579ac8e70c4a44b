"""Write episodes back as markdown files: only what changed, atomically, never over
a file that changed on disk since it was last imported or exported.

Each chunk of episodes is read in one read-only snapshot (``archive.snapshot``), so a
file written is always a state the episode had, even while editors save alongside.
Writing goes through a temporary file of a fixed-length name beside the target and a
rename; one export at a time holds an output folder, and removes the temporary files
an export killed earlier left there.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from .codec import Document, render
from .models import Episode, FileVersion
from .snapshot import read_snapshot
from .store import load_documents
from .syncstate import sha256

WRITTEN, UNCHANGED, DIFFERS, CONFLICT, FAILED = "written", "unchanged", "differs", "conflict", "failed"
_CHUNK = 100


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: Path
    outcome: str
    message: str = ""


TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".archive-export-", ".tmp"


def documents(queryset: QuerySet | None = None) -> Iterator[tuple[Episode, Document]]:
    """Each episode with its document, a chunk of episodes per snapshot and few queries."""
    queryset = Episode.objects.all() if queryset is None else queryset
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), _CHUNK):
        with read_snapshot():
            chunk = list(Episode.objects.filter(pk__in=ids[start:start + _CHUNK]).order_by("pk"))
            loaded = load_documents(chunk)
        for episode in chunk:
            yield episode, loaded[episode.pk]


@contextlib.contextmanager
def holding(outdir: Path) -> Iterator[None]:
    """Hold ``outdir`` for one export, then clear what an export killed there left."""
    outdir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(outdir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(f"{outdir}: another export is writing into this folder") from None
        _remove_leftovers(outdir)
        yield
    finally:
        os.close(descriptor)


class FolderBusy(Exception):
    pass


def _remove_leftovers(outdir: Path) -> None:
    for folder, _, names in os.walk(outdir):
        for name in names:
            if name.startswith(TEMPORARY_PREFIX) and name.endswith(TEMPORARY_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(folder, name))


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
    """Record that the file now holds ``episode`` as read in its snapshot.

    ``synced_version`` is the snapshot's version, so an edit saved meanwhile still
    counts as not yet in the file.
    """
    source_hash = sha256(data)
    if episode.source_hash == source_hash and episode.synced_version == episode.version:
        return
    now = timezone.now()
    Episode.objects.filter(pk=episode.pk, synced_version__lte=episode.version).update(
        source_hash=source_hash, synced_version=episode.version, synced_at=now
    )
    if episode.source_hash != source_hash:
        FileVersion.objects.create(
            episode_id=episode.pk, sha256=source_hash, action=FileVersion.Action.EXPORTED, at=now
        )
    episode.source_hash, episode.synced_version = source_hash, episode.version


def write_atomically(target: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename over ``target``.

    Readers see the old file or the new one, never a part. There is no fsync per
    file: the database holds the content, and export rewrites any file that differs.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
    # A name of fixed length: the target's own may already be as long as names go.
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, delete=False
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
