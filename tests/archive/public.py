"""Fixtures shared by the public-site tests (imported by each module that needs them)."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from archive.models import Episode
from archive.search import index_episodes
from archive.site import cache as page_cache


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts with an empty page cache: the database rolls back between
    tests, the in-process cache does not."""
    cache.clear()
    page_cache.recent.clear()
    yield
    cache.clear()
    page_cache.recent.clear()


@pytest.fixture
def reindex():
    """Index every episode now. Tests run in a transaction that never commits, so the
    indexing that follows a commit does not happen by itself."""
    def run():
        index_episodes(Episode.objects.values_list("pk", flat=True))
    return run
