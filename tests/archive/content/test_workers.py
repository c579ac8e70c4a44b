"""The import's and export's worker processes end with their pool, wherever it runs."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.processes import REPO, own_database

FILES = 80  # above the count from which the import reads files in worker processes

# As a job worker does (django-tasks' db_worker, RQ): SIGTERM means "stop after this job".
RUN_AS_A_JOB_WORKER = """
import signal
signal.signal(signal.SIGTERM, lambda *_: print("asked to stop"))
from django.core.management import call_command
call_command("import_markdown", {folder!r}, "--jobs", "2")
call_command("export_markdown", {out!r}, "--force")
call_command("rebuild_index")
print("done")
"""


@pytest.mark.django_db(transaction=True)
def test_an_import_and_export_inside_a_job_worker_end_their_pools(tmp_path):
    folder, out = tmp_path / "notes", tmp_path / "out"
    folder.mkdir()
    for number in range(FILES):
        (folder / f"note-{number:03}.md").write_text(f"---\ntitle: Note {number}\n---\n\n第{number}段。\n", encoding="utf-8")
    with own_database(tmp_path, "workers") as (url, _):
        env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "DEBUG": "1",
               "DJANGO_SETTINGS_MODULE": "tests.settings"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True, timeout=300)
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", RUN_AS_A_JOB_WORKER.format(folder=str(folder), out=str(out))],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert "done" in done.stdout
    assert sorted(path.name for path in out.iterdir()) == sorted(path.name for path in folder.iterdir())
