"""The transcript editor: an episode's document as editable form rows, and the
posted rows back into a document.

The editor posts every row in its new order: ``row`` values ``t<id>:<position>``
(an existing turn, comment or raw block), ``h<id>:<position>`` (an existing heading),
``n<k>`` (a new turn) or ``m<k>`` (a new heading), each with fields named
``<key>-label``, ``-tr``, ``-en``, ``-title``, ``-level`` and ``-del``. The id is the
block's row (for changes held for review, the pending document's key of the block,
``editorial.review.held``); the position is where the row was when the page was loaded, which a
conflicting save uses to find the row in the revision the editor started from.

This module only says what the editor means by a row. The codec shapes the blocks
(``new_turn``, ``edited_turn``) and gives them the file's style (``rebuilt``, which
also refuses what the file could not hold); the store writes the blocks that
changed. So the exported file differs from the last one only where the editor
changed something.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from archive import codec
from archive.content.store import Written
from archive.models import Episode
from archive.site import params

from editorial.review import held
from editorial.review import turns as turn_states

from . import editing

_KEY = re.compile(r"([thnm])(\d{1,12})")
_UNREADABLE = gettext_lazy(
    "Row %(number)s: the file cannot hold this as typed and would read it back "
    "differently. A blank line starts a new turn; a turn may not begin with |, <, "
    "a space, --- or [BODY_; put a speaker in the speaker box, not in the text; "
    "an original may not contain </details>."
)


class TranscriptError(Exception):
    """A save the editor must correct (an emptied turn, a form that lacks rows)."""


@dataclasses.dataclass
class EditorRow:
    """One row of the editor's form, as posted or as shown on the page (not a
    database row: a block's ``row`` is the id of that)."""

    key: str
    kind: str = "turn"  # turn, heading, comment or raw
    position: int | None = None  # where it was when the page was loaded
    label: str = ""
    translation: str = ""
    english: str = ""
    title: str = ""
    level: int = 3
    delete: bool = False
    verbatim: str = ""
    # Shown after a refused save: the other editor's text of this row, and why.
    theirs: EditorRow | None = None
    note: str = ""

    @property
    def is_new(self) -> bool:
        return self.key[0] in "nm"

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"

    @property
    def translation_rows(self) -> int:
        return _box_rows(self.translation)

    @property
    def english_rows(self) -> int:
        return _box_rows(self.english)

    @property
    def token(self) -> str:
        return self.key if self.position is None else f"{self.key}:{self.position}"


# Columns of Latin text a box holds per line at the editor's narrowest layout.
_BOX_COLUMNS = 36


