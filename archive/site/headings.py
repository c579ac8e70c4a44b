"""Headings a file gives in both languages, so each reading mode shows its own.

The pipeline writes some headings as ``中文 / English`` or ``中文 (English)``; the
page marks the two parts, and the reading switch shows the Chinese, the English, or
both as written.
"""
from __future__ import annotations

import re
from html import escape

from django.utils.safestring import SafeString, mark_safe

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORDS = re.compile(r"[A-Za-z][A-Za-z'’.&\-]*(?:[\s,:;/&\-–—]+[A-Za-z0-9][\w'’.&\-]*)*")
_SLASHED = re.compile(r"(?P<zh>.*[\u4e00-\u9fff].*?)(?P<sep>\s+/\s+)(?P<en>[^\u4e00-\u9fff]+)")
_BRACKETED = re.compile(r"(?P<zh>.*[\u4e00-\u9fff].*?)(?P<sep>\s*[(（])(?P<en>[^\u4e00-\u9fff()（）]+)(?P<close>[)）])")


def split_heading(title: str) -> tuple[str, str, str, str] | None:
    """``(chinese, separator, english, closing)`` of a heading written in both
    languages (the four concatenate back to ``title.strip()``), else None. The English part
    must be words, not a stray name or number (``第 3 章 (2024)`` is not split)."""
    for pattern in (_SLASHED, _BRACKETED):
        match = pattern.fullmatch(title.strip())
        if not match:
            continue
        english = match.group("en")
        if len(english.split()) < 2 or not _LATIN_WORDS.fullmatch(english.strip()):
            continue
        return match.group("zh"), match.group("sep"), english, match.groupdict().get("close") or ""
    return None


def heading_html(title: str) -> SafeString:
    """The heading's text, escaped, with its two languages marked when it has both."""
    parts = split_heading(title)
    if parts is None or "".join(parts) != title:
        return mark_safe(escape(title))
    chinese, separator, english, closing = (escape(part) for part in parts)
    return mark_safe(
        f'<span class="heading-zh">{chinese}</span><span class="heading-sep">{separator}</span>'
        f'<span class="heading-en" lang="en">{english}</span><span class="heading-sep">{closing}</span>'
    )
