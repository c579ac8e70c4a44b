"""One sync of the content folder with its git remote.

A round: fetch the remote branch; check that the local branch holds nothing the
remote lacks but the CMS's own unpushed work (else refuse, naming the commits or
files); move the work tree to the remote's commit; compare every file changed on
either side since the last sync's commit (the *base*) three ways, base, the CMS's
rendering ("ours") and the work tree ("theirs"):

- changed in the repository only: imported (with the import's own refusals);
- changed in the CMS only: exported;
- changed on both sides: merged turn by turn (``merge3``); a clean merge is saved in
  the CMS as an edit and exported, anything else becomes a :class:`SyncConflict` and
  neither side is written over.

Then one commit of what was exported, the editors as authors
(``archive.content.publishing``), and a push. A push refused because the remote moved
on meanwhile starts the next round (at most ``SYNC_ROUNDS``); the base moves only
when a push succeeded, or when there was nothing to push.

Kill it anywhere: the database changes file by file in transactions, the CMS's
unpushed commit or half-written files are recognised as its own next time (every
file in them is a version the CMS exported) and dropped, since the database still
holds what they held, and the next sync does what is left.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from archive.codec import render
from archive.content import exporting
from archive.content.exporting import Export, holding
from archive.content.importing import CREATED, FAILED, UPDATED, Importer
from archive.content.publishing import CommitRun, PublishError
from archive.content.sources import sources
from archive.content.store import load_documents
from archive.content.syncstate import sha256
from archive.models import Episode, FileVersion

from .gitrepo import SUBMODULE, SYMLINK, GitError, Repository
from .merge3 import merge_texts
from .models import SyncConflict, SyncState
from .resolving import ResolutionRefused, take_text

MERGED_SUMMARY = "Merged with the repository's changes (sync)"
_RENDER_CHUNK = 100


class SyncRefused(Exception):
    """The sync cannot go on without losing someone's work; nothing was changed."""


@dataclasses.dataclass
class SyncReport:
    rounds: int = 0
    remote_commit: str = ""
    imported: list[str] = dataclasses.field(default_factory=list)
    exported: list[str] = dataclasses.field(default_factory=list)
    merged: list[str] = dataclasses.field(default_factory=list)
    conflicts: list[str] = dataclasses.field(default_factory=list)
    failures: list[str] = dataclasses.field(default_factory=list)
    commit: str = ""
    pushed: bool = False

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class _File:
    """One file to look at: its path in the content folder and in the repository."""

    relative: str
    in_repo: str


