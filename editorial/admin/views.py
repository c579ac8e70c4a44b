"""The episode admin's extra pages: transcript editor, workflow buttons, revisions,
preview, entity suggestions, review queue and the duplicate-source report.

Views parse the request, call ``editorial.review.workflow`` / ``transcript`` / ``episodes`` /
``revisions`` and render; they catch only the typed errors those raise.
"""
from __future__ import annotations

import re
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.content import fields
from archive.content.store import load_document
from archive.models import Episode, Speaker
from archive.site import params
from editorial.edits import front_matter as episode_edits
from editorial.edits import preview, rebase, speaker_rename, transcript
from editorial.edits.editing import EditConflict
from editorial.models import ReviewState, Revision, Transition
from editorial.review import held, workflow
from editorial.review import state as reviewstate
from editorial.review.state import review_state_q
from editorial.revisions import history as revisions

from .access import permitted_episode

TRANSITIONS = {
    Transition.Action.SUBMIT: workflow.episode_submit,
    Transition.Action.SEND_BACK: workflow.episode_send_back,
    Transition.Action.MARK_REVIEWED: workflow.episode_mark_reviewed,
    Transition.Action.REOPEN: workflow.episode_reopen,
    Transition.Action.SET_MATURITY: workflow.episode_set_maturity,
    Transition.Action.UNLIST: workflow.episode_unlist,
    Transition.Action.RELIST: workflow.episode_relist,
}
_YOUTUBE_ID = re.compile(r"(?:v=|youtu\.be/|/shorts/|/embed/|/live/)([\w-]{11})")


def redirect_to_change(episode):
    return redirect(reverse("admin:archive_episode_change", args=[episode.pk]))


def public_url(episode: Episode) -> str | None:
    """The public page of the episode, if the public site is installed."""
    try:
        return episode.get_absolute_url()
    except NoReverseMatch:
        return None


def episode_panel_context(request, episode: Episode, adminform=None) -> dict:
    """What the episode's change page shows beside its form."""
    form = adminform.form if adminform is not None else None
    conflict = getattr(form, "conflict", None)
    state = workflow.review_state(episode)
    pending = held.pending_of(episode)  # the changes waiting for review, if any
    approved = None
    if state == ReviewState.CHANGED:
        version = reviewstate.last_reviewed_version(episode)
        approved = Revision.objects.filter(episode=episode, version=version).defer("compressed").first()
    return {
        "review_state": state,
        "reviewed_revision": approved,
        "held": pending is not None,
        "transitions": episode.transitions.select_related("by")[:30],
        "available": workflow.available_transitions(episode, request.user),
        "suggestions": episode_edits.suggestions(
            held.pending_document(pending) if pending is not None else load_document(episode)
        ),
        "entity_labels": episode_edits.ENTITY_LABELS,
        "revision_count": episode.revisions.count(),
        "public_url": public_url(episode),
        "conflict_changes": (
            revisions.changed_since(episode, conflict.expected) if conflict else None
        ),
    }


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


