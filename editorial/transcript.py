"""The transcript editor's logic: an episode's blocks as editable rows, and a save that
writes only the rows that changed.

The editor posts every row in its new order: ``row`` values ``t<id>:<position>``
(an existing turn, comment or raw block), ``h<id>:<position>`` (an existing heading),
``n<k>`` (a new turn) or ``m<k>`` (a new heading), each with fields named
``<key>-label``, ``-tr``, ``-en``, ``-title``, ``-level`` and ``-del``. The position is
where the row was when the page was loaded; a conflicting save uses it to find the
row in the revision the editor started from.

A save keeps the file's style: it changes only the label, translation, original and
heading title of edited rows, and gives a new row the style of its neighbours, so the
exported file differs from the last one only where the editor changed something.
"""
from __future__ import annotations

import contextlib
import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from archive.codec import Heading as HeadingBlock
from archive.codec import Turn as TurnBlock
from archive.codec import paragraph_block, parse, reads_back
from archive.content.named import ensure_speakers
from archive.content.store import block_of, person_speaking
from archive.models import Episode, Heading, Turn

from . import editing

_KEY = re.compile(r"([thnm])(\d{1,12})")
# Added to positions while rows move, so no two rows ever share a position.
_SHIFT = 1_000_000_000
_BATCH = 250
_LABEL_STYLE = ("label_open", "label_close")
_ENGLISH_STYLE = (
    "summary", "opener", "gap_open", "summary_close", "gap_before", "p_open", "p_close",
    "gap_after", "english_gap",
)
_DEFAULT_LABEL_STYLE = {"label_open": "**", "label_close": "**: "}
_DEFAULT_TRAILING = "\n\n"


class TranscriptError(Exception):
    """A save the editor must correct (an emptied turn, a form that lacks rows)."""


@dataclasses.dataclass
class Row:
    """One row as posted, or as shown on the page."""

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
    theirs: Row | None = None
    note: str = ""

    @property
    def is_new(self) -> bool:
        return self.key[0] in "nm"

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"

    @property
    def pk(self) -> int:
        return int(self.key[1:])

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
class SaveReport:
    """What one save wrote, for the message and the tests."""

    version: int = 0
    turns_changed: int = 0
    turns_added: int = 0
    turns_deleted: int = 0
    headings_changed: int = 0
    headings_added: int = 0
    headings_deleted: int = 0

    @property
    def nothing(self) -> bool:
        return not any(
            getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "version"
        )

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


# Reading -----------------------------------------------------------------------------

def rows_of(episode: Episode) -> list[Row]:
    """Every block of the episode as a row, in file order (two queries)."""
    headings = Heading.objects.filter(episode=episode).only("pk", "position", "level", "title")
    turns = Turn.objects.filter(episode=episode).only(
        "pk", "position", "kind", "speaker_label", "translation", "english", "verbatim"
    )
    rows = [_heading_row(h) for h in headings] + [_turn_row(t) for t in turns]
    return sorted(rows, key=lambda row: row.position)


def _heading_row(heading: Heading) -> Row:
    return Row(
        key=f"h{heading.pk}", kind="heading", position=heading.position,
        title=heading.title, level=heading.level,
    )


def _turn_row(turn: Turn) -> Row:
    if turn.kind != Turn.Kind.TURN:
        return Row(
            key=f"t{turn.pk}", kind=turn.kind, position=turn.position,
            verbatim=turn.verbatim or "",
        )
    return Row(
        key=f"t{turn.pk}", position=turn.position, label=turn.speaker_label,
        translation=turn.translation or "", english=turn.english or "",
    )


