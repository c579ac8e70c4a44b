"""How deep and how large a front matter may be once its YAML aliases are expanded.

PyYAML shares an aliased value instead of copying it, so 742 bytes of anchors and
aliases load quickly and then expand to a billion values in whatever walks them
(a ``<<`` merge key expands while loading). libyaml composes nested collections by
recursion, so some 30,000 ``[`` crash the interpreter. Both are refused before the
text is loaded, by counting the parser's events, which expand nothing: an alias
counts as the size of the value it names.

The bounds are far above any real file: in the archive a front matter holds at most
some 160 values and 1,600 characters, nested two collections deep.
"""
from __future__ import annotations

import yaml

from .errors import ParseError

MAX_DEPTH = 100
MAX_VALUES = 100_000
MAX_CHARACTERS = 10_000_000

# Every collection opens with one of these, so without them nothing nests this deep.
_NESTING_INDICATORS = "[{-?:"


class _Collection:
    """A sequence or mapping whose end event has not come yet, and what it holds so far."""

    __slots__ = ("anchor", "values", "characters", "depth", "children")

    def __init__(self, anchor: str | None):
        self.anchor = anchor
        self.values, self.characters, self.depth, self.children = 1, 0, 0, 0


def could_exceed(yaml_text: str) -> bool:
    """False when ``yaml_text`` cannot pass a bound: no alias, short, little nesting.

    Without anchors a value is no larger than its text (a value takes at least half
    a character), so only other texts need their events counted.
    """
    return (
        ("&" in yaml_text and "*" in yaml_text)
        or 2 * len(yaml_text) > min(MAX_VALUES, MAX_CHARACTERS)
        or sum(map(yaml_text.count, _NESTING_INDICATORS)) >= MAX_DEPTH
    )


def check_bounds(yaml_text: str, loader: type, first_line: int = 1) -> None:
    """Raise ParseError, naming the line and the top-level key, where a bound is passed.

    Depth, values and characters are counted as if every alias were a copy of the
    value it names; an alias inside the value it names (a value that holds itself)
    is refused too. YAML errors are left to the loader, which reports them better.
    """
    sizes: dict[str, tuple[int, int, int]] = {}  # anchor -> values, characters, depth
    stack = [_Collection(None)]  # the stream, then the collections still open
    totals = [0, 0]
    key = None

    def refuse(problem: str, event: yaml.Event) -> None:
        owner = "the front matter" if key is None else repr(key)
        raise ParseError(f"{owner} {problem}", first_line + event.start_mark.line)

    def count(values: int, characters: int, depth: int, event: yaml.Event) -> None:
        totals[0] += values
        totals[1] += characters
        if len(stack) - 1 + depth > MAX_DEPTH:
            refuse(f"nests deeper than {MAX_DEPTH} levels", event)
        if totals[0] > MAX_VALUES:
            refuse(f"expands past {MAX_VALUES:,} values (YAML aliases counted as copies)", event)
        if totals[1] > MAX_CHARACTERS:
            refuse(f"expands past {MAX_CHARACTERS:,} characters (YAML aliases counted as copies)", event)

    def hold(collection: _Collection, size: tuple[int, int, int]) -> None:
        collection.values += size[0]
        collection.characters += size[1]
        collection.depth = max(collection.depth, size[2])

    try:
        for event in yaml.parse(yaml_text, Loader=loader):
            if isinstance(event, yaml.NodeEvent):
                parent = stack[-1]
                if len(stack) == 2 and parent.children % 2 == 0:  # a key of the top mapping
                    key = event.value if isinstance(event, yaml.ScalarEvent) else None
                parent.children += 1
            if isinstance(event, yaml.ScalarEvent):
                size = (1, len(event.value), 0)
                if event.anchor is not None:
                    sizes[event.anchor] = size
                count(*size, event)
                hold(stack[-1], size)
            elif isinstance(event, yaml.AliasEvent):
                if any(open_.anchor == event.anchor for open_ in stack):
                    refuse("holds a YAML alias inside the value it names", event)
                size = sizes.get(event.anchor, (0, 0, 0))  # unknown: the loader says so
                count(*size, event)
                hold(stack[-1], size)
            elif isinstance(event, yaml.CollectionStartEvent):
                count(1, 0, 1, event)
                stack.append(_Collection(event.anchor))
            elif isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                size = (done.values, done.characters, done.depth + 1)
                if done.anchor is not None:
                    sizes[done.anchor] = size
                hold(stack[-1], size)
    except yaml.YAMLError:
        return
