"""Import markdown files as episodes: one transaction per file, nothing half-done."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from django.db import DatabaseError

from .codec import Document, ParseError, parse
from .models import Episode
from .slugs import is_url_safe, slug_for, unique_slug
from .store import save_document
from .syncstate import edited_since_sync, sha256

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
_LIMITS = {field.name: field.max_length for field in Episode._meta.fields if field.max_length}


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


def markdown_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Each file to import with the path it is remembered by.

    A folder yields its ``*.md`` files, recursively, relative to the folder; a file
    given by name is remembered by its name.
    """
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*.md")):
                if file.is_file():
                    yield file, file.relative_to(path).as_posix()
        else:
            yield path, path.name


class Importer:
    """Imports files one transaction each, remembering across them what it has read.

    Episodes' paths, hashes and slugs are read once, so an unchanged file costs no
    query; tag and speaker ids found or created are kept for the next files.
    """

    def __init__(self, *, force: bool = False):
        self.force = force
        self.known_ids: dict = {}
        self.hashes, self.slugs = {}, {}
        for pk, path, slug, source_hash in Episode.objects.values_list(
            "pk", "source_path", "slug", "source_hash"
        ):
            self.hashes[path] = (pk, source_hash)
            self.slugs[slug] = path

    def import_file(self, path: Path, relative: str) -> ImportResult:
        """Import one file; a failure leaves the database as it was."""
        try:
            return self._import(path, relative)
        except (ImportFailure, ParseError) as failure:
            return ImportResult(path, FAILED, failure.message, failure.line)
        except DatabaseError as error:
            self.known_ids.clear()  # it may hold ids of rows now rolled back
            return ImportResult(path, FAILED, f"database refused the episode: {error}".strip())

    def _import(self, path: Path, relative: str) -> ImportResult:
        if path.suffix.lower() != ".md":
            raise ImportFailure("not a markdown file (expected a .md file)")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ImportFailure(f"cannot read: {error.strerror or error}") from None
        source_hash = sha256(data)
        known_pk, known_hash = self.hashes.get(relative, (None, None))
        if known_hash == source_hash:
            return ImportResult(path, UNCHANGED, episode_id=known_pk)
        document = parse(_decode(data))
        _check_values(document)
        episode = Episode.objects.get(pk=known_pk) if known_pk else None
        if episode is not None and not self.force and edited_since_sync(episode):
            raise ImportFailure(
                "conflict: the file changed on disk and its episode was edited in the CMS "
                "since the last import or export; export it first, or use --force to take "
                "the file's version"
            )
        if episode is not None:
            episode.version += 1  # an editor holding the old version must reload
        episode = save_document(
            document, source_path=relative, slug=self._slug(relative, episode),
            source_hash=source_hash, episode=episode, known_ids=self.known_ids,
        )
        self.hashes[relative] = (episode.pk, source_hash)
        self.slugs[episode.slug] = relative
        return ImportResult(path, CREATED if known_pk is None else UPDATED, episode_id=episode.pk)

    def _slug(self, relative: str, episode: Episode | None) -> str:
        stem = PurePosixPath(relative).stem
        if is_url_safe(stem):
            owner = self.slugs.get(stem, relative)
            if owner != relative:
                raise ImportFailure(f"slug {stem!r} is already used by {owner}")
            return stem
        if episode is not None:
            return episode.slug
        return unique_slug(slug_for(stem), lambda slug: slug in self.slugs)


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


def _check_values(document: Document) -> None:
    """Refuse values the database cannot hold as read, naming the key's line."""
    line = 2
    for entry in document.front_matter.entries:
        limit = _LIMITS.get(entry.key or "")
        value = document.front_matter.values.get(entry.key)
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise ImportFailure(f"{entry.key!r} holds a YAML value the archive cannot store", line) from None
        if limit and isinstance(value, str) and len(value) > limit:
            raise ImportFailure(f"{entry.key!r} is longer than {limit} characters", line)
        for item in value if isinstance(value, list) else ():
            if len(str(item)) > 255:
                raise ImportFailure(f"an item of {entry.key!r} is longer than 255 characters", line)
        line += entry.raw.count("\n")
