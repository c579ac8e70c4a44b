"""Changes to reviewed episodes, held for review: readers keep the reviewed version.

An edit of a reviewed episode (reviewed, or changed since review) does not reach the
episode's rows, which every reader, the search index, the feeds and
``export_markdown`` read. It is kept as the episode's pending revision
(``editorial.models.PendingRevision``): a revision of its file, one per episode, the
document editors see and edit (:func:`working_document`). Each further edit is
applied to that document and stored as the next revision; approving edits the
episode to it through the one write route (``edits.editing.edit`` with
``apply_held``) and drops it, and an edit that brings it back to readers' text (a
revert to the approved version: the rejection) drops it too. Revisions, review
state and transitions stay on the episode, whose ``version`` counts every save of
either.

Keys: the pending document's blocks carry keys kept from save to save
(``block_rows``: the episode's own row ids for the blocks it took from the episode,
numbers past every row for new ones), so the transcript editor, its rebase after a
conflict and the review view address a pending block as they address a row.

Flags and turn states of a held episode follow the pending document, what editors
review: its translation checks' findings are kept with it (``flags``); a flag
dismissed on it is kept by its turn's fingerprint and check (``dismissed``; the
episode's own dismissals of a turn saying the same count too) and carried to the
episode's flags on approval. Turn review states belong to texts
(``editorial.review.turns``) and need nothing here.

With the setting ``ARCHIVE_PUBLISH_EDITS_AT_ONCE`` edits go to the episode at once,
as they always do for drafts. Workflow steps and a publisher's renames and merges
across the archive apply to the episode and its pending document alike.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from archive.checks import stored
from archive.codec import Document, parse, render
from archive.content.store import load_document, with_rows_of, written_unsaved
from archive.models import Episode, TurnFlag
from editorial.models import PendingRevision, ReviewState, Revision

from .state import review_state

HELD_STATES = (ReviewState.REVIEWED, ReviewState.CHANGED)


def holds_edits(episode: Episode) -> bool:
    """Whether an edit of ``episode`` waits for review instead of reaching readers."""
    return (
        not settings.ARCHIVE_PUBLISH_EDITS_AT_ONCE and review_state(episode) in HELD_STATES
    )


def pending_of(episode: Episode | int) -> PendingRevision | None:
    """The changes of ``episode`` waiting for review, if any."""
    return PendingRevision.objects.select_related("revision").filter(episode=episode).first()


def pending_document(pending: PendingRevision) -> Document:
    """The pending revision's document, each block carrying its key as ``row``."""
    document = parse(pending.revision.text)
    rows = list(pending.block_rows)
    if len(rows) != len(document.blocks):
        # Keys that do not fit (a migrated copy): fresh ones, so that an editor's
        # form loaded before is refused as not holding the transcript's rows.
        rows = list(range(pending.next_row, pending.next_row + len(document.blocks)))
    return _with_rows(document, rows)


def working_document(episode: Episode) -> Document:
    """What editors see and edit of ``episode``: its pending document, else its own."""
    pending = pending_of(episode)
    return load_document(episode) if pending is None else pending_document(pending)


def working_text(episode: Episode) -> str:
    """The file of what editors see: the pending revision's, else the episode's."""
    pending = pending_of(episode)
    return render(load_document(episode)) if pending is None else pending.revision.text


@contextlib.contextmanager
def shown(episode: Episode, document: Document) -> Iterator[Episode]:
    """Inside the block, the episode's rows hold ``document`` (a pending one, or
    unsaved edits), rolled back on leaving: what a preview reads. The block gets
    the episode as they make it."""
    holding = Episode.objects.get(pk=episode.pk)
    before = load_document(holding)
    with written_unsaved(holding, before, with_rows_of(before, document)):
        yield holding


