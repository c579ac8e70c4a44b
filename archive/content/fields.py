"""How front-matter keys map to Episode columns and entity lists, both ways.

The same normalisation reads a value at import and compares it at export, so a
key whose column still equals what was read keeps its exact lines. Before a value
is read, :func:`check_values` refuses what the archive cannot mean or store, so
that every value that passes is read as written.
"""
from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

from archive import models
from archive.codec import FrontMatter, as_list, key_line, written_scalars

TEXT_KEYS = (
    "title", "source", "author", "speaker", "guest", "summary", "insight", "series",
    "category", "area", "layout", "status",
)
BOOLEAN_KEYS = ("draft", "exclude")
DATE_KEYS = ("date",)
# The longest an entity's name may be (the tag tables' name and slug columns).
ENTITY_NAME_LIMIT = 255

# Front-matter list key -> (tag model, link model).
ENTITY_KEYS = {
    "tags": (models.Topic, models.TopicLink),
    "people": (models.Person, models.PersonLink),
    "companies_orgs": (models.Organization, models.OrganizationLink),
    "products_models": (models.Product, models.ProductLink),
    "media_books": (models.Media, models.MediaLink),
    "project": (models.Project, models.ProjectLink),
}

_TEXT_LIMITS = {
    key: field.max_length
    for key in TEXT_KEYS
    if (field := models.Episode._meta.get_field(key)).max_length
}
_BOOLEAN_TEXT = {"true": True, "false": False}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def boolean_value(value: Any) -> bool:
    """``true``/``false`` (YAML's or as quoted text, any case); no value is false.

    :func:`check_values` refuses every other value; one read without that check
    counts as true, so that nothing unclear makes an episode public.
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str):
        return _BOOLEAN_TEXT.get(value.lower(), True)
    return True


def date_value(value: Any) -> datetime.date | None:
    """The date a ``YYYY-MM-DD`` string (quoted or bare in the file) names, else None."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
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


class ValueProblem(Exception):
    """A front-matter value the archive cannot mean or store; ``line`` is its key's line.

    ``line`` is 1-based in the file (the opening ``---`` is line 1), so a caller can
    report ``path:line: message``.
    """

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def check_values(front_matter: FrontMatter) -> None:
    """Raise :class:`ValueProblem` for the first value, in file order, that is refused.

    Every value must be one JSON stores and reads back the same. Then, by key: text
    keys hold text (or null, or a number or boolean written exactly as it reads);
    entity keys hold a list of names (null and empty items mean no name) or one name
    as text (``'[]'`` is no name), no name longer than 255 characters; ``date`` is an
    ISO date (quoted or bare) or empty; ``draft`` and ``exclude`` are true or false
    (YAML's, or quoted in any case) or empty. Text keys stored in limited columns
    must fit them.
    """
    problems = [
        (key_line(front_matter, key), problem)
        for key, value in front_matter.values.items()
        if (problem := _problem(front_matter, key, value))
    ]
    if problems:
        raise ValueProblem(*reversed(min(problems)))


def _problem(front_matter: FrontMatter, key: str, value: Any) -> str | None:
    unstorable = _unstorable(value)
    if unstorable:
        return f"{key!r} holds a YAML value the archive cannot store ({unstorable})"
    if key in TEXT_KEYS:
        return _text_problem(front_matter, key, value)
    if key in ENTITY_KEYS:
        return _entity_problem(front_matter, key, value)
    if key in DATE_KEYS:
        if value is None or value == "" or (isinstance(value, str) and date_value(value)):
            return None
        return f"{key!r} must be a date written YYYY-MM-DD, not {_shown(value)}"
    if key in BOOLEAN_KEYS:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, str) and value.lower() in _BOOLEAN_TEXT:
            return None
        return f"{key!r} must be true or false, not {_shown(value)}"
    return None


def _text_problem(front_matter: FrontMatter, key: str, value: Any) -> str | None:
    if isinstance(value, (list, dict)):
        return f"{key!r} must be text, not {'a list' if isinstance(value, list) else 'a mapping'}"
    if value is not None and not isinstance(value, str):
        written = written_scalars(front_matter, key)
        if written != [text_value(value)]:
            spelled = repr(written[0]) if written else "it"
            return (f"{key!r} must be text: {spelled} reads as {_shown(value)}; "
                    "quote it to keep it as written")
    limit = _TEXT_LIMITS.get(key)
    if limit and len(text_value(value)) > limit:
        return f"{key!r} is longer than {limit} characters"
    return None


def _entity_problem(front_matter: FrontMatter, key: str, value: Any) -> str | None:
    if type(value) is list and all(type(item) is str for item in value):
        return _name_length_problem(key, value)
    if isinstance(value, dict):
        return f"{key!r} must be a list of names, not a mapping"
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, (list, dict)):
            inner = "a list" if isinstance(item, list) else "a mapping"
            return f"{key!r} must be a list of names, not a list holding {inner}"
    odd = [item for item in items if item is not None and not isinstance(item, str)]
    if odd:
        written = written_scalars(front_matter, key) or []
        if len(written) != len(items) or any(
            str(item) != text
            for item, text in zip(items, written)
            if item is not None and not isinstance(item, str)
        ):
            return (f"{key!r} must be a list of names: an item reads as {_shown(odd[0])}, "
                    "not as written; quote it to keep it as written")
    return _name_length_problem(key, as_list(value))


def _name_length_problem(key: str, names: list[str]) -> str | None:
    if any(len(name) > ENTITY_NAME_LIMIT for name in names):
        return f"an item of {key!r} is longer than {ENTITY_NAME_LIMIT} characters"
    return None


def _unstorable(value: Any) -> str | None:
    """Why JSON cannot store ``value`` and read it back the same, or None if it can."""
    if type(value) is str:  # the usual values, answered without the walk below
        return "a NUL character" if "\x00" in value else None
    if type(value) is list and all(type(item) is str for item in value):
        return "a NUL character" if any("\x00" in item for item in value) else None
    pending = [value]
    while pending:
        item = pending.pop()
        if item is None or isinstance(item, (bool, int)):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                return f"the number {item!r}"
        elif isinstance(item, str):
            if "\x00" in item:
                return "a NUL character"
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            for inner_key, inner_value in item.items():
                if not isinstance(inner_key, str):
                    return f"a mapping key that is not text: {inner_key!r}"
                pending.append(inner_value)
        else:
            return _YAML_TYPES.get(type(item), f"a {type(item).__name__}")
    return None


_YAML_TYPES = {
    bytes: "a !!binary value", set: "a !!set", tuple: "an !!omap or !!pairs",
    datetime.date: "a !!timestamp", datetime.datetime: "a !!timestamp",
}


def _shown(value: Any) -> str:
    """A value as a message quotes it: text in quotes, anything else as YAML writes it."""
    if isinstance(value, str):
        shown = repr(value)
    else:
        shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:59] + "…"
