"""Jobs in the admin: the list of recent jobs, and each job's page (progress bar kept
up to date by a small static script polling :meth:`JobAdmin.status_view`)."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from archive.content.sources import default_folder

from . import archive_jobs
from .models import Job, JobItem
from .running import JobBusy, is_stalled, resume_job

RESUME_PERMISSION = "editorial.review_episode"
_ITEMS_SHOWN = 200


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "progress", "started_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("started_by",)
    date_hierarchy = "created_at"

    @admin.display(description=_("progress"))
    def progress(self, job: Job) -> str:
        if job.total is None:
            return "–"
        return f"{job.done} / {job.total}"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.finished)

    def get_urls(self):
        own = [
            path("<int:job_id>/status/", self.admin_site.admin_view(self.status_view),
                 name="jobs_job_status"),
            path("<int:job_id>/resume/", self.admin_site.admin_view(self.resume_view),
                 name="jobs_job_resume"),
            path("start/<str:kind>/", self.admin_site.admin_view(self.start_view),
                 name="jobs_job_start"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self._job(request, object_id)
        failed = job.items.filter(outcome=JobItem.Outcome.FAILED)[:_ITEMS_SHOWN]
        return TemplateResponse(request, "admin/jobs/job/job.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "title": str(job), "job": job, "failed_items": failed,
            "can_resume": job.status == Job.Status.FAILED or is_stalled(job),
            "may_resume": request.user.has_perm(RESUME_PERMISSION),
            "result_items": sorted(job.result.items()) if isinstance(job.result, dict) else [],
        })

    def status_view(self, request, job_id: int):
        job = self._job(request, job_id)
        return JsonResponse({
            "status": job.status, "status_label": str(job.get_status_display()),
            "done": job.done, "total": job.total, "failed": job.failed,
            "percent": job.percent, "finished": job.finished,
        })

    def changelist_view(self, request, extra_context=None):
        may_start = request.user.has_perm(RESUME_PERMISSION)
        startable = [(kind, Job.Kind(kind).label) for kind in _STARTERS] if may_start else []
        return super().changelist_view(request, {**(extra_context or {}), "startable": startable})

    def start_view(self, request, kind: str):
        return require_POST(self._start)(request, kind)

    def _start(self, request, kind: str):
        if not request.user.has_perm(RESUME_PERMISSION) or kind not in _STARTERS:
            raise PermissionDenied
        try:
            job = _STARTERS[kind](by=request.user)
        except JobBusy as busy:
            self.message_user(request, str(busy), messages.WARNING)
            return redirect(busy.job.get_absolute_url())
        except NoContentFolder:
            self.message_user(request, gettext(
                "There is no content folder: set ARCHIVE_ROOT, or import one folder first."
            ), messages.ERROR)
            return redirect("admin:jobs_job_changelist")
        return redirect(job.get_absolute_url())

    def resume_view(self, request, job_id: int):
        return require_POST(self._resume)(request, job_id)

    def _resume(self, request, job_id: int):
        if not request.user.has_perm(RESUME_PERMISSION):
            raise PermissionDenied
        job = self._job(request, job_id)
        if resume_job(job):
            self.message_user(request, gettext("The job was queued again; it carries on where it stopped."))
        else:
            self.message_user(request, gettext("This job cannot be resumed now."), messages.WARNING)
        return redirect(job.get_absolute_url())

    def _job(self, request, job_id) -> Job:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            return get_object_or_404(Job.objects.select_related("started_by"), pk=int(job_id))
        except (TypeError, ValueError, OverflowError):
            raise Http404 from None


class NoContentFolder(Exception):
    pass


def _content_folder():
    folder = default_folder()
    if folder is None:
        raise NoContentFolder
    return folder


def _start_sync(*, by):
    from editorial.sync.job import start_sync

    return start_sync(_content_folder(), by=by)


# The jobs a Publisher starts from the list of jobs (a merge starts from its preview).
_STARTERS = {
    Job.Kind.SYNC: _start_sync,
    Job.Kind.EXPORT: lambda *, by: archive_jobs.start_export(_content_folder(), by=by),
    Job.Kind.REINDEX: archive_jobs.start_reindex,
    Job.Kind.RECHECK: archive_jobs.start_recheck,
}
