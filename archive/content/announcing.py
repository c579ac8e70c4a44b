"""Rows saved or deleted one at a time, announced as ``episodes_changed``.

The editors' edits, the import and the renames write in bulk, which sends no model
signal, and announce the episodes they changed themselves. Anything else that
changes what readers see goes through Django's model signals one row at a time: a
speaker or a flat page saved in the admin, a turn saved from the shell, the rows a
deletion cascades to. This module sends each on as ``episodes_changed``, naming
the episodes the row shows on, so the page cache and the search index each follow
the one signal.
"""
from __future__ import annotations

from django.contrib.flatpages.models import FlatPage
from django.db.models.signals import post_delete, post_save

from archive import models
from archive.signals import episodes_changed

from . import fields

_OF_EPISODE = (models.Heading, models.Turn, models.Appearance)
_LINKS = tuple(link for _tag, link in fields.ENTITY_KEYS.values())
_TAGS = {tag: link for tag, link in fields.ENTITY_KEYS.values()}


def episodes_of(row) -> list[int]:
    """The episodes whose pages or search text show ``row``."""
    if isinstance(row, models.Episode):
        return [row.pk]
    if isinstance(row, _OF_EPISODE):
        return [row.episode_id]
    if isinstance(row, _LINKS):
        return [row.content_object_id]
    if isinstance(row, models.Speaker):
        appearing = models.Appearance.objects.filter(speaker=row).values_list("episode_id", flat=True)
        speaking = models.Turn.objects.filter(speaker=row).values_list("episode_id", flat=True)
        return sorted({*appearing, *speaking})
    if type(row) in _TAGS:
        return list(_TAGS[type(row)].objects.filter(tag=row).values_list("content_object_id", flat=True))
    return []  # a flat page: no episode's, but a page readers see


def _row_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata writes fixtures as they are
        episodes_changed.send(sender=sender, episode_ids=episodes_of(instance))


for _model in (FlatPage, models.Episode, models.Speaker, *_OF_EPISODE, *_LINKS, *_TAGS):
    post_save.connect(_row_changed, sender=_model, dispatch_uid=f"announce-save-{_model.__name__}")
    post_delete.connect(_row_changed, sender=_model, dispatch_uid=f"announce-delete-{_model.__name__}")
