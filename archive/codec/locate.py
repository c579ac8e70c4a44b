"""Where a front-matter key is written, and how its scalars are spelled there.

For messages (``path:line: problem``) and for telling whether a value YAML read as a
number or a boolean reads back as the text written (``title: 1984`` does, ``title:
1.10`` and ``title: yes`` do not).
"""
from __future__ import annotations

import yaml

from .nodes import FrontMatter

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def key_line(front_matter: FrontMatter, key: str) -> int:
    """The 1-based file line of ``key``'s effective (last) entry; line 1 is ``---``.

    A key the entries do not name (a quoted key such as ``"title":``) is looked up in
    the YAML; failing that, the first line of the header is given.
    """
    line = first = 1 + front_matter.opening.count("\n")
    found = None
    for entry in front_matter.entries:
        if entry.key == key:
            found = line
        line += entry.raw.count("\n")
    if found is not None:
        return found
    pair = _pair(front_matter, key)
    return first + pair[0].start_mark.line if pair else first


def written_scalars(front_matter: FrontMatter, key: str) -> list[str] | None:
    """The text of ``key``'s scalar value, or of each scalar item of its list, as written.

    None when the key is not found in the YAML. Quotes and escapes are undone, as in
    the value; only implicit typing (``1.10`` -> ``1.1``) is not applied.
    """
    pair = _pair(front_matter, key)
    if pair is None:
        return None
    node = pair[1]
    if isinstance(node, yaml.SequenceNode):
        return [item.value for item in node.value if isinstance(item, yaml.ScalarNode)]
    return [node.value] if isinstance(node, yaml.ScalarNode) else []


def _pair(front_matter: FrontMatter, key: str):
    """The last (key node, value node) of the top mapping whose key is written ``key``."""
    text = "".join(entry.raw for entry in front_matter.entries)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    pairs = [pair for pair in root.value if isinstance(pair[0], yaml.ScalarNode)]
    return next((pair for pair in reversed(pairs) if pair[0].value == key), None)