def rows_from_post(data) -> list[Row]:
    """The rows of a posted editor form, in the order they were posted."""
    rows = []
    for token in data.getlist("row"):
        key, position = token.partition(":")[::2]
        match = _KEY.fullmatch(key)
        if not match or (position and not position.isdigit()):
            raise TranscriptError(
                _("The form holds a row it cannot read (%(token)r); reload the editor.")
                % {"token": token}
            )
        prefix = f"{key}-"
        kind = "heading" if key[0] in "hm" else data.get(prefix + "kind", "turn")
        rows.append(Row(
            key=key, kind=kind if kind in {"turn", "heading", "comment", "raw"} else "turn",
            position=int(position) if position else None,
            label=_line(data.get(prefix + "label", "")),
            translation=_text(data.get(prefix + "tr", "")),
            english=_text(data.get(prefix + "en", "")),
            title=_line(data.get(prefix + "title", "")),
            level=_level(data.get(prefix + "level")),
            delete=bool(data.get(prefix + "del")),
        ))
    return rows


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _line(value: str) -> str:
    return " ".join(value.split())


def _level(value) -> int:
    try:
        return min(max(int(value), 1), 6)
    except (TypeError, ValueError):
        return 3


# Saving ------------------------------------------------------------------------------

def save_transcript(*, episode: Episode, by, version: int, rows: Sequence[Row]) -> SaveReport:
    """Apply the posted rows; raise ``EditConflict`` if ``version`` is stale.

    Writes only rows whose text, speaker, section or position changed: a one-turn
    edit is one UPDATE of one turn. Nothing is written, and no revision kept, when
    nothing changed.
    """
    report = SaveReport()
    with editing.edit(episode.pk, by=by, expected_version=version, summary="") as session:
        plan = _Plan(session.episode, _moved(rows, session.moved_keys))
        plan.apply(report)
        session.file_changed = not report.nothing
        session.summary = _("Transcript: %(report)s") % {"report": report}
    report.version = session.episode.version
    return report


def _moved(rows: Sequence[Row], keys: dict[str, str]) -> list[Row]:
    """The rows with the keys of the working copy the save has just made."""
    return [dataclasses.replace(row, key=keys.get(row.key, row.key)) for row in rows]


@contextlib.contextmanager
def applied_unsaved(*, episode: Episode, rows: Sequence[Row]) -> Iterator[None]:
    """Inside the block, the rows of ``episode`` (what the editor edits: the episode
    or its working copy) are as the posted rows would make them; on leaving,
    everything is rolled back: nothing is saved, whatever happens."""
    with transaction.atomic():
        locked = Episode.with_working_copies.select_for_update().get(pk=episode.pk)
        _Plan(locked, rows).apply(SaveReport())
        try:
            yield
        finally:
            transaction.set_rollback(True)


def preview_text(*, episode: Episode, rows: Sequence[Row]) -> str:
    """The file the posted rows would give, without saving anything."""
    with applied_unsaved(episode=episode, rows=rows):
        return editing.render_episode(episode.pk)


