"""The ways episodes are grouped on public pages: speakers, tags, areas, categories,
projects and the entity types, each with its address prefix and index page.

A term's address is the static site's (``slug_map``): names that differ only in case
are one page (``AI`` and ``ai``), tags are one page per slug, and names whose slugs
collide are numbered ``-1``, ``-2``… in the static site's order, counting only what the
static site counts (names of listed episodes; for speakers, the front matter's
``speaker`` and ``guest``). Names it does not count come after, never taking an
address it gives. So an address depends on the archive's names, never on the order in
which files were imported.

Every query here starts from ``Episode.objects.public(user)``.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from archive.content.named import looks_like_a_name
from archive.content.slugs import collation_key, slug_for, static_site_slugs, unique_slug
from archive.models import (
    Appearance,
    Episode,
    Media,
    MediaLink,
    Organization,
    OrganizationLink,
    Person,
    PersonLink,
    Product,
    ProductLink,
    Project,
    ProjectLink,
    Speaker,
    Topic,
    TopicLink,
    Turn,
)

from .cache import content_state

# Quotes around a value, straight or typographic, that the files sometimes carry.
_QUOTES = re.compile(r"^[\"'“”‘’「」『』]+|[\"'“”‘’「」『』]+$")


def unquoted(value: str) -> str:
    """An area or category value without the quotes some files put around it."""
    return _QUOTES.sub("", value.strip()).strip()


def column_value_key(value: str) -> str:
    """The one page an area or category value belongs to: :func:`unquoted`, lower
    case (``"AI"``, ``“ai”`` and ``ai`` are one)."""
    return unquoted(value).lower()


def internal_tags() -> frozenset[str]:
    """Tags the pipeline uses for its own bookkeeping; the static site shows none."""
    return frozenset(getattr(settings, "ARCHIVE_INTERNAL_TAGS", ("视频文稿",)))


@dataclass
class SlugMap:
    """Addresses of one kind's terms: term id (or column value) <-> slug."""

    slug_of: dict = field(default_factory=dict)
    ids_of: dict = field(default_factory=dict)
    listed: set = field(default_factory=set)     # slugs with an episode in lists
    moved: dict = field(default_factory=dict)    # a static-site slug -> the page now


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

    # Which names there are, and which the static site counts -------------------------

    def _names(self) -> tuple[dict, set]:
        """Every term id (column value) -> name, and the ids the static site counts."""
        listed = Episode.objects.public(None)
        if self.column:
            values = Episode.objects.exclude(**{self.column: ""}).values_list(self.column, flat=True)
            names = {value: value for value in values.distinct().order_by()}
            counted = set(
                listed.exclude(**{self.column: ""}).values_list(self.column, flat=True)
                .distinct().order_by()
            )
            return names, counted
        names = dict(self.model.objects.values_list("pk", "name").order_by())
        if self.model is Speaker:
            links = Appearance.objects.filter(episode__in=listed)
            counted = set(links.values_list("speaker_id", flat=True).distinct().order_by())
        else:
            links = self.link.objects.filter(content_object__in=listed)
            counted = set(links.values_list("tag_id", flat=True).distinct().order_by())
        if self.key == "tag":
            hidden = internal_tags()
            names = {pk: name for pk, name in names.items() if name not in hidden}
        return names, counted

    def _static_key(self, name: str) -> str:
        """The static site's key of a name: tags by slug, the rest trimmed, lower case."""
        return slug_for(name) if self.key == "tag" else name.strip().lower()

    def _page_key(self, name: str) -> str:
        """Names with one page: areas and categories written in quotes (``"ai-ml"``,
        ``“geopolitics”``) mean the same value as without them."""
        return column_value_key(name) if self.column else self._static_key(name)

    def build_slug_map(self) -> SlugMap:
        names, counted = self._names()
        groups: dict[str, list] = {}         # static key -> term ids
        for term_id, name in names.items():
            groups.setdefault(self._static_key(name), []).append(term_id)
        result = SlugMap()
        if self.key == "tag":
            static_address = {key: key for key in groups}
        else:
            counted_keys = [key for key, ids in groups.items() if any(i in counted for i in ids)]
            static_address = static_site_slugs(counted_keys)
        pages: dict[str, list[str]] = {}     # page key -> its static keys
        for key in groups:
            pages.setdefault(self._page_key(key), []).append(key)
        taken = set(static_address.values())
        slug_of_page = {}
        for page_key, keys in pages.items():
            own = [static_address[key] for key in keys if key in static_address]
            if len(keys) == 1 and own:
                slug_of_page[page_key] = own[0]
            elif slug_for(page_key) in own:
                slug_of_page[page_key] = slug_for(page_key)
        for page_key in sorted(set(pages) - set(slug_of_page), key=collation_key):
            slug = unique_slug(slug_for(page_key), taken.__contains__)
            taken.add(slug)
            slug_of_page[page_key] = slug
        for page_key, keys in pages.items():
            slug = slug_of_page[page_key]
            ids = [term_id for key in keys for term_id in groups[key]]
            result.ids_of[slug] = ids
            if any(term_id in counted for term_id in ids):
                result.listed.add(slug)
            for term_id in ids:
                result.slug_of[term_id] = slug
            for key in keys:
                old = static_address.get(key)
                if old is not None and old != slug:
                    result.moved[old] = slug
        return result

    # What pages use --------------------------------------------------------------------

    def slug(self, term) -> str:
        """The address slug of ``term``: a ``Term``, a model row, or (areas and
        categories) the column's value."""
        if isinstance(term, Term):
            return term.slug
        if isinstance(term, str):
            return slug_map(self).slug_of.get(term) or slug_for(term)
        return slug_map(self).slug_of.get(term.pk) or slug_for(term.name)

    def episodes_of(self, term, episodes):
        """The episodes of ``episodes`` filed under ``term`` (a page: all its names)."""
        ids = term.ids
        if self.column:
            return episodes.filter(**{f"{self.column}__in": ids})
        if self.model is Speaker:
            return episodes.filter(
                Q(pk__in=Appearance.objects.filter(speaker__in=ids).values("episode_id"))
                | Q(pk__in=Turn.objects.filter(speaker__in=ids).values("episode_id"))
            )
        return episodes.filter(
            pk__in=self.link.objects.filter(tag__in=ids).values("content_object_id")
        )

    def episode_ids(self, term, *, leaving_out=None):
        """The ids of the episodes filed under ``term``, read from its links alone (a
        kind backed by links), without those of ``leaving_out`` (episodes): a speaker's
        each once, another kind's once per link (an episode may carry two of its names)."""
        ids = term.ids
        if self.model is Speaker:
            sources = [Appearance.objects.filter(speaker__in=ids), Turn.objects.filter(speaker__in=ids)]
            if leaving_out is not None:
                sources = [links.exclude(episode__in=leaving_out) for links in sources]
            appearances, turns = (links.values("episode_id").order_by() for links in sources)
            return appearances.union(turns)
        links = self.link.objects.filter(tag__in=ids)
        if leaving_out is not None:
            links = links.exclude(content_object__in=leaving_out)
        return links.values("content_object_id").order_by()

    def count_episodes(self, term, *, leaving_out):
        """How many episodes are filed under ``term``, not counting those of
        ``leaving_out``: read from the links and the episodes left out alone."""
        ids = self.episode_ids(term, leaving_out=leaving_out)
        return (ids if self.model is Speaker else ids.distinct()).count()

    def get_term(self, slug):
        """The page at ``slug`` as a ``Term`` (None when unknown). An address the static
        site gave a name whose page is now elsewhere finds that page: its ``slug``
        then differs from the one asked for."""
        mapping = slug_map(self)
        slug = mapping.moved.get(slug, slug)
        ids = mapping.ids_of.get(slug)
        if not ids:
            return None
        if self.column:
            return Term(name=min(ids, key=collation_key), slug=slug, ids=tuple(ids))
        rows = list(self.model.objects.filter(pk__in=ids).order_by("pk"))
        if not rows:
            return None
        return Term(name=rows[0].name, slug=slug, ids=tuple(row.pk for row in rows), row=rows[0])

    def terms(self, episodes) -> list[Term]:
        """Every page of this kind with ``count`` (its episodes among ``episodes``),
        most first."""
        mapping = slug_map(self)
        if self.column:
            rows = (
                episodes.exclude(**{self.column: ""}).values_list(self.column)
                .annotate(n=Count("pk")).order_by()
            )
            return self.value_terms(dict(rows))
        if self.model is Speaker:
            return speaker_terms(episodes, mapping)
        else:
            links = self.link.objects.filter(content_object__in=episodes).order_by()
            rows = links.values_list("tag_id", "tag__name").annotate(
                n=Count("content_object_id", distinct=True)
            )
            pairs = [(name, pk, count) for pk, name, count in rows]
        return _merge(pairs, mapping, by_value=False)

    def value_terms(self, counts: dict[str, int]) -> list[Term]:
        """Areas or categories: {column value: episodes} -> one Term a page, most first."""
        pairs = [(value, None, count) for value, count in counts.items()]
        return _merge(pairs, slug_map(self), by_value=True)


