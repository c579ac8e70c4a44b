"""Search at the archive's size, against ripgrep over the same files, in one run.

    DATABASE_URL=... python bench/search.py [--notes PATH] [--runs N] [--backends scan,postings]

On the database given by DATABASE_URL (SQLite by default), holding the archive
imported from ``--notes`` (default ``../shared/archive/notes``; imported first when
the database has no episodes), it prints:

- the full index build (``rebuild_index``) and the index's size (table and indexes)
  beside the database's and the archive's;
- writing the postings index (``write_search_index``, in a process of its own): seconds,
  size on disk, the process's peak memory;
- re-indexing the largest episode (most turns) after a change of one turn;
- per backend, a fresh process's first search (seconds, memory growth) and its
  memory after all the queries below;
- per query, p50 and p95 of ``search()`` with each backend (uncached: no page cache;
  the index as the backend holds it is what is measured) and, in the same run,
  ripgrep's median time for ``rg -F -i -c`` of the same terms over the same files.
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
# The index rows are timed alone (rebuild_index would also write the postings file,
# which is timed in a process of its own); each backend is then chosen per measure.
os.environ["SEARCH_BACKEND"] = "scan"

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
import sys, time, django
django.setup()
from archive.models import Episode
from archive.search import search
import resource
from bench.search import QUERIES, resident
before = resident()
started = time.perf_counter()
search("泡沫", Episode.objects.public())
seconds = time.perf_counter() - started
after_first = resident()
for query in QUERIES:
    search(query, Episode.objects.public())
print(seconds, (after_first - before) // 2 ** 20, resident() // 2 ** 20, resident("RssFile:") // 2 ** 20,
      (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before) // 2 ** 20)
"""


def resident(kind: str = "VmRSS:") -> int:
    """Bytes of this process's resident memory now (``VmRSS:``, pages of the shared
    index files it has read included), or of one kind (``RssFile:``: those pages)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(kind):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=Path, default=Path(os.environ.get("ARCHIVE_NOTES") or REPO.parent / "shared" / "archive" / "notes"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backends", default="scan,postings",
                        help="comma-separated search backends to measure (scan loads every text: slow at 10x)")
    args = parser.parse_args()
    backends = args.backends.split(",")

    import django
    django.setup()
    from django.core.management import CommandError, call_command
    from django.db import connection
    from django.conf import settings
    from django.db.models import Count
    from django.test import override_settings

    from archive.models import Episode, Turn
    from archive.search import index_episodes, rebuild_index, search

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

    written = subprocess.run([sys.executable, "-c", WRITE_POSTINGS], cwd=REPO, capture_output=True, text=True,
                             env=os.environ)
    seconds, megabytes, peak = (written.stdout.split() + ["nan"] * 3)[:3]
    print(f"postings index written: {float(seconds):.1f} s, {float(megabytes):.0f} MB on disk "
          f"(in {settings.SEARCH_INDEX_DIR}), peak memory of its process {peak} MB")

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

    for backend in backends:
        first = subprocess.run([sys.executable, "-c", FIRST_SEARCH], cwd=REPO, capture_output=True, text=True,
                               env={**os.environ, "SEARCH_BACKEND": backend, "PYTHONPATH": str(REPO)})
        seconds, grown, after, shared, peak = (first.stdout.split() + ["nan"] * 5)[:5]
        print(f"{backend}: first search of a fresh process: {float(seconds):.2f} s, its memory grows by "
              f"{grown} MB; after all the queries below it holds {after} MB ({shared} MB of them pages of "
              f"files, shared), peak {peak} MB above its start")

    episodes = Episode.objects.public()
    columns = "".join(f" {name + ' p50':>13} {name + ' p95':>13}" for name in backends)
    print(f"\n{'query':36} {'results':>7}{columns} {'rg ms':>7}  p95 < rg")
    slower = dict.fromkeys(backends, 0)
    for query in QUERIES:
        from archive.search import parse
        terms = [term.shown for term in parse(query)]
        figures, counts, verdicts = [], set(), []
        rg = ripgrep(terms, args.notes, 5)
        for backend in backends:
            with override_settings(SEARCH_BACKEND=backend):
                counts.add(search(query, episodes).paginator.count)
                times = timed(lambda: search(query, episodes), args.runs)
            figures += [statistics.median(times) * 1000, p95(times) * 1000]
            slower[backend] += p95(times) >= rg
            verdicts.append("yes" if p95(times) < rg else "NO")
        shown = "".join(f" {figure:13.1f}" for figure in figures)
        print(f"{query:36} {'/'.join(map(str, sorted(counts))):>7}{shown} {rg * 1000:7.1f}  {' '.join(verdicts)}")
    for backend in backends:
        print(f"{backend}: {len(QUERIES) - slower[backend]} of {len(QUERIES)} queries with p95 under ripgrep's median")
    print(f"load: {os.getloadavg()}")


WRITE_POSTINGS = """
import resource, time, django
django.setup()
from archive.search.postings.writer import index_dir, write_index
started = time.perf_counter()
path = write_index(index_dir())
print(time.perf_counter() - started, sum(part.stat().st_size for part in path.iterdir()) / 1e6,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


if __name__ == "__main__":
    main()
