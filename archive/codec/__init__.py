"""The markdown codec: episode file text <-> document tree. Pure Python, no Django.

This package is the codec's only face: code outside ``archive/codec/`` imports from
``archive.codec``, never from its modules (``tests/archive/codec/test_purity.py``).
"""
from .checks import reads_back
from .errors import ParseError
from .frontmatter import as_list, parse_front_matter, render_front_matter, with_value, without_key
from .locate import key_line, written_scalars
from .nodes import Comment, Document, English, Entry, FrontMatter, Heading, Raw, Turn, edited
from .parser import paragraph_block, parse, parse_english, speaker_name
from .printer import render, render_block

__all__ = [
    "Comment", "Document", "English", "Entry", "FrontMatter", "Heading", "ParseError",
    "Raw", "Turn", "as_list", "edited", "key_line", "paragraph_block", "parse",
    "parse_english", "parse_front_matter", "reads_back", "render", "render_block",
    "render_front_matter", "speaker_name", "with_value", "without_key", "written_scalars",
]
