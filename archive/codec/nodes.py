"""The document tree: frozen dataclasses in which every byte has exactly one owner.

A ``Document`` is a BOM flag, a newline style, a ``FrontMatter`` and a tuple of body
blocks. Each block owns its own text and the blank lines that follow it
(``trailing``). Headings, turns, comments and raw blocks are exact by construction;
an ``English`` block whose frame the parser could not describe by fields also keeps
its exact source in ``verbatim``, which the printer prefers. Edit with
:func:`edited`, which drops that copy so the block is rendered from its fields in its
recorded style; ``dataclasses.replace`` edits the other nodes.

Body blocks also carry ``row``, the id of the database row they were loaded from
(None when parsed from a file or newly made): it takes no part in printing nor in
comparing blocks, so the store can tell which rows an edited document changed.
Blocks refuse to be built in a shape no file has (a heading of level 7, a label
across lines); whether an edited block reads back from its file as built is
``checks.reads_back``, which ``style.rebuilt`` asks of every block an edit made.

A block an editor makes or reshapes leaves its style fields ``UNSET``;
``archive.codec.style.rebuilt`` gives them the document's own style before the
document is printed or stored.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Union


class _Unset:
    """The value of a style field the document's style is to decide."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _row_id() -> Any:
    return field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Entry:
    """One top-level key of the front matter with every line it owns.

    ``raw`` holds the key line, its continuation or list-item lines and the blank or
    comment lines after it, each with its newline. ``key`` is None for lines before
    the first key. ``key_gap`` is what stands between key and colon (``' '`` in
    ``speaker : Lei``).
    """

    key: str | None
    raw: str
    key_gap: str = ""


@dataclass(frozen=True)
class FrontMatter:
    """The ``---`` fenced YAML header.

    ``values`` is what a YAML loader reads (the last of duplicated keys wins);
    ``entries`` keep the exact lines. ``trailing`` is the blank lines between the
    closing fence and the first body block.
    """

    entries: tuple[Entry, ...]
    values: dict[str, Any]
    opening: str = "---\n"
    closing: str = "---\n"
    trailing: str = ""

    def keys(self) -> list[str]:
        return [entry.key for entry in self.entries if entry.key is not None]

    @property
    def fenced(self) -> bool:
        """False for a file written without front matter (it renders as nothing)."""
        return bool(self.opening)


@dataclass(frozen=True)
class Heading:
    """A markdown ATX heading: ``level`` hashes, ``gap`` (normally one space), text."""

    level: int
    text: str
    gap: str = " "
    trailing: str = "\n\n"
    row: int | None = _row_id()

    def __post_init__(self):
        if not 1 <= self.level <= 6 or "\n" in self.text:
            raise ValueError(f"a heading has a level of 1 to 6 and one line: {self!r}")


@dataclass(frozen=True)
class English:
    """The ``<details>`` block that folds the original of one turn.

    The frame strings record the block's dialect exactly: ``<details>`` + ``gap_open``
    + ``<summary>`` + ``summary`` + ``summary_close`` + ``gap_before`` + ``p_open`` +
    ``text`` + ``stray_close`` + ``p_close`` + ``gap_after`` + ``</details>``, where
    ``stray_close`` holds closing tags left over by a broken tool (``</p>\n``).
    """

    text: str
    summary: str = "Original English"
    opener: str = "<details>"
    gap_open: str = "\n"
    summary_close: str = "</summary>"
    gap_before: str = "\n\n"
    p_open: str = ""
    stray_close: str = ""
    p_close: str = ""
    gap_after: str = "\n\n"
    verbatim: str | None = None


@dataclass(frozen=True)
class Turn:
    """One speaker turn (or narration paragraph) and its folded original.

    ``text`` is the translated paragraph after the label, or None when the block is
    an English original with no paragraph before it. ``label`` is the speaker label
    as written (``Speaker A``, ``[Matt]``, empty for narration) between
    ``label_open`` and ``label_close`` (``**`` and ``**: `` for ``**Name**: ``).
    ``english_gap`` separates paragraph and ``<details>``.
    """

    text: str | None
    label: str = ""
    label_open: str = ""
    label_close: str = ""
    english: English | None = None
    english_gap: str = "\n\n"
    trailing: str = "\n\n"
    row: int | None = _row_id()

    def __post_init__(self):
        if "\n" in self.label or (self.text is None and (self.label or self.english is None)):
            raise ValueError(f"a turn has a one-line label and text, or an original alone: {self!r}")

    @property
    def is_narration(self) -> bool:
        return not self.label


@dataclass(frozen=True)
class Comment:
    """An HTML comment, kept opaque: a comment is never parsed for turns."""

    text: str
    trailing: str = "\n\n"
    row: int | None = _row_id()

    def __post_init__(self):
        if not self.text.startswith("<!--"):
            raise ValueError(f"a comment starts with <!--: {self!r}")


@dataclass(frozen=True)
class Raw:
    """Anything else (markers, tables, code fences, stray HTML), kept as written."""

    text: str
    trailing: str = "\n\n"
    row: int | None = _row_id()


Block = Union[Heading, Turn, Comment, Raw]


@dataclass(frozen=True)
class Document:
    front_matter: FrontMatter
    blocks: tuple[Block, ...] = ()
    newline: str = "\n"
    bom: bool = False


_CONTENT_FIELDS = frozenset({"text", "label", "level", "english", "verbatim", "row"})


def style_fields(node_type: type) -> tuple[str, ...]:
    """The fields of a node type that say how it is written, not what it says."""
    return tuple(f.name for f in dataclasses.fields(node_type) if f.name not in _CONTENT_FIELDS)


def edited(english: English, **changes) -> English:
    """Return ``english`` with ``changes`` applied and its verbatim copy dropped."""
    return dataclasses.replace(english, verbatim=None, **changes)
