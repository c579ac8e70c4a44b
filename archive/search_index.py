"""The search index: ``SearchDocument`` rows and the database's index beside them.

Each episode gives one document per searchable text: its title, its names (tags,
entities, speakers), its summary and insight, each heading and each turn (speaker
label, Chinese and English; comments are never shown, so never indexed). A document
holds the text as shown, folded to lower case (``archive.rendering.plain``/``fold``).

Beside the rows each database keeps an index that finds candidate documents for any
query without reading every turn; ``archive.search`` then confirms each candidate with
a plain substring test, so recall and precision are exactly those of a substring scan:

- SQLite: an FTS5 ``trigram`` table over ``text`` (queries of 3+ characters, as
  phrases) and a contentless FTS5 table of each document's distinct characters and
  character pairs (queries of 1–2 characters: the trigram tokenizer cannot find them).
- PostgreSQL: a pg_trgm GIN index on ``text`` (``LIKE '%q%'`` for 3+ characters) and
  a GIN index on ``archive_grams(text)``, the array of distinct characters and pairs.

The index follows every edit: saves and deletes of episodes, headings, turns, tags and
the ``episodes_changed`` signal re-index the episodes concerned when the transaction
commits, then invalidate the page cache. ``rebuild_index`` builds it all in one pass.
"""
from __future__ import annotations

import operator
import threading
from collections import defaultdict
from collections.abc import Iterable
from itertools import chain

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import cache, fields
from .codec import speaker_name
from .models import Appearance, Episode, Heading, SearchDocument, Speaker, Turn
from .rendering import fold, plain
from .signals import episodes_changed

Field = SearchDocument.Field
TRIGRAM_TABLE = "archive_search_trigram"
GRAMS_TABLE = "archive_search_grams"
BATCH_EPISODES = 50


# What is indexed -------------------------------------------------------------------

def turn_text(turn: Turn) -> str:
    """The searchable text of a turn or raw block, as shown (not folded)."""
    if turn.kind == Turn.Kind.RAW:
        return plain(turn.verbatim)
    parts = [speaker_name(turn.speaker_label), plain(turn.translation), plain(turn.english)]
    return "\n".join(part for part in parts if part)


def episode_names(episode: Episode) -> list[str]:
    """Tags, entities, projects, host, guests and series of ``episode`` (links
    prefetched)."""
    names = []
    for _, link_model in fields.ENTITY_KEYS.values():
        links = getattr(episode, f"{link_model._meta.model_name}_set").all()
        names.extend(link.tag.name for link in links)
    names.extend(appearance.speaker.name for appearance in episode.appearance_set.all())
    if episode.series:
        names.append(episode.series)
    return list(dict.fromkeys(names))


def documents_for(episode: Episode) -> list[SearchDocument]:
    """The documents of ``episode``; its headings, turns and links prefetched."""
    def document(field, text, position=None):
        return SearchDocument(episode=episode, field=field, position=position, text=fold(text))

    documents = [document(Field.TITLE, plain(episode.title))]
    documents.append(document(Field.NAMES, "\n".join(episode_names(episode))))
    documents.extend(
        document(Field.SUMMARY, plain(text)) for text in (episode.summary, episode.insight)
    )
    documents.extend(
        document(Field.HEADING, plain(heading.title), heading.position)
        for heading in episode.headings.all()
    )
    documents.extend(
        document(Field.TURN, turn_text(turn), turn.position)
        for turn in episode.turns.all() if turn.kind != Turn.Kind.COMMENT
    )
    return [doc for doc in documents if doc.text]


def prefetch_for_index(episodes):
    lookups = ["headings", "turns", "appearance_set__speaker"]
    lookups += [f"{link._meta.model_name}_set__tag" for _, link in fields.ENTITY_KEYS.values()]
    return episodes.prefetch_related(*lookups)


def grams(text: str) -> set[str]:
    """The distinct characters and pairs of adjacent characters of ``text``."""
    return set(text).union(map(operator.add, text, text[1:]))


# SQLite's FTS5 "ascii" tokenizer splits on ASCII spaces and punctuation only; every
# ASCII character is moved into the private-use area so that each gram stays one
# token. A clash with real private-use text could only add candidates, which the
# substring check then drops.
_TO_PRIVATE = {code: 0xE000 + code for code in range(128)}


def gram_token(gram: str) -> str:
    return gram.translate(_TO_PRIVATE)


def _gram_tokens(text: str) -> str:
    # Distinct tokens in order of first occurrence: the same text always gives the
    # same token string, which FTS5 needs to delete it again.
    text = gram_token(text)
    return " ".join(dict.fromkeys(chain(text, map(operator.add, text, text[1:]))))


# Writing ---------------------------------------------------------------------------

def _insert(documents: list[SearchDocument]) -> None:
    SearchDocument.objects.bulk_create(documents, batch_size=500)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TRIGRAM_TABLE}(rowid, text) VALUES (%s, %s)",
                [(doc.pk, doc.text) for doc in documents],
            )
            cursor.executemany(
                f"INSERT INTO {GRAMS_TABLE}(rowid, grams) VALUES (%s, %s)",
                [(doc.pk, _gram_tokens(doc.text)) for doc in documents],
            )