class _Plan:
    """The rows of one episode, the posted order, and what must be written."""

    def __init__(self, episode: Episode, rows: Sequence[Row]):
        self.episode = episode
        self.turns = {t.pk: t for t in Turn.objects.filter(episode=episode)}
        self.headings = {h.pk: h for h in Heading.objects.filter(episode=episode)}
        self.rows = list(rows)
        self._check_complete()

    def _check_complete(self) -> None:
        posted_turns = [row.pk for row in self.rows if row.key[0] == "t"]
        posted_headings = [row.pk for row in self.rows if row.key[0] == "h"]
        if (
            sorted(posted_turns) != sorted(self.turns)
            or sorted(posted_headings) != sorted(self.headings)
        ):
            raise TranscriptError(_(
                "The form does not hold every row of the transcript as it is now; "
                "reload the editor (your text is below to copy)."
            ))

    def apply(self, report: SaveReport) -> None:
        sequence = []  # (row, model instance) in the new order
        for index, row in enumerate(self.rows):
            if row.delete:
                continue
            obj = self._object_for(row, index)
            if obj is not None:
                _check_reads_back(obj, index + 1)
                sequence.append((row, obj))
        self._keep_final_trailing(sequence)
        for position, (_row, obj) in enumerate(sequence):
            obj._new_position = position
        self._assign_sections(sequence)
        self._link_speakers(sequence)
        self._write(sequence, report)

    def _object_for(self, row: Row, index: int):
        number = index + 1
        if row.key[0] == "h":
            heading = self.headings[row.pk]
            if not row.title:
                raise TranscriptError(
                    _("Row %(number)s: a heading needs a title (or tick Delete).") % {"number": number}
                )
            heading._changed = {
                name for name, value in (("title", row.title), ("level", row.level))
                if getattr(heading, name) != value
            }
            heading.title, heading.level = row.title, row.level
            return heading
        if row.key[0] == "m":
            if not row.title:
                return None  # an added heading left empty
            heading = Heading(
                episode=self.episode, title=row.title, level=row.level,
                style=self._neighbour_heading_style(index),
            )
            heading._changed = set()
            return heading
        if row.key[0] == "t":
            turn = self.turns[row.pk]
            turn._changed = set()
            if turn.kind == Turn.Kind.TURN:
                self._edit_turn(turn, row, number)
            return turn
        if not (row.translation.strip() or row.english.strip()):
            return None  # an added turn left empty
        turn = Turn(episode=self.episode, kind=Turn.Kind.TURN, style={})
        turn._changed = set()
        turn.style = self._neighbour_turn_style(index, english=bool(row.english))
        turn.speaker_label, turn.translation = row.label, row.translation or None
        turn.english = row.english or None
        if row.label and turn.translation is None:
            raise TranscriptError(
                _("Row %(number)s: a speaker label needs Chinese text after it.") % {"number": number}
            )
        self._fit_label_style(turn, index)
        return turn

    def _edit_turn(self, turn: Turn, row: Row, number: int) -> None:
        # An emptied box removes the original (or the translation, leaving the
        # original alone); a box that was empty and stays empty changes nothing.
        if row.english or turn.english in (None, ""):
            english = row.english or turn.english
        else:
            english = None
        if row.translation or turn.translation in (None, ""):
            translation = row.translation or turn.translation
        else:
            translation = None if english is not None else ""
        if (row.label, translation, english) == (turn.speaker_label, turn.translation, turn.english):
            return  # untouched: kept as the file has it, even a label with no text
        if not (translation or english):
            raise TranscriptError(
                _("Row %(number)s: the turn is empty; tick Delete to remove it.") % {"number": number}
            )
        if row.label and translation is None:
            raise TranscriptError(
                _("Row %(number)s: a speaker label needs Chinese text after it.") % {"number": number}
            )
        changes = {
            "speaker_label": row.label, "translation": translation, "english": english,
        }
        for name, value in changes.items():
            if getattr(turn, name) != value:
                setattr(turn, name, value)
                turn._changed.add(name)
        if "english" in turn._changed and english is not None and not self._has_english_style(turn):
            turn.style = {**turn.style, **self._english_style_near(turn.position)}
            turn._changed.add("style")
        if "speaker_label" in turn._changed:
            self._fit_label_style(turn, None)

    # Style of new and relabelled rows -------------------------------------------------

    def _neighbours(self, index: int, model) -> Iterable:
        """Existing rows of ``model`` nearest to ``index`` in the posted order."""
        for distance in range(1, len(self.rows)):
            for other in (index - distance, index + distance):
                if 0 <= other < len(self.rows):
                    row = self.rows[other]
                    if model is Turn and row.key[0] == "t":
                        turn = self.turns[row.pk]
                        if turn.kind == Turn.Kind.TURN:
                            yield turn
                    elif model is Heading and row.key[0] == "h":
                        yield self.headings[row.pk]

    def _neighbour_turn_style(self, index: int, *, english: bool) -> dict:
        near = list(itertools.islice(self._neighbours(index, Turn), 20))
        if english:
            with_english = [t for t in near if t.english is not None and t.verbatim is None]
            near = with_english or near
        if not near:
            return {}
        style = dict(near[0].style)
        style.pop("trailing", None)
        if near[0] is not self._old_last():
            # The neighbour's own blank lines, unless it is the file's ending.
            style.update({"trailing": near[0].style["trailing"]} if "trailing" in near[0].style else {})
        return style

    def _neighbour_heading_style(self, index: int) -> dict:
        near = next(iter(self._neighbours(index, Heading)), None)
        style = dict(near.style) if near else {}
        style.pop("trailing", None)
        return style

    def _old_last(self):
        return max(self._all_existing(), key=lambda obj: obj.position, default=None)

    def _has_english_style(self, turn: Turn) -> bool:
        return any(key in turn.style for key in _ENGLISH_STYLE if key != "english_gap")

    def _english_style_near(self, position: int) -> dict:
        candidates = [
            t for t in self.turns.values()
            if t.english is not None and t.verbatim is None and t.kind == Turn.Kind.TURN
        ]
        if not candidates:
            return {}
        near = min(candidates, key=lambda t: abs(t.position - position))
        return {key: value for key, value in near.style.items() if key in _ENGLISH_STYLE}

    def _fit_label_style(self, turn: Turn, index: int | None) -> None:
        """A label needs its bold and colon; narration must have none."""
        style = dict(turn.style)
        if turn.speaker_label and not style.get("label_open") and not style.get("label_close"):
            labelled = [
                t for t in self.turns.values()
                if t.speaker_label and (t.style.get("label_open") or t.style.get("label_close"))
            ]
            if labelled:
                where = turn.position if turn.pk else index
                near = min(labelled, key=lambda t: abs(t.position - (where or 0)))
                style.update({key: near.style.get(key, "") for key in _LABEL_STYLE})
            else:
                style.update(_DEFAULT_LABEL_STYLE)
        elif not turn.speaker_label:
            for key in _LABEL_STYLE:
                style.pop(key, None)
        if style != turn.style:
            turn.style = style
            turn._changed.add("style")

    def _keep_final_trailing(self, sequence) -> None:
        """The file's last block owns its ending (often no final newline): when another
        block becomes last, the two swap their endings."""
        old_last = self._old_last()
        if old_last is None or not sequence:
            return
        new_last = sequence[-1][1]
        if new_last is old_last:
            return
        ending = old_last.style.get("trailing", _DEFAULT_TRAILING)
        ordinary = new_last.style.get("trailing", _DEFAULT_TRAILING)
        self._set_trailing(new_last, ending)
        if any(obj is old_last for _, obj in sequence):
            self._set_trailing(old_last, ordinary)

    def _set_trailing(self, obj, trailing: str) -> None:
        style = dict(obj.style)
        style["trailing"] = trailing
        if trailing == _DEFAULT_TRAILING:
            del style["trailing"]
        if style != obj.style:
            obj.style = style
            obj._changed.add("style")

    def _all_existing(self):
        yield from self.headings.values()
        yield from self.turns.values()

    # Sections and speakers --------------------------------------------------------------

    def _assign_sections(self, sequence) -> None:
        section = None
        for _row, obj in sequence:
            if isinstance(obj, Heading):
                section = obj
            elif obj.pk is None:
                obj._section = section
            elif section is None or section.pk is None or obj.heading_id != section.pk:
                if section is not None or obj.heading_id is not None:
                    obj._section = section
                    obj._changed.add("heading")

    def _link_speakers(self, sequence) -> None:
        relabelled = [
            obj for _, obj in sequence
            if isinstance(obj, Turn) and (obj.pk is None or "speaker_label" in obj._changed)
        ]
        names = [(turn, person_speaking(turn.speaker_label)) for turn in relabelled]
        speakers = ensure_speakers(name for _, name in names if name)
        for turn, name in names:
            speaker = speakers.get(name)
            if turn.speaker_id != (speaker.pk if speaker else None):
                turn.speaker = speaker
                if turn.pk:
                    turn._changed.add("speaker")

    # Writing ----------------------------------------------------------------------------

    def _write(self, sequence, report: SaveReport) -> None:
        kept = {id(obj) for _, obj in sequence}
        gone_turns = [t.pk for t in self.turns.values() if id(t) not in kept]
        gone_headings = [h.pk for h in self.headings.values() if id(h) not in kept]
        moved_turns = [
            obj.pk for _, obj in sequence
            if isinstance(obj, Turn) and obj.pk and obj.position != obj._new_position
        ]
        moved_headings = [
            obj.pk for _, obj in sequence
            if isinstance(obj, Heading) and obj.pk and obj.position != obj._new_position
        ]
        if gone_turns:
            Turn.objects.filter(pk__in=gone_turns).delete()
        if gone_headings:
            Heading.objects.filter(pk__in=gone_headings).delete()
        # Out of the way first, so no two rows share a position at any moment.
        if moved_turns:
            Turn.objects.filter(pk__in=moved_turns).update(position=F("position") + _SHIFT)
        if moved_headings:
            Heading.objects.filter(pk__in=moved_headings).update(position=F("position") + _SHIFT)
        for _row, obj in sequence:
            if obj.pk and obj.position != obj._new_position:
                obj._changed.add("position")
            obj.position = obj._new_position

        new_headings = [obj for _, obj in sequence if isinstance(obj, Heading) and not obj.pk]
        changed_headings = [
            obj for _, obj in sequence if isinstance(obj, Heading) and obj.pk and obj._changed
        ]
        new_turns = [obj for _, obj in sequence if isinstance(obj, Turn) and not obj.pk]
        changed_turns = [
            obj for _, obj in sequence if isinstance(obj, Turn) and obj.pk and obj._changed
        ]
        Heading.objects.bulk_create(new_headings, batch_size=_BATCH)
        for _row, obj in sequence:  # the new headings have their keys now
            if isinstance(obj, Turn) and hasattr(obj, "_section"):
                obj.heading = obj._section
        _bulk_update(Heading, changed_headings)
        Turn.objects.bulk_create(new_turns, batch_size=_BATCH)
        _bulk_update(Turn, changed_turns)

        report.turns_changed = len(changed_turns)
        report.turns_added = len(new_turns)
        report.turns_deleted = len(gone_turns)
        report.headings_changed = len(changed_headings)
        report.headings_added = len(new_headings)
        report.headings_deleted = len(gone_headings)