@dataclass
class Term:
    """One page of a kind: its name, slug and the ids of every name it gathers."""

    name: str
    slug: str
    ids: tuple = ()
    row: object = None
    count: int = 0
    turn_count: int = 0


def _merge(pairs, mapping: SlugMap, *, by_value: bool) -> list[Term]:
    """(name, id, episode count) rows -> one Term per slug, most episodes first.
    Counts of merged names are added (an episode rarely carries two spellings)."""
    pages: dict[str, Term] = {}
    for name, term_id, count in pairs:
        slug = mapping.slug_of.get(name if by_value else term_id)
        if slug is None:
            continue    # an internal tag
        page = pages.get(slug)
        if page is None:
            pages[slug] = Term(name=name, slug=slug, ids=tuple(mapping.ids_of[slug]), count=count)
        else:
            page.count += count
    return sorted(pages.values(), key=lambda term: (-term.count, collation_key(term.name)))


def speaker_terms(episodes, mapping: SlugMap) -> list[Term]:
    """Speakers of ``episodes`` (host, guest, or speaking in turns) with ``count``
    (episodes) and ``turn_count``, most episodes first: four queries. A name only
    turns carry is listed when it reads as a name (``looks_like_a_name``)."""
    appearances = Appearance.objects.filter(episode__in=episodes).order_by()
    spoken = Turn.objects.filter(episode__in=episodes, speaker__isnull=False).order_by()
    pairs = appearances.values_list("speaker_id", "episode_id").union(
        spoken.values_list("speaker_id", "episode_id")
    )
    episodes_of: dict[str, set] = {}
    for speaker_id, episode_id in pairs:
        slug = mapping.slug_of.get(speaker_id)
        if slug is not None:
            episodes_of.setdefault(slug, set()).add(episode_id)
    in_front_matter = set(appearances.values_list("speaker_id", flat=True).distinct())
    turn_counts = dict(
        spoken.values_list("speaker_id").annotate(n=Count("pk")).values_list("speaker_id", "n")
    )
    names = dict(Speaker.objects.filter(
        pk__in=[pk for slug in episodes_of for pk in mapping.ids_of[slug]]
    ).values_list("pk", "name"))
    terms = []
    for slug, episode_ids in episodes_of.items():
        ids = tuple(mapping.ids_of[slug])
        if not in_front_matter.intersection(ids) and not any(
            looks_like_a_name(names.get(pk, "")) for pk in ids
        ):
            continue
        terms.append(Term(
            name=names.get(ids[0], slug), slug=slug, ids=ids, count=len(episode_ids),
            turn_count=sum(turn_counts.get(pk, 0) for pk in ids),
        ))
    return sorted(terms, key=lambda term: (-term.count, collation_key(term.name)))


