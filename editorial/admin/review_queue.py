"""The drafts' review queue page, the episode list's queue filter and progress
column, and claiming an episode for review."""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import Episode
from archive.site import params, readership

from editorial.review import claims, queue, turns

PER_PAGE = 50


def queue_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    pages = QueuePages(model_admin)
    return [
        path("review-drafts/", wrap(pages.drafts), name="editorial_draft_queue"),
        path("<int:episode_id>/review/claim/", wrap(pages.claim), name="editorial_review_claim"),
    ]


class QueuePages:
    def __init__(self, model_admin):
        self.model_admin = model_admin

    def drafts(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        paginator = Paginator(queue.drafts_by_interest(), PER_PAGE)
        page = paginator.get_page(params.page_number(request.GET.get("page")))
        entries = queue.queue_entries(page.object_list)
        reads = readership.reads_since([entry.episode.pk for entry in entries], queue.INTEREST_DAYS)
        for entry in entries:
            entry.views, entry.searches = reads.get(entry.episode.pk, (0, 0))
        return TemplateResponse(request, "editorial/draft_queue.html", {
            **self.model_admin.admin_site.each_context(request),
            "opts": Episode._meta, "title": _("Drafts to review"), "entries": entries,
            "page": page, "days": queue.INTEREST_DAYS,
            "can_edit": self.model_admin.has_change_permission(request),
        })

    def claim(self, request, episode_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        episode = get_object_or_404(Episode, pk=episode_id)
        if not self.model_admin.has_change_permission(request, episode):
            raise PermissionDenied
        if request.POST.get("release"):
            claims.release(episode, request.user)
            return redirect("admin:editorial_draft_queue")
        if not claims.claim(episode, request.user):
            messages.error(request, _("%(user)s is reviewing this episode now.") % {
                "user": claims.holder(episode),
            })
            return redirect("admin:editorial_draft_queue")
        return redirect("admin:editorial_review", episode.pk)


class ProgressChangeList(ChangeList):
    """The episode list, each row's review progress worked out for the whole page at
    once; with the queue filter on, ordered as the queue is."""

    def get_results(self, request):
        super().get_results(request)
        progress = turns.progress_of(self.result_list)
        for episode in self.result_list:
            episode.review_progress = progress[episode.pk]

    def get_ordering(self, request, queryset):
        if self.params.get(queue.QUEUE_PARAMETER) == "drafts":
            return ["-interest", F("date").desc(nulls_last=True), "pk"]
        return super().get_ordering(request, queryset)


class DraftQueueFilter(admin.SimpleListFilter):
    """The queue on the episode list: drafts nobody else has claimed, most read first."""

    title = gettext_lazy("review queue")
    parameter_name = queue.QUEUE_PARAMETER

    def lookups(self, request, model_admin):
        return [("drafts", _("Drafts by readers' interest"))]

    def queryset(self, request, queryset):
        if self.value() != "drafts":
            return queryset
        from django.db.models import Q
        from django.utils import timezone

        taken = Q(review_claim__until__gt=timezone.now()) & ~Q(review_claim__by=request.user)
        return queue.with_interest(queryset.filter(draft=True).exclude(taken))


@admin.display(description=gettext_lazy("turns: approved / flagged / total"))
def review_progress(episode):
    progress = getattr(episode, "review_progress", None)
    if progress is None or not progress.total:
        return "—"
    return format_html(
        '<a href="{}" class="review-progress-cell">{} / {} / {}</a>',
        reverse("admin:editorial_review", args=[episode.pk]),
        progress.approved, progress.flagged, progress.total,
    )
