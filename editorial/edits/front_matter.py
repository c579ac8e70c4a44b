"""Edits of an episode's front matter and entity lists, and the entity suggestions.

Each edit is a change of the episode's front matter handed to
``editorial.edits.editing.edit`` (lock, version, revision, every row derived). A list
is rewritten only when its names or their order changed, so the exported file keeps
the lines of every list that was not touched.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.codec import Document, FrontMatter, Turn, with_value
from archive.content import fields
from archive.content.store import entity_list, with_column
from archive.models import Episode

from . import editing

# Columns the episode form edits; draft, status and exclude belong to the workflow.
FRONT_MATTER_FIELDS = (
    "title", "date", "source", "author", "speaker", "guest", "summary", "insight",
    "series", "category", "area", "layout",
)
ENTITY_LABELS = {
    "people": gettext_lazy("Person"),
    "companies_orgs": gettext_lazy("Company / organisation"),
    "products_models": gettext_lazy("Product / model"),
    "media_books": gettext_lazy("Media / book"),
    "tags": gettext_lazy("Topic tag"),
    "project": gettext_lazy("Project"),
}
# **Nvidia** but not a label (**Host**: or **Host:**) nor a bold run across lines.
_BOLD = re.compile(r"\*\*([^*\n]{1,60}?)\*\*(?![:：])")
# An original opens with its speaker's bold label ("**Ada**: …"): not a mention, and
# its closing ** must not pair with the next bold mention's opening one.
_LEADING_LABEL = re.compile(r"\A\s*\*\*[^*\n]{1,100}\*\*\s*[:：]")


def episode_update(
    *, episode: Episode, by, version: int, columns: dict, entities: dict[str, list[str]],
) -> bool:
    """Save edited front-matter columns and entity lists; False when nothing changed."""
    unknown = set(columns) - set(FRONT_MATTER_FIELDS) or set(entities) - set(fields.ENTITY_KEYS)
    if unknown:
        raise ValueError(_("not editable here: %(names)s") % {"names": ", ".join(sorted(unknown))})

    def change(document: Document) -> Document:
        front_matter = document.front_matter
        for name, value in columns.items():
            front_matter = with_column(front_matter, name, value)
        for key, names in entities.items():
            front_matter = _with_list(front_matter, key, names)
        return dataclasses.replace(document, front_matter=front_matter)

    edited = editing.edit(
        episode.pk, change, by=by, expected_version=version,
        summary=lambda written: _("Edited %(fields)s") % {"fields": ", ".join(written.keys_changed)},
    )
    episode.version = edited.version
    return edited.changed


def name_too_long(name: str) -> str:
    """The editors' message for an entity name past ``fields.ENTITY_NAME_LIMIT``."""
    return _("A name has at most %(limit)d characters; this one has %(count)d: %(start)s…") % {
        "limit": fields.ENTITY_NAME_LIMIT, "count": len(name), "start": name[:40],
    }


def episode_add_entity(*, episode: Episode, by, key: str, name: str) -> bool:
    """Append ``name`` to one entity list (a suggestion's one click)."""
    if key not in fields.ENTITY_KEYS:
        raise ValueError(_("not an entity list: %(key)r") % {"key": key})
    name = name.strip()
    if not name:
        raise ValueError(_("an entity needs a name"))
    if len(name) > fields.ENTITY_NAME_LIMIT:
        raise ValueError(name_too_long(name))

    def change(document: Document) -> Document:
        names = entity_list(document, key)
        if name in names:
            return document
        front_matter = _with_list(document.front_matter, key, [*names, name])
        return dataclasses.replace(document, front_matter=front_matter)

    summary = _("Tagged %(name)s (%(label)s)") % {"name": name, "label": ENTITY_LABELS[key]}
    edited = editing.edit(episode.pk, change, by=by, summary=summary)
    episode.version = edited.version
    return edited.changed


def _with_list(front_matter: FrontMatter, key: str, names: list[str]) -> FrontMatter:
    """The list ``key`` made exactly ``names`` (trimmed, each once, in order); its
    lines are rewritten only when its names or their order change."""
    names = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if fields.entity_names(front_matter.values)[key] == names:
        return front_matter
    return with_value(front_matter, key, names)


@dataclasses.dataclass(frozen=True)
class Suggestion:
    name: str
    count: int
    key: str | None  # the list the name already belongs to elsewhere, if any


def suggestions(document: Document, limit: int = 40) -> list[Suggestion]:
    """Bold mentions in the turns of ``document`` (what editors see of an episode)
    that no entity list of it names yet, most frequent first, each with the list it
    already has elsewhere in the archive."""
    counts: Counter[str] = Counter()
    labels = set()
    for block in document.blocks:
        if not isinstance(block, Turn):
            continue
        labels.add(block.label.strip("[]"))
        english = block.english.text if block.english else ""
        for text in (block.text, _LEADING_LABEL.sub("", english)):
            for match in _BOLD.finditer(text or ""):
                name = match.group(1).strip().rstrip(":：").strip("[] ")
                if name:
                    counts[name] += 1
    tagged = {
        name.casefold() for key in fields.ENTITY_KEYS for name in entity_list(document, key)
    }
    wanted = [
        name for name, _ in counts.most_common()
        if name.casefold() not in tagged and name not in labels
    ][:limit]
    known = {}
    for key, (tag_model, _link) in fields.ENTITY_KEYS.items():
        for name in tag_model.objects.filter(name__in=wanted).values_list("name", flat=True):
            known.setdefault(name, key)
    return [Suggestion(name, counts[name], known.get(name)) for name in wanted]
