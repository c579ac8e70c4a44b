"""The public, read-only pages. Each starts from ``Episode.objects.public(user)``.

Pages for anonymous readers are cached whole (``archive.site.cache``), under a key holding
only the query parameters the view reads; every page runs a fixed number of queries,
whatever the number of turns, episodes or terms on it. A query value the page cannot
mean (``year=0``, a page past the last) answers 404, never 500.
"""
from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.content.store import original_summary
from archive.models import Appearance, Episode, Heading, ProjectLink, Turn
from archive.text import plain

from .cache import as_given, cached_page, settle
from .params import BadNumber, later_page, number
from .readership import counted
from .search_views import search, suggest as search_suggest  # noqa: F401  (routed in urls)
from .rendering import original_language, render_markdown
from .taxonomy import BY_PREFIX, ENTITY_KINDS, KINDS, episode_entities, terms_by_name
from .term_lists import TermEpisodes
from .transcript_html import transcript_html

HOME_PER_PAGE = 30       # the static site's home and /page/<n>/
EPISODES_PER_PAGE = 20
TERMS_PER_PAGE = 50      # the static site's /all-tags/page/<n>/
TAG_DIRECTORY_MIN = 5    # the static site lists (and pages) tags of 5 episodes or more
SERIES_SHOWN = 12
LIST_FIELDS = (
    "slug", "title", "date", "summary", "insight", "draft", "area", "category", "speaker",
    "guest",
)


def _public(request, *, listed=True):
    return Episode.objects.public(request.user, listed=listed)


def _page(paginator, number, *, strict):
    """Page ``number`` of ``paginator``; a number that is none of its pages is the
    first page, or 404 when ``strict`` (an address of its own)."""
    try:
        return paginator.page(number)
    except (InvalidPage, ValueError, TypeError):
        if strict:
            raise Http404("no such page") from None
        return paginator.page(1)


def _listed_page(request, paginator):
    """The page of a list that ``?page=`` asks for (``request.page_params``), the
    first when it is none of the list's pages, settled as the page shown."""
    page = _page(paginator, int(request.page_params.get("page", 1)), strict=False)
    settle(request, "page", page.number if page.number > 1 else None)
    return page


def with_badges(episodes) -> list:
    """``episodes`` as a list, each with ``projects`` (its project tags): one query."""
    episodes = list(episodes)
    projects: dict[int, list] = {}
    links = (
        ProjectLink.objects.filter(content_object__in=[e.pk for e in episodes])
        .select_related("tag").order_by("position", "pk")
    )
    for link in links:
        projects.setdefault(link.content_object_id, []).append(link.tag)
    for episode in episodes:
        episode.projects = projects.get(episode.pk, [])
    return episodes


# Episode lists ---------------------------------------------------------------------

@require_safe
@cached_page
def home(request, number=1):
    """The newest episodes, 30 a page, at the static site's ``/`` and ``/page/<n>/``."""
    if number == 1 and request.path != reverse("archive:home"):
        return redirect("archive:home", permanent=True)
    episodes = _public(request).only(*LIST_FIELDS)
    page = _page(Paginator(episodes, HOME_PER_PAGE), number, strict=True)
    page.object_list = with_badges(page.object_list)
    return render(request, "archive/home.html", {"page": page})


def _year(value: str) -> str:
    """A year as the key holds it (``0002`` is ``2``); what is none stays as given,
    for the view to refuse."""
    try:
        return str(number(value, name="year", high=9999))
    except BadNumber:
        return value


FILTERS = {**{key: as_given for key in KINDS}, "year": _year, "page": later_page}


