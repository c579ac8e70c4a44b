"""URL slugs for names in any script: Chinese becomes readable pinyin."""
from __future__ import annotations

import re

from django.utils.text import slugify
from pypinyin import lazy_pinyin

_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def is_url_safe(name: str) -> bool:
    return bool(_URL_SAFE.fullmatch(name))


def slug_for(name: str, max_length: int = 200) -> str:
    """``'向量数据库'`` -> ``'xiang-liang-shu-ju-ku'``; ``'Sam Altman'`` -> ``'sam-altman'``."""
    romanised = "-".join(lazy_pinyin(name, errors="default"))
    return (slugify(romanised) or "item")[:max_length].strip("-") or "item"


def unique_slug(base: str, taken) -> str:
    """``base`` or ``base-2``, ``base-3``… whichever ``taken(slug)`` says is free."""
    slug, number = base, 2
    while taken(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug
