"""Real commands in subprocesses against a database of their own (a SQLite file, or
a PostgreSQL database beside the test database), for tests that kill them."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def own_database(tmp_path: Path, suffix: str):
    """(DATABASE_URL, a function running SQL and returning rows) for a fresh database."""
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"{default['NAME']}_{suffix}"
        server = dict(host=default["HOST"] or "127.0.0.1", port=default["PORT"] or 5432,
                      user=default["USER"], password=default["PASSWORD"] or None)
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"

        def query(sql, parameters=()):
            with psycopg.connect(dbname=name, **server) as connection:
                cursor = connection.execute(sql.replace("?", "%s"), parameters) if parameters \
                    else connection.execute(sql)
                return cursor.fetchall() if cursor.description else []
        try:
            yield url, query
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / f"{suffix}.sqlite3"

        def query(sql, parameters=()):
            with sqlite3.connect(path) as connection:
                return connection.execute(sql, parameters).fetchall()
        yield f"sqlite:///{path}", query


def manage(url: str, *args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """``manage.py ARGS`` started in a session of its own (to be killed whole)."""
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=REPO, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, **kwargs)


def kill(process: subprocess.Popen, query) -> None:
    """SIGKILL ``process`` and every process it started (RQ's work horse puts itself in
    a process group of its own), and wait until the database has seen the last of them:
    a PostgreSQL server process may still be committing what its client sent just
    before it died, so the test reads what the kill left only once every other session
    of the database is gone."""
    started = _descendants(process.pid)
    os.killpg(process.pid, signal.SIGKILL)
    for pid in started:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    others = ("SELECT count(*) FROM pg_stat_activity "
              "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + 30
    while query(others)[0][0]:
        assert time.monotonic() < deadline, "the killed process's sessions did not end"
        time.sleep(0.05)


def _descendants(pid: int) -> list[int]:
    """The processes below ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, waiting = [], [pid]
    while waiting:
        below = children.get(waiting.pop(), [])
        found += below
        waiting += below
    return found


def run(url: str, *args: str, env: dict | None = None, check: bool = True) -> str:
    process = manage(url, *args, env=env)
    output, _ = process.communicate(timeout=300)
    assert not check or process.returncode == 0, output
    return output


def worker_command(*, burst: bool) -> list[str]:
    """The worker of the configured task backend, as a command line."""
    if settings.JOBS_BACKEND == "rq":
        return ["rqworker", "default", *(["--burst"] if burst else [])]
    return ["db_worker", "--interval", "0.1", "--no-startup-delay", *(["--batch"] if burst else [])]
