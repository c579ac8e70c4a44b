"""The markdown codec: episode file text <-> document tree. Pure Python, no Django."""
from .checks import reads_back
from .errors import ParseError
from .frontmatter import as_list, with_value, without_key
from .locate import key_line, written_scalars
from .nodes import Comment, Document, English, Entry, FrontMatter, Heading, Raw, Turn, edited
from .parser import parse, speaker_name
from .printer import render

__all__ = [
    "Comment", "Document", "English", "Entry", "FrontMatter", "Heading", "ParseError",
    "Raw", "Turn", "as_list", "edited", "key_line", "parse", "reads_back", "render",
    "speaker_name", "with_value", "without_key", "written_scalars",
]
