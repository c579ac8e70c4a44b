"""Episode slugs decided by the file names, whatever order the files are met in.

A file whose name is URL-safe is its own slug (case and leading dashes kept): it
always gets it, and a second file of the same name elsewhere is refused. Any other
name takes its slugified form, numbered past every slug held and every URL-safe name
known, new files in the order of their paths; an episode keeps the slug it has
unless a URL-safe file of that name arrives, which takes it over.
"""
from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath

from .slugs import is_url_safe, slug_for, unique_slug


@dataclasses.dataclass
class SlugPlan:
    slugs: dict[str, str]  # new path -> its slug
    refused: dict[str, str]  # new path -> why it has none
    moved: dict[str, str]  # existing path -> its new slug


def stem_of(path: str) -> str:
    return PurePosixPath(path).stem


def plan_slugs(existing: dict[str, str], incoming: list[str]) -> SlugPlan:
    """Slugs for ``incoming`` paths not yet episodes, given ``existing`` path -> slug."""
    plan = SlugPlan({}, {}, {})
    owner_of = {}  # URL-safe stem -> the path that owns it
    for path in sorted(existing):
        stem = stem_of(path)
        if is_url_safe(stem) and existing[path] == stem:
            owner_of[stem] = path
    for path in sorted(incoming):
        stem = stem_of(path)
        if not is_url_safe(stem):
            continue
        if stem in owner_of:
            plan.refused[path] = f"slug {stem!r} is already used by {owner_of[stem]}"
        else:
            owner_of[stem] = path
            plan.slugs[path] = stem
    held = {slug: path for path, slug in existing.items()}
    taken = set(held) | set(owner_of)
    for slug, path in held.items():
        if slug in owner_of and owner_of[slug] != path:
            new_slug = unique_slug(slug_for(stem_of(path)), taken.__contains__)
            taken.add(new_slug)
            plan.moved[path] = new_slug
    for path in sorted(incoming):
        if path in plan.slugs or path in plan.refused:
            continue
        slug = unique_slug(slug_for(stem_of(path)), taken.__contains__)
        taken.add(slug)
        plan.slugs[path] = slug
    return plan
