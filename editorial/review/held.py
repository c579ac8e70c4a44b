"""Changes to reviewed episodes, held for review: readers keep the reviewed version.

An edit of a reviewed episode (reviewed, or changed since review) is not written to
the episode itself, which every reader, the search index and ``export_markdown``
read, but to its working copy: a second ``Episode`` row whose ``working_copy_of``
names the episode, which the default manager hides. Editors see and edit the copy
(:func:`working`); a publisher's approval, or reopening the episode as a draft,
applies it to the episode (``store.apply_copy``); when the copy comes back to
the episode's text it is dropped. Revisions, review state and transitions stay on
the episode, whose ``version`` counts every save of either.

With the setting ``ARCHIVE_PUBLISH_EDITS_AT_ONCE`` edits go to the episode at once,
as they always do for drafts. Workflow steps and a publisher's renames and merges
across the archive apply to the episode and its copy alike (``edits.editing.edit``).
"""
from __future__ import annotations

import dataclasses

from django.conf import settings

from archive.codec import Document, Heading
from archive.content import store
from archive.models import Episode
from editorial.models import ReviewState

from .state import review_state

HELD_STATES = (ReviewState.REVIEWED, ReviewState.CHANGED)


def holds_edits(episode: Episode) -> bool:
    """Whether an edit of ``episode`` waits for review instead of reaching readers."""
    return (
        not settings.ARCHIVE_PUBLISH_EDITS_AT_ONCE and review_state(episode) in HELD_STATES
    )


def working_copy(episode: Episode) -> Episode | None:
    """The copy holding ``episode``'s changes that wait for review, if any."""
    return Episode.with_working_copies.filter(working_copy_of=episode).first()


def working(episode: Episode) -> Episode:
    """What editors see and edit of ``episode``: its working copy, else itself."""
    return working_copy(episode) or episode


def start_copy(
    episode: Episode, before: Document, after: Document,
) -> tuple[Episode, Document, Document]:
    """Make ``episode``'s working copy holding ``before`` (the episode's document as
    loaded); return it with ``before`` and ``after`` naming the copy's rows, so that
    an edit made on the episode's document is written to the copy block by block."""
    copy = store.copy_episode(episode, before)
    copied = store.load_document(copy)
    rows = {_row_key(a): b.row for a, b in zip(before.blocks, copied.blocks, strict=True)}

    def moved(block):
        if block.row is None:
            return block
        if _row_key(block) not in rows:
            raise ValueError(f"a block of a row episode {episode.pk} does not have: {block.row}")
        return dataclasses.replace(block, row=rows[_row_key(block)])

    return copy, copied, dataclasses.replace(after, blocks=tuple(map(moved, after.blocks)))


def _row_key(block) -> tuple[bool, int]:
    # Headings and the other blocks are rows of two tables, so ids may repeat across them.
    return isinstance(block, Heading), block.row
