"""What keeps the public pages quick at ten times the archive: the lists count and
group their episodes from an index, never the rows, and what a directory page derives
from every term is derived once per content state."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.content import slugs
from archive.site import taxonomy, views
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row[-1] for row in cursor.fetchall())


@pytest.mark.parametrize("url", ["/", "/page/2/", "/episodes/", "/episodes/?year=2026"])
def test_the_lists_count_and_group_their_episodes_from_an_index(client, url):
    if connection.vendor != "sqlite":
        # PostgreSQL reads the index alone only once the table is vacuumed, which a
        # test's transaction never is; bench/pages.py measures it on the real archive.
        pytest.skip("SQLite's plan is deterministic; PostgreSQL's depends on vacuum")
    for number in range(35):
        make_episode(date=f"{2025 + number % 2}-0{1 + number % 9}-01",
                     area=("tech-engineering", "geopolitics")[number % 2])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    counting = [query["sql"] for query in captured.captured_queries
                if "COUNT(" in query["sql"] and '"archive_episode"' in query["sql"]]
    assert counting
    for sql in counting:
        found = plan(sql)
        # A temporary B-tree would be a sort of every episode listed, each request.
        assert "COVERING INDEX" in found and "TEMP B-TREE" not in found, (sql, found)


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-episodes.xml"])
def test_the_sitemap_reads_its_episodes_from_an_index_or_a_range_of_ids(client, url):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan is deterministic; PostgreSQL's depends on vacuum")
    for _ in range(12):
        make_episode()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    reading = [query["sql"] for query in captured.captured_queries
               if '"archive_episode"' in query["sql"]]
    assert reading
    for sql in reading:
        found = plan(sql)
        scans = [line for line in found.splitlines() if line.startswith("SCAN archive_episode")]
        # A scan of the rows (each holding every front-matter line), or a sort of them,
        # would grow with the archive; a B-tree of distinct page numbers does not.
        assert all("COVERING INDEX" in line for line in scans), (sql, found)
        assert "FOR ORDER BY" not in found, (sql, found)


def test_the_episode_index_counts_areas_categories_and_years(client):
    make_episode(date="2025-03-01", area="geopolitics", category="ai-ml")
    make_episode(date="2025-11-30", area="geopolitics", category="economy")
    make_episode(date="2026-01-01", area="tech-engineering", category="ai-ml")
    facets = client.get("/episodes/").context["facets"]
    assert [(year["year"], year["count"]) for year in facets["year"]] == [(2026, 1), (2025, 2)]
    assert sorted((term.name, term.count) for term in facets["area"]) == [
        ("geopolitics", 2), ("tech-engineering", 1)]
    assert sorted((term.name, term.count) for term in facets["category"]) == [
        ("ai-ml", 2), ("economy", 1)]


def test_a_directory_page_orders_its_names_once_per_content_state(client, monkeypatch):
    for number in range(12):
        make_episode(tags=[f"话题 {number}", "共同"] if number < 6 else ["共同"])
    first = client.get("/all-tags/?q=话题").content.decode()
    keys = []

    def counted(name):
        keys.append(name)
        return slugs.collation_key(name)
    for module in (views, taxonomy):
        monkeypatch.setattr(module, "collation_key", counted, raising=False)
    from django.core.cache import cache
    from archive.site import cache as page_cache
    cache.clear()
    page_cache.recent.clear()
    again = client.get("/all-tags/?q=话题").content.decode()
    assert again == first
    assert keys == []
    assert [f"话题 {number}" in first for number in range(6)] == [True] * 6
    assert first.index("话题 1<") < first.index("话题 2<")
