"""Document tree -> text. Printing only concatenates what the nodes own."""
from __future__ import annotations

from collections.abc import Iterable

from .frontmatter import render_front_matter
from .nodes import Block, Comment, Document, English, FrontMatter, Heading, Raw, Turn
from .parser import BOM


def render(document: Document) -> str:
    return render_file(
        document.front_matter, map(render_block, document.blocks),
        newline=document.newline, bom=document.bom,
    )


def render_file(
    front_matter: FrontMatter, block_texts: Iterable[str], *, newline: str = "\n", bom: bool = False,
) -> str:
    """The text of a document given its blocks already rendered, in order: for a
    reader that renders blocks without building them (the export, from rows)."""
    text = render_front_matter(front_matter) + "".join(block_texts)
    if newline != "\n":
        text = text.replace("\n", newline)
    return BOM + text if bom else text


def render_block(block: Block) -> str:
    if isinstance(block, Turn):
        return render_turn(block)
    if isinstance(block, Heading):
        return "#" * block.level + block.gap + block.text + block.trailing
    if isinstance(block, (Comment, Raw)):
        return block.text + block.trailing
    raise TypeError(f"not a block: {block!r}")


def render_turn(turn: Turn) -> str:
    parts = []
    if turn.text is not None:
        parts.append(turn.label_open + turn.label + turn.label_close + turn.text)
        if turn.english is not None:
            parts.append(turn.english_gap)
    if turn.english is not None:
        parts.append(render_english(turn.english))
    parts.append(turn.trailing)
    return "".join(parts)


def render_english(english: English) -> str:
    if english.verbatim is not None:
        return english.verbatim
    return (
        english.opener + english.gap_open + "<summary>" + english.summary
        + english.summary_close + english.gap_before + english.p_open + english.text
        + english.stray_close + english.p_close + english.gap_after + "</details>"
    )
