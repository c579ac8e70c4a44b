"""Document tree -> text. Printing only concatenates what the nodes own."""
from __future__ import annotations

from .frontmatter import render_front_matter
from .nodes import Block, Comment, Document, English, Heading, Raw, Turn
from .parser import BOM


def render(document: Document) -> str:
    text = render_front_matter(document.front_matter) + "".join(
        render_block(block) for block in document.blocks
    )
    if document.newline != "\n":
        text = text.replace("\n", document.newline)
    return BOM + text if document.bom else text


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
