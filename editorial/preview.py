"""A staff preview of an episode's text as readers would see it, from a document tree.

It shows unsaved edits before they are saved, so it renders from the codec's tree,
not from rows. Everything is escaped; only ``**bold**`` becomes markup, so no HTML
from a file reaches the page.
"""
from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.codec import Comment, Document, Heading, Raw, Turn

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def inline(text: str) -> str:
    paragraphs = escape(text).split("\n")
    return "<br>".join(_BOLD.sub(r"<strong>\1</strong>", line) for line in paragraphs)


def document_html(document: Document) -> SafeString:
    parts = []
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 2), 6)
            parts.append(f"<h{level}>{inline(block.text)}</h{level}>")
        elif isinstance(block, Turn):
            parts.append(_turn(block))
        elif isinstance(block, Raw):
            parts.append(f'<pre class="raw">{escape(block.text)}</pre>')
        elif isinstance(block, Comment):
            continue  # comments are not shown to readers
    return mark_safe("\n".join(parts))


def _turn(turn: Turn) -> str:
    html = ['<div class="turn">']
    if turn.text is not None:
        label = f"<strong>{escape(turn.label)}</strong>：" if turn.label else ""
        html.append(f"<p>{label}{inline(turn.text)}</p>")
    if turn.english is not None:
        html.append(
            f'<details><summary>{escape(turn.english.summary or "Original English")}</summary>'
            f'<p lang="en">{inline(turn.english.text)}</p></details>'
        )
    html.append("</div>")
    return "".join(html)
