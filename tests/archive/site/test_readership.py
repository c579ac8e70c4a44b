"""Readers' views of episodes are counted per day, without cookies or addresses, and
without a database write per request."""
from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from archive.models import DailyReads
from archive.site import readership
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def tally(monkeypatch):
    fresh = readership.Tally(flush_seconds=3600)
    monkeypatch.setattr(readership, "tally", fresh)
    return fresh


def test_views_are_counted_in_memory_and_written_in_one_batch(
    client, tally, django_assert_max_num_queries,
):
    first, second = make_episode("first.md"), make_episode("second.md")
    client.get("/episodes/first/", HTTP_USER_AGENT=BROWSER)         # fills the cache
    with django_assert_max_num_queries(1):                          # the content state only
        client.get("/episodes/first/", HTTP_USER_AGENT=BROWSER)
    client.get("/episodes/second/?from=search", HTTP_USER_AGENT=BROWSER)
    assert not DailyReads.objects.exists()
    assert tally.pending() == 3
    assert tally.flush() == 3
    today = timezone.localdate()
    assert {
        (row.episode_id, row.day, row.views, row.searches) for row in DailyReads.objects.all()
    } == {(first.pk, today, 2, 0), (second.pk, today, 1, 1)}
    client.get("/episodes/first/", HTTP_USER_AGENT=BROWSER)
    tally.flush()
    assert DailyReads.objects.get(episode=first).views == 3          # added, not replaced


@pytest.mark.parametrize("agent", [
    "", "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0",
    "Mozilla/5.0 (compatible; bingbot/2.0)", "python-requests/2.32",
    "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0",
])
def test_robots_are_not_counted(client, tally, agent):
    make_episode("first.md")
    client.get("/episodes/first/", HTTP_USER_AGENT=agent)
    assert tally.pending() == 0


def test_prefetches_missing_pages_and_staff_are_not_counted(client, tally):
    make_episode("first.md")
    client.get("/episodes/first/", HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    client.get("/episodes/nothing-here/", HTTP_USER_AGENT=BROWSER)
    client.force_login(User.objects.create_user("staff", is_staff=True))
    client.get("/episodes/first/", HTTP_USER_AGENT=BROWSER)
    assert tally.pending() == 0


def test_counting_sets_no_cookie(client, tally):
    make_episode("first.md")
    response = client.get("/episodes/first/", HTTP_USER_AGENT=BROWSER)
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_a_failed_write_keeps_the_counts_for_the_next(monkeypatch, tally):
    episode = make_episode("first.md")
    tally.count("first", from_search=False)

    def refuse(*args):
        raise readership.DatabaseError("down")

    monkeypatch.setattr(readership, "add_reads", refuse)
    assert tally.flush() == 0 and tally.pending() == 1
    monkeypatch.undo()
    assert tally.flush() == 1
    assert DailyReads.objects.get(episode=episode).views == 1


def test_reads_since_sums_the_recent_days():
    episode = make_episode("first.md")
    today = timezone.localdate()
    for age, views in ((0, 5), (6, 3), (7, 100)):
        DailyReads.objects.create(
            episode=episode, day=today - datetime.timedelta(days=age), views=views, searches=1,
        )
    assert readership.reads_since([episode.pk], days=7) == {episode.pk: (8, 2)}
