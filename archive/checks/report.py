"""What ``check_translations`` prints: the checks run afresh over stored episodes.

Each finding is placed at the line its turn starts on in the episode's file as it
is exported now. A finding an editor dismissed on a turn that still says the same
is left out.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator

from archive.codec import Turn
from archive.content.store import load_documents
from archive.models import Episode, TurnFlag

from .documents import block_lines, check_document
from .stored import fingerprint, load_known_names

_BATCH = 100


@dataclasses.dataclass(frozen=True)
class Flagged:
    episode: Episode
    line: int
    check: str
    params: dict


@dataclasses.dataclass
class Summary:
    turns: int = 0
    flagged: int = 0
    per_check: Counter = dataclasses.field(default_factory=Counter)


def flagged_turns(episodes: Iterable[Episode], summary: Summary) -> Iterator[Flagged]:
    """The findings of ``episodes`` in file order, counting into ``summary``."""
    known = load_known_names()
    episodes = list(episodes)
    for start in range(0, len(episodes), _BATCH):
        batch = episodes[start:start + _BATCH]
        documents = load_documents(batch)
        dismissed = set(TurnFlag.objects.filter(
            episode_id__in=[episode.pk for episode in batch], dismissed_at__isnull=False,
        ).values_list("turn_id", "check_id", "fingerprint"))
        for episode in batch:
            document = documents[episode.pk]
            summary.turns += sum(isinstance(block, Turn) for block in document.blocks)
            findings = check_document(document, known)
            if not findings:
                continue
            lines = block_lines(document)
            for position, found in sorted(findings.items()):
                block = document.blocks[position]
                mark = fingerprint(block.label, block.text, block.english.text if block.english else None)
                kept = [f for f in found if (block.row, f.check, mark) not in dismissed]
                if kept:
                    summary.flagged += 1
                    summary.per_check.update(f.check for f in kept)
                for finding in kept:
                    yield Flagged(episode, lines[position], finding.check, finding.params)
