"""Public pages under gunicorn on the shared archive: uncached and cached, against a
trivial view of the same app, and search against ripgrep over the same files.

    python bench/pages.py [--archive PATH] [--database-url URL] [--runs 15]
                          [--requests 400] [--concurrency 4] [--workers 2] [--redis-db 9]
                          [--load-only] [--baseline TREE]

Without ``--database-url`` it imports the archive (default ../shared/archive/notes)
into a throwaway SQLite database first; with it, it uses that database as it is (an
archive imported there already, e.g. on PostgreSQL). The server is gunicorn on
127.0.0.1 with DEBUG off and the page cache in Redis (``--redis-db``), so that
"uncached" can mean it: that Redis database is flushed before every uncached request.
Terms' addresses are derived once per content state in each worker, as in
production; the first request after a change pays for that and is not counted.

Printed, in one run: the database's size against the archive's (target: under
2 x), every page kind's uncached median and p95 with its target
(100 ms; 300 ms for the largest episode), the cached pages' requests per second
against ``/healthz`` (target: the cached episode page at least half of it), and
uncached search medians against ``rg --fixed-strings --ignore-case`` over the files.
The server keeps database connections open (``--conn-max-age``, 60 s), as a
deployment would: a cached page still reads the content state, one indexed query.

The load figures of many pages: ``--requests`` distinct episode pages under load with
an empty cache (every request a miss), then the same pages again (warm), with the
machine's load average beside them. ``--load-only`` measures only these;
``--baseline TREE`` measures them first for another checkout of the project (the code
before a change) on the same database, so before and after come from one run.
Nothing but 127.0.0.1 is contacted; every loop is bounded in count.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parent.parent
QUERIES = {"2-char Chinese": "泡沫", "Chinese phrase": "数据中心", "English word": "bubble",
           "common word": "the"}
TARGET_MS, LARGEST_TARGET_MS = 100, 300
DATABASE_TARGET_RATIO = 2


def child(code: str, env: dict) -> dict:
    """Run ``code`` in a fresh Django process; it prints one JSON line last."""
    prelude = (
        "import json, os, sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'editorial.project.settings')\n"
        "import django\ndjango.setup()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], env=env, cwd=REPO,
        capture_output=True, text=True, check=False,
    )
    if result.returncode:
        raise SystemExit(result.stdout + result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


IMPORT = """
from io import StringIO
from django.core.management import CommandError, call_command
call_command("migrate", verbosity=0)
started = time.perf_counter()
try:
    call_command("import_markdown", os.environ["BENCH_ARCHIVE"], stdout=StringIO())
except CommandError:
    pass            # the files that failed are reported; the bench runs on the rest
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

