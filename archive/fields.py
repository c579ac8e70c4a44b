"""How front-matter keys map to Episode columns and entity lists, both ways.

The same normalisation reads a value at import and compares it at export, so a
key whose column still equals what was read keeps its exact lines.
"""
from __future__ import annotations

import datetime
from typing import Any

from . import models
from .codec import as_list

TEXT_KEYS = (
    "title", "source", "author", "speaker", "guest", "summary", "insight", "series",
    "category", "area", "layout", "status",
)
BOOLEAN_KEYS = ("draft", "exclude")
DATE_KEYS = ("date",)

# Front-matter list key -> (tag model, link model).
ENTITY_KEYS = {
    "tags": (models.Topic, models.TopicLink),
    "people": (models.Person, models.PersonLink),
    "companies_orgs": (models.Organization, models.OrganizationLink),
    "products_models": (models.Product, models.ProductLink),
    "media_books": (models.Media, models.MediaLink),
    "project": (models.Project, models.ProjectLink),
}


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def boolean_value(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "on", "1"}
    return value is True


def date_value(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def column_values(values: dict[str, Any]) -> dict[str, Any]:
    """The Episode columns that a front matter's values give."""
    columns: dict[str, Any] = {key: text_value(values.get(key)) for key in TEXT_KEYS}
    columns.update({key: boolean_value(values.get(key)) for key in BOOLEAN_KEYS})
    columns.update({key: date_value(values.get(key)) for key in DATE_KEYS})
    return columns


def entity_names(values: dict[str, Any]) -> dict[str, list[str]]:
    return {
        key: [name for name in as_list(values.get(key)) if name] for key in ENTITY_KEYS
    }


def front_matter_value(key: str, column: Any) -> Any:
    """What to write for ``key`` when its column has changed; None removes the key."""
    if key in DATE_KEYS:
        return column.isoformat() if column else None
    return column
