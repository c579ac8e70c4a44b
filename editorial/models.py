"""The editors' side of an episode: its review state, the log of its transitions and
the revisions of its file.

The file's own workflow fields stay on ``archive.Episode`` (``draft``, ``status``,
``exclude``); ``EpisodeReview`` adds only what the file cannot say: that a draft is
waiting for a publisher. Every change to these rows goes through
``editorial.review.workflow`` or ``editorial.edits.editing``.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive.models import Episode

from .revisions import storage as revisiontext


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft (unreviewed)")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")
    CHANGED = "changed", _("Changed since review")


class EpisodeReview(models.Model):
    """Where an episode stands in review; missing means "as its file says".

    ``reviewed`` and ``changed`` (edited since it was reviewed, waiting for a
    publisher) go with ``Episode.draft`` false, the other states with true; when an
    import changes ``draft`` behind the workflow's back, the file wins (the one rule
    is ``editorial.review.state``). ``reviewed_version`` is the revision a publisher
    last approved: what readers should keep seeing while ``changed``.
    """

    episode = models.OneToOneField(
        Episode, on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it last entered review (the queue's order).")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_version = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("The version (and revision) a publisher last approved."),
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("episode review")
        verbose_name_plural = _("episode reviews")
        permissions = [
            ("submit_episode", "Can submit an episode for review"),
            ("review_episode", "Can mark reviewed, send back and reopen an episode"),
            ("set_maturity", "Can set an episode's maturity (seedling, budding, evergreen)"),
            ("unlist_episode", "Can unlist and relist an episode"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ReviewState.values), name="review_state_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.episode_id}: {self.get_state_display()}"


class TransitionAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted for review")
    SEND_BACK = "send_back", _("Sent back")
    MARK_REVIEWED = "mark_reviewed", _("Marked reviewed")
    REOPEN = "reopen", _("Reopened")
    SET_MATURITY = "set_maturity", _("Set maturity")
    UNLIST = "unlist", _("Unlisted")
    RELIST = "relist", _("Relisted")
    CHANGED = "changed", _("Changed since review")


class Transition(models.Model):
    """One workflow step, as the audit trail shows it: who, when, from, to, why."""

    Action = TransitionAction

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=16, choices=TransitionAction.choices)
    from_value = models.CharField(_("from"), max_length=64, blank=True)
    to_value = models.CharField(_("to"), max_length=64)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=TransitionAction.values),
                name="transition_action_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.from_value} → {self.to_value}"


class Revision(models.Model):
    """The episode's file, rendered after one save; numbered by ``Episode.version``.

    The first edit of an episode first keeps the file as it was (``kind`` "original",
    dated at its import); a re-import keeps the file it replaced and the file it
    brought ("outside", see ``editorial.review.receivers``), so consecutive revisions always
    diff to one save's changes.

    ``text`` is a str. It is stored compressed (``compressed``, see
    ``editorial.revisions.storage``): whole, or as a delta against the episode's revision
    ``base_version`` (stored whole), which a new revision gets from
    :meth:`keep_text`. Revisions are never deleted one by one, so a base is always
    there.
    """

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("As imported")
        OUTSIDE = "outside", _("Changed outside the admin (import)")
        EDIT = "edit", _("Edit")
        WORKFLOW = "workflow", _("Workflow")
        REVERT = "revert", _("Revert")

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"), help_text=_("Episode.version right after this save."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EDIT)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    compressed = models.BinaryField(
        help_text=_("The whole file as export_markdown would write it: a zstandard frame.")
    )
    base_version = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("The revision (stored whole) this one's frame is a delta against."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    episode_updated_at = models.DateTimeField(
        null=True, help_text=_("Episode.updated_at when this revision was taken.")
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-version", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="unique_revision_version")
        ]

    def __str__(self) -> str:
        return f"{self.episode_id} v{self.version}"

    @property
    def text(self) -> str:
        if "_text" not in self.__dict__:
            base = None
            if self.base_version is not None:
                base = Revision.objects.get(episode_id=self.episode_id, version=self.base_version).text
            self._text = revisiontext.decompress(self.compressed, base)
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        """Store ``value`` whole (see :meth:`keep_text` for a delta)."""
        self.compressed, self.base_version, self._text = revisiontext.compress(value), None, value

    def keep_text(self, value: str) -> None:
        """Store ``value``, as a small delta against the episode's latest revision
        stored whole when it is close to it, else whole."""
        base = (
            Revision.objects.filter(episode_id=self.episode_id, base_version__isnull=True)
            .exclude(pk=self.pk).order_by("-version").first()
        )
        if base is not None:
            delta = revisiontext.compress(value, base.text)
            if revisiontext.worth_a_delta(delta, value):
                self.compressed, self.base_version, self._text = delta, base.version, value
                return
        self.text = value


class PendingRevision(models.Model):
    """Changes of a reviewed episode waiting for review: a revision of its file, not
    rows (Wagtail's draft revision). Readers, search, feeds and export read the
    episode's rows, the approved version; editors see and edit this document
    (``editorial.review.held``). One per episode at most; approving edits the episode
    to it, rejecting drops it.

    ``revision`` holds the document's text (the latest revision of the episode while
    this row exists). ``block_rows`` gives each of its blocks, in file order, the key
    the editors' pages address it by, kept from save to save; ``next_row`` is the
    key the next new block gets. ``flags`` are the translation checks' findings on
    the document (``archive.checks.stored.new_flag_rows``, None until computed);
    ``dismissed`` the flags editors dismissed on it, ``"fingerprint check"`` to
    ``[user id, ISO time]``.
    """

    episode = models.OneToOneField(
        Episode, on_delete=models.CASCADE, primary_key=True, related_name="pending_revision"
    )
    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, related_name="+")
    block_rows = models.JSONField(default=list)
    next_row = models.PositiveBigIntegerField(default=1)
    flags = models.JSONField(null=True, blank=True)
    dismissed = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("pending revision")
        verbose_name_plural = _("pending revisions")

    def __str__(self) -> str:
        return f"{self.episode_id}: pending v{self.revision.version}"


class TurnReviewState(models.TextChoices):
    NEEDS_EDITING = "needs_editing", _("Needs editing")
    APPROVED = "approved", _("Approved")


class TurnReview(models.Model):
    """A person's word on one turn of an episode: needs editing, or approved.

    A turn with no row is as the machine made it. The row is found by the turn's
    text (``fingerprint`` of its Chinese and English, ``editorial.review.turns``),
    not by its row or place: a re-import that leaves the text alone keeps the state,
    one that changes it leaves the turn as the machine made it, and the file never
    holds any of this.
    """

    State = TurnReviewState

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="turn_reviews")
    fingerprint = models.CharField(max_length=32)
    state = models.CharField(max_length=16, choices=TurnReviewState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("turn review")
        verbose_name_plural = _("turn reviews")
        constraints = [
            models.UniqueConstraint(fields=["episode", "fingerprint"], name="unique_turn_review"),
            models.CheckConstraint(
                condition=models.Q(state__in=TurnReviewState.values),
                name="turn_review_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode_id}:{self.fingerprint[:8]} {self.state or '-'}"


class ReviewClaim(models.Model):
    """An editor reviewing an episode now, so that nobody else starts on it; a claim
    ends at ``until`` (renewed while they work) or when they let it go."""

    episode = models.OneToOneField(
        Episode, on_delete=models.CASCADE, primary_key=True, related_name="review_claim"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField()

    class Meta:
        verbose_name = _("review claim")
        verbose_name_plural = _("review claims")

    def __str__(self) -> str:
        return f"{self.episode_id} by {self.by_id} until {self.until:%H:%M}"