class EpisodePages:
    """The pages, bound to the EpisodeAdmin for permissions and the admin's context."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _context(self, request, episode: Episode | None = None, **extra) -> dict:
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": Episode._meta,
            "episode": episode,
            **extra,
        }
        if episode is not None:
            context.setdefault("public_url", public_url(episode))
        return context

    def _episode(self, request, episode_id: int, *, change: bool = False) -> Episode:
        return permitted_episode(self.model_admin, request, episode_id, change=change)

    # Transcript editor ------------------------------------------------------------

    def transcript(self, request, episode_id: int):
        if request.method == "POST":
            return self._transcript_post(request, episode_id)
        episode = self._episode(request, episode_id)
        rows = transcript.rows_of(episode)
        return self._editor(request, episode, rows, version=episode.version)

    def _editor(self, request, episode, rows, *, version, status=200, **extra):
        can_edit = self.model_admin.has_change_permission(request, episode)
        speakers = Speaker.objects.filter(turns__episode=episode).distinct().values_list(
            "name", flat=True
        )
        labels = transcript.labels_of(rows)
        return TemplateResponse(request, "editorial/transcript.html", self._context(
            request, episode, title=_("Transcript: %(episode)s") % {"episode": episode}, rows=rows,
            version=version, can_edit=can_edit, labels=labels, js_strings=transcript_strings(),
            label_choices=sorted(set(labels) | set(speakers)),
            review_state=workflow.review_state(episode), **extra,
        ), status=status)

    def _transcript_post(self, request, episode_id: int):
        episode = self._episode(request, episode_id, change=True)
        try:
            rows = transcript.rows_from_post(request.POST)
            version = params.number(request.POST.get("version"), name="version")
        except (transcript.TranscriptError, ValueError) as error:
            messages.error(request, str(error) if str(error) else _("The form is incomplete."))
            return redirect("admin:editorial_transcript", episode.pk)
        if request.POST.get("_action") == "preview":
            return self._preview_unsaved(request, episode, rows)
        try:
            report = transcript.save_transcript(
                episode=episode, by=request.user, version=version, rows=rows
            )
        except EditConflict as conflict:
            merged = rebase.rebase(
                rows, base_text=revisions.text_at(episode, version), episode=episode
            )
            episode.refresh_from_db()
            return self._editor(
                request, episode, merged, version=conflict.current, status=409,
                conflict=conflict, conflict_changes=revisions.changed_since(episode, version),
            )
        except transcript.TranscriptError as error:
            return self._editor(
                request, episode, rows, version=version, status=400, error=str(error)
            )
        if report.nothing:
            messages.info(request, _("Nothing to save: the transcript is as it was."))
        else:
            messages.success(request, _("Saved version %(version)s: %(report)s.") % {
                "version": report.version, "report": report,
            })
        # Back at the row the editor was working on (the script sends its number),
        # not at the top of a transcript of a thousand rows.
        try:
            anchor = f"#row-{params.number(request.POST.get('_at'), name='_at', high=len(rows))}"
        except params.BadNumber:
            anchor = ""     # only where to scroll back to: none is the top
        return redirect(reverse("admin:editorial_transcript", args=[episode.pk]) + anchor)

    def _preview_unsaved(self, request, episode, rows):
        try:
            text, page = preview.unsaved_page(request, episode, rows)
        except transcript.TranscriptError as error:
            return self._editor(
                request, episode, rows, version=episode.version, status=400, error=str(error)
            )
        return self._preview_response(request, episode, page, unsaved=True, changes=(
            revisions.diff_texts(held.working_text(episode), text)
        ))

    def _preview_response(self, request, episode, page: str, *, unsaved: bool, changes=None):
        title = _("Preview (unsaved): %(episode)s") if unsaved else _("Preview: %(episode)s")
        response = TemplateResponse(request, "editorial/preview.html", self._context(
            request, episode, title=title % {"episode": episode}, unsaved=unsaved,
            page=page, changes=changes,
        ))
        response["Cache-Control"] = "private, no-store"
        return response

    def rename_speaker(self, request, episode_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        episode = self._episode(request, episode_id, change=True)
        try:
            count = speaker_rename.rename_speaker(
                episode=episode, by=request.user, version=params.number(request.POST.get("version"), name="version"),
                old_label=request.POST.get("old_label", ""),
                new_label=request.POST.get("new_label", ""),
                in_originals=bool(request.POST.get("in_originals")),
            )
        except (EditConflict, transcript.TranscriptError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, ngettext(
                "Renamed the speaker in %(count)s turn.", "Renamed the speaker in %(count)s turns.",
                count,
            ) % {"count": count})
        return redirect("admin:editorial_transcript", episode.pk)

    # Workflow and entities -----------------------------------------------------------

    def transition(self, request, episode_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        episode = self._episode(request, episode_id)
        action = request.POST.get("action", "")
        if action not in TRANSITIONS:
            raise Http404(_("no such transition"))
        arguments = {"episode": episode, "by": request.user, "comment": request.POST.get("comment", "")}
        if action == Transition.Action.SET_MATURITY:
            arguments["status"] = request.POST.get("value") or request.GET.get("value", "")
        try:
            TRANSITIONS[action](**arguments)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(action)s.") % {"action": Transition.Action(action).label})
        return redirect(_next_url(request, reverse("admin:archive_episode_change", args=[episode.pk])))

    def add_entity(self, request, episode_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        episode = self._episode(request, episode_id, change=True)
        key, name = request.POST.get("key", ""), request.POST.get("name", "")
        try:
            added = episode_edits.episode_add_entity(episode=episode, by=request.user, key=key, name=name)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            label = str(episode_edits.ENTITY_LABELS[key]).lower()
            messages.success(request, (
                _("Added %(name)s as %(label)s.") if added else _("%(name)s was already listed.")
            ) % {"name": name, "label": label})
        return redirect(_next_url(request, reverse("admin:archive_episode_change", args=[episode.pk])))

    def entity_autocomplete(self, request):
        key, query = request.GET.get("type", ""), request.GET.get("q", "").strip()
        if key not in fields.ENTITY_KEYS or not self.model_admin.has_view_permission(request):
            raise Http404(_("no such entity list"))
        tag_model = fields.ENTITY_KEYS[key][0]
        names = []
        if query:
            starting = tag_model.objects.filter(name__istartswith=query).order_by("name")
            names = list(starting.values_list("name", flat=True)[:15])
            if len(names) < 15:
                more = tag_model.objects.filter(name__icontains=query).exclude(name__in=names)
                names += list(more.order_by("name").values_list("name", flat=True)[: 15 - len(names)])
        return JsonResponse({"results": names})

    # Preview and revisions ----------------------------------------------------------

    def preview(self, request, episode_id: int):
        episode = self._episode(request, episode_id)
        return self._preview_response(
            request, episode, preview.editors_page(request, episode), unsaved=False
        )

    def revisions(self, request, episode_id: int):
        episode = self._episode(request, episode_id)
        listed = Revision.objects.filter(episode=episode).select_related("author").defer("compressed")
        return TemplateResponse(request, "editorial/revisions.html", self._context(
            request, episode, title=_("Revisions: %(episode)s") % {"episode": episode}, revisions=listed,
            can_edit=self.model_admin.has_change_permission(request, episode),
        ))

    def compare(self, request, episode_id: int):
        episode = self._episode(request, episode_id)
        if not request.GET.get("a") or not request.GET.get("b"):
            messages.error(request, _("Choose two revisions to compare."))
            return redirect("admin:editorial_revisions", episode.pk)
        a, b = sorted(params.number(request.GET[name], name=name) for name in ("a", "b"))
        found = {r.version: r for r in Revision.objects.filter(episode=episode, version__in=[a, b])}
        if a not in found or b not in found:
            raise Http404(_("no such revision"))
        return TemplateResponse(request, "editorial/compare.html", self._context(
            request, episode, title=_("Changes from version %(a)s to %(b)s: %(episode)s") % {
                "a": a, "b": b, "episode": episode,
            },
            before=found[a], after=found[b], changes=revisions.diff_texts(found[a].text, found[b].text),
        ))

    def revert(self, request, episode_id: int, revision_id: int):
        episode = self._episode(request, episode_id, change=True)
        revision = get_object_or_404(Revision, pk=revision_id, episode=episode)
        if request.method != "POST":
            current = held.working_text(episode)
            return TemplateResponse(request, "editorial/revert.html", self._context(
                request, episode, title=_("Revert to version %(version)s?") % {"version": revision.version},
                revision=revision, changes=revisions.diff_texts(current, revision.text),
            ))
        try:
            new = revisions.revert(
                episode=episode, by=request.user, revision=revision,
                version=params.number(request.POST.get("version"), name="version"),
            )
        except EditConflict as error:
            messages.error(request, str(error))
        else:
            if new is None:
                messages.info(request, _(
                    "Nothing to revert: the episode is as it was in version %(old)s."
                ) % {"old": revision.version})
            else:
                messages.success(request, _("Reverted to version %(old)s (now version %(new)s).") % {
                    "old": revision.version, "new": new.version,
                })
        return redirect("admin:editorial_revisions", episode.pk)

    # Lists -------------------------------------------------------------------------------

    def review_queue(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        queue = list(
            Episode.objects.filter(review_state_q(*reviewstate.WAITING))
            .select_related("review", "review__submitted_by")
            .order_by(F("review__submitted_at").asc(nulls_first=True), "pk")
        )
        comments = submission_comments(queue)
        for episode in queue:
            episode.queue_state = workflow.review_state(episode)
            episode.submission_comment = comments.get(episode.pk, "")
            episode.reviewed_version = episode.review.reviewed_version
        return TemplateResponse(request, "editorial/review_queue.html", self._context(
            request, title=_("Review queue"), queue=queue,
            can_review=request.user.has_perm("editorial.review_episode"),
        ))

    def duplicate_sources(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        groups = defaultdict(list)
        for episode in Episode.objects.exclude(source="").only(
            "pk", "slug", "title", "source", "date", "draft", "exclude", "source_path"
        ).order_by("date", "pk"):
            groups[source_key(episode.source)].append(episode)
        duplicates = sorted(
            ((key, members) for key, members in groups.items() if len(members) > 1),
            key=lambda item: (-len(item[1]), item[0]),
        )
        return TemplateResponse(request, "editorial/duplicate_sources.html", self._context(
            request, title=_("Episodes sharing a source"), duplicates=duplicates,
        ))


def transcript_strings() -> dict[str, str]:
    """The transcript editor script's words, in the page's language."""
    return {
        "dirty": _("%(count)s row(s) edited, not saved"),
        "split_where": _("Put the cursor in the Chinese text where the turn should be split."),
        "op_up": "↑", "op_up_title": _("Move up"),
        "op_down": "↓", "op_down_title": _("Move down"),
        "op_turn": _("+ turn"), "op_turn_title": _("Insert a turn below"),
        "op_heading": _("+ heading"), "op_heading_title": _("Insert a heading below"),
        "op_split": _("split"), "op_split_title": _("Split at the cursor"),
    }


def submission_comments(episodes) -> dict[int, str]:
    """The comment of each episode's latest submission (or change), by episode id."""
    latest: dict[int, str] = {}
    entries = (
        Transition.objects.filter(
            episode__in=episodes,
            action__in=[Transition.Action.SUBMIT, Transition.Action.CHANGED],
        )
        .order_by("episode_id", "-at", "-pk").values_list("episode_id", "comment")
    )
    for episode_id, comment in entries:
        latest.setdefault(episode_id, comment)
    return latest


def source_key(url: str) -> str:
    """One key per video: YouTube links of any form give the video id."""
    match = _YOUTUBE_ID.search(url)
    if match and "youtu" in url:
        return f"youtube:{match.group(1)}"
    return url.strip().rstrip("/").lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")

