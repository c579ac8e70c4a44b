"""Public pages and search under gunicorn, against a trivial view and ripgrep.

    python bench/pages.py [--sizes 100,1000,3000] [--serve 1000] [--requests 300]
                          [--concurrency 4] [--workers 2] [--corpus PATH]

For each size it builds an N-episode archive by cycling the shared corpus under new
file names, imports it into a throwaway SQLite database with the search index
deferred, then builds the index in one pass in a process of its own (its time and
peak memory are reported apart from the import's). It serves the archive with
gunicorn on 127.0.0.1 and times uncached searches (a two-character Chinese word, a
Chinese phrase, an English word) against ripgrep over the same files.

At the ``--serve`` size it also measures requests per second and p50/p95 latency
of the largest corpus episode, the episode index and the searches (cached pages),
with a trivial view of the same app (``/healthz``) as the floor, in the same run.
Every request loop is bounded in count; nothing but 127.0.0.1 is contacted.
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

REPO = Path(__file__).resolve().parent.parent
QUERIES = {"2-char Chinese": "泡沫", "Chinese phrase": "数据中心", "English word": "bubble"}


# Building ----------------------------------------------------------------------------

def build_archive(corpus: Path, folder: Path, episodes: int) -> tuple[int, str]:
    """N files cycled from the corpus; the size and the slug of a largest episode."""
    sources = sorted(corpus.rglob("*.md"))
    largest = max(sources, key=lambda path: path.stat().st_size)
    size, largest_slug = 0, ""
    for number in range(episodes):
        source = sources[number % len(sources)]
        target = folder / f"bench-{number:05d}-{source.name}"
        shutil.copyfile(source, target)
        size += target.stat().st_size
        if source == largest and not largest_slug:
            largest_slug = target.stem
    return size, largest_slug


def child(code: str, env: dict) -> dict:
    """Run ``code`` in a fresh Django process; it prints one JSON line last."""
    prelude = (
        "import json, os, resource, sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'editorial.settings')\n"
        "import django\ndjango.setup()\n"
        "def rss_mb():\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
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
from django.core.management import call_command
from archive.search_index import deferred
call_command("migrate", verbosity=0)
started = time.perf_counter()
with deferred(rebuild=False):
    call_command("import_markdown", os.environ["BENCH_FOLDER"], stdout=StringIO())
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

INDEX = """
from archive.search_index import rebuild_index
before = rss_mb()
started = time.perf_counter()
documents = rebuild_index()
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "documents": documents,
                  "rss_before_mb": before, "rss_peak_mb": rss_mb()}))
"""


# Serving and measuring ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "editorial.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        env=env, cwd=REPO,
    )
    for _ in range(100):
        try:
            status, _ = get(port, "/healthz")
            if status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


def load(port: int, path: str, requests: int, concurrency: int) -> dict:
    """``requests`` GETs of ``path`` from ``concurrency`` threads: rps, p50, p95."""
    for _ in range(3):
        status, _ = get(port, path)
        assert status == 200, (path, status)
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
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def uncached_search(port: int, query: str, runs: int) -> float:
    """Median ms of a search page whose address is new each time (never cached)."""
    times = []
    for run in range(runs):
        path = f"/search/?{urllib.parse.urlencode({'q': query, 'bench': f'{time.time_ns()}-{run}'})}"
        started = time.perf_counter()
        status, _ = get(port, path)
        times.append(time.perf_counter() - started)
        assert status == 200
    return statistics.median(times) * 1000


def ripgrep(folder: Path, query: str, runs: int) -> float:
    """Median ms of ``rg --fixed-strings --ignore-case --count`` over the files."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            ["rg", "--fixed-strings", "--ignore-case", "--count", query, str(folder)],
            stdout=subprocess.DEVNULL, check=False,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


