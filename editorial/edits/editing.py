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
from archive.content.store import Written, load_document
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

    ``episode`` is the episode (never its working copy) as the edit left it;
    ``written`` what was written of the version editors see (the working copy when
    the edit waits for review); ``revision`` the revision kept, None when the file
    did not change; ``readers_text`` the file readers get, when the edit wrote the
    episode itself (None when it only wrote held changes, or nothing)."""

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
    """The file ``export_markdown`` would write for the episode (or working copy),
    from fresh rows."""
    return render(load_document(Episode.with_working_copies.get(pk=episode_id)))


def edit(
    episode_id: int, change: Change, *, by, summary: str | Callable[[Written], str],
    kind: str = Revision.Kind.EDIT, expected_version: int | None = None,
    everywhere: bool = False, apply_held: bool = False,
) -> Edited:
    """Apply ``change`` to the episode as one edit, under its row lock, in one
    transaction (the caller's, when it has one); raise :class:`EditConflict` when
    ``expected_version`` is stale. ``change`` may raise to refuse the edit: nothing
    is written then.

    ``episode_id`` is the episode's, never its working copy's. A content edit of an
    episode whose edits are held (``editorial.review.held``) changes its working
    copy, made when an edit first changes something (the rows of the document
    ``change`` got become the copy's). A workflow step, or an edit made ``everywhere`` (a
    publisher's rename across the archive, approved as it is made), changes the
    episode and its copy alike, each through its own document; ``apply_held``
    first gives the episode its copy's content (an approval, or a reopening, which
    shows edits at once).

    An edit that changes the file raises the version, keeps the file written as a
    :class:`Revision` (with ``summary``, or ``summary(written)``), brings the review
    state up to date (``editorial.review.state.note_edit``), drops a copy that came
    back to the episode's text and sends ``episodes_changed`` when readers' version
    changed, all in the same transaction.
    """
    with transaction.atomic():
        live = Episode.objects.select_for_update().get(pk=episode_id)
        if expected_version is not None and live.version != expected_version:
            raise EditConflict(live, expected_version)
        copy = held.working_copy(live)
        keep_earlier_state(live, copy or live)
        version_before = live.version
        applied = apply_held and copy is not None
        if applied:
            live, copy = store.apply_copy(copy), None
        on_both = everywhere or kind == Revision.Kind.WORKFLOW
        if on_both:
            targets = [live] if copy is None else [live, copy]
        else:
            targets = [copy or live]
        documents, written = {}, {}
        for target in targets:
            before = load_document(target)
            after = change(before)
            if after.front_matter is not before.front_matter:
                _check_importable(after)
            if target is live and not on_both and held.holds_edits(live):
                if after == before:
                    continue
                target, before, after = held.start_copy(live, before, after)
                copy = target
            written[target.pk] = store.write_changes(target, before, after)
            documents[target] = after
        working = copy or live
        shown = written.get(working.pk, Written())
        if not applied and all(w == Written() for w in written.values()):
            reviewstate.note_edit(live, kind=kind, version_before=version_before, by=by)
            return Edited(live, shown, None, None)
        now = timezone.now()
        for target in {live, *documents}:
            target.version = version_before + 1
        for target in documents:
            target.updated_at = now
        Episode.with_working_copies.filter(pk__in=[t.pk for t in documents]).update(
            version=version_before + 1, updated_at=now
        )
        if live not in documents:
            # Held: readers' rows are as they were; only the count of saves moves.
            Episode.objects.filter(pk=live.pk).update(version=version_before + 1)
        text = render(documents[working])
        revision = new_revision(
            live, live.version, text, kind=kind, author=_user(by),
            summary=str(summary(shown) if callable(summary) else summary)[:255],
            episode_updated_at=working.updated_at,
        )
        reviewstate.note_edit(live, kind=kind, version_before=version_before, by=by, approved=everywhere)
        readers_text = (
            text if working is live else render(documents[live]) if live in documents else None
        )
        if copy is not None and text == (readers_text or render_episode(live.pk)):
            store.delete_episode(copy)
        if live in documents:
            episodes_changed.send(sender=Edited, episode_ids=[live.pk])
        return Edited(live, shown, revision, readers_text)


def _check_importable(document) -> None:
    """Refuse front matter the import would refuse (a name past the entity bound,
    say): whatever an edit saves exports to a file that imports again."""
    try:
        fields.check_values(document.front_matter)
    except fields.ValueProblem as problem:
        raise ValueError(f"the file would not import again: {problem}") from None


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