def _check_reads_back(obj, number: int) -> None:
    """Refuse an edited row that the file would not give back as typed."""
    if obj.pk and not obj._changed:
        return
    if not reads_back(block_of(obj)):
        raise TranscriptError(_(
            "Row %(number)s: the file cannot hold this as typed and would read it back "
            "differently. A blank line starts a new turn; a turn may not begin with |, <, "
            "a space, --- or [BODY_; put a speaker in the speaker box, not in the text; "
            "an original may not contain </details>."
        ) % {"number": number})


def _bulk_update(model, objs) -> None:
    """One UPDATE per group of rows that changed the same columns."""
    groups: dict[tuple[str, ...], list] = {}
    for obj in objs:
        groups.setdefault(tuple(sorted(obj._changed)), []).append(obj)
    for names, members in groups.items():
        model.objects.bulk_update(members, list(names), batch_size=_BATCH)


# Speaker rename ----------------------------------------------------------------------

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
    new_label = _line(new_label)
    if not new_label:
        raise TranscriptError(_("Give the new speaker label."))
    with editing.edit(
        episode.pk, by=by, expected_version=version,
        summary=_("Renamed speaker %(old)s → %(new)s") % {"old": old_label, "new": new_label},
    ) as session:
        turns = list(Turn.objects.filter(episode=session.episode, speaker_label=old_label))
        if not turns:
            raise TranscriptError(
                _("No turn of this episode is labelled %(label)r.") % {"label": old_label}
            )
        name = person_speaking(new_label)
        speaker = ensure_speakers([name])[name] if name else None
        changed = set()
        for turn in turns:
            turn.speaker_label, turn.speaker = new_label, speaker
            changed |= {"speaker_label", "speaker"}
            if in_originals and turn.english:
                english = _relabelled(turn.english, old_label, new_label)
                if english != turn.english:
                    turn.english = english
                    changed.add("english")
        for turn in turns:
            if not reads_back(block_of(turn)):
                raise TranscriptError(_(
                    "The file cannot hold the speaker label %(label)r: it would read back "
                    "differently (a label may not contain * or a colon followed by text, "
                    "nor be longer than a speaker's name can be). Nothing was renamed."
                ) % {"label": new_label})
        Turn.objects.bulk_update(turns, sorted(changed), batch_size=_BATCH)
        session.file_changed = new_label != old_label or "english" in changed
    return len(turns)