# The pages to time: one of each kind, the largest episode and a typical one.
PAGES = """
from django.db.models import Count
from archive.models import Episode
from archive.site.taxonomy import KINDS, listed_terms
episodes = Episode.objects.public(None).annotate(turn_count=Count("turns")).order_by("turn_count")
slugs = list(episodes.values_list("slug", "turn_count"))
import hashlib
spread = sorted(slugs, key=lambda row: hashlib.sha256(row[0].encode()).digest())  # sizes mixed, fixed
def top(key):
    return max(listed_terms(KINDS[key]), key=lambda term: term.count).slug
pages = {
    "home": "/", "home page 2": "/page/2/", "episode index": "/episodes/",
    "episode index, year": "/episodes/?year=2025",
    "episode index, area": f"/episodes/?area={top('area')}",
    "episode (median size)": f"/episodes/{slugs[len(slugs) // 2][0]}/",
    "largest episode": f"/episodes/{slugs[-1][0]}/",
    "tag page (largest)": f"/tags/{top('tag')}/", "speaker page (largest)": f"/speakers/{top('speaker')}/",
    "area page (largest)": f"/areas/{top('area')}/", "person page (largest)": f"/people/{top('person')}/",
    "/all-tags/": "/all-tags/", "/all-tags/page/2/": "/all-tags/page/2/",
    "/all-tags/?q=ai": "/all-tags/?q=ai", "/all-speakers/": "/all-speakers/",
    "/all-areas/": "/all-areas/", "/people/": "/people/", "/about/": "/about/",
    "RSS feed": "/feeds/rss/", "Atom feed": "/feeds/atom/", "/sitemap.xml": "/sitemap.xml",
    "/sitemap-episodes.xml": "/sitemap-episodes.xml", "/sitemap-tags.xml": "/sitemap-tags.xml",
}
from archive.site.sitemaps import SECTIONS
pages["/sitemap-episodes.xml, last"] = f"/sitemap-episodes.xml?p={SECTIONS['episodes'].pages()[-1]}"
misses = [f"/episodes/{slug}/" for slug, _ in spread]
from django.db import connection
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_database_size(current_database())")
    else:   # the file's pages (its free ones too: the file keeps them)
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
    database_bytes = cursor.fetchone()[0]
print(json.dumps({"pages": pages, "largest_turns": slugs[-1][1], "episodes": len(slugs),
                  "distinct": misses, "database_bytes": database_bytes}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def start_gunicorn(env: dict, workers: int, tree: Path = REPO) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "editorial.project.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        env=env, cwd=tree,
    )
    for _ in range(300):
        try:
            if get(port, "/healthz")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def uncached(port: int, path: str, runs: int, flush) -> dict:
    """Median and p95 ms of ``path`` with the page cache emptied before each request."""
    flush()
    get(port, path)                     # the workers derive this state's addresses
    get(port, path)
    times = []
    for _ in range(runs):
        flush()
        started = time.perf_counter()
        status, size = get(port, path)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)],
            "bytes": size}


def load(port: int, path: str, requests: int, concurrency: int) -> dict:
    """``requests`` GETs of ``path`` from ``concurrency`` threads: rps, p50, p95."""
    for _ in range(3):
        assert get(port, path)[0] == 200, path
    latencies: list[float] = []
    lock = threading.Lock()
    share = [requests // concurrency + (i < requests % concurrency) for i in range(concurrency)]

    def worker(count):
        mine = []
        for _ in range(count):
            started = time.perf_counter()
            status, _ = get(port, path)
            mine.append(time.perf_counter() - started)
            assert status == 200, (path, status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(count,)) for count in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000}


def load_of_pages(port: int, paths: list[str], concurrency: int) -> dict:
    """Each of ``paths`` requested once, by ``concurrency`` threads: rps, p50, p95, 5xx."""
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    waiting = iter(paths)

    def worker():
        mine = []
        while True:
            with lock:
                path = next(waiting, None)
            if path is None:
                break
            started = time.perf_counter()
            status, _ = get(port, path)
            mine.append(time.perf_counter() - started)
            if status >= 500:
                failures.append((path, status))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000, "5xx": len(failures)}


def miss_then_warm(env: dict, options, paths: list[str], cache, tree: Path, label: str) -> None:
    """The load figures of one checkout: ``paths`` with an empty cache, then again."""
    cache.flushdb()
    server, port = start_gunicorn(env, options.workers, tree)
    try:
        get(port, paths[0])         # the workers derive this state's addresses
        cache.flushdb()
        for kind in ("every request a miss", "warm (the same pages again)"):
            figures = load_of_pages(port, paths, options.concurrency)
            load = open("/proc/loadavg").read().split()[0]
            print(f"{label:10} {kind:30} {figures['rps']:8.0f} {figures['p50']:8.1f} "
                  f"{figures['p95']:8.1f} {figures['5xx']:5} {load:>6}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def ripgrep(folder: Path, query: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(["rg", "--fixed-strings", "--ignore-case", "--count", query, str(folder)],
                       stdout=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=Path(
        os.environ.get("ARCHIVE_NOTES") or REPO.parent / "shared" / "archive" / "notes"))
    parser.add_argument("--database-url", help="a database that already holds the archive")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="CONN_MAX_AGE of the server: persistent connections, as deployed")
    parser.add_argument("--load-only", action="store_true", help="only the load figures")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout whose load figures are measured first, on the same database")
    options = parser.parse_args()
    if not shutil.which("rg"):
        raise SystemExit("ripgrep (rg) is missing: apt-get install ripgrep")
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    redis_url = f"redis://127.0.0.1:6379/{options.redis_db}"
    cache = redis.Redis.from_url(redis_url)
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "editorial.project.settings", "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING", "REDIS_URL": redis_url,
        "DATABASE_URL": options.database_url or f"sqlite:///{work / 'bench.sqlite3'}",
        "BENCH_ARCHIVE": str(options.archive), "CONN_MAX_AGE": str(options.conn_max_age),
    })
    try:
        for tree in filter(None, (REPO, options.baseline)):
            subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                           cwd=tree, env=env, check=True)
        if not options.database_url:
            imported = child(IMPORT, env)
            print(f"imported {options.archive} in {imported['seconds']:.1f} s")
        cache.flushdb()
        chosen = child(PAGES, env)
        engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        print(f"== {engine}, {chosen['episodes']} public episodes, largest "
              f"{chosen['largest_turns']} turns, gunicorn {options.workers} workers, "
              f"CONN_MAX_AGE={options.conn_max_age} ==")
        archive_bytes = sum(path.stat().st_size for path in options.archive.rglob("*.md"))
        print(f"database {chosen['database_bytes'] / 1e6:.0f} MB = "
              f"{chosen['database_bytes'] / archive_bytes:.2f} x the archive's "
              f"{archive_bytes / 1e6:.0f} MB (target: under {DATABASE_TARGET_RATIO} x)")
        distinct = chosen["distinct"][:options.requests]
        print(f"\n{len(distinct)} distinct episode pages, {options.concurrency} at a time")
        print(f"{'checkout':10} {'load':30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'5xx':>5} {'load1':>6}")
        if options.baseline:
            miss_then_warm(env, options, distinct, cache, options.baseline.resolve(), "baseline")
        miss_then_warm(env, options, distinct, cache, REPO, "this")
        if options.load_only:
            return
        # Uncached: no page kept in the workers' memory, Redis emptied before each request.
        server, port = start_gunicorn({**env, "ARCHIVE_PAGE_MEMORY_ENTRIES": "0"}, options.workers)
        try:
            print(f"{'page (uncached)':26} {'p50 ms':>8} {'p95 ms':>8} {'KB':>7} {'target':>7}")
            misses = 0
            for name, path in chosen["pages"].items():
                figures = uncached(port, path, options.runs, cache.flushdb)
                target = LARGEST_TARGET_MS if name == "largest episode" else TARGET_MS
                ok = figures["p50"] < target
                misses += not ok
                print(f"{name:26} {figures['p50']:8.1f} {figures['p95']:8.1f} "
                      f"{figures['bytes'] / 1024:7.0f} {'<' if ok else 'MISS'} {target}")
            print(f"{misses} page(s) over target")
            print(f"\n{'search (uncached)':26} {'app ms':>8} {'rg ms':>8}")
            for name, query in QUERIES.items():
                app = uncached(port, f"/search/?{urllib.parse.urlencode({'q': query})}",
                               options.runs, cache.flushdb)["p50"]
                print(f"{name + ' ' + repr(query):26} {app:8.1f} "
                      f"{ripgrep(options.archive, query, options.runs):8.1f}")
        finally:
            server.terminate()
            server.wait(timeout=30)
        cache.flushdb()
        server, port = start_gunicorn(env, options.workers)
        try:
            floor = load(port, "/healthz", options.requests, options.concurrency)
            print(f"\n{'cached, under load':26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'/ floor':>8}")
            print(f"{'/healthz (floor)':26} {floor['rps']:8.0f} {floor['p50']:8.1f} {floor['p95']:8.1f}")
            for name in ("episode (median size)", "largest episode", "home", "/all-tags/"):
                figures = load(port, chosen["pages"][name], options.requests, options.concurrency)
                print(f"{name:26} {figures['rps']:8.0f} {figures['p50']:8.1f} "
                      f"{figures['p95']:8.1f} {figures['rps'] / floor['rps']:8.2f}")
            print("(target: the cached episode page at least 0.50 of the floor)")
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        cache.flushdb()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