def _remove(episode_ids: Iterable[int]) -> None:
    _remove_documents(
        SearchDocument.objects.filter(episode_id__in=list(episode_ids)).values_list("pk", flat=True)
    )


def _remove_documents(pks: Iterable[int]) -> None:
    pks = list(pks)
    for start in range(0, len(pks), 500):
        documents = SearchDocument.objects.filter(pk__in=pks[start:start + 500])
        if connection.vendor == "sqlite":
            # FTS5 forgets a row of an external-content or contentless table only
            # when told the values it indexed.
            rows = list(documents.values_list("pk", "text"))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {TRIGRAM_TABLE}({TRIGRAM_TABLE}, rowid, text) "
                    "VALUES ('delete', %s, %s)", rows,
                )
                cursor.executemany(
                    f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}, rowid, grams) "
                    "VALUES ('delete', %s, %s)",
                    [(pk, _gram_tokens(text)) for pk, text in rows],
                )
        documents._raw_delete(documents.db)


def index_episodes(episode_ids: Iterable[int]) -> None:
    """Bring the index of these episodes in line with their rows (gone ones dropped).

    Only documents whose text changed are rewritten, so re-indexing an episode after
    an edit of one turn writes one document, and re-indexing an unchanged one none.
    """
    ids = sorted(set(episode_ids))
    for start in range(0, len(ids), BATCH_EPISODES):
        batch = ids[start:start + BATCH_EPISODES]
        with transaction.atomic():
            kept = defaultdict(list)
            rows = SearchDocument.objects.filter(episode_id__in=batch).values_list(
                "pk", "episode_id", "field", "position", "text"
            )
            for pk, *key in rows:
                kept[tuple(key)].append(pk)
            episodes = prefetch_for_index(Episode.objects.filter(pk__in=batch))
            new = []
            for doc in (doc for episode in episodes for doc in documents_for(episode)):
                same = kept.get((doc.episode_id, doc.field, doc.position, doc.text))
                if same:
                    same.pop()
                else:
                    new.append(doc)
            _remove_documents([pk for pks in kept.values() for pk in pks])
            _insert(new)


def rebuild_index() -> int:
    """Build the whole index from the rows in one pass; the number of documents."""
    with transaction.atomic():
        SearchDocument.objects.all()._raw_delete(SearchDocument.objects.db)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for table in (TRIGRAM_TABLE, GRAMS_TABLE):
                    cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
    ids = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), BATCH_EPISODES):
        with transaction.atomic():
            episodes = prefetch_for_index(Episode.objects.filter(pk__in=ids[start:start + BATCH_EPISODES]))
            documents = [doc for episode in episodes for doc in documents_for(episode)]
            _insert(documents)
            total += len(documents)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in (TRIGRAM_TABLE, GRAMS_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    cache.invalidate()
    return total


# Following edits -------------------------------------------------------------------

_pending = threading.local()


def schedule(episode_ids: Iterable[int]) -> None:
    """Re-index these episodes and invalidate the page cache once the transaction
    commits (at once outside a transaction).

    Calls coalesce: the first callback to run after a commit does the work for all.
    Ids left by a rolled-back transaction are re-indexed at the next commit, which
    is harmless; none is ever dropped.
    """
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    ids.update(episode_id for episode_id in episode_ids if episode_id is not None)
    _pending.dirty = True
    transaction.on_commit(_flush)


def _flush() -> None:
    if not getattr(_pending, "dirty", False):
        return
    ids, _pending.ids, _pending.dirty = _pending.ids, set(), False
    if ids:
        index_episodes(ids)
    cache.invalidate()


_LINKS = tuple(link for _, link in fields.ENTITY_KEYS.values())
_TAGS = tuple(tag for tag, _ in fields.ENTITY_KEYS.values())


def _on(signal, *senders):
    def connect(function):
        for sender in senders:
            signal.connect(function, sender=sender, dispatch_uid=f"{function.__name__}:{sender.__name__}")
        return function
    return connect


@_on(post_save, Episode)
def _episode_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule([instance.pk])


@_on(pre_delete, Episode)
def _episode_deleting(sender, instance, **kwargs):
    # Before the cascade removes the documents: FTS5 needs their text to forget them.
    _remove([instance.pk])
    schedule([])


@_on(post_save, Heading, Turn, Appearance, *_LINKS)
@_on(post_delete, Heading, Turn, Appearance, *_LINKS)
def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule([getattr(instance, "episode_id", None) or instance.content_object_id])


@_on(post_save, *_TAGS)
def _tag_saved(sender, instance, raw=False, **kwargs):
    # A renamed tag changes the names of every episode that carries it.
    if not raw:
        schedule(instance.links.values_list("content_object_id", flat=True))


@_on(post_save, Speaker)
@_on(post_delete, Speaker)
def _speaker_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(Appearance.objects.filter(speaker_id=instance.pk).values_list("episode_id", flat=True))


@_on(m2m_changed, *_LINKS)
def _tags_changed(sender, instance, action, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Episode):
        schedule([instance.pk])
    else:
        schedule(sender.objects.filter(tag=instance).values_list("content_object_id", flat=True))


@receiver(episodes_changed)
def _episodes_changed(sender, episode_ids=None, **kwargs):
    if episode_ids is None:
        episode_ids = Episode.objects.values_list("pk", flat=True)
    schedule(episode_ids)
