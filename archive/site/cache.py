"""The public pages' cache: whole responses for anonymous readers, keyed by content state.

A page is stored under a key made of

- the *content state*: the latest ``updated_at`` of the episodes (an indexed MAX, one
  lookup) with the explicit version in ``PageCacheVersion``. Whatever writes episodes
  (an import killed halfway, another worker, a bulk path that sends no signal) moves
  that MAX as it commits, since every write stamps ``updated_at``; deletions, and rows
  that are not episodes (a turn saved alone, a renamed speaker, a flat page), raise
  the version once their transaction commits (the one listener of
  ``episodes_changed``). So no page of an older state can be served;
- the host (canonical and feed links are absolute);
- the path and the query parameters the view reads (``cached_page(params=…)``),
  each as the view uses it: the last value given, normalised (a page number that is
  none is the first page, a search without what the 8-term limit drops), in a fixed
  order; ``?nc=1`` or a reordered query string finds the same entry. The view reads
  its parameters from ``request.page_params`` alone, so a page (and every link on
  it) is what its key holds; a view that clamps a value (a page past the last)
  says so with ``settle``, and the page is stored under the key of what it shows. So no
  request can make new entries beyond the pages that exist.

Pages are kept in the configured cache (Redis when ``REDIS_URL`` is set) and, for the
most read ones, in this process too (``_Recent``): the key holds the content state, so
a copy in memory can never be out of date, and a hit costs no round trip.

Staff never get or fill a cached page: they see drafts and unlisted episodes with
banners that readers must never be served.
"""
from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control

from archive import models
from archive.signals import AfterCommit, episodes_changed

PAGE_TIMEOUT = 24 * 60 * 60
BROWSER_MAX_AGE = 60
KEPT_HEADERS = ("X-Robots-Tag", "Content-Language", "Link")

_request = threading.local()


@receiver(request_started)
def _request_started(sender, **kwargs):
    _request.state = None
    _request.active = True


@receiver(request_finished)
def _request_finished(sender, **kwargs):
    _request.state = None
    _request.active = False


def content_state() -> str:
    """A token that changes whenever public content may have changed: one query (the
    episodes' latest ``updated_at`` and the explicit version), read once a request
    (outside a request, every call reads it)."""
    if getattr(_request, "active", False):
        if _request.state is None:
            _request.state = _read_state()
        return _request.state
    return _read_state()


def _read_state() -> str:
    episodes = models.Episode._meta.db_table
    versions = models.PageCacheVersion._meta.db_table
    # No COUNT(*): it would scan the table where MAX(updated_at) reads one index entry.
    sql = f"SELECT MAX(updated_at), (SELECT version FROM {versions} WHERE id = 1) FROM {episodes}"
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            latest, version = cursor.fetchone()
    except DatabaseError:
        return "unmigrated"
    return f"{version or 0}.{latest or '-'}"


def invalidate() -> None:
    """Raise the explicit version, for changes that touch no episode's ``updated_at``
    (a turn saved on its own, a speaker renamed)."""
    _request.state = None
    try:
        updated = models.PageCacheVersion.objects.filter(pk=1).update(version=F("version") + 1)
        if not updated:
            models.PageCacheVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    except DatabaseError:
        pass    # tables not migrated yet (a signal during migrate): nothing is cached


_invalidation = AfterCommit(lambda _ids: invalidate(), name="the page cache's invalidation", first=True)


@receiver(episodes_changed, dispatch_uid="archive.site.cache.follow")
def _episodes_changed(sender, episode_ids=None, **kwargs):
    # Once the transaction commits: the version's row is not locked for the rest of
    # a long transaction (an import), and raised only if it commits.
    _invalidation.add(episode_ids)


class _Recent:
    """The pages this process served last, by key: a bounded LRU in memory."""

    def __init__(self, entries: int, total_bytes: int = 64 * 1024 * 1024):
        self.entries, self.total_bytes = entries, total_bytes
        self._pages: OrderedDict[str, tuple] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple) -> None:
        with self._lock:
            if key in self._pages:
                return
            self._pages[key] = page
            self._bytes += len(page[0])
            while self._pages and (len(self._pages) > self.entries or self._bytes > self.total_bytes):
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped[0])

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


recent = _Recent(entries=getattr(settings, "ARCHIVE_PAGE_MEMORY_ENTRIES", 256))


def _cacheable(request) -> bool:
    # Without a session cookie the request is anonymous: no session lookup needed.
    return request.method in ("GET", "HEAD") and not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.user.is_authenticated
    )


Normaliser = Callable[[str], "str | None"]


def as_given(value: str) -> str | None:
    """A parameter the view uses as it comes (a slug it looks up; empty is absent)."""
    return value or None


def read_params(request, params: Mapping[str, Normaliser]) -> QueryDict:
    """The query parameters ``params`` names, each the last value given as its
    normaliser makes it (None: as if absent)."""
    query = QueryDict(mutable=True)
    for name, normalise in params.items():
        value = request.GET.get(name)
        if value is not None and (value := normalise(value)) is not None:
            query[name] = value
    return query


def settle(request, name: str, value) -> None:
    """The view used ``value`` for ``name`` (None: none), not what the request gave
    (a page number past the last): its page is stored under the key that says so."""
    if value is None:
        request.page_params.pop(name, None)
    else:
        request.page_params[name] = str(value)


def not_stored(response):
    """Serve ``response`` but keep no copy: a page that adds nothing to the site
    (a search that found nothing)."""
    response.archive_not_stored = True
    return response


def page_key(request, query: QueryDict) -> str:
    """The cache key of ``request``'s page showing ``query`` (``read_params``), in the
    current content state."""
    identity = repr((content_state(), request.get_host(), request.path, sorted(query.lists())))
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()
    return f"archive:page:{digest}"


def cached_page(view=None, *, params: Mapping[str, Normaliser] | None = None):
    """Serve ``view``'s successful responses to anonymous readers from the cache.

    ``params``: the query parameters the view reads, each with its normaliser; the
    view finds them in ``request.page_params`` and reads no other.
    """
    if view is None:
        return functools.partial(cached_page, params=params)
    params = dict(params or {})

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.page_params = read_params(request, params)
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request, request.page_params)
        stored = recent.get(key)
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                recent.put(key, stored)
        if stored is not None:
            content, content_type, headers = stored
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            headers = {name: value for name, value in response.items() if name in KEPT_HEADERS}
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
            if getattr(response, "archive_not_stored", False):
                return response
            headers["Cache-Control"] = response["Cache-Control"]
            stored = (response.content, response["Content-Type"], headers)
            shown = page_key(request, request.page_params)
            cache.set(shown, stored, PAGE_TIMEOUT)
            recent.put(shown, stored)
        return response
    return wrapper
