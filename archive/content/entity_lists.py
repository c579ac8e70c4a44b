"""An episode's entity lists (``tags``, ``people``, ``companies_orgs``…) as their
link rows hold them (``store.write_changes`` writes them, from the front matter).

A list is its link rows in ``position`` order. The names' rows, and their slugs,
come from ``named.ensure_named``, the one slug allocator.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Value

from archive.models import Episode

from . import fields


def lists_of(episode_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """Every entity list of these episodes, by episode id then key: one query."""
    ids = list(episode_ids)
    lists = {pk: {key: [] for key in fields.ENTITY_KEYS} for pk in ids}
    if not ids:
        return lists
    parts = [
        link_model.objects.filter(content_object_id__in=ids).order_by()
        .annotate(key=Value(key))
        .values_list("content_object_id", "key", "position", "pk", "tag__name")
        for key, (_tag, link_model) in fields.ENTITY_KEYS.items()
    ]
    links = defaultdict(list)
    for episode_id, key, position, pk, name in parts[0].union(*parts[1:], all=True):
        links[episode_id, key].append((position, pk, name))
    for (episode_id, key), rows in links.items():
        lists[episode_id][key] = [name for _position, _pk, name in sorted(rows)]
    return lists


def list_of(episode: Episode, key: str) -> list[str]:
    """One entity list of ``episode`` in its kept order."""
    link_model = fields.ENTITY_KEYS[key][1]
    links = link_model.objects.filter(content_object=episode).order_by("position", "pk")
    return list(links.values_list("tag__name", flat=True))
