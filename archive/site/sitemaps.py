"""``sitemap.xml``: an index of sections (pages, episodes, one per kind of term), each
section a plain list of addresses, at most 50,000 a file (``?p=2`` past that).

Lists only what the anonymous reader's ``Episode.objects.public()`` lists: never an
unlisted episode, drafts only while they are public, no internal tag. The XML is
written directly, not through a template: a section of 20,000 tags takes milliseconds.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from django.http import Http404, HttpResponse
from django.urls import reverse

from archive.models import Episode

from . import params
from .cache import cached_page
from .taxonomy import KINDS, slug_map

LIMIT = 50_000
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _prefix(url_name: str) -> str:
    # reverse() costs tens of microseconds: once a section, not once an address.
    return reverse(url_name, args=["x"])[:-2]


def _pages():
    names = ["archive:home", "archive:episodes", "archive:about"]
    names += [f"archive:{kind.key}-index" for kind in KINDS.values()]
    return [(reverse(name), None) for name in names]


def _episodes():
    prefix = _prefix("archive:episode")
    rows = Episode.objects.public(None).order_by("pk").values_list("slug", "updated_at")
    return [(f"{prefix}{slug}/", updated) for slug, updated in rows]


def _terms(kind):
    def addresses():
        prefix = _prefix(f"archive:{kind.key}")
        return [(f"{prefix}{slug}/", None) for slug in sorted(slug_map(kind).listed)]
    return addresses


SECTIONS = {"pages": _pages, "episodes": _episodes}
SECTIONS.update({kind.prefix: _terms(kind) for kind in KINDS.values()})
COUNTS = {
    "pages": lambda: len(_pages()),
    "episodes": lambda: Episode.objects.public(None).count(),
    **{kind.prefix: (lambda kind=kind: len(slug_map(kind).listed)) for kind in KINDS.values()},
}


def _xml(body: list[str]) -> HttpResponse:
    return HttpResponse("".join(body), content_type="application/xml; charset=utf-8")


@cached_page
def sitemap(request):
    """The index: one entry per section and page of a section."""
    base = request.build_absolute_uri("/")[:-1]
    body = [_HEAD, f"<sitemapindex {_NS}>\n"]
    for name in SECTIONS:
        count = COUNTS[name]()
        for number in range(1, max(1, -(-count // LIMIT)) + 1):
            location = base + reverse("archive:sitemap-section", args=[name])
            if number > 1:
                location += f"?p={number}"
            body.append(f"<sitemap><loc>{escape(location)}</loc></sitemap>\n")
    body.append("</sitemapindex>\n")
    return _xml(body)


def _sitemap_page(value: str) -> str | None:
    """``p`` as the key holds it: none for the first page; what is no page number
    stays as given, for the view to refuse."""
    try:
        page = params.number(value, name="p", high=10_000)
    except params.BadNumber:
        return value
    return str(page) if page > 1 else None


@cached_page(params={"p": _sitemap_page})
def section(request, section):
    addresses = SECTIONS.get(section)
    if addresses is None:
        raise Http404("no such sitemap")
    try:
        number = params.number(request.page_params.get("p", "1"), name="p", high=10_000)
    except params.BadNumber:
        raise Http404("no such sitemap page") from None
    rows = addresses()[(number - 1) * LIMIT:number * LIMIT]
    if not rows and number != 1:
        raise Http404("no such sitemap page")
    base = request.build_absolute_uri("/")[:-1]
    body = [_HEAD, f"<urlset {_NS}>\n"]
    for path, updated in rows:
        lastmod = f"<lastmod>{updated.date().isoformat()}</lastmod>" if updated else ""
        body.append(f"<url><loc>{escape(base + path)}</loc>{lastmod}</url>\n")
    body.append("</urlset>\n")
    return _xml(body)
