"""The markdown codec: episode file text <-> document tree. Pure Python, no Django.

This package is the codec's only face: code outside ``archive/codec/`` imports from
``archive.codec``, never from its modules (``tests/archive/codec/test_purity.py``).
"""
from .checks import reads_back
from .errors import ParseError
from .frontmatter import (
    as_list,
    parse_front_matter,
    render_front_matter,
    with_value,
    without_key,
)
from .locate import key_line, written_scalars
from .nodes import (
    UNSET,
    Comment,
    Document,
    English,
    Entry,
    FrontMatter,
    Heading,
    Raw,
    Turn,
    edited,
    style_fields,
)
from .parser import paragraph_block, parse, parse_body, parse_english, speaker_name
from .printer import render, render_block, render_file
from .style import (
    UnwritableBlock,
    edited_turn,
    house_style,
    new_heading,
    new_turn,
    rebuilt,
)

__all__ = [
    "UNSET", "Comment", "Document", "English", "Entry", "FrontMatter", "Heading",
    "ParseError", "Raw", "Turn", "UnwritableBlock", "as_list", "edited", "edited_turn",
    "house_style", "key_line", "new_heading", "new_turn", "paragraph_block", "parse",
    "parse_body", "parse_english", "parse_front_matter", "reads_back", "rebuilt", "render",
    "render_block", "render_file", "render_front_matter", "speaker_name", "style_fields",
    "with_value", "without_key", "written_scalars",
]
