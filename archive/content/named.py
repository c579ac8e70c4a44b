"""The rows of names, speakers and entity tags, made on first use: the one slug
allocator, so every writer (import, editor, rename) numbers slugs as the static
site does (``-1``, ``-2``…)."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.db.models import Q

from archive.models import Speaker

from .slugs import slug_for, unique_slug


def ensure_speakers(names: Iterable[str]) -> dict[str, Speaker]:
    """The Speaker of each name, creating the missing ones with unique slugs."""
    return ensure_named(Speaker, names)


def ensure_named(model, names: Iterable[str]) -> dict:
    """The row of ``model`` (a Speaker or an entity tag) of each name, creating the
    missing ones: every writer (import, editor, rename) gets its slugs here, so there
    is one slug scheme, the static site's ``-1``, ``-2``…"""
    ids = ensure_ids(model, names, {})
    return {row.name: row for row in model.objects.filter(pk__in=ids.values())}


_LOOKUP_CHUNK = 500
_SLUG_PREFIXES = 100  # numbered slugs looked up per query


def ensure_ids(model, names: Iterable[str], known_ids: dict) -> dict[str, int]:
    """The id of each name's row of ``model``, creating missing rows with unique slugs."""
    wanted = list(dict.fromkeys(name for name in names if name))
    unknown = [name for name in wanted if (model, name) not in known_ids]
    found = {}
    for start in range(0, len(unknown), _LOOKUP_CHUNK):
        chunk = unknown[start:start + _LOOKUP_CHUNK]
        found.update(model.objects.filter(name__in=chunk).values_list("name", "pk"))
    missing = [name for name in unknown if name not in found]
    if missing:
        found.update({row.name: row.pk for row in model.objects.bulk_create(
            _with_unique_slugs(model, missing), batch_size=_LOOKUP_CHUNK
        )})
    known_ids.update({(model, name): pk for name, pk in found.items()})
    return {name: known_ids[model, name] for name in wanted}


def _with_unique_slugs(model, names: list[str]) -> list:
    """New rows for ``names``, each with a slug no row has: a few queries for all."""
    bases = {name: slug_for(name) for name in names}
    taken = set()
    wanted = list(set(bases.values()))
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        taken.update(model.objects.filter(
            slug__in=wanted[start:start + _LOOKUP_CHUNK]
        ).values_list("slug", flat=True))
    # A base already taken, or wanted twice, will be numbered: read its numbered forms.
    counts = Counter(bases.values())
    numbered = sorted(base for base in counts if base in taken or counts[base] > 1)
    for start in range(0, len(numbered), _SLUG_PREFIXES):
        prefixes = Q()
        for base in numbered[start:start + _SLUG_PREFIXES]:
            prefixes |= Q(slug__startswith=f"{base}-")
        taken.update(model.objects.filter(prefixes).values_list("slug", flat=True))
    rows = []
    for name in names:
        slug = unique_slug(bases[name], taken.__contains__)
        taken.add(slug)
        rows.append(model(name=name, slug=slug))
    return rows


# A speaker's name: letters (any script) with the joiners names use, an aside in
# brackets allowed (``汤姆·斯泰尔 (Tom Steyer)``); no digits, no sentence punctuation.
_NAME = re.compile(r"[^\W\d_][^\W\d_ .'’·\-&]*(?:[ .'’·\-&]+[^\W\d_]+)*\.?")
_ASIDE = re.compile(r"\s*[(（][^()（）\d]{1,40}[)）]\s*$")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{9,}")


def looks_like_a_name(label: str) -> bool:
    """Whether a turn label reads as someone's name (``Sam Altman``, ``老冒``,
    ``路人 A``), not a line of text made a label (``1. 多喝水``, ``>>``,
    ``2022年全年预计``). The public index of speakers lists only these and the front
    matter's speakers; the rest wait in the editors' duplicates report."""
    name = _ASIDE.sub("", label.strip())
    return (
        0 < len(name) <= 40
        and len(name.split()) <= 6
        and not _HAN_RUN.search(name.replace("·", ""))
        and _NAME.fullmatch(name) is not None
    )
