"""Text from episode files -> what a page may show.

Everything that came from a file passes ``sanitise`` (an allow-list, nh3) before it
reaches a page, whatever it holds: a ``<script>``, an ``onerror=``, a ``javascript:``
link or a tag left open cannot run or spill into the page around it. ``plain`` is the
same text as a reader sees it without markup; search indexes and snippets use it.
"""
from __future__ import annotations

import html
import re
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "mark", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_local = threading.local()


def _converter() -> markdown.Markdown:
    # A Markdown instance is not thread-safe but is costly to build: one per thread.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=["tables", "sane_lists"], output_format="html"
        )
    return converter


def sanitise(fragment: str) -> SafeString:
    """``fragment`` reduced to the allow-list, balanced, links made inert or safe."""
    return mark_safe(nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES, link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    ))


def render_markdown(text: str | None) -> SafeString:
    """Markdown (with whatever inline HTML it holds) as sanitised HTML."""
    if not text:
        return mark_safe("")
    converter = _converter()
    converter.reset()
    return sanitise(converter.convert(text))


def render_inline(text: str | None) -> SafeString:
    """Like ``render_markdown`` for one line (a title, a summary): no wrapping <p>."""
    rendered = render_markdown(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = mark_safe(rendered[3:-4])
    return rendered


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
