"""Defects planted into real episodes of the shared archive are found at their line,
and the same episodes as they are keep few flags (``bench/translation_checks.py``
measures the whole shared half)."""
from __future__ import annotations

import collections
import random
import statistics

from archive.checks import KnownNames
from archive.checks.documents import block_lines, check_document, names_of
from archive.codec import ParseError, Turn, parse, render

from .planting import PLANTERS, plant


def bilingual_sample(folder, count=40):
    documents = {}
    for path in sorted(folder.rglob("*.md"))[::40]:
        try:
            document = parse(path.read_text(encoding="utf-8"))
        except (ParseError, UnicodeDecodeError):
            continue
        if sum(isinstance(b, Turn) and b.english is not None for b in document.blocks) >= 5:
            documents[path.name] = document
    return dict(list(documents.items())[:count])


def test_planted_defects_are_found_at_their_line(archive_notes_dir):
    documents = bilingual_sample(archive_notes_dir)
    people, entities = collections.Counter(), collections.Counter()
    for document in documents.values():
        named, tagged = names_of(document)
        people.update(named)
        entities.update(tagged)
    known = KnownNames.of(people.items(), entities.items())
    found, planted = collections.Counter(), collections.Counter()
    for name, document in documents.items():
        for kind in PLANTERS:
            result = plant(document, kind, random.Random(f"{name}{kind}"), sorted(entities))
            if result is None:
                continue
            changed, index = result
            reparsed = parse(render(changed))
            line = block_lines(reparsed)[index]
            assert render(reparsed).splitlines()[line - 1] == render(changed).splitlines()[line - 1]
            planted[kind] += 1
            found[kind] += any(f.check for f in check_document(reparsed, known).get(index, []))
    assert set(planted) == set(PLANTERS)
    assert sum(found.values()) >= 0.9 * sum(planted.values()), (found, planted)
    shares = [
        len(check_document(document, known)) / sum(isinstance(b, Turn) for b in document.blocks)
        for document in documents.values()
    ]
    assert statistics.median(shares) <= 0.15
