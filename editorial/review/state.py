"""The one rule of an episode's review state, for one episode and as a query.

Two things say where an episode stands: the file's ``draft`` flag and the
``EpisodeReview`` row the workflow keeps. The file wins: ``draft: false`` is reviewed
(or reviewed and changed since), ``draft: true`` is a draft (or in review). The rule
is :func:`resolve`; :func:`review_state_q` is the same rule as a database filter,
built from :func:`resolve` itself, so the two cannot drift apart.

:func:`note_edit` is what every save does to the state: an edit of a reviewed
episode makes it "changed since review" (in the review queue) until a publisher
approves it or it is reverted to the version they approved.
"""
from __future__ import annotations

from django.db.models import Q

from archive.models import Episode
from editorial.models import EpisodeReview, ReviewState, Revision, Transition

# Review states a publisher has to look at, in the review queue.
WAITING = (ReviewState.IN_REVIEW, ReviewState.CHANGED)
_STORED = (None, *ReviewState.values)  # None: no EpisodeReview row


def resolve(draft: bool, stored: str | None) -> ReviewState:
    """The review state from the file's ``draft`` and the workflow's stored state."""
    if not draft:
        return ReviewState.CHANGED if stored == ReviewState.CHANGED else ReviewState.REVIEWED
    return ReviewState.IN_REVIEW if stored == ReviewState.IN_REVIEW else ReviewState.DRAFT


def review_state(episode: Episode) -> ReviewState:
    """The review state of one episode (its ``review`` row read if not loaded)."""
    try:
        stored = episode.review.state
    except EpisodeReview.DoesNotExist:
        stored = None
    return resolve(episode.draft, stored)


def review_state_q(*states: str) -> Q:
    """Episodes in any of ``states``, as a filter on ``Episode``: :func:`resolve` for
    every combination of ``draft`` and stored state, kept where it gives one of them."""
    wanted = Q(pk__in=[])
    for draft in (True, False):
        for stored in _STORED:
            if resolve(draft, stored) in states:
                row = Q(review__isnull=True) if stored is None else Q(review__state=stored)
                wanted |= Q(draft=draft) & row
    return wanted


def last_reviewed_version(episode: Episode) -> int | None:
    """The version whose revision a publisher last approved (``None`` if never)."""
    review = EpisodeReview.objects.filter(episode=episode).first()
    if review is not None and review.reviewed_version is not None:
        return review.reviewed_version
    return None


def note_edit(
    episode: Episode, *, kind: str, version_before: int, by, approved: bool = False,
) -> None:
    """Bring the review state up to date after one save of ``episode``.

    A workflow step that leaves the episode reviewed, or an edit ``approved`` as it
    is made (a publisher's rename across the archive) of a reviewed episode,
    records its version as the one approved. A content edit (or revert) of a
    reviewed episode marks it changed since review, remembering the version
    approved; one that brings the file back to the approved text makes it reviewed
    again. Drafts are not affected.
    """
    review = EpisodeReview.objects.filter(episode=episode).first()
    state = resolve(episode.draft, review.state if review else None)
    if kind == Revision.Kind.WORKFLOW or (approved and state == ReviewState.REVIEWED):
        if state == ReviewState.REVIEWED and review is not None:
            review.reviewed_version = episode.version
            review.save(update_fields=["reviewed_version", "changed_at"])
        return
    if state not in (ReviewState.REVIEWED, ReviewState.CHANGED):
        return
    if review is None:
        review = EpisodeReview(episode=episode, state=ReviewState.REVIEWED)
    approved = review.reviewed_version or version_before
    approved_text = Revision.objects.filter(episode=episode, version=approved).first()
    current = Revision.objects.filter(episode=episode, version=episode.version).first()
    if approved_text is not None and current is not None and approved_text.text == current.text:
        review.state, review.reviewed_version = ReviewState.REVIEWED, episode.version
    else:
        if state == ReviewState.REVIEWED:
            Transition.objects.create(
                episode=episode, action=Transition.Action.CHANGED,
                from_value=ReviewState.REVIEWED, to_value=ReviewState.CHANGED,
                by=by if getattr(by, "pk", None) else None,
            )
        review.state, review.reviewed_version = ReviewState.CHANGED, approved
    review.save()


def note_import(episode: Episode) -> None:
    """A re-imported file that says ``draft: false`` of a reviewed episode (changed
    since or not) is what the content repository publishes: it becomes the approved
    version."""
    EpisodeReview.objects.filter(
        episode=episode, state__in=(ReviewState.REVIEWED, ReviewState.CHANGED),
        episode__draft=False,
    ).update(state=ReviewState.REVIEWED, reviewed_version=episode.version)
