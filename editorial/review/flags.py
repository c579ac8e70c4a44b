"""The translation checks' flags as the review pages use them: the one place that
knows where flags come from.

Every page and count of review asks here: :func:`flags_of` (one episode's flags by
turn), :func:`open_flag_counts` (turns with a flag nobody dismissed, per episode),
:func:`dismiss` and :func:`restore`. A flag is a :class:`Flag` with the differing
numbers or names of each language as character spans, for highlighting.

Until the stored per-turn flags of ``archive.checks`` are in place, the flags are
worked out here from the turns' text with two checks (an original missing; numbers
or Latin-script names in one language and not the other), and a dismissal is kept
on the turn's review row (``TurnReview.dismissed_checks``), so it lasts while the
turn's text does. Joining the stored flags means changing the bodies of these
functions, not their callers.
"""
from __future__ import annotations

import dataclasses
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import TurnReview

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"[A-Z][a-zA-Z]+(?:[ -][A-Z][a-zA-Z]+)*")


@dataclasses.dataclass(frozen=True)
class Flag:
    check: str
    severity: str
    message: str
    zh_spans: tuple[tuple[int, int], ...] = ()
    en_spans: tuple[tuple[int, int], ...] = ()
    dismissed: bool = False

    def as_json(self) -> dict:
        return {
            "check": self.check, "severity": self.severity, "message": self.message,
            "zh": [list(span) for span in self.zh_spans],
            "en": [list(span) for span in self.en_spans], "dismissed": self.dismissed,
        }


def found_flags(translation: str | None, english: str | None, *, bilingual: bool) -> list[Flag]:
    """The flags of one turn's text (dismissals not applied)."""
    translation, english = translation or "", english or ""
    flags = []
    if bilingual and translation and not english:
        flags.append(Flag("missing-original", "error", _("This turn has no English original")))
    if not english:
        return flags
    zh_numbers, en_numbers = _numbers(translation), _numbers(english)
    zh_extra = [span for value, span in zh_numbers if value not in {v for v, _ in en_numbers}]
    en_extra = [span for value, span in en_numbers if value not in {v for v, _ in zh_numbers}]
    if zh_extra or en_extra:
        shown = ", ".join(dict.fromkeys(
            text[a:b] for text, spans in ((translation, zh_extra), (english, en_extra))
            for a, b in spans
        ))
        flags.append(Flag(
            "number-mismatch", "warning",
            _("Numbers differ between the two languages: %(numbers)s") % {"numbers": shown},
            tuple(zh_extra), tuple(en_extra),
        ))
    names = [(m.group(), m.span()) for m in _NAME.finditer(translation)]
    missing = [span for name, span in names if name.lower() not in english.lower()]
    if missing:
        shown = ", ".join(dict.fromkeys(translation[a:b] for a, b in missing))
        flags.append(Flag(
            "name-mismatch", "warning",
            _("A name is spelt differently in the two languages: %(names)s") % {"names": shown},
            tuple(missing), (),
        ))
    return flags


def _numbers(text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(match.group().replace(",", ""), match.span()) for match in _NUMBER.finditer(text)]


def flags_of(episode, turns, reviews: dict[str, TurnReview]) -> dict[int, list[Flag]]:
    """The flags of ``turns`` (``(position, fingerprint, translation, english)``) of
    ``episode``, by position; ``reviews`` are its review rows by fingerprint."""
    bilingual = any(english for _, _, _, english in turns)
    flags = {}
    for position, fingerprint, translation, english in turns:
        found = found_flags(translation, english, bilingual=bilingual)
        if found:
            review = reviews.get(fingerprint)
            dismissed = set(review.dismissed_checks) if review else set()
            flags[position] = [
                dataclasses.replace(flag, dismissed=flag.check in dismissed) for flag in found
            ]
    return flags


def open_flag_counts(texts_by_episode: dict[int, list[tuple]], reviews) -> dict[int, int]:
    """Per episode, the turns with a flag nobody dismissed. ``texts_by_episode``:
    each episode's ``(position, fingerprint, translation, english)``; ``reviews``:
    review rows by (episode id, fingerprint)."""
    counts = {}
    for episode_id, turns in texts_by_episode.items():
        own = {fp: review for (pk, fp), review in reviews.items() if pk == episode_id}
        counts[episode_id] = sum(
            1 for flags in flags_of(None, turns, own).values()
            if any(not flag.dismissed for flag in flags)
        )
    return counts


def dismiss(episode, fingerprint: str, check: str, *, by) -> None:
    """Dismiss ``check`` on the turn with this text, as a false positive."""
    review, _created = TurnReview.objects.get_or_create(
        episode=episode, fingerprint=fingerprint, defaults={"by": _user(by)},
    )
    if check not in review.dismissed_checks:
        review.dismissed_checks = [*review.dismissed_checks, check]
        review.at = timezone.now()
        review.save(update_fields=["dismissed_checks", "at"])


def restore(episode, fingerprint: str, check: str) -> None:
    """Undo :func:`dismiss`."""
    review = TurnReview.objects.filter(episode=episode, fingerprint=fingerprint).first()
    if review is not None and check in review.dismissed_checks:
        review.dismissed_checks = [name for name in review.dismissed_checks if name != check]
        review.save(update_fields=["dismissed_checks"])


def _user(by):
    return by if getattr(by, "pk", None) else None
