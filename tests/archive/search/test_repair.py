"""A process killed during the index pass leaves the index behind; the next run mends it.

Runs real commands in subprocesses against a database of their own (a SQLite file, or
a PostgreSQL database beside the test database), and SIGKILLs an import as soon as it
says its files are in, that is while it indexes them.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import episode_markdown

REPO = Path(__file__).resolve().parents[3]
EPISODES = 600


@contextmanager
def own_database(tmp_path):
    """(DATABASE_URL, a function running SQL and returning rows) for a fresh database."""
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"{default['NAME']}_kill"
        server = dict(host=default["HOST"] or "127.0.0.1", port=default["PORT"] or 5432,
                      user=default["USER"], password=default["PASSWORD"] or None)
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"

        def query(sql):
            with psycopg.connect(dbname=name, **server) as connection:
                cursor = connection.execute(sql)
                return cursor.fetchall() if cursor.description else []
        try:
            yield url, query
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "kill.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as connection:
                return connection.execute(sql).fetchall()
        yield f"sqlite:///{path}", query


def manage(url, *args, **kwargs):
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, **kwargs)


def run(url, *args) -> str:
    process = manage(url, *args)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    return output


def write_folder(folder: Path, word: str) -> None:
    folder.mkdir(exist_ok=True)
    for number in range(EPISODES):
        turns = [("Host", f"{word}{number}号，第{turn}段。", f"Turn {turn} of {number}.") for turn in range(20)]
        (folder / f"e{number:04}.md").write_text(episode_markdown(title=f"第{number}期", sections=[("一", turns)]))


LAGGING = (
    "SELECT count(*) FROM archive_episode e LEFT JOIN archive_searchtext s "
    "ON s.episode_id = e.id AND s.version = e.version WHERE s.id IS NULL"
)
SEARCH = (
    "from archive.models import Episode; from archive.search import search; "
    "print('found', search('{}', Episode.objects.public()).paginator.count)"
)


def test_a_kill_during_the_index_pass_is_repaired_by_the_next_run(tmp_path):
    folder = tmp_path / "notes"
    with own_database(tmp_path) as (url, query):
        run(url, "migrate", "-v", "0")
        write_folder(folder, "旧文本")
        run(url, "import_markdown", str(folder))
        assert query(LAGGING) == [(0,)]

        write_folder(folder, "新文本")
        importing = manage(url, "import_markdown", str(folder))
        for line in importing.stdout:
            if " files: " in line:             # every file committed; the index pass begins
                os.killpg(importing.pid, signal.SIGKILL)
                break
        importing.wait(timeout=60)
        assert importing.returncode == -signal.SIGKILL
        assert query(LAGGING)[0][0] > 0, "the kill came after the index pass"

        assert "indexed 0 " not in run(url, "rebuild_index", "--lagging")
        assert query(LAGGING) == [(0,)]
        assert f"found {EPISODES}" in run(url, "shell", "-c", SEARCH.format("新文本"))
        assert "found 0" in run(url, "shell", "-c", SEARCH.format("旧文本"))


def test_the_first_search_of_a_process_repairs_what_lags(tmp_path):
    folder = tmp_path / "notes"
    with own_database(tmp_path) as (url, query):
        run(url, "migrate", "-v", "0")
        write_folder(folder, "旧文本")
        run(url, "import_markdown", str(folder))
        # An editor's save committed by a worker killed before its listener ran:
        # content and version changed, the index not.
        lagging = "UPDATE archive_turn SET translation = '改过的' WHERE episode_id = {0}; " \
                  "UPDATE archive_episode SET version = version + 1 WHERE id = {0}"
        episode = query("SELECT min(id) FROM archive_episode")[0][0]
        for statement in lagging.format(episode).split("; "):
            query(statement)
        assert query(LAGGING) == [(1,)]
        assert "found 1" in run(url, "shell", "-c", SEARCH.format("改过的"))
        assert query(LAGGING) == [(0,)]
