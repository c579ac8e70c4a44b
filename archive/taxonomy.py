"""The ways episodes are grouped on public pages: speakers, tags, areas, categories,
projects and the entity types, each with its address prefix and index page.

Every query here starts from ``Episode.objects.public(user)``.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from .models import (
    Appearance, Episode, Media, MediaLink, Organization, OrganizationLink, Person,
    PersonLink, Product, ProductLink, Project, ProjectLink, Speaker, Topic, TopicLink, Turn,
)
from .slugs import slug_for

# Tags the pipeline uses for its own bookkeeping; the static site does not show them.
INTERNAL_TAGS = frozenset(getattr(settings, "ARCHIVE_INTERNAL_TAGS", ("视频文稿",)))


@dataclass(frozen=True)
class Kind:
    """One way of grouping episodes."""

    key: str            # the filter parameter on the episode index, e.g. "tag"
    prefix: str         # the address of one term: /<prefix>/<slug>/
    index_path: str     # the address of the index of all terms
    title: str
    singular: str
    model: type | None = None    # a tag model, or None for a column of Episode
    link: type | None = None
    column: str | None = None

    def episodes_of(self, term, episodes):
        """The episodes of ``episodes`` filed under ``term``."""
        if self.column:
            return episodes.filter(**{self.column: term.name})
        if self.model is Speaker:
            return episodes.filter(
                Q(pk__in=Appearance.objects.filter(speaker=term).values("episode_id"))
                | Q(pk__in=Turn.objects.filter(speaker=term).values("episode_id"))
            )
        return episodes.filter(pk__in=self.link.objects.filter(tag=term).values("content_object_id"))

    def terms(self, episodes):
        """Every term with ``count`` (its episodes among ``episodes``), most first."""
        if self.column:
            rows = (
                episodes.exclude(**{self.column: ""}).values(self.column)
                .annotate(count=Count("pk")).order_by("-count", self.column)
            )
            return [ColumnTerm(row[self.column], row["count"]) for row in rows]
        if self.model is Speaker:
            return speaker_terms(episodes)
        links = self.link.objects.filter(content_object__in=episodes)
        return (
            self.model.objects.annotate(count=Count(
                "links__content_object", filter=Q(links__in=links), distinct=True
            ))
            .filter(count__gt=0).order_by("-count", "name")
        )

    def get_term(self, slug, episodes):
        """The term at ``slug`` (None when unknown)."""
        if self.column:
            values = episodes.exclude(**{self.column: ""}).values_list(self.column, flat=True).distinct()
            for value in values.order_by():
                if slug_for(value) == slug or value == slug:
                    return ColumnTerm(value)
            return None
        return self.model.objects.filter(slug=slug).first()


def speaker_terms(episodes) -> list[Speaker]:
    """Speakers of ``episodes`` (host, guest, or speaking in turns) with ``count``
    (episodes) and ``turn_count``, most episodes first: three queries."""
    pairs = Appearance.objects.filter(episode__in=episodes).order_by()
    spoken = Turn.objects.filter(episode__in=episodes, speaker__isnull=False).order_by()
    pairs = pairs.values_list("speaker_id", "episode_id").union(
        spoken.values_list("speaker_id", "episode_id")
    )
    counts: dict[int, int] = {}
    for speaker_id, _ in pairs:
        counts[speaker_id] = counts.get(speaker_id, 0) + 1
    turn_counts = dict(
        spoken.values_list("speaker_id").annotate(n=Count("pk")).values_list("speaker_id", "n")
    )
    speakers = list(Speaker.objects.filter(pk__in=list(counts)))
    for speaker in speakers:
        speaker.count = counts[speaker.pk]
        speaker.turn_count = turn_counts.get(speaker.pk, 0)
    return sorted(speakers, key=lambda speaker: (-speaker.count, speaker.name))


@dataclass(frozen=True)
class ColumnTerm:
    """An area or category: a value of an Episode column, named by its slug."""

    name: str
    count: int = 0

    @property
    def slug(self) -> str:
        return slug_for(self.name)


KINDS = {
    kind.key: kind for kind in (
        Kind("speaker", "speakers", "all-speakers", "讲者", "讲者", model=Speaker),
        Kind("tag", "tags", "all-tags", "话题标签", "标签", model=Topic, link=TopicLink),
        Kind("area", "areas", "all-areas", "领域", "领域", column="area"),
        Kind("category", "categories", "all-categories", "分类", "分类", column="category"),
        Kind("project", "projects", "all-projects", "项目", "项目", model=Project, link=ProjectLink),
        Kind("person", "people", "people", "人物", "人物", model=Person, link=PersonLink),
        Kind("company", "companies", "companies", "公司与机构", "机构", model=Organization,
             link=OrganizationLink),
        Kind("product", "products", "products", "产品与模型", "产品", model=Product, link=ProductLink),
        Kind("media", "media", "media", "书籍与媒体", "媒体", model=Media, link=MediaLink),
    )
}
BY_PREFIX = {kind.prefix: kind for kind in KINDS.values()}
ENTITY_KINDS = ("person", "company", "product", "media")


def episode_entities(episode: Episode) -> dict[str, list]:
    """Each tag-backed kind's terms on ``episode``, in the file's order: one query each."""
    found = {}
    for key, kind in KINDS.items():
        if kind.link is None:
            continue
        terms = list(
            kind.model.objects.filter(links__content_object=episode)
            .order_by("links__position", "links__pk")
        )
        if key == "tag":
            terms = [term for term in terms if term.name not in INTERNAL_TAGS]
        found[key] = list(dict.fromkeys(terms))
    return found
