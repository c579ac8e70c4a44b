"""The public pages' cache: whole responses for anonymous readers, by content version.

Every cached page is stored under the current *content version*; any change to the
archive (an import, an edit in the admin) raises the version, so every page rendered
before it is dropped at once. The version lives in the database (``PageCacheVersion``)
so that a change made by another process (``import_markdown``, another worker) is seen
even with the in-process cache; a process reads it at most once per
``VERSION_CHECK_SECONDS`` and sees its own changes immediately.

Staff never get or fill a cached page: they see drafts and unlisted episodes with
banners that readers must never be served.
"""
from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import F
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from .models import PageCacheVersion

VERSION_CHECK_SECONDS = 1.0
PAGE_TIMEOUT = 24 * 60 * 60
BROWSER_MAX_AGE = 60

_memo = {"version": None, "read_at": 0.0}


def current_version() -> int:
    now = time.monotonic()
    if _memo["version"] is None or now - _memo["read_at"] > VERSION_CHECK_SECONDS:
        row = PageCacheVersion.objects.filter(pk=1).values_list("version", flat=True).first()
        _memo["version"], _memo["read_at"] = row or 0, now
    return _memo["version"]


def invalidate() -> None:
    """Drop every cached page (by raising the content version)."""
    try:
        updated = PageCacheVersion.objects.filter(pk=1).update(version=F("version") + 1)
        if not updated:
            PageCacheVersion.objects.get_or_create(pk=1, defaults={"version": 1})
        _memo["version"] = None
    except DatabaseError:
        # Tables not migrated yet (a signal during migrate): nothing is cached then.
        _memo["version"] = None


def _cacheable(request) -> bool:
    # Without a session cookie the request is anonymous: no session lookup needed.
    return request.method in ("GET", "HEAD") and not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.user.is_authenticated
    )


def cached_page(view):
    """Serve ``view``'s successful responses to anonymous readers from the cache."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"archive:page:{current_version()}:{digest}"
        stored = cache.get(key)
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
            headers = {
                name: value for name, value in response.items()
                if name in ("X-Robots-Tag", "Content-Language", "Link")
            }
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
            headers["Cache-Control"] = response["Cache-Control"]
            cache.set(key, (response.content, response["Content-Type"], headers), PAGE_TIMEOUT)
        return response
    return wrapper
