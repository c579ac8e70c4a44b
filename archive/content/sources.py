"""Which files a command means, and the path each episode is known by.

An episode is named by its file's path relative to a content folder: the setting
``ARCHIVE_ROOT`` when it is set, else the folder first imported (remembered as a
``ContentFolder``). A file or subfolder named inside a known folder is relative to
that folder, so importing a folder and then one of its files finds the same episode.

Walking a folder never waits on or silently skips anything: unreadable folders and
files, broken or looping symbolic links and special files (FIFOs, sockets, devices)
named ``*.md`` are reported by path. Symbolic links to folders are not followed.
"""
from __future__ import annotations

import dataclasses
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings

from archive.models import ContentFolder, Episode

MARKDOWN_SUFFIX = ".md"


@dataclasses.dataclass(frozen=True)
class Source:
    """A file to import and the path its episode is known by."""

    path: Path
    relative: str


@dataclasses.dataclass(frozen=True)
class Unreadable:
    """Something named or met that cannot be imported, with why."""

    path: Path
    problem: str


class OutsideContentFolder(Exception):
    pass


def configured_root() -> Path | None:
    root = getattr(settings, "ARCHIVE_ROOT", "")
    return Path(root).resolve() if root else None


def default_folder() -> Path | None:
    """The folder the commands use when given no path: ``ARCHIVE_ROOT``, else the one
    content folder imported so far (None when there is none, or several)."""
    root = configured_root()
    if root is not None:
        return root
    known = list(ContentFolder.objects.values_list("path", flat=True)[:2])
    return Path(known[0]) if len(known) == 1 else None


def no_default_folder(needed: str) -> str:
    """Why a command given no folder has none to use, and what to do (``needed``:
    what the command wanted, e.g. "no folder given")."""
    known = sorted(ContentFolder.objects.values_list("path", flat=True))
    if not known:
        return f"{needed} and no content folder: set ARCHIVE_ROOT or name a folder"
    return (
        f"{needed}, and episodes come from {len(known)} folders ({', '.join(known)}): "
        "name the folder, or set ARCHIVE_ROOT. To keep an archive apart from others "
        "(the sample episodes of the quick start, say), give it its own database: "
        "DATABASE_URL=sqlite:///archive.sqlite3"
    )


def folder_count() -> int:
    return ContentFolder.objects.count()


def sources(paths: Iterable[Path]) -> Iterator[Source | Unreadable]:
    """Every markdown file under ``paths``, in a stable order, with its relative path."""
    root = configured_root()
    known = [Path(path) for path in ContentFolder.objects.values_list("path", flat=True)]
    for given in paths:
        absolute = Path(os.path.abspath(given))
        base = root or _known_folder(absolute, known)
        if base is None:
            base = absolute if _is_folder(absolute) else absolute.parent
            known = _take_in(base, known)
        if not absolute.is_relative_to(base):
            raise OutsideContentFolder(f"{given} is outside the content folder {base}")
        yield from _walk(absolute, base, named=True)


def _take_in(base: Path, known: list[Path]) -> list[Path]:
    """Remember ``base``; a known folder inside it becomes part of it, its episodes'
    paths prefixed with where it lies in ``base``."""
    inner = [folder for folder in known if folder.is_relative_to(base)]
    for folder in inner:
        prefix = folder.relative_to(base).as_posix()
        for pk, relative in Episode.objects.values_list("pk", "source_path"):
            if (folder / relative).is_file():
                Episode.objects.filter(pk=pk).update(source_path=f"{prefix}/{relative}")
    ContentFolder.objects.filter(path__in=[str(folder) for folder in inner]).delete()
    ContentFolder.objects.get_or_create(path=str(base))
    return [folder for folder in known if folder not in inner] + [base]


def _known_folder(path: Path, known: list[Path]) -> Path | None:
    holding = [folder for folder in known if path.is_relative_to(folder)]
    return min(holding, key=lambda folder: len(folder.parts)) if holding else None


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _walk(path: Path, base: Path, *, named: bool) -> Iterator[Source | Unreadable]:
    try:
        link = os.lstat(path)
    except OSError as error:
        yield Unreadable(path, _reason(error))
        return
    if stat.S_ISLNK(link.st_mode):
        try:
            target = os.stat(path)
        except OSError as error:
            yield Unreadable(path, f"broken symbolic link ({_reason(error)})")
            return
        if stat.S_ISDIR(target.st_mode):
            if named:
                yield from _folder(path, base)
            else:
                yield Unreadable(path, "symbolic link to a folder: not followed")
            return
        mode = target.st_mode
    else:
        mode = link.st_mode
    if stat.S_ISDIR(mode):
        yield from _folder(path, base)
    elif not named and path.suffix.lower() != MARKDOWN_SUFFIX:
        return
    elif not stat.S_ISREG(mode):
        yield Unreadable(path, f"not a regular file (a {_kind(mode)}); not read")
    else:
        yield Source(path, path.relative_to(base).as_posix())


def _folder(path: Path, base: Path) -> Iterator[Source | Unreadable]:
    try:
        names = sorted(os.listdir(path))
    except OSError as error:
        yield Unreadable(path, f"cannot read folder: {_reason(error)}")
        return
    for name in names:
        yield from _walk(path / name, base, named=False)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    return error.strerror or str(error)
