"""The archive's content: episodes, their sections and turns, speakers, entity tags.

An episode's rows hold everything needed to write its file back byte for byte
(see ``archive.content.store``): known front-matter keys as columns, every key's exact lines
in ``front_matter_entries``, and per block the small style fields of the codec.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from archive.content.slugs import slug_for


class Maturity(models.TextChoices):
    SEEDLING = "seedling", _("Seedling")
    BUDDING = "budding", _("Budding")
    EVERGREEN = "evergreen", _("Evergreen")


class Speaker(models.Model):
    """A person or show, shared by every episode it appears in."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class EntityTag(TagBase):
    """One typed entity (topic, person, company…) with its own slugs and pages."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = slug_for(tag)
        return slug if i is None else f"{slug}-{i}"


class Topic(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name = _("topic tag")
        verbose_name_plural = _("topic tags")


class Person(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")


class Organization(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name = _("company or organisation")
        verbose_name_plural = _("companies and organisations")


class Product(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name = _("product or model")
        verbose_name_plural = _("products and models")


class Media(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name = _("media or book")
        verbose_name_plural = _("media and books")


class Project(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name = _("project")
        verbose_name_plural = _("projects")


class EntityLink(TaggedItemBase):
    """An episode's mention of an entity; ``position`` keeps the file's list order."""

    content_object = models.ForeignKey(
        "Episode", on_delete=models.CASCADE, related_name="%(class)s_set"
    )
    position = models.PositiveIntegerField(blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def save(self, *args, **kwargs):
        # taggit's add() creates links one by one without a position: append them.
        if self.position is None:
            last = type(self).objects.filter(content_object=self.content_object).aggregate(
                last=models.Max("position")
            )["last"]
            self.position = 0 if last is None else last + 1
        super().save(*args, **kwargs)


class TopicLink(EntityLink):
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="links")


class PersonLink(EntityLink):
    tag = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")


class OrganizationLink(EntityLink):
    tag = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="links")


class ProductLink(EntityLink):
    tag = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="links")


class MediaLink(EntityLink):
    tag = models.ForeignKey(Media, on_delete=models.CASCADE, related_name="links")


class ProjectLink(EntityLink):
    tag = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")


def _entity_field(through, verbose_name):
    return TaggableManager(
        through=through, blank=True, verbose_name=verbose_name,
        ordering=["links__position", "links__pk"],
        help_text=_("Comma-separated, in the order the file lists them."),
    )


class EpisodeQuerySet(models.QuerySet):
    def listed(self):
        """Episodes that appear in lists, feeds, search and counts."""
        return self.filter(exclude=False)

    def public(self, user=None, *, listed=True):
        """What ``user`` (None: an anonymous reader) may see: the one definition.

        Every public view, feed, sitemap, search and count starts here. With
        ``listed`` (the default) it is what lists show: never an unlisted episode
        (``exclude: true``), whoever asks. ``listed=False`` is what answers at its own
        address: unlisted episodes too. Drafts are public while the setting
        ``ARCHIVE_PUBLIC_DRAFTS`` is on (the static site's behaviour), else staff-only.
        """
        episodes = self.listed() if listed else self.all()
        if _drafts_hidden_from(user):
            episodes = episodes.filter(draft=False)
        return episodes

    def unlisted_for(self, user=None):
        """What ``public(user)`` leaves out of lists, and nothing else: the unlisted
        episodes, and the drafts while they are staff-only and ``user`` is not staff.
        Where drafts are public these are few, found through an index of their own."""
        if _drafts_hidden_from(user):
            return self.filter(models.Q(exclude=True) | models.Q(draft=True))
        return self.filter(exclude=True)


def _drafts_hidden_from(user) -> bool:
    is_staff = bool(user is not None and user.is_active and user.is_staff)
    return not settings.ARCHIVE_PUBLIC_DRAFTS and not is_staff


class Episode(models.Model):
    slug = models.CharField(
        _("slug"), max_length=255,
        help_text=_("The file name where it is URL-safe (case kept), else a slugified form."),
    )
    source_path = models.CharField(
        _("file"), max_length=500,
        help_text=_("Path of the markdown file, relative to the imported folder."),
    )

    title = models.TextField(_("title"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    source = models.TextField(
        _("source"), blank=True, help_text=_("Link to the original video (http:// or https://).")
    )
    author = models.CharField(_("author"), max_length=255, blank=True)
    speaker = models.CharField(
        _("speaker"), max_length=255, blank=True, help_text=_("The show or host, usually the channel.")
    )
    guest = models.CharField(_("guest"), max_length=255, blank=True, help_text=_("Comma-separated names."))
    summary = models.TextField(_("summary"), blank=True)
    insight = models.TextField(_("insight"), blank=True)
    series = models.CharField(_("series"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=255, blank=True)
    area = models.CharField(_("area"), max_length=255, blank=True)
    layout = models.CharField(_("layout"), max_length=255, blank=True)
    draft = models.BooleanField(
        _("draft"), default=False, help_text=_("Unreviewed machine translation (the file's draft: true).")
    )
    exclude = models.BooleanField(
        _("unlisted (exclude)"), default=False, help_text=_("Unlisted: the page answers but is in no list, feed or search.")
    )
    status = models.CharField(
        _("maturity (status)"), max_length=64, blank=True,
        help_text=_("Maturity: seedling, budding or evergreen. Other values are kept as written."),
    )

    tags = _entity_field(TopicLink, _("topic tags"))
    people = _entity_field(PersonLink, _("people"))
    companies_orgs = _entity_field(OrganizationLink, _("companies and organisations"))
    products_models = _entity_field(ProductLink, _("products and models"))
    media_books = _entity_field(MediaLink, _("media and books"))
    project = _entity_field(ProjectLink, _("projects"))
    speakers = models.ManyToManyField(Speaker, through="Appearance", blank=True)

    front_matter_entries = models.JSONField(
        default=list, help_text=_("Every front-matter key with its exact lines: [key, lines, gap].")
    )
    front_matter_values = models.JSONField(
        default=dict, help_text=_("The values those lines held when last imported.")
    )
    file_style = models.JSONField(
        default=dict, help_text=_("Fences, newline, BOM and blank lines of the file as written.")
    )
    source_hash = models.CharField(
        max_length=64, blank=True,
        help_text=_("SHA-256 of the file bytes last imported or exported."),
    )
    bolded_untagged = models.JSONField(
        default=list, blank=True,
        help_text="Names set in bold in the turns that the episode's tags and speakers lack "
        "(as archive.checks.names.name_key keys them): how often the archive leaves an "
        "entity untagged, which calibrates the untagged-mention check.",
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("The content version: raised by every edit and every import "
        "that changes the episode.")
    )
    synced_version = models.PositiveIntegerField(
        _("synced version"), default=1, help_text=_("The version last imported from or exported to its file.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    synced_at = models.DateTimeField(_("synced"), null=True, blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        ordering = ["-date", "slug"]
        indexes = [
            models.Index(fields=["-date", "slug"]),
            # MAX(updated_at) is the page cache's content state, read by every request.
            models.Index(fields=["updated_at"], name="archive_episode_updated_at_idx"),
            # Every column the lists' counts and the episode index's facets read: they
            # read this index, not the rows (which hold every front-matter line).
            models.Index(
                fields=["date", "area", "category", "exclude", "draft"], name="episode_listing_idx",
            ),
            # The few unlisted episodes, which a term's count leaves out of its links.
            models.Index(fields=["id"], condition=models.Q(exclude=True), name="episode_unlisted_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="unique_slug"),
            models.UniqueConstraint(fields=["source_path"], name="unique_source_path"),
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse("archive:episode", kwargs={"slug": self.slug})

    @property
    def has_front_matter(self) -> bool:
        """False for a file written without a ``---`` header: editors should repair it."""
        return self.file_style.get("opening", "---\n") != ""


class FileVersion(models.Model):
    """One version of an episode's file that the CMS imported or exported.

    The history lets an import recognise a file that is an older version of what the
    CMS holds (a stale copy) and refuse it instead of undoing later work.
    """

    class Action(models.TextChoices):
        IMPORTED = "imported", _("imported")
        EXPORTED = "exported", _("exported")

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="file_versions")
    sha256 = models.CharField(max_length=64)
    action = models.CharField(max_length=8, choices=Action.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["episode", "sha256"])]

    def __str__(self) -> str:
        return f"{self.episode_id} {self.action} {self.sha256[:12]}"


class ContentFolder(models.Model):
    """A folder the CMS imported from; episodes are named by paths relative to it.

    Used when the setting ``ARCHIVE_ROOT`` is not set: a file or subfolder inside a
    known folder keeps the identity it had when the whole folder was imported.
    """

    path = models.CharField(max_length=1000, unique=True, help_text=_("Absolute path."))

    def __str__(self) -> str:
        return self.path


class Appearance(models.Model):
    """A speaker named in the front matter as the episode's host/channel or guest."""

    class Role(models.TextChoices):
        HOST = "host", _("Host or channel")
        GUEST = "guest", _("Guest")

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE)
    role = models.CharField(max_length=8, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "speaker", "role"], name="unique_appearance"
            )
        ]


