"""Search at the archive's size, against ripgrep over the same files, in one run.

    DATABASE_URL=... python bench/search.py [--notes PATH] [--runs N]

On the database given by DATABASE_URL (SQLite by default), holding the archive
imported from ``--notes`` (default ``../shared/archive/notes``; imported first when
the database has no episodes), it prints:

- the full index build (``rebuild_index``) and the index's size (table and indexes)
  beside the database's and the archive's;
- re-indexing the largest episode (most turns) after a change of one turn;
- loading the index into a fresh process (its first search);
- per query, p50 and p95 of ``search()`` (uncached: no page cache; the process's
  in-memory copy of the index is what is measured) and, in the same run, ripgrep's
  median time for ``rg -F -i -c`` of the same terms over the same files.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.project.settings")
# Run as a development setup, DEBUG=1, unless DEBUG is set.
os.environ.setdefault("DEBUG", "1")

QUERIES = [
    "the", "的", "AI", "泡沫", "人工智能", "向量数据库", "Nvidia", "超級歪",
    "Nvidia 泡沫", "英伟达 护城河", "AI 泡沫 芯片",
    '"I don\'t think"', '"the data center is the computer"', "“人工智能的发展”",
    "zzqqxx", '"泡沫 zzqqxx"', "没有这个词语的节目",
]


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ripgrep(terms: list[str], notes: Path, runs: int) -> float:
    command = ["rg", "-F", "-i", "-c"] + [part for term in terms for part in ("-e", term)] + [str(notes)]
    return statistics.median(timed(lambda: subprocess.run(command, stdout=subprocess.DEVNULL), runs))


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (the build's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def sizes() -> tuple[int, int]:
    """(bytes of the search table and its indexes, bytes of the whole database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('archive_searchtext'), pg_database_size(current_database())")
            return cursor.fetchone()
        cursor.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name = 'archive_searchtext' "
            "OR name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'archive_searchtext')"
        )
        index = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (page_count - freelist_count) * page_size "
            "FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()"
        )
        return index, cursor.fetchone()[0]       # pages in use: free pages are reused


FIRST_SEARCH = """
import time, django
django.setup()
from archive.models import Episode
from archive.search import search
import resource
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
search("泡沫", Episode.objects.public())
seconds = time.perf_counter() - started
print(seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=Path, default=Path(os.environ.get("ARCHIVE_NOTES") or REPO.parent / "shared" / "archive" / "notes"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django
    django.setup()
    from django.core.management import CommandError, call_command
    from django.db import connection
    from django.db.models import Count

    from archive.models import Episode, Turn
    from archive.search import image, index_episodes, rebuild_index, search

    archive_bytes = sum(path.stat().st_size for path in args.notes.rglob("*.md"))
    call_command("migrate", verbosity=0)
    if not Episode.objects.exists():
        try:
            call_command("import_markdown", str(args.notes))
        except CommandError as error:
            # The files that failed were reported above; the bench runs on the rest.
            print(f"import_markdown: {error}; going on with what was imported")
    print(f"database: {connection.vendor}; archive: {Episode.objects.count()} episodes, "
          f"{Turn.objects.count()} turns, {archive_bytes / 1e6:.1f} MB in {args.notes}")

    started, cpu = time.perf_counter(), cpu_seconds()
    rows = rebuild_index()
    build, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    index_bytes, database_bytes = sizes()
    print(f"full index build: {build:.2f} s for {rows} episodes ({cpu:.1f} s of CPU in this process "
          f"and its workers; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"index size: {index_bytes / 1e6:.1f} MB (table and indexes); database {database_bytes / 1e6:.1f} MB "
          f"= {database_bytes / archive_bytes:.2f}x the archive")

    largest = Episode.objects.annotate(turn_count=Count("turns")).order_by("-turn_count").first()
    turn = largest.turns.filter(kind=Turn.Kind.TURN).exclude(translation=None).first()

    def edit_and_reindex():
        Turn.objects.filter(pk=turn.pk).update(translation=turn.translation + "。")
        Episode.objects.filter(pk=largest.pk).update(version=largest.version + 1)
        index_episodes([largest.pk])
    reindex = timed(edit_and_reindex, 5)
    Turn.objects.filter(pk=turn.pk).update(translation=turn.translation)
    index_episodes([largest.pk])
    print(f"re-index one episode ({largest.turn_count} turns): median {statistics.median(reindex) * 1000:.0f} ms, "
          f"max {max(reindex) * 1000:.0f} ms")

    first = subprocess.run([sys.executable, "-c", FIRST_SEARCH], cwd=REPO, capture_output=True, text=True, env=os.environ)
    seconds, megabytes = (first.stdout.split() + ["nan", "nan"])[:2]
    print(f"first search of a fresh process (loads the index): {float(seconds):.2f} s, "
          f"its memory grows by {megabytes} MB")

    image.current()
    episodes = Episode.objects.public()
    print(f"\n{'query':36} {'results':>7} {'p50 ms':>8} {'p95 ms':>8} {'rg ms':>7}  p95 < rg")
    slower = 0
    for query in QUERIES:
        from archive.search import parse
        terms = [term.shown for term in parse(query)]
        count = search(query, episodes).paginator.count
        times = timed(lambda: search(query, episodes), args.runs)
        rg = ripgrep(terms, args.notes, 5)
        ok = p95(times) < rg
        slower += not ok
        print(f"{query:36} {count:7} {statistics.median(times) * 1000:8.1f} {p95(times) * 1000:8.1f} "
              f"{rg * 1000:7.1f}  {'yes' if ok else 'NO'}")
    print(f"\n{len(QUERIES) - slower} of {len(QUERIES)} queries with p95 under ripgrep's median")


if __name__ == "__main__":
    main()
