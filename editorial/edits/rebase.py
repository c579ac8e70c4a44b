"""After a refused save: the editor's rows laid over the episode as another editor
left it, so that nothing either of them typed is lost."""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.utils.translation import gettext as _

from archive import codec
from archive.models import Episode

from .transcript import EditorRow, row_of, rows_of


def rebase(mine: Sequence[EditorRow], *, base_text: str | None, episode: Episode) -> list[EditorRow]:
    """The editor's rows laid over the episode as it is now, to merge and save again.

    A row the editor left as it was in the revision they loaded shows the other
    editor's text; a row only the editor changed keeps theirs; a row both changed
    keeps the editor's and carries the other's in ``theirs``. Rows the other editor
    added appear (marked) after the row they follow; a row they deleted that this
    editor changed comes back as a new row. Nothing either typed is dropped.
    """
    base_blocks = codec.parse(base_text).blocks if base_text is not None else ()
    current = {row.key: row for row in rows_of(episode)}
    posted_keys = {row.key for row in mine}
    merged: list[EditorRow] = []
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


def _base_row(blocks, row: EditorRow) -> EditorRow | None:
    if row.position is None or row.position >= len(blocks):
        return None
    return row_of(blocks[row.position], "", None)


def _same_text(a: EditorRow, b: EditorRow) -> bool:
    if a.is_heading or b.is_heading:
        return a.is_heading == b.is_heading and (a.title, a.level) == (b.title, b.level)
    if a.kind != "turn" or b.kind != "turn":
        return a.kind == b.kind and a.delete == b.delete
    return (a.label, a.translation, a.english) == (b.label, b.translation, b.english)
