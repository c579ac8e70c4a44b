"""Every page runs a number of queries that does not grow with what it shows."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.site import cache as page_cache
from tests.archive.public import fresh_page_cache, reindex  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db

def big_sections(sections, turns):
    return [
        (f"第{s}节", [
            (f"Speaker {chr(65 + t % 3)}" if t % 4 else f"Person {t % 7}",
             f"第{s}节第{t}段，说到芯片。", f"Section {s} turn {t}, about chips.")
            for t in range(turns)
        ])
        for s in range(sections)
    ]


def names(prefix, count):
    return [f"{prefix} {number}" for number in range(count)]


def episode_of_size(path, size, series="大系列"):
    return make_episode(
        path, series=series, sections=big_sections(size, size * 2),
        tags=names("tag", size), people=names("person", size), companies=names("org", size),
        products=names("product", size), media=names("book", size), projects=names("project", size),
        guest=", ".join(names("guest", size)),
    )


def count_queries(client, url):
    """Queries of one request in a steady content state, leaving out the page cache's
    content state; the cache is cleared first, so the page is really built. (The
    first page after a change also builds the addresses of terms, once a state.)"""
    from django.core.cache import cache
    client.get(url)
    cache.clear()
    page_cache.recent.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len([q for q in captured.captured_queries if "pagecacheversion" not in q["sql"]])


def test_building_term_addresses_is_a_fixed_number_of_queries(client):
    from archive.site.taxonomy import KINDS
    small = episode_of_size("small.md", 2)
    before = {key: _build_queries(kind) for key, kind in KINDS.items()}
    episode_of_size("large.md", 24)
    assert {key: _build_queries(kind) for key, kind in KINDS.items()} == before
    assert small


def _build_queries(kind):
    with CaptureQueriesContext(connection) as captured:
        kind.build_slug_map()
    return len(captured.captured_queries)


# Page -> the most queries it may run. The sitemap asks each kind of term for its
# terms; its count is as flat as the others'.
PAGES = {
    "/episodes/{slug}/": 12, "/": 8, "/episodes/": 8, "/episodes/?tag=tag-1&year=2026": 10,
    "/tags/tag-1/": 6, "/people/person-1/": 6, "/speakers/guest-1/": 6,
    "/speakers/person-0/": 6, "/all-tags/": 4, "/people/": 4, "/all-speakers/": 6,
    "/all-areas/": 4, "/search/?q=芯片": 10, "/search/?q=芯": 10, "/search/?q=chips": 10,
    "/search/?q=tag 1": 10, "/search/?q=person": 10, "/feeds/rss/": 4, "/sitemap.xml": 24,
}


def test_query_counts_do_not_grow_with_turns_episodes_or_terms(client, reindex):
    small = episode_of_size("small.md", 2)
    make_episode("sibling.md", series="大系列")
    reindex()
    before = {page: count_queries(client, page.format(slug=small.slug)) for page in PAGES}
    large = episode_of_size("large.md", 24)           # 1,152 turns, 24 of each kind of term
    for number in range(30):
        make_episode(f"series-{number}.md", series="大系列", tags=["tag 1"], people=["person 1"])
    reindex()
    after = {page: count_queries(client, page.format(slug=large.slug)) for page in PAGES}
    assert large.turns.count() > 1000
    assert after == before
    for page, most in PAGES.items():
        assert after[page] <= most, page


def test_a_large_episode_page_stays_within_its_queries(client, reindex, django_assert_max_num_queries):
    large = episode_of_size("large.md", 24)
    client.get(f"/episodes/{large.slug}/")      # builds this content state's term addresses
    from django.core.cache import cache
    cache.clear()
    page_cache.recent.clear()
    with django_assert_max_num_queries(PAGES["/episodes/{slug}/"] + 1):
        assert client.get(f"/episodes/{large.slug}/").status_code == 200
