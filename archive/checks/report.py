"""What ``check_translations`` prints: the stored flags of episodes, placed at the line
their turn starts on in the episode's file as it is exported now; with ``recheck``
the checks run afresh first (with the archive's names as they are now) and their
findings replace the stored ones. Dismissed flags are left out.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count, QuerySet

from archive.content.store import front_matter_lines, load_documents
from archive.models import Episode, TurnFlag
from archive.models import Turn as TurnRow

from .stored import load_known_names, recheck

_BATCH = 200


@dataclasses.dataclass(frozen=True)
class Flagged:
    episode_id: int
    line: int
    check: str
    params: dict


@dataclasses.dataclass
class Summary:
    episodes: int = 0
    turns: int = 0
    flagged: int = 0
    per_check: Counter = dataclasses.field(default_factory=Counter)


def recheck_episodes(episodes: QuerySet) -> None:
    """Run the checks afresh over ``episodes`` and store what they find, each episode
    in its own transaction under its row lock."""
    known = load_known_names()
    ids = list(episodes.values_list("pk", flat=True))
    for start in range(0, len(ids), _BATCH):
        batch = list(Episode.objects.filter(pk__in=ids[start:start + _BATCH]))
        for pk, document in load_documents(batch).items():
            with transaction.atomic():
                Episode.objects.select_for_update().filter(pk=pk).exists()
                recheck(pk, document, known)


def flagged_turns(episodes: QuerySet, summary: Summary) -> Iterator[Flagged]:
    """The undismissed flags of ``episodes`` in order of file and line, counting into
    ``summary``: a few queries for all, no document loaded."""
    episodes = list(episodes.order_by("source_path"))
    for start in range(0, len(episodes), _BATCH):
        batch = episodes[start:start + _BATCH]
        ids = [episode.pk for episode in batch]
        first = front_matter_lines(batch)
        summary.episodes += len(batch)
        summary.turns += TurnRow.objects.filter(episode_id__in=ids, kind=TurnRow.Kind.TURN).count()
        flags = TurnFlag.objects.filter(episode_id__in=ids, dismissed_at__isnull=True).values_list(
            "episode_id", "turn_id", "body_line", "check_id", "params",
        )
        by_episode: dict[int, list] = {}
        for episode_id, turn_id, body_line, check, params in flags:
            by_episode.setdefault(episode_id, []).append((body_line, check, turn_id, params))
        for episode in batch:
            found = sorted(by_episode.get(episode.pk, ()), key=lambda flag: flag[:2])
            summary.flagged += len({turn_id for _, _, turn_id, _ in found})
            summary.per_check.update(check for _, check, _, _ in found)
            for body_line, check, _, params in found:
                yield Flagged(episode.pk, 1 + first[episode.pk] + body_line, check, params)
