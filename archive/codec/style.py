"""The style of what an edit makes: the document's own, decided here, not by editors.

An editor builds a new turn, heading or original with :func:`new_turn`,
:func:`new_heading` and :func:`edited_turn`, which leave every style field it cannot
know ``UNSET``. :func:`rebuilt` puts the edited blocks into the document, gives each
``UNSET`` field the document's house style (the frame most of its blocks use, or the
format's usual one where it has none), keeps the file's ending on whichever block is
last, and refuses a block the file could not hold as built.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from .checks import reads_back
from .nodes import UNSET, Block, Document, English, Heading, Turn, edited, style_fields

_FALLBACK_LABEL = ("**", "**: ")


class UnwritableBlock(ValueError):
    """A block the file would not read back as built; ``index`` is its place."""

    def __init__(self, index: int):
        self.index = index
        super().__init__(f"block {index + 1} would not read back as written")


@dataclasses.dataclass(frozen=True)
class HouseStyle:
    """What a document's blocks mostly look like."""

    label_open: str = _FALLBACK_LABEL[0]
    label_close: str = _FALLBACK_LABEL[1]
    english_gap: str = "\n\n"
    english: English = English(text="")
    trailing: str = "\n\n"
    heading_gap: str = " "


def house_style(document: Document) -> HouseStyle:
    """The most common frame of each kind in ``document`` (ties: the first seen)."""
    labels, gaps, frames, trailings, heading_gaps = Counter(), Counter(), Counter(), Counter(), Counter()
    english_fields = style_fields(English)
    for block in document.blocks[:-1]:  # the last block's trailing is the file's ending
        trailings[block.trailing] += 1
    for block in document.blocks:
        if isinstance(block, Heading):
            heading_gaps[block.gap] += 1
        elif isinstance(block, Turn):
            if block.label and (block.label_open or block.label_close):
                labels[block.label_open, block.label_close] += 1
            if block.english is not None and block.english.verbatim is None:
                frames[tuple(getattr(block.english, name) for name in english_fields)] += 1
                if block.text is not None:
                    gaps[block.english_gap] += 1
    found = {}
    if labels:
        found["label_open"], found["label_close"] = _most_common(labels)
    if frames:
        found["english"] = English(text="", **dict(zip(english_fields, _most_common(frames))))
    for name, counter in (("english_gap", gaps), ("trailing", trailings), ("heading_gap", heading_gaps)):
        if counter:
            found[name] = _most_common(counter)
    return HouseStyle(**found)


def _most_common(counter: Counter):
    return counter.most_common(1)[0][0]


def new_turn(*, label: str, text: str | None, english: str | None) -> Turn:
    """A turn in the document's style once :func:`rebuilt`."""
    style = {name: UNSET for name in style_fields(Turn)}
    if not label:
        style.update(label_open="", label_close="")
    return Turn(
        text=text, label=label, english=None if english is None else _new_english(english),
        **style,
    )


def new_heading(*, level: int, text: str) -> Heading:
    return Heading(level=level, text=text, **{name: UNSET for name in style_fields(Heading)})


def edited_turn(turn: Turn, *, label: str, text: str | None, english: str | None) -> Turn:
    """``turn`` saying something else, in its own style where that still fits: a
    label needs a frame (narration's is empty), an original added needs one."""
    changes: dict = {"label": label, "text": text}
    if not label:
        changes.update(label_open="", label_close="")
    elif not turn.label or not (turn.label_open or turn.label_close):
        changes.update(label_open=UNSET, label_close=UNSET)
    if english is None:
        changes["english"] = None
    elif turn.english is None:
        changes.update(english=_new_english(english), english_gap=UNSET)
    elif turn.english.text != english:
        changes["english"] = edited(turn.english, text=english)
    return dataclasses.replace(turn, **changes)


def _new_english(text: str) -> English:
    return English(text=text, **{name: UNSET for name in style_fields(English)})


def rebuilt(document: Document, blocks: Sequence[Block]) -> Document:
    """``document`` with ``blocks`` as its body, every ``UNSET`` field in its style.

    Raises :class:`UnwritableBlock` for a block, new or changed, that the file would
    read back as something else; blocks as they were (same ``row``, equal) pass.
    """
    house = house_style(document)
    settled = [_settled(block, house) for block in blocks]
    _keep_ending(document.blocks, settled)
    by_row = {block.row: block for block in document.blocks if block.row is not None}
    as_parsed = {id(block) for block in document.blocks}
    for index, block in enumerate(settled):
        unchanged = id(block) in as_parsed or (
            block.row is not None and by_row.get(block.row) == block
        )
        if not unchanged and not _reads_back_in_place(settled, index):
            raise UnwritableBlock(index)
    return dataclasses.replace(document, blocks=tuple(settled))


def _reads_back_in_place(blocks: list[Block], index: int) -> bool:
    """The block reads back alone and beside each neighbour (a neighbour that does
    not read back even alone is a quirk of the file, not of this edit)."""
    block = blocks[index]
    if not reads_back(block):
        return False
    neighbours = [(blocks[index - 1], block)] if index else []
    if index + 1 < len(blocks):
        neighbours.append((block, blocks[index + 1]))
    return all(
        reads_back(*pair) for pair in neighbours
        if reads_back(pair[0] if pair[1] is block else pair[1])
    )


def _settled(block: Block, house: HouseStyle) -> Block:
    changes = {
        name: getattr(house, "heading_gap" if name == "gap" else name)
        for name in style_fields(type(block)) if getattr(block, name) is UNSET
    }
    english = getattr(block, "english", None)
    if english is not None:
        unset = [name for name in style_fields(English) if getattr(english, name) is UNSET]
        if unset:
            changes["english"] = dataclasses.replace(
                english, **{name: getattr(house.english, name) for name in unset}
            )
    return dataclasses.replace(block, **changes) if changes else block


def _keep_ending(old: Sequence[Block], new: list[Block]) -> None:
    """The file's last block owns its ending (often no final newline): when another
    block becomes last, the two swap their endings (spaces aside, where the new last
    block would take them for its text)."""
    if not old or not new or _same_row(old[-1], new[-1]):
        return
    ending, ordinary = old[-1].trailing, new[-1].trailing
    last = dataclasses.replace(new[-1], trailing=ending)
    if not reads_back(last, at_end=True):
        last = dataclasses.replace(new[-1], trailing=ending.strip(" \t"))
    new[-1] = last
    for index, block in enumerate(new[:-1]):
        if _same_row(old[-1], block):
            new[index] = dataclasses.replace(block, trailing=ordinary)


def _same_row(a: Block, b: Block) -> bool:
    return a is b or (a.row is not None and a.row == b.row)
