"""The sync as a job: one at a time (the ``sync`` lock), its report the job's result."""
from __future__ import annotations

from pathlib import Path

from editorial.jobs.models import Job
from editorial.jobs.running import start_job

from .syncing import Sync

LOCK = "sync"


def start_sync(folder: Path, *, by=None, queue: bool = True) -> Job:
    """Record (and queue) a sync of ``folder``; raises ``JobBusy`` while one runs."""
    return start_job(Job.Kind.SYNC, by=by, params={"folder": str(folder)}, locks=[LOCK], queue=queue)


def run_sync_job(run) -> dict:
    sync = Sync(Path(run.params["folder"]), by=run.job.started_by, beat=run.beat)
    return sync.run().as_dict()
