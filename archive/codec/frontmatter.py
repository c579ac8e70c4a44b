"""Front matter: read values with PyYAML, keep and write lines in the file's own dialect.

PyYAML reads values well but cannot write a header back as it was (it reorders keys,
requotes, wraps long lines). So the header is split into entries, one per top-level
key, each keeping its exact lines; only an entry whose value is changed is written
again, in the dialect this module infers from the rest of the header.
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

import yaml

from .bounds import check_bounds, could_exceed
from .errors import ParseError
from .nodes import Entry, FrontMatter

# The order the pipeline writes keys in; a new key is placed where it belongs in it.
CANONICAL_ORDER = (
    "author", "date", "guest", "layout", "source", "speaker", "tags", "title",
    "summary", "insight", "draft", "series", "category", "area", "project", "people",
    "companies_orgs", "products_models", "media_books", "status",
)

_FENCE = re.compile(r"---[ \t\r]*(?:\n|\Z)")
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)([ \t]*):(?=[ \t\r\n]|\Z)")
_LIST_ITEM = re.compile(r"( *)-( +)(.*)")
# What a YAML scalar cannot hold unescaped (and line breaks, which plain and
# single-quoted scalars fold into spaces).
_NEEDS_ESCAPES = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")
_TRAILING_LINES = re.compile(r"(?<![^\n])(?:(?:[ \t]*|#[^\n]*)\n)*\Z")


# The header of a file written without one: renders as nothing.
NO_FRONT_MATTER = FrontMatter(entries=(), values={}, opening="", closing="", trailing="")


class _ValueLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that leaves dates as the strings they were written as.

    A plain ``=`` and a ``<<`` that is not a key (PyYAML has no value for either and
    would refuse the file) are read as text too.
    """


_TEXT_TAGS = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")
_ValueLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ValueLoader.add_constructor("tag:yaml.org,2002:merge", yaml.SafeLoader.construct_yaml_str)


class _LocatingLoader(_ValueLoader):
    """Tells on which node a constructor failed; slower, so used only after a failure.

    PyYAML's constructors of explicitly tagged scalars (``!!int 0x``, ``!!bool x``,
    ``!!timestamp 2020-13-45``, an int of 5,000 digits) raise plain Python errors
    without a position.
    """

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception as error:  # whatever the constructor raised, with its node's line
            shown = node.value if isinstance(node.value, str) else "this value"
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown!r} as !!{tag} ({str(error)[:80]})", node.start_mark,
            ) from None


def _load(yaml_text: str) -> Any:
    try:
        return yaml.load(yaml_text, Loader=_ValueLoader)
    except yaml.YAMLError:
        raise
    except Exception:
        return yaml.load(yaml_text, Loader=_LocatingLoader)


