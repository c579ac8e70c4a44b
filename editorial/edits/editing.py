"""One edit of an episode: lock it, check the version the editor loaded, change rows,
raise the version, keep a revision of the file, tell the site.

Every path that writes an episode's content or workflow fields goes through
:func:`edit`, so optimistic locking and revisions cannot be forgotten by one view.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.codec import Document, render
from archive.content import store
from archive.content.store import Written, load_document
from archive.models import Episode, FileVersion
from archive.signals import episodes_changed
from editorial.models import Revision
from editorial.review import held
from editorial.review import state as reviewstate


class EditConflict(Exception):
    """The episode was saved by someone else since the editor loaded ``expected``."""

    def __init__(self, episode: Episode, expected: int):
        self.episode = episode
        self.expected = expected
        self.current = episode.version
        super().__init__(_(
            "This episode was saved by someone else while you were editing "
            "(you loaded version %(expected)s, it is now version %(current)s)."
        ) % {"expected": expected, "current": episode.version})


@dataclasses.dataclass
class Session:
    """What one edit changes; ``file_changed`` false skips the version and revision.

    ``episode`` is the row the edit writes: the episode, or its working copy when
    the edit waits for review (``editorial.review.held``). ``targets`` are every row it
    writes: an edit that applies to readers' version and the held changes alike (a
    workflow step, a publisher's rename) changes each of them. ``moved_keys`` maps
    the episode's row keys to the copy's when this edit made the copy.

    A content edit reads ``document`` (the tree of ``episode`` as it is now, its
    blocks carrying their rows), changes it with the codec and hands the result to
    :meth:`write`, which writes the blocks that changed. The body may set
    ``summary`` once it knows what it changed: the revision keeps the summary as it
    is when the edit ends."""

    episode: Episode
    summary: str
    kind: str
    live: Episode
    copy: Episode | None = None
    moved_keys: dict[str, str] = dataclasses.field(default_factory=dict)
    file_changed: bool = True
    update_fields: set[str] = dataclasses.field(default_factory=set)
    revision: Revision | None = None

    @functools.cached_property
    def document(self) -> Document:
        return load_document(self.episode)

    def write(self, document: Document) -> Written:
        """Write ``document``'s body over :attr:`document`'s; a write that changes
        no row leaves the file, the version and the revisions as they were."""
        written = store.write_changes(self.episode, self.document, document)
        self.file_changed = written != Written()
        self.__dict__.pop("document")
        return written

    @property
    def targets(self) -> list[Episode]:
        if self.episode.pk != self.live.pk:
            return [self.episode]
        return [self.live] if self.copy is None else [self.live, self.copy]

    def publish_held_changes(self) -> bool:
        """Give the episode its working copy's content (a publisher approved it, or
        it becomes a draft again, which shows edits at once); whether it had one."""
        if self.copy is None:
            return False
        self.live = self.episode = store.publish_copy(self.copy)
        self.copy = None
        return True


def render_episode(episode_id: int) -> str:
    """The file ``export_markdown`` would write for the episode (or working copy),
    from fresh rows."""
    return render(load_document(Episode.with_working_copies.get(pk=episode_id)))


@contextlib.contextmanager
def edit(
    episode_id: int, *, by, summary: str, kind: str = Revision.Kind.EDIT,
    expected_version: int | None = None, everywhere: bool = False,
) -> Iterator[Session]:
    """Run one edit under a row lock; raise :class:`EditConflict` on a stale version.

    ``episode_id`` is the episode's, never its working copy's. A content edit of an
    episode whose edits are held (``editorial.review.held``) writes its working copy, made
    now if it has none; a workflow step, or an edit made ``everywhere`` (a
    publisher's rename across the archive: approved as it is made), writes the
    episode and the copy alike.

    The body changes rows through ``session.episode`` (or each of
    ``session.targets``), adding column names to ``session.update_fields``, or
    through bulk queries; on leaving, the version is raised, the file rendered into
    a new :class:`Revision` (with ``session.summary``), the review state brought up
    to date (``editorial.review.state.note_edit``), a copy that came back to the
    episode's text dropped and ``episodes_changed`` sent if readers' version
    changed, all in the same transaction.
    """
    with transaction.atomic():
        live = Episode.objects.select_for_update().get(pk=episode_id)
        if expected_version is not None and live.version != expected_version:
            raise EditConflict(live, expected_version)
        copy = held.working_copy(live)
        keep_earlier_state(live, copy or live)
        version_before = live.version
        on_both = everywhere or kind == Revision.Kind.WORKFLOW
        session = Session(episode=copy or live, summary=summary, kind=kind, live=live, copy=copy)
        if on_both:
            session.episode = live
        elif copy is None and held.holds_edits(live):
            session.copy, session.moved_keys = held.start_copy(live)
            session.episode = session.copy
        yield session
        live, copy = session.live, session.copy
        if not session.file_changed:
            # Not a change of the file: leave updated_at, which dates the file.
            _write_columns(session.targets, session.update_fields)
            reviewstate.note_edit(live, kind=kind, version_before=version_before, by=by)
            return
        now = timezone.now()
        for target in session.targets:
            target.version, target.updated_at = version_before + 1, now
        _write_columns(session.targets, {*session.update_fields, "version", "updated_at"})
        if live not in session.targets:
            # Held: readers' rows are as they were; only the count of saves moves.
            Episode.objects.filter(pk=live.pk).update(version=version_before + 1)
            live.version = version_before + 1
        working = copy or live
        session.revision = new_revision(
            live, live.version, render_episode(working.pk), kind=kind,
            summary=str(session.summary)[:255], author=_user(by),
            episode_updated_at=working.updated_at,
        )
        reviewstate.note_edit(
            live, kind=kind, version_before=version_before, by=by, approved=everywhere
        )
        if copy is not None and session.revision.text == render_episode(live.pk):
            store.delete_episode(copy)
            session.copy = None
        if live in session.targets:
            episodes_changed.send(sender=Session, episode_ids=[live.pk])


def _write_columns(targets: list[Episode], names: set[str]) -> None:
    """Write these columns of the edited rows as one UPDATE each, sending no model
    signal: the edit announces itself once, as ``episodes_changed``."""
    for target in targets if names else ():
        Episode.with_working_copies.filter(pk=target.pk).update(
            **{name: getattr(target, name) for name in names}
        )


def keep_earlier_state(episode: Episode, working: Episode) -> Revision | None:
    """Make sure a revision of ``episode`` holds the file of ``working`` (the
    episode, or its working copy) as it is now, before it is changed.

    Every save and every re-import (``editorial.review.receivers``) leaves a revision at
    the episode's version, taken when the working row's ``updated_at`` was what it
    is: then there is nothing to keep. Otherwise the file is rendered, and kept
    unless the latest revision already holds exactly that text: "As imported"
    (dated at the import) before the first edit, else "outside" (rows changed
    without a revision, given a version of their own).
    """
    latest = (
        episode.revisions.order_by("-version")
        .only("pk", "episode_id", "version", "episode_updated_at", "compressed", "base_version")
        .first()
    )
    if (
        latest is not None and latest.version == episode.version
        and latest.episode_updated_at == working.updated_at
    ):
        return None
    text = render_episode(working.pk)
    if latest is not None and latest.version == episode.version and latest.text == text:
        Revision.objects.filter(pk=latest.pk).update(episode_updated_at=working.updated_at)
        return None
    if latest is not None and latest.version >= episode.version:
        Episode.with_working_copies.filter(pk__in={episode.pk, working.pk}).update(
            version=latest.version + 1
        )
        episode.version = working.version = latest.version + 1
    original = latest is None
    return new_revision(
        episode, episode.version, text,
        kind=Revision.Kind.ORIGINAL if original else Revision.Kind.OUTSIDE,
        episode_updated_at=working.updated_at,
        created_at=(file_dated(episode, text) or timezone.now()) if original else timezone.now(),
        summary=_("As imported") if original else _("Changed outside the admin (import)"),
    )


def new_revision(episode: Episode, version: int, text: str, **fields) -> Revision:
    """Save a revision of ``episode`` holding ``text`` (as a delta where it pays)."""
    revision = Revision(episode=episode, version=version, **fields)
    revision.keep_text(text)
    revision.save()
    return revision


def file_dated(episode: Episode, text: str):
    """When the CMS got ``text`` as the episode's file: the first import (or export)
    of exactly these bytes, else the episode's first recorded file, else its last
    sync; ``None`` when nothing says."""
    versions = FileVersion.objects.filter(episode=episode).order_by("at", "pk")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    found = versions.filter(sha256=digest).first() or versions.first()
    return found.at if found is not None else episode.synced_at


def _user(by):
    return by if getattr(by, "pk", None) else None