class Heading(models.Model):
    """A section heading; ``position`` counts in the same sequence as turns."""

    # No index of its own: the unique (episode, position) index leads with it.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="headings", db_index=False
    )
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(default=3)
    title = models.TextField()
    style = models.JSONField(default=dict, help_text=_("Gap after the hashes, blank lines after."))

    class Meta:
        verbose_name = _("heading")
        verbose_name_plural = _("headings")
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "position"], name="unique_heading_position")
        ]

    def __str__(self) -> str:
        return self.title


class TurnStyle(models.Model):
    """How a turn is written around its texts (label marks, colon, ``<details>`` frame,
    blank lines), as the JSON of the style fields that differ from the codec's defaults,
    keys sorted. Turns share a few hundred styles, so each is stored once."""

    text = models.TextField(unique=True)

    class Meta:
        verbose_name = _("turn style")
        verbose_name_plural = _("turn styles")

    def __str__(self) -> str:
        return self.text


class Turn(models.Model):
    """One block of the transcript: a speaker turn or narration with its original,
    or an opaque comment or raw block kept as written."""

    class Kind(models.TextChoices):
        TURN = "turn", _("Turn")
        COMMENT = "comment", _("HTML comment")
        RAW = "raw", _("Other markup")

    # No index of its own: the unique (episode, position) index leads with it.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="turns", db_index=False
    )
    position = models.PositiveIntegerField()
    heading = models.ForeignKey(
        Heading, null=True, blank=True, on_delete=models.SET_NULL, related_name="turns",
        help_text=_("The section this turn falls under."),
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TURN)
    speaker_label = models.CharField(
        max_length=255, blank=True, help_text=_("The label as written, e.g. Speaker A or [Matt].")
    )
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="turns"
    )
    translation = models.TextField(
        null=True, blank=True,
        help_text=_("The Chinese paragraph after the label; empty (null) when the turn is "
        "only an original."),
    )
    english = models.TextField(
        null=True, blank=True, help_text=_("The folded original; null when there is none.")
    )
    # No index: styles are never deleted, and no query finds turns by their style.
    style = models.ForeignKey(
        TurnStyle, on_delete=models.PROTECT, related_name="+", db_index=False,
        help_text=_("Label and <details> frame as written."),
    )
    verbatim = models.TextField(
        null=True, blank=True,
        help_text=_("Exact text of a comment or raw block, or of an original whose frame "
        "is malformed (used while the original is unedited)."),
    )

    class Meta:
        verbose_name = _("turn")
        verbose_name_plural = _("turns")
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "position"], name="unique_turn_position")
        ]

    def __str__(self) -> str:
        return f"{self.episode_id}#{self.position}"


