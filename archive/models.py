"""The archive's content: episodes, their sections and turns, speakers, entity tags.

An episode's rows hold everything needed to write its file back byte for byte
(see ``archive.content.store``): known front-matter keys as columns, every key's exact lines
in ``front_matter_entries``, and per block the small style fields of the codec.
"""
from __future__ import annotations

from django.db import models
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from archive.content.slugs import slug_for


class Maturity(models.TextChoices):
    SEEDLING = "seedling", "Seedling"
    BUDDING = "budding", "Budding"
    EVERGREEN = "evergreen", "Evergreen"


class Speaker(models.Model):
    """A person or show, shared by every episode it appears in."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EntityTag(TagBase):
    """One typed entity (topic, person, company…) with its own slugs and pages."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = slug_for(tag)
        return slug if i is None else f"{slug}-{i}"


class Topic(EntityTag):
    pass


class Person(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name_plural = "people"


class Organization(EntityTag):
    pass


class Product(EntityTag):
    pass


class Media(EntityTag):
    class Meta(EntityTag.Meta):
        verbose_name_plural = "media"


class Project(EntityTag):
    pass


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
        help_text="Comma-separated, in the order the file lists them.",
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
        from django.conf import settings

        episodes = self.listed() if listed else self.all()
        is_staff = bool(user is not None and user.is_active and user.is_staff)
        if not settings.ARCHIVE_PUBLIC_DRAFTS and not is_staff:
            episodes = episodes.filter(draft=False)
        return episodes


class LiveEpisodeManager(models.Manager.from_queryset(EpisodeQuerySet)):
    """Episodes as readers, search, import and export know them: never a working copy."""

    def get_queryset(self):
        return super().get_queryset().filter(working_copy_of__isnull=True)


class Episode(models.Model):
    slug = models.CharField(
        max_length=255,
        help_text="The file name where it is URL-safe (case kept), else a slugified form.",
    )
    source_path = models.CharField(
        max_length=500,
        help_text="Path of the markdown file, relative to the imported folder.",
    )

    title = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    source = models.TextField(blank=True, help_text="Link to the original video.")
    author = models.CharField(max_length=255, blank=True)
    speaker = models.CharField(
        max_length=255, blank=True, help_text="The show or host, usually the channel."
    )
    guest = models.CharField(max_length=255, blank=True, help_text="Comma-separated names.")
    summary = models.TextField(blank=True)
    insight = models.TextField(blank=True)
    series = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=255, blank=True)
    area = models.CharField(max_length=255, blank=True)
    layout = models.CharField(max_length=255, blank=True)
    draft = models.BooleanField(
        default=False, help_text="Unreviewed machine translation (the file's draft: true)."
    )
    exclude = models.BooleanField(
        default=False, help_text="Unlisted: the page answers but is in no list, feed or search."
    )
    status = models.CharField(
        max_length=64, blank=True,
        help_text="Maturity: seedling, budding or evergreen. Other values are kept as written.",
    )

    tags = _entity_field(TopicLink, "topic tags")
    people = _entity_field(PersonLink, "people")
    companies_orgs = _entity_field(OrganizationLink, "companies and organisations")
    products_models = _entity_field(ProductLink, "products and models")
    media_books = _entity_field(MediaLink, "media and books")
    project = _entity_field(ProjectLink, "projects")
    speakers = models.ManyToManyField(Speaker, through="Appearance", blank=True)

    front_matter_entries = models.JSONField(
        default=list, help_text="Every front-matter key with its exact lines: [key, lines, gap]."
    )
    front_matter_values = models.JSONField(
        default=dict, help_text="The values those lines held when last imported."
    )
    file_style = models.JSONField(
        default=dict, help_text="Fences, newline, BOM and blank lines of the file as written."
    )
    source_hash = models.CharField(
        max_length=64, blank=True,
        help_text="SHA-256 of the file bytes last imported or exported.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="The content version: raised by every edit and every import "
        "that changes the episode."
    )
    synced_version = models.PositiveIntegerField(
        default=1, help_text="The version last imported from or exported to its file."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    working_copy_of = models.OneToOneField(
        "self", null=True, blank=True, editable=False, on_delete=models.CASCADE,
        related_name="working_copy",
        help_text="Set on the editors' copy of a reviewed episode whose changes wait for "
        "review (see editorial.review.held); readers, search and export never see such a row.",
    )

    objects = LiveEpisodeManager()
    # Live episodes and working copies: only the editors' side asks for these.
    with_working_copies = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "slug"]
        indexes = [models.Index(fields=["-date", "slug"])]
        base_manager_name = "with_working_copies"
        constraints = [
            # A working copy repeats its episode's path and (until edited) slug.
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(working_copy_of__isnull=True),
                name="unique_live_slug",
            ),
            models.UniqueConstraint(
                fields=["source_path"], condition=models.Q(working_copy_of__isnull=True),
                name="unique_live_source_path",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse("archive:episode", kwargs={"slug": self.slug})


class FileVersion(models.Model):
    """One version of an episode's file that the CMS imported or exported.

    The history lets an import recognise a file that is an older version of what the
    CMS holds (a stale copy) and refuse it instead of undoing later work.
    """

    class Action(models.TextChoices):
        IMPORTED = "imported", "imported"
        EXPORTED = "exported", "exported"

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

    path = models.CharField(max_length=1000, unique=True, help_text="Absolute path.")

    def __str__(self) -> str:
        return self.path


class Appearance(models.Model):
    """A speaker named in the front matter as the episode's host/channel or guest."""

    class Role(models.TextChoices):
        HOST = "host", "Host or channel"
        GUEST = "guest", "Guest"

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
    style = models.JSONField(default=dict, help_text="Gap after the hashes, blank lines after.")

    class Meta:
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "position"], name="unique_heading_position")
        ]

    def __str__(self) -> str:
        return self.title


class Turn(models.Model):
    """One block of the transcript: a speaker turn or narration with its original,
    or an opaque comment or raw block kept as written."""

    class Kind(models.TextChoices):
        TURN = "turn", "Turn"
        COMMENT = "comment", "HTML comment"
        RAW = "raw", "Other markup"

    # No index of its own: the unique (episode, position) index leads with it.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="turns", db_index=False
    )
    position = models.PositiveIntegerField()
    heading = models.ForeignKey(
        Heading, null=True, blank=True, on_delete=models.SET_NULL, related_name="turns",
        help_text="The section this turn falls under.",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TURN)
    speaker_label = models.CharField(
        max_length=255, blank=True, help_text="The label as written, e.g. Speaker A or [Matt]."
    )
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="turns"
    )
    translation = models.TextField(
        null=True, blank=True,
        help_text="The Chinese paragraph after the label; empty (null) when the turn is "
        "only an original.",
    )
    english = models.TextField(
        null=True, blank=True, help_text="The folded original; null when there is none."
    )
    style = models.JSONField(default=dict, help_text="Label and <details> frame as written.")
    verbatim = models.TextField(
        null=True, blank=True,
        help_text="Exact text of a comment or raw block, or of an original whose frame "
        "is malformed (used while the original is unedited).",
    )

    class Meta:
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "position"], name="unique_turn_position")
        ]

    def __str__(self) -> str:
        return f"{self.episode_id}#{self.position}"


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
