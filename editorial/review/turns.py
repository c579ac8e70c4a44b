"""Per-turn review state: machine (as imported), needs editing, or approved.

A turn's state belongs to its text, not to its row or place: the review row of an
episode's turn is found by :func:`fingerprint` of the turn's Chinese and English. So
a re-import or an edit elsewhere in the episode that leaves a turn's text alone keeps
its state, and one that changes the text leaves the turn as the machine made it
(rows of texts the episode no longer has are dropped by :func:`forget_gone`). Two
turns of one episode with exactly the same text share a state.

A turn is *done* when it is approved, or when it has flags and every one was
dismissed; an episode is ready to mark reviewed when every turn is done.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from typing import NamedTuple

from django.dispatch import receiver
from django.utils import timezone

from archive import codec
from archive.models import Turn
from archive.signals import file_reimported

from editorial.models import PendingRevision, TurnReview
from editorial.review import flags as turn_flags
from editorial.review import held

State = TurnReview.State
MACHINE = ""


def fingerprint(translation: str | None, english: str | None) -> str:
    """The key of a turn's review state: its two texts."""
    translation = translation or ""
    text = f"{len(translation)}:{translation}{english or ''}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def block_fingerprint(block) -> str | None:
    """The fingerprint of a document block that is a turn, else None."""
    if not isinstance(block, codec.Turn):
        return None
    return fingerprint(block.text, block.english.text if block.english else None)


@dataclasses.dataclass(frozen=True)
class Progress:
    total: int
    approved: int
    flagged: int
    done: int

    @property
    def ready(self) -> bool:
        return self.total > 0 and self.done == self.total


def reviews_of(episode) -> dict[str, TurnReview]:
    return {review.fingerprint: review for review in TurnReview.objects.filter(episode=episode)}


class TurnText(NamedTuple):
    """A turn as review needs it: its place in the document, its row, its texts."""

    position: int
    row: int
    fingerprint: str
    translation: str | None
    english: str | None


def turn_texts(episode_ids) -> dict[int, list[TurnText]]:
    """Every turn of these episodes' rows, by episode id, in one query."""
    texts = defaultdict(list)
    rows = (
        Turn.objects.filter(episode_id__in=list(episode_ids), kind=Turn.Kind.TURN)
        .order_by("episode_id", "position")
        .values_list("episode_id", "position", "pk", "translation", "english")
    )
    for episode_id, position, pk, translation, english in rows:
        texts[episode_id].append(
            TurnText(position, pk, fingerprint(translation, english), translation, english)
        )
    return texts


def is_done(review: TurnReview | None, flags) -> bool:
    if review is not None and review.state == State.APPROVED:
        return True
    return bool(flags) and all(flag.dismissed for flag in flags) and not (
        review is not None and review.state == State.NEEDS_EDITING
    )


def progress_of(episodes) -> dict[int, Progress]:
    """Approved, flagged (a flag not dismissed) and total turns of each episode, read
    from its pending document where it has one (what editors edit), in a few queries."""
    episodes = list(episodes)
    pending = {p.episode_id: p for p in PendingRevision.objects.filter(
        episode__in=episodes).select_related("revision")}
    own_rows = [episode.pk for episode in episodes if episode.pk not in pending]
    texts = turn_texts(own_rows)
    rows_flags = turn_flags.flags_by_row(own_rows) if own_rows else {}
    pending_flags = {}
    for episode_id, held_changes in pending.items():
        document = held.pending_document(held_changes)
        texts[episode_id] = document_turn_texts(document)
        pending_flags[episode_id] = turn_flags.pending_flags_by_row(held_changes, document)
    reviews = defaultdict(dict)
    for review in TurnReview.objects.filter(episode__in=episodes):
        reviews[review.episode_id][review.fingerprint] = review
    result = {}
    for episode in episodes:
        turns = texts.get(episode.pk, [])
        found_by_row = pending_flags.get(episode.pk, rows_flags)
        own = reviews.get(episode.pk, {})
        approved = done = flagged = 0
        for turn in turns:
            review, found = own.get(turn.fingerprint), found_by_row.get(turn.row, [])
            approved += bool(review and review.state == State.APPROVED)
            flagged += any(not flag.dismissed for flag in found)
            done += is_done(review, found)
        result[episode.pk] = Progress(len(turns), approved, flagged, done)
    return result


def document_turn_texts(document: codec.Document) -> list[TurnText]:
    """The turns of a document (blocks carrying their rows or keys) as review needs them."""
    return [
        TurnText(position, block.row, block_fingerprint(block), block.text,
                 block.english.text if block.english else None)
        for position, block in enumerate(document.blocks) if isinstance(block, codec.Turn)
    ]


def rows_saying(episode, print_: str) -> list[int]:
    """The blocks editors see of ``episode`` (turn rows, or keys of its pending
    document) whose texts have this fingerprint."""
    pending = held.pending_of(episode)
    if pending is None:
        turns = turn_texts([episode.pk]).get(episode.pk, [])
    else:
        turns = document_turn_texts(held.pending_document(pending))
    return [turn.row for turn in turns if turn.fingerprint == print_]


def set_states(episode, fingerprints, state: str, *, by) -> list[str]:
    """Give the turns with these texts ``state`` (approved, needs editing, or
    machine); returns the states they had, for undo."""
    fingerprints = list(dict.fromkeys(fingerprints))
    existing = {r.fingerprint: r for r in TurnReview.objects.filter(
        episode=episode, fingerprint__in=fingerprints)}
    before = [existing[p].state if p in existing else MACHINE for p in fingerprints]
    now, user = timezone.now(), by if getattr(by, "pk", None) else None
    for print_ in fingerprints:
        review = existing.get(print_)
        if review is None:
            if state != MACHINE:
                TurnReview.objects.create(
                    episode=episode, fingerprint=print_, state=state, by=user, at=now
                )
        elif state == MACHINE:
            review.delete()
        else:
            review.state, review.by, review.at = state, user, now
            review.save(update_fields=["state", "by", "at"])
    return before


def note_edit(episode, before: codec.Document, after: codec.Document, *, by, approve: bool = True) -> None:
    """After a person's edit of ``episode``: the turns whose text it changed (or
    made) are approved by them, unless ``approve`` is false; review rows of texts
    the episode no longer has are dropped."""
    old = {block_fingerprint(block) for block in before.blocks}
    new = [print_ for print_ in map(block_fingerprint, after.blocks) if print_]
    if approve:
        set_states(episode, [print_ for print_ in new if print_ not in old], State.APPROVED, by=by)
    forget_gone(episode, new)


def forget_gone(episode, fingerprints) -> int:
    """Drop the review rows of ``episode`` whose text is not among ``fingerprints``."""
    deleted, _ = TurnReview.objects.filter(episode=episode).exclude(
        fingerprint__in=list(set(fingerprints))
    ).delete()
    return deleted


@receiver(file_reimported, dispatch_uid="editorial.review.turns.forget_changed")
def forget_changed_texts(sender, *, episode, **kwargs):
    """A re-import that changed turns' text leaves them as the machine made them."""
    forget_gone(episode, turn_texts_prints(episode))


def turn_texts_prints(episode) -> list[str]:
    return [turn.fingerprint for turn in turn_texts([episode.pk]).get(episode.pk, [])]
