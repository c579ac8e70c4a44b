"""The review view's edits of turns: change a turn's text, split one at the cursor,
merge one with the next, and undo any of these.

Each is one edit of the episode's document through ``editorial.edits.editing.edit``
(optimistic locking on the version the editor loaded, a revision, the review
state): the turns are rebuilt with the codec's ``edited_turn`` and ``new_turn``
and put in place with ``rebuilt``, which gives new blocks the file's own style, so
the exported file's diff is exactly the edit. The turns whose text changed are
approved by the editor unless they ask otherwise (``editorial.review.turns``).
"""
from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils.translation import gettext as _

from archive import codec

from editorial.edits import editing
from editorial.review import turns as turn_states


class TurnEditError(Exception):
    """An edit the review view must refuse; ``str()`` says why, for the editor."""


@dataclasses.dataclass(frozen=True)
class TurnText:
    translation: str
    english: str

    @classmethod
    def of(cls, block) -> TurnText:
        return cls(block.text or "", block.english.text if block.english else "")


@dataclasses.dataclass(frozen=True)
class Replaced:
    """What :func:`replace_turns` did: the new version, and the texts it replaced
    (for undo)."""

    version: int
    position: int
    before: list[TurnText]
    after: list[TurnText]


def replace_turns(
    episode, *, by, version: int, position: int, count: int, texts: list[TurnText],
    summary: str, approve: bool = True,
) -> Replaced:
    """Replace the ``count`` turns from block ``position`` by turns saying ``texts``.

    The first turns keep their rows and style (``edited_turn``); more texts than
    turns become new turns of the same speaker, fewer drop the turns left over.
    Raises ``EditConflict`` when ``version`` is not the episode's, and
    :class:`TurnEditError` for blocks that are not turns or texts the file could
    not hold.
    """
    if not texts or count < 1:
        raise TurnEditError(_("Nothing to change."))
    for text in texts:
        if not (text.translation.strip() or text.english.strip()):
            raise TurnEditError(_("A turn needs Chinese or English text."))
    kept = {}

    def change(document):
        blocks = list(document.blocks)
        old = blocks[position:position + count]
        if position < 0 or len(old) != count or not all(isinstance(b, codec.Turn) for b in old):
            raise TurnEditError(_("These are not turns of the transcript as it is now; reload."))
        made = [_made(old, index, text) for index, text in enumerate(texts)]
        try:
            after = codec.rebuilt(document, [*blocks[:position], *made, *blocks[position + count:]])
        except codec.UnwritableBlock:
            raise TurnEditError(_(
                "The file cannot hold this text as typed: a blank line would start a new "
                "turn, and an original may not contain </details>."
            )) from None
        kept.update(before=document, after=after, old=old)
        return after

    with transaction.atomic():
        edited = editing.edit(
            episode.pk, change, by=by, expected_version=version, summary=summary,
        )
        turn_states.note_edit(edited.episode, kept["before"], kept["after"], by=by, approve=approve)
    return Replaced(
        version=edited.version, position=position,
        before=[TurnText.of(turn) for turn in kept["old"]], after=list(texts),
    )


def _made(old: list, index: int, text: TurnText):
    """The block saying ``text`` at ``index`` of the replaced turns: the turn that
    was there in its own style, else a new turn of the first one's speaker."""
    translation, english = text.translation or None, text.english or None
    label = old[0].label
    if label and translation is None:
        raise TurnEditError(_("A speaker's turn needs Chinese text."))
    if index >= len(old):
        return codec.new_turn(label=label, text=translation, english=english)
    turn = old[index]
    if TurnText.of(turn) == text:
        return turn
    return codec.edited_turn(turn, label=turn.label, text=translation, english=english)


def split_text(text: str, at: int) -> tuple[str, str]:
    """``text`` cut at character ``at``, each side without the spaces at the cut."""
    at = max(0, min(len(text), at))
    return text[:at].rstrip(), text[at:].lstrip()


def joined(first: str, second: str, *, chinese: bool) -> str:
    """Two turns' texts as one: Chinese runs on, English takes a space."""
    if not first or not second:
        return first or second
    return first + second if chinese else f"{first} {second}"
