"""Writing the index: one ``SearchText`` row per episode, stamped with the episode
version it was made from, so that nothing can leave it behind for good.

- ``index_episodes(ids)`` re-indexes some episodes (dropping the rows of deleted ones);
- ``rebuild_index()`` builds every row again, on all cores, in one transaction (and,
  for the postings backend, writes its index file from them);
- ``repair()`` finds, in one query, the episodes whose row is missing or older than
  their ``version`` (a process killed between a commit and its indexing) and redoes
  them; the import calls it before and after each run, ``archive.search.query`` at a
  process's first search and then at most once a minute;
- ``follow(ids)`` is what the ``episodes_changed`` listener runs once after the
  commit, for every episode the transaction changed: the policy ``plan_pass``
  chooses between re-indexing those episodes and a rebuild.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterable

from django.db import connection, connections, transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from archive.content.bulk import insert_rows
from archive.models import Episode, SearchText
from archive.signals import AfterCommit, WrittenWithNewEpisodes, episodes_changed
from archive.workers import forked_pool

from . import image, signature
from .documents import lines_of_rows, shown_lines
from .packed import pack
from .postings.writer import write_index_if_used

COLUMNS = ("episode_id", "version", "stamp", "text", "layout", "signature")
BATCH = 64                   # episodes read per query batch
REBUILD_SHARE = 0.5          # above this share of the archive changed, rebuild


def rows_for(episode_ids: Iterable[int]) -> list[tuple]:
    """The ``SearchText`` rows of these episodes (in COLUMNS order), computed."""
    rows = []
    for pk, episode in shown_lines(episode_ids).items():
        packed = pack(episode["lines"], episode["date"])
        rows.append((
            pk, episode["version"], secrets.randbits(63), packed.text, packed.layout,
            signature.build(packed.folded),
        ))
    return rows


def row_of_new_episode(rows) -> tuple:
    """The ``SearchText`` row (COLUMNS without the episode id) of an episode about to
    be written from ``rows`` (``archive.content.store.EpisodeRows``) at version 1: what
    ``rows_for`` would compute once it is, made where the file was parsed."""
    packed = pack(lines_of_rows(rows), rows.columns["date"])
    return 1, secrets.randbits(63), packed.text, packed.layout, signature.build(packed.folded)


def write_rows_of_new_episodes(rows: list[tuple[int, tuple]]) -> None:
    """Insert the rows of ``row_of_new_episode``, each with its episode's id."""
    insert_rows(SearchText, COLUMNS, [(pk, *row) for pk, row in rows])


def _rows_in_batches(ids: list[int]) -> list[tuple]:
    return [row for start in range(0, len(ids), BATCH) for row in rows_for(ids[start:start + BATCH])]


def _rows_in_parallel(ids: list[int], workers: int) -> list[tuple]:
    """Rows computed by ``workers`` forked processes, each with its own connection."""
    connections.close_all()       # a forked child must not share the parent's socket
    batches = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    with forked_pool(workers) as pool:
        return [row for rows in pool.imap_unordered(rows_for, batches) for row in rows]


def _write(ids: list[int], rows: list[tuple]) -> None:
    SearchText.objects.filter(episode_id__in=ids).delete()
    insert_rows(SearchText, COLUMNS, rows)


def index_episodes(episode_ids: Iterable[int]) -> int:
    """Re-index these episodes (their rows replaced; deleted episodes' rows dropped)
    in one transaction; the number of rows written."""
    ids = sorted(set(episode_ids))
    with transaction.atomic():
        # Lock the episodes' rows in order (PostgreSQL) so the version read is the one
        # indexed, then read them.
        list(Episode.objects.filter(pk__in=ids).select_for_update().order_by("pk").values_list("pk"))
        rows = _rows_in_batches(ids)
        _write(ids, rows)
    return len(rows)


def _parallel_allowed() -> bool:
    """Forked workers need their own connection to see the data: only outside a
    transaction, and not on an in-memory SQLite database (tests)."""
    if connection.in_atomic_block:
        return False
    name = str(connection.settings_dict.get("NAME", ""))
    return not (connection.vendor == "sqlite" and (":memory:" in name or "mode=memory" in name))


def rebuild_index(*, workers: int | None = None) -> int:
    """Build every row again from the episodes; the number of rows."""
    workers = workers or min(2, os.cpu_count() or 1)
    ids = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
    if workers > 1 and _parallel_allowed() and len(ids) > BATCH:
        rows = _rows_in_parallel(ids, workers)
    else:
        rows = _rows_in_batches(ids)
    # TRUNCATE frees the old rows' space at once (PostgreSQL); inside a caller's
    # transaction it may be refused (deferred foreign-key checks pending).
    truncate = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if truncate:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {SearchText._meta.db_table}")
        else:
            SearchText.objects.all().delete()
        insert_rows(SearchText, COLUMNS, rows)
    write_index_if_used()
    return len(rows)


def stale_episodes() -> list[int]:
    """Episodes whose row is missing or was made from another version: one query."""
    indexed = SearchText.objects.filter(episode_id=OuterRef("pk"), version=OuterRef("version"))
    return list(Episode.objects.filter(~Exists(indexed)).order_by().values_list("pk", flat=True))


def plan_pass(changed: int, total: int) -> str:
    """The policy: ``"rebuild"`` when more than REBUILD_SHARE of the ``total``
    episodes changed (a first import: one parallel pass is cheaper than updating
    rows), else ``"update"`` (re-index only the changed ones)."""
    return "rebuild" if total and changed > total * REBUILD_SHARE else "update"


def follow(episode_ids: Iterable[int] | None) -> int:
    """Bring the index up to date after these episodes changed (None: unknown, so
    all may have); the number of rows written."""
    if episode_ids is None:
        return rebuild_index()
    ids = set(episode_ids)
    if not ids:
        return 0
    if plan_pass(len(ids), Episode.objects.count()) == "rebuild":
        return rebuild_index()
    return index_episodes(ids)


def repair() -> int:
    """Index what lags: the number of episodes re-indexed. Cheap when nothing does."""
    stale = stale_episodes()
    if not stale:
        return 0
    follow(stale)
    return len(stale)


def mark_stale(episode_ids: Iterable[int] | None) -> None:
    """Mark these episodes' rows (None: every row) as lagging, for ``repair`` to redo,
    and make this process's next search repair first: what a failed pass leaves."""
    rows = SearchText.objects.all()
    if episode_ids is not None:
        rows = rows.filter(episode_id__in=list(episode_ids))
    rows.update(version=0)      # versions start at 1: no episode matches 0
    image.repair_soon()


_following = AfterCommit(
    lambda ids: follow(ids),  # follow as it is when run
    name="the search index's pass", failed=mark_stale,
)


@receiver(episodes_changed, dispatch_uid="archive.search.follow")
def _episodes_changed(sender, episode_ids=None, **kwargs):
    _following.add(episode_ids)


# The import writes each new episode's row with the episode, and repairs first.
_written_with_new_episodes = WrittenWithNewEpisodes(
    name="the search index's rows", make=row_of_new_episode,
    write=write_rows_of_new_episodes, repair=lambda: repair(),
)
