"""Write episodes back as markdown files: only what changed, atomically, never over
a file that changed on disk since it was last imported or exported.

Each chunk of episodes is read in one read-only snapshot (``archive.content.snapshot``), so a
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

from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from archive.models import Episode, FileVersion
from archive.workers import forked_pool

from .snapshot import read_snapshot
from .store import load_texts
from .syncstate import sha256

WRITTEN, UNCHANGED, DIFFERS, CONFLICT, FAILED = "written", "unchanged", "differs", "conflict", "failed"
_CHUNK = 100


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: Path
    outcome: str
    message: str = ""


TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".archive-export-", ".tmp"


def chunks(queryset: QuerySet | None = None) -> Iterator[list[tuple[Episode, str]]]:
    """Episodes with the text of their files, a chunk per snapshot and few queries."""
    for ids in _id_chunks(queryset):
        yield _texts_of_chunk(ids)


def _id_chunks(queryset: QuerySet | None) -> list[list[int]]:
    queryset = Episode.objects.all() if queryset is None else queryset
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return [ids[start:start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def _texts_of_chunk(ids: list[int]) -> list[tuple[Episode, str]]:
    with read_snapshot():
        chunk = list(Episode.objects.filter(pk__in=ids).order_by("pk"))
        texts = load_texts(chunk)
    return [(episode, texts[episode.pk]) for episode in chunk]


class Export:
    """One export run into ``outdir``: each episode's file compared, written if needed,
    and recorded as synced, a chunk's records in one transaction.

    Chunks are loaded, rendered and written by worker processes when there are many
    (rendering is most of an export's time); this process records what they wrote.
    """

    def __init__(self, outdir: Path, *, check: bool = False, force: bool = False,
                 dry_run: bool = False, jobs: int | None = None):
        self.outdir, self.check, self.force, self.dry_run = outdir, check, force, dry_run
        self.jobs = jobs or os.cpu_count() or 1

    def run(self, queryset: QuerySet | None = None) -> Iterator[tuple[Episode, ExportResult]]:
        id_chunks = _id_chunks(queryset)
        for chunk in self._exported(id_chunks):
            synced = [
                (episode, digest) for episode, result, digest in chunk
                if result.outcome in (WRITTEN, UNCHANGED) and not (self.check or self.dry_run)
            ]
            with transaction.atomic():
                for episode, digest in synced:
                    _mark_synced(episode, digest)
            for episode, result, _ in chunk:
                yield episode, result

    def _exported(self, id_chunks: list[list[int]]) -> Iterator[list[tuple]]:
        parallel = self.jobs > 1 and len(id_chunks) > 1 and not connection.in_atomic_block and not (
            connection.vendor == "sqlite" and connection.is_in_memory_db()
        )
        if not parallel:
            yield from map(self.export_chunk, id_chunks)
            return
        # Workers are forked: they open database connections of their own.
        connections.close_all()
        pool = forked_pool(self.jobs)
        try:
            yield from pool.imap(self._export_chunk_to_send, id_chunks)
        finally:
            pool.terminate()
            pool.join()

    def export_chunk(self, ids: list[int]) -> list[tuple[Episode, ExportResult, str]]:
        """Each episode of ``ids`` exported: with its result and its file's SHA-256."""
        exported, root = [], self.outdir.resolve()
        for episode, text in _texts_of_chunk(ids):
            data = text.encode("utf-8")
            exported.append((episode, self._export(episode, data, root), sha256(data)))
        return exported

    def _export_chunk_to_send(self, ids: list[int]) -> list[tuple[Episode, ExportResult, str]]:
        """``export_chunk`` in a worker: its episodes go back pickled, so only with the
        columns callers of ``run`` read (front matter is most of an episode's bytes)."""
        return [(_sent_back(episode), result, digest) for episode, result, digest in self.export_chunk(ids)]

    def _export(self, episode: Episode, data: bytes, root: Path) -> ExportResult:
        """Export one episode's file; ``root`` is the output folder resolved."""
        target = self.outdir / episode.source_path
        if not target.resolve().is_relative_to(root):
            return ExportResult(target, CONFLICT, "its path leaves the output folder; not written")
        try:
            on_disk = target.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            on_disk = None
        except OSError as error:
            return ExportResult(target, FAILED, f"cannot read: {error.strerror or error}")
        if on_disk == data:
            return ExportResult(target, UNCHANGED)
        if self.check:
            return ExportResult(target, DIFFERS, "differs from the archive")
        if on_disk is not None and sha256(on_disk) != episode.source_hash and not self.force:
            return ExportResult(
                target, CONFLICT,
                "changed on disk since it was last imported or exported; import it first, "
                "or use --force to overwrite",
            )
        if not self.dry_run:
            try:
                write_atomically(target, data)
            except OSError as error:
                return ExportResult(target, FAILED, f"cannot write: {error.strerror or error}")
        return ExportResult(target, WRITTEN)


_SENT_BACK = ("id", "source_path", "source_hash", "version", "synced_version", "synced_at")


def _sent_back(episode: Episode) -> Episode:
    """``episode`` as if loaded with only the columns of ``_SENT_BACK``: its others are
    deferred, read from the database if a caller asks for them."""
    names = [field.attname for field in Episode._meta.concrete_fields if field.attname in _SENT_BACK]
    return Episode.from_db(episode._state.db, names, [getattr(episode, name) for name in names])


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


def _mark_synced(episode: Episode, source_hash: str) -> None:
    """Record that the file now holds ``episode`` as read in its snapshot.

    ``synced_version`` is the snapshot's version, so an edit saved meanwhile still
    counts as not yet in the file.
    """
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
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    try:
        descriptor, name = _temporary_file_beside(target)
    except FileNotFoundError:  # its folder is not there yet
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = _temporary_file_beside(target)
    try:
        with open(descriptor, "wb") as handle:
            handle.write(data)
            os.fchmod(descriptor, mode)
        os.replace(name, target)
    except BaseException:
        os.unlink(name)
        raise


def _temporary_file_beside(target: Path) -> tuple[int, str]:
    # A name of fixed length: the target's own may already be as long as names go.
    return tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
