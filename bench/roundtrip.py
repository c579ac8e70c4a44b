"""Import and export of the real archive against their floors, in one run.

    python bench/roundtrip.py [--notes PATH] [--cycle-corpus N]

By default the shared half of the real archive (``../shared/archive/notes``, or
$ARCHIVE_NOTES); ``--cycle-corpus N`` builds N episodes by cycling the small corpus
instead, for sizes beyond the archive's. On a throwaway database of the configured
kind (DATABASE_URL: SQLite by default, or a PostgreSQL server, on which a database is
created and dropped) it runs the commands as a user would, each its own process:
import_markdown into the empty database (the search index pass reported apart),
check_translations (the flags the import stored; then --recheck, the checks afresh),
import_markdown again on the unchanged files, re-indexing one edited episode, and
export_markdown into an empty folder, checked byte for byte. In the same run it
times the floors: reading the files and parsing each with python-frontmatter
(import), reading and writing the same bytes (export). Prints seconds, ratios, the
peak memory of the largest process and the database's size against the archive's.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.project.settings")
# Run as a development setup, DEBUG=1, unless DEBUG is set.
os.environ.setdefault("DEBUG", "1")

REINDEX_ONE = """
import time, django
django.setup()
from django.db.models import Count
from archive.models import Episode
from archive.signals import episodes_changed
largest = Episode.objects.annotate(turns_count=Count("turns")).order_by("-turns_count").first()
best = float("inf")
for _ in range(5):
    started = time.perf_counter()
    episodes_changed.send(sender=None, episode_ids=[largest.pk])
    best = min(best, time.perf_counter() - started)
print(f"{best:.4f} {largest.turns_count}")
"""


def markdown_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.md"))


def cycle_corpus(corpus: Path, folder: Path, episodes: int) -> None:
    sources = markdown_files(corpus)
    for number in range(episodes):
        source = sources[number % len(sources)]
        shutil.copyfile(source, folder / f"bench-{number:05d}-{source.name}")


def import_floor(files: list[Path], runs: int = 3) -> float:
    """The best of ``runs`` passes, so a busy machine does not flatter the ratios."""
    import frontmatter

    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for path in files:
            try:
                frontmatter.loads(path.read_text(encoding="utf-8"))
            except Exception:  # noqa: BLE001 - the floor only reads; bad files cost the same
                pass
        best = min(best, time.perf_counter() - started)
    return best


def export_floor(files: list[Path], root: Path, work: Path, runs: int = 3) -> float:
    best = float("inf")
    for run in range(runs):
        target = work / f"floor-{run}"
        started = time.perf_counter()
        for path in files:
            out = target / path.relative_to(root)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(path.read_bytes())
        best = min(best, time.perf_counter() - started)
        shutil.rmtree(target)
    return best


def manage(*args: str, env: dict) -> tuple[float, str]:
    """Seconds the command took as its own process, and what it printed."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args], env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    # import_markdown exits 1 when a file was refused; anything else is a failure.
    if done.returncode not in (0, 1) or (done.returncode and args[0] != "import_markdown"):
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def python(code: str, env: dict) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=REPO,
    )
    if done.returncode:
        sys.exit(f"python -c failed:\n{done.stderr}")
    return done.stdout


def peak_megabytes() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


