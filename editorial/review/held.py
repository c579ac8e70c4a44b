"""Changes to reviewed episodes, held for review: readers keep the reviewed version.

An edit of a reviewed episode (reviewed, or changed since review) is not written to
the episode itself, which every reader, the search index and ``export_markdown``
read, but to its working copy: a second ``Episode`` row whose ``working_copy_of``
names the episode, which the default manager hides. Editors see and edit the copy
(:func:`working`); a publisher's approval, or reopening the episode as a draft,
publishes it into the episode (``store.publish_copy``); when the copy comes back to
the episode's text it is dropped. Revisions, review state and transitions stay on
the episode, whose ``version`` counts every save of either.

With the setting ``ARCHIVE_PUBLISH_EDITS_AT_ONCE`` edits go to the episode at once,
as they always do for drafts. Workflow steps and a publisher's renames and merges
across the archive apply to the episode and its copy alike (``editing.edit``).
"""
from __future__ import annotations

from django.conf import settings

from archive.content import store
from archive.models import Episode, Heading, Turn
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


def start_copy(episode: Episode) -> tuple[Episode, dict[str, str]]:
    """Make ``episode``'s working copy; with it, how the transcript editor's row keys
    of the episode (``t<id>``, ``h<id>``) become the copy's, block by block."""
    copy = store.copy_episode(episode)
    keys = {}
    for prefix, model in (("t", Turn), ("h", Heading)):
        before = dict(model.objects.filter(episode=episode).values_list("position", "pk"))
        after = dict(model.objects.filter(episode=copy).values_list("position", "pk"))
        keys.update({f"{prefix}{pk}": f"{prefix}{after[position]}" for position, pk in before.items()})
    return copy, keys
