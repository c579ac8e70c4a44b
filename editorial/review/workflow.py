"""The workflow: the only place that changes an episode's review state, maturity or
listing.

Review: draft (unreviewed, the file's ``draft: true``) → in review → reviewed
(``draft: false``); a publisher sends an episode in review back with a comment, or
reopens a reviewed one. An edit of a reviewed episode makes it "changed since
review" (``editorial.review.state``) while readers keep the reviewed version
(``editorial.review.held``): a publisher approves the changes (mark reviewed), which
applies them to the episode, or reverts to the version they approved. Maturity is the file's ``status`` (seedling, budding,
evergreen). Listing is ``exclude``. Editors submit; publishers do everything.

Each function checks the permission (:class:`NotPermitted`) and the current state
(:class:`InvalidTransition`) under the episode's lock, sets the file's key as an
edit of its document (``editorial.edits.editing``, which keeps a revision when the
file changes) and logs a :class:`~editorial.models.Transition`, in one transaction.
"""
from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.codec import Document
from archive.content.store import with_column
from archive.models import Episode, Maturity
from editorial.edits import editing
from editorial.models import EpisodeReview, ReviewState, Revision, Transition

from .state import review_state

Action = Transition.Action

PERMISSIONS = {
    Action.SUBMIT: "editorial.submit_episode",
    Action.SEND_BACK: "editorial.review_episode",
    Action.MARK_REVIEWED: "editorial.review_episode",
    Action.REOPEN: "editorial.review_episode",
    Action.SET_MATURITY: "editorial.set_maturity",
    Action.UNLIST: "editorial.unlist_episode",
    Action.RELIST: "editorial.unlist_episode",
}


# Maturity as the admin names it, in the admin's language.
MATURITY_LABELS = dict(Maturity.choices)


def value_label(value: str) -> str:
    """A value a transition records (a review state, a maturity, a listing flag) in
    the admin's language; anything else as it is."""
    if value in ReviewState.values:
        return ReviewState(value).label
    if value in MATURITY_LABELS:
        return MATURITY_LABELS[value]
    return {"true": _("yes"), "false": _("no")}.get(value, value)


class WorkflowError(Exception):
    """A transition that cannot be made; ``str()`` is the message for the editor."""


class NotPermitted(WorkflowError, PermissionDenied):
    """The user's role does not allow this transition."""


class InvalidTransition(WorkflowError):
    """The episode is not in a state this transition starts from."""


def can(user, action: str) -> bool:
    return bool(user and user.is_active and user.has_perm(PERMISSIONS[action]))


@dataclasses.dataclass(frozen=True)
class Available:
    action: str
    label: str
    needs_comment: bool = False
    value: str = ""


def available_transitions(episode: Episode, user) -> list[Available]:
    """What ``user`` may do to ``episode`` now, for buttons and bulk actions."""
    state = review_state(episode)
    choices = []
    if state == ReviewState.DRAFT:
        choices.append(Available(Action.SUBMIT, _("Submit for review")))
    if state == ReviewState.IN_REVIEW:
        choices += [
            Available(Action.MARK_REVIEWED, _("Mark reviewed")),
            Available(Action.SEND_BACK, _("Send back"), needs_comment=True),
        ]
    if state == ReviewState.CHANGED:
        choices.append(Available(Action.MARK_REVIEWED, _("Approve the changes")))
    if state in (ReviewState.REVIEWED, ReviewState.CHANGED):
        choices.append(Available(Action.REOPEN, _("Reopen")))
    choices += [
        Available(Action.SET_MATURITY, _("Set maturity: %(label)s") % {"label": label}, value=value)
        for value, label in MATURITY_LABELS.items() if value != episode.status
    ]
    choices.append(
        Available(Action.RELIST, _("Relist")) if episode.exclude
        else Available(Action.UNLIST, _("Unlist"))
    )
    return [choice for choice in choices if can(user, choice.action)]


# Review ------------------------------------------------------------------------------

def episode_submit(*, episode: Episode, by, comment: str = "") -> Episode:
    """Draft → in review (Editor, Publisher). The file does not change."""
    return _review(episode, by, Action.SUBMIT, {ReviewState.DRAFT}, ReviewState.IN_REVIEW, comment)


def episode_send_back(*, episode: Episode, by, comment: str) -> Episode:
    """In review → draft, saying why (Publisher)."""
    if not comment.strip():
        raise InvalidTransition(_("Say why the episode is sent back: a comment is required."))
    return _review(episode, by, Action.SEND_BACK, {ReviewState.IN_REVIEW}, ReviewState.DRAFT, comment)


def episode_mark_reviewed(*, episode: Episode, by, comment: str = "") -> Episode:
    """In review (or changed since review) → reviewed, writing ``draft: false``
    (Publisher); the version it leaves is the one approved."""
    return _review(
        episode, by, Action.MARK_REVIEWED, {ReviewState.IN_REVIEW, ReviewState.CHANGED},
        ReviewState.REVIEWED, comment,
    )


