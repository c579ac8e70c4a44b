"""The public site's addresses, the static site's among them."""
from django.urls import path

from . import feeds, sitemaps, views
from .taxonomy import KINDS

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("page/<int:number>/", views.home, name="home-page"),
    path("episodes/", views.episode_index, name="episodes"),
    path("episodes/<str:slug>/", views.episode_detail, name="episode"),
    path("content/notes/<str:name>/", views.static_note_redirect, name="static-note"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search-suggest"),
    path("about/", views.site_page, {"name": "about"}, name="about"),
    path("tool/", views.site_page, {"name": "tool"}, name="tool"),
    path("bookshelf/", views.site_page, {"name": "bookshelf"}, name="bookshelf"),
    path("feeds/rss/", feeds.RssFeed(), name="rss"),
    path("feeds/atom/", feeds.AtomFeed(), name="atom"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
for kind in KINDS.values():
    urlpatterns += [
        path(f"{kind.index_path}/", views.term_index, {"prefix": kind.prefix},
             name=f"{kind.key}-index"),
        path(f"{kind.index_path}/page/<int:number>/", views.term_index,
             {"prefix": kind.prefix}, name=f"{kind.key}-index-page"),
        path(f"{kind.prefix}/<str:slug>/", views.term_detail, {"prefix": kind.prefix},
             name=kind.key),
    ]
