"""A term's page lists the same episodes in the same order whichever way it finds them
(its episodes first, or the date index walked), counts them from its links, and never
lists an unlisted episode, nor a draft where drafts are staff-only."""
from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Episode
from archive.site import cache as page_cache
from archive.site import term_lists
from archive.site.taxonomy import KINDS
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db

# (kind, address, the fields that file an episode under the term, which may come twice)
TERMS = [
    ("tag", "/tags/ai/", lambda n: {"tags": ["AI", "ai"] if n % 5 == 0 else ["AI"]}),
    ("person", "/people/ada-park/", lambda n: {"people": ["Ada Park"]}),
    ("speaker", "/speakers/ada-park/", lambda n: (
        {"sections": [("一", [("Ada Park", "甲。", None)])]} if n % 3 != 2 else {}
    ) | ({"guest": "Ada Park"} if n % 3 != 1 else {})),
]
SHOWN = 23    # two pages of 20


def make_term_episodes(filing):
    """Episodes of one term, newest first as a page lists them: dates that repeat (their
    order is the slug's), one without a date, and a draft; an unlisted one and another
    term's episodes among them, which no page of the term shows."""
    for number in range(SHOWN):
        date = "" if number == 7 else f"2025-0{1 + number % 4}-1{number % 3}"
        make_episode(f"term-{number:02d}.md", date=date, draft=number == 4, **filing(number))
    make_episode("term-unlisted.md", exclude=True, **filing(0))
    make_episode("term-other.md", tags=["other"], people=["Someone Else"], guest="Someone Else")
    assert Episode.objects.filter(date__isnull=True).count() == 1


def uncached():
    cache.clear()
    page_cache.recent.clear()


def listed_slugs(client, address):
    slugs = []
    for page in (1, 2):
        html = client.get(f"{address}?page={page}" if page > 1 else address).content.decode()
        slugs += re.findall(r'href="/episodes/(term-[^/"]+)/"', html)
        count = int(re.search(r"共 (\d+) 期节目", html)[1])
    return count, slugs


@pytest.mark.parametrize("public_drafts", [True, False], ids=["drafts-public", "drafts-staff-only"])
@pytest.mark.parametrize("kind, address, filing", TERMS, ids=[term[0] for term in TERMS])
def test_a_term_page_is_the_same_whichever_way_its_episodes_are_found(
    client, settings, monkeypatch, public_drafts, kind, address, filing,
):
    settings.ARCHIVE_PUBLIC_DRAFTS = public_drafts
    make_term_episodes(filing)
    expected = [
        episode.slug for episode in Episode.objects.public(None).order_by("-date", "slug")
        if episode.slug.startswith("term-") and episode.slug not in ("term-other", "term-unlisted")
    ]
    assert len(expected) == SHOWN - (not public_drafts)
    pages = {}
    for found_first_at_most in (0, 1000):     # the date index walked; the episodes found first
        monkeypatch.setattr(term_lists, "FOUND_FIRST_AT_MOST", found_first_at_most)
        uncached()
        pages[found_first_at_most] = listed_slugs(client, address)
    assert pages[0] == pages[1000] == (len(expected), expected)


def test_an_episode_under_two_names_of_a_term_is_counted_once(client):
    make_term_episodes(TERMS[0][2])
    assert len(KINDS["tag"].get_term("ai").ids) == 2
    assert listed_slugs(client, "/tags/ai/")[0] == SHOWN


def plan(sql: str, *, disabled=()) -> str:
    """The plan of ``sql``; on PostgreSQL with the ways of ``disabled`` (``seqscan``,
    ``sort``) priced out, to see what a query can do on tables of the archive's size
    that it would not do on a test's few rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(row[-1] for row in cursor.fetchall())
        for way in disabled:
            cursor.execute(f"SET LOCAL enable_{way} = off")
        cursor.execute(f"EXPLAIN {sql}")
        found = "\n".join(row[0] for row in cursor.fetchall())
        for way in disabled:
            cursor.execute(f"RESET enable_{way}")
        return found


def term_page_queries(client, address) -> tuple[str, str]:
    """The SQL of a term page's count and of its page of episodes, the term's address
    known (it is derived once per content state)."""
    client.get(address)
    uncached()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    reading = [query["sql"] for query in captured.captured_queries
               if "pagecacheversion" not in query["sql"]]
    counts = [sql for sql in reading if "COUNT(" in sql and "GROUP BY" not in sql]
    pages = [sql for sql in reading if "ORDER BY" in sql and '"archive_episode"."title"' in sql]
    assert len(counts) == 1 and len(pages) == 1, reading
    return counts[0], pages[0]


@pytest.mark.parametrize("kind, address, filing", TERMS, ids=[term[0] for term in TERMS])
def test_a_term_is_counted_from_its_links_and_the_index_of_unlisted_episodes(
    client, kind, address, filing,
):
    make_term_episodes(filing)
    count, _ = term_page_queries(client, address)
    found = plan(count, disabled=["seqscan"])
    # Every episode row holds its front matter: reading them all, or one per link,
    # costs what a term's links and the few unlisted episodes do not.
    assert "episode_unlisted_idx" in found, (count, found)
    other_reads = re.compile(
        r"Seq Scan on archive_episode|archive_episode_pkey|archive_epi_date|episode_listing_idx"
        r"|(SCAN|SEARCH) archive_episode\b"
    )
    assert not other_reads.search(found), (count, found)


@pytest.mark.parametrize("kind, address, filing", TERMS, ids=[term[0] for term in TERMS])
def test_a_small_terms_episodes_are_found_first_and_a_large_terms_by_the_date_index(
    client, monkeypatch, kind, address, filing,
):
    make_term_episodes(filing)
    date_walk = re.compile(rf"{Episode._meta.indexes[0].name}|episode_listing_idx")
    whole_sort = re.compile(r"^\s*(->\s+)?Sort\s+\(cost", re.MULTILINE)   # not Incremental Sort
    _, page = term_page_queries(client, address)
    # Even where sorting is priced out, no index ordered by date gives a small term's
    # order: walking one until twenty of the term's would read, for a tag the archive
    # stopped giving, every episode since.
    found = plan(page, disabled=["sort"])
    assert not date_walk.search(found), (page, found)
    if connection.vendor == "sqlite":
        # SQLite, without statistics, finds a term's episodes first either way.
        assert "SEARCH archive_episode USING INTEGER PRIMARY KEY" in found, (page, found)
        assert "TEMP B-TREE FOR ORDER BY" in found, (page, found)
        return
    assert whole_sort.search(found), (page, found)
    monkeypatch.setattr(term_lists, "FOUND_FIRST_AT_MOST", SHOWN - 2)
    _, page = term_page_queries(client, address)
    found = plan(page, disabled=["sort"])
    assert date_walk.search(found) and not whole_sort.search(found), (page, found)
