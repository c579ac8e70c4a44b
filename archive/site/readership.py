"""What readers read: page views of each episode per day, and views that came from
a search result, counted without cookies and without storing who asked.

A view is counted in this process's memory (:class:`Tally`) and written to
``DailyReads`` in one statement for many episodes at most every
``ARCHIVE_READS_FLUSH_SECONDS`` (and when a process exits), so a page served from the
cache costs no database write. A process killed between two writes loses the views
it had not written: these are figures for ordering a queue, not accounts.

Not counted: requests whose user agent says it is a robot, prefetches, heads, staff
and anything that is not a 200. A search result links to its episode with
``?from=search`` (``archive.search.query.FROM_SEARCH``); the page cache ignores the parameter, so the
marked address is the same cached page.
"""
from __future__ import annotations

import atexit
import datetime
import functools
import re
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

# Crawlers, link previewers, monitors and scripts say so in their user agent.
ROBOT = re.compile(
    r"bot|crawl|spider|slurp|scrap|fetch|preview|monitor|headless|lighthouse|"
    r"curl|wget|python|httpx|okhttp|java/|go-http|libwww|facebookexternalhit|^$",
    re.IGNORECASE,
)


def is_reader(request) -> bool:
    """Whether ``request`` looks like a person reading (not a robot or a prefetch)."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    return not ROBOT.search(request.headers.get("User-Agent", ""))


class Tally:
    """Views per (slug, day) not yet written, written together now and then."""

    def __init__(self, flush_seconds: float):
        self.flush_seconds = flush_seconds
        self._views: Counter = Counter()
        self._searches: Counter = Counter()
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def count(self, slug: str, *, from_search: bool) -> None:
        key = (slug, timezone.localdate())
        with self._lock:
            self._views[key] += 1
            if from_search:
                self._searches[key] += 1
            due = time.monotonic() - self._last_flush >= self.flush_seconds
        if due:
            self.flush()

    def pending(self) -> int:
        with self._lock:
            return sum(self._views.values())

    def flush(self) -> int:
        """Write the views counted so far (one statement); the number written. On a
        database error they are kept for the next flush."""
        with self._lock:
            views, searches = self._views, self._searches
            self._views, self._searches = Counter(), Counter()
            self._last_flush = time.monotonic()
        if not views:
            return 0
        try:
            add_reads(views, searches)
        except DatabaseError:
            with self._lock:
                self._views.update(views)
                self._searches.update(searches)
            return 0
        return sum(views.values())


def add_reads(views: Counter, searches: Counter) -> None:
    """Add these counts, keyed by (episode slug, day), to ``DailyReads``."""
    from archive.models import DailyReads, Episode

    ids = dict(Episode.objects.filter(slug__in={slug for slug, _ in views}).values_list("slug", "pk"))
    rows = [
        (ids[slug], day.isoformat(), count, searches.get((slug, day), 0))
        for (slug, day), count in views.items() if slug in ids
    ]
    if not rows:
        return
    table = connection.ops.quote_name(DailyReads._meta.db_table)
    # One upsert that adds (SQLite 3.24+ and PostgreSQL both speak it).
    sql = (
        f"INSERT INTO {table} (episode_id, day, views, searches) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (episode_id, day) DO UPDATE SET "
        f"views = {table}.views + excluded.views, searches = {table}.searches + excluded.searches"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


tally = Tally(flush_seconds=settings.ARCHIVE_READS_FLUSH_SECONDS)
atexit.register(tally.flush)


def counted(view):
    """Count each successful view of the episode page ``view`` serves (cached or not)."""

    @functools.wraps(view)
    def wrapper(request, *args, slug, **kwargs):
        response = view(request, *args, slug=slug, **kwargs)
        if response.status_code == 200 and is_reader(request) and not _is_staff(request):
            tally.count(slug, from_search=request.GET.get("from") == "search")
        return response
    return wrapper


def _is_staff(request) -> bool:
    # Without a session cookie the reader is anonymous: no session lookup for them.
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff)


def reads_since(episode_ids, days: int) -> dict[int, tuple[int, int]]:
    """(views, views from search) of each episode over the last ``days`` days."""
    from django.db.models import Sum

    from archive.models import DailyReads

    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = (
        DailyReads.objects.filter(episode_id__in=list(episode_ids), day__gte=since)
        .values("episode_id").annotate(views=Sum("views"), searches=Sum("searches"))
    )
    return {row["episode_id"]: (row["views"], row["searches"]) for row in rows}
