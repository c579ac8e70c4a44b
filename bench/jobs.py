"""Jobs and sync_content at the archive's size, each beside its floor in the same run.

    python bench/jobs.py [--notes ../shared/archive/notes] [--limit N] [--copies N]

In a temporary folder: a bare repository as the remote, a clone playing the pipeline
holding the notes, the CMS's clone and a fresh SQLite database. Figures:

- the first sync (imports every note) and a sync with no changes; floor: the git
  commands a sync cannot do without (fetch, status) alone;
- a sync taking 100 new pipeline notes; floor: fetch and fast-forward alone (in a
  clone of its own) plus parsing those 100 files with the codec;
- a merge of the company named in most episodes, as a job: the request that starts it,
  then a real ``db_worker`` until it is done (wall time), with an editor saving an
  unrelated episode every half second meanwhile (the longest save: no merge may hold
  the database for longer than one episode); floor: reading and rendering those
  episodes once;
- the worker's peak memory (VmHWM).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.project.settings")
os.environ.setdefault("DEBUG", "1")


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def git(folder: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True,
                          text=True).stdout


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def make_repositories(work: Path, notes: list[Path], copies: int) -> tuple[Path, Path, Path]:
    remote, pipeline, content = work / "remote.git", work / "pipeline", work / "content"
    git(work, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(work, "clone", "--quiet", str(remote), str(pipeline))
    for folder in (pipeline,):
        git(folder, "config", "user.name", "Pipeline")
        git(folder, "config", "user.email", "pipeline@example.org")
    (pipeline / "notes").mkdir()
    for path in notes:
        shutil.copyfile(path, pipeline / "notes" / path.name)
        for number in range(2, copies + 1):
            shutil.copyfile(path, pipeline / "notes" / f"{path.stem}-{number}{path.suffix}")
    git(pipeline, "add", "-A")
    git(pipeline, "commit", "--quiet", "-m", "The archive")
    git(pipeline, "push", "--quiet", "-u", "origin", "main")
    git(work, "clone", "--quiet", str(remote), str(content))
    git(content, "config", "user.name", "Archive CMS")
    git(content, "config", "user.email", "cms@example.org")
    return remote, pipeline, content


def sync_figures(pipeline: Path, content: Path, spare: list[Path]) -> None:
    from archive.codec import parse
    from editorial.sync.syncing import Sync

    def sync():
        return Sync(content / "notes", remote="origin", branch="main").run()

    report, seconds = timed(sync)
    print(f"first sync: {len(report.imported)} notes imported in {seconds:.1f} s (load {load()})")
    report, seconds = timed(sync)
    _, floor = timed(lambda: (git(content, "fetch", "--quiet", "origin"), git(content, "status", "--porcelain")))
    print(f"sync with no changes: {seconds:.2f} s; floor (git fetch + status): {floor:.2f} s (load {load()})")

    # The floor's own clone, in step before the pipeline pushes.
    scratch = content.parent / "floor-clone"
    git(content.parent, "clone", "--quiet", str(content.parent / "remote.git"), str(scratch))
    for path in spare[:100]:
        shutil.copyfile(path, pipeline / "notes" / path.name)
    git(pipeline, "add", "-A")
    git(pipeline, "commit", "--quiet", "-m", "100 new notes")
    git(pipeline, "push", "--quiet")
    report, seconds = timed(sync)

    def floor_work():
        git(scratch, "pull", "--quiet", "--ff-only")
        for path in spare[:100]:
            parse(path.read_text(encoding="utf-8"))
    _, floor = timed(floor_work)
    print(f"sync taking {len(report.imported)} new pipeline notes: {seconds:.2f} s; floor "
          f"(fetch and fast-forward alone + parsing those notes): {floor:.2f} s (load {load()})")


def peak_memory_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def merge_figures(database_url: str) -> None:
    from django.contrib.auth.models import Group, User
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from archive.codec import render
    from archive.content.store import load_documents
    from archive.models import Episode, Organization
    from editorial.edits import editing
    from editorial.jobs.models import Job
    from editorial.names import merging as names

    company = Organization.objects.annotate(n=Count("links")).order_by("-n").first()
    publisher = User.objects.create_user("bench-publisher", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    editor = User.objects.create_user("bench-editor", is_staff=True)
    plan, preview = timed(lambda: names.plan_rename(
        kind="companies_orgs", sources=[company.name], target=f"{company.name} Bench"
    ))
    ids = [episode.episode_id for episode in plan.episodes]

    def read_all():
        for start in range(0, len(ids), 100):
            chunk = list(Episode.objects.filter(pk__in=ids[start:start + 100]))
            for document in load_documents(chunk).values():
                render(document)
    _, floor = timed(read_all)

    client = Client()
    client.force_login(publisher)
    client.get(reverse("admin:editorial_names_merge"))  # a warm process, as a server's is
    started, request_seconds = timed(lambda: client.post(reverse("admin:editorial_names_merge"), {
        "kind": "companies_orgs", "sources": company.name, "target": f"{company.name} Bench",
        "token": plan.token, "_action": "apply",
    }))
    assert started.status_code == 302, started.content[:500]
    job = Job.objects.get(kind=Job.Kind.NAMES)

    other = Episode.objects.exclude(pk__in=ids).first()
    saves: list[float] = []
    stop = threading.Event()

    def editor_saves():
        from django.db import connection
        number = 0
        while not stop.is_set():
            number += 1
            def change(document, number=number):
                blocks = list(document.blocks)
                at = next(i for i, block in enumerate(blocks) if getattr(block, "text", None))
                blocks[at] = dataclasses.replace(blocks[at], text=f"{blocks[at].text.split(' #')[0]} #{number}")
                return dataclasses.replace(document, blocks=tuple(blocks))
            saves.append(timed(lambda: editing.edit(other.pk, change, by=editor, summary="A save beside the merge"))[1])
            time.sleep(0.5)
        connection.close()

    environment = {**os.environ, "DATABASE_URL": database_url}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
        cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    saver = threading.Thread(target=editor_saves)
    began = time.perf_counter()
    saver.start()
    peak = 0
    try:
        while True:
            peak = max(peak, peak_memory_kib(worker.pid))
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.2)
        wall = time.perf_counter() - began
    finally:
        stop.set()
        saver.join()
        worker.terminate()
        worker.wait(timeout=30)
    print(
        f"{plan.summary}: {len(ids)} episodes as a job: the request that starts it "
        f"{request_seconds * 1000:.0f} ms; the job {wall:.1f} s ({job.status}, {job.done} of "
        f"{job.total}, {job.failed} failed); preview {preview:.1f} s; floor (reading and "
        f"rendering those episodes once): {floor:.1f} s (load {load()})"
    )
    if saves:
        print(f"  an editor's save during the merge: {len(saves)} saves, longest "
              f"{max(saves) * 1000:.0f} ms, median {sorted(saves)[len(saves) // 2] * 1000:.0f} ms")
    print(f"  the worker's peak memory (VmHWM): {peak / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=Path, default=Path(os.environ.get(
        "ARCHIVE_NOTES", REPO.parent / "shared" / "archive" / "notes")))
    parser.add_argument("--limit", type=int, default=0, help="Only the first N notes (0: all).")
    parser.add_argument("--copies", type=int, default=1,
                        help="Each note N times under other names (2: the whole archive's size).")
    arguments = parser.parse_args()
    notes = sorted(arguments.notes.glob("*.md"))
    spare, notes = notes[-100:], notes[:-100]
    if arguments.limit:
        notes = notes[:arguments.limit]
    work = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    database_url = f"sqlite:///{work / 'archive.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["ARCHIVE_ROOT"] = str(work / "content" / "notes")
    try:
        print(f"{len(notes) * arguments.copies} notes, 100 more from the pipeline; load {load()}")
        _, pipeline, content = make_repositories(work, notes, arguments.copies)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        sync_figures(pipeline, content, spare)
        merge_figures(database_url)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