class Sync:
    def __init__(self, folder: Path, *, remote: str | None = None, branch: str | None = None,
                 rounds: int | None = None, by=None, beat: Callable[[], None] = lambda: None):
        self.folder = Path(folder).resolve()
        self.repo = Repository(self.folder)
        self.remote = remote or settings.SYNC_REMOTE
        self.branch = branch or settings.SYNC_BRANCH
        self.rounds = rounds or settings.SYNC_ROUNDS
        self.by = by
        self.beat = beat
        self.report = SyncReport()

    def run(self) -> SyncReport:
        root = self.repo.top_level()
        self.prefix = "" if root == self.folder else self.folder.relative_to(root).as_posix() + "/"
        self.repo = Repository(root, timeout=self.repo.timeout)
        self.state, _ = SyncState.objects.get_or_create(folder=str(self.folder))
        with holding(self.folder):
            for number in range(1, self.rounds + 1):
                self.report.rounds = number
                if self._round():
                    return self.report
        self.report.failures.append(
            f"the remote moved on during each of {self.rounds} rounds; the next sync goes on"
        )
        return self.report

    # A round -----------------------------------------------------------------------

    def _round(self) -> bool:
        """One round; whether it ended in step with the remote (pushed or nothing to push)."""
        remote_head = self.repo.fetch(self.remote, self.branch)
        self.report.remote_commit = remote_head
        self._catch_up(remote_head)
        self.beat()
        base = self.state.base_commit
        if base and not self.repo.is_ancestor(base, remote_head):
            raise SyncRefused(
                f"the remote branch {self.remote}/{self.branch} no longer holds the last "
                f"synced commit {base[:12]} (history rewritten?); nothing was changed"
            )
        if not base:
            # The first sync: the work tree as it is, taken in as import_markdown would.
            self._import(sources([self.folder]))
        to_import, to_export = self._compare(base, remote_head)
        self._import(sources([self.folder / f.relative for f in to_import]))
        self.beat()
        commit = self._export(to_export)
        if commit is None:
            self._in_step(remote_head)
            return True
        self.report.commit = commit
        if not self.repo.push(self.remote, self.branch):
            return False
        self.report.pushed = True
        self._in_step(commit)
        return True

    def _in_step(self, commit: str) -> None:
        SyncState.objects.filter(pk=self.state.pk).update(
            base_commit=commit, synced_at=timezone.now()
        )
        self.state.refresh_from_db()

    def _catch_up(self, remote_head: str) -> None:
        """Move the work tree to the remote's commit, after checking that all it holds
        besides is the CMS's own (refuse otherwise, changing nothing)."""
        head = self.repo.head()
        if self.repo.branch() != self.branch:
            raise SyncRefused(
                f"the work tree is on branch {self.repo.branch()!r}, not {self.branch!r}; "
                "nothing was changed"
            )
        theirs = [
            commit for commit in self.repo.commits_between(remote_head, head)
            if not self._own_commit(commit)
        ]
        if theirs:
            raise SyncRefused(
                f"the local branch has {len(theirs)} commit(s) the remote lacks that the CMS "
                f"did not make ({', '.join(c[:12] for c in theirs[:5])}); push or remove "
                "them by hand; nothing was changed"
            )
        dirty = self.repo.dirty_paths()
        foreign = [path for path in dirty if not self._own_file(path)]
        if foreign:
            raise SyncRefused(
                f"the work tree has changes the CMS did not make ({', '.join(foreign[:10])}); "
                "commit or remove them first; nothing was changed"
            )
        if head != remote_head or dirty:
            self.repo.move_to(remote_head)

    def _own_commit(self, commit: str) -> bool:
        changes = self.repo.changes(f"{commit}^", commit)
        return bool(changes) and all(
            self._exported_version(change.path, self.repo.show(commit, change.path))
            for change in changes
        )

    def _own_file(self, path: str) -> bool:
        name = Path(path).name
        if name.startswith(exporting.TEMPORARY_PREFIX) and name.endswith(exporting.TEMPORARY_SUFFIX):
            return True
        try:
            data = (self.repo.root / path).read_bytes()
        except OSError:
            return False
        return self._exported_version(path, data)

    def _exported_version(self, path: str, data: bytes | None) -> bool:
        if data is None or not path.startswith(self.prefix):
            return False
        return FileVersion.objects.filter(
            episode__source_path=path[len(self.prefix):], sha256=sha256(data),
            action=FileVersion.Action.EXPORTED,
        ).exists()

    # Comparing ---------------------------------------------------------------------

    def _compare(self, base: str, remote_head: str) -> tuple[list[_File], list[int]]:
        """The files to import and the episodes to export; conflicts recorded."""
        changed_there = self._changed_in_repository(base, remote_head)
        episodes = {
            episode.source_path: episode
            for episode in Episode.objects.filter(source_path__in=[f.relative for f in changed_there])
        }
        if base:
            # Saved since their file was last written or read, or written since the
            # last sync that reached the remote (a push that never happened).
            edited = Episode.objects.filter(
                Q(version__gt=F("synced_version")) | Q(
                    file_versions__action=FileVersion.Action.EXPORTED,
                    file_versions__at__gte=self.state.synced_at,
                )
            ).distinct()
        else:
            edited = Episode.objects.all()
        for episode in edited.only("pk", "source_path"):
            episodes.setdefault(episode.source_path, episode)
        open_conflicts = set(
            SyncConflict.objects.filter(status=SyncConflict.Status.OPEN).values_list("episode_id", flat=True)
        )
        resolved = dict(SyncConflict.objects.filter(
            status=SyncConflict.Status.RESOLVED, resolved_at__gte=self.state.synced_at or timezone.now()
        ).values_list("episode_id", "theirs_text")) if self.state.synced_at else {}
        to_import = [f for f in changed_there if f.relative not in episodes]
        to_export: list[int] = []
        listed = sorted(episodes.values(), key=lambda episode: episode.pk)
        for start in range(0, len(listed), _RENDER_CHUNK):
            chunk = list(Episode.objects.filter(pk__in=[e.pk for e in listed[start:start + _RENDER_CHUNK]]))
            documents = load_documents(chunk)
            for episode in chunk:
                file = _File(episode.source_path, self.prefix + episode.source_path)
                ours = render(documents[episode.pk])
                theirs = self.repo.show(remote_head, file.in_repo)
                if theirs is None:
                    continue  # deleted there, or never committed: the CMS keeps it
                if episode.pk in resolved and theirs.decode("utf-8", "replace") == resolved[episode.pk]:
                    base_text = resolved[episode.pk].encode()
                elif base:
                    base_text = self.repo.show(base, file.in_repo)
                else:
                    base_text = None
                action = self._decide(episode, file, ours, theirs, base_text, remote_head,
                                      open_conflict=episode.pk in open_conflicts)
                if action == "import":
                    to_import.append(file)
                elif action == "export":
                    to_export.append(episode.pk)
            self.beat()
        return to_import, to_export

    def _changed_in_repository(self, base: str, remote_head: str) -> list[_File]:
        if not base:
            return []  # the first sync takes the work tree as it is for the base
        found = []
        for change in self.repo.changes(base, remote_head):
            if not change.path.startswith(self.prefix) or not change.path.endswith(".md"):
                continue
            if change.mode in (SYMLINK, SUBMODULE):
                self.report.failures.append(f"{change.path}: a symbolic link or submodule; not imported")
                continue
            if change.mode == "000000":
                continue
            found.append(_File(change.path[len(self.prefix):], change.path))
        return found

    def _decide(self, episode, file: _File, ours: str, theirs: bytes, base: bytes | None,
                remote_head: str, *, open_conflict: bool) -> str | None:
        ours_bytes = ours.encode("utf-8")
        if ours_bytes == theirs:
            return None
        if base is None:
            # No common commit yet: the file the CMS last synced is the base.
            if sha256(theirs) == episode.source_hash:
                return "export"
            if sha256(ours_bytes) == episode.source_hash:
                return None  # imported above, or refused with the import's reason
        elif theirs == base:
            return None if open_conflict else "export"
        elif ours_bytes == base:
            return None if open_conflict else "import"
        return self._both_changed(episode, file, ours, theirs, base, remote_head)

    def _both_changed(self, episode, file, ours: str, theirs: bytes, base: bytes | None,
                      remote_head: str) -> str | None:
        try:
            theirs_text = theirs.decode("utf-8")
            base_text = base.decode("utf-8") if base is not None else ""
            merged = merge_texts(base_text, ours, theirs_text) if base is not None else None
        except ValueError:  # not UTF-8, or a file the codec refuses: an editor decides
            theirs_text, base_text, merged = theirs.decode("utf-8", "replace"), "", None
        if merged is not None and merged.clean:
            try:
                with transaction.atomic():
                    take_text(episode, merged.text(), theirs_hash=sha256(theirs), by=self.by,
                              summary=MERGED_SUMMARY)
                    SyncConflict.objects.filter(
                        episode=episode, status=SyncConflict.Status.OPEN
                    ).delete()
            except ResolutionRefused:
                pass  # the merge would not make a file the archive holds: an editor decides
            else:
                self.report.merged.append(file.relative)
                return "export"
        SyncConflict.objects.update_or_create(
            episode=episode, status=SyncConflict.Status.OPEN,
            defaults=dict(path=file.relative, base_text=base_text, ours_text=ours,
                          theirs_text=theirs_text, theirs_commit=remote_head),
        )
        self.report.conflicts.append(file.relative)
        return None

    # Importing and exporting ----------------------------------------------------------

    def _import(self, found) -> None:
        found = list(found)
        if not found:
            return
        importer = Importer()
        try:
            for result in importer.run(found):
                relative = Path(result.path).resolve().relative_to(self.folder).as_posix()
                if result.outcome in (CREATED, UPDATED):
                    self.report.imported.append(relative)
                elif result.outcome == FAILED:
                    where = f":{result.line}" if getattr(result, "line", None) else ""
                    self.report.failures.append(f"{relative}{where}: {result.message}")
        finally:
            importer.finish()

    def _export(self, episode_ids: list[int]) -> str | None:
        """Write the episodes' files and commit them; the commit, or None if no file
        changed."""
        if not episode_ids:
            return None
        try:
            commit_run = CommitRun.start(self.folder)
        except PublishError as error:
            raise SyncRefused(str(error)) from None
        export = Export(self.folder, force=True)
        for episode, result in export.run(Episode.objects.filter(pk__in=episode_ids)):
            since = episode.synced_at
            if result.outcome == exporting.WRITTEN:
                commit_run.add(episode_id=episode.pk, path=result.path, since=since)
                self.report.exported.append(episode.source_path)
            elif result.outcome != exporting.UNCHANGED:
                self.report.failures.append(f"{episode.source_path}: {result.message}")
        try:
            return commit_run.finish()
        except PublishError as error:
            raise GitError(f"{error}; the files are written but not committed") from None
