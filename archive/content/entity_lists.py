"""An episode's entity lists (``tags``, ``people``, ``companies_orgs``…) as their
link rows hold them (``store.write_changes`` writes them, from the front matter).

A list is its link rows in ``position`` order. The names' rows, and their slugs,
come from ``named.ensure_named``, the one slug allocator.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from archive.models import Episode

from . import fields
from .episode_filter import of_episodes


def lists_of(episode_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """Every entity list of these episodes, by episode id then key: one query."""
    ids = list(episode_ids)
    lists = {pk: {key: [] for key in fields.ENTITY_KEYS} for pk in ids}
    if not ids:
        return lists
    keys = list(fields.ENTITY_KEYS)
    links = defaultdict(list)
    with connection.cursor() as cursor:
        query, parameters = _links_query(ids)
        cursor.execute(query, parameters)
        for episode_id, key_number, position, pk, name in cursor.fetchall():
            links[episode_id, keys[key_number]].append((position, pk, name))
    for (episode_id, key), rows in links.items():
        lists[episode_id][key] = [name for _position, _pk, name in sorted(rows)]
    return lists


def _links_query(ids: list[int]) -> tuple[str, list[int]]:
    """The query of the links of these episodes, and its parameters: episode id, the
    key's number, position, link id and name. Written out, as the ORM's union of a
    query per key cost an export more to build than to run."""
    quote = connection.ops.quote_name
    selects, parameters = [], []
    for number, (tag_model, link_model) in enumerate(fields.ENTITY_KEYS.values()):
        link, tag = link_model._meta, tag_model._meta
        episode = quote(link.get_field("content_object").column)
        condition, its_parameters = of_episodes(f"l.{episode}", ids)
        parameters += its_parameters
        selects.append(
            f"SELECT l.{episode}, {number}, l.{quote(link.get_field('position').column)}, "
            f"l.{quote(link.pk.column)}, t.{quote(tag.get_field('name').column)} "
            f"FROM {quote(link.db_table)} l JOIN {quote(tag.db_table)} t "
            f"ON t.{quote(tag.pk.column)} = l.{quote(link.get_field('tag').column)} "
            f"WHERE {condition}"
        )
    return " UNION ALL ".join(selects), parameters


def list_of(episode: Episode, key: str) -> list[str]:
    """One entity list of ``episode`` in its kept order."""
    link_model = fields.ENTITY_KEYS[key][1]
    links = link_model.objects.filter(content_object=episode).order_by("position", "pk")
    return list(links.values_list("tag__name", flat=True))
