"""Which addresses may become links in the admin: http and https only.

An episode's ``source`` comes from a file or from an editor; a ``javascript:`` or
``data:`` address there would run in the browser of whoever clicks it, so it is
refused in the form and never rendered as ``href``.
"""
from __future__ import annotations

from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https")


def is_safe_link(url: str) -> bool:
    """``url`` is an absolute http(s) address with a host and no white space or
    control characters (which browsers strip, so ``java\\tscript:`` would pass)."""
    if not url or any(ord(char) <= 32 or ord(char) == 127 for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.hostname)
