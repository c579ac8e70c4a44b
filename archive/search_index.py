"""The search index: ``SearchDocument`` rows and the database's index beside them.

Each episode gives one document per searchable text: its title, its names (tags,
entities, speakers), its summary and insight, each heading and each turn (speaker
label, Chinese and English; comments are never shown, so never indexed). A document
holds the text as shown, folded to lower case (``archive.rendering.plain``/``fold``).

Beside the rows each database keeps an index that finds candidate documents for any
query without reading every turn; ``archive.search`` then confirms each candidate with
a plain substring test, so recall and precision are exactly those of a substring scan:

- SQLite: a contentless FTS5 table of each document's distinct characters and
  character pairs. A query of one or two characters is one token; a longer one asks
  for every pair it holds. (FTS5's trigram tokenizer finds nothing for queries under
  three characters, and building a trigram table as well doubled the build time.)
- PostgreSQL: a pg_trgm GIN index on ``text`` (``LIKE '%q%'`` for 3+ characters) and
  a GIN index on the array of ``grams``, the distinct characters and pairs.

The index follows every edit: saves and deletes of episodes, headings, turns, tags and
the ``episodes_changed`` signal re-index the episodes concerned when the transaction
commits, then invalidate the page cache. ``rebuild_index`` builds it all in one pass.
"""
from __future__ import annotations

import operator
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from itertools import chain

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import cache, fields
from .bulk import insert_rows
from .codec import speaker_name
from .models import Appearance, Episode, Heading, SearchDocument, Speaker, Turn
from .rendering import fold, plain
from .signals import episodes_changed

Field = SearchDocument.Field
GRAMS_TABLE = "archive_search_grams"
BATCH_EPISODES = 50


# What is indexed -------------------------------------------------------------------

def turn_text(turn: Turn) -> str:
    """The searchable text of a turn or raw block, as shown (not folded)."""
    if turn.kind == Turn.Kind.RAW:
        return plain(turn.verbatim)
    parts = [speaker_name(turn.speaker_label), plain(turn.translation), plain(turn.english)]
    return "\n".join(part for part in parts if part)


TURN_COLUMNS = ("episode_id", "position", "kind", "speaker_label", "translation", "english", "verbatim")


def names_of(episode_ids):
    """(episode id, name) of every tag, entity, host, guest and series of these
    episodes: one query, a union over the link tables."""
    parts = [
        link.objects.filter(content_object_id__in=episode_ids).order_by()
        .values_list("content_object_id", "tag__name")
        for _, link in fields.ENTITY_KEYS.values()
    ]
    parts.append(
        Appearance.objects.filter(episode_id__in=episode_ids).order_by()
        .values_list("episode_id", "speaker__name")
    )
    parts.append(
        Episode.objects.filter(pk__in=episode_ids).exclude(series="").order_by()
        .values_list("pk", "series")
    )
    return parts[0].union(*parts[1:], all=True)


def documents_of(episode_ids) -> list[tuple]:
    """``(episode id, field, position, folded text)`` of every document of these
    episodes, read as plain rows: five queries, whatever their number."""
    ids = list(episode_ids)
    documents = []

    def add(episode_id, field, position, text):
        if text:
            documents.append((episode_id, field, position, fold(text)))

    names: dict[int, set[str]] = defaultdict(set)
    for episode_id, name in names_of(ids):
        names[episode_id].add(name)
    for pk, title, summary, insight in Episode.objects.filter(pk__in=ids).values_list(
        "pk", "title", "summary", "insight"
    ):
        add(pk, Field.TITLE, None, plain(title))
        add(pk, Field.NAMES, None, "\n".join(sorted(names[pk])))
        add(pk, Field.SUMMARY, None, plain(summary))
        add(pk, Field.SUMMARY, None, plain(insight))
    for episode_id, position, title in Heading.objects.filter(episode_id__in=ids).values_list(
        "episode_id", "position", "title"
    ):
        add(episode_id, Field.HEADING, position, plain(title))
    turns = Turn.objects.filter(episode_id__in=ids).exclude(kind=Turn.Kind.COMMENT)
    for turn in turns.values_list(*TURN_COLUMNS, named=True):
        add(turn.episode_id, Field.TURN, turn.position, turn_text(turn))
    return documents


def grams(text: str) -> set[str]:
    """The distinct characters and pairs of adjacent characters of ``text``."""
    return set(text).union(map(operator.add, text, text[1:]))


# SQLite's FTS5 "ascii" tokenizer splits on ASCII spaces and punctuation only, so each
# character is written as a token of non-ASCII characters (PostgreSQL splits the same
# string on spaces): an ASCII character as one in the private-use area, a private-use
# character of that range behind an escape, any other as itself. Distinct grams give
# distinct tokens, so a query of one or two characters is answered by the index alone.
_ESCAPE = "\ue100"
_TO_TOKEN = {code: 0xE000 + code for code in range(128)}
_TO_TOKEN.update({code: _ESCAPE + chr(code) for code in range(0xE000, 0xE101)})