def _relabelled(text: str, old: str, new: str) -> str:
    block = paragraph_block(text)
    if not isinstance(block, TurnBlock) or block.label != old or not block.label_open:
        return text
    return block.label_open + new + block.label_close + block.text


def labels_of(rows: Iterable[Row]) -> list[str]:
    """The episode's speaker labels, most used first."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.kind == "turn" and row.label:
            counts[row.label] = counts.get(row.label, 0) + 1
    return sorted(counts, key=lambda label: (-counts[label], label))


# After a refused save ---------------------------------------------------------------

def rebase(mine: Sequence[Row], *, base_text: str | None, episode: Episode) -> list[Row]:
    """The editor's rows laid over the episode as it is now, to merge and save again.

    A row the editor left as it was in the revision they loaded shows the other
    editor's text; a row only the editor changed keeps theirs; a row both changed
    keeps the editor's and carries the other's in ``theirs``. Rows the other editor
    added appear (marked) after the row they follow; a row they deleted that this
    editor changed comes back as a new row. Nothing either typed is dropped.
    """
    base_blocks = parse(base_text).blocks if base_text is not None else ()
    current = {row.key: row for row in rows_of(episode)}
    posted_keys = {row.key for row in mine}
    merged: list[Row] = []
    new_number = 0
    for row in mine:
        if row.is_new:
            merged.append(row)
            continue
        now = current.get(row.key)
        base = _base_row(base_blocks, row)
        mine_changed = base is None or not _same_text(row, base)
        if now is None:
            if mine_changed and row.kind in {"turn", "heading"} and not row.delete:
                new_number += 1
                prefix = "m" if row.is_heading else "n"
                merged.append(dataclasses.replace(
                    row, key=f"{prefix}9{new_number:05d}", position=None,
                    note=_("The other editor deleted this row; your text is kept as a new row."),
                ))
            continue
        theirs_changed = base is None or not _same_text(now, base)
        if not mine_changed:
            merged.append(dataclasses.replace(now, delete=row.delete, note=(
                _("Changed by the other editor.") if theirs_changed else ""
            )))
        elif theirs_changed and not _same_text(row, now):
            merged.append(dataclasses.replace(
                row, position=now.position, theirs=now,
                note=_("Both of you changed this row: yours is in the box, theirs beside it."),
            ))
        else:
            merged.append(dataclasses.replace(row, position=now.position))
    # Rows the other editor added go after the row that precedes them now.
    previous = None
    for key, row in current.items():
        if key not in posted_keys:
            at = next((i + 1 for i, r in enumerate(merged) if r.key == previous), 0)
            merged.insert(at, dataclasses.replace(row, note=_("Added by the other editor.")))
        previous = key
    return merged


def _base_row(blocks, row: Row) -> Row | None:
    if row.position is None or row.position >= len(blocks):
        return None
    block = blocks[row.position]
    if isinstance(block, HeadingBlock):
        return Row(key="", kind="heading", title=block.text, level=block.level)
    if isinstance(block, TurnBlock):
        return Row(
            key="", label=block.label, translation=block.text or "",
            english=block.english.text if block.english else "",
        )
    return Row(key="", kind="comment" if block.text.startswith("<!--") else "raw", verbatim=block.text)


def _same_text(a: Row, b: Row) -> bool:
    if a.is_heading or b.is_heading:
        return a.is_heading == b.is_heading and (a.title, a.level) == (b.title, b.level)
    if a.kind != "turn" or b.kind != "turn":
        return a.kind == b.kind and a.delete == b.delete
    return (a.label, a.translation, a.english) == (b.label, b.translation, b.english)