def _box_rows(text: str) -> int:
    """Lines the text fills: a CJK character takes two columns, so Chinese needs twice
    the lines of Latin text of the same length (the stylesheet sizes the box to its
    text where the browser can; this is the fallback)."""
    lines = 0
    for line in text.split("\n"):
        width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
        lines += max(1, -(-width // _BOX_COLUMNS))
    return min(40, max(2, lines))




@dataclasses.dataclass
class SaveReport(Written):
    """What one save wrote, for the message and the tests."""

    version: int = 0

    @classmethod
    def of(cls, written: Written) -> SaveReport:
        return cls(**dataclasses.asdict(written))

    @property
    def nothing(self) -> bool:
        return not any(getattr(self, f.name) for f in dataclasses.fields(Written))

    def __str__(self) -> str:
        parts = [
            (self.turns_changed, ngettext_lazy("%(n)s turn changed", "%(n)s turns changed", "n")),
            (self.turns_added, ngettext_lazy("%(n)s turn added", "%(n)s turns added", "n")),
            (self.turns_deleted, ngettext_lazy("%(n)s turn deleted", "%(n)s turns deleted", "n")),
            (self.headings_changed,
             ngettext_lazy("%(n)s heading changed", "%(n)s headings changed", "n")),
            (self.headings_added, ngettext_lazy("%(n)s heading added", "%(n)s headings added", "n")),
            (self.headings_deleted,
             ngettext_lazy("%(n)s heading deleted", "%(n)s headings deleted", "n")),
        ]
        said = [phrase % {"n": n} for n, phrase in parts if n]
        return ", ".join(said) or _("no changes")


# Document -> rows ---------------------------------------------------------------------

def rows_of(episode: Episode) -> list[EditorRow]:
    """Every block of what editors see of the episode (its pending document where
    edits are held) as a row, in file order."""
    return [
        row_of(block, _key(block), position)
        for position, block in enumerate(held.working_document(episode).blocks)
    ]


def _key(block) -> str:
    return f"{'h' if isinstance(block, codec.Heading) else 't'}{block.row}"


def row_of(block, key: str, position: int | None) -> EditorRow:
    if isinstance(block, codec.Heading):
        return EditorRow(key=key, kind="heading", position=position, title=block.text, level=block.level)
    if isinstance(block, codec.Turn):
        return EditorRow(
            key=key, position=position, label=block.label, translation=block.text or "",
            english=block.english.text if block.english else "",
        )
    kind = "comment" if isinstance(block, codec.Comment) else "raw"
    return EditorRow(key=key, kind=kind, position=position, verbatim=block.text)


def rows_from_post(data) -> list[EditorRow]:
    """The rows of a posted editor form, in the order they were posted."""
    rows = []
    for token in data.getlist("row"):
        key, position = token.partition(":")[::2]
        match = _KEY.fullmatch(key)
        try:
            position = params.number(position, name="position", low=0) if position else None
        except params.BadNumber:
            match = None
        if not match:
            raise TranscriptError(
                _("The form holds a row it cannot read (%(token)r); reload the editor.")
                % {"token": token}
            )
        prefix = f"{key}-"
        kind = "heading" if key[0] in "hm" else data.get(prefix + "kind", "turn")
        rows.append(EditorRow(
            key=key, kind=kind if kind in {"turn", "heading", "comment", "raw"} else "turn",
            position=position,
            label=one_line(data.get(prefix + "label", "")),
            translation=_text(data.get(prefix + "tr", "")),
            english=_text(data.get(prefix + "en", "")),
            title=one_line(data.get(prefix + "title", "")),
            level=_level(data.get(prefix + "level")),
            delete=bool(data.get(prefix + "del")),
        ))
    return rows


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def one_line(value: str) -> str:
    return " ".join(value.split())


def _level(value) -> int:
    try:
        return min(max(int(value), 1), 6)
    except (TypeError, ValueError):
        return 3


# Rows -> document ---------------------------------------------------------------------

def edited_document(document: codec.Document, rows: Sequence[EditorRow]) -> codec.Document:
    """``document`` as the posted rows make it (nothing is saved)."""
    blocks = {_key(block): block for block in document.blocks}
    if sorted(row.key for row in rows if not row.is_new) != sorted(blocks):
        raise TranscriptError(_(
            "The form does not hold every row of the transcript as it is now; "
            "reload the editor (your text is below to copy)."
        ))
    edited, numbers = [], []
    for number, row in enumerate(rows, 1):
        block = None if row.delete else _block_of(row, blocks.get(row.key), number)
        if block is not None:
            edited.append(block)
            numbers.append(number)
    try:
        return codec.rebuilt(document, edited)
    except codec.UnwritableBlock as error:
        raise TranscriptError(_UNREADABLE % {"number": numbers[error.index]}) from None


def _block_of(row: EditorRow, block, number: int):
    """The block a row stands for, or None for a new row left empty."""
    if row.is_heading:
        if not row.title and row.is_new:
            return None
        if not row.title:
            raise TranscriptError(
                _("Row %(number)s: a heading needs a title (or tick Delete).") % {"number": number}
            )
        if block is None:
            return codec.new_heading(level=row.level, text=row.title)
        return dataclasses.replace(block, text=row.title, level=row.level)
    if block is None:
        if not (row.translation.strip() or row.english.strip()):
            return None
        _check_label(row.label, row.translation or None, number)
        return codec.new_turn(
            label=row.label, text=row.translation or None, english=row.english or None
        )
    return _edited_turn(block, row, number) if isinstance(block, codec.Turn) else block


def _edited_turn(turn: codec.Turn, row: EditorRow, number: int) -> codec.Turn:
    # An emptied box removes the original (or the translation, leaving the original
    # alone); a box that was empty and stays empty changes nothing.
    english_was = turn.english.text if turn.english else None
    if row.english or english_was in (None, ""):
        english = row.english or english_was
    else:
        english = None
    if row.translation or turn.text in (None, ""):
        translation = row.translation or turn.text
    else:
        translation = None if english is not None else ""
    if (row.label, translation, english) == (turn.label, turn.text, english_was):
        return turn  # untouched: kept as the file has it, even a label with no text
    if not (translation or english):
        raise TranscriptError(
            _("Row %(number)s: the turn is empty; tick Delete to remove it.") % {"number": number}
        )
    _check_label(row.label, translation, number)
    return codec.edited_turn(turn, label=row.label, text=translation, english=english)


def _check_label(label: str, translation: str | None, number: int) -> None:
    if label and translation is None:
        raise TranscriptError(
            _("Row %(number)s: a speaker label needs Chinese text after it.") % {"number": number}
        )


def save_transcript(*, episode: Episode, by, version: int, rows: Sequence[EditorRow]) -> SaveReport:
    """Apply the posted rows; raise ``EditConflict`` if ``version`` is stale.

    Writes only the blocks whose text, speaker, section or position changed: a
    one-turn edit is one UPDATE of one turn. Nothing is written, and no revision
    kept, when nothing changed.
    """
    documents = {}

    def change(document):
        documents["before"], documents["after"] = document, edited_document(document, rows)
        return documents["after"]

    with transaction.atomic():
        edited = editing.edit(
            episode.pk, change, by=by, expected_version=version,
            summary=lambda written: _("Transcript: %(report)s") % {"report": SaveReport.of(written)},
        )
        if edited.changed:  # a person's edit approves the turns it changed
            turn_states.note_edit(edited.episode, documents["before"], documents["after"], by=by)
    report = SaveReport.of(edited.written)
    report.version = edited.version
    return report


def labels_of(rows: Iterable[EditorRow]) -> list[str]:
    """The episode's speaker labels, most used first."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.kind == "turn" and row.label:
            counts[row.label] = counts.get(row.label, 0) + 1
    return sorted(counts, key=lambda label: (-counts[label], label))