def load_values(yaml_text: str, first_line: int = 1) -> dict[str, Any]:
    """Read a YAML mapping; raise ParseError with the file's line number on failure.

    A text that nests or expands past the bounds of :mod:`.bounds` is refused before
    it is loaded.
    """
    try:
        if could_exceed(yaml_text):
            check_bounds(yaml_text, _ValueLoader, first_line)
        values = _load(yaml_text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and mark.index >= len(yaml_text.rstrip()):
            # Met only at the end (an unclosed quote): where it opened says more.
            mark = error.context_mark
        line = first_line + (mark.line if mark else 0)
        raise ParseError(f"invalid YAML in front matter: {error.problem or error}", line) from None
    except yaml.YAMLError as error:
        raise ParseError(f"invalid YAML in front matter: {error}", first_line) from None
    if not isinstance(values, dict):
        kind = "empty" if values is None else f"a {type(values).__name__}, not a mapping"
        raise ParseError(f"front matter is {kind}", first_line)
    return {str(key): value for key, value in values.items()}


def parse_front_matter(text: str) -> tuple[FrontMatter, int]:
    """Parse the header at the start of ``text``; return it and where the body starts.

    A text whose first line is not a ``---`` fence has no front matter (as for the
    static site's reader, so ``----`` opens a body): it gets the empty, unfenced
    :data:`NO_FRONT_MATTER` and its body starts at 0.
    """
    opening = _FENCE.match(text)
    if not opening:
        return NO_FRONT_MATTER, 0
    closing = _FENCE.search(text, opening.end())
    while closing and closing.start() > 0 and text[closing.start() - 1] != "\n":
        closing = _FENCE.search(text, closing.end())
    if not closing:
        raise ParseError("front matter is not closed: no '---' line after line 1", 1)
    inner = text[opening.end():closing.start()]
    values = load_values(inner, first_line=2)
    blank = re.compile(r"(?:[ \t\r]*\n)*(?:[ \t\r]+\Z)?").match(text, closing.end())
    front_matter = FrontMatter(
        entries=split_entries(inner),
        values=values,
        opening=opening.group(),
        closing=closing.group(),
        trailing=blank.group(),
    )
    return front_matter, blank.end()


def split_entries(inner: str) -> tuple[Entry, ...]:
    """Cut the header's lines into entries, each starting at a column-0 key."""
    entries: list[Entry] = []
    key, gap, lines = None, "", []
    for line in _LINES.findall(inner):
        match = _KEY_LINE.match(line)
        if match:
            if lines:
                entries.append(Entry(key, "".join(lines), gap))
            key, gap, lines = match.group(1), match.group(2), []
        lines.append(line)
    if lines:
        entries.append(Entry(key, "".join(lines), gap))
    return tuple(entries)


def render_front_matter(front_matter: FrontMatter) -> str:
    return (
        front_matter.opening
        + "".join(entry.raw for entry in front_matter.entries)
        + front_matter.closing
        + front_matter.trailing
    )


def as_list(value: Any) -> list[str]:
    """A list key's value as a list of strings (``[]`` written as a string is empty)."""
    if value is None or value == "[]" or value == "":
        return []
    if isinstance(value, list):
        return [str(item) for item in value if item is not None]
    return [str(value)]


@dataclasses.dataclass(frozen=True)
class Dialect:
    """How this header writes what a changed key needs: quotes and list layout."""

    list_indent: str
    dash_gap: str
    item_quote: str
    scalar_quote: str
    order: str  # "alphabetical", "canonical" or "other"


_FLOW_DIALECT = Dialect(list_indent="", dash_gap=" ", item_quote='"', scalar_quote='"', order="other")


def dialect_of(front_matter: FrontMatter) -> Dialect:
    item_lines = [
        _LIST_ITEM.match(line)
        for entry in front_matter.entries
        for line in entry.raw.splitlines()[1:]
    ]
    items = [match for match in item_lines if match]
    keys = list(dict.fromkeys(front_matter.keys()))
    if keys == sorted(keys):
        order = "alphabetical"
    elif [key for key in keys if key in CANONICAL_ORDER] == [
        key for key in CANONICAL_ORDER if key in keys
    ]:
        order = "canonical"
    else:
        order = "other"
    quoted_scalars = [
        entry.raw.split(":", 1)[1].strip()[:1]
        for entry in front_matter.entries
        if entry.key and entry.raw.split(":", 1)[1].strip()[:1] in {"'", '"'}
        and entry.raw.split(":", 1)[1].strip() not in {"''", '""'}
    ]
    return Dialect(
        list_indent=items[0].group(1) if items else ("" if order == "alphabetical" else "  "),
        dash_gap=items[0].group(2) if items else " ",
        item_quote='"' if items and all(m.group(3).startswith('"') for m in items) else "",
        scalar_quote='"' if quoted_scalars.count('"') > quoted_scalars.count("'") else "'",
        order=order,
    )


def with_value(front_matter: FrontMatter, key: str, value: Any) -> FrontMatter:
    """Set ``key`` to ``value``, rewriting only that key's lines.

    The effective (last) entry of a duplicated key is the one rewritten. A key that
    is not there yet is added where the header's key order puts it. A document
    without front matter gets one, fenced with ``---``.
    """
    if not front_matter.opening:
        front_matter = dataclasses.replace(front_matter, opening="---\n", closing="---\n")
    dialect = dialect_of(front_matter)
    entries = list(front_matter.entries)
    index = next((i for i in range(len(entries) - 1, -1, -1) if entries[i].key == key), None)
    if index is None:
        entry = Entry(key, _render_entry(key, value, dialect, previous=None))
        entries.insert(_insertion_index(entries, key, dialect), entry)
    else:
        previous = entries[index]
        entries[index] = Entry(key, _render_entry(key, value, dialect, previous), previous.key_gap)
    values = dict(front_matter.values)
    values[key] = value
    return dataclasses.replace(front_matter, entries=tuple(entries), values=values)


def without_key(front_matter: FrontMatter, key: str) -> FrontMatter:
    """Drop every entry of ``key``."""
    entries = tuple(entry for entry in front_matter.entries if entry.key != key)
    values = {k: v for k, v in front_matter.values.items() if k != key}
    return dataclasses.replace(front_matter, entries=entries, values=values)


def _insertion_index(entries: list[Entry], key: str, dialect: Dialect) -> int:
    if dialect.order == "alphabetical":
        return next((i for i, e in enumerate(entries) if e.key and e.key > key), len(entries))
    if dialect.order == "canonical" and key in CANONICAL_ORDER:
        rank = CANONICAL_ORDER.index(key)
        later = [
            i for i, e in enumerate(entries)
            if e.key in CANONICAL_ORDER and CANONICAL_ORDER.index(e.key) > rank
        ]
        if later:
            return later[0]
    return len(entries)


def _render_entry(key: str, value: Any, dialect: Dialect, previous: Entry | None) -> str:
    gap = previous.key_gap if previous else ""
    kept_tail = _TRAILING_LINES.search(previous.raw).group() if previous else ""
    old_value_text = previous.raw.split("\n", 1)[0].split(":", 1)[1].strip() if previous else ""
    if isinstance(value, (list, tuple)):
        body = _render_list(value, dialect, previous)
    elif isinstance(value, dict):
        body = " " + _flow(value)
    else:
        body = " " + _render_scalar(value, dialect, quote=old_value_text[:1])
        if value is None:
            body = ""
    return f"{key}{gap}:{body}\n{kept_tail}"


def _render_list(items, dialect: Dialect, previous: Entry | None) -> str:
    if not items:
        return " []"
    indent, dash_gap, quote = dialect.list_indent, dialect.dash_gap, dialect.item_quote
    old_items = [
        match for match in map(_LIST_ITEM.match, previous.raw.splitlines()[1:]) if match
    ] if previous else []
    if old_items:
        indent, dash_gap = old_items[0].group(1), old_items[0].group(2)
        quote = '"' if all(m.group(3).startswith('"') for m in old_items) else ""
    return "".join(
        f"\n{indent}-" if item is None
        else f"\n{indent}-{dash_gap}{_flow(item)}" if isinstance(item, (list, tuple, dict))
        else f"\n{indent}-{dash_gap}{_render_scalar(item, dialect, quote, item=True)}"
        for item in items
    )


def _flow(value: Any) -> str:
    """``value`` as a YAML flow collection or scalar, every string double-quoted."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_flow, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(key)}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, str):
        return _double_quoted(value)
    return "null" if value is None else _render_scalar(value, _FLOW_DIALECT)


def _render_scalar(value: Any, dialect: Dialect, quote: str = "", item: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        return _yaml_float(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _NEEDS_ESCAPES.search(text):
        return _double_quoted(text)
    if quote not in {"'", '"'}:
        if not text:
            quote = "'"
        elif _plain_is_safe(text):
            quote = ""
        else:
            quote = (dialect.item_quote or "'") if item else dialect.scalar_quote
    if quote == '"':
        return _double_quoted(text)
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    return text


def _yaml_float(value: float) -> str:
    """A float as YAML 1.1 reads it back: ``.inf``, ``.nan``, a mantissa with a dot."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    return text if "." in text else text.replace("e", ".0e", 1)


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar; line breaks and unprintable characters escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _NEEDS_ESCAPES.sub(_escape, escaped) + '"'


def _escape(match: re.Match) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _plain_is_safe(text: str) -> bool:
    """True when ``text`` written without quotes reads back as the same string."""
    if not text or text != text.strip() or "\n" in text:
        return False
    try:
        return yaml.load(f"k: {text}\n", Loader=_ValueLoader) == {"k": text}
    except yaml.YAMLError:
        return False
