"""A document tree as the checks read it: its turns, its tags, the line of each block."""
from __future__ import annotations

from typing import NamedTuple

from archive.codec import Document, Heading, Turn, as_list, render_block, render_front_matter

from .names import KnownNames
from .turns import Finding, NameSight, TurnText, check_episode, check_sighted_names, name_sight, untagged_bold

ENTITY_KEYS = ("people", "companies_orgs", "products_models", "media_books")
PEOPLE_KEYS = ("people", "companies_orgs")
SPEAKER_KEYS = ("speaker", "guest")


def tagged_names(document: Document) -> list[str]:
    """Every name the episode's front matter gives: its entity and topic lists,
    its speakers and guests; a bold mention of one of them is tagged."""
    values = document.front_matter.values
    names = [name for key in (*ENTITY_KEYS, "tags", "project") for name in as_list(values.get(key))]
    for key in SPEAKER_KEYS:
        for value in as_list(values.get(key)):
            names.extend(part.strip() for part in value.replace("，", ",").split(",") if part.strip())
    return names


def entity_names(document: Document) -> list[str]:
    values = document.front_matter.values
    return [name for key in ENTITY_KEYS for name in as_list(values.get(key))]


class DocumentTurns(NamedTuple):
    """What the checks read of a document, read once for all of them: each turn's
    block index, texts and :func:`name_sight`, and the names the episode tags."""

    positions: list[int]
    texts: list[TurnText]
    sights: list[NameSight]
    tagged: list[str]

    @classmethod
    def of(cls, document: Document) -> DocumentTurns:
        positions, texts = turn_texts(document)
        return cls(positions, texts, [name_sight(text) for text in texts], tagged_names(document))


def check_document(
    document: Document, known: KnownNames | None = None, *, names_only: bool = False,
    turns: DocumentTurns | None = None,
) -> dict[int, list[Finding]]:
    """The findings of each turn of ``document`` (whose ``turns`` the caller may have
    read), by the turn's block index; with ``names_only``, those of the checks that
    read the archive's names alone."""
    turns = turns or DocumentTurns.of(document)
    if names_only:
        found = check_sighted_names(turns.sights, tagged=turns.tagged, known=known)
    else:
        found = check_episode(turns.texts, tagged=turns.tagged, known=known, sights=turns.sights)
    return {position: findings for position, findings in zip(turns.positions, found) if findings}


def turn_texts(document: Document) -> tuple[list[int], list[TurnText]]:
    """The block index and what the checks read of each turn of ``document``."""
    positions, texts = [], []
    for position, block in enumerate(document.blocks):
        if isinstance(block, Turn):
            positions.append(position)
            opens_section = position > 0 and isinstance(document.blocks[position - 1], Heading)
            texts.append(TurnText(
                block.label, block.text, block.english.text if block.english else None, opens_section,
            ))
    return positions, texts


def bolded_untagged(document: Document, turns: DocumentTurns | None = None) -> list[str]:
    """The keys of the names ``document`` (whose ``turns`` the caller may have read)
    sets in bold but does not tag nor speak with (``Episode.bolded_untagged``)."""
    turns = turns or DocumentTurns.of(document)
    return untagged_bold(turns.sights, tagged=turns.tagged)


def block_lines(document: Document) -> list[int]:
    """The 1-based line of each block's first line in ``render(document)``."""
    first = 1 + render_front_matter(document.front_matter).count("\n")
    return [first + line for line in body_lines(document.blocks)]


def body_lines(blocks, upto: int | None = None) -> list[int]:
    """How many lines of the body precede each block (of the first ``upto`` + 1)."""
    line, lines = 0, []
    for block in blocks[: None if upto is None else upto + 1]:
        lines.append(line)
        line += render_block(block).count("\n")
    return lines


def names_of(document: Document) -> tuple[list[str], list[str]]:
    """The people and organisations ``document`` names (front matter and speaking
    labels), and all its entity tags: what one episode adds to :class:`KnownNames`."""
    values = document.front_matter.values
    people = [name for key in PEOPLE_KEYS for name in as_list(values.get(key))]
    for key in SPEAKER_KEYS:
        for value in as_list(values.get(key)):
            people.extend(part.strip() for part in value.replace("，", ",").split(",") if part.strip())
    people.extend(
        block.label.strip("[] ") for block in document.blocks
        if isinstance(block, Turn) and block.label and not isinstance(block, Heading)
    )
    return list(dict.fromkeys(people)), entity_names(document)