class ThrowawayDatabase:
    """An empty database of the kind DATABASE_URL names, dropped afterwards."""

    def __init__(self, work: Path):
        self.server = os.environ.get("DATABASE_URL", "")
        self.postgres = self.server.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            self.name = f"bench_{uuid.uuid4().hex[:8]}"
            self.url = re.sub(r"/[^/]*$", f"/{self.name}", self.server)
            self._psql(f"CREATE DATABASE {self.name}")
        else:
            self.file = work / "bench.sqlite3"
            self.url = f"sqlite:///{self.file}"
        self.vendor = "postgresql" if self.postgres else "sqlite"

    def _psql(self, sql: str) -> str:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as connection:
            cursor = connection.execute(sql)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else ""

    def size(self) -> int:
        if self.postgres:
            return int(self._psql(f"SELECT pg_database_size('{self.name}')"))
        import sqlite3

        with sqlite3.connect(self.file) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.file.stat().st_size

    def drop(self) -> None:
        if self.postgres:
            self._psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def seconds_of(pattern: str, output: str) -> float:
    match = re.search(pattern + r".* in ([\d.]+) s", output)
    return float(match.group(1)) if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notes", type=Path,
        default=Path(os.environ.get("ARCHIVE_NOTES") or REPO.parent / "shared" / "archive" / "notes"),
    )
    parser.add_argument("--cycle-corpus", type=int, metavar="N", help="N copies of the corpus instead")
    parser.add_argument(
        "--corpus", type=Path,
        default=Path(os.environ.get("ARCHIVE_CORPUS") or REPO.parent / "shared" / "corpus"),
    )
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-roundtrip-"))
    if options.cycle_corpus:
        notes = work / "archive"
        notes.mkdir()
        cycle_corpus(options.corpus, notes, options.cycle_corpus)
    else:
        notes = options.notes
    files = markdown_files(notes)
    archive_bytes = sum(path.stat().st_size for path in files)
    database = ThrowawayDatabase(work)
    env = {**os.environ, "DATABASE_URL": database.url, "ARCHIVE_ROOT": ""}
    out = work / "out"
    load_at_start = os.getloadavg()
    try:
        floor_in = import_floor(files)
        floor_out = export_floor(files, notes, work)
        manage("migrate", "-v0", env=env)
        imported, output = manage("import_markdown", str(notes), env=env)
        indexed = seconds_of(r"search index", output)
        summary = next((line for line in output.splitlines() if " files: " in line), output[-500:])
        peak = peak_megabytes()
        checked, checked_output = manage("check_translations", env=env)
        rechecked, _ = manage("check_translations", "--recheck", env=env)
        checked_summary = next(
            (line for line in checked_output.splitlines() if " turns checked, " in line), "")
        again, again_output = manage("import_markdown", str(notes), env=env)
        reindex, turns = python(REINDEX_ONE, env).split()
        exported, _ = manage("export_markdown", str(out), env=env)
        refused = dict(re.findall(r"^(/\S*?\.md):(\d+: .*)$", output, flags=re.MULTILINE))
        differing = [
            path for path in files if str(path) not in refused and (
                not (out / path.relative_to(notes)).is_file()
                or (out / path.relative_to(notes)).read_bytes() != path.read_bytes())
        ]
        size = database.size()
    finally:
        database.drop()
        shutil.rmtree(work)

    megabytes = archive_bytes / 1e6
    print(f"database: {database.vendor}; {len(files)} files, {megabytes:.1f} MB ({notes})")
    print("load average (1 min) at the start and the end: "
          f"{load_at_start[0]:.1f}, {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
    print(f"import: {summary.strip()}")
    print(f"floor, read + python-frontmatter:  {floor_in:7.2f} s")
    index_pass = (f"of which the index pass {indexed:.2f} s" if indexed == indexed
                  else "new episodes indexed while parsing, no index pass")
    print(f"import_markdown, index included:   {imported:7.2f} s = {imported / floor_in:5.1f} x floor "
          f"(aim 10 x); {index_pass}")
    print(f"  peak memory of the largest process: {peak} MB (aim under 1024)")
    print(f"check_translations (stored flags): {checked:7.2f} s = {checked / floor_in:5.1f} x floor "
          f"(aim 2 x): {checked_summary}")
    print(f"check_translations --recheck:      {rechecked:7.2f} s = {rechecked / floor_in:5.1f} x floor")
    print(f"import_markdown again, unchanged:  {again:7.2f} s (aim under 3 s): "
          f"{next((line for line in again_output.splitlines() if ' files: ' in line), '').strip()}")
    print(f"re-index one edited episode ({turns} turns): {float(reindex) * 1000:.0f} ms (aim under 100)")
    print(f"floor, read + write the same bytes: {floor_out:7.2f} s")
    print(f"export_markdown:                   {exported:7.2f} s = {exported / floor_out:5.1f} x floor (aim 3 x)")
    print(f"database size: {size / 1e6:.0f} MB = {size / archive_bytes:.2f} x the archive (aim 2 x)")
    print(f"files refused at import: {len(refused)}"
          + "".join(f"\n  {path}:{why}" for path, why in refused.items()))
    print(f"files differing after the round trip: {len(differing)}"
          + "".join(f"\n  {path}" for path in differing[:10]))


if __name__ == "__main__":
    main()
