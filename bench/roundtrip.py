"""Import and export speed against the floor of reading + python-frontmatter.

    python bench/roundtrip.py [--episodes 1000] [--corpus PATH]

Builds an N-episode archive by cycling the shared corpus under new file names, then
on a throwaway database of the configured kind (DATABASE_URL, SQLite by default)
times import_markdown (and, apart, the search index pass it ends with) and
export_markdown. In the same run it times the floor:
reading the same files and parsing each with python-frontmatter alone. Prints
seconds, MB/s and the ratios import/floor and export/floor.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")


def build_archive(corpus: Path, folder: Path, episodes: int) -> int:
    sources = sorted(corpus.rglob("*.md"))
    size = 0
    for number in range(episodes):
        source = sources[number % len(sources)]
        target = folder / f"bench-{number:05d}-{source.name}"
        shutil.copyfile(source, target)
        size += target.stat().st_size
    return size


def floor_seconds(folder: Path, runs: int = 3) -> float:
    """The best of ``runs`` passes, so a busy machine does not flatter the ratios."""
    import frontmatter

    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for path in sorted(folder.glob("*.md")):
            frontmatter.loads(path.read_text(encoding="utf-8"))
        best = min(best, time.perf_counter() - started)
    return best


def parse_seconds(folder: Path) -> float:
    """Reading and parsing every file with the codec alone, no database: the share of
    the import that is the lossless parse of the whole body."""
    from archive.codec import parse

    started = time.perf_counter()
    for path in sorted(folder.glob("*.md")):
        parse(path.read_text(encoding="utf-8"))
    return time.perf_counter() - started


def timed(command: str, *args: str) -> tuple[float, str]:
    """Seconds the command took, and what it printed."""
    from django.core.management import call_command

    output = StringIO()
    started = time.perf_counter()
    call_command(command, *args, stdout=output)
    return time.perf_counter() - started, output.getvalue()


def reported(pattern: str, output: str) -> tuple[float, int]:
    """The seconds and peak megabytes import_markdown printed for one phase."""
    match = re.search(pattern + r".* in ([\d.]+) s \(peak memory (\d+) MB\)", output)
    return float(match.group(1)), int(match.group(2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument(
        "--corpus", type=Path,
        default=Path(os.environ.get("ARCHIVE_CORPUS", REPO.parent / "shared" / "corpus")),
    )
    options = parser.parse_args()

    import django
    from django.db import connection

    django.setup()
    work = Path(tempfile.mkdtemp(prefix="bench-roundtrip-"))
    archive, out = work / "archive", work / "out"
    archive.mkdir()
    megabytes = build_archive(options.corpus, archive, options.episodes) / 1e6
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":  # a file, as in use, not an in-memory database
        connection.settings_dict["TEST"]["NAME"] = str(work / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        floor = floor_seconds(archive)
        parsed = parse_seconds(archive)
        _, output = timed("import_markdown", str(archive))
        imported, import_peak = reported(r"files:", output)
        indexed, index_peak = reported(r"search index", output)
        exported, _ = timed("export_markdown", str(out))
        identical = all(
            (out / path.name).read_bytes() == path.read_bytes() for path in archive.glob("*.md")
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(work)

    print(f"database: {connection.vendor}; {options.episodes} episodes, {megabytes:.1f} MB")
    print(f"floor (read + python-frontmatter): {floor:7.2f} s  {megabytes / floor:7.1f} MB/s")
    print(f"codec parse alone (no database):  {parsed:7.2f} s  {megabytes / parsed:7.1f} MB/s"
          f"  = {parsed / floor:.2f} x floor")
    print(f"import_markdown:                   {imported:7.2f} s  {megabytes / imported:7.1f} MB/s"
          f"  = {imported / floor:.2f} x floor (aim 3 x); peak memory {import_peak} MB")
    print(f"  then the search index, one pass:  {indexed:7.2f} s  {megabytes / indexed:7.1f} MB/s"
          f"  peak memory {index_peak} MB")
    print(f"export_markdown:                   {exported:7.2f} s  {megabytes / exported:7.1f} MB/s"
          f"  = {exported / floor:.2f} x floor (aim 2 x)")
    print(f"exported files identical to imported: {identical}")


if __name__ == "__main__":
    main()