# Main --------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--serve", type=int, default=1000, help="size measured under load")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--search-runs", type=int, default=15)
    parser.add_argument(
        "--corpus", type=Path,
        default=Path(os.environ.get("ARCHIVE_CORPUS", REPO.parent / "shared" / "corpus")),
    )
    options = parser.parse_args()
    if not shutil.which("rg"):
        raise SystemExit("ripgrep (rg) is missing: apt-get install ripgrep")
    sizes = [int(size) for size in options.sizes.split(",")]

    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    base_env = {
        key: value for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    base_env.update({
        "DJANGO_SETTINGS_MODULE": "editorial.settings", "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING",
    })
    rows = []
    try:
        # Hashed static files in STATIC_ROOT, as production serves them (DEBUG off).
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=REPO, env=base_env, check=True,
        )
        for size in sizes:
            folder = work / f"archive-{size}"
            folder.mkdir()
            megabytes, largest = build_archive(options.corpus, folder, size)
            env = {**base_env, "DATABASE_URL": f"sqlite:///{work / f'bench-{size}.sqlite3'}",
                   "BENCH_FOLDER": str(folder)}
            imported = child(IMPORT, env)
            indexed = child(INDEX, env)
            server, port = start_gunicorn(env, options.workers)
            try:
                search_ms = {
                    name: uncached_search(port, query, options.search_runs)
                    for name, query in QUERIES.items()
                }
                load_figures = None
                if size == options.serve:
                    load_figures = {
                        "trivial view /healthz (floor)": load(port, "/healthz", options.requests, options.concurrency),
                        "largest episode (cached)": load(port, f"/episodes/{largest}/", options.requests, options.concurrency),
                        "episode index (cached)": load(port, "/episodes/", options.requests, options.concurrency),
                        **{
                            f"search {name} (cached)": load(
                                port, f"/search/?{urllib.parse.urlencode({'q': query})}",
                                options.requests, options.concurrency,
                            )
                            for name, query in QUERIES.items()
                        },
                    }
            finally:
                server.terminate()
                server.wait(timeout=30)
            rg_ms = {name: ripgrep(folder, query, options.search_runs) for name, query in QUERIES.items()}
            rows.append({
                "size": size, "megabytes": megabytes / 1e6, "import": imported,
                "index": indexed, "search_ms": search_ms, "rg_ms": rg_ms, "load": load_figures,
            })
            report(rows[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary(rows)


def report(row: dict) -> None:
    index = row["index"]
    print(f"\n== {row['size']} episodes, {row['megabytes']:.0f} MB of markdown ==")
    print(f"import (index deferred): {row['import']['seconds']:8.1f} s")
    print(f"index build, one pass:   {index['seconds']:8.1f} s, {index['documents']} documents, "
          f"peak RSS {index['rss_peak_mb']:.0f} MB (process at start {index['rss_before_mb']:.0f} MB)")
    print(f"{'search (uncached, HTTP)':28} {'app p50 ms':>11} {'rg ms':>9} {'rg / app':>9}")
    for name in QUERIES:
        app, rg = row["search_ms"][name], row["rg_ms"][name]
        print(f"{name:28} {app:11.1f} {rg:9.1f} {rg / app:8.1f}x")
    if row["load"]:
        floor = row["load"]["trivial view /healthz (floor)"]["rps"]
        print(f"{'under load':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'/ floor':>8}")
        for name, figures in row["load"].items():
            print(f"{name:34} {figures['rps']:8.0f} {figures['p50']:8.1f} {figures['p95']:8.1f} "
                  f"{figures['rps'] / floor:8.2f}")
    sys.stdout.flush()


def summary(rows: list[dict]) -> None:
    print("\n== search growth (uncached app p50 vs rg, ms) ==")
    print(f"{'episodes':>9} " + " ".join(f"{name:>26}" for name in QUERIES))
    for row in rows:
        cells = " ".join(
            f"{row['search_ms'][name]:11.1f} vs {row['rg_ms'][name]:9.1f}  " for name in QUERIES
        )
        print(f"{row['size']:9d} {cells}")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
