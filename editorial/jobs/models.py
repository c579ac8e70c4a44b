"""What the CMS knows of each job, apart from the task backend's own records.

The backend (database or RQ) only says whether a task ran; a :class:`Job` says what
the work was, how far it got and what came of it, and outlives the task: a job whose
worker died is queued again as a new task on the same row.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        NAMES = "names", _("Merge or rename a name")
        REINDEX = "reindex", _("Re-index the archive")
        RECHECK = "recheck", _("Re-check the archive")
        EXPORT = "export", _("Export and commit")
        SYNC = "sync", _("Sync with the content repository")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("items"), null=True, blank=True)
    done = models.PositiveIntegerField(_("items done"), default=0)
    failed = models.PositiveIntegerField(_("items failed"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(
        _("task"), max_length=64, blank=True,
        help_text=_("The task now running this job; a resumed job gets a new one."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True,
        help_text=_("Moved on after every item; a running job that stops moving lost its worker."),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    resumed = models.PositiveIntegerField(_("times resumed"), default=0)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="jobs_job_status_beat")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="jobs_job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("admin:jobs_job_change", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.finished else 0
        return min(100, (self.done * 100) // self.total)


class JobLock(models.Model):
    """A name a running job holds, so that no second job that would collide starts:
    ``sync`` for a sync, ``names:tags:OpenAI`` for each name a merge touches. Taken
    with the job in one transaction; released when the job finishes."""

    key = models.CharField(max_length=400, unique=True)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="locks")

    class Meta:
        verbose_name = _("job lock")


class JobItem(models.Model):
    """One item a job finished (an episode merged, a file synced), written in the same
    transaction as the item's change, so a resumed job knows exactly what is done."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Nothing to do")
        FAILED = "failed", _("Failed")

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=400)
    label = models.CharField(max_length=400, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("job item")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "key"], name="jobs_item_once_per_job"),
        ]
