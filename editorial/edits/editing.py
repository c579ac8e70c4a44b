"""The one road for an edit of an episode: lock it, check the version the editor
loaded, hand its documents to the edit, write what changed, raise the version, keep
a revision of the file written, tell the site.

An edit is a function from document to document (:data:`Change`): the transcript
editor's rows, the front-matter form, a workflow step, a rename, a revert. It
writes no rows itself: :func:`edit` hands what it returns to
``archive.content.store.write_changes``, which writes the whole document (columns,
entity lists, appearances, blocks), so nothing derived from a file can fall behind
it, and optimistic locking and revisions cannot be forgotten by one caller.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.codec import Document, render
from archive.content import fields, store
from archive.content.store import Written, load_document, with_rows_of
from archive.models import Episode, FileVersion
from archive.signals import episodes_changed

from editorial.models import Revision
from editorial.review import held
from editorial.review import state as reviewstate

Change = Callable[[Document], Document]


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


@dataclasses.dataclass(frozen=True)
class Edited:
    """What one edit did.

    ``episode`` is the episode as the edit left it; ``written`` what was written of
    the version editors see (counted on the pending document when the edit waits
    for review); ``revision`` the revision kept, None when the file did not change;
    ``readers_text`` the file readers get, when the edit wrote the episode's rows
    (None when it only changed held changes, or nothing)."""

    episode: Episode
    written: Written
    revision: Revision | None
    readers_text: str | None

    @property
    def changed(self) -> bool:
        return self.revision is not None

    @property
    def version(self) -> int:
        return self.episode.version


def render_episode(episode_id: int) -> str:
    """The file ``export_markdown`` would write for the episode, from fresh rows."""
    return render(load_document(Episode.objects.get(pk=episode_id)))


def edit(
    episode_id: int, change: Change, *, by, summary: str | Callable[[Written], str],
    kind: str = Revision.Kind.EDIT, expected_version: int | None = None,
    everywhere: bool = False, apply_held: bool = False,
) -> Edited:
    """Apply ``change`` to the episode as one edit, under its row lock, in one
    transaction (the caller's, when it has one); raise :class:`EditConflict` when
    ``expected_version`` is stale. ``change`` may raise to refuse the edit: nothing
    is written then.

    A content edit of an episode whose edits are held (``editorial.review.held``)
    is applied to its pending document (the episode's own, the first time) and kept
    as its pending revision; the rows stay as readers have them. A workflow step,
    or an edit made ``everywhere`` (a publisher's rename across the archive,
    approved as it is made), changes the episode and its pending document alike.
    ``apply_held`` (an approval, or a reopening, which shows edits at once) applies
    ``change`` to the pending document and writes the result over the episode's
    rows, then drops the pending revision.

    An edit that changes the file raises the version, keeps the file editors see
    now as a :class:`Revision` (with ``summary``, or ``summary(written)``), brings
    the review state up to date (``editorial.review.state.note_edit``), drops held
    changes that came back to readers' text and sends ``episodes_changed`` when
    readers' version was written, all in the same transaction.
    """
    with transaction.atomic():
        live = Episode.objects.select_for_update().get(pk=episode_id)
        if expected_version is not None and live.version != expected_version:
            raise EditConflict(live, expected_version)
        pending = held.pending_of(live)
        if pending is None:
            keep_earlier_state(live)
        version_before = live.version
        live_before = load_document(live)
        held_before = held.pending_document(pending) if pending is not None else None
        applied = pending is not None and apply_held
        live_after = held_after = None
        if applied:
            live_after = with_rows_of(live_before, change(held_before))
        elif everywhere or kind == Revision.Kind.WORKFLOW or (
            pending is None and not held.holds_edits(live)
        ):
            live_after = change(live_before)
            if held_before is not None:
                held_after = change(held_before)
        else:
            held_before = live_before if held_before is None else held_before
            held_after = change(held_before)
        for before, after in ((live_before, live_after), (held_before, held_after)):
            if after is not None and after.front_matter is not before.front_matter:
                _check_importable(after)
        written_live = (
            store.write_changes(live, live_before, live_after) if live_after is not None else Written()
        )
        written_held = (
            store.changes_between(held_before, held_after) if held_after is not None else Written()
        )
        shown = written_held if held_after is not None else written_live
        if not applied and written_live == Written() and written_held == Written():
            reviewstate.note_edit(live, kind=kind, version_before=version_before, by=by)
            return Edited(live, shown, None, None)
        live.version = version_before + 1
        if live_after is not None:
            live.updated_at = timezone.now()
            Episode.objects.filter(pk=live.pk).update(version=live.version, updated_at=live.updated_at)
        else:  # held: readers' rows are as they were; only the count of saves moves
            Episode.objects.filter(pk=live.pk).update(version=live.version)
        readers_text = render(live_after) if live_after is not None else None
        text = render(held_after) if held_after is not None else readers_text
        revision = new_revision(
            live, live.version, text, kind=kind, author=_user(by),
            summary=str(summary(shown) if callable(summary) else summary)[:255],
            episode_updated_at=live.updated_at,
        )
        if applied:
            held.carry_dismissals(live, pending)
        if held_after is None or text == (readers_text or render(live_before)):
            held.drop(live)
        else:
            held.keep(live, held_after, revision, was=pending)
        reviewstate.note_edit(live, kind=kind, version_before=version_before, by=by, approved=everywhere)
        if live_after is not None:
            episodes_changed.send(sender=Edited, episode_ids=[live.pk])
        return Edited(live, shown, revision, readers_text)


def _check_importable(document) -> None:
    """Refuse front matter the import would refuse (a name past the entity bound,
    say): whatever an edit saves exports to a file that imports again."""
    try:
        fields.check_values(document.front_matter)
    except fields.ValueProblem as problem:
        raise ValueError(f"the file would not import again: {problem}") from None


def keep_earlier_state(episode: Episode) -> Revision | None:
    """Make sure a revision of ``episode`` holds its file as it is now, before it is
    changed (an episode with changes held for review has them as its latest
    revision: the caller does not ask).

    Every save and every re-import (``editorial.review.receivers``) leaves a revision at
    the episode's version, taken when its ``updated_at`` was what it is: then there
    is nothing to keep. Otherwise the file is rendered, and kept unless the latest
    revision already holds exactly that text: "As imported" (dated at the import)
    before the first edit, else "outside" (rows changed without a revision, given a
    version of their own).
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
