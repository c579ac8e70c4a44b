"""Real commands in subprocesses against a database of their own (a SQLite file, or
a PostgreSQL database beside the test database), for tests that kill them."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
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