def gram_token(gram: str) -> str:
    return gram.translate(_TO_TOKEN)


def gram_tokens(text: str) -> str:
    """The distinct grams of ``text`` as one space-separated string of tokens."""
    if _ESCAPED.search(text):
        grams = dict.fromkeys(chain(text, map(operator.add, text, text[1:])))
        return " ".join(gram_token(gram) for gram in grams)
    # The usual case, translated in one pass: every character is one token character.
    text = gram_token(text)
    return " ".join(dict.fromkeys(chain(text, map(operator.add, text, text[1:]))))


_ESCAPED = re.compile("[\ue000-\ue100]")


# Writing ---------------------------------------------------------------------------

def _insert(documents: list[tuple]) -> None:
    """Store ``(episode id, field, position, text)`` rows and index them."""
    if not documents:
        return
    if connection.vendor == "postgresql":
        insert_rows(
            SearchDocument, ("episode_id", "field", "position", "text", "grams"),
            [(*document, gram_tokens(document[3])) for document in documents],
        )
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The ids are the FTS rowids: taken here, inside the write transaction.
            cursor.execute("SELECT coalesce(max(id), 0) FROM archive_searchdocument")
            first = cursor.fetchone()[0] + 1
            rows = [(first + number, *document) for number, document in enumerate(documents)]
            cursor.executemany(
                "INSERT INTO archive_searchdocument (id, episode_id, field, position, text) "
                "VALUES (%s, %s, %s, %s, %s)", rows,
            )
            cursor.executemany(
                f"INSERT INTO {GRAMS_TABLE}(rowid, grams) VALUES (%s, %s)",
                [(row[0], gram_tokens(row[4])) for row in rows],
            )
        else:
            SearchDocument.objects.bulk_create(
                [SearchDocument(episode_id=e, field=f, position=p, text=t) for e, f, p, t in documents]
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
            # FTS5 forgets a row of a contentless table only when told the values it
            # indexed.
            rows = list(documents.values_list("pk", "text"))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}, rowid, grams) "
                    "VALUES ('delete', %s, %s)",
                    [(pk, gram_tokens(text)) for pk, text in rows],
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
            new = []
            for document in documents_of(batch):
                same = kept.get(document)
                if same:
                    same.pop()
                else:
                    new.append(document)
            _remove_documents([pk for pks in kept.values() for pk in pks])
            _insert(new)


def rebuild_index() -> int:
    """Build the whole index from the rows in one pass; the number of documents."""
    with transaction.atomic():
        SearchDocument.objects.all()._raw_delete(SearchDocument.objects.db)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}) VALUES ('delete-all')")
    ids = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
    total = 0
    with _postgresql_indexes_built_after():
        for start in range(0, len(ids), BATCH_EPISODES):
            with transaction.atomic():
                documents = documents_of(ids[start:start + BATCH_EPISODES])
                _insert(documents)
                total += len(documents)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}) VALUES ('optimize')")
    cache.invalidate()
    return total


# PostgreSQL's GIN indexes, as the migrations create them. Building one over all rows
# is many times faster than updating it row by row, so a rebuild drops and remakes them.
POSTGRESQL_INDEXES = {
    "archive_searchdocument_trgm":
        "CREATE INDEX archive_searchdocument_trgm "
        "ON archive_searchdocument USING gin (text gin_trgm_ops)",
    "archive_searchdocument_grams":
        "CREATE INDEX archive_searchdocument_grams "
        "ON archive_searchdocument USING gin (string_to_array(grams, ' '))",
}


@contextmanager
def _postgresql_indexes_built_after():
    # Inside a caller's transaction PostgreSQL may refuse CREATE INDEX (deferred
    # foreign-key checks pending): keep the indexes and update them row by row.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        for name in POSTGRESQL_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in POSTGRESQL_INDEXES.values():
                cursor.execute(sql)


# Following edits -------------------------------------------------------------------

_pending = threading.local()


@contextmanager
def deferred(*, rebuild: bool = True):
    """Follow no edit inside the block (in this thread), then build the whole index in
    one pass: for a bulk import. ``rebuild=False`` leaves that to the caller, who must
    call ``rebuild_index()`` (a benchmark timing the two apart)."""
    _pending.deferred = True
    try:
        yield
    finally:
        _pending.deferred = False
        _pending.ids, _pending.dirty = set(), False
    if rebuild:
        rebuild_index()


def schedule(episode_ids: Iterable[int]) -> None:
    """Re-index these episodes and invalidate the page cache once the transaction
    commits (at once outside a transaction).

    Calls coalesce: the first callback to run after a commit does the work for all.
    Ids left by a rolled-back transaction are re-indexed at the next commit, which
    is harmless; none is ever dropped.
    """
    if getattr(_pending, "deferred", False):
        return
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
    ids = None if episode_ids is None else set(episode_ids)
    if ids is None or len(ids) * 2 > Episode.objects.count():
        # Most of the archive changed (a first import): build it all in one pass.
        transaction.on_commit(rebuild_index)
    else:
        schedule(ids)
