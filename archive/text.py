"""Text as readers read it and as searches compare it: below both the public site and
the search, which show and index the same words.

``plain`` is a text from a file as a reader sees it without markup; ``fold`` lowers
its case without moving any character, so an offset found in the folded text is the
same offset in the text.
"""
from __future__ import annotations

import html
import re

_BREAK = re.compile(r"<br\s*/?>|</p>|</li>|</tr>|</h\d>", re.IGNORECASE)
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.DOTALL)
_EMPHASIS = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")
_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]*\)")
_SPACE = re.compile(r"\s+")


def plain(text: str | None) -> str:
    """What a reader reads of ``text``: tags, bold markers and link targets dropped,
    entities decoded, every run of white space (line breaks too) one space."""
    if not text:
        return ""
    text = _BREAK.sub(" ", text)
    text = _TAG.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = html.unescape(text)
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case, one character for one: offsets in the result are offsets in ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)
