"""One edit of an episode: lock it, check the version the editor loaded, change rows,
raise the version, keep a revision of the file, tell the site.

Every path that writes an episode's content or workflow fields goes through
:func:`edit`, so optimistic locking and revisions cannot be forgotten by one view.
"""
from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

from django.db import transaction
from django.db.models import F

from archive.codec import render
from archive.models import Episode
from archive.signals import episodes_changed
from archive.store import load_document

from .models import Revision


class EditConflict(Exception):
    """The episode was saved by someone else since the editor loaded ``expected``."""

    def __init__(self, episode: Episode, expected: int):
        self.episode = episode
        self.expected = expected
        self.current = episode.version
        super().__init__(
            f"This episode was saved by someone else while you were editing "
            f"(you loaded version {expected}, it is now version {episode.version})."
        )


@dataclasses.dataclass
class Session:
    """What one edit changes; ``file_changed`` false skips the version and revision."""

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
    version is raised, its file rendered into a new :class:`Revision` and
    ``episodes_changed`` sent, all in the same transaction.
    """
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode_id)
        if expected_version is not None and episode.version != expected_version:
            raise EditConflict(episode, expected_version)
        _keep_earlier_state(episode, by)
        session = Session(episode=episode, summary=summary, kind=kind)
        yield session
        if not session.file_changed:
            if session.update_fields:
                # Not a change of the file: leave updated_at, which dates the file.
                Episode.objects.filter(pk=episode.pk).update(
                    **{name: getattr(episode, name) for name in session.update_fields}
                )
            return
        episode.version += 1
        episode.save(update_fields=[*session.update_fields, "version", "updated_at"])
        session.revision = Revision.objects.create(
            episode=episode, version=episode.version, kind=kind, summary=summary[:255],
            text=render_episode(episode.pk), author=_user(by),
            episode_updated_at=episode.updated_at,
        )
        episodes_changed.send(sender=Session, episode_ids=[episode.pk])


def _keep_earlier_state(episode: Episode, by) -> None:
    """Keep the file as it is before the first edit, or after an import changed it."""
    latest = episode.revisions.order_by("-version").only("version", "episode_updated_at").first()
    if latest is not None and latest.episode_updated_at == episode.updated_at:
        return
    kind = Revision.Kind.ORIGINAL
    if latest is not None:
        # An import rewrote the rows without raising the version: give it its own.
        kind = Revision.Kind.OUTSIDE
        Episode.objects.filter(pk=episode.pk).update(version=F("version") + 1)
        episode.version += 1
    Revision.objects.create(
        episode=episode, version=episode.version, kind=kind, text=render_episode(episode.pk),
        episode_updated_at=episode.updated_at,
        summary="As imported" if kind == Revision.Kind.ORIGINAL else "Re-imported from its file",
    )


def _user(by):
    return by if getattr(by, "pk", None) else None
