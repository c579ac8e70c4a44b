"""What the translation checks flag on the shared half of the archive, and what they find.

    python bench/translation_checks.py [--notes PATH] [--per-kind N] [--seed S]

Parses every file (pure codec and checks, no database), with the archive's known
names gathered from all of them, and prints: turns flagged per check; the share of
turns flagged per episode (median and p90, over bilingual episodes and over all);
then, for each kind of defect planted by ``tests/archive/checks/planting.py`` into N
bilingual episodes (written out and parsed back, as a file would be), the share found
at the planted turn's line by its own check and by any check. The target: recall of
95% or more per kind, median flagged share of 10% or less.
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.checks import KnownNames  # noqa: E402
from archive.checks.documents import block_lines, bolded_untagged, check_document, names_of  # noqa: E402
from archive.codec import ParseError, Turn, parse, render  # noqa: E402
from tests.archive.checks.planting import PLANTERS, plant  # noqa: E402


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", default=os.environ.get("ARCHIVE_NOTES") or REPO.parent / "shared" / "archive" / "notes")
    parser.add_argument("--per-kind", type=int, default=400)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--show-missed", action="store_true")
    parser.add_argument("--limit", type=int, help="only the first N files (for a quick look)")
    args = parser.parse_args()
    started = time.perf_counter()
    documents = {}
    for path in sorted(Path(args.notes).rglob("*.md"))[:args.limit]:
        try:
            documents[path.name] = parse(path.read_text(encoding="utf-8"))
        except (ParseError, UnicodeDecodeError):
            continue
    people, entities = collections.Counter(), collections.Counter()
    for document in documents.values():
        named, tagged = names_of(document)
        people.update(named)
        entities.update(tagged)
    untagged = collections.Counter(  # what the episodes' bolded_untagged columns count
        key for document in documents.values() for key in bolded_untagged(document)
    )
    known = KnownNames.of(people.items(), entities.items(), untagged)
    parsed = time.perf_counter()
    per_check, shares, bilingual_shares, turns_total, flagged_total = collections.Counter(), [], [], 0, 0
    bilingual = []
    for name, document in documents.items():
        findings = check_document(document, known)
        turns = sum(isinstance(block, Turn) for block in document.blocks)
        if not turns:
            continue
        turns_total += turns
        flagged_total += len(findings)
        for found in findings.values():
            per_check.update({finding.check for finding in found})
        shares.append(len(findings) / turns)
        if any(isinstance(b, Turn) and b.english for b in document.blocks):
            bilingual_shares.append(len(findings) / turns)
            bilingual.append(name)
    checked = time.perf_counter()
    print(f"{len(documents)} episodes ({len(bilingual)} bilingual), {turns_total} turns, "
          f"{flagged_total} flagged ({flagged_total / turns_total:.1%}); "
          f"parse {parsed - started:.1f} s, checks {checked - parsed:.1f} s")
    for check, count in per_check.most_common():
        print(f"  {check:22} {count:6} turns ({count / turns_total:.2%})")
    print(f"flagged share per episode: bilingual median {quantile(bilingual_shares, .5):.1%} "
          f"p90 {quantile(bilingual_shares, .9):.1%}; all median {quantile(shares, .5):.1%} "
          f"p90 {quantile(shares, .9):.1%}")
    entity_names = sorted(entities)
    rng = random.Random(args.seed)
    print(f"planted defects ({args.per_kind} bilingual episodes per kind, seed {args.seed}):")
    for kind in PLANTERS:
        tried = own = anywhere = 0
        missed = []
        for name in rng.sample(bilingual, min(args.per_kind, len(bilingual))):
            planted = plant(documents[name], kind, random.Random(f"{args.seed}{name}{kind}"), entity_names)
            if planted is None:
                continue
            document, index = planted
            document = parse(render(document))  # as the file holds it
            line = block_lines(document)[index]
            found = check_document(document, known).get(index, [])
            tried += 1
            anywhere += bool(found)
            own += any(f.check == kind or (kind == "truncated" and f.check == "length-ratio") for f in found)
            if not any(f.check == kind for f in found):
                missed.append(f"{name}:{line}")
                if args.show_missed:
                    turn = document.blocks[index]
                    print(f"    MISSED {kind} {name}:{line} {[f.check for f in found]}\n      ZH {turn.text!r:.300}\n"
                          f"      EN {(turn.english.text if turn.english else None)!r:.300}")
        if tried:
            print(f"  {kind:22} {tried:4} planted, own check {own / tried:6.1%}, any check "
                  f"{anywhere / tried:6.1%}   missed e.g. {' '.join(missed[:3])}")


if __name__ == "__main__":
    main()
