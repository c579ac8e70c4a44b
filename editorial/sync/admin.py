"""Sync conflicts in the admin: both versions side by side, passage by passage, and a
choice of side for each passage the turn-level merge could not settle."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from .merge3 import OURS, THEIRS
from .models import SyncConflict
from .resolving import ResolutionRefused, conflict_hunks, resolve

PERMISSION = "archive.change_episode"


@admin.register(SyncConflict)
class SyncConflictAdmin(admin.ModelAdmin):
    list_display = ("path", "status", "found_at", "resolved_by", "resolved_at")
    list_filter = ("status",)
    list_select_related = ("resolved_by",)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        conflict = get_object_or_404(SyncConflict.objects.select_related("episode"), pk=_number(object_id))
        merged = conflict_hunks(conflict)
        if request.method == "POST" and conflict.status == SyncConflict.Status.OPEN:
            if not self.has_change_permission(request, conflict):
                raise PermissionDenied
            whole = request.POST.get("whole")
            choices = {
                index: request.POST.get(f"hunk-{index}")
                for index in (merged.conflicts if merged else ())
            }
            try:
                resolve(conflict, choices=choices, by=request.user,
                        whole=whole if whole in (OURS, THEIRS) else None)
            except ResolutionRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, gettext(
                    "Resolved: the episode holds the chosen text; the next sync writes it "
                    "to the repository."
                ), messages.SUCCESS)
                return redirect("admin:sync_syncconflict_changelist")
        return TemplateResponse(request, "admin/sync/syncconflict/resolve.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": gettext("Changed on both sides: %(path)s") % {"path": conflict.path},
            "conflict": conflict, "merged": merged,
            "hunks": list(enumerate(merged.hunks)) if merged else [],
            "may_resolve": conflict.status == SyncConflict.Status.OPEN
            and self.has_change_permission(request, conflict),
        })


def _number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    return number if 0 < number < 2**63 else 0
