"""``sitemap.xml``: an index of sections (pages, episodes, one per kind of term), each
section a plain list of addresses cut into pages of at most ``LIMIT`` (``?p=2`` …),
every page named in the index.

The protocol allows 50,000 addresses a file; a page holds far fewer so that each is
quick to build uncached, whatever the archive's size: 2,000, as WordPress's own
sitemaps do. An episode's page is fixed by its id, as Shopify's sitemaps cut
products by id: page p holds the listed episodes whose ids are in
``((p - 1) * LIMIT, p * LIMIT]``, read by a range of the primary key, so a page costs
the same whichever it is (an offset would read every row before it) and stays as it
was when other episodes come or go. A range without a listed episode is not in the
index and answers 404, as a page past the last does; the index finds the others
with a probe of the primary key each. A section's address without ``?p=`` is its
first page in the index (for episodes, the range of the first listed one).

Lists only what the anonymous reader's ``Episode.objects.public()`` lists: never an
unlisted episode, drafts only while they are public, no internal tag. The XML is
written directly, not through a template: a section of 20,000 tags takes milliseconds.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from django.http import Http404, HttpResponse
from django.urls import reverse

from archive.models import Episode

from . import params
from .cache import cached_page
from .taxonomy import KINDS, Kind, slug_map

LIMIT = 2_000
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'

Address = tuple[str, datetime | None]      # a path and when it last changed, if known


@dataclass(frozen=True)
class Section:
    pages: Callable[[], list[int]]                  # the numbers of its pages, one at least
    addresses: Callable[[int], list[Address]]       # those on one page
    first: Callable[[], int] = lambda: 1            # the page its address without ?p= shows


def _prefix(url_name: str) -> str:
    # reverse() costs tens of microseconds: once a section, not once an address.
    return reverse(url_name, args=["x"])[:-2]


def _numbered(count: int) -> list[int]:
    """The pages of a list of ``count``: one at least (an empty list's page is empty)."""
    return list(range(1, max(1, -(-count // LIMIT)) + 1))


def _page_paths() -> list[str]:
    names = ["archive:home", "archive:episodes", "archive:about"]
    names += [f"archive:{kind.key}-index" for kind in KINDS.values()]
    return [reverse(name) for name in names]


def _pages_on(number: int) -> list[Address]:
    return [(path, None) for path in _page_paths()[(number - 1) * LIMIT:number * LIMIT]]


def _first_listed_page(after: int = 0) -> int | None:
    """The page of the first listed episode past page ``after``: a probe of the
    primary key."""
    listed = Episode.objects.public(None).order_by("pk").values_list("pk", flat=True)
    first = listed.filter(pk__gt=after * LIMIT).first()
    return None if first is None else (first - 1) // LIMIT + 1


def _episode_pages() -> list[int]:
    """The pages that hold a listed episode, found by skipping: one probe a page, so
    the index reads a few rows a page, not every episode (PostgreSQL has no index of
    the listing columns that holds the ids)."""
    pages: list[int] = []
    while (page := _first_listed_page(pages[-1] if pages else 0)) is not None:
        pages.append(page)
    return pages or [1]


def _episodes_on(number: int) -> list[Address]:
    prefix = _prefix("archive:episode")
    rows = (Episode.objects.public(None).filter(pk__range=((number - 1) * LIMIT + 1, number * LIMIT))
            .order_by("pk").values_list("slug", "updated_at"))
    return [(f"{prefix}{slug}/", updated) for slug, updated in rows]


def _terms(kind: Kind) -> Section:
    def addresses(number: int) -> list[Address]:
        prefix = _prefix(f"archive:{kind.key}")
        slugs = sorted(slug_map(kind).listed)[(number - 1) * LIMIT:number * LIMIT]
        return [(f"{prefix}{slug}/", None) for slug in slugs]
    return Section(lambda: _numbered(len(slug_map(kind).listed)), addresses)


SECTIONS = {
    "pages": Section(lambda: _numbered(len(_page_paths())), _pages_on),
    "episodes": Section(_episode_pages, _episodes_on, lambda: _first_listed_page() or 1),
    **{kind.prefix: _terms(kind) for kind in KINDS.values()},
}


def _xml(body: list[str]) -> HttpResponse:
    return HttpResponse("".join(body), content_type="application/xml; charset=utf-8")


@cached_page
def sitemap(request):
    """The index: one entry per page of each section."""
    base = request.build_absolute_uri("/")[:-1]
    body = [_HEAD, f"<sitemapindex {_NS}>\n"]
    for name, section in SECTIONS.items():
        location = escape(base + reverse("archive:sitemap-section", args=[name]))
        body.append(f"<sitemap><loc>{location}</loc></sitemap>\n")          # its first page
        body += [f"<sitemap><loc>{location}?p={number}</loc></sitemap>\n"
                 for number in section.pages()[1:]]
    body.append("</sitemapindex>\n")
    return _xml(body)


def _sitemap_page(value: str) -> str:
    """``p`` as the key holds it: a page number as digits alone; what is no page
    number stays as given, for the view to refuse."""
    try:
        return str(params.number(value, name="p"))
    except params.BadNumber:
        return value


@cached_page(params={"p": _sitemap_page})
def section(request, section):
    """One page of a section: without ``?p=``, its first (an empty section's is an
    empty list); a page without an address, or what is no page number, is not found."""
    chosen = SECTIONS.get(section)
    if chosen is None:
        raise Http404("no such sitemap")
    given = request.page_params.get("p")
    try:
        number = chosen.first() if given is None else params.number(given, name="p")
    except params.BadNumber:
        raise Http404("no such sitemap page") from None
    rows = chosen.addresses(number)
    if not rows and given is not None:
        raise Http404("no such sitemap page")
    base = request.build_absolute_uri("/")[:-1]
    body = [_HEAD, f"<urlset {_NS}>\n"]
    for path, updated in rows:
        lastmod = f"<lastmod>{updated.date().isoformat()}</lastmod>" if updated else ""
        body.append(f"<url><loc>{escape(base + path)}</loc>{lastmod}</url>\n")
    body.append("</urlset>\n")
    return _xml(body)
