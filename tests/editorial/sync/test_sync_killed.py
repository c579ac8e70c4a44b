"""sync_content SIGKILLed while it imports the pipeline's new notes: the next run
takes the stopped sync over and finishes it; the work tree, the database and the
remote end up consistent."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.factories import episode_markdown
from tests.processes import kill, manage, own_database, run

from .test_syncing import git

FIRST, NEW = 100, 400

EDIT = """
import dataclasses
from archive.models import Episode
from django.contrib.auth.models import User
from editorial.edits import editing
ann = User.objects.create_user("ann", email="ann@example.org", first_name="Ann", last_name="Lee")
def change(document):
    blocks = list(document.blocks)
    at = next(i for i, block in enumerate(blocks) if getattr(block, "label", "") == "Host")
    blocks[at] = dataclasses.replace(blocks[at], text="编辑改过的句子。")
    return dataclasses.replace(document, blocks=tuple(blocks))
editing.edit(Episode.objects.get(source_path="n0003.md").pk, change, by=ann, summary="Fixed a turn")
"""


def notes(folder, numbers) -> None:
    for number in numbers:
        turns = [("Host", f"第{number}期第{turn}句。", f"Turn {turn}.") for turn in range(40)]
        (folder / f"n{number:04}.md").write_text(
            episode_markdown(title=f"第{number}期", draft=True, sections=[("一", turns)]), encoding="utf-8"
        )


@pytest.mark.django_db
def test_a_sync_killed_while_importing_is_finished_by_the_next(tmp_path):
    remote, pipeline, content = tmp_path / "remote.git", tmp_path / "pipeline", tmp_path / "content"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), str(pipeline))
    git(pipeline, "config", "user.name", "Pipeline")
    git(pipeline, "config", "user.email", "pipeline@example.org")
    (pipeline / "notes").mkdir()
    notes(pipeline / "notes", range(FIRST))
    git(pipeline, "add", "-A")
    git(pipeline, "commit", "--quiet", "-m", "First notes")
    git(pipeline, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(remote), str(content))
    git(content, "config", "user.name", "Archive CMS")
    git(content, "config", "user.email", "cms@example.org")
    env = {"ARCHIVE_ROOT": str(content / "notes"), "JOBS_STALLED_AFTER": "0"}
    with own_database(tmp_path, "synckill") as (url, query):
        run(url, "migrate", "-v", "0", env=env)
        run(url, "sync_content", env=env)
        run(url, "shell", "-c", EDIT, env=env)
        notes(pipeline / "notes", range(FIRST, FIRST + NEW))
        git(pipeline, "add", "-A")
        git(pipeline, "commit", "--quiet", "-m", "New notes")
        git(pipeline, "push", "--quiet")

        syncing = manage(url, "sync_content", env=env)
        deadline = time.monotonic() + 120
        while query("SELECT count(*) FROM archive_episode")[0][0] <= FIRST:
            assert syncing.poll() is None, syncing.stdout.read()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        kill(syncing, query)
        assert syncing.returncode == -signal.SIGKILL
        assert query("SELECT status FROM jobs_job ORDER BY id DESC LIMIT 1") == [("running",)]

        again = run(url, "sync_content", env=env)

        assert "taking over job" in again and "committed" in again and "pushed" in again, again
        assert query("SELECT count(*) FROM archive_episode")[0][0] == FIRST + NEW
        assert "编辑改过的句子。" in git(remote, "show", "main:notes/n0003.md")
        assert git(remote, "log", "-1", "--format=%an", "main").strip() == "Ann Lee"
        assert git(content, "rev-parse", "HEAD") == git(remote, "rev-parse", "main")
        assert not git(content, "status", "--porcelain")
        # The database and the files agree: an export would write nothing.
        assert "0 differ" in run(url, "export_markdown", "--check", env=env)
        assert query("SELECT status, resumed FROM jobs_job ORDER BY id DESC LIMIT 1") == [("done", 1)]