class TurnFlag(models.Model):
    """A translation check's finding on one turn (``archive.checks``), computed at
    import and again when an edit changes the episode. Dismissed by an editor, it
    stays dismissed until its turn's text changes (``fingerprint``)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="flags")
    check_id = models.CharField(max_length=32, help_text="The check's stable id, e.g. number-mismatch.")
    severity = models.CharField(max_length=8)
    params = models.JSONField(default=dict, help_text="What fills the check's message.")
    spans = models.JSONField(
        default=dict,
        help_text="What to highlight: [start, end] character spans in the translation and "
        "in the English.",
    )
    fingerprint = models.CharField(max_length=16, help_text="Of the turn's texts when flagged.")
    body_line = models.PositiveIntegerField(
        help_text="Lines between the end of the front matter and the turn's first line "
        "in the file as written when flagged (kept current by every edit of the body).",
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["turn", "check_id"], name="unique_turn_check")
        ]
        indexes = [models.Index(fields=["check_id"], name="turnflag_check")]

    def __str__(self) -> str:
        return f"{self.turn_id}: {self.check_id}"


class SearchText(models.Model):
    """The searchable text of one episode, as ``archive.search`` last indexed it.

    ``version`` is the ``Episode.version`` it was made from: a row whose version lags
    (or a missing row) is found and redone by ``archive.search.repair()``. A row is
    replaced, never updated, so the highest id and the row count change with every
    write and, with the random ``stamp`` (ids of a rolled-back transaction come
    again), tell a process that its copy of the index is stale. ``text`` and
    ``layout`` are packed by ``archive.search.packed``; ``signature`` is the
    episode's filter (``archive.search.signature``).
    """

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    stamp = models.BigIntegerField(db_index=True)
    text = models.BinaryField()
    layout = models.BinaryField()
    signature = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.episode_id}@{self.version}"


class PageCacheVersion(models.Model):
    """One row: the content version that keys the public page cache (``archive.site.cache``)."""

    version = models.PositiveBigIntegerField(default=0)


class DailyReads(models.Model):
    """How often readers opened an episode's page on one day, and how many of those
    came from a search result (``archive.site.readership``): no address, no cookie."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="daily_reads")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    searches = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "day"], name="unique_daily_reads")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.episode_id} {self.day}: {self.views}"
