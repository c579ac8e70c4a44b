"""The admin's read-only lists: turns, headings, transitions, revisions and review rows,
and the base of every read-only admin (speakers and entity tags too, ``names``).

They change only through an episode's editor and workflow (``editorial.edits.editing``,
``editorial.review.workflow``), which lock the episode, raise its version and keep a
revision, never one row at a time.
"""
from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import Heading, Turn
from editorial.models import EpisodeReview, Revision, Transition
from editorial.review.workflow import value_label


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through an episode's editor, never one by one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _episode_link(episode_id, text):
    url = reverse("admin:editorial_transcript", args=[episode_id])
    return format_html('<a href="{}">{}</a>', url, text)


@admin.register(Turn)
class TurnAdmin(ReadOnlyAdmin):
    list_display = ("episode", "position", "kind", "speaker_label", "short_text", "edit")
    list_filter = ("kind",)
    search_fields = ("translation", "english", "speaker_label", "episode__title")
    list_select_related = ("episode",)
    raw_id_fields = ("episode", "heading", "speaker")

    @admin.display(description=gettext_lazy("text"))
    def short_text(self, turn):
        return (turn.translation or turn.english or turn.verbatim or "")[:80]

    @admin.display(description="")
    def edit(self, turn):
        return _episode_link(turn.episode_id, _("Edit in the transcript editor"))


@admin.register(Heading)
class HeadingAdmin(ReadOnlyAdmin):
    list_display = ("episode", "position", "level", "title", "edit")
    search_fields = ("title", "episode__title")
    list_select_related = ("episode",)

    @admin.display(description="")
    def edit(self, heading):
        return _episode_link(heading.episode_id, _("Edit in the transcript editor"))


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ("at", "episode", "action", "from_label", "to_label", "by", "comment")
    list_filter = ("action",)
    search_fields = ("episode__title", "comment")
    list_select_related = ("episode", "by")

    @admin.display(description=gettext_lazy("from"), ordering="from_value")
    def from_label(self, transition):
        return value_label(transition.from_value)

    @admin.display(description=gettext_lazy("to"), ordering="to_value")
    def to_label(self, transition):
        return value_label(transition.to_value)


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "episode", "version", "kind", "summary", "author")
    list_filter = ("kind",)
    search_fields = ("episode__title", "summary")
    list_select_related = ("episode", "author")
    exclude = ("compressed",)


@admin.register(EpisodeReview)
class EpisodeReviewAdmin(ReadOnlyAdmin):
    list_display = ("episode", "state", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by")
    list_filter = ("state",)
    list_select_related = ("episode", "submitted_by", "reviewed_by")
