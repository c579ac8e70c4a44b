"""Where a query's matches come from: a backend, chosen by ``SEARCH_BACKEND``.

Query parsing, ranking, hits and snippets are shared (``archive.search.query``); a
backend is a module that answers two questions:

- ``matches(terms, episode_ids) -> list[Match]``: every episode of ``episode_ids``
  holding all ``terms`` (``query.Term``), unordered, with what ranking needs;
- ``unpacked(episode_ids) -> dict[int, Unpacked | Shown]``: the folded text and
  layout of the few episodes of a results page, for their hits and snippets.

``scan`` holds every episode's folded text in each process and scans it;
``postings`` reads a positional inverted index on disk, shared through the page cache.
"""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.conf import settings

BACKENDS = {
    "scan": "archive.search.backends.scan",
    "postings": "archive.search.backends.postings",
}


def backend(name: str | None = None) -> ModuleType:
    """The backend called ``name``, by default the one the settings choose."""
    name = name or settings.SEARCH_BACKEND
    if name not in BACKENDS:
        raise ValueError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return import_module(BACKENDS[name])
