"""One edit of an episode: lock it, check the version the editor loaded, change rows,
raise the version, keep a revision of the file, tell the site.

Every path that writes an episode's content or workflow fields goes through
:func:`edit`, so optimistic locking and revisions cannot be forgotten by one view.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.codec import render
from archive.models import Episode, FileVersion
from archive.signals import episodes_changed
from archive.store import load_document

from . import reviewstate
from .models import Revision


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

    The body may set ``summary`` once it knows what it changed: the revision keeps
    the summary as it is when the edit ends."""

    episode: Episode
    summary: str
    kind: str
    file_changed: bool = True
    update_fields: set[str] = dataclasses.field(default_factory=set)
    revision: Revision | None = None


def render_episode(episode_id: int) -> str:
    """The file ``export_markdown`` would write for the episode, from fresh rows."""
    return render(load_document(Episode.objects.get(pk=episode_id)))


@contextlib.contextmanager
def edit(
    episode_id: int, *, by, summary: str, kind: str = Revision.Kind.EDIT,
    expected_version: int | None = None,
) -> Iterator[Session]:
    """Run one edit under a row lock; raise :class:`EditConflict` on a stale version.

    The body changes rows through ``session.episode`` (adding column names to
    ``session.update_fields``) or through bulk queries; on leaving, the episode's
    version is raised, its file rendered into a new :class:`Revision` (with
    ``session.summary``), the review state brought up to date
    (``editorial.reviewstate.note_edit``) and ``episodes_changed`` sent, all in the
    same transaction.
    """
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode_id)
        if expected_version is not None and episode.version != expected_version:
            raise EditConflict(episode, expected_version)
        keep_earlier_state(episode)
        version_before = episode.version
        session = Session(episode=episode, summary=summary, kind=kind)
        yield session
        episode = session.episode
        if not session.file_changed:
            if session.update_fields:
                # Not a change of the file: leave updated_at, which dates the file.
                Episode.objects.filter(pk=episode.pk).update(
                    **{name: getattr(episode, name) for name in session.update_fields}
                )
            reviewstate.note_edit(episode, kind=kind, version_before=version_before, by=by)
            return
        episode.version = version_before + 1
        episode.save(update_fields=[*session.update_fields, "version", "updated_at"])
        session.revision = new_revision(
            episode, episode.version, render_episode(episode.pk), kind=kind,
            summary=str(session.summary)[:255], author=_user(by),
            episode_updated_at=episode.updated_at,
        )
        reviewstate.note_edit(episode, kind=kind, version_before=version_before, by=by)
        episodes_changed.send(sender=Session, episode_ids=[episode.pk])


def keep_earlier_state(episode: Episode) -> Revision | None:
    """Make sure a revision holds the file as it is now, before it is changed.

    Every save and every re-import (``editorial.receivers``) leaves a revision at
    the episode's version, taken when the episode's ``updated_at`` was what it is:
    then there is nothing to keep. Otherwise the file is rendered, and kept unless
    the latest revision already holds exactly that text: "As imported" (dated at the
    import) before the first edit, else "outside" (rows changed without a revision,
    given a version of their own).
    """
    latest = (
        episode.revisions.order_by("-version")
        .only("pk", "episode_id", "version", "episode_updated_at", "compressed", "base_version")
        .first()
    )
    if (
        latest is not None and latest.version == episode.version
        and latest.episode_updated_at == episode.updated_at
    ):
        return None
    text = render_episode(episode.pk)
    if latest is not None and latest.version == episode.version and latest.text == text:
        Revision.objects.filter(pk=latest.pk).update(episode_updated_at=episode.updated_at)
        return None
    if latest is not None and latest.version >= episode.version:
        Episode.objects.filter(pk=episode.pk).update(version=latest.version + 1)
        episode.version = latest.version + 1
    original = latest is None
    return new_revision(
        episode, episode.version, text,
        kind=Revision.Kind.ORIGINAL if original else Revision.Kind.OUTSIDE,
        episode_updated_at=episode.updated_at,
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
