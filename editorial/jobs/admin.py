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

from .models import Job, JobItem
from .running import resume_job

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
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self._job(request, object_id)
        failed = job.items.filter(outcome=JobItem.Outcome.FAILED)[:_ITEMS_SHOWN]
        return TemplateResponse(request, "admin/jobs/job/job.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "title": str(job), "job": job, "failed_items": failed,
            "can_resume": not job.finished or job.status == Job.Status.FAILED,
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
