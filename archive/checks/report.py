"""What ``check_translations`` prints: the stored flags of episodes, placed at the line
their turn starts on in the episode's file as it is exported now; with ``recheck``
the checks run afresh first (with the archive's names as they are now) and their
findings replace the stored ones. Dismissed flags are left out.
"""
from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count, QuerySet

from archive.content.store import load_documents
from archive.models import Episode, TurnFlag
from archive.models import Turn as TurnRow

from .documents import bolded_untagged
from .stored import load_known_names, recheck

_BATCH = 1000


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
    in its own transaction under its row lock, with the archive's names as they are
    once the names these episodes bold untagged are brought up to date (a first
    pass over their documents: a database from before that column counts them)."""
    ids = list(episodes.values_list("pk", flat=True))
    for start in range(0, len(ids), _BATCH):
        batch = list(Episode.objects.filter(pk__in=ids[start:start + _BATCH]))
        for pk, document in load_documents(batch).items():
            Episode.objects.filter(pk=pk).update(bolded_untagged=bolded_untagged(document))
    known = load_known_names()
    for start in range(0, len(ids), _BATCH):
        batch = list(Episode.objects.filter(pk__in=ids[start:start + _BATCH]))
        for pk, document in load_documents(batch).items():
            with transaction.atomic():
                Episode.objects.select_for_update().filter(pk=pk).exists()
                recheck(pk, document, known)


def flagged_turns(episodes: QuerySet, summary: Summary) -> Iterator[Flagged]:
    """The undismissed flags of ``episodes`` in order of file and line, counting into
    ``summary``: three queries per thousand episodes, no document loaded. The front
    matter's lines are its kept lines, which every edit keeps current."""
    rows = list(episodes.order_by("source_path").values_list("pk", "front_matter_entries", "file_style"))
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        ids = [pk for pk, _, _ in batch]
        summary.episodes += len(batch)
        summary.turns += TurnRow.objects.filter(episode_id__in=ids, kind=TurnRow.Kind.TURN).count()
        by_episode: dict[int, list] = {}
        for episode_id, turn_id, body_line, check, params in TurnFlag.objects.filter(
            episode_id__in=ids, dismissed_at__isnull=True,
        ).values_list("episode_id", "turn_id", "body_line", "check_id", "params"):
            by_episode.setdefault(episode_id, []).append((body_line, check, turn_id, params))
        for pk, entries, style in batch:
            found = sorted(by_episode.get(pk, ()), key=lambda flag: flag[:2])
            if not found:
                continue
            summary.flagged += len({turn_id for _, _, turn_id, _ in found})
            summary.per_check.update(check for _, check, _, _ in found)
            first = 1 + _front_matter_lines(entries, style)
            for body_line, check, _, params in found:
                yield Flagged(pk, first + body_line, check, params)


def _front_matter_lines(entries, style) -> int:
    entries, style = _json(entries), _json(style)
    fences = style.get("opening", "---\n") + style.get("closing", "---\n") + style.get("trailing", "")
    return fences.count("\n") + sum(raw.count("\n") for _key, raw, _gap in entries)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
