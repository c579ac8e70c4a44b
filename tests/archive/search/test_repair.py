"""A process killed during the index pass leaves the index behind; the next run mends it.

Runs real commands in subprocesses against a database of their own (a SQLite file, or
a PostgreSQL database beside the test database), and SIGKILLs an import as soon as it
says its files are in, that is while it indexes them.
"""
from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.factories import episode_markdown
from tests.processes import kill, manage, own_database, run

EPISODES = 600


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


@pytest.fixture(params=["scan", "postings"])
def backend(request, monkeypatch, tmp_path):
    """Each test with each search backend (the commands it runs read the environment)."""
    monkeypatch.setenv("SEARCH_BACKEND", request.param)
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    return request.param


def test_a_kill_during_the_index_pass_is_repaired_by_the_next_run(tmp_path, backend):
    folder = tmp_path / "notes"
    with own_database(tmp_path, "kill") as (url, query):
        run(url, "migrate", "-v", "0")
        write_folder(folder, "旧文本")
        run(url, "import_markdown", str(folder))
        assert query(LAGGING) == [(0,)]
        assert (tmp_path / "index" / "current").is_symlink() == (backend == "postings")

        write_folder(folder, "新文本")
        importing = manage(url, "import_markdown", str(folder))
        for line in importing.stdout:
            if " files: " in line:             # every file committed; the index pass begins
                kill(importing, query)
                break
        assert importing.returncode == -signal.SIGKILL
        assert query(LAGGING)[0][0] > 0, "the kill came after the index pass"

        assert "indexed 0 " not in run(url, "rebuild_index", "--lagging")
        assert query(LAGGING) == [(0,)]
        assert f"found {EPISODES}" in run(url, "shell", "-c", SEARCH.format("新文本"))
        assert "found 0" in run(url, "shell", "-c", SEARCH.format("旧文本"))


def test_the_first_search_of_a_process_repairs_what_lags(tmp_path, backend):
    folder = tmp_path / "notes"
    with own_database(tmp_path, "kill") as (url, query):
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
