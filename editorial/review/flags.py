"""The translation checks' flags as the review pages use them: the one place of the
editors' side that knows where flags come from.

Flags are computed at import and by every edit, stored one ``TurnFlag`` row per
flagged turn and check (``archive.checks.stored``); a dismissal lasts while its turn
says the same. Here they become :class:`Flag` values, with the differing numbers or
names of each language as character spans for highlighting, by the turn row they
belong to (the rows of the episode or of its working copy, whichever editors see).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from archive.checks import stored
from archive.models import TurnFlag


@dataclasses.dataclass(frozen=True)
class Flag:
    check: str
    severity: str
    message: str
    zh_spans: tuple[tuple[int, int], ...] = ()
    en_spans: tuple[tuple[int, int], ...] = ()
    dismissed: bool = False

    @classmethod
    def of(cls, flag: TurnFlag) -> Flag:
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
    """Every flag of these episodes (or working copies), by turn row, in one query."""
    found = defaultdict(list)
    for flag in TurnFlag.objects.filter(episode_id__in=list(episode_ids)).order_by("turn_id", "check_id"):
        found[flag.turn_id].append(Flag.of(flag))
    return dict(found)


def dismiss(turn_rows, check: str, *, by) -> int:
    """Dismiss ``check`` on these turns, as a false positive; how many flags it was."""
    flags = TurnFlag.objects.filter(turn_id__in=list(turn_rows), check_id=check, dismissed_at__isnull=True)
    for flag in flags:
        stored.dismiss(flag, by if getattr(by, "pk", None) else None)
    return len(flags)


def restore(turn_rows, check: str) -> int:
    """Undo :func:`dismiss`."""
    flags = TurnFlag.objects.filter(turn_id__in=list(turn_rows), check_id=check, dismissed_at__isnull=False)
    for flag in flags:
        stored.undismiss(flag)
    return len(flags)