def keep(
    episode: Episode, document: Document, revision: Revision, *, was: PendingRevision | None,
) -> PendingRevision:
    """Make ``document`` (whose text ``revision`` holds) the pending revision of
    ``episode``; its blocks without a key get new ones."""
    next_row = max(
        was.next_row if was is not None else 1,
        1 + max((block.row for block in document.blocks if block.row is not None), default=0),
    )
    rows = []
    for block in document.blocks:
        if block.row is None:
            rows.append(next_row)
            next_row += 1
        else:
            rows.append(block.row)
    flags = [list(flag) for flag in stored.new_flag_rows(document)]
    marks = {flag[5] for flag in flags}
    dismissed = {
        key: value for key, value in (was.dismissed if was is not None else {}).items()
        if key.split(" ")[0] in marks
    }
    pending, _ = PendingRevision.objects.update_or_create(episode=episode, defaults={
        "revision": revision, "block_rows": rows, "next_row": next_row, "flags": flags,
        "dismissed": dismissed,
    })
    return pending


def drop(episode: Episode) -> None:
    PendingRevision.objects.filter(episode=episode).delete()


def carry_dismissals(episode: Episode, pending: PendingRevision) -> None:
    """After approval: the flags dismissed on the pending document stay dismissed on
    the episode's turns saying the same."""
    for key, (by, at) in pending.dismissed.items():
        mark, check = key.split(" ")
        TurnFlag.objects.filter(
            episode=episode, fingerprint=mark, check_id=check, dismissed_at__isnull=True,
        ).update(dismissed_by_id=by, dismissed_at=parse_datetime(at))


# Flags of a pending document ------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PendingFlag:
    """A finding on a block of a pending document, shaped as the review pages read
    a ``TurnFlag``."""

    row: int
    check_id: str
    severity: str
    params: dict
    spans: dict
    fingerprint: str
    dismissed_at: object


def pending_flags(pending: PendingRevision, document: Document) -> list[PendingFlag]:
    """The findings on ``document``, the pending revision's (computed and kept if
    not yet known)."""
    if pending.flags is None:
        pending.flags = [list(flag) for flag in stored.new_flag_rows(document)]
        PendingRevision.objects.filter(pk=pending.pk).update(flags=pending.flags)
    if not pending.flags:
        return []
    kept = _episode_dismissals(pending.episode_id)
    found = []
    for position, check, severity, params, spans, mark, _line in pending.flags:
        key = f"{mark} {check}"
        dismissed = pending.dismissed.get(key) or kept.get(key)
        found.append(PendingFlag(
            row=document.blocks[position].row, check_id=check, severity=severity,
            params=_loaded(params), spans=_loaded(spans), fingerprint=mark,
            dismissed_at=dismissed[1] if dismissed else None,
        ))
    return found


def set_dismissed(pending: PendingRevision, rows, check: str, *, by, dismissed: bool) -> int:
    """Dismiss ``check`` on the pending document's blocks of these keys (or undo it);
    how many flags it was."""
    rows = set(rows)
    flags = [
        flag for flag in pending_flags(pending, pending_document(pending))
        if flag.row in rows and flag.check_id == check
    ]
    changed = 0
    for flag in flags:
        key = f"{flag.fingerprint} {check}"
        if dismissed and flag.dismissed_at is None:
            pending.dismissed[key] = [getattr(by, "pk", None), timezone.now().isoformat()]
            changed += 1
        elif not dismissed and flag.dismissed_at is not None:
            pending.dismissed.pop(key, None)
            TurnFlag.objects.filter(
                episode_id=pending.episode_id, fingerprint=flag.fingerprint, check_id=check,
            ).update(dismissed_by=None, dismissed_at=None)
            changed += 1
    PendingRevision.objects.filter(pk=pending.pk).update(dismissed=pending.dismissed)
    return changed


def _episode_dismissals(episode_id: int) -> dict:
    return {
        f"{mark} {check}": [by, at]
        for (mark, check), (by, at) in stored.dismissals(episode_id).items()
    }


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else value


def _with_rows(document: Document, rows) -> Document:
    return dataclasses.replace(document, blocks=tuple(
        dataclasses.replace(block, row=row) for block, row in zip(document.blocks, rows)
    ))
