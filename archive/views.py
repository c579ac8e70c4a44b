"""The public, read-only pages. Each starts from ``Episode.objects.public(user)``.

Pages for anonymous readers are cached whole (``archive.cache``); every page runs a
fixed number of queries, whatever the number of turns, episodes or terms on it.
"""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import search as search_module
from .cache import cached_page
from .models import Appearance, Episode, Heading, Turn
from .rendering import plain, render_markdown
from .taxonomy import BY_PREFIX, ENTITY_KINDS, KINDS, episode_entities

EPISODES_PER_PAGE = 20
SERIES_SHOWN = 12
RARE_TERM_COUNT = 1   # on index pages, terms with this many episodes or fewer are folded


def _public(request, *, listed=True):
    return Episode.objects.public(request.user, listed=listed)


# Episode lists ---------------------------------------------------------------------

@require_safe
@cached_page
def episode_index(request, *, home=False):
    """Newest first, filtered by any of the kinds and the year, with counts."""
    episodes = _public(request)
    active = []
    for key, kind in KINDS.items():
        slug = request.GET.get(key)
        if not slug:
            continue
        term = kind.get_term(slug, episodes)
        if term is None:
            raise Http404(f"no {key} {slug}")
        episodes = kind.episodes_of(term, episodes)
        active.append((kind, term))
    year = request.GET.get("year", "")
    if year:
        if not year.isdigit():
            raise Http404("bad year")
        episodes = episodes.filter(date__year=int(year))
    page = Paginator(episodes.only(*LIST_FIELDS), EPISODES_PER_PAGE).get_page(request.GET.get("page"))
    facets = {
        "area": KINDS["area"].terms(episodes)[:30],
        "category": KINDS["category"].terms(episodes)[:30],
        "year": list(
            episodes.exclude(date=None).annotate(year=ExtractYear("date"))
            .values("year").annotate(count=Count("pk")).order_by("-year")
        ),
    }
    return render(request, "archive/episode_index.html", {
        "page": page, "facets": facets, "active": active, "year": year, "home": home,
        "query_string": _without_page(request),
    })


LIST_FIELDS = ("slug", "title", "date", "summary", "draft", "area", "category", "speaker", "guest")


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# One episode -----------------------------------------------------------------------

@require_safe
@cached_page
def episode_detail(request, slug):
    episode = get_object_or_404(_public(request, listed=False), slug=slug)
    headings = list(episode.headings.all())
    turns = list(
        episode.turns.exclude(kind=Turn.Kind.COMMENT).select_related("speaker")
    )
    body = sorted(headings + turns, key=lambda row: row.position)
    items = []
    for row in body:
        if isinstance(row, Heading):
            items.append({"heading": row, "title": plain(row.title)})
        elif row.kind == Turn.Kind.RAW:
            items.append({"raw": row, "html": render_markdown(row.verbatim)})
        else:
            items.append({
                "turn": row,
                "zh": render_markdown(row.translation),
                "en": render_markdown(row.english) if row.english else None,
            })
    appearances = list(
        Appearance.objects.filter(episode=episode).select_related("speaker").order_by("role", "pk")
    )
    series = []
    if episode.series:
        series = list(
            _public(request).filter(series=episode.series).exclude(pk=episode.pk)
            .only(*LIST_FIELDS)[:SERIES_SHOWN]
        )
    entities = episode_entities(episode)
    response = render(request, "archive/episode_detail.html", {
        "episode": episode,
        "items": items,
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
    return redirect("archive:episode", slug=episode.slug, permanent=True)


# Speakers, tags, areas, categories, projects, entities -----------------------------

@require_safe
@cached_page
def term_detail(request, prefix, slug):
    kind = BY_PREFIX[prefix]
    episodes = _public(request)
    term = kind.get_term(slug, episodes)
    if term is None:
        raise Http404(f"no {kind.key} {slug}")
    listed = kind.episodes_of(term, episodes).only(*LIST_FIELDS).order_by("-date", "slug")
    if kind.key == "speaker":
        listed = listed.annotate(turn_count=Count("turns", filter=Q(turns__speaker=term)))
    page = Paginator(listed, EPISODES_PER_PAGE).get_page(request.GET.get("page"))
    if not page.paginator.count:
        raise Http404(f"{kind.key} {slug} has no public episode")
    return render(request, "archive/term_detail.html", {
        "kind": kind, "term": term, "page": page,
        "filter_url": f"{reverse('archive:episodes')}?{kind.key}={term.slug}",
    })


@require_safe
@cached_page
def term_index(request, prefix):
    kind = BY_PREFIX[prefix]
    terms = list(kind.terms(_public(request)))
    common = [term for term in terms if term.count > RARE_TERM_COUNT]
    rare = [term for term in terms if term.count <= RARE_TERM_COUNT]
    if len(common) < 10:
        common, rare = terms, []
    return render(request, "archive/term_index.html", {
        "kind": kind, "terms": common, "rare": rare, "total": len(terms),
    })


# Search ----------------------------------------------------------------------------

@require_safe
@cached_page
def search(request):
    query = request.GET.get("q", "").strip()
    page = None
    if search_module.normalise_query(query):
        page = search_module.search(query, _public(request), request.GET.get("page"))
    return render(request, "archive/search.html", {
        "query": query, "page": page, "query_string": _without_page(request),
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
