"""The signals that say what changed, and how listeners act on them once.

``episodes_changed`` is the one signal of changed content: the page cache and the
search index each follow it with one listener. Writers that change rows in bulk
(an edit, an import, a rename) send it themselves with ``episode_ids``, the
episodes whose content changed; a row saved or deleted one at a time is announced
by ``archive.content.announcing``. ``episode_ids`` may be empty (a flat page) or
None (unknown: any episode may have changed).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

episodes_changed = Signal()

# Sent inside the import's transaction when an import replaced an existing
# episode's content with a file's: ``episode`` (rows already rewritten, version
# raised), ``previous_text`` (the file the CMS held before, as export would have
# written it), ``text`` (the file imported) and ``path`` (relative to the content
# folder). A receiver that raises rolls the import of that file back.
file_reimported = Signal()

# Sent by an import before it replaces an existing episode's content with a
# changed file, with ``episode``: a receiver answers True when work on the episode
# waits where the episode's rows do not show it (the editors' changes held for
# review), which an import without --force keeps by refusing the file.
work_waiting = Signal()


class AfterCommit:
    """The episodes one thread announces changed, acted on once its transaction
    commits: a rename across 800 episodes, or an editor's save that deletes 200
    rows one signal each, is followed in one pass.

    Each announcement adds its episodes and asks ``on_commit`` for a run; the first
    run after the commit takes everything collected, later ones find nothing. What
    a rolled-back transaction announced is taken by the next commit's run: acted on
    once more than needed, never lost.

    A run calls every follower that waits, those made ``first`` (the page cache:
    cheap, and with no other way to catch up) before the others, each on its own:
    one that raises is logged and told through ``failed`` (the index marks itself
    for repair), the others still run, and the commit, already made, stands; whoever
    committed (an editor's save) never sees the error.
    """

    instances: list[AfterCommit] = []  # every one, in the order a run calls them

    def __init__(
        self, act: Callable[[set[int] | None], object], *, name: str = "a follower",
        first: bool = False, failed: Callable[[set[int] | None], object] | None = None,
    ):
        self.name, self._act, self.first, self._failed = name, act, first, failed
        self._local = threading.local()
        AfterCommit.instances.append(self)
        AfterCommit.instances.sort(key=lambda follower: not follower.first)

    def discard(self) -> None:
        """Drop what waits for a commit (a test's transaction never commits)."""
        self._local.__dict__.clear()

    def add(self, episode_ids: Iterable[int] | None) -> None:
        local = self._local
        if episode_ids is None:
            local.everything = True
        else:
            local.ids = getattr(local, "ids", set()) | set(episode_ids)
        local.waiting = True
        transaction.on_commit(_run_waiting)

    def _take(self) -> tuple[bool, set[int] | None]:
        local = self._local
        if not getattr(local, "waiting", False):
            return False, None
        ids = None if getattr(local, "everything", False) else getattr(local, "ids", set())
        local.waiting, local.everything, local.ids = False, False, set()
        return True, ids

    def _run(self) -> None:
        waiting, ids = self._take()
        if not waiting:
            return
        # After the commit nothing can be undone: what fails is logged and left to its
        # own repair, never raised into the request that committed.
        try:
            self._act(ids)
        except Exception:
            logger.exception("%s failed after a commit (episodes %s)", self.name, _shown(ids))
            if self._failed is None:
                return
            try:
                self._failed(ids)
            except Exception:
                logger.exception("%s could not mark its failure", self.name)


def _run_waiting() -> None:
    for follower in list(AfterCommit.instances):
        follower._run()


def _shown(ids: set[int] | None) -> str:
    if ids is None:
        return "all"
    listed = sorted(ids)
    return ", ".join(map(str, listed[:20])) + (f" and {len(listed) - 20} more" if len(listed) > 20 else "")


class WrittenWithNewEpisodes:
    """Rows another room derives from a new episode and writes in the transaction that
    writes the episode (the search index's row), so a committed episode never lacks
    them: the import calls every one registered without knowing whose it is.

    ``make(rows)`` runs in the import's worker that parsed the file, on the episode's
    ``archive.content.store.EpisodeRows``, and returns what ``write`` needs (it must
    pickle); ``write([(episode id, made), …])`` runs inside the import's transaction;
    ``repair()`` brings up to date what a killed run left behind, before an import
    starts, and returns how many episodes it redid.
    """

    instances: list[WrittenWithNewEpisodes] = []  # every one, in the order they were made

    def __init__(
        self, *, name: str, make: Callable[[object], object],
        write: Callable[[list[tuple[int, object]]], object], repair: Callable[[], int],
    ):
        self.name, self.make, self.write, self.repair = name, make, write, repair
        WrittenWithNewEpisodes.instances.append(self)