@require_safe
@cached_page(params=FILTERS)
def episode_index(request):
    """Every episode, newest first, filtered by any of the kinds and the year."""
    params = request.page_params
    episodes = _public(request)
    active = []
    for key, kind in KINDS.items():
        slug = params.get(key)
        if not slug:
            continue
        term = kind.get_term(slug)
        if term is None:
            raise Http404(f"no {key} {slug}")
        episodes = kind.episodes_of(term, episodes)
        if not episodes.exists():
            raise Http404(f"{key} {slug} has no public episode")
        active.append((kind, term))
    year = params.get("year", "")
    if year:
        try:
            episodes = episodes.filter(date__year=number(year, name="year", high=9999))
        except BadNumber:
            raise Http404("no such year") from None
    paginator = Paginator(episodes.only(*LIST_FIELDS), EPISODES_PER_PAGE)
    page = _listed_page(request, paginator)
    page.object_list = with_badges(page.object_list)
    facets = _facets(episodes)
    return render(request, "archive/episode_index.html", {
        "page": page, "facets": facets, "active": active, "year": year,
        "query_string": _filters_without_page(params),
    })


def _facets(episodes) -> dict:
    """The areas, categories and years of ``episodes`` with their counts: one GROUP BY
    over the episodes (one per facet would read their rows three times), by date, area
    and category, the order of the index that holds them, so the database reads that
    index in its order and sorts nothing; the dates are summed into years here."""
    rows = (
        episodes.order_by().values_list("date", "area", "category").annotate(n=Count("*"))
    )
    areas, categories, years = Counter(), Counter(), Counter()
    for date, area, category, count in rows:
        areas[area] += count
        categories[category] += count
        years[date.year if date else None] += count
    for counts in (areas, categories, years):
        counts.pop("", None)
        counts.pop(None, None)
    return {
        "area": KINDS["area"].value_terms(areas)[:30],
        "category": KINDS["category"].value_terms(categories)[:30],
        "year": [{"year": y, "count": n} for y, n in sorted(years.items(), reverse=True)],
    }


def _filters_without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


# One episode -----------------------------------------------------------------------

@require_safe
@counted
@cached_page
def episode_detail(request, slug):
    return episode_page(request, get_object_or_404(_public(request, listed=False), slug=slug))


def episode_page(request, episode: Episode):
    """The page of ``episode`` as its rows say now (readers' own; the admin's preview
    shows held changes by writing them in a transaction it rolls back)."""
    headings = list(episode.headings.all())
    turns = list(
        episode.turns.exclude(kind=Turn.Kind.COMMENT).select_related("speaker", "style")
    )
    body = sorted(headings + turns, key=lambda row: row.position)
    items = []
    for row in body:
        if isinstance(row, Heading):
            items.append({"heading": row, "title": plain(row.title)})
        elif row.kind == Turn.Kind.RAW:
            items.append({"raw": row, "html": render_markdown(row.verbatim)})
        else:
            item = {"turn": row, "zh": render_markdown(row.translation), "en": None}
            if row.english:
                item["en"] = render_markdown(row.english)
                item["lang"], item["label"] = original_language(original_summary(row), row.english)
            items.append(item)
    appearances = list(
        Appearance.objects.filter(episode=episode).select_related("speaker").order_by("role", "pk")
    )
    series = []
    if episode.series:
        series = with_badges(
            _public(request).filter(series=episode.series).exclude(pk=episode.pk)
            .only(*LIST_FIELDS)[:SERIES_SHOWN]
        )
    entities = episode_entities(episode)
    response = render(request, "archive/episode_detail.html", {
        "episode": episode,
        "transcript": transcript_html(items),
        "toc": [item for item in items if "heading" in item],
        "hosts": [a.speaker for a in appearances if a.role == Appearance.Role.HOST],
        "guests": [a.speaker for a in appearances if a.role == Appearance.Role.GUEST],
        "tags": entities.pop("tag"),
        "projects": entities.pop("project"),
        "entities": [(KINDS[key], entities[key]) for key in ENTITY_KINDS if entities[key]],
        "series": series,
        "staff_only": episode.draft and not settings.ARCHIVE_PUBLIC_DRAFTS,
        "noindex": episode.exclude or (episode.draft and not settings.ARCHIVE_PUBLIC_DRAFTS),
        "description": (plain(episode.summary) or plain(episode.title))[:200],
    })
    if episode.exclude:
        response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def static_note_redirect(request, name):
    """``/content/notes/<file name>/`` (the static site's address) -> the episode."""
    file_name = f"{name}.md"
    candidates = _public(request, listed=False).filter(
        Q(source_path=file_name) | Q(source_path__endswith=f"/{file_name}")
    ).only("slug", "source_path")
    # The database may compare case-insensitively; file names are case-sensitive.
    episode = next(
        (e for e in candidates if e.source_path.rsplit("/", 1)[-1] == file_name), None
    )
    if episode is None:
        raise Http404("no such note")
    return redirect(episode.get_absolute_url(), permanent=True)


