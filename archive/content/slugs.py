"""URL slugs made as the static site makes them, so its addresses keep working.

The static site slugs a name with ``slugify(pinyin(name).join(' '))``: the npm packages
``pinyin`` 4 (each Han character's first reading, without tones, no word segmentation)
and ``@sindresorhus/slugify`` 2 (transliteration, ``&`` -> ``and``, camel case split,
lower case, runs of anything else -> ``-``). ``slug_tables.json`` holds those packages'
two tables as data (the pinyin readings, the transliterations in their order), so the
result is the same character for character: ``'Money & Macro'`` -> ``'money-and-macro'``,
``'曾博恩'`` -> ``'zeng-bo-en'``, ``'知行小酒馆'`` -> ``'zhi-hang-xiao-jiu-guan'``.

Names whose slugs collide are numbered as the static site numbers them
(``static_site_slugs``): in the order of the names (ICU's root collation, like
``localeCompare``) they get ``-1``, ``-2``…, so the result depends only on the set of
names, never on the order files are read.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

_TABLES = json.loads((Path(__file__).with_name("slug_tables.json")).read_text("utf-8"))
_PINYIN: dict[str, str] = _TABLES["pinyin"]
_REPLACEMENTS: list[tuple[str, str]] = [tuple(pair) for pair in _TABLES["replacements"]]
_SINGLE = {key: value for key, value in _REPLACEMENTS if len(key) == 1}
_MULTI = [(key, value) for key, value in _REPLACEMENTS if len(key) > 1]

_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_DECAMELIZE = (
    (re.compile(r"([A-Z]{2,})(\d+)"), r"\1 \2"),
    (re.compile(r"([a-z\d]+)([A-Z]{2,})"), r"\1 \2"),
    (re.compile(r"([a-z\d])([A-Z])"), r"\1 \2"),
    (re.compile(r"([A-Z]+)([A-Z][a-rt-z\d]+)"), r"\1 \2"),
)
_CONTRACTION = re.compile(r"([a-zA-Z\d]+)'([ts])(\s|$)")
_NOT_SLUG = re.compile(r"[^a-z\d]+")
# Besides combining marks, JavaScript's \p{Diacritic} (which the slugify drops) holds
# these spacing characters, the middle dot of 乔治·H·W·布什 among them.
_DIACRITICS = frozenset("^`¨¯´·¸\u30fc\u309b\u309c\uff3e\uff40\uff70\uff9e\uff9f\uffe3") | frozenset(
    chr(code) for code in range(0x02B0, 0x0300)
)
FALLBACK = "item"


def is_url_safe(name: str) -> bool:
    return bool(_URL_SAFE.fullmatch(name))


def _romanise(text: str) -> str:
    # pinyin(...).join(' '): every Han character becomes its own space-separated word.
    return "".join(f" {_PINYIN[char]} " if char in _PINYIN else char for char in text)


# Of ASCII, the tables replace "&" alone, and the slugify drops these two diacritics.
_ASCII_TRANSLITERATION = str.maketrans({"&": _SINGLE["&"], "^": None, "`": None})


def _transliterate(text: str) -> str:
    if text.isascii():  # most names, and every one romanised from Han: a quick path
        return text.translate(_ASCII_TRANSLITERATION)
    return _transliterate_unicode(text)


def _transliterate_unicode(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for key, value in _MULTI:
        text = text.replace(key, value)
    text = "".join(_SINGLE.get(char, char) for char in text)
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(
            char for char in decomposed
            if not unicodedata.combining(char) and char not in _DIACRITICS
        )
    )


@functools.lru_cache(maxsize=65536)
def static_slug(name: str) -> str:
    """The static site's slug of ``name``, exactly; ``''`` when nothing is left."""
    text = _transliterate(_romanise(name.strip()))
    for pattern, replacement in _DECAMELIZE:
        text = pattern.sub(replacement, text)
    text = _CONTRACTION.sub(r"\1\2\3", text.lower())
    return _NOT_SLUG.sub("-", text).strip("-")


def slug_for(name: str, max_length: int = 200) -> str:
    """``'向量数据库'`` -> ``'xiang-liang-shu-ju-ku'``; ``'Sam Altman'`` -> ``'sam-altman'``;
    a name with nothing to slug (``'！'``) -> ``'item'``."""
    return static_slug(name)[:max_length].strip("-") or FALLBACK


def unique_slug(base: str, taken) -> str:
    """``base``, else ``base-1``, ``base-2``… whichever ``taken(slug)`` says is free."""
    slug, number = base, 1
    while taken(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


# ICU's root collation (what localeCompare uses) puts white space, then punctuation and
# symbols in this order, before digits and letters; code point order is not that.
_ASCII_ORDER = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz"
_WEIGHT = {char: weight for weight, char in enumerate(_ASCII_ORDER)}


def collation_key(name: str) -> tuple:
    """Order names as the static site's ``a.name.localeCompare(b.name, 'en')`` does,
    for its collision numbering: letters first, then accents, then lower before upper."""
    decomposed = unicodedata.normalize("NFD", name)
    base = "".join(char for char in decomposed if not unicodedata.combining(char))
    primary = tuple(_WEIGHT.get(char, len(_WEIGHT) + ord(char)) for char in base.lower())
    tertiary = tuple(char.isupper() for char in base)
    return (primary, decomposed, tertiary, name)


def static_site_slugs(keys) -> dict[str, str]:
    """Each of ``keys`` (one per page, as the static site keys it) -> the static site's
    slug. Keys whose slugs collide are all numbered: in name order, the slug of
    ``f"{key}-1"``, ``f"{key}-2"``… (its ``uniqueKey``), none keeps the bare slug."""
    by_slug: dict[str, list[str]] = {}
    for key in keys:
        by_slug.setdefault(slug_for(key), []).append(key)
    slugs = {}
    for base, group in by_slug.items():
        if len(group) == 1:
            slugs[group[0]] = base
            continue
        for index, key in enumerate(sorted(group, key=collation_key), start=1):
            slugs[key] = slug_for(f"{key}-{index}")
    return slugs
