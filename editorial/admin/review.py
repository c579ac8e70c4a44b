"""The review view: an episode's turns one at a time, with keys for everything
(``static/editorial/review.js``), beside the transcript editor.

The page itself is a frame; the turns come as JSON from :meth:`ReviewPages.turns`
and every action is a JSON POST to :meth:`ReviewPages.act` (CSRF-checked, change
permission), so a 1,756-turn episode opens without 1,756 text boxes. Text edits,
splits and merges go through ``turn_edits`` (the episode's one edit road, with the
version the page loaded); states and dismissals through ``turns`` and ``flags``;
marking the episode reviewed through ``editorial.workflow``.
"""
from __future__ import annotations

import json

from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archive.models import Episode
from editorial.edits import turn_edits
from editorial.edits.editing import EditConflict
from editorial.edits.turn_edits import TurnEditError, TurnText
from editorial.models import ReviewState
from editorial.review import claims, workflow
from editorial.review import flags as turn_flags
from editorial.review import turns as turn_states

from .access import permitted_episode

MAX_TEXT = 100_000
# Actions that change turns' states only: the page updates its own count of them.
STATE_ACTIONS = {"state", "dismiss", "restore"}


class BadRequest(Exception):
    """A request the page would never send; ``str()`` says what is wrong."""


def review_urls(model_admin) -> list:
    """The review view's addresses, for ``EpisodeAdmin.get_urls``."""
    wrap = model_admin.admin_site.admin_view
    pages = ReviewPages(model_admin)
    return [
        path("<int:episode_id>/review/", wrap(pages.page), name="editorial_review"),
        path("<int:episode_id>/review/turns.json", wrap(pages.turns), name="editorial_review_turns"),
        path("<int:episode_id>/review/act/", wrap(pages.act), name="editorial_review_act"),
    ]


def turn_json(position, block, review, flags) -> dict:
    return {
        "position": position,
        "fingerprint": turn_states.block_fingerprint(block),
        "label": block.label,
        "zh": block.text or "",
        "en": block.english.text if block.english else "",
        "state": review.state if review else turn_states.MACHINE,
        "flags": [flag.as_json() for flag in flags],
        "done": turn_states.is_done(review, flags),
    }


def episode_turns(episode: Episode) -> list[dict]:
    """Every turn of what editors see of the episode (its pending document where
    edits are held) as the page shows it, in file order; ``position`` is the
    block's place in the document."""
    document, flags = turn_flags.working_flags(episode)
    reviews = turn_states.reviews_of(episode)
    return [
        turn_json(
            position, block, reviews.get(turn_states.block_fingerprint(block)),
            flags.get(block.row, []),
        )
        for position, block in enumerate(document.blocks)
        if turn_states.block_fingerprint(block)
    ]