def episode_reopen(*, episode: Episode, by, comment: str = "") -> Episode:
    """Reviewed (or changed since review) → draft, writing ``draft: true`` (Publisher)."""
    return _review(
        episode, by, Action.REOPEN, {ReviewState.REVIEWED, ReviewState.CHANGED},
        ReviewState.DRAFT, comment,
    )


def _review(episode, by, action, sources, target, comment) -> Episode:
    _check_permission(by, action)
    with transaction.atomic():
        locked = Episode.objects.select_for_update(of=("self",)).select_related("review").get(pk=episode.pk)
        current = review_state(locked)
        if current not in sources:
            raise InvalidTransition(_("%(action)s is not possible: the episode is %(state)s.") % {
                "action": Action(action).label, "state": str(ReviewState(current).label).lower(),
            })
        # Approved, or a draft again (which shows edits at once): held changes are
        # applied to the episode with the step.
        edited = editing.edit(
            locked.pk, _setting("draft", target != ReviewState.REVIEWED), by=by,
            kind=Revision.Kind.WORKFLOW, summary=_summary(action, comment),
            apply_held=target != ReviewState.IN_REVIEW,
        )
        now = timezone.now()
        review = EpisodeReview.objects.get_or_create(episode=locked)[0]
        review.state = target
        if target == ReviewState.IN_REVIEW:
            review.submitted_at, review.submitted_by = now, by
        if target == ReviewState.REVIEWED:
            review.reviewed_at, review.reviewed_by = now, by
            review.reviewed_version = edited.version
        review.full_clean()
        review.save()
        _log(locked, by, action, current, target, comment)
    return _refreshed(episode, edited.episode)


def _setting(name: str, value):
    """The edit that gives the front-matter key of column ``name`` the value ``value``."""
    def change(document: Document) -> Document:
        front_matter = with_column(document.front_matter, name, value)
        return dataclasses.replace(document, front_matter=front_matter)
    return change


# Maturity and listing ----------------------------------------------------------------

def episode_set_maturity(*, episode: Episode, by, status: str, comment: str = "") -> Episode:
    """Set ``status`` to seedling, budding or evergreen (Publisher)."""
    _check_permission(by, Action.SET_MATURITY)
    if status not in Maturity.values:
        raise InvalidTransition(_("%(status)r is not a maturity; choose one of %(choices)s.") % {
            "status": status, "choices": ", ".join(Maturity.values),
        })
    return _set_field(episode, by, Action.SET_MATURITY, "status", status, comment)


def episode_unlist(*, episode: Episode, by, comment: str = "") -> Episode:
    """Hide from lists, feeds, search and counts (``exclude: true``) (Publisher)."""
    _check_permission(by, Action.UNLIST)
    return _set_field(episode, by, Action.UNLIST, "exclude", True, comment)


def episode_relist(*, episode: Episode, by, comment: str = "") -> Episode:
    """Undo an unlisting (``exclude: false``) (Publisher)."""
    _check_permission(by, Action.RELIST)
    return _set_field(episode, by, Action.RELIST, "exclude", False, comment)


def _set_field(episode, by, action, name, value, comment) -> Episode:
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        before = getattr(locked, name)
        if before == value:
            shown = {"exclude": _("unlisted") if value else _("listed")}.get(name, value)
            raise InvalidTransition(_("%(action)s is not possible: it is already %(value)s.") % {
                "action": Action(action).label, "value": shown,
            })
        # Readers' version and held changes alike (editing.edit, for a workflow step).
        edited = editing.edit(
            locked.pk, _setting(name, value), by=by, kind=Revision.Kind.WORKFLOW,
            summary=_summary(action, comment, value),
        )
        _log(locked, by, action, _shown(before), _shown(value), comment)
    return _refreshed(episode, edited.episode)


# Helpers -----------------------------------------------------------------------------

def _check_permission(by, action) -> None:
    if not can(by, action):
        raise NotPermitted(
            _("You may not do this: %(action)s needs the Publisher role.")
            % {"action": str(Action(action).label).lower()}
            if action != Action.SUBMIT else
            _("You may not submit episodes for review: that needs the Editor or Publisher role.")
        )


def _log(episode, by, action, before, after, comment) -> None:
    entry = Transition(
        episode=episode, action=action, from_value=str(before), to_value=str(after),
        comment=comment, by=by if getattr(by, "pk", None) else None,
    )
    entry.full_clean(exclude=["by"])
    entry.save()


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _summary(action, comment, value=None) -> str:
    label = str(Action(action).label) + (f": {_shown(value)}" if value is not None else "")
    return f"{label} ({comment})" if comment else label


def _refreshed(episode: Episode, locked: Episode) -> Episode:
    """Copy the new state onto the caller's instance, so it can be used on."""
    for name in ("draft", "status", "exclude", "version", "updated_at"):
        setattr(episode, name, getattr(locked, name))
    episode.__dict__.get("_state").fields_cache.pop("review", None)
    return episode
