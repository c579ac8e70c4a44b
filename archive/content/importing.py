"""Import markdown files as episodes; a file that fails leaves nothing behind.

Files are read, hashed, parsed and checked in worker processes (all cores), which
turn each document into plain rows (``archive.content.store.EpisodeRows``); this process
writes them. New episodes are written many per transaction, every failure of a
file having been found before the write; should the database still refuse a batch,
it is rolled back and written again one file per transaction, so only the failing
file is left out. A changed file of an existing episode is written alone, under the
episode's row lock: it is refused when it is an older version of the episode's file
(stale) or when the episode was edited in the CMS since its file was last synced,
unless ``force``. Whatever goes wrong with one file, any exception included, is
that file's ``path:line: problem``; the run goes on.
"""
from __future__ import annotations

import dataclasses
import os
import stat
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from archive.checks.documents import DocumentTurns
from archive.checks.latest_names import EpisodeSights, bring_names_up_to_date
from archive.checks.stored import known_names, names_loaded_once
from archive.codec import ParseError, parse, render
from archive.models import Episode, FileVersion
from archive.signals import WrittenWithNewEpisodes, episodes_changed, file_reimported, work_waiting
from archive.workers import close_connections_before_forking, forked_pool

from . import fields
from .slugplan import plan_slugs
from .sources import Source, Unreadable
from .store import (
    EpisodeRows,
    NewEpisode,
    episode_rows,
    insert_episodes,
    load_document,
    with_rows_of,
    write_changes,
)
from .syncstate import sha256

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
_PATH_LIMIT = Episode._meta.get_field("source_path").max_length
_FILE_NAME_BYTES = 255
# New episodes written per transaction, and how much text at most.
_BATCH_FILES, _BATCH_BYTES = 200, 16 << 20
# Files parsed ahead of the writer, so memory stays bounded when writing is slower.
_READ_AHEAD = 64
# A run that writes this share of the episodes the archive had, or more, is a bulk
# load: PostgreSQL plans from statistics of the tables as they were (autovacuum, if on,
# catches up later), scanning the whole turn table for the rows of a few episodes.
# So it analyses them, as its documentation advises after populating a database.
_BULK_SHARE = 0.1
_PARALLEL_FROM = 64


class ImportFailure(Exception):
    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclasses.dataclass(frozen=True)
class ImportResult:
    path: Path
    outcome: str
    message: str = ""
    line: int = 1
    episode_id: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclasses.dataclass(frozen=True)
class _Task:
    path: Path
    relative: str
    known_hash: str | None  # the hash the CMS holds for this path, None when new


@dataclasses.dataclass(frozen=True)
class _Read:
    """What a worker made of one file: rows to write, or why not."""

    task: _Task
    source_hash: str = ""
    size: int = 0
    rows: EpisodeRows | None = None
    derived: tuple = ()  # a new episode's rows for WrittenWithNewEpisodes, made here
    text: str | None = None  # kept for an existing episode: its revision needs it
    sights: EpisodeSights | None = None  # for the name checks' catch-up (latest_names)
    failure: ImportFailure | None = None


def read_file(task: _Task) -> _Read:
    """Read, hash, decode, parse and check one file; never raises."""
    try:
        _check_name(task)
        data = _read_bytes(task.path)
        source_hash = sha256(data)
        if source_hash == task.known_hash:
            return _Read(task, source_hash, len(data))
        text = _decode(data)
        document = parse(text)
        fields.check_values(document.front_matter)
        turns = DocumentTurns.of(document)
        rows = episode_rows(document, turns)
        sights = EpisodeSights.of(document, turns)
        if task.known_hash is not None:
            return _Read(task, source_hash, len(data), rows=rows, text=text, sights=sights)
        return _Read(
            task, source_hash, len(data), rows=rows, sights=sights,
            derived=tuple(follower.make(rows) for follower in WrittenWithNewEpisodes.instances),
        )
    except (ImportFailure, ParseError, fields.ValueProblem) as failure:
        return _Read(task, failure=ImportFailure(failure.message, failure.line))
    except Exception as error:  # noqa: BLE001 - one file's failure must not end the run
        return _Read(task, failure=_unexpected(error))


def _unexpected(error: Exception) -> ImportFailure:
    return ImportFailure(f"unexpected error: {type(error).__name__}: {error}")


def _check_name(task: _Task) -> None:
    if task.path.suffix.lower() != ".md":
        raise ImportFailure("not a markdown file (expected a .md file)")
    if len(task.path.name.encode("utf-8")) > _FILE_NAME_BYTES:
        raise ImportFailure(f"file name longer than {_FILE_NAME_BYTES} bytes")
    if len(task.relative) > _PATH_LIMIT:
        raise ImportFailure(f"path longer than {_PATH_LIMIT} characters")


