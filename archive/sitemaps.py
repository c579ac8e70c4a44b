"""``sitemap.xml``: one file while every address fits, else an index of sections.

Lists only what the anonymous reader's ``Episode.objects.public()`` lists: never an
unlisted episode, drafts only while they are public.
"""
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse

from .cache import cached_page
from .models import Episode
from .taxonomy import KINDS


class EpisodeSitemap(Sitemap):
    # One file holds at most Sitemap.limit (50,000) addresses; past that, an index.
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Episode.objects.public(None).only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("archive:episode", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class TermSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def __init__(self, kind):
        self.kind = kind
        self._terms = None

    def items(self):
        # Asked once for the count and again for the page: compute once.
        if self._terms is None:
            self._terms = list(self.kind.terms(Episode.objects.public(None)))
        return self._terms

    def location(self, item):
        return reverse(f"archive:{self.kind.key}", args=[item.slug])


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["archive:home", "archive:episodes"] + [
            f"archive:{kind.key}-index" for kind in KINDS.values()
        ]

    def location(self, item):
        return reverse(item)


def sections() -> dict[str, Sitemap]:
    found = {"pages": PageSitemap(), "episodes": EpisodeSitemap()}
    found.update({kind.prefix: TermSitemap(kind) for kind in KINDS.values()})
    return found


@cached_page
def sitemap(request):
    """The whole sitemap, or an index of sections when it outgrows one file."""
    all_sections = sections()
    paginators = [section.paginator for section in all_sections.values()]
    if sum(paginator.count for paginator in paginators) <= Sitemap.limit:
        return sitemap_views.sitemap(
            request, all_sections, template_name="archive/sitemap.xml"
        )
    return sitemap_views.index(
        request, all_sections, template_name="archive/sitemap_index.xml",
        sitemap_url_name="archive:sitemap-section",
    )


@cached_page
def section(request, section):
    return sitemap_views.sitemap(
        request, sections(), section=section, template_name="archive/sitemap.xml"
    )
