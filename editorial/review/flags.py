"""The translation checks' flags as the review pages use them: the one place of the
editors' side that knows where flags come from.

Flags are computed at import and by every edit, stored one ``TurnFlag`` row per
flagged turn and check (``archive.checks.stored``); a dismissal lasts while its turn
says the same. Here they become :class:`Flag` values, with the differing numbers or
names of each language as character spans for highlighting, by the block they
belong to in what editors see: the episode's turn rows, or for changes held for
review the pending document's blocks, whose flags are kept with it
(``editorial.review.held``).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from archive.checks import stored
from archive.codec import Document
from archive.content.store import load_document
from archive.models import Episode, TurnFlag

from . import held


@dataclasses.dataclass(frozen=True)
class Flag:
    check: str
    severity: str
    message: str
    zh_spans: tuple[tuple[int, int], ...] = ()
    en_spans: tuple[tuple[int, int], ...] = ()
    dismissed: bool = False

    @classmethod
    def of(cls, flag) -> Flag:
        """Of a ``TurnFlag``, or of a pending document's ``held.PendingFlag``."""
        spans = flag.spans if isinstance(flag.spans, dict) else {}
        return cls(
            check=flag.check_id, severity=flag.severity, message=stored.message(flag),
            zh_spans=tuple(tuple(span) for span in spans.get("translation", ())),
            en_spans=tuple(tuple(span) for span in spans.get("english", ())),
            dismissed=flag.dismissed_at is not None,
        )

    def as_json(self) -> dict:
        return {
            "check": self.check, "severity": self.severity, "message": self.message,
            "zh": [list(span) for span in self.zh_spans],
            "en": [list(span) for span in self.en_spans], "dismissed": self.dismissed,
        }


def flags_by_row(episode_ids) -> dict[int, list[Flag]]:
    """Every flag of these episodes' rows, by turn row, in one query."""
    found = defaultdict(list)
    for flag in TurnFlag.objects.filter(episode_id__in=list(episode_ids)).order_by("turn_id", "check_id"):
        found[flag.turn_id].append(Flag.of(flag))
    return dict(found)


def pending_flags_by_row(pending, document: Document) -> dict[int, list[Flag]]:
    """The flags of a pending revision's document, by block key."""
    found = defaultdict(list)
    for flag in sorted(held.pending_flags(pending, document), key=lambda f: (f.row, f.check_id)):
        found[flag.row].append(Flag.of(flag))
    return dict(found)


def working_flags(episode: Episode) -> tuple[Document, dict[int, list[Flag]]]:
    """What editors see of ``episode`` and its flags by block row (or key)."""
    pending = held.pending_of(episode)
    if pending is None:
        return load_document(episode), flags_by_row([episode.pk])
    document = held.pending_document(pending)
    return document, pending_flags_by_row(pending, document)


def set_dismissed(episode: Episode, rows, check: str, *, by, dismissed: bool) -> int:
    """Dismiss ``check`` on these blocks of what editors see (turn rows, or keys of
    the pending document), as a false positive, or undo that; how many flags it was."""
    pending = held.pending_of(episode)
    if pending is not None:
        return held.set_dismissed(pending, rows, check, by=by, dismissed=dismissed)
    flags = TurnFlag.objects.filter(
        turn_id__in=list(rows), check_id=check, dismissed_at__isnull=dismissed,
    )
    for flag in flags:
        if dismissed:
            stored.dismiss(flag, by if getattr(by, "pk", None) else None)
        else:
            stored.undismiss(flag)
    return len(flags)