def _read_bytes(path: Path) -> bytes:
    # O_NONBLOCK: a FIFO that replaced the file since it was listed is never waited on.
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise ImportFailure(f"cannot read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ImportFailure("not a regular file; not read")
        try:
            return handle.read()
        except OSError as error:
            raise ImportFailure(f"cannot read: {error.strerror or error}") from None


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ImportFailure("empty file")
    if b"\0" in data:
        raise ImportFailure("not a text file (it holds NUL bytes)", data[: data.index(b"\0")].count(b"\n") + 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise ImportFailure(f"not UTF-8: byte 0x{byte:02x} cannot be decoded", line) from None


class Importer:
    """One import run over a list of sources.

    The episodes' paths, hashes and slugs are read once at the start, so
    an unchanged file costs no query; speaker and tag ids found or created are kept
    for the next files. A new episode is written with its search index row, made by
    the worker that parsed it. ``repaired`` counts the episodes whose index a killed
    earlier run left behind, brought up to date first; ``changed`` lists the
    existing episodes rewritten, which :meth:`finish` announces
    (``episodes_changed``), so the index and the page cache follow what was
    committed, also by a run stopped halfway. :meth:`finish` also brings the name
    checks of the episodes written up to date with the names the run added.
    """

    def __init__(self, *, force: bool = False, jobs: int | None = None):
        self.force = force
        self.jobs = jobs
        self.known_ids: dict = {}
        self.created: list[int] = []  # written with their search index rows
        self.changed: list[int] = []
        self.repaired = 0
        self.known: dict[str, tuple] = {}
        self.had = 0  # episodes the archive held when the run started
        # Created or rewritten, flagged with the run's names: {id: (version, sights)}.
        self.written: dict[int, tuple[int, EpisodeSights]] = {}
        self._names: dict = {}  # holds the archive's names as the run's checks knew them

    def run(self, items: Iterable[Source | Unreadable]) -> Iterator[ImportResult]:
        """Import every source, yielding one result per file as it is done. The
        translation checks use the archive's names as they are when it starts
        (:meth:`finish` catches up with the names it added)."""
        with names_loaded_once() as self._names:
            yield from self._run(items)

    def _run(self, items: Iterable[Source | Unreadable]) -> Iterator[ImportResult]:
        self.repaired = sum(follower.repair() for follower in WrittenWithNewEpisodes.instances)
        items = list(items)  # listing may give known episodes their paths in a new folder
        self.known = {
            path: (pk, source_hash, slug)
            for pk, path, source_hash, slug in Episode.objects.values_list(
                "pk", "source_path", "source_hash", "slug"
            )
        }
        self.had = len(self.known)
        for item in items:
            if isinstance(item, Unreadable):
                yield ImportResult(item.path, FAILED, item.problem)
        tasks, seen = [], set()
        for item in items:
            if isinstance(item, Source) and item.relative not in seen:
                seen.add(item.relative)
                known = self.known.get(item.relative)
                tasks.append(_Task(item.path, item.relative, known[1] if known else None))
        plan = plan_slugs(
            {path: known[2] for path, known in self.known.items()},
            [task.relative for task in tasks if task.known_hash is None],
        )
        self._move_slugs(plan.moved)
        batch: list[tuple[_Read, str]] = []
        for read in self._read_all(tasks):
            task = read.task
            if read.failure is not None:
                yield self._failed(task, read.failure)
            elif read.rows is None:
                yield ImportResult(task.path, UNCHANGED, episode_id=self.known[task.relative][0])
            elif task.known_hash is not None:
                yield self._update(read)
            elif task.relative in plan.refused:
                yield self._failed(task, ImportFailure(plan.refused[task.relative]))
            else:
                batch.append((read, plan.slugs[task.relative]))
                if len(batch) >= _BATCH_FILES or sum(r.size for r, _ in batch) >= _BATCH_BYTES:
                    yield from self._create(batch)
                    batch = []
        yield from self._create(batch)

    def finish(self) -> None:
        """Analyse the tables after a bulk load (PostgreSQL), announce the episodes
        this run rewrote, then run the checks that read the archive's names again over
        the episodes it wrote if it added names (once, however often called)."""
        changed, self.changed = self.changed, []
        written, self.written = self.written, {}
        if connection.vendor == "postgresql" and written and len(written) >= _BULK_SHARE * self.had:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if changed:
            episodes_changed.send(sender=Importer, episode_ids=changed)
        bring_names_up_to_date(written, self._names.get("names"), jobs=self.jobs)

    # Reading ---------------------------------------------------------------------

    def _read_all(self, tasks: list[_Task]) -> Iterator[_Read]:
        jobs = self.jobs or (os.cpu_count() or 1)
        if jobs < 2 or len(tasks) < _PARALLEL_FROM:
            yield from map(read_file, tasks)
            return
        known_names()  # loaded here, once, for the workers to inherit
        close_connections_before_forking()
        ahead = threading.BoundedSemaphore(_READ_AHEAD)

        def paced() -> Iterator[_Task]:
            for task in tasks:
                ahead.acquire()
                yield task

        pool = forked_pool(jobs)
        try:
            for read in pool.imap(read_file, paced(), chunksize=4):
                ahead.release()
                yield read
        finally:
            pool.terminate()
            pool.join()

    # Writing ---------------------------------------------------------------------

    def _create(self, batch: list[tuple[_Read, str]]) -> Iterator[ImportResult]:
        """Write new episodes in one transaction; if it fails, one per transaction."""
        if not batch:
            return
        try:
            with transaction.atomic():
                ids = self._insert(batch)
        except Exception:  # noqa: BLE001 - retried file by file below, which reports it
            self.known_ids.clear()  # it may hold ids of rows now rolled back
            yield from (result for item in batch for result in self._create_one(item))
            return
        for (read, slug), pk in zip(batch, ids):
            yield self._created(read, slug, pk)

    def _create_one(self, item: tuple[_Read, str]) -> Iterator[ImportResult]:
        read, slug = item
        try:
            with transaction.atomic():
                [pk] = self._insert([item])
        except DatabaseError as error:
            self.known_ids.clear()
            yield self._failed(read.task, ImportFailure(f"database refused the episode: {error}".strip()))
        except Exception as error:  # noqa: BLE001 - one file's failure must not end the run
            self.known_ids.clear()
            yield self._failed(read.task, _unexpected(error))
        else:
            yield self._created(read, slug, pk)

    def _insert(self, batch: list[tuple[_Read, str]]) -> list[int]:
        ids = insert_episodes([
            NewEpisode(read.task.relative, slug, read.source_hash, read.rows)
            for read, slug in batch
        ], known_ids=self.known_ids)
        for position, follower in enumerate(WrittenWithNewEpisodes.instances):
            follower.write([(pk, read.derived[position]) for (read, _), pk in zip(batch, ids)])
        now = timezone.now()
        FileVersion.objects.bulk_create([
            FileVersion(episode_id=pk, sha256=read.source_hash, action=FileVersion.Action.IMPORTED, at=now)
            for (read, _), pk in zip(batch, ids)
        ])
        return ids

    def _created(self, read: _Read, slug: str, pk: int) -> ImportResult:
        self.known[read.task.relative] = (pk, read.source_hash, slug)
        self.created.append(pk)
        self.written[pk] = (1, read.sights)
        return ImportResult(read.task.path, CREATED, episode_id=pk)

    def _update(self, read: _Read) -> ImportResult:
        """Replace an existing episode's content by a changed file, under its lock."""
        task = read.task
        try:
            with transaction.atomic():
                episode = self._replace(read)
        except ImportFailure as failure:
            return self._failed(task, failure)
        except DatabaseError as error:
            self.known_ids.clear()
            return self._failed(task, ImportFailure(f"database refused the episode: {error}".strip()))
        except Exception as error:  # noqa: BLE001 - one file's failure must not end the run
            self.known_ids.clear()
            return self._failed(task, _unexpected(error))
        if episode is None:
            return ImportResult(task.path, UNCHANGED, episode_id=self.known[task.relative][0])
        self.changed.append(episode.pk)
        self.written[episode.pk] = (episode.version, read.sights)
        return ImportResult(task.path, UPDATED, episode_id=episode.pk)

    def _replace(self, read: _Read) -> Episode | None:
        episode = Episode.objects.select_for_update().get(source_path=read.task.relative)
        if episode.source_hash == read.source_hash:
            return None  # another import took this file meanwhile
        history = FileVersion.objects.filter(episode=episode)
        if not self.force and history.filter(sha256=read.source_hash).exists():
            latest = history.first()
            raise ImportFailure(
                f"older than the CMS's copy ({latest.action} "
                f"{timezone.localtime(latest.at):%Y-%m-%d %H:%M %Z}); --force takes it"
            )
        before = load_document(episode)
        previous_text = render(before)
        edited = (
            sha256(previous_text.encode("utf-8")) != episode.source_hash
            or any(waits for _, waits in work_waiting.send(sender=Importer, episode=episode))
        )
        if not self.force and edited:
            raise ImportFailure(
                "conflict: the file changed on disk and its episode was edited in the CMS "
                "since the last import or export (or has changes waiting for review); "
                "export it first, or use --force to take the file's version"
            )
        # The file as an edit of the episode's document: only what changed is written.
        write_changes(episode, before, with_rows_of(before, parse(read.text)))
        version = episode.version + 1  # an editor holding the old version must reload
        now = timezone.now()
        Episode.objects.filter(pk=episode.pk).update(
            source_hash=read.source_hash, version=version, synced_version=version,
            synced_at=now, updated_at=now,
        )
        FileVersion.objects.create(
            episode=episode, sha256=read.source_hash, action=FileVersion.Action.IMPORTED, at=now,
        )
        episode.refresh_from_db()
        file_reimported.send(
            sender=Importer, episode=episode, previous_text=previous_text, text=read.text,
            path=read.task.relative,
        )
        self.known[read.task.relative] = (episode.pk, read.source_hash, episode.slug)
        return episode

    def _move_slugs(self, moved: dict[str, str]) -> None:
        for path, slug in moved.items():
            Episode.objects.filter(source_path=path).update(slug=slug, updated_at=timezone.now())
            pk, source_hash, _ = self.known[path]
            self.known[path] = (pk, source_hash, slug)

    @staticmethod
    def _failed(task: _Task, failure: ImportFailure) -> ImportResult:
        return ImportResult(task.path, FAILED, failure.message, failure.line)

