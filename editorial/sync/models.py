"""What the CMS remembers of its content repository between syncs."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models import Episode


class SyncState(models.Model):
    """One content folder's last sync that ended in step with the remote: the commit
    the CMS and the files were in step at (the base of every three-way comparison),
    and when."""

    folder = models.CharField(max_length=1000, unique=True)
    base_commit = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sync state")


class SyncConflict(models.Model):
    """A file changed both in the repository and in the CMS since the last sync,
    that the turn-level merge could not settle: neither side is written over until
    an editor chooses."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an editor")
        RESOLVED = "resolved", _("Resolved")

    episode = models.ForeignKey(
        Episode, verbose_name=_("episode"), on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(_("file"), max_length=1000)
    base_text = models.TextField()
    ours_text = models.TextField()
    theirs_text = models.TextField()
    theirs_commit = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("sync conflict")
        verbose_name_plural = _("sync conflicts")
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=models.Q(status="open"),
                name="sync_one_open_conflict_per_episode",
            ),
        ]

    def __str__(self) -> str:
        return self.path

    def get_absolute_url(self) -> str:
        return reverse("admin:sync_syncconflict_change", args=[self.pk])
