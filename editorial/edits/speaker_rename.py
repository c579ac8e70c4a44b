"""Renaming a speaker label across one episode's turns, as one edit of its document.

The archive-wide renames and merges of names are ``editorial.names.merging``.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from archive import codec
from archive.models import Episode

from . import editing
from .transcript import TranscriptError, one_line


def rename_speaker(
    *, episode: Episode, by, version: int, old_label: str, new_label: str,
    in_originals: bool = True,
) -> int:
    """Rename a speaker label in every turn of the episode, as one edit.

    The new label links the turns to the Speaker of that name (created if needed)
    unless it is a role such as ``Speaker A``. With ``in_originals``, an original
    that opens with the same bold label (``**Speaker A**: …``) is renamed too.
    Returns how many turns changed.
    """
    new_label = one_line(new_label)
    if not new_label:
        raise TranscriptError(_("Give the new speaker label."))
    renamed = []

    def change(document: codec.Document) -> codec.Document:
        blocks = list(document.blocks)
        renamed[:] = [i for i, block in enumerate(blocks) if getattr(block, "label", None) == old_label]
        if not renamed:
            raise TranscriptError(
                _("No turn of this episode is labelled %(label)r.") % {"label": old_label}
            )
        for index in renamed:
            turn = blocks[index]
            english = turn.english.text if turn.english else None
            if in_originals and english:
                english = _relabelled(english, old_label, new_label)
            blocks[index] = codec.edited_turn(turn, label=new_label, text=turn.text, english=english)
        try:
            return codec.rebuilt(document, blocks)
        except codec.UnwritableBlock:
            raise TranscriptError(_(
                "The file cannot hold the speaker label %(label)r: it would read back "
                "differently (a label may not contain * or a colon followed by text, "
                "nor be longer than a speaker's name can be). Nothing was renamed."
            ) % {"label": new_label}) from None

    editing.edit(
        episode.pk, change, by=by, expected_version=version,
        summary=_("Renamed speaker %(old)s → %(new)s") % {"old": old_label, "new": new_label},
    )
    return len(renamed)


def _relabelled(text: str, old: str, new: str) -> str:
    block = codec.paragraph_block(text)
    if not isinstance(block, codec.Turn) or block.label != old or not block.label_open:
        return text
    return block.label_open + new + block.label_close + block.text