# Speakers, tags, areas, categories, projects, entities -----------------------------

@require_safe
@cached_page(params={"page": later_page})
def term_detail(request, prefix, slug):
    kind = BY_PREFIX[prefix]
    term = kind.get_term(slug)
    if term is None:
        raise Http404(f"no {kind.key} {slug}")
    if term.slug != slug:
        return redirect(f"archive:{kind.key}", slug=term.slug, permanent=True)
    listed = TermEpisodes(kind, term, request.user, fields=LIST_FIELDS)
    page = _listed_page(request, Paginator(listed, EPISODES_PER_PAGE))
    if not page.paginator.count:
        raise Http404(f"{kind.key} {slug} has no public episode")
    page.object_list = with_badges(page.object_list)
    if kind.key == "speaker":
        # Turns counted for this page's episodes only, not for every episode listed.
        counts = dict(
            Turn.objects.filter(episode__in=page.object_list, speaker__in=term.ids)
            .values_list("episode").annotate(n=Count("pk")).values_list("episode", "n")
        )
        for episode in page.object_list:
            episode.turn_count = counts.get(episode.pk, 0)
    return render(request, "archive/term_detail.html", {
        "kind": kind, "term": term, "page": page,
        "filter_url": f"{reverse('archive:episodes')}?{kind.key}={term.slug}",
    })


def _name_filter(value: str) -> str | None:
    return value.strip()[:100] or None


@require_safe
@cached_page(params={"q": _name_filter})
def term_index(request, prefix, number=1):
    """All terms of a kind by name, 50 a page at ``/all-<kind>/page/<n>/`` (the static
    site's), with a filter by name (``?q=``) over all of them."""
    kind = BY_PREFIX[prefix]
    if number == 1 and "/page/" in request.path:
        return redirect(f"archive:{kind.key}-index", permanent=True)
    terms = terms_by_name(kind, request.user)
    query = request.page_params.get("q", "")
    if query:
        folded = query.casefold()
        terms = [term for term in terms if folded in term.name.casefold()]
    else:
        if kind.key == "tag":
            terms = [term for term in terms if term.count >= TAG_DIRECTORY_MIN]
    page = _page(Paginator(terms, TERMS_PER_PAGE), number, strict=True)
    return render(request, "archive/term_index.html", {
        "kind": kind, "page": page, "query": query,
        "rare_hidden": kind.key == "tag" and not query,
        "threshold": TAG_DIRECTORY_MIN,
    })


# Pages that are not episodes ---------------------------------------------------------

@require_safe
@cached_page
def site_page(request, name):
    """``/about/``, ``/tool/``, ``/bookshelf/``: the flat page at that address, edited in
    the admin, else the built-in text of the static site's page."""
    flatpage = FlatPage.objects.filter(
        url=request.path, sites=settings.SITE_ID, registration_required=False
    ).first()
    return render(request, "archive/site_page.html", {
        "flatpage": flatpage, "default": f"archive/pages/{name}.html",
    })


# Site files ------------------------------------------------------------------------

@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("archive:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def healthz(request):
    """A view that touches nothing: the floor the bench compares pages with."""
    return HttpResponse("ok", content_type="text/plain")
