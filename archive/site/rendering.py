"""Text from episode files -> what a page may show.

Everything that came from a file passes ``sanitise`` (an allow-list, nh3) before it
reaches a page, whatever it holds: a ``<script>``, an ``onerror=``, a ``javascript:``
link or a tag left open cannot run or spill into the page around it. A feed's text is
``archive.text.plain`` (what a reader reads, without markup) made safe for XML.

Markdown is rendered as the static site renders it: markdown-it (CommonMark, with
Eleventy's option ``html: true`` and markdown-it's default tables and strikethrough),
here through markdown-it-py, the same engine. Python-Markdown cannot be made to agree:
it needs a blank line before a list (``这包括：\n*   **…**`` stays one paragraph with
literal ``*``), treats indented code, emphasis and HTML blocks by its own rules, and has
no option for CommonMark's.
"""
from __future__ import annotations

import html
import re
import threading
import unicodedata

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from archive.text import plain

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "mark", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_local = threading.local()


def _converter() -> MarkdownIt:
    # A parser keeps state while it renders and costs a little to build: one a thread.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = MarkdownIt("js-default", {"html": True})
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
    html_text = _plain_paragraphs(text)
    if html_text is None:
        html_text = _converter().render(text)
    return sanitise(html_text)


# The shortcut for the commonest texts: paragraphs of plain lines with ``**bold**``.
# Anything else (a character below, a line opening like a list or heading, a bold run
# that starts or ends with punctuation, where CommonMark's flanking rules decide) goes
# to markdown-it. Its output is markdown-it's exactly: a property test checks it, and
# it was checked on every text of the shared archive (80 % take this path).
_NOT_PLAIN = re.compile(r"[\\`_\[\]<>!&#|~\x00\r\t]|^[-+=0-9> *]|\s$")
_BOLD = re.compile(r"(?<!\*)\*\*([^*\s](?:[^*]*[^*\s])?)\*\*(?!\*)")
_BLANK_LINES = re.compile(r"\n{2,}")


def _plain_paragraphs(text: str) -> str | None:
    paragraphs = []
    for paragraph in _BLANK_LINES.split(text.strip("\n")):
        lines = [_plain_line(line) for line in paragraph.split("\n")]
        if None in lines:
            return None
        paragraphs.append("<p>" + "\n".join(lines) + "</p>\n")
    return "".join(paragraphs)


def _plain_line(line: str) -> str | None:
    if not line or _NOT_PLAIN.search(line):
        return None
    out, position = [], 0
    for bold in _BOLD.finditer(line):
        inner = bold.group(1)
        before = line[position:bold.start()]
        if "*" in before or _is_punctuation(inner[0]) or _is_punctuation(inner[-1]):
            return None
        out.append(f"{_escape(before)}<strong>{_escape(inner)}</strong>")
        position = bold.end()
    if "*" in line[position:]:
        return None
    out.append(_escape(line[position:]))
    return "".join(out)


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _escape(text: str) -> str:
    # markdown-it's escapeHtml: & < > and ", not '
    return html.escape(text, quote=False).replace('"', "&quot;")


def render_inline(text: str | None) -> SafeString:
    """Like ``render_markdown`` for one line (a title, a summary): no wrapping <p>."""
    rendered = render_markdown(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = mark_safe(rendered[3:-4])
    return rendered


# XML 1.0 has no place for these (a feed holding one cannot be written or read).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def xml_safe(text: str | None) -> str:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text or "")


def feed_text(text: str | None) -> str:
    """``plain(text)`` for a feed's text fields, which many readers show as HTML: an
    entity that decodes into a tag (``&lt;img …&gt;``) stays visibly text."""
    return _TAG_OPEN.sub("‹", xml_safe(plain(text)))


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LABELLED = (
    (re.compile(r"chinese|中文|汉语|漢語|普通话", re.IGNORECASE), "zh"),
    (re.compile(r"japanese|日本語|日语", re.IGNORECASE), "ja"),
    (re.compile(r"english|英文|英语", re.IGNORECASE), "en"),
)
LANGUAGES = {"zh": ("zh-Hans", "中文原文"), "ja": ("ja", "日文原文"), "en": ("en", "English 原文")}


def original_language(summary: str | None, text: str | None) -> tuple[str, str]:
    """(``lang`` attribute, label) of a turn's folded original: the language its
    ``<summary>`` names (``Original Chinese Transcript`` is Chinese), else the one its
    text is written in."""
    for pattern, language in _LABELLED:
        if summary and pattern.search(summary):
            return LANGUAGES[language]
    sample = (text or "")[:2000]
    if _KANA.search(sample):
        return LANGUAGES["ja"]
    if len(_HAN.findall(sample)) > len(_LATIN.findall(sample)) / 4:
        return LANGUAGES["zh"]
    return LANGUAGES["en"]