_maps = threading.local()


def _per_state(name, build):
    """``build()``, computed once per content state (and thread)."""
    state = content_state()
    memo = getattr(_maps, "memo", None)
    if memo is None or memo[0] != state:
        memo = _maps.memo = (state, {})
    if name not in memo[1]:
        memo[1][name] = build()
    return memo[1][name]


def slug_map(kind: Kind) -> SlugMap:
    """``kind``'s addresses in the current content state, built once per state."""
    return _per_state(("slugs", kind.key), kind.build_slug_map)


def listed_terms(kind: Kind, user=None) -> list[Term]:
    """``kind.terms`` of the episodes ``user`` may see listed. What anonymous readers
    see is derived once per content state, like the addresses: a directory of 20,000
    tags is then a slice, not a count over every link."""
    episodes = Episode.objects.public(user)
    if user is not None and user.is_staff:
        return kind.terms(episodes)
    return list(_per_state(("terms", kind.key), lambda: kind.terms(episodes)))


def terms_by_name(kind: Kind, user=None) -> list[Term]:
    """``listed_terms`` in the order of their names, as the directory pages list them;
    for anonymous readers sorted once per content state (8,000 tags take 100 ms)."""
    def by_name(terms):
        return sorted(terms, key=lambda term: collation_key(term.name))
    if user is not None and user.is_staff:
        return by_name(listed_terms(kind, user))
    return list(_per_state(("by name", kind.key), lambda: by_name(listed_terms(kind))))


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
    hidden = internal_tags()
    for key, kind in KINDS.items():
        if kind.link is None:
            continue
        terms = list(
            kind.model.objects.filter(links__content_object=episode)
            .order_by("links__position", "links__pk")
        )
        if key == "tag":
            terms = [term for term in terms if term.name not in hidden]
        found[key] = list(dict.fromkeys(terms))
    return found
