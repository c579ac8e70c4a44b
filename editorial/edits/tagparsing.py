"""Tag strings for django-taggit that split on commas only, so "Sam Altman" is one tag.

A name holding a comma is written in double quotes, with inner quotes doubled as in CSV:
"Acme, Inc." or "Say ""hi"", then". A field counts as quoted only if it is quoted as a
whole; otherwise its quotes are ordinary characters. For any list of stripped, non-empty,
distinct names, comma_splitter(comma_joiner(tags)) gives the names back in order.
"""

import re

_FIELD = re.compile(r'\s*"((?:[^"]|"")*)"\s*(?:,|\Z)|([^,]*),?')


def comma_splitter(string):
    """Names in the order written, stripped, without empties or exact repeats."""
    names = []
    pos = 0
    while pos < len(string):
        match = _FIELD.match(string, pos)
        quoted, plain = match.groups()
        name = (quoted.replace('""', '"') if quoted is not None else plain).strip()
        if name and name not in names:
            names.append(name)
        pos = match.end()
    return names


def comma_joiner(names):
    """The names in the given order, joined by ", ", quoted where needed."""
    return ", ".join(_quote(name) for name in names)


def _quote(name):
    if "," in name or name.startswith('"'):
        return '"' + name.replace('"', '""') + '"'
    return name