class ReviewPages:
    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _episode(self, request, episode_id: int, *, change: bool) -> Episode:
        return permitted_episode(self.model_admin, request, episode_id, change=change)

    def page(self, request, episode_id: int):
        episode = self._episode(request, episode_id, change=False)
        can_edit = self.model_admin.has_change_permission(request, episode)
        claimed = can_edit and claims.claim(episode, request.user)
        return TemplateResponse(request, "editorial/review.html", {
            **self.model_admin.admin_site.each_context(request),
            "opts": Episode._meta, "episode": episode, "can_edit": can_edit,
            "title": _("Review: %(episode)s") % {"episode": episode},
            "public_url": episode.get_absolute_url(),
            "review_strings": review_strings(),
            "claimed_by": None if claimed or not can_edit else claims.holder(episode),
        })

    def turns(self, request, episode_id: int):
        episode = self._episode(request, episode_id, change=False)
        turns = episode_turns(episode)
        response = JsonResponse(self._state(episode, turns=turns, progress=progress_json(
            turn_states.Progress(
                total=len(turns), approved=sum(t["state"] == turn_states.State.APPROVED for t in turns),
                flagged=sum(any(not f["dismissed"] for f in t["flags"]) for t in turns),
                done=sum(t["done"] for t in turns),
            )
        )))
        response["Cache-Control"] = "private, no-store"
        return response

    def _state(self, episode: Episode, *, with_progress: bool = True, **extra) -> dict:
        """The episode's version and review state, and its progress unless the page
        counts it itself (after a change of states only, it knows them all)."""
        episode.refresh_from_db(fields=["version", "draft"])
        if with_progress and "progress" not in extra:
            extra["progress"] = progress_json(turn_states.progress_of([episode])[episode.pk])
        return {
            "version": episode.version,
            "review_state": str(workflow.review_state(episode)),
            **extra,
        }

    def act(self, request, episode_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        episode = self._episode(request, episode_id, change=True)
        try:
            data = json.loads(request.body or b"{}")
            if not isinstance(data, dict):
                raise BadRequest(_("The request is not a JSON object."))
            result = self._act(request, episode, data)
        except (ValueError, BadRequest) as error:
            return JsonResponse({"error": str(error)}, status=400)
        except EditConflict as conflict:
            return JsonResponse({"error": str(conflict), "conflict": True}, status=409)
        except (TurnEditError, workflow.WorkflowError) as error:
            return JsonResponse({"error": str(error)}, status=400)
        if data.get("action") != "mark_reviewed":
            claims.claim(episode, request.user)   # renewed while they work
        counted_by_page = data.get("action") in STATE_ACTIONS
        return JsonResponse(self._state(episode, with_progress=not counted_by_page, **result))

    def _act(self, request, episode: Episode, data: dict) -> dict:
        action, by = data.get("action"), request.user
        if action == "state":
            state = data.get("state")
            if state not in (turn_states.MACHINE, *turn_states.State.values):
                raise BadRequest(_("No such state."))
            [previous] = turn_states.set_states(episode, [_fingerprint(data)], state, by=by)
            return {"previous": previous}
        if action in ("dismiss", "restore"):
            check = data.get("check")
            if not isinstance(check, str) or not 0 < len(check) <= 64:
                raise BadRequest(_("No such check."))
            rows = turn_states.rows_saying(episode, _fingerprint(data))
            turn_flags.set_dismissed(episode, rows, check, by=by, dismissed=action == "dismiss")
            return {}
        if action == "replace":
            texts = data.get("texts")
            if not isinstance(texts, list) or not 1 <= len(texts) <= 2:
                raise BadRequest(_("A change replaces a turn by one or two turns."))
            replaced = turn_edits.replace_turns(
                episode, by=by, version=_number(data, "version"),
                position=_number(data, "position"), count=_number(data, "count"),
                texts=[_turn_text(text) for text in texts],
                approve=data.get("approve", True) is not False,
                summary=_summary(data.get("kind")),
            )
            return {"replaced": _replaced_json(episode, replaced)}
        if action == "mark_reviewed":
            return {"review_state": str(mark_reviewed(episode, by=by))}
        raise Http404(_("no such action"))


def progress_json(progress: turn_states.Progress) -> dict:
    return {
        "total": progress.total, "approved": progress.approved, "flagged": progress.flagged,
        "done": progress.done, "ready": progress.ready,
    }


def mark_reviewed(episode: Episode, *, by):
    """Submit (if a draft) and mark reviewed through the workflow, once every turn
    is done; an editor without the publisher's role only submits."""
    if not turn_states.progress_of([episode])[episode.pk].ready:
        raise workflow.InvalidTransition(_(
            "Not every turn is approved or has its flags dismissed yet."
        ))
    if workflow.review_state(episode) == ReviewState.DRAFT:
        workflow.episode_submit(episode=episode, by=by, comment=_("All turns reviewed"))
    if workflow.can(by, workflow.Action.MARK_REVIEWED):
        workflow.episode_mark_reviewed(episode=episode, by=by)
    claims.release(episode, by)
    return workflow.review_state(Episode.objects.select_related("review").get(pk=episode.pk))


def _replaced_json(episode: Episode, replaced) -> dict:
    turns = [
        turn for turn in episode_turns(episode)
        if replaced.position <= turn["position"] < replaced.position + len(replaced.after)
    ]
    return {
        "position": replaced.position, "turns": turns,
        "before": [{"zh": t.translation, "en": t.english} for t in replaced.before],
    }


_SUMMARIES = {
    "edit": gettext_noop("Review: edited a turn"), "split": gettext_noop("Review: split a turn"),
    "merge": gettext_noop("Review: merged two turns"), "undo": gettext_noop("Review: undid a change"),
}


def _summary(kind) -> str:
    return _(_SUMMARIES.get(kind, _SUMMARIES["edit"]))


def _fingerprint(data: dict) -> str:
    value = data.get("fingerprint")
    if not isinstance(value, str) or len(value) != 32 or not all(c in "0123456789abcdef" for c in value):
        raise BadRequest(_("No such turn."))
    return value


def _number(data: dict, name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**9:
        raise BadRequest(_("%(name)s must be a whole number.") % {"name": name})
    return value


def _turn_text(value) -> TurnText:
    if not isinstance(value, dict):
        raise BadRequest(_("A turn's text is an object with zh and en."))
    zh, en = value.get("zh", ""), value.get("en", "")
    if not isinstance(zh, str) or not isinstance(en, str) or len(zh) + len(en) > MAX_TEXT:
        raise BadRequest(_("A turn's text is too long or not text."))
    clean = [text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "") for text in (zh, en)]
    return TurnText(*clean)


def review_strings() -> dict[str, str]:
    """The review script's words, in the page's language."""
    return {
        "machine": _("Machine"), "needs_editing": _("Needs editing"), "approved": _("Approved"),
        "turn_of": _("Turn %(n)s of %(total)s"),
        "progress": _("%(approved)s approved · %(flagged)s flagged · %(total)s turns"),
        "saved": _("Saved version %(version)s"), "undone": _("Undone"),
        "nothing_to_undo": _("Nothing to undo"), "dismissed": _("Dismissed"),
        "conflict": _("Someone else saved this episode: reload to see their changes."),
        "not_ready": _("Not every turn is done yet."),
        "reviewed": _("Reviewed"), "in_review": _("In review"),
        "no_flags": _("No flags on this turn."), "no_more_flags": _("No more flagged turns."),
        "loading": _("Loading…"), "split_where": _("Put the cursor where the turn should be split."),
        "last_turn": _("This is the last turn."),
        "narration": _("narration"),
    }
